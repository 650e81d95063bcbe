"""A progress bar with a Cancel button that follows one long job at a time (the Records tab's
unlock or import): shown while the job runs, the job's progress on the bar, Cancel cancelling
it, hidden again when it ends."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QPushButton, QWidget

from desktop.ui.jobs import Job


class BusyBar(QWidget):
    progress_shown = Signal(object)
    busy_changed = Signal(bool)
    ended = Signal()  # the job followed is over, however it ended

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job: Job | None = None
        self.progress = QProgressBar()
        self.progress.setAccessibleName(f"{name} progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName(f"Cancel the {name.lower()} job")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel)
        self._show(False)

    @property
    def busy(self) -> bool:
        return self.job is not None

    def follow(self, job: Job) -> Job:
        """Show ``job`` (attach before it starts) until it ends."""
        self.job = job
        job.with_progress(self._on_progress).after(self._on_ended)
        self._show(True)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _on_progress(self, progress: object) -> None:
        done, total = getattr(progress, "done", 0), getattr(progress, "total", 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{getattr(progress, 'message', '')} (%v/%m)" if total else "%p%")
        self.progress_shown.emit(progress)

    def _on_ended(self) -> None:
        self.job = None
        self._show(False)
        self.ended.emit()

    def _show(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        self.busy_changed.emit(busy)
