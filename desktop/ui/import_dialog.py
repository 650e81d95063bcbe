"""The dialog that asks for a guideline PDF's title, publisher and year before import."""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)


class ImportDialog(QDialog):
    def __init__(self, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import a guideline PDF")
        self.title = QLineEdit(Path(path).stem.replace("_", " "))
        self.title.setAccessibleName("Title")
        self.source = QLineEdit()
        self.source.setAccessibleName("Publisher")
        self.source.setPlaceholderText("e.g. NCCN Guidelines for Patients")
        self.year = QSpinBox()
        self.year.setAccessibleName("Year")
        self.year.setRange(1990, 2100)
        self.year.setValue(datetime.date.today().year)
        form = QFormLayout(self)
        form.addRow("Title", self.title)
        form.addRow("Publisher", self.source)
        form.addRow("Year", self.year)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, int]:
        return self.title.text().strip(), self.source.text().strip(), self.year.value()
