"""Crash-trial driver: runs one of the app's storing operations in a process the test kills.

``python -m tests.hardening.crash_driver`` is a small fork server. It imports the app's core
once, then reads one JSON request per line on stdin and answers one JSON line on stdout:

* ``{"run": op, "home": ..., "work": ..., "tmp": ..., "kill_after": seconds | null}`` forks a
  child that does the operation through the app's own code in that data folder (the process
  is the app: no cleanup, no ``atexit``), and sends it SIGKILL ``kill_after`` seconds after
  the fork, unless it finished first. Answer: ``{"killed": bool, "seconds": float,
  "status": int}``.
* ``{"check": op, ...}`` forks a fresh child as "the next start": it opens what the operation
  left behind, finishes what the app finishes on start (the index sync, the profile), checks
  it, then re-imports. Answer: ``{"problems": [...], "facts": {...}}``. Like the app's start
  it first sweeps the data folder (``desktop.core.files.sweep_data_folder``), and it reports
  as a problem any of our temp files or unfinished vault folders still there at the end.

Forking keeps a trial short (the imports take 1-4 seconds on this machine); the server
never opens a store, a model or a thread before it forks (llama.cpp's OpenMP pool and
chroma's runtime do not survive a fork), so every child starts as clean as a new process.
Embedding is pure computation with no writes, so by default a deterministic hashing embedder
stands in for the model and the kill moments fall on the writes; ``LANTERN_CRASH_EMBEDDER=
real`` loads the real embedding model in each child instead.

The operations are in ``crash_ops``, the checks in ``crash_checks``."""

from __future__ import annotations

import json
import os
import select
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from desktop import offline

offline.apply()

import chromadb  # noqa: E402  (imported once here: GuidelineIndex imports it lazily)
import chromadb.config  # noqa: E402, F401

from desktop.core.files import sweep_data_folder  # noqa: E402
from tests.hardening.crash_checks import (  # noqa: E402
    CHECKS,
    leftover_temp_files,
    leftovers,
    plaintext_hits,
)
from tests.hardening.crash_ops import CHILD_LIMIT, OPS, Ctx  # noqa: E402


def _child_setup(request: dict) -> Ctx:
    os.environ["LANTERN_HOME"] = request["home"]
    os.environ["TMPDIR"] = request["tmp"]
    tempfile.tempdir = None  # pick up the trial's TMPDIR
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return Ctx(Path(request["home"]), Path(request["work"]))


def _wait(pid: int, limit: float | None) -> tuple[bool, int]:
    """Wait for the child up to ``limit`` seconds; SIGKILL it if it is still running."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], CHILD_LIMIT if limit is None else limit)
    finally:
        os.close(fd)
    killed = not ready
    if killed:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return killed, os.waitstatus_to_exitcode(status)


def run(request: dict) -> dict:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            OPS[request["run"]](_child_setup(request))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    killed, status = _wait(pid, request.get("kill_after"))
    if request.get("kill_after") is None and killed:
        status = -9999  # hung: killed at CHILD_LIMIT
    return {"killed": killed, "seconds": time.perf_counter() - start, "status": status}


def check(request: dict) -> dict:
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        problems: list[str] = []
        facts: dict = {}
        try:
            ctx = _child_setup(request)
            facts["swept"] = sweep_data_folder(ctx.home)  # what the app does first on start
            CHECKS[request["check"]](ctx, problems, facts)
            facts["leftover_tmp"] = leftover_temp_files(ctx.home)
            left = leftovers(ctx.home)
            if left:
                problems.append(f"left behind after the next start: {left}")
            hits = plaintext_hits([ctx.home, Path(request["tmp"])])
            if hits:
                problems.append(f"record plaintext on disk in {len(hits)} file(s): {hits}")
        except BaseException as exc:
            problems.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        with os.fdopen(write_end, "w") as out:
            json.dump({"problems": problems, "facts": facts}, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        raw = pipe.read()
    _, status = _wait(pid, None)
    result = json.loads(raw) if raw else {"problems": [f"check died (status {status})"]}
    result["seconds"] = time.perf_counter() - start
    return result


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        answer = run(request) if "run" in request else check(request)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
