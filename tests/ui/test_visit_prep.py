"""The visit-preparation pane driven with qtbot: adding, editing, reordering, removing, the
``changed`` signal, and PDF export read back with pypdf."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QMessageBox, QWidget

from desktop.core.answer.visit_prep import VisitList
from desktop.ui.visit_prep import VisitPrepPane

QUESTIONS = [
    "Should I take tamoxifen at night?",
    "Will it cause hot flashes?",
    "How long will I need it?",
]
DATE = "3 March 2025"
PROFILE = ["Diagnosis: invasive ductal carcinoma", "Receptors: ER positive, HER2 negative"]


@pytest.fixture
def pane(qtbot) -> VisitPrepPane:
    widget = VisitPrepPane()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def texts(pane: VisitPrepPane) -> list[str]:
    return [pane.list.item(row).text() for row in range(pane.list.count())]


def pdf_text(path: Path) -> str:
    """The PDF's text with whitespace collapsed and ligatures (ﬂ) unfolded."""
    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_every_control_has_an_accessible_name(pane: VisitPrepPane) -> None:
    assert pane.list.accessibleName() == "Visit questions"
    for control in pane.findChildren(QWidget):
        if isinstance(control, QAbstractButton | QAbstractItemView):
            assert control.accessibleName(), control.text() if hasattr(control, "text") else ""
    assert not pane.profile_check.isChecked()
    assert not pane.profile_check.isEnabled()


def test_add_skips_duplicates_and_emits_changed(qtbot, pane: VisitPrepPane) -> None:
    with qtbot.waitSignal(pane.changed, timeout=1000):
        assert pane.add_questions(QUESTIONS, "What is tamoxifen?") == 3
    assert texts(pane) == QUESTIONS
    with qtbot.assertNotEmitted(pane.changed):
        assert pane.add_questions(["should I take TAMOXIFEN at night"], "Other") == 0
    assert pane.model.texts() == QUESTIONS
    assert pane.list.item(0).toolTip().startswith("From your question: What is tamoxifen?")


def test_edit_in_place_updates_the_model(qtbot, pane: VisitPrepPane) -> None:
    pane.add_questions(QUESTIONS, "origin")
    item = pane.list.item(1)
    assert item.flags() & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(pane.changed, timeout=1000):
        item.setText("  Will it cause   joint pain? ")
    assert pane.model.texts()[1] == "Will it cause joint pain?"
    assert pane.list.item(1).text() == "Will it cause joint pain?"
    # an empty edit is refused: the old text comes back and nothing changes
    with qtbot.assertNotEmitted(pane.changed):
        pane.list.item(1).setText("   ")
    assert pane.list.item(1).text() == "Will it cause joint pain?"
    assert pane.model.texts()[1] == "Will it cause joint pain?"


def test_edit_through_the_editor(qtbot, pane: VisitPrepPane) -> None:
    pane.add_questions(QUESTIONS, "origin")
    pane.list.setCurrentRow(0)
    pane.list.setFocus()
    pane.list.editItem(pane.list.item(0))
    editor = pane.list.focusWidget()
    assert editor is not pane.list
    editor.selectAll()
    qtbot.keyClicks(editor, "Can I drink coffee?")
    with qtbot.waitSignal(pane.changed, timeout=1000):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert pane.model.texts()[0] == "Can I drink coffee?"


def test_move_buttons_reorder(qtbot, pane: VisitPrepPane) -> None:
    pane.add_questions(QUESTIONS, "origin")
    pane.list.setCurrentRow(2)
    assert not pane.down_button.isEnabled()
    with qtbot.waitSignal(pane.changed, timeout=1000):
        qtbot.mouseClick(pane.up_button, Qt.MouseButton.LeftButton)
    assert pane.model.texts() == [QUESTIONS[0], QUESTIONS[2], QUESTIONS[1]]
    assert texts(pane) == pane.model.texts()
    assert pane.list.currentRow() == 1
    qtbot.mouseClick(pane.up_button, Qt.MouseButton.LeftButton)
    assert pane.model.texts() == [QUESTIONS[2], QUESTIONS[0], QUESTIONS[1]]
    assert not pane.up_button.isEnabled()
    qtbot.mouseClick(pane.down_button, Qt.MouseButton.LeftButton)
    assert pane.model.texts() == [QUESTIONS[0], QUESTIONS[2], QUESTIONS[1]]


def test_drag_style_move_is_read_back_into_the_model(qtbot, pane: VisitPrepPane) -> None:
    pane.add_questions(QUESTIONS, "origin")
    assert pane.list.dragDropMode() == QAbstractItemView.DragDropMode.InternalMove
    with qtbot.waitSignal(pane.changed, timeout=1000):
        # what an internal drop does: move row 0 below the last row
        assert pane.list.model().moveRows(QModelIndex(), 0, 1, QModelIndex(), 3)
    assert texts(pane) == [QUESTIONS[1], QUESTIONS[2], QUESTIONS[0]]
    assert pane.model.texts() == texts(pane)
    assert all(item.origin == "origin" and item.added for item in pane.model.items)


