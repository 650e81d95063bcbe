"""The Records area: patient switcher with lock and unlock, the document list (import by file
dialog or drag and drop, with progress and Cancel), the profile with its evidence (clicking a
fact shows the page with the span highlighted), edit controls and the lab trend chart.

Unlocking, importing and re-indexing run on worker threads. Decrypted content lives only in
the ``PatientSession`` and these widgets; nothing is written to Qt settings."""

from __future__ import annotations

import html
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Settings
from desktop.ui import worker as workers
from desktop.ui.lab_chart import LabChart

if TYPE_CHECKING:  # imported when a patient is opened: the window shows without them
    from desktop.core.records.keys import KeyWrapper
    from desktop.core.records.profile import ProfileFact
    from desktop.core.records.session import PatientSession

RECORD_SUFFIXES = (".pdf", ".txt", ".text", ".md")
FACT_ROLE = Qt.ItemDataRole.UserRole
IDLE_CHECK_MS = 15_000


class RecordsPane(QWidget):
    session_changed = Signal(object)  # PatientSession or None
    progress_shown = Signal(object)
    busy_changed = Signal(bool)
    message = Signal(str)
    profile_shown = Signal()
    failed = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.session: PatientSession | None = None
        self._embed: Callable | None = None
        self._identity = ""
        self._job: workers.GeneratorWorker | None = None
        self._threads: list[QThread] = []
        self._pending: PatientSession | None = None
        self._errors: list[str] = []
        # overridable by tests: how a passphrase or a new patient's name is asked for
        self.passphrase_provider: Callable[[str], str | None] = self._ask_passphrase
        self.setAcceptDrops(True)

        self.patient = QComboBox()
        self.patient.setAccessibleName("Patient")
        self.new_button = QPushButton("New patient…")
        self.delete_patient_button = QPushButton("Delete patient…")
        self.delete_patient_button.setAccessibleName("Delete this patient and all her records")
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setAccessibleName("Unlock or lock the patient's records")
        self.import_button = QPushButton("Import records…")
        self.remove_button = QPushButton("Remove document")
        self.state = QLabel("Choose a patient and unlock her records.")
        self.state.setAccessibleName("Records status")
        self.state.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Records progress")
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the records job")
        self.cancel_button.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Patient:"))
        top.addWidget(self.patient, 1)
        top.addWidget(self.unlock_button)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_patient_button)

        self.documents = QListWidget()
        self.documents.setAccessibleName("Documents")
        doc_box = QWidget()
        doc_layout = QVBoxLayout(doc_box)
        doc_layout.setContentsMargins(0, 0, 0, 0)
        doc_layout.addWidget(QLabel("Documents (drop PDF or text files here)"))
        doc_layout.addWidget(self.documents, 1)
        doc_buttons = QHBoxLayout()
        doc_buttons.addWidget(self.import_button)
        doc_buttons.addWidget(self.remove_button)
        doc_layout.addLayout(doc_buttons)

        self.facts = QTreeWidget()
        self.facts.setAccessibleName("Profile facts")
        self.facts.setHeaderLabels(["Fact", "Value", "Date", "From", "Status"])
        self.facts.setRootIsDecorated(True)
        self.confirm_button = QPushButton("Confirm")
        self.correct_button = QPushButton("Correct…")
        self.delete_button = QPushButton("Delete")
        self.add_button = QPushButton("Add fact…")
        fact_box = QWidget()
        fact_layout = QVBoxLayout(fact_box)
        fact_layout.setContentsMargins(0, 0, 0, 0)
        fact_layout.addWidget(QLabel("What Lantern read (check each fact against its source)"))
        fact_layout.addWidget(self.facts, 1)
        fact_buttons = QHBoxLayout()
        for button in (self.confirm_button, self.correct_button, self.delete_button):
            fact_buttons.addWidget(button)
        fact_buttons.addStretch(1)
        fact_buttons.addWidget(self.add_button)
        fact_layout.addLayout(fact_buttons)

        self.evidence = QTextBrowser()
        self.evidence.setAccessibleName("Evidence: the page the fact came from")
        self.chart = LabChart()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.evidence)
        right.addWidget(self.chart)

        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(doc_box)
        body.addWidget(fact_box)
        body.addWidget(right)
        body.setSizes([260, 520, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.state)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.progress, 1)
        busy_row.addWidget(self.cancel_button)
        layout.addLayout(busy_row)
        layout.addWidget(body, 1)
        self.cancel_button.clicked.connect(self.cancel)

        self.unlock_button.clicked.connect(self.toggle_lock)
        self.new_button.clicked.connect(self.create_patient)
        self.delete_patient_button.clicked.connect(self.confirm_delete_patient)
        self.import_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected_document)
        self.facts.currentItemChanged.connect(self._on_fact_selected)
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.correct_button.clicked.connect(self.correct_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.add_button.clicked.connect(self.add_fact)
        self.patient.currentIndexChanged.connect(self._on_patient_chosen)

        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(IDLE_CHECK_MS)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()
        self._activity = _ActivityFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._activity)
        self.refresh_patients()
        self._update_controls()

    # -- set-up ----------------------------------------------------------------------------
    def set_embedder(self, embed: Callable, identity: str) -> None:
        """Records search needs the embedding model; the window passes it once loaded."""
        self._embed, self._identity = embed, identity
        self._update_controls()

    def refresh_patients(self) -> None:
        from desktop.core.records.vault import patient_ids

        current = self.patient.currentData()
        self.patient.blockSignals(True)
        self.patient.clear()
        for pid in patient_ids(self.settings.home):
            self.patient.addItem(self._name(pid), pid)
        if current is not None:
            index = self.patient.findData(current)
            if index >= 0:
                self.patient.setCurrentIndex(index)
        self.patient.blockSignals(False)
        self._update_controls()

    def _name(self, pid: str) -> str:
        """Names are encrypted: a keyring vault's name is read without asking; a passphrase
        vault shows by its opaque id until unlocked."""
        from desktop.core.records.keys import KeyringWrapper, VaultKeyError
        from desktop.core.records.vault import Vault, VaultError, read_header, vaults_dir

        if self._is_open(pid):
            return self.session.display_name  # type: ignore[union-attr]
        try:
            if read_header(vaults_dir(self.settings.home) / pid).get("key_source") == "keyring":
                vault = Vault.open(self.settings.home, pid, KeyringWrapper())
                try:
                    return vault.display_name
                finally:
                    vault.close()
        except (VaultKeyError, VaultError, OSError):
            pass
        return f"Patient {pid[:6]}… (locked)"

    def _is_open(self, pid: str) -> bool:
        return (
            self.session is not None and not self.session.locked and self.session.patient_id == pid
        )

    def _update_controls(self) -> None:
        unlocked = self.session is not None and not self.session.locked
        running = self._job is not None
        has_patient = self.patient.count() > 0
        self.unlock_button.setText("Lock" if unlocked else "Unlock")
        self.unlock_button.setEnabled(has_patient and not running and self._embed is not None)
        self.new_button.setEnabled(not running and self._embed is not None)
        self.delete_patient_button.setEnabled(has_patient and not running)
        self.patient.setEnabled(not running)
        self.import_button.setEnabled(unlocked and not running)
        self.remove_button.setEnabled(unlocked and not running)
        for button in (self.confirm_button, self.correct_button, self.delete_button):
            button.setEnabled(unlocked and self._selected_fact() is not None)
        self.add_button.setEnabled(unlocked)

    # -- activity and locking --------------------------------------------------------------
    def touch(self) -> None:
        if self.session is not None:
            self.session.touch()

    def check_idle(self) -> None:
        if self.session is not None and self._job is None and self.session.lock_if_idle():
            self._after_lock("Locked after being idle. Unlock to go on.")

    def toggle_lock(self) -> None:
        if self.session is not None and not self.session.locked:
            self.lock()
        else:
            self.unlock(self.patient.currentData())

    def lock(self) -> None:
        if self.session is None:
            return
        if self._job is not None:
            self._job.cancel()
        self.session.lock()
        self._after_lock("Locked. Unlock to see the records again.")

    def _after_lock(self, note: str) -> None:
        self.session = None
        self.documents.clear()
        self.facts.clear()
        self.evidence.clear()
        self.chart.set_profile(None)
        self.state.setText(note)
        self.refresh_patients()
        self.session_changed.emit(None)
        self._update_controls()

    def _on_patient_chosen(self, _index: int) -> None:
        pid = self.patient.currentData()
        if self.session is not None and pid != self.session.patient_id:
            self.lock()

    # -- unlocking -------------------------------------------------------------------------
    def _ask_passphrase(self, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Passphrase", prompt, QLineEdit.EchoMode.Password)
        return text if ok else None

    def unlock(self, patient_id: str | None) -> None:
        from desktop.core.records.access import PASSPHRASE_ENV
        from desktop.core.records.keys import KeyringWrapper, PassphraseWrapper
        from desktop.core.records.vault import VaultError, read_header, vaults_dir

        if not patient_id or self._embed is None or self._job is not None:
            return
        try:
            source = read_header(vaults_dir(self.settings.home) / patient_id).get("key_source")
        except VaultError as exc:
            self._fail(str(exc))
            return
        if source == "keyring":
            wrapper = KeyringWrapper()
        else:
            passphrase = os.environ.get(PASSPHRASE_ENV) or self.passphrase_provider(
                "This patient's records are protected by a passphrase:"
            )
            if not passphrase:
                return
            wrapper = PassphraseWrapper(passphrase)
        home, embed, identity = self.settings.home, self._embed, self._identity
        lock_after = self.settings.lock_after_minutes * 60
        self._run(
            lambda: _open_session(home, patient_id, wrapper, embed, identity, lock_after),
            "Unlocking…",
        )

    def create_patient(self) -> None:
        name, ok = QInputDialog.getText(self, "New patient", "Name (stored encrypted):")
        if ok and name.strip():
            self.create_patient_named(name.strip())

    def create_patient_named(self, name: str) -> None:
        from desktop.core.records.keys import PassphraseWrapper, VaultKeyError
        from desktop.core.records.session import PatientSession
        from desktop.core.records.vault import Vault

        try:
            from desktop.core.records.access import wrapper_for_new_vault

            wrapper = wrapper_for_new_vault()
        except VaultKeyError:  # no keyring here: protect the vault with a passphrase
            first = self.passphrase_provider("No OS keyring here. Choose a passphrase:")
            if not first:
                return
            again = self.passphrase_provider("Type the passphrase again:")
            if again != first:
                self._fail("the two passphrases differ; nothing was created")
                return
            wrapper = PassphraseWrapper(first)
        if self.session is not None:
            self.lock()
        try:
            vault = Vault.create(self.settings.home, name, wrapper)
        except (OSError, VaultKeyError) as exc:
            self._fail(f"could not create the patient: {exc}")
            return
        session = PatientSession(
            vault, self._embed, self._identity, self.settings.lock_after_minutes * 60
        )
        for _ in session.refresh():  # an empty vault: nothing to embed, loads at once
            pass
        self._open(session)
        self.refresh_patients()
        self.patient.setCurrentIndex(self.patient.findData(session.patient_id))

    def confirm_delete_patient(self) -> None:
        pid = self.patient.currentData()
        if not pid:
            return
        typed, ok = QInputDialog.getText(
            self,
            "Delete patient",
            "This destroys the key and every record of this patient, for good.\n"
            f"Type {pid} to confirm:",
        )
        if ok and typed.strip() == pid:
            self.delete_patient(pid)

    def delete_patient(self, patient_id: str) -> None:
        from desktop.core.records.access import wrapper_to_destroy
        from desktop.core.records.vault import VaultError, destroy

        if self.session is not None and self.session.patient_id == patient_id:
            self.lock()
        try:
            destroy(
                self.settings.home, patient_id, wrapper_to_destroy(self.settings.home, patient_id)
            )
        except (VaultError, OSError) as exc:
            self._fail(f"could not delete the patient: {exc}")
            return
        self.state.setText("The patient and her records were destroyed.")
        self.refresh_patients()

    # -- importing -------------------------------------------------------------------------
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import records", "", "Records (*.pdf *.txt *.text *.md)"
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        session = self.session
        if session is None or session.locked or self._job is not None:
            return
        self.touch()
        self._run(lambda: session.import_files(paths), "Importing…")

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.session is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        paths = [p for p in paths if p.suffix.lower() in RECORD_SUFFIXES]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def remove_selected_document(self) -> None:
        item = self.documents.currentItem()
        if self.session is None or item is None:
            return
        answer = QMessageBox.question(
            self, "Remove document", "Remove this document and what was read from it?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_document(item.data(Qt.ItemDataRole.UserRole))

    def remove_document(self, doc_id: str) -> None:
        if self.session is None:
            return
        self.touch()
        self.session.remove_document(doc_id)
        self.show_session()

    # -- the job runner --------------------------------------------------------------------
    def _run(self, factory: Callable, note: str) -> None:
        self._errors = []
        job = workers.GeneratorWorker(factory)
        self._job = job
        job.progressed.connect(self._on_progress)
        job.produced.connect(self._on_produced)
        job.finished.connect(self._on_job_done)
        job.failed.connect(self._on_job_failed)
        self.state.setText(note)
        self._set_busy(True)
        self._threads = [t for t in self._threads if workers.running(t)]
        self._threads.append(workers.start(job))
        self._update_controls()

    def _on_progress(self, progress: object) -> None:
        done, total = getattr(progress, "done", 0), getattr(progress, "total", 0)
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.progress.setFormat(f"{getattr(progress, 'message', '')} (%v/%m)" if total else "%p%")
        self.progress_shown.emit(progress)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)
        self.busy_changed.emit(busy)

    def _on_produced(self, item: object) -> None:
        from desktop.core.records.importer import RecordDocument, RecordImportError
        from desktop.core.records.session import PatientSession

        if isinstance(item, PatientSession):
            self._pending = item
        elif isinstance(item, RecordImportError):
            self._errors.append(str(item))
        elif isinstance(item, RecordDocument):
            self.message.emit(f"Imported a document ({item.pages} page(s)).")

    def _on_job_done(self) -> None:
        cancelled = self._job is not None and self._job.cancelled
        self._job = None
        self._set_busy(False)
        if self._pending is not None:
            session, self._pending = self._pending, None
            if cancelled:
                session.lock()
            else:
                self._open(session)
                return
        if self.session is not None and not self.session.locked:
            if cancelled:  # what finished before Cancel stays; bring the profile up to date
                for _ in self.session.refresh():
                    pass
            self.show_session()
        notes = []
        if cancelled:
            notes.append("Import cancelled; documents already read were kept.")
        if self._errors:
            refused = "; ".join(self._errors)  # one clause per file, not a run-on line
            notes.append(f"Not imported: {refused}.")
            self.failed.emit(refused)
        if notes:
            self.state.setText(" ".join(notes))
        self._update_controls()

    def _on_job_failed(self, message: str) -> None:
        self._job = None
        self._pending = None
        self._set_busy(False)
        self._fail(message)
        self._update_controls()

    def _fail(self, message: str) -> None:
        self.state.setText(f"Could not do that: {message}")
        self.failed.emit(message)

    # -- showing ---------------------------------------------------------------------------
    def _open(self, session: PatientSession) -> None:
        self.session = session
        self.refresh_patients()
        self.show_session()
        self.session_changed.emit(session)

    def show_session(self) -> None:
        session = self.session
        if session is None or session.locked:
            return
        from desktop.core.records.profile import FIELD_LABELS

        profile = session.profile
        self.documents.clear()
        for doc in session.documents:
            label = profile.documents.get(doc.id)
            title = label.title if label else "Document"
            text = f"{title} — {doc.file_name} ({doc.pages} p.)"
            if doc.empty_pages:
                text += f"; no text on page(s) {', '.join(map(str, doc.empty_pages[:5]))}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, doc.id)
            self.documents.addItem(item)
        self.facts.clear()
        conflicts = profile.conflicts()
        groups: dict[str, QTreeWidgetItem] = {}
        order = list(FIELD_LABELS)
        names = sorted(
            {f.field for f in profile.facts},
            key=lambda n: order.index(n) if n in order else len(order),
        )
        for name in names:
            facts = profile.by_field(name)
            head = QTreeWidgetItem([facts[0].label, _shown_value(facts[0]), facts[0].date or ""])
            if name in conflicts:
                head.setText(4, "values disagree")
            groups[name] = head
            self.facts.addTopLevelItem(head)
            for fact in facts:
                child = QTreeWidgetItem(
                    [
                        fact.label,
                        _shown_value(fact),
                        fact.date or "",
                        _where(fact, profile),
                        _status(fact),
                    ]
                )
                child.setData(0, FACT_ROLE, fact.id)
                head.addChild(child)
            head.setExpanded(name in conflicts or len(facts) <= 3)
        for column in range(4):
            self.facts.resizeColumnToContents(column)
        self.chart.set_profile(profile)
        count = len(profile.facts)
        self.state.setText(
            f"Unlocked: {len(session.documents)} document(s), {count} fact(s)"
            + (f", {len(conflicts)} field(s) with disagreeing values" if conflicts else "")
            + ". Check each fact; your corrections are kept."
        )
        self._update_controls()
        self.profile_shown.emit()

    def _selected_fact(self) -> ProfileFact | None:
        item = self.facts.currentItem()
        if item is None or self.session is None or self.session.locked:
            return None
        fact_id = item.data(0, FACT_ROLE)
        return self.session.profile.fact(fact_id) if fact_id else None

    def select_fact(self, fact_id: str) -> bool:
        for i in range(self.facts.topLevelItemCount()):
            head = self.facts.topLevelItem(i)
            for j in range(head.childCount()):
                if head.child(j).data(0, FACT_ROLE) == fact_id:
                    self.facts.setCurrentItem(head.child(j))
                    return True
        return False

    def _on_fact_selected(self, *_: object) -> None:
        self.touch()
        self._update_controls()
        fact = self._selected_fact()
        if fact is None or self.session is None:
            self.evidence.clear()
            return
        if fact.evidence is None or fact.doc_id is None:
            self.evidence.setHtml("<p>You entered this fact yourself.</p>")
            return
        page = self.session.page_text(fact.doc_id, fact.evidence.page)
        start, end = fact.evidence.start, fact.evidence.end
        title = _where(fact, self.session.profile)
        body = (
            html.escape(page[:start])
            + '<a name="hit"></a><mark style="background:#ffe066; color:#000000">'
            + html.escape(page[start:end])
            + "</mark>"
            + html.escape(page[end:])
        )
        self.evidence.setHtml(
            f"<p><b>{html.escape(title)}</b></p><pre style='white-space:pre-wrap'>{body}</pre>"
        )
        self.evidence.scrollToAnchor("hit")

    # -- editing ---------------------------------------------------------------------------
    def confirm_selected(self) -> None:
        fact = self._selected_fact()
        if fact is not None:
            self.edit_fact(fact.id, "confirm")

    def delete_selected(self) -> None:
        fact = self._selected_fact()
        if fact is not None:
            self.edit_fact(fact.id, "delete")

    def correct_selected(self) -> None:
        fact = self._selected_fact()
        if fact is None:
            return
        value, ok = QInputDialog.getText(
            self, "Correct a fact", f"{fact.label} (as your records should say):", text=fact.value
        )
        if ok and value.strip():
            self.edit_fact(fact.id, "correct", value.strip())

    def edit_fact(self, fact_id: str, action: str, value: str | None = None) -> None:
        if self.session is None:
            return
        self.touch()
        try:
            self.session.correct(fact_id, action, value)  # type: ignore[arg-type]
        except ValueError as exc:
            self._fail(str(exc))
            return
        self.show_session()
        self.select_fact(fact_id)
        self.session_changed.emit(self.session)

    def add_fact(self) -> None:
        if self.session is None:
            return
        from desktop.core.records.profile import FIELD_LABELS

        labels = [FIELD_LABELS[k] for k in FIELD_LABELS if k not in ("lab", "dose_change")]
        label, ok = QInputDialog.getItem(self, "Add a fact", "What kind of fact?", labels, 0, False)
        if not ok:
            return
        value, ok = QInputDialog.getText(self, "Add a fact", f"{label}:")
        if ok and value.strip():
            field = next(k for k, v in FIELD_LABELS.items() if v == label)
            self.session.add_fact(field, value.strip())
            self.show_session()
            self.session_changed.emit(self.session)

    # -- shutdown --------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 10000) -> None:
        if self._job is not None:
            self._job.cancel()
        workers.stop(self._threads, timeout_ms)
        if self._pending is not None:
            self._pending.lock()
            self._pending = None
        if self.session is not None:
            self.session.lock()
            self.session = None
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self._activity)


