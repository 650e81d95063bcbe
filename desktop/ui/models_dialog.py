"""The model manager: installed chat models and the catalogue's recommendations in one table,
with Import file…, Import folder… (a USB stick), drag and drop of .gguf files, Verify, Use and
Remove. Import and verify run as jobs (``desktop.ui.jobs``: progress bar and Cancel); refusals
are shown in the status line, never in a box that blocks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

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
from desktop.ui.jobs import CANCELLED, ERRORED, Job, JobRunner, describe

NAME_ROLE = Qt.ItemDataRole.UserRole


def _import_each(store: ModelStore, paths: list[Path]) -> Iterator[object]:
    """Import several files; a bad one is reported and the rest go on."""
    for path in paths:
        try:
            yield from store.import_file(path)
        except (GGUFError, ModelStoreError) as exc:
            yield ImportProblem(path, str(exc))


class ModelsDialog(QDialog):
    model_chosen = Signal(str)
    status_changed = Signal(str)
    job_done = Signal()  # an import or verify ended (finished, failed or cancelled)

    def __init__(self, store: ModelStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setWindowTitle("Models")
        self.setAcceptDrops(True)
        self.resize(820, 420)
        # Replaceable (tests): file choosers and the removal confirmation; None = Qt's dialogs.
        # No bound methods of self are stored on self: a reference cycle would leave the
        # dialog to Python's cyclic collector, which may run on a worker thread.
        self.file_provider: Callable[[], list[str]] | None = None
        self.folder_provider: Callable[[], str] | None = None
        self.confirm: Callable[[str], bool] | None = None
        self._job: Job | None = None
        self._runner = JobRunner(self, threads=1)
        self._error = ""  # why the running job failed
        self._imported: list[str] = []  # names of models imported by the running job
        self._notes: list[str] = []  # verify results
        self._problems: list[str] = []
        self._refusal = "Not imported"

        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Models")
        self.table.setHorizontalHeaderLabels(["Model", "Size", "Status", "Details"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.status = QLabel("Drop .gguf files here, or import them from a file or a folder.")
        self.status.setAccessibleName("Models status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Model job progress")
        self.progress.setRange(0, 1000)
        self.cancel_button = self._button("Cancel", "Cancel the model job", self.cancel)
        self.import_button = self._button("Import file…", "Import model files", self.import_file)
        self.folder_button = self._button(
            "Import folder…", "Import every model in a folder", self.import_folder
        )
        self.verify_button = self._button("Verify", "Verify the model", self.verify_selected)
        self.use_button = self._button("Use", "Use the model for answers", self.use_selected)
        self.remove_button = self._button("Remove", "Remove the model", self.remove_selected)
        self.close_button = self._button("Close", "Close the model manager", self.close)

        busy_row = QHBoxLayout()
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        for button in (self.import_button, self.folder_button, self.verify_button):
            buttons.addWidget(button)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(busy_row)
        layout.addLayout(buttons)
        self.table.itemSelectionChanged.connect(self._update_controls)
        self._set_busy(False)
        self.refresh()

    def _button(self, text: str, accessible: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(accessible)
        button.clicked.connect(slot)
        return button

    # -- the table -------------------------------------------------------------------------
    def refresh(self) -> None:
        try:
            models, entries = self.store.list(), self.store.catalogue()
        except CatalogError as exc:
            models, entries = self.store.list(), []
            self.show_status(str(exc))
        installed = {m.entry.name for m in models if m.entry}
        rows: list[tuple[str | None, list[str], str]] = []
        for m in models:
            details = f"{m.title}: {m.summary}" if m.summary else m.title
            tip = m.problem or (f"Licence: {m.entry.licence}" if m.entry else str(m.path))
            rows.append((m.name, [m.name, human_size(m.size), m.status, details], tip))
        for e in entries:
            if e.name not in installed:
                status = f"not installed (needs {e.min_ram_gb} GB RAM)"
                details = f"{e.title}, {e.licence}: get {e.file}"
                rows.append((None, [e.name, e.size_text, status, details], e.url))
        self.table.setRowCount(len(rows))
        for r, (name, cells, tip) in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(NAME_ROLE, name)
                item.setToolTip(tip)
                if name is None:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._update_controls()

    def selected_name(self) -> str | None:
        """The installed model on the selected row (None for catalogue rows)."""
        items = self.table.selectedItems()
        return items[0].data(NAME_ROLE) if items else None

    def select(self, name: str) -> None:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(NAME_ROLE) == name:
                self.table.selectRow(r)
                return

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status_changed.emit(text)

    def _update_controls(self) -> None:
        busy = self._job is not None
        chosen = self.selected_name() is not None
        for button in (self.import_button, self.folder_button):
            button.setEnabled(not busy)
        for button in (self.verify_button, self.use_button, self.remove_button):
            button.setEnabled(chosen and not busy)

    # -- import and verify on the worker ---------------------------------------------------
    def _choose_files(self) -> list[str]:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import models", "", "GGUF models (*.gguf);;All files (*)"
        )
        return files

    def _choose_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Import every model in a folder")

    def import_file(self) -> None:
        files = self.file_provider() if self.file_provider else self._choose_files()
        if files:
            self.import_paths([Path(f) for f in files])

    def import_folder(self) -> None:
        folder = self.folder_provider() if self.folder_provider else self._choose_folder()
        if folder:
            self._run(partial(self.store.import_folder, Path(folder)), "Looking for models…")

    def import_paths(self, paths: list[Path]) -> None:
        self._run(partial(_import_each, self.store, paths), "Checking the model file…")

    def verify_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self._run(partial(self.store.verify, name), f"Verifying {name}…", "Verify failed")

    def _run(
        self, factory: Callable[[], Iterator[object]], note: str, refusal: str = "Not imported"
    ) -> None:
        if self._job is not None:
            return
        self._imported, self._notes, self._problems, self._refusal = [], [], [], refusal
        job = Job(factory).with_progress(self._on_item).failure(self._on_failed)
        self._job = self._runner.start(job.after(self._on_ended))
        self.show_status(note)
        self._set_busy(True)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.progress.setValue(0)
        self._update_controls()

    def _on_item(self, item: object) -> None:
        """The store's jobs yield progress and, as they go, each model imported, each file
        refused and each verify result."""
        if isinstance(item, Progress):
            total = item.total
            self.progress.setValue(item.done * 1000 // total if total else 0)
            self.progress.setFormat(f"{item.message} %p%")
        elif isinstance(item, InstalledModel):
            self._imported.append(item.name)
        elif isinstance(item, ImportProblem):
            self._problems.append(item.message)
        elif isinstance(item, VerifyResult):
            (self._notes if item.ok else self._problems).append(item.message)

    def _end(self, text: str) -> None:
        self._job = None
        self._set_busy(False)
        self.refresh()
        if self._imported and not self._problems:
            self.select(self._imported[-1])
        self.show_status(text)
        self.job_done.emit()

    def _on_failed(self, exc: Exception) -> None:
        self._error = describe(exc)

    def _on_ended(self) -> None:
        outcome = self._job.outcome if self._job is not None else ""
        if outcome == ERRORED:
            self._end(f"{self._refusal}: {self._error}.")
            return
        cancelled = outcome == CANCELLED
        parts = ["Cancelled: nothing was kept of the unfinished copy."] if cancelled else []
        if self._imported:
            parts.append("Imported " + ", ".join(dict.fromkeys(self._imported)) + ".")
        parts += [f"{note}." for note in self._notes]
        parts += [f"{self._refusal}: {problem}." for problem in self._problems]
        self._end(" ".join(parts) or "Nothing was imported.")

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.show_status("Cancelling…")

    # -- use and remove --------------------------------------------------------------------
    def use_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        try:
            model = self.store.use(name)
        except (GGUFError, ModelStoreError) as exc:
            self.show_status(f"Not used: {exc}.")
            return
        self.refresh()
        self.select(model.name)
        self.show_status(f"Lantern will answer with {model.title}.")
        self.model_chosen.emit(model.name)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Remove model", text)
        return answer == QMessageBox.StandardButton.Yes

    def remove_selected(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        model = self.store.get(name)
        question = f"Delete {model.title} ({model.path.name}) from this computer?"
        if not (self.confirm(question) if self.confirm else self._confirm(question)):
            return
        self.store.remove(name)
        self.refresh()
        note = " No model is chosen now." if model.selected else ""
        self.show_status(f"Removed {model.name}.{note}")

    # -- drag and drop, closing ------------------------------------------------------------
    @staticmethod
    def _dropped(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        return [p for p in paths if p.suffix.lower() == ".gguf" or p.is_dir()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._job is None and self._dropped(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._dropped(event)
        if not paths or self._job is not None:
            return
        event.acceptProposedAction()
        folders = [p for p in paths if p.is_dir()]
        if folders:
            self._run(partial(self.store.import_folder, folders[0]), "Looking for models…")
        else:
            self.import_paths(paths)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        self._runner.shutdown(timeout_ms)
        self._job = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
