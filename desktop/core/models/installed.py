"""The installed chat models as the store records them: the ``.gguf`` files in
``<LANTERN_HOME>/models/`` and ``state.json`` beside them (checksums, the chosen model, how
often each model crashed the model host), written atomically; listed and looked up here.
``ModelStore`` (``models.store``) adds importing, choosing and removing."""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.models import catalog
from desktop.core.models.catalog import CatalogEntry, find_entry
from desktop.core.models.gguf_file import GGUFError, GGUFInfo, read_gguf_info

log = logging.getLogger(__name__)

STATE_FILE = "state.json"


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


class InstalledModels:
    """The models folder and its ``state.json``: read, changed under one lock, listed."""

    def __init__(
        self, home: Path, catalog_loader: Callable[[], list[CatalogEntry]] | None = None
    ) -> None:
        self.dir = Path(home) / "models"
        self._load_catalog = catalog_loader or (lambda: catalog.load_catalog())
        self.lock = threading.RLock()

    # -- state -----------------------------------------------------------------------------
    def read_state(self) -> dict[str, Any]:
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

    def write_state(self, state: dict[str, Any]) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        temp = self.dir / f".{STATE_FILE}.{uuid.uuid4().hex}.tmp"
        with temp.open("w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, self.dir / STATE_FILE)

    @contextmanager
    def update_state(self) -> Iterator[dict[str, Any]]:
        """The state to change in place, written back when the block ends (under the lock)."""
        with self.lock:
            state = self.read_state()
            yield state
            self.write_state(state)

    def record_file(
        self, name: str, path: Path, sha: str, info: GGUFInfo, entry: CatalogEntry | None
    ) -> None:
        st = path.stat()
        with self.update_state() as state:
            state["models"][name] = {
                "file": path.name,
                "sha256": sha,
                "size": st.st_size,
                "mtime_ns": st.st_mtime_ns,
                "title": info.name,
                "summary": info.summary(),
                "catalog": entry.name if entry else None,
            }

    # -- listing and look-up ---------------------------------------------------------------
    def list(self) -> list[InstalledModel]:
        """Installed models: recorded imports, then .gguf files put in the folder by hand."""
        state = self.read_state()
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

    def selected(self) -> InstalledModel | None:
        name = self.read_state().get("selected")
        return self.find(name) if isinstance(name, str) and name else None
