"""The window's Records, History and Visit questions tabs, built after the window is shown.

The window shows its Ask area first and builds these three panes on the next turn of the event
loop (or at once, when code or a click needs one sooner). Their modules pull in the vault,
the record search and the print support, which cost about twice the time of a bare Qt window;
building them after the first paint keeps the time to window shown close to a bare one
(``bench/startup.py`` measures both moments)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMainWindow, QTabWidget, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.settings import Settings
    from desktop.ui.history_pane import HistoryPane
    from desktop.ui.records_pane import RecordsPane
    from desktop.ui.visit_prep import VisitPrepPane

RECORDS, HISTORY, VISIT = "Records", "History", "Visit questions"


class AreaTabs(QMainWindow):
    """Mixin for the main window: the tab holders and the panes built into them on demand.

    The window provides ``settings``, ``tabs``, ``services`` and the slots connected here."""

    settings: Settings
    tabs: QTabWidget

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

            pane = self._records = RecordsPane(self.settings)
            self._place(RECORDS, pane)
            pane.message.connect(self.statusBar().showMessage)
            pane.session_changed.connect(self._on_patient_changed)
            pane.failed.connect(self.failed)
            services = self.services
            if services is not None:
                pane.set_embedder(services.embedder.embed, services.embedder.identity)
        return self._records

    @property
    def history(self) -> HistoryPane:
        if self._history is None:
            from desktop.ui.history_pane import HistoryPane

            pane = self._history = HistoryPane()
            self._place(HISTORY, pane)
            pane.reopen.connect(self.show_previous)
            self._default_history()
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

    def patient_session(self) -> object | None:
        """The records pane's session, without building the pane to ask."""
        return None if self._records is None else self._records.session
