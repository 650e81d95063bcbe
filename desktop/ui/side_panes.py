"""The right-hand panes: numbered sources and related questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

if TYPE_CHECKING:
    from desktop.core.answer.schema import Citation, RelatedQuestion


class SourcesPane(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcesPane")
        self.setAccessibleName("Sources")
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)

    def show_citations(self, citations: list[Citation]) -> None:
        self.clear()
        for c in citations:
            text = f"[{c.id}] {c.title}\n{c.source}\n{c.locator}\n“{c.snippet}”"
            item = QListWidgetItem(text)
            item.setData(QtCore.Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(c.snippet)
            self.addItem(item)

    def select_citation(self, number: int) -> None:
        for row in range(self.count()):
            item = self.item(row)
            if item.data(QtCore.Qt.ItemDataRole.UserRole) == number:
                self.setCurrentItem(item)
                self.scrollToItem(item)
                return


class RelatedPane(QListWidget):
    question_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("relatedPane")
        self.setAccessibleName("Related questions")
        self.setWordWrap(True)
        self.itemActivated.connect(self._chosen)
        self.itemClicked.connect(self._chosen)

    def show_related(self, related: list[RelatedQuestion]) -> None:
        self.clear()
        for r in related:
            item = QListWidgetItem(f"{r.question}\n{r.preview}")
            item.setData(QtCore.Qt.ItemDataRole.UserRole, r.question)
            self.addItem(item)

    def _chosen(self, item: QListWidgetItem) -> None:
        self.question_chosen.emit(str(item.data(QtCore.Qt.ItemDataRole.UserRole)))
