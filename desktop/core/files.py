"""File helpers shared by the stores: atomic writes (temp file, fsync, rename) and the sweep
that removes the temp files a killed process left behind.

A temp file is named ``.lantern-<pid>-<16 hex>.tmp`` beside its target: hidden, recognisably
ours, and carrying the writer's process id, so a later start can tell a leftover (its writer
is gone, or it is older than ``STALE_SECONDS``) from a save another Lantern process is making
right now. The sweep deletes only names of that exact form (and the older forms listed below),
only regular files, never following a link."""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

log = logging.getLogger(__name__)

TEMP_PREFIX = ".lantern-"
TEMP_SUFFIX = ".tmp"
# a write takes milliseconds: a temp file this old is a leftover whoever wrote it
STALE_SECONDS = 60.0
_TEMP_NAME = re.compile(r"^\.lantern-(\d+)-[0-9a-f]{16}\.tmp$")
# temp files without a process id, swept once they are stale, each only in the folders that
# get them: write_atomic's of earlier versions (tempfile.mkstemp(suffix=".tmp")) and the
# model store's own
MKSTEMP_NAME = re.compile(r"^tmp[a-z0-9_]{8}\.tmp$")
MODEL_STATE_TEMP_NAME = re.compile(r"^\.state\.json\.[0-9a-f]{32}\.tmp$")
# folders a process builds beside their final place and renames into it
_TEMP_FOLDER = re.compile(r"^\.index-seeding-(\d+)$")
# the folders of the data folder that atomic writes go to, with the earlier name forms found
# there (vault folders are swept when a vault opens, see desktop.core.records.vault)
DATA_SUBFOLDERS: dict[str, tuple[re.Pattern[str], ...]] = {
    "": (MKSTEMP_NAME,),  # settings.toml
    "imports": (MKSTEMP_NAME,),
    "index": (),
    "models": (MODEL_STATE_TEMP_NAME,),
}


def temp_name() -> str:
    """A fresh temp file name for this process (see the module docstring)."""
    return f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(8).hex()}{TEMP_SUFFIX}"


def is_temp_name(name: str) -> bool:
    """True for the name of one of our temp files, in its current form."""
    return bool(_TEMP_NAME.match(name))


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so a crash leaves either the old file or the new one
    (and at worst a temp file that :func:`sweep_temp_files` removes at the next start)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / temp_name()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def writer_alive(pid: int) -> bool:
    """Whether a process with this id runs (this one counts: another thread may be writing)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    import psutil  # only when there is a candidate to judge: keeps it off the start-up path

    return psutil.pid_exists(pid)


def is_stale(pid: int | None, mtime: float, now: float, stale_after: float) -> bool:
    """A leftover: older than ``stale_after`` seconds, or its writer process is gone."""
    if now - mtime > stale_after:
        return True
    return pid is not None and not writer_alive(pid)


def sweep_temp_files(
    folder: Path,
    *,
    legacy: tuple[re.Pattern[str], ...] = (MKSTEMP_NAME,),
    stale_after: float = STALE_SECONDS,
) -> int:
    """Delete our leftover temp files directly in ``folder``; the number deleted.

    A current-form temp file goes when its writer is gone or it is older than
    ``stale_after`` seconds; one matching a ``legacy`` form (no process id) only when it is
    that old."""
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:  # no such folder (nothing was ever written there) or unreadable
        return 0
    for entry in entries:
        current = _TEMP_NAME.match(entry.name)
        if not current and not any(p.match(entry.name) for p in legacy):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            pid = int(current.group(1)) if current else None
            if is_stale(pid, entry.stat(follow_symlinks=False).st_mtime, now, stale_after):
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:  # its writer renamed it, or another sweep took it
            continue
        except OSError as exc:
            log.warning("could not remove a leftover temp file: %s", exc.strerror)
    return removed


def _sweep_temp_folders(folder: Path, stale_after: float) -> int:
    removed = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        match = _TEMP_FOLDER.match(entry.name)
        if not match:
            continue
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            if is_stale(
                int(match.group(1)), entry.stat(follow_symlinks=False).st_mtime, now, stale_after
            ):
                import shutil  # only when there is a folder to remove: off the start path

                shutil.rmtree(entry.path)
                removed += 1
        except OSError as exc:
            log.warning("could not remove a leftover temp folder: %s", exc.strerror)
    return removed


def sweep_data_folder(home: Path, *, stale_after: float = STALE_SECONDS) -> int:
    """At start: remove the temp files (and half-unpacked index folders) that killed saves
    left in the data folder (settings), ``imports``, ``index`` and ``models``. Returns how
    many went; logs the count only (names could say what was being saved)."""
    removed = sum(
        sweep_temp_files(home / sub, legacy=legacy, stale_after=stale_after)
        for sub, legacy in DATA_SUBFOLDERS.items()
    )
    removed += _sweep_temp_folders(home, stale_after)
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted save", removed)
    return removed