def test_remove_and_clear(qtbot, pane: VisitPrepPane, monkeypatch) -> None:
    pane.add_questions(QUESTIONS, "origin")
    pane.list.setCurrentRow(1)
    with qtbot.waitSignal(pane.changed, timeout=1000):
        qtbot.mouseClick(pane.remove_button, Qt.MouseButton.LeftButton)
    assert pane.model.texts() == [QUESTIONS[0], QUESTIONS[2]]
    assert pane.list.currentRow() == 1

    pane.list.setFocus()
    with qtbot.waitSignal(pane.changed, timeout=1000):
        qtbot.keyClick(pane.list, Qt.Key.Key_Delete)
    assert pane.model.texts() == [QUESTIONS[0]]

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    with qtbot.assertNotEmitted(pane.changed):
        qtbot.mouseClick(pane.clear_button, Qt.MouseButton.LeftButton)
    assert len(pane.model) == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(pane.changed, timeout=1000):
        qtbot.mouseClick(pane.clear_button, Qt.MouseButton.LeftButton)
    assert len(pane.model) == 0 and pane.list.count() == 0
    assert not pane.clear_button.isEnabled()
    assert not pane.export_button.isEnabled()


def test_load_shows_a_stored_list_without_emitting(qtbot, pane: VisitPrepPane) -> None:
    stored = VisitList()
    stored.add(QUESTIONS, "origin")
    restored = VisitList.from_json(stored.to_json())
    with qtbot.assertNotEmitted(pane.changed):
        pane.load(restored)
    assert texts(pane) == QUESTIONS
    assert pane.model == stored
    assert pane.add_questions([QUESTIONS[0], "New one?"], "x") == 1


def test_export_pdf_without_profile(pane: VisitPrepPane, tmp_path: Path) -> None:
    pane.add_questions([*QUESTIONS, "Is <b>& escaped?"], "origin")
    pane.set_profile_summary(PROFILE)
    assert pane.profile_check.isEnabled() and not pane.profile_check.isChecked()
    out = tmp_path / "visit.pdf"
    pane.export_pdf(out, title_date=DATE)
    assert out.read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob("*.part"))
    text = pdf_text(out)
    assert "Questions for my care team" in text
    assert DATE in text
    positions = [text.index(q) for q in [*QUESTIONS, "Is <b>& escaped?"]]
    assert positions == sorted(positions)
    assert "About me" not in text
    assert "invasive ductal carcinoma" not in text


def test_export_pdf_with_profile_when_checked(pane: VisitPrepPane, tmp_path: Path) -> None:
    pane.add_questions(QUESTIONS, "origin")
    pane.set_profile_summary(PROFILE)
    pane.profile_check.setChecked(True)
    out = tmp_path / "visit.pdf"
    pane.export_pdf(out, title_date=DATE)
    text = pdf_text(out)
    assert "About me (from my records)" in text
    assert text.index(DATE) < text.index(PROFILE[0]) < text.index(QUESTIONS[0])
    assert PROFILE[1] in text
    # no records: the checkbox is disabled and unchecked, and the summary is left out
    pane.set_profile_summary(None)
    assert not pane.profile_check.isEnabled() and not pane.profile_check.isChecked()
    pane.export_pdf(out, title_date=DATE)
    assert "About me" not in pdf_text(out)


def test_export_pdf_default_date_and_bad_folder(pane: VisitPrepPane, tmp_path: Path) -> None:
    pane.add_questions(QUESTIONS, "origin")
    out = tmp_path / "today.pdf"
    pane.export_pdf(out)
    assert re.search(r"Date: \d{1,2} [A-Z][a-z]+ \d{4}", pdf_text(out))
    with pytest.raises(OSError):
        pane.export_pdf(tmp_path / "missing" / "x.pdf")


def test_export_button_uses_the_file_dialog(pane: VisitPrepPane, tmp_path: Path, monkeypatch):
    from desktop.ui import visit_prep

    pane.add_questions(QUESTIONS, "origin")
    target = tmp_path / "chosen"
    monkeypatch.setattr(
        visit_prep.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)")
    )
    pane.export_button.click()
    assert (tmp_path / "chosen.pdf").read_bytes().startswith(b"%PDF")


def test_print_list_prints_when_the_dialog_is_accepted(pane: VisitPrepPane, monkeypatch) -> None:
    from desktop.ui import visit_prep

    printed: list[object] = []

    class FakeDialog:
        def __init__(self, printer, parent) -> None:
            self.printer = printer

        def setWindowTitle(self, title: str) -> None:
            pass

        def exec(self) -> visit_prep.QDialog.DialogCode:
            return visit_prep.QDialog.DialogCode.Accepted

    pane.add_questions(QUESTIONS, "origin")
    monkeypatch.setattr(visit_prep, "QPrintDialog", FakeDialog)
    monkeypatch.setattr(
        visit_prep.QTextDocument, "print_", lambda self, printer: printed.append(self.toPlainText())
    )
    assert pane.print_action.shortcut().toString() == "Ctrl+P"
    pane.print_action.trigger()
    assert len(printed) == 1
    assert QUESTIONS[0] in printed[0]


def test_items_can_be_serialised_for_a_drag(pane: VisitPrepPane) -> None:
    pane.add_questions(QUESTIONS, "origin")
    model = pane.list.model()
    mime = model.mimeData([model.index(0, 0)])
    assert mime is not None and mime.formats()
