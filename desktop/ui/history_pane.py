"""The History tab: previous questions, searchable; double-click (or Enter) reopens an answer.

Which history is shown is the core's choice (``history.history_for``, asked by the window);
clearing it runs on the window's records queue (it may be her vault)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.answer.history import History, HistoryEntry, MemoryHistory, search
from desktop.ui.jobs import Job, JobRunner


class HistoryPane(QWidget):
    reopen = Signal(object)  # an Answer

    def __init__(self, queue: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.history: History = MemoryHistory()
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setAccessibleName("Where this history is kept")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search previous questions and answers")
        self.search.setAccessibleName("Search history")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Previous questions")
        self.open_button = QPushButton("Reopen")
        self.open_button.setAccessibleName("Reopen the selected answer")
        self.clear_button = QPushButton("Clear history…")
        self.clear_button.setAccessibleName("Clear this history")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self.refresh)
        self.list.itemActivated.connect(self._on_activated)
        self.open_button.clicked.connect(self.reopen_selected)
        self.clear_button.clicked.connect(self.confirm_clear)

    def set_history(self, history: History, where: str) -> None:
        self.history = history
        self.where.setText(where)
        self.refresh()

    def refresh(self, *_: object) -> None:
        self.list.clear()
        for entry in search(self.history, self.search.text()):
            when = entry.asked_at[:16].replace("T", " ")
            item = QListWidgetItem(f"{when}  {entry.question}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.list.addItem(item)

    def _on_activated(self, item: QListWidgetItem) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(entry, HistoryEntry):
            self.reopen.emit(entry.to_answer())

    def reopen_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._on_activated(item)

    def confirm_clear(self) -> None:
        answer = QMessageBox.question(self, "Clear history", "Delete every entry of this history?")
        if answer == QMessageBox.StandardButton.Yes:
            self.clear()

    def clear(self) -> Job:
        """Delete every entry of this history (on the records queue)."""
        return self.queue.start(Job(self.history.clear).success(self.refresh))
