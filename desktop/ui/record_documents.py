"""The Records tab's document list: each document with its title, file name, pages and the pages
without text, with Import records… and Remove document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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

if TYPE_CHECKING:
    from desktop.core.records.importer import RecordDocument
    from desktop.core.records.profile import Profile

RECORD_SUFFIXES = (".pdf", ".txt", ".text", ".md")
DOC_ROLE = Qt.ItemDataRole.UserRole


class DocumentsView(QWidget):
    import_chosen = Signal(list)  # paths chosen in the file dialog
    remove_confirmed = Signal(str)  # the document id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName("Documents")
        self.import_button = QPushButton("Import records…")
        self.remove_button = QPushButton("Remove document")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Documents (drop PDF or text files here)"))
        layout.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.import_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.confirm_remove)

    def show_documents(self, documents: list[RecordDocument], profile: Profile) -> None:
        self.list.clear()
        for doc in documents:
            label = profile.documents.get(doc.id)
            title = label.title if label else "Document"
            text = f"{title} — {doc.file_name} ({doc.pages} p.)"
            if doc.empty_pages:
                text += f"; no text on page(s) {', '.join(map(str, doc.empty_pages[:5]))}"
            item = QListWidgetItem(text)
            item.setData(DOC_ROLE, doc.id)
            self.list.addItem(item)

    def clear(self) -> None:
        self.list.clear()

    def update_controls(self, *, unlocked: bool, busy: bool) -> None:
        self.import_button.setEnabled(unlocked and not busy)
        self.remove_button.setEnabled(unlocked and not busy)

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import records", "", "Records (*.pdf *.txt *.text *.md)"
        )
        if paths:
            self.import_chosen.emit([Path(p) for p in paths])

    def confirm_remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(
            self, "Remove document", "Remove this document and what was read from it?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_confirmed.emit(item.data(DOC_ROLE))


def record_files(paths: list[Path]) -> list[Path]:
    """The dropped files Lantern can read as records."""
    return [p for p in paths if p.suffix.lower() in RECORD_SUFFIXES]
