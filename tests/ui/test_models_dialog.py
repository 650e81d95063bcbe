"""The model manager dialog driven with qtbot: import with progress (file, several files with a
bad one, folder, drag and drop), Cancel leaves nothing, verify, use emits model_chosen,
remove with confirmation; refusals appear in the status line and the dialog keeps working."""

from __future__ import annotations

import gc
import struct
import threading
import weakref
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from desktop.core.models import catalog, model_import
from desktop.core.models.store import ModelStore
from desktop.ui.models_dialog import ModelsDialog
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("dialog-model") / "tiny.gguf")


@pytest.fixture
def dialog(qtbot, lantern_home: Path):
    d = ModelsDialog(ModelStore(lantern_home))
    qtbot.addWidget(d)
    d.show()
    yield d
    d.shutdown()


def _rows(d: ModelsDialog) -> dict[str, list[str]]:
    return {
        d.table.item(r, 0).text(): [d.table.item(r, c).text() for c in range(1, 4)]
        for r in range(d.table.rowCount())
    }


def _run(qtbot, d: ModelsDialog, start) -> str:
    with qtbot.waitSignal(d.job_done, timeout=30000):
        start()
    return d.status.text()


def _models_dir(home: Path) -> list[str]:
    folder = home / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_catalogue_rows_and_disabled_buttons(dialog: ModelsDialog) -> None:
    rows = _rows(dialog)
    assert "qwen2.5-3b-instruct-q4_k_m" in rows
    assert rows["qwen2.5-3b-instruct-q4_k_m"][1] == "not installed (needs 6 GB RAM)"
    dialog.table.selectRow(0)  # a catalogue row: nothing to verify, use or remove
    assert dialog.selected_name() is None
    assert not dialog.use_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert dialog.import_button.isEnabled() and not dialog.progress.isVisible()
    for button in (dialog.import_button, dialog.verify_button, dialog.cancel_button):
        assert button.accessibleName()


def test_import_a_file_with_progress(qtbot, dialog, tiny, monkeypatch) -> None:
    monkeypatch.setattr(model_import, "CHUNK", 32 * 1024)
    values: list[int] = []
    dialog.progress.valueChanged.connect(values.append)
    dialog.file_provider = lambda: [str(tiny)]
    assert _run(qtbot, dialog, dialog.import_button.click) == "Imported tiny."
    assert len(set(values)) > 3 and max(values) == 1000
    assert _rows(dialog)["tiny"][:2] == ["660 kB", "verified"]
    assert dialog.selected_name() == "tiny" and dialog.use_button.isEnabled()
    assert not dialog.progress.isVisible() and not dialog.cancel_button.isVisible()


def test_bad_files_are_refused_and_the_rest_imported(qtbot, dialog, tiny, tmp_path) -> None:
    cut = truncated_copy(tiny, tmp_path / "cut.gguf")
    text = _run(qtbot, dialog, lambda: dialog.import_paths([cut]))
    assert text.startswith("Not imported: cut.gguf is incomplete: it ends at")
    assert "tiny" not in _rows(dialog) and _models_dir(dialog.store.dir.parent) == []
    text = _run(qtbot, dialog, lambda: dialog.import_paths([cut, tiny]))
    assert text.startswith("Imported tiny. Not imported: cut.gguf is incomplete")
    assert "tiny" in _rows(dialog)


def _surgery(source: Path, target: Path, find: bytes, skip: int, data: bytes) -> Path:
    raw = bytearray(source.read_bytes())
    at = raw.index(find) + skip
    raw[at : at + len(data)] = data
    target.write_bytes(bytes(raw))
    return target


def test_hardening_bad_files_then_a_good_one(qtbot, dialog, tiny, tmp_path) -> None:
    arch = b"general.architecture" + struct.pack("<IQ", 8, 5) + b"llama"
    embd = b"token_embd.weight"
    bad = [
        truncated_copy(tiny, tmp_path / "cut.gguf"),
        bad_header_copy(tiny, tmp_path / "magic.gguf"),
        _surgery(tiny, tmp_path / "huge.gguf", embd, len(embd) + 4, struct.pack("<Q", 2**45)),
        _surgery(tiny, tmp_path / "foo.gguf", arch, len(arch) - 5, b"foooo"),
    ]
    text = _run(qtbot, dialog, lambda: dialog.import_paths([*bad, tiny]))
    assert text.startswith("Imported tiny. Not imported: cut.gguf is incomplete")
    for fragment in (
        "magic.gguf is not a GGUF model file (it starts with 'GGUX')",
        "huge.gguf is damaged: tensor 'token_embd.weight' has impossible dimensions",
        "foo.gguf uses the model architecture 'foooo', which this version of Lantern",
    ):
        assert fragment in text
    assert "Traceback" not in text and str(tmp_path) not in text
    assert [m.name for m in dialog.store.list()] == ["tiny"]  # the app goes on working


def test_import_a_folder(qtbot, dialog, tiny, tmp_path) -> None:
    stick = tmp_path / "stick" / "models"
    stick.mkdir(parents=True)
    write_model(stick / "second.gguf", seed=4)
    (stick.parent / "notes.gguf").write_text("not a model")
    dialog.folder_provider = lambda: str(stick.parent)
    text = _run(qtbot, dialog, dialog.folder_button.click)
    assert text.startswith("Imported second. Not imported: notes.gguf is not a GGUF model")
    empty = tmp_path / "empty"
    empty.mkdir()
    dialog.folder_provider = lambda: str(empty)
    assert "no .gguf model files" in _run(qtbot, dialog, dialog.folder_button.click)


