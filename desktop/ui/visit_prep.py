"""The visit-preparation pane: the user's list of questions for their care team.

Questions arrive from answers (``add_questions``); the user edits them in place, reorders them
by drag and drop or with Move up/Move down, removes them, prints the list or exports it to PDF
with Qt's own PDF writer. ``changed`` fires after every change so the owner can store
``model.to_json()`` (encrypted). Nothing here logs question or record text."""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QLocale, QMarginsF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPdfWriter,
    QShortcut,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.answer.visit_prep import TITLE, VisitItem, VisitList, clean_text, visit_date_text

log = logging.getLogger(__name__)

# Plain strings (not a Python tuple) so that drag and drop can serialise the items.
_ORIGIN_ROLE = Qt.ItemDataRole.UserRole
_ADDED_ROLE = Qt.ItemDataRole.UserRole + 1


def page_size_for_locale(locale: QLocale | None = None) -> QPageSize:
    """Letter where the locale measures in US units, A4 elsewhere."""
    system = (locale or QLocale()).measurementSystem()
    if system == QLocale.MeasurementSystem.ImperialUSSystem:
        return QPageSize(QPageSize.PageSizeId.Letter)
    return QPageSize(QPageSize.PageSizeId.A4)


class VisitPrepPane(QWidget):
    """List of questions to take to an appointment, with print and PDF export."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitPrepPane")
        self.setAccessibleName("Visit preparation")
        self._model = VisitList()
        self._profile: list[str] | None = None
        self._updating = False

        self.hint = QLabel("Questions you add from answers appear here. Double-click to edit.")
        self.hint.setWordWrap(True)
        self.hint.setAccessibleName("Visit list help")

        self.list = QListWidget()
        self.list.setObjectName("visitList")
        self.list.setAccessibleName("Visit questions")
        self.list.setAccessibleDescription(
            "Your questions for your care team. Press F2 to edit the selected question; "
            "use Move up and Move down, or drag, to reorder."
        )
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.list.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.list.itemChanged.connect(self._item_edited)
        self.list.model().rowsMoved.connect(self._rows_rearranged)
        self.list.model().rowsRemoved.connect(self._rows_rearranged)
        self.list.currentRowChanged.connect(lambda _row: self._update_buttons())

        self.up_button = self._button("Move up", "Move the selected question up", self.move_up)
        self.down_button = self._button(
            "Move down", "Move the selected question down", self.move_down
        )
        self.remove_button = self._button(
            "Remove", "Remove the selected question", self.remove_selected
        )
        self.clear_button = self._button("Clear…", "Clear all questions", self._confirm_clear)
        self.print_button = self._button("Print…", "Print the visit list", self.print_list)
        self.export_button = self._button(
            "Export PDF…", "Export the visit list as PDF", self._choose_pdf
        )

        self.profile_check = QCheckBox("Include my profile summary")
        self.profile_check.setAccessibleName("Include my profile summary")
        self.profile_check.setChecked(False)
        self.profile_check.setEnabled(False)

        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)

        # Not attached to any widget: the window adds it (e.g. to its File menu) for Ctrl+P.
        self.print_action = QAction("Print visit list…", self)
        self.print_action.setShortcuts(QKeySequence.StandardKey.Print)
        self.print_action.triggered.connect(self.print_list)

        order = QHBoxLayout()
        order.addWidget(self.up_button)
        order.addWidget(self.down_button)
        order.addWidget(self.remove_button)
        order.addWidget(self.clear_button)
        order.addStretch(1)
        output = QHBoxLayout()
        output.addWidget(self.print_button)
        output.addWidget(self.export_button)
        output.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        layout.addLayout(order)
        layout.addWidget(self.profile_check)
        layout.addLayout(output)
        self._update_buttons()

    def _button(self, text: str, accessible: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.clicked.connect(slot)
        return button

    # -- public API ------------------------------------------------------------------------

    @property
    def model(self) -> VisitList:
        """The list as it stands, in the order shown (do not mutate; use the methods)."""
        return self._model

    def add_questions(self, questions: list[str], origin: str) -> int:
        """Add the questions not already on the list; returns how many were added."""
        added = self._model.add(questions, origin)
        if added:
            self._refresh(select=len(self._model) - 1)
            self.changed.emit()
        return added

    def load(self, model: VisitList) -> None:
        """Show a stored list (a copy is kept). Does not emit ``changed``."""
        self._model = model.copy()
        self._refresh(select=None)

    def set_profile_summary(self, lines: list[str] | None) -> None:
        """Lines for "About me"; None (no records) disables and unchecks the checkbox."""
        self._profile = [line for line in lines if clean_text(line)] if lines else None
        if self._profile is None:
            self.profile_check.setChecked(False)
        self.profile_check.setEnabled(self._profile is not None)

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._model):
            self._model.remove(row)
            self._refresh(select=min(row, len(self._model) - 1))
            self.changed.emit()

    def move_up(self) -> None:
        self._move_selected(-1)

    def move_down(self) -> None:
        self._move_selected(+1)

    def clear_list(self) -> None:
        """Empty the list without asking (the Clear… button asks first)."""
        if len(self._model):
            self._model.clear()
            self._refresh(select=None)
            self.changed.emit()

    def html(self, title_date: str | None = None) -> str:
        """The printable HTML, with the profile summary only when the checkbox is checked."""
        profile = self._profile if self.profile_check.isChecked() else None
        return self._model.render_html(title_date or visit_date_text(date.today()), profile)

    def document(self, title_date: str | None = None) -> QTextDocument:
        doc = QTextDocument()
        doc.setHtml(self.html(title_date))
        return doc

    def export_pdf(self, path: Path, *, title_date: str | None = None) -> None:
        """Write the list to ``path`` as PDF with QPdfWriter; raises OSError on failure."""
        path = Path(path)
        if not path.parent.is_dir():
            raise OSError(f"folder does not exist: {path.parent}")
        part = path.with_name(path.name + ".part")
        writer = QPdfWriter(str(part))
        writer.setTitle(TITLE)
        writer.setCreator("Lantern")
        writer.setPageLayout(
            QPageLayout(
                page_size_for_locale(),
                QPageLayout.Orientation.Portrait,
                QMarginsF(20, 20, 20, 20),
                QPageLayout.Unit.Millimeter,
            )
        )
        self.document(title_date).print_(writer)
        del writer  # closes the file
        if not part.is_file() or part.stat().st_size == 0:
            part.unlink(missing_ok=True)
            raise OSError(f"could not write the PDF: {path}")
        part.replace(path)
        log.info("visit list exported to PDF (%d questions)", len(self._model))

    def print_list(self) -> None:
        """Open the print dialog and print the list if the user accepts."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(TITLE)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print visit list")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.document().print_(printer)
            log.info("visit list printed (%d questions)", len(self._model))

    # -- internals -------------------------------------------------------------------------

    def _confirm_clear(self) -> None:
        if not len(self._model):
            return
        answer = QMessageBox.question(
            self,
            "Clear visit list",
            "Remove all questions from your visit list?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.clear_list()

    def _choose_pdf(self) -> None:
        start = str(Path.home() / f"Visit questions {date.today().isoformat()}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, "Export visit list", start, "PDF (*.pdf)")
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            self.export_pdf(path)
        except OSError as exc:
            log.warning("visit list PDF export failed (%s)", type(exc).__name__)
            QMessageBox.warning(self, "Export visit list", f"Could not save the PDF.\n\n{exc}")

    def _move_selected(self, step: int) -> None:
        row = self.list.currentRow()
        target = row + step
        if 0 <= row < len(self._model) and 0 <= target < len(self._model):
            self._model.move(row, target)
            self._refresh(select=target)
            self.changed.emit()

    def _refresh(self, select: int | None) -> None:
        """Rebuild the widget from the model."""
        self._updating = True
        try:
            self.list.clear()
            for entry in self._model.items:
                item = QListWidgetItem(entry.text)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setData(_ORIGIN_ROLE, entry.origin)
                item.setData(_ADDED_ROLE, entry.added)
                tip = f"Added {entry.added}" if entry.added else ""
                if entry.origin:
                    tip = f"From your question: {entry.origin}\n{tip}".strip()
                item.setToolTip(tip)
                self.list.addItem(item)
            if select is not None and 0 <= select < self.list.count():
                self.list.setCurrentRow(select)
        finally:
            self._updating = False
        self._update_buttons()

    def _item_edited(self, item: QListWidgetItem) -> None:
        if self._updating:
            return
        row = self.list.row(item)
        if not 0 <= row < len(self._model):
            return
        before = self._model.items[row].text
        with contextlib.suppress(ValueError):  # empty text: the previous text is put back
            self._model.edit(row, item.text())
        shown = self._model.items[row].text
        if item.text() != shown:
            self._updating = True
            try:
                item.setText(shown)
            finally:
                self._updating = False
        if shown != before:
            self.changed.emit()

    def _rows_rearranged(self, *_args: object) -> None:
        """A drag and drop moved rows inside the widget: read the new order back."""
        if self._updating:
            return
        items: list[VisitItem] = []
        for row in range(self.list.count()):
            item = self.list.item(row)
            origin = item.data(_ORIGIN_ROLE) or ""
            added = item.data(_ADDED_ROLE) or ""
            items.append(VisitItem(clean_text(item.text()), str(origin), str(added)))
        if [(i.text, i.origin, i.added) for i in items] != [
            (i.text, i.origin, i.added) for i in self._model.items
        ]:
            self._model.items = items
            self.changed.emit()
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = self.list.count()
        row = self.list.currentRow()
        selected = 0 <= row < count
        self.up_button.setEnabled(selected and row > 0)
        self.down_button.setEnabled(selected and row < count - 1)
        self.remove_button.setEnabled(selected)
        self.clear_button.setEnabled(count > 0)
        self.print_button.setEnabled(count > 0)
        self.export_button.setEnabled(count > 0)
        self.print_action.setEnabled(count > 0)
