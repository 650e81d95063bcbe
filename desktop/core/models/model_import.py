"""Bringing model files into the store and checking them again.

Importing copies a file in chunks (a generator yielding progress, so it can be cancelled),
hashing it on the way, validates the copy's header, checks the checksum against the catalogue
when the catalogue knows the file, and renames it into place; a cancelled or failed import
leaves no partial file. Verifying hashes an installed file again and re-checks its header and
checksum. ``ModelStore`` (``models.store``) offers these as its methods."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from desktop.core.models.catalog import CatalogEntry, entry_for_sha256, find_entry
from desktop.core.models.gguf_file import GGUFError, human_size, read_gguf_info
from desktop.core.models.installed import InstalledModel, InstalledModels, ModelStoreError
from desktop.core.progress import Progress

CHUNK = 4 << 20
STALE_PART_SECONDS = 3600


@dataclass(frozen=True)
class VerifyResult:
    name: str
    ok: bool
    message: str
    sha256: str


@dataclass(frozen=True)
class ImportProblem:
    path: Path
    message: str


def _hash(path: Path, message: str) -> Generator[Progress, None, str]:
    size, digest, done = path.stat().st_size, hashlib.sha256(), 0
    yield Progress(0, size, message)
    with path.open("rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
            done += len(block)
            yield Progress(done, size, message)
    return digest.hexdigest()


def _copy(source: Path, target: Path, size: int) -> Generator[Progress, None, str]:
    """Copy ``source`` to ``target`` in chunks, yielding progress; return the sha256."""
    digest, done, message = hashlib.sha256(), 0, f"Copying {source.name}"
    yield Progress(0, size, message)
    with source.open("rb") as src, target.open("xb") as dst:
        while block := src.read(CHUNK):
            digest.update(block)
            dst.write(block)
            done += len(block)
            yield Progress(done, size, message)
        dst.flush()
        os.fsync(dst.fileno())
    if done != size:
        raise ModelStoreError(f"{source.name} changed size while it was being copied")
    return digest.hexdigest()


def import_file(models: InstalledModels, path: Path) -> Iterator[Progress | InstalledModel]:
    """Copy a GGUF into the store; yields progress, then the InstalledModel."""
    source = Path(path).expanduser()
    info = read_gguf_info(source)  # refuse a bad file before copying gigabytes
    entries, size = models.catalogue(), info.file_size
    named = find_entry(source.name, entries)
    if named and named.size_bytes and named.size_bytes != size:
        raise ModelStoreError(
            f"{source.name} is {human_size(size)} but the catalogue's {named.title} is "
            f"{human_size(named.size_bytes)}: it is incomplete or a different build"
        )
    same_size = [m for m in models.list() if m.size == size and m.sha256]
    if same_size:
        sha = yield from _hash(source, f"Checking {source.name}")
        existing = next((m for m in same_size if m.sha256 == sha), None)
        if existing is not None:
            yield existing
            return
    models.dir.mkdir(parents=True, exist_ok=True)
    _clear_stale_parts(models.dir)
    free = shutil.disk_usage(models.dir).free
    if free < size + 50_000_000:
        raise ModelStoreError(
            f"there is not enough free disk space to import {source.name} (it needs "
            f"{human_size(size)}, {human_size(free)} is free)"
        )
    temp = models.dir / f".{uuid.uuid4().hex}.part"
    try:
        sha = yield from _copy(source, temp, size)
        entry = _catalogue_match(source.name, sha, entries)
        read_gguf_info(temp)  # the copy itself is sound
        with models.lock:
            name, target = _free_name(models, entry.name if entry else source.stem, entry, source)
            os.replace(temp, target)
            models.record_file(name, target, sha, info, entry)
    except BaseException:  # includes GeneratorExit: a cancelled import leaves nothing
        temp.unlink(missing_ok=True)
        raise
    yield models.get(name)


def _catalogue_match(filename: str, sha: str, entries) -> CatalogEntry | None:
    known = entry_for_sha256(sha, entries)
    if known is not None:
        return known
    named = find_entry(filename, entries)
    if named and named.sha256:
        raise ModelStoreError(
            f"{filename} does not match the catalogue's checksum for {named.title}: it is "
            "damaged or a different build. Get it again from the catalogue's address, or "
            "rename the file to import it as your own model"
        )
    return named


def _free_name(models: InstalledModels, base: str, entry, source: Path) -> tuple[str, Path]:
    base = base.strip() or "model"
    state, stem = models.read_state(), Path(entry.file if entry else source.name).stem
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        name, target = base + suffix, models.dir / f"{stem}{suffix}.gguf"
        if name not in state["models"] and not target.exists():
            return name, target
    raise ModelStoreError(f"too many models called {base}")


def _clear_stale_parts(folder: Path) -> None:
    for part in folder.glob(".*.part"):
        try:
            if time.time() - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
        except OSError:
            pass


def _gguf_files(folder: Path) -> list[Path]:
    """The .gguf files in ``folder`` and in the folders inside it (hidden ones left out)."""
    found: list[Path] = []
    for place in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if place != folder and place.name.startswith("."):
            continue
        try:
            found += sorted(
                p
                for p in place.iterdir()
                if p.suffix.lower() == ".gguf" and not p.name.startswith(".") and p.is_file()
            )
        except OSError:
            continue
    return found


def import_folder(
    models: InstalledModels, folder: Path
) -> Iterator[Progress | InstalledModel | ImportProblem]:
    """Import every .gguf in a folder and one level below it (a USB stick); bad files
    are reported as ImportProblem items without stopping the rest."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise ModelStoreError(f"{folder} is not a folder")
    found = _gguf_files(folder)
    if not found:
        raise ModelStoreError(f"no .gguf model files in {folder} or the folders inside it")
    for i, path in enumerate(found, 1):
        try:
            for item in import_file(models, path):
                if isinstance(item, Progress):
                    item = Progress(item.done, item.total, f"{item.message} ({i}/{len(found)})")
                yield item
        except (GGUFError, ModelStoreError) as exc:
            yield ImportProblem(path, str(exc))
        except OSError as exc:
            yield ImportProblem(path, f"{path.name} could not be copied ({exc.strerror})")


def verify_model(models: InstalledModels, name: str) -> Iterator[Progress | VerifyResult]:
    """Hash the file again and re-check its header and checksum; yields the result."""
    model = models.get(name)
    try:
        info = read_gguf_info(model.path)
        sha = yield from _hash(model.path, f"Verifying {model.path.name}")
        if model.sha256 and sha != model.sha256:
            raise ModelStoreError(
                f"{model.path.name} has changed since it was imported (its checksum "
                "differs): it is damaged. Remove it and import it again"
            )
        entry = _catalogue_match(model.path.name, sha, models.catalogue())
    except (GGUFError, ModelStoreError) as exc:
        with models.update_state() as state:
            rec = state["models"].setdefault(model.name, {"file": model.path.name})
            rec["problem"] = str(exc)
        yield VerifyResult(model.name, False, str(exc), "")
        return
    models.record_file(model.name, model.path, sha, info, entry)
    how = "matches the catalogue" if entry and entry.sha256 else "recorded"
    yield VerifyResult(model.name, True, f"{model.title} is intact (checksum {how})", sha)
