"""``lantern models``: list, import, verify, use and remove local chat models (GGUF files).

Expected failures (a bad file, an unknown name, a checksum mismatch) end with one line on
stderr and exit 1 (a UserError); progress goes to stderr only on a terminal."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from desktop.cli.errors import UserError, user_errors
from desktop.core.models.catalog import CatalogError
from desktop.core.models.gguf_file import GGUFError, human_size
from desktop.core.models.store import (
    ImportProblem,
    InstalledModel,
    ModelStore,
    ModelStoreError,
    VerifyResult,
)
from desktop.core.progress import Progress
from desktop.settings import Settings


class _ProgressLine:
    """A single updating progress line on a terminal's stderr; silent otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self._last = 0.0

    def show(self, item: Progress) -> None:
        now = time.monotonic()
        if not self.live or (now - self._last < 0.2 and item.done < item.total):
            return
        self._last = now
        pct = f"{100 * item.done // item.total}%" if item.total else ""
        print(f"\r{item.message} {pct}\033[K", end="", file=sys.stderr, flush=True)

    def clear(self) -> None:
        if self.live:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


def run(settings: Settings, args: argparse.Namespace) -> int:
    store = ModelStore(settings.home)
    command = args.models_command
    with user_errors(GGUFError, ModelStoreError, CatalogError):
        if command == "list":
            return _list(store)
        if command == "import":
            return _import(store, Path(args.path))
        if command == "verify":
            return _verify(store, args.name)
        if command == "use":
            return _use(store, settings, args.name)
        if command == "remove":
            return _remove(store, args.name, args.yes)
    raise UserError(f"unknown models command {args.models_command}")


def _list(store: ModelStore) -> int:
    models = store.list()
    installed = {m.entry.name for m in models if m.entry}
    if models:
        print("installed:")
    else:
        print("no models installed yet: lantern models import PATH (a .gguf file or a folder)")
    for m in models:
        mark = "*" if m.selected else " "
        about = f"{m.title} ({m.summary})" if m.summary else m.title
        licence = f"\t{m.entry.licence}" if m.entry else ""
        print(f"{mark} {m.name}\t{human_size(m.size)}\t{m.status}\t{about}{licence}")
        if m.problem:
            print(f"    problem: {m.problem}")
    missing = [e for e in store.catalogue() if e.name not in installed]
    if missing:
        print("catalogue (not installed; get the file, then 'lantern models import PATH'):")
    for e in missing:
        print(
            f"  {e.name}\t{e.size_text}\tneeds {e.min_ram_gb} GB RAM\t{e.licence}\t{e.title}\t"
            f"{e.file} from {e.url}"
        )
    return 0


def _import(store: ModelStore, path: Path) -> int:
    if not path.exists():
        raise UserError(f"no such file or folder: {path}")
    before = {m.sha256 for m in store.list() if m.sha256}
    line, failed = _ProgressLine(), 0
    items = store.import_folder(path) if path.is_dir() else store.import_file(path)
    try:
        for item in items:
            if isinstance(item, Progress):
                line.show(item)
                continue
            line.clear()
            if isinstance(item, ImportProblem):
                print(f"lantern: {item.message}", file=sys.stderr)
                failed += 1
            elif isinstance(item, InstalledModel):
                if item.sha256 in before:
                    print(f"{item.name}\talready installed ({item.path.name}); nothing to do")
                else:
                    print(f"{item.name}\timported {human_size(item.size)}: {item.summary}")
                before.add(item.sha256)
    except OSError as exc:
        raise UserError(f"the import stopped: {exc.strerror or exc}") from exc
    finally:
        line.clear()
    if store.selected() is None and store.list():
        print("choose the model that answers with: lantern models use NAME")
    return 1 if failed else 0


def _verify(store: ModelStore, name: str) -> int:
    line = _ProgressLine()
    try:
        for item in store.verify(name):
            if isinstance(item, Progress):
                line.show(item)
            elif isinstance(item, VerifyResult):
                line.clear()
                if not item.ok:
                    raise UserError(item.message)
                print(f"{item.name}\t{item.message}")
    finally:
        line.clear()
    return 0


def _use(store: ModelStore, settings: Settings, name: str) -> int:
    model = store.use(name)
    print(f"{model.name}\tselected ({model.title})")
    if settings.model and store.find(settings.model) != model:
        print(f"note: the 'model' setting ({settings.model}) takes precedence over this choice")
    from desktop.core.models.gguf_file import read_gguf_info
    from desktop.core.models.memory import ModelTooLargeError, check_memory

    try:
        check_memory(read_gguf_info(model.path), settings.model_context)
    except ModelTooLargeError as exc:
        print(f"note: {exc}")
    return 0


def _remove(store: ModelStore, name: str, yes: bool) -> int:
    model = store.get(name)
    if not yes:
        if not sys.stdin.isatty():
            raise UserError("removing deletes the model file; add --yes to confirm")
        answer = input(f"Delete {model.name} ({model.path.name}, {human_size(model.size)})? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("not removed")
            return 1
    store.remove(model.name)
    print(f"{model.name}\tremoved")
    return 0