class _ActivityFilter(QObject):
    """Key presses and clicks anywhere in the app count as activity for the idle lock."""

    def __init__(self, pane: RecordsPane) -> None:
        super().__init__(pane)
        self._pane = pane

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self._pane.touch()
        return False


def _open_session(
    home: Path,
    patient_id: str,
    wrapper: KeyWrapper,
    embed: Callable,
    identity: str,
    lock_after: float,
) -> Iterator[object]:
    """``PatientSession.open``, imported on the worker thread that runs it (the records
    modules stay off the path to the first paint)."""
    from desktop.core.records.session import PatientSession

    yield from PatientSession.open(home, patient_id, wrapper, embed, identity, lock_after)


def _shown_value(fact: ProfileFact) -> str:
    details = ", ".join(f"{k}: {v}" for k, v in fact.details.items() if v)
    return f"{fact.value} ({details})" if details else fact.value


def _where(fact: ProfileFact, profile) -> str:
    if fact.evidence is None or fact.doc_id is None:
        return "entered by you"
    label = profile.documents.get(fact.doc_id)
    return f"{label.title if label else 'Document'}, p. {fact.evidence.page}"


def _status(fact: ProfileFact) -> str:
    if fact.source == "added":
        return "entered by you"
    if fact.source == "corrected":
        return f"corrected (read as {fact.extracted_value})"
    return "confirmed" if fact.confirmed else "not checked yet"