class _GatedStore(ModelStore):
    """Holds the import after its third progress step until the test opens the gate."""

    def __init__(self, home: Path) -> None:
        super().__init__(home)
        self.gate = threading.Event()

    def import_file(self, path: Path) -> Iterator[object]:
        inner = super().import_file(path)
        try:
            for i, item in enumerate(inner):
                yield item
                if i == 2:
                    self.gate.wait(10)
        finally:
            inner.close()


def test_cancel_keeps_nothing(qtbot, lantern_home, tiny, monkeypatch) -> None:
    monkeypatch.setattr(model_import, "CHUNK", 32 * 1024)
    gated = _GatedStore(lantern_home)
    d = ModelsDialog(gated)
    qtbot.addWidget(d)
    d.show()
    with qtbot.waitSignal(d.job_done, timeout=30000):
        d.import_paths([tiny])
        qtbot.waitUntil(lambda: any(n.endswith(".part") for n in _models_dir(lantern_home)))
        assert d.cancel_button.isVisible() and not d.import_button.isEnabled()
        d.cancel_button.click()
        gated.gate.set()
    assert d.status.text().startswith("Cancelled: nothing was kept")
    assert _models_dir(lantern_home) == [] and gated.list() == []
    d.shutdown()


def test_verify_use_and_remove(qtbot, dialog, tiny) -> None:
    _run(qtbot, dialog, lambda: dialog.import_paths([tiny]))
    text = _run(qtbot, dialog, dialog.verify_button.click)
    assert text == "lantern-tiny-test-model is intact (checksum recorded)."
    with qtbot.waitSignal(dialog.model_chosen) as chosen:
        dialog.use_button.click()
    assert chosen.args == ["tiny"]
    assert dialog.status.text() == "Lantern will answer with lantern-tiny-test-model."
    assert _rows(dialog)["tiny"][1] == "selected, verified"
    dialog.confirm = lambda text: False
    dialog.remove_button.click()
    assert "tiny" in _rows(dialog)
    asked: list[str] = []
    dialog.confirm = lambda text: asked.append(text) or True
    dialog.remove_button.click()
    assert "Delete lantern-tiny-test-model (tiny.gguf)" in asked[0]
    assert "tiny" not in _rows(dialog)
    assert dialog.status.text() == "Removed tiny. No model is chosen now."


def test_damage_is_reported(qtbot, dialog, tiny) -> None:
    _run(qtbot, dialog, lambda: dialog.import_paths([tiny]))
    stored = dialog.store.get("tiny").path
    raw = bytearray(stored.read_bytes())
    raw[-5] ^= 1
    stored.write_bytes(bytes(raw))
    dialog.refresh()
    dialog.select("tiny")
    text = _run(qtbot, dialog, dialog.verify_button.click)
    assert text.startswith("Verify failed: tiny.gguf has changed since it was imported")
    assert "damaged" in _rows(dialog)["tiny"][1]
    dialog.select("tiny")
    dialog.use_button.click()
    assert dialog.status.text().startswith("Not used: tiny.gguf has changed")


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def test_drag_and_drop(qtbot, dialog, tiny, tmp_path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello")
    actions, button = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    modifiers = Qt.KeyboardModifier.NoModifier
    text_mime = _mime(text_file)  # events do not own their data: keep it alive
    refused = QDragEnterEvent(QPointF(5, 5), actions, text_mime, button, modifiers)
    dialog.dragEnterEvent(refused)
    assert not refused.isAccepted()
    mime = _mime(tiny)
    enter = QDragEnterEvent(QPointF(5, 5), actions, mime, button, modifiers)
    dialog.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), actions, mime, button, modifiers)
    assert _run(qtbot, dialog, lambda: dialog.dropEvent(drop)) == "Imported tiny."


def test_malformed_catalogue(qtbot, lantern_home, tiny, monkeypatch) -> None:
    def broken(path=None):
        raise catalog.CatalogError("catalog.toml, model 1: 'licence' is missing")

    monkeypatch.setattr(catalog, "load_catalog", broken)
    d = ModelsDialog(ModelStore(lantern_home))
    qtbot.addWidget(d)
    assert d.status.text() == "catalog.toml, model 1: 'licence' is missing"
    assert d.table.rowCount() == 0
    d.import_paths([tiny])  # the catalogue's checksums cannot be checked: refused clearly
    qtbot.waitUntil(lambda: d._job is None)
    assert d.status.text().startswith("Not imported: catalog.toml, model 1")


def test_dialog_is_freed_without_the_cyclic_collector(qtbot, lantern_home, tiny) -> None:
    # Python's cyclic collector may run on a worker thread, where destroying a widget crashes;
    # so the dialog must be freed by reference counting alone, even after running a job.
    d = ModelsDialog(ModelStore(lantern_home))
    _run(qtbot, d, partial(d.import_paths, [tiny]))
    d.shutdown()
    gone = weakref.ref(d)
    gc.disable()
    try:
        del d
        assert gone() is None
    finally:
        gc.enable()
