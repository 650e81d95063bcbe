"""The Records area: the patient bar (``patient_bar``), her documents (``record_documents``: import
by file dialog or drag and drop, with progress and Cancel) and the facts read from them
(``record_facts``: evidence, edits, the lab chart), and the idle lock.

Every change to a patient's vault (unlock, import, edits, removal, lock, creation, deletion)
runs on the window's records queue: one job at a time, in order, off the GUI thread, so the
GUI thread never waits for the vault (an edit made during an import waits its turn on the
queue, not in the window). Vaults are created and opened only through the core's one policy
(``desktop.core.records.patients``). Decrypted content lives only in the ``PatientSession``
and these widgets; nothing is written to Qt settings."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.settings import Settings
from desktop.ui.busy_bar import BusyBar
from desktop.ui.jobs import Job, JobRunner, describe
from desktop.ui.patient_bar import (
    PatientBar,
    create_session,
    creation_refused,
    delete_vault,
    lock_unused,
    new_passphrase,
    open_session,
)
from desktop.ui.record_documents import DocumentsView, record_files
from desktop.ui.record_facts import FactsView

if TYPE_CHECKING:  # imported when a patient is opened: the window shows without them
    from desktop.core.records.session import ImportReport, PatientSession

IDLE_CHECK_MS = 15_000


class RecordsPane(QWidget):
    session_changed = Signal(object)  # PatientSession or None: unlocked, locked or switched
    profile_changed = Signal()  # her facts changed (an edit, an import)
    message = Signal(str)
    profile_shown = Signal()
    failed = Signal(str)

    def __init__(self, settings: Settings, queue: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.queue = queue  # the window's records queue: every vault change, in order
        self.session: PatientSession | None = None
        self._embed: Callable | None = None
        self._identity = ""
        # overridable by tests: how a passphrase is asked for
        self.passphrase_provider: Callable[[str], str | None] = self._ask_passphrase
        self.setAcceptDrops(True)
        self.bar = PatientBar(settings.home)
        self.documents = DocumentsView()
        self.facts = FactsView()
        self.state = QLabel("Choose a patient and unlock her records.")
        self.state.setAccessibleName("Records status")
        self.state.setWordWrap(True)
        self.busy = BusyBar("Records")  # the unlock or import under way, with Cancel
        self.progress_shown = self.busy.progress_shown
        self._lay_out()
        self._connect()
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(IDLE_CHECK_MS)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()
        self._activity = _ActivityFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self._activity)
        self.refresh_patients()

    def _lay_out(self) -> None:
        body = QSplitter()  # horizontal
        body.addWidget(self.documents)
        body.addWidget(self.facts)
        body.setSizes([260, 940])
        layout = QVBoxLayout(self)
        for part in (self.bar, self.state, self.busy):
            layout.addWidget(part)
        layout.addWidget(body, 1)

    def _connect(self) -> None:
        self.busy.ended.connect(self._update_controls)
        self.bar.unlock_clicked.connect(self.toggle_lock)
        self.bar.new_patient.connect(self.create_patient_named)
        self.bar.delete_confirmed.connect(self.delete_patient)
        self.bar.chosen.connect(self._on_patient_chosen)
        self.documents.import_chosen.connect(self.import_files)
        self.documents.remove_confirmed.connect(self.remove_document)
        self.facts.selection_changed.connect(self._on_fact_selected)
        self.facts.edit_requested.connect(self.edit_fact)
        self.facts.add_requested.connect(self.add_fact)

    # -- set-up ----------------------------------------------------------------------------
    def set_embedder(self, embed: Callable, identity: str) -> None:
        """Records search needs the embedding model; the window passes it once loaded."""
        self._embed, self._identity = embed, identity
        self._update_controls()

    def refresh_patients(self) -> None:
        session = self.session
        if session is not None:
            self.bar.refresh(session.patient_id, session.display_name)
        else:
            self.bar.refresh()
        self._update_controls()

    @property
    def unlocked(self) -> bool:
        return self.session is not None and not self.session.locked

    def _update_controls(self) -> None:
        unlocked, busy = self.unlocked, self.busy.busy
        self.bar.update_controls(unlocked=unlocked, busy=busy, ready=self._embed is not None)
        self.documents.update_controls(unlocked=unlocked, busy=busy)
        self.facts.update_controls(unlocked=unlocked)

    def _queue(self, work: Callable[[], object], done: Callable[..., object]) -> Job:
        """A short vault change, on the records queue; ``done(result)`` when it is made."""
        return self.queue.start(Job(work).success(done).failure(self._job_failed))

    # -- activity and locking --------------------------------------------------------------
    def touch(self) -> None:
        if self.session is not None:
            self.session.touch()

    def check_idle(self) -> None:
        session = self.session
        if session is not None and not self.busy.busy and session.idle_too_long():
            self.lock("Locked after being idle. Unlock to go on.")

    def toggle_lock(self) -> None:
        if self.unlocked:
            self.lock()
        else:
            self.unlock(self.bar.current())

    def lock(self, note: str = "Locked. Unlock to see the records again.") -> None:
        """Lock at once: her records leave the window now; the vault closes on the queue, after
        the changes queued before (a running import is cancelled first)."""
        session = self.session
        if session is None:
            return
        self.busy.cancel()
        self.session = None
        self.queue.start(Job(session.lock))
        self.documents.clear()
        self.facts.clear()
        self.state.setText(note)
        self.refresh_patients()
        self.session_changed.emit(None)

    def _on_patient_chosen(self) -> None:
        if self.session is not None and self.bar.current() != self.session.patient_id:
            self.lock()

    # -- unlocking, creating, deleting -----------------------------------------------------
    def _ask_passphrase(self, prompt: str) -> str | None:
        text, ok = QInputDialog.getText(self, "Passphrase", prompt, QLineEdit.EchoMode.Password)
        return text if ok else None

    def unlock(self, patient_id: str | None) -> None:
        from desktop.core.records import patients
        from desktop.core.records.vault import VaultError

        if not patient_id or self._embed is None or self.busy.busy:
            return
        try:
            ask = patients.unlock_needs_passphrase(self.settings.home, patient_id)
        except VaultError as exc:
            self._fail(str(exc))
            return
        passphrase = None
        if ask:
            passphrase = self.passphrase_provider(
                "This patient's records are protected by a passphrase:"
            )
            if not passphrase:
                return
        home, embed, identity = self.settings.home, self._embed, self._identity
        lock_after = self.settings.lock_after_minutes * 60
        job = Job(lambda: open_session(home, patient_id, embed, identity, passphrase, lock_after))
        self._run(job.success(self._unlocked).discard(lock_unused), "Unlocking…")

    def _unlocked(self, session: PatientSession) -> None:
        if self.busy.job is not None and self.busy.job.cancelled:  # Cancel came as it ended
            self.queue.start(Job(session.lock))
            return
        self._open(session)

    def create_patient_named(self, name: str) -> None:
        """New patient…: her vault made by the core's one policy (the same passphrase rule
        as everywhere), then opened."""
        if self._embed is None:
            return
        try:
            passphrase = new_passphrase(self.passphrase_provider)
        except ValueError as exc:
            self._fail(str(exc))
            return
        if passphrase is None:
            return
        self.lock()
        home, embed, identity = self.settings.home, self._embed, self._identity
        lock_after = self.settings.lock_after_minutes * 60
        passphrase = passphrase or None
        job = Job(lambda: create_session(home, name, embed, identity, passphrase, lock_after))
        job.success(self._created).failure(self._create_failed).discard(lock_unused)
        self.queue.start(job)

    def _created(self, session: PatientSession) -> None:
        self._open(session)
        self.bar.select(session.patient_id)

    def _create_failed(self, exc: Exception) -> None:
        self._fail(creation_refused(exc))

    def delete_patient(self, patient_id: str) -> None:
        home = self.settings.home
        if self.session is not None and self.session.patient_id == patient_id:
            self.lock()
        job = Job(lambda: delete_vault(home, patient_id)).success(self._deleted)
        job.failure(lambda exc: self._fail(f"could not delete the patient: {describe(exc)}"))
        self.queue.start(job)

    def _deleted(self, _: object) -> None:
        self.state.setText("The patient and her records were destroyed.")
        self.refresh_patients()

    # -- importing and removing ------------------------------------------------------------
    def import_files(self, paths: list[Path]) -> None:
        session = self.session
        if session is None or session.locked or self.busy.busy:
            return
        self.touch()
        cancel = threading.Event()  # a Cancel keeps what was read, with its search
        job = Job(lambda: session.import_files(paths, cancel.is_set), cancel=cancel)
        self._run(job.success(lambda report: self._imported(session, report)), "Importing…")

    def _imported(self, session: PatientSession, report: ImportReport) -> None:
        if session is not self.session:  # locked meanwhile: nothing of hers to show
            return
        if report.documents:
            last = report.documents[-1]
            self.message.emit(f"Imported a document ({last.pages} page(s)).")
        self.show_session()
        self.profile_changed.emit()
        notes = []
        if report.cancelled:
            notes.append("Import cancelled; documents already read were kept.")
        if report.errors:
            refused = "; ".join(map(str, report.errors))  # one clause per file
            notes.append(f"Not imported: {refused}.")
            self.failed.emit(refused)
        if notes:
            self.state.setText(" ".join(notes))

    def cancel(self) -> None:
        self.busy.cancel()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.session is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        paths = record_files([Path(u.toLocalFile()) for u in urls if u.isLocalFile()])
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def remove_document(self, doc_id: str) -> None:
        session = self.session
        if session is None:
            return
        self.touch()
        self._queue(lambda: session.remove_document(doc_id), lambda _: self._changed(session))

    # -- the long jobs (unlock, import): progress and Cancel --------------------------------
    def _run(self, job: Job, note: str) -> None:
        self.busy.follow(job.failure(self._job_failed))
        self.state.setText(note)
        self.queue.start(job)
        self._update_controls()

    def _job_failed(self, exc: Exception) -> None:
        self._fail(describe(exc))

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
        profile = session.profile
        self.documents.show_documents(session.documents, profile)
        self.facts.show_profile(profile)
        conflicts = profile.conflicts()
        self.state.setText(
            f"Unlocked: {len(session.documents)} document(s), {len(profile.facts)} fact(s)"
            + (f", {len(conflicts)} field(s) with disagreeing values" if conflicts else "")
            + ". Check each fact; your corrections are kept."
        )
        self._update_controls()
        self.profile_shown.emit()

    def select_fact(self, fact_id: str) -> bool:
        return self.facts.select_fact(fact_id)

    def _on_fact_selected(self) -> None:
        self.touch()
        self._update_controls()
        session = self.session
        if session is None or session.locked:
            self.facts.evidence.clear()
            return
        self.facts.show_evidence(session.page_text)

    # -- editing ---------------------------------------------------------------------------
    def edit_fact(self, fact_id: str, action: str, value: str | None = None) -> None:
        session = self.session
        if session is None:
            return
        self.touch()
        self._queue(
            lambda: session.correct(fact_id, action, value),  # type: ignore[arg-type]
            lambda _: self._changed(session, fact_id),
        )

    def add_fact(self, field: str, value: str) -> None:
        session = self.session
        if session is None:
            return
        self._queue(lambda: session.add_fact(field, value), lambda _: self._changed(session))

    def _changed(self, session: PatientSession, fact_id: str = "") -> None:
        if session is not self.session:  # locked (or switched) since: nothing to show
            return
        self.show_session()
        if fact_id:
            self.select_fact(fact_id)
        self.profile_changed.emit()

    # -- shutdown --------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel the unlock or import under way and lock her records (on the queue, which
        the window then lets finish), and stop watching for activity."""
        self.idle_timer.stop()
        self.cancel()
        self.lock()
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
