"""The installed chat models: GGUF files in ``<LANTERN_HOME>/models/`` and their state.

``ModelStore`` is what the window and the commands use: the installed models listed and looked
up (``models.installed``, with ``state.json``), imported and verified (``models.model_import``),
chosen, removed and resolved to a file, and how often each crashed the model host. Models are
public files: they are stored unencrypted, and nothing about patients is kept here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from desktop.core.models.catalog import find_entry
from desktop.core.models.gguf_file import GGUFError, read_gguf_info
from desktop.core.models.installed import InstalledModel, InstalledModels, ModelStoreError
from desktop.core.models.model_import import (
    ImportProblem,
    VerifyResult,
    import_file,
    import_folder,
    verify_model,
)
from desktop.core.progress import Progress

__all__ = ["ImportProblem", "InstalledModel", "ModelStore", "ModelStoreError", "VerifyResult"]

CRASH_LIMIT = 2  # a model that crashed the host this often is not loaded automatically


class ModelStore(InstalledModels):
    """The installed models, and what can be done with them: import, verify, choose, remove,
    resolve a name or path to a file, and count crashes of the model host."""

    # -- import and verify -----------------------------------------------------------------
    def import_file(self, path: Path) -> Iterator[Progress | InstalledModel]:
        """Copy a GGUF into the store; yields progress, then the InstalledModel."""
        return import_file(self, path)

    def import_folder(self, folder: Path) -> Iterator[Progress | InstalledModel | ImportProblem]:
        """Import every .gguf in a folder and one level below it (a USB stick); bad files
        are reported as ImportProblem items without stopping the rest."""
        return import_folder(self, folder)

    def verify(self, name: str) -> Iterator[Progress | VerifyResult]:
        """Hash the file again and re-check its header and checksum; yields the result."""
        return verify_model(self, name)

    # -- choose, remove, resolve -----------------------------------------------------------
    def use(self, name: str) -> InstalledModel:
        """Choose the model (its header must be sound) and forget its crashes."""
        model = self.get(name)
        if model.problem:
            raise ModelStoreError(model.problem)
        try:
            read_gguf_info(model.path)
        except GGUFError as exc:
            raise ModelStoreError(str(exc)) from exc
        with self.update_state() as state:
            state["selected"] = model.name
            state["crashes"].pop(model.name, None)
        return self.get(model.name)

    def remove(self, name: str) -> InstalledModel:
        model = self.get(name)
        with self.lock:
            model.path.unlink(missing_ok=True)
            with self.update_state() as state:
                state["models"].pop(model.name, None)
                state["crashes"].pop(model.name, None)
                if state.get("selected") == model.name:
                    state["selected"] = None
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
        with self.update_state() as state:
            state["crashes"][key] = count = int(state["crashes"].get(key, 0)) + 1
        return count

    def crash_count(self, name_or_path: str | Path) -> int:
        return int(self.read_state()["crashes"].get(self._crash_key(name_or_path), 0))

    def clear_crashes(self, name_or_path: str | Path) -> None:
        key = self._crash_key(name_or_path)
        with self.lock:
            state = self.read_state()
            if state["crashes"].pop(key, None) is not None:
                self.write_state(state)

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
