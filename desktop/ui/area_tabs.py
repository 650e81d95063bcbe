"""The window's Records, History and Visit questions tabs, built after the window is shown, and
what follows when a patient's records unlock or lock.

The window shows its Ask area first and builds these three panes on the next turn of the event
loop (or at once, when code or a click needs one sooner). Their modules pull in the vault,
the record search and the print support, which cost about twice the time of a bare Qt window;
building them after the first paint keeps the time to window shown close to a bare one
(``bench/startup.py`` measures both moments).

When her records unlock or lock, the core decides which history answers are kept in
(``history.history_for``) and which visit list is shown (``visit_prep.list_after_unlock``);
this module only asks. Writes to her vault (history entries, her visit list) go through the
window's records queue, like every other change to it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

from desktop.ui.jobs import Job, describe

if TYPE_CHECKING:
    from desktop.core.answer.schema import Answer
    from desktop.core.records.session import PatientSession
    from desktop.settings import Settings
    from desktop.ui.ask_pane import AskPane
    from desktop.ui.history_pane import HistoryPane
    from desktop.ui.jobs import JobRunner
    from desktop.ui.records_pane import RecordsPane
    from desktop.ui.visit_prep import VisitPrepPane

RECORDS, HISTORY, VISIT = "Records", "History", "Visit questions"
NOT_FILED = " It was not saved to the history (records locked, or a write failed)."


class AreaTabs(QMainWindow):
    """Mixin for the main window: the tab holders and the panes built into them on demand.

    The window provides ``settings``, ``tabs``, ``services``, ``ask_pane``, ``vault_queue``
    and the slots connected here."""

    settings: Settings
    tabs: QTabWidget
    ask_pane: AskPane
    vault_queue: JobRunner

    def _add_area_holders(self) -> None:
        self._records: RecordsPane | None = None
        self._history: HistoryPane | None = None
        self._visit: VisitPrepPane | None = None
        self._holders: dict[str, QWidget] = {}
        for title in (RECORDS, HISTORY, VISIT):
            holder = QWidget()
            holder.setAccessibleName(title)
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._holders[title] = holder
            self.tabs.addTab(holder, title)
        self.tabs.currentChanged.connect(self._on_tab_shown)

    def _place(self, title: str, pane: QWidget) -> None:
        layout = self._holders[title].layout()
        assert layout is not None
        layout.addWidget(pane)

    def _on_tab_shown(self, _index: int) -> None:
        self.build_areas()

    def build_areas(self) -> None:
        """Build every pane not built yet (called once the window is on screen)."""
        _ = self.records, self.history, self.visit

    @property
    def areas_built(self) -> bool:
        return None not in (self._records, self._history, self._visit)

    @property
    def records(self) -> RecordsPane:
        if self._records is None:
            from desktop.ui.records_pane import RecordsPane

            pane = self._records = RecordsPane(self.settings, self.vault_queue)
            self._place(RECORDS, pane)
            pane.message.connect(self.statusBar().showMessage)
            pane.session_changed.connect(self._on_patient_changed)
            pane.profile_changed.connect(self._on_profile_changed)
            pane.failed.connect(self.failed)
            services = self.services
            if services is not None:
                pane.set_embedder(services.embedder.embed, services.embedder.identity)
        return self._records

    @property
    def history(self) -> HistoryPane:
        if self._history is None:
            from desktop.ui.history_pane import HistoryPane

            pane = self._history = HistoryPane(self.vault_queue)
            self._place(HISTORY, pane)
            pane.reopen.connect(self.show_previous)
            self._choose_history(None)
        return self._history

    @property
    def visit(self) -> VisitPrepPane:
        if self._visit is None:
            from desktop.ui.visit_prep import VisitPrepPane

            pane = self._visit = VisitPrepPane()
            self._place(VISIT, pane)
            self.addAction(pane.print_action)  # Ctrl+P prints the visit list
            pane.changed.connect(self._save_visit_list)
        return self._visit

    def patient_session(self) -> PatientSession | None:
        """The records pane's session, without building the pane to ask."""
        return None if self._records is None else self._records.session

    # -- her records unlocked or locked ----------------------------------------------------
    def _on_patient_changed(self, session: PatientSession | None) -> None:
        from desktop.ui.ask_pane import NO_PATIENT

        if session is None or session.locked:
            self.ask_pane.patient_label.setText(NO_PATIENT)
            self._choose_history(None)
            self._show_visit_list(None)
            return
        self._show_visit_list(session)
        self.ask_pane.patient_label.setText(
            f"Answers are personalised with {session.display_name}'s records "
            "(shown under 'For you')."
        )
        self._choose_history(session)

    def _on_profile_changed(self) -> None:
        session = self.patient_session()
        if session is not None and not session.locked:
            self.visit.set_profile_summary(session.profile.summary())

    def _choose_history(self, session: PatientSession | None) -> None:
        from desktop.core.answer.history import history_for

        choice = history_for(
            session.vault if session is not None else None,
            session.display_name if session is not None else "",
            self.settings.home,
            self.settings.keep_history_without_patient,
        )
        self.history.set_history(choice.store, choice.where)

    def file_answer(self, answer: Answer, target: object, note: str) -> None:
        """Keep an answer shown in the history chosen when it was asked (her vault's, maybe:
        on the records queue), then say so (``answer_ready``)."""
        job = Job(lambda: target.add(answer))  # type: ignore[attr-defined]
        job.success(lambda _: self._filed(answer, note))
        job.failure(lambda _: self._filed(answer, note + NOT_FILED))
        self.vault_queue.start(job)

    def _filed(self, answer: Answer, note: str) -> None:
        self.history.refresh()
        self.statusBar().showMessage(note)
        self.answer_ready.emit(answer)

    # -- her visit list ---------------------------------------------------------------------
    def _show_visit_list(self, session: PatientSession | None) -> None:
        from desktop.core.answer.visit_prep import VisitList, list_after_unlock, stored_list

        if session is None:  # her list went with her records
            self.visit.load(VisitList([]))
            self.visit.set_profile_summary(None)
            return
        try:
            stored = stored_list(session.vault)
        except ValueError as exc:
            self.statusBar().showMessage(str(exc))
            stored = VisitList([])
        shown, store = list_after_unlock(stored, self.visit.model)
        self.visit.load(shown)
        if store:  # the questions gathered before unlocking join her records
            self._save_visit_list()
        self.visit.set_profile_summary(session.profile.summary())

    def _save_visit_list(self) -> None:
        """With a patient unlocked the list is kept encrypted in her vault; else for now."""
        from desktop.core.answer.visit_prep import store_list

        session = self.patient_session()
        if session is None or session.locked:
            return
        vault, data = session.vault, self.visit.model.to_json()
        job = Job(lambda: store_list(vault, data))
        job.failure(self._visit_list_not_saved)
        self.vault_queue.start(job)

    def _visit_list_not_saved(self, exc: Exception) -> None:
        # the on-screen list stays: a storage problem is said, never lost silently
        self.statusBar().showMessage(f"The visit list was not saved: {describe(exc)}")
