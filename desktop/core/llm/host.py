"""The window's side of the model host: starts the child process and talks JSON lines to it.

One host at a time; the child serves requests in order. ``generate`` streams token texts; a
new generation cancels the one still streaming; ``cancel`` may be called from any thread and
the child stops within milliseconds (llama.cpp's abort callback). When the child dies (a
llama.cpp abort, out of memory, killed), every waiting call raises :class:`HostCrashed` with
a plain description, and the caller's process carries on."""

from __future__ import annotations

import collections
import itertools
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from desktop.core.llm.generator import GenerationError

# Ends a wait when nothing arrives: loading a large model from a slow disk is the longest step.
LOAD_TIMEOUT_S = 600.0
REPLY_TIMEOUT_S = 120.0


class HostError(GenerationError):
    """The model host refused or failed a request; the message says why."""


class HostCrashed(HostError):
    """The model host process ended unexpectedly."""


def host_command() -> list[str]:
    """How to start the child: the frozen app runs itself with ``--model-host``."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--model-host"]
    return [sys.executable, "-m", "desktop.core.llm.host_child"]


class ModelHost:
    def __init__(self, command: Sequence[str] | None = None) -> None:
        self._command = list(command or host_command())
        self._proc: subprocess.Popen[str] | None = None
        self._ids = itertools.count(1)
        self._waiters: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()  # waiters and writes to the child
        self._streaming: int | None = None
        self._stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._crash: str | None = None
        self.pid: int | None = None
        self.start_s: float | None = None
        self.last_stats: dict[str, Any] = {}
        self.loaded: dict[str, Any] | None = None

    # ---- process
    def start(self, timeout: float = 60.0) -> None:
        """Start the child and wait until it says it is ready."""
        if self.alive:
            return
        if self._proc is not None:  # the one that crashed
            _close_quietly(self._proc.stdin)
        started = time.perf_counter()
        self._crash = None
        self.loaded = None
        ready: queue.Queue[dict[str, Any]] = queue.Queue()
        self._waiters = {0: ready}
        kwargs: dict[str, Any] = {}
        if os.name == "nt":
            kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self._proc = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
            **kwargs,
        )
        threading.Thread(target=self._read_events, args=(self._proc,), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(self._proc,), daemon=True).start()
        event = self._wait(ready, timeout)
        self.pid = int(event.get("pid", self._proc.pid))
        self.start_s = time.perf_counter() - started

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None and self._crash is None

    def close(self, timeout: float = 3.0) -> None:
        """Ask the child to leave; kill it if it does not."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                self.cancel()
                proc.stdin.write(json.dumps({"op": "shutdown"}) + "\n")  # type: ignore[union-attr]
                proc.stdin.flush()  # type: ignore[union-attr]
                proc.stdin.close()  # type: ignore[union-attr]
        except (OSError, ValueError):
            pass
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)
        _close_quietly(proc.stdin)
        self.loaded = None

    def kill(self) -> None:
        """End the child at once (tests use this to stand in for a crash)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(5)
            _close_quietly(self._proc.stdin)

    # ---- requests
    def load(
        self, path: Path, n_ctx: int, n_threads: int | None = None, seed: int | None = None
    ) -> dict[str, Any]:
        """Load a GGUF (checked by the caller first). Returns what the child reports."""
        self.start()
        event = self._request(
            {"op": "load", "path": str(path), "n_ctx": n_ctx, "n_threads": n_threads,
             "seed": seed},
            LOAD_TIMEOUT_S,
        )
        self.loaded = event
        return event

    def count(self, texts: Sequence[str], messages: list[dict[str, str]] | None = None) -> tuple[
        list[int], int
    ]:
        """Token counts of ``texts`` and of the whole chat prompt for ``messages``."""
        event = self._request({"op": "count", "texts": list(texts), "messages": messages})
        return [int(n) for n in event["texts"]], int(event["prompt"])

    def generate(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float = 0.2,
        top_p: float = 0.9,
        reset_cache: bool = False,
    ) -> Iterator[str]:
        """Send the request now and return the stream of the reply's text pieces; ``cancel``
        works from this moment. Closing the stream cancels the generation.

        ``reset_cache`` drops the KV cache first (benchmarks compare cold prompts)."""
        self._need_alive()
        rid, waiter = self._register()
        previous, self._streaming = self._streaming, rid
        if previous is not None:
            self._send({"op": "cancel", "id": previous})  # a new question replaces the old
        self.last_stats = {}
        self._send(
            {"op": "generate", "id": rid, "messages": messages, "max_tokens": max_tokens,
             "temperature": temperature, "top_p": top_p, "reset_cache": reset_cache}
        )
        return self._stream(rid, waiter)

    def _stream(self, rid: int, waiter: queue.Queue[dict[str, Any]]) -> Iterator[str]:
        finished = False
        try:
            while True:
                event = self._wait(waiter, REPLY_TIMEOUT_S)
                if event["event"] == "token":
                    yield event["text"]
                elif event["event"] == "done":
                    finished = True
                    self.last_stats = {"reason": event["reason"], **event.get("stats", {})}
                    return
        finally:
            if not finished and self.alive:
                self._send({"op": "cancel", "id": rid})
                self._drain(waiter)
            self._unregister(rid)
            if self._streaming == rid:
                self._streaming = None

    def cancel(self) -> None:
        """Stop the running generation (any thread). The model stays loaded."""
        rid = self._streaming
        if rid is not None and self.alive:
            self._send({"op": "cancel", "id": rid})

    # ---- plumbing
    def _register(self) -> tuple[int, queue.Queue[dict[str, Any]]]:
        rid = next(self._ids)
        waiter: queue.Queue[dict[str, Any]] = queue.Queue()
        with self._lock:
            self._waiters[rid] = waiter
        return rid, waiter

    def _unregister(self, rid: int) -> None:
        with self._lock:
            self._waiters.pop(rid, None)

    def _request(self, message: dict[str, Any], timeout: float = REPLY_TIMEOUT_S) -> dict:
        self._need_alive()
        rid, waiter = self._register()
        try:
            self._send({**message, "id": rid})
            return self._wait(waiter, timeout)
        finally:
            self._unregister(rid)

    def _send(self, message: dict[str, Any]) -> None:
        proc = self._proc
        if proc is None or proc.stdin is None:
            raise HostCrashed(self._crash or "the model host is not running")
        with self._lock:
            try:
                proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
                proc.stdin.flush()
            except (OSError, ValueError) as exc:
                raise HostCrashed(self._crash_message()) from exc

    def _wait(self, waiter: queue.Queue[dict[str, Any]], timeout: float) -> dict[str, Any]:
        try:
            event = waiter.get(timeout=timeout)
        except queue.Empty:
            raise HostError(f"the model host did not answer within {timeout:.0f} s") from None
        if event["event"] == "crashed":
            raise HostCrashed(event["message"])
        if event["event"] == "error":
            raise HostError(event["message"])
        return event

    def _drain(self, waiter: queue.Queue[dict[str, Any]], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                event = waiter.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return
            if event["event"] in ("done", "error", "crashed"):
                if event["event"] == "done":
                    self.last_stats = {"reason": event["reason"], **event.get("stats", {})}
                return

    def _need_alive(self) -> None:
        if not self.alive:
            raise HostCrashed(self._crash or "the model host is not running")

    def _read_events(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            rid = 0 if event.get("event") == "ready" else int(event.get("id", -1))
            with self._lock:
                waiter = self._waiters.get(rid)
            if waiter is not None:
                waiter.put(event)
        proc.wait()
        proc.stdout.close()
        if self._proc is proc:  # not a close() we asked for
            self._crash = self._crash_message(proc.returncode)
        with self._lock:
            waiters = list(self._waiters.values())
        for waiter in waiters:
            waiter.put({"event": "crashed", "message": self._crash or "the model host closed"})

    def _read_stderr(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:  # kept in memory only, for the crash message
            if line.strip():
                self._stderr.append(line.strip()[:300])
        proc.stderr.close()

    def _crash_message(self, code: int | None = None) -> str:
        code = self._proc.poll() if code is None and self._proc else code
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            how = f"was stopped by {name}"
            if name == "SIGKILL":
                how += " (often the system running out of memory)"
        else:
            how = f"exited with code {code}"
        said = next((s for s in reversed(self._stderr) if _looks_like_error(s)), "")
        return f"The model process {how}." + (f" llama.cpp said: {said}" if said else "")


def _close_quietly(stream: Any) -> None:
    try:
        if stream is not None:
            stream.close()
    except (OSError, ValueError):
        pass


def _looks_like_error(line: str) -> bool:
    lower = line.lower()
    return any(w in lower for w in ("error", "assert", "failed", "abort", "exception"))
