"""The installed chat models: GGUF files in ``<LANTERN_HOME>/models/`` and their state.

Importing copies a file in chunks (a generator yielding progress, so it can be cancelled),
hashing it on the way, validates the copy's header, checks the checksum against the catalogue
when the catalogue knows the file, and renames it into place; a cancelled or failed import
leaves no partial file. ``state.json`` (written atomically) records checksums, the chosen
model and how often each model crashed the model host. Models are public files: they are
stored unencrypted, and nothing about patients is kept here."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.models import catalog
from desktop.core.models.catalog import CatalogEntry, entry_for_sha256, find_entry
from desktop.core.models.gguf_file import GGUFError, GGUFInfo, human_size, read_gguf_info
from desktop.core.progress import Progress

log = logging.getLogger(__name__)

STATE_FILE = "state.json"
CHUNK = 4 << 20
CRASH_LIMIT = 2  # a model that crashed the host this often is not loaded automatically
STALE_PART_SECONDS = 3600


class ModelStoreError(ValueError):
    """An expected refusal (unknown model, checksum mismatch, no space); one clear sentence."""


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    size: int
    sha256: str  # "" = not hashed yet (a file put in the folder by hand)
    entry: CatalogEntry | None
    title: str
    summary: str
    crash_count: int
    verified: bool  # checksum taken of this very file, matching the catalogue's if it has one
    selected: bool
    problem: str = ""  # why the last verify failed

    @property
    def status(self) -> str:
        parts = ["selected"] if self.selected else []
        if self.problem:
            parts.append("damaged")
        else:
            parts.append("verified" if self.verified else "not verified")
        if self.crash_count:
            parts.append(f"crashed {self.crash_count} time{'s' if self.crash_count > 1 else ''}")
        return ", ".join(parts)


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


class ModelStore:
    def __init__(
        self, home: Path, catalog_loader: Callable[[], list[CatalogEntry]] | None = None
    ) -> None:
        self.dir = Path(home) / "models"
        self._load_catalog = catalog_loader or (lambda: catalog.load_catalog())
        self._lock = threading.RLock()

    # -- state -----------------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        path = self.dir / STATE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(state, dict):
                raise ValueError("not an object")
        except FileNotFoundError:
            state = {}
        except (OSError, ValueError) as exc:
            log.warning("model store state unreadable (%s); starting afresh", exc)
            state = {}
        for key in ("models", "crashes"):
            if not isinstance(state.get(key), dict):
                state[key] = {}
        return state

    def _write(self, state: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        temp = self.dir / f".{STATE_FILE}.{uuid.uuid4().hex}.tmp"
        with temp.open("w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, self.dir / STATE_FILE)

    def _record(self, name: str, path: Path, sha: str, info: GGUFInfo, entry) -> None:
        st = path.stat()
        with self._lock:
            state = self._read()
            state["models"][name] = {
                "file": path.name,
                "sha256": sha,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "title": info.name,
                "summary": info.summary(),
                "catalog": entry.name if entry else None,
            }
            self._write(state)

    # -- listing and look-up ---------------------------------------------------------------
    def list(self) -> list[InstalledModel]:
        """Installed models: recorded imports, then .gguf files put in the folder by hand."""
        state = self._read()
        try:
            entries = self.catalogue()
        except catalog.CatalogError as exc:  # installed models stay usable; imports refuse
            log.warning("%s", exc)
            entries = []
        by_name = {e.name: e for e in entries}
        models, files = [], set()
        for name, rec in sorted(state["models"].items()):
            path = self.dir / str(rec.get("file", ""))
            if not path.is_file():
                continue
            files.add(path.name)
            st = path.stat()
            entry = by_name.get(rec.get("catalog") or "")
            same = rec.get("size") == st.st_size and rec.get("mtime_ns") == st.st_mtime_ns
            matches = not (entry and entry.sha256) or entry.sha256 == rec.get("sha256")
            models.append(self._model(name, path, rec, entry, state, same and matches))
        for path in sorted(self.dir.glob("*.gguf")) if self.dir.is_dir() else []:
            if path.name not in files and not path.name.startswith("."):
                try:
                    info = read_gguf_info(path)
                    rec = {"title": info.name, "summary": info.summary()}
                except GGUFError as exc:
                    rec = {"title": path.stem, "summary": "", "problem": str(exc)}
                entry = find_entry(path.name, entries)
                models.append(self._model(path.stem, path, rec, entry, state, False))
        return models

    def _model(self, name, path, rec, entry, state, verified: bool) -> InstalledModel:
        return InstalledModel(
            name=name,
            path=path,
            size=path.stat().st_size,
            sha256=str(rec.get("sha256", "")),
            entry=entry,
            title=str(rec.get("title") or name),
            summary=str(rec.get("summary", "")),
            crash_count=int(state["crashes"].get(name, 0)),
            verified=verified and not rec.get("problem"),
            selected=state.get("selected") == name,
            problem=str(rec.get("problem", "")),
        )

    def catalogue(self) -> list[CatalogEntry]:
        """The model catalogue's entries (raises CatalogError if it is malformed)."""
        return self._load_catalog()

    def find(self, name: str) -> InstalledModel | None:
        """An installed model by name (any case) or by its file's name."""
        wanted = name.strip()
        models = self.list()
        for test in (
            lambda m: m.name == wanted,
            lambda m: m.name.lower() == wanted.lower(),
            lambda m: m.path.name == wanted,  # a bare file name, not a path elsewhere
        ):
            found = [m for m in models if test(m)]
            if len(found) == 1:
                return found[0]
        return None

    def get(self, name: str) -> InstalledModel:
        model = self.find(name)
        if model is None:
            raise ModelStoreError(f"no installed model '{name}' (see 'lantern models list')")
        return model

    # -- import ----------------------------------------------------------------------------
    def import_file(self, path: Path) -> Iterator[Progress | InstalledModel]:
        """Copy a GGUF into the store; yields progress, then the InstalledModel."""
        source = Path(path).expanduser()
        info = read_gguf_info(source)  # refuse a bad file before copying gigabytes
        entries, size = self.catalogue(), info.file_size
        named = find_entry(source.name, entries)
        if named and named.size_bytes and named.size_bytes != size:
            raise ModelStoreError(
                f"{source.name} is {human_size(size)} but the catalogue's {named.title} is "
                f"{human_size(named.size_bytes)}: it is incomplete or a different build"
            )
        same_size = [m for m in self.list() if m.size == size and m.sha256]
        if same_size:
            sha = yield from _hash(source, f"Checking {source.name}")
            existing = next((m for m in same_size if m.sha256 == sha), None)
            if existing is not None:
                yield existing
                return
        self.dir.mkdir(parents=True, exist_ok=True)
        self._clear_stale_parts()
        free = shutil.disk_usage(self.dir).free
        if free < size + 50_000_000:
            raise ModelStoreError(
                f"there is not enough free disk space to import {source.name} (it needs "
                f"{human_size(size)}, {human_size(free)} is free)"
            )
        temp = self.dir / f".{uuid.uuid4().hex}.part"
        try:
            sha = yield from _copy(source, temp, size)
            entry = self._catalogue_match(source.name, sha, entries)
            read_gguf_info(temp)  # the copy itself is sound
            with self._lock:
                name, target = self._free_name(entry.name if entry else source.stem, entry, source)
                os.replace(temp, target)
                self._record(name, target, sha, info, entry)
        except BaseException:  # includes GeneratorExit: a cancelled import leaves nothing
            temp.unlink(missing_ok=True)
            raise
        yield self.get(name)

    def _catalogue_match(self, filename: str, sha: str, entries) -> CatalogEntry | None:
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

    def _free_name(self, base: str, entry, source: Path) -> tuple[str, Path]:
        base = base.strip() or "model"
        state, stem = self._read(), Path(entry.file if entry else source.name).stem
        for n in range(1, 1000):
            suffix = "" if n == 1 else f"-{n}"
            name, target = base + suffix, self.dir / f"{stem}{suffix}.gguf"
            if name not in state["models"] and not target.exists():
                return name, target
        raise ModelStoreError(f"too many models called {base}")

    def _clear_stale_parts(self) -> None:
        for part in self.dir.glob(".*.part"):
            try:
                if time.time() - part.stat().st_mtime > STALE_PART_SECONDS:
                    part.unlink()
            except OSError:
                pass

    def import_folder(self, folder: Path) -> Iterator[Progress | InstalledModel | ImportProblem]:
        """Import every .gguf in a folder and one level below it (a USB stick); bad files
        are reported as ImportProblem items without stopping the rest."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            raise ModelStoreError(f"{folder} is not a folder")
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
        if not found:
            raise ModelStoreError(f"no .gguf model files in {folder} or the folders inside it")
        for i, path in enumerate(found, 1):
            try:
                for item in self.import_file(path):
                    if isinstance(item, Progress):
                        item = Progress(item.done, item.total, f"{item.message} ({i}/{len(found)})")
                    yield item
            except (GGUFError, ModelStoreError) as exc:
                yield ImportProblem(path, str(exc))
            except OSError as exc:
                yield ImportProblem(path, f"{path.name} could not be copied ({exc.strerror})")

    # -- verify, choose, remove --------------------------------------------------------------
    def verify(self, name: str) -> Iterator[Progress | VerifyResult]:
        """Hash the file again and re-check its header and checksum; yields the result."""
        model = self.get(name)
        try:
            info = read_gguf_info(model.path)
            sha = yield from _hash(model.path, f"Verifying {model.path.name}")
            if model.sha256 and sha != model.sha256:
                raise ModelStoreError(
                    f"{model.path.name} has changed since it was imported (its checksum "
                    "differs): it is damaged. Remove it and import it again"
                )
            entry = self._catalogue_match(model.path.name, sha, self.catalogue())
        except (GGUFError, ModelStoreError) as exc:
            self._mark_problem(model, str(exc))
            yield VerifyResult(model.name, False, str(exc), "")
            return
        self._record(model.name, model.path, sha, info, entry)
        how = "matches the catalogue" if entry and entry.sha256 else "recorded"
        yield VerifyResult(model.name, True, f"{model.title} is intact (checksum {how})", sha)

    def _mark_problem(self, model: InstalledModel, problem: str) -> None:
        with self._lock:
            state = self._read()
            rec = state["models"].setdefault(model.name, {"file": model.path.name})
            rec["problem"] = problem
            self._write(state)

    def use(self, name: str) -> InstalledModel:
        """Choose the model (its header must be sound) and forget its crashes."""
        model = self.get(name)
        if model.problem:
            raise ModelStoreError(model.problem)
        try:
            read_gguf_info(model.path)
        except GGUFError as exc:
            raise ModelStoreError(str(exc)) from exc
        with self._lock:
            state = self._read()
            state["selected"] = model.name
            state["crashes"].pop(model.name, None)
            self._write(state)
        return self.get(model.name)

    def selected(self) -> InstalledModel | None:
        name = self._read().get("selected")
        return self.find(name) if isinstance(name, str) and name else None

    def remove(self, name: str) -> InstalledModel:
        model = self.get(name)
        with self._lock:
            model.path.unlink(missing_ok=True)
            state = self._read()
            state["models"].pop(model.name, None)
            state["crashes"].pop(model.name, None)
            if state.get("selected") == model.name:
                state["selected"] = None
            self._write(state)
        return model

    def resolve(self, name_or_path: str = "", settings_model: str = "") -> Path:
        """The model file to load: a store name, a catalogue name or a .gguf path; empty means
        the ``model`` setting, then the chosen model."""
        wanted = (name_or_path or settings_model or "").strip()
        if not wanted:
            chosen = self.selected()
            if chosen is None:
                raise ModelStoreError(
                    "no model is chosen: import one and choose it ('lantern models list', "
                    "'lantern models use NAME')"
                )
            return chosen.path
        model = self.find(wanted)
        if model is not None:
            return model.path
        entry = find_entry(wanted, self.catalogue())
        if entry is not None and not Path(wanted).expanduser().is_file():
            raise ModelStoreError(
                f"{entry.title} is in the catalogue but not installed: get {entry.file} and "
                "import it with 'lantern models import PATH'"
            )
        path = Path(wanted).expanduser()
        if path.is_file():
            return path.resolve()
        if path.suffix.lower() == ".gguf":
            raise ModelStoreError(f"no model file at {path}")
        raise ModelStoreError(
            f"no model '{wanted}': not an installed model, a catalogue name or a .gguf file "
            "(see 'lantern models list')"
        )

    # -- crash bookkeeping for the model host ------------------------------------------------
    def _crash_key(self, name_or_path: str | Path) -> str:
        text = str(name_or_path).strip()
        model = self.find(text)
        if model is not None:
            return model.name
        path = Path(text).expanduser().resolve()
        return next((m.name for m in self.list() if m.path.resolve() == path), str(path))

    def record_crash(self, name_or_path: str | Path) -> int:
        key = self._crash_key(name_or_path)
        with self._lock:
            state = self._read()
            state["crashes"][key] = int(state["crashes"].get(key, 0)) + 1
            self._write(state)
            return state["crashes"][key]

    def crash_count(self, name_or_path: str | Path) -> int:
        return int(self._read()["crashes"].get(self._crash_key(name_or_path), 0))

    def clear_crashes(self, name_or_path: str | Path) -> None:
        key = self._crash_key(name_or_path)
        with self._lock:
            state = self._read()
            if state["crashes"].pop(key, None) is not None:
                self._write(state)

    def auto_load_allowed(self, name_or_path: str | Path) -> tuple[bool, str]:
        """False, with the reason, once the model has crashed the model host twice."""
        count = self.crash_count(name_or_path)
        if count < CRASH_LIMIT:
            return True, ""
        label = Path(str(name_or_path)).name
        return False, (
            f"{label} stopped the model process {count} times, so it is not loaded "
            "automatically; choose it again in Models (or 'lantern models use') to try again"
        )
