"""The main window: the Ask area (``ask_pane``) and the Records, History and Visit questions tabs
(``area_tabs``), the menus, the status bar with the language model (``model_control``), the
remembered layout, and the start and end of the window's jobs.

The window receives its services (``desktop.services.source``: built in one place) and opens
them off the GUI thread. Its jobs run on two runners (``desktop.ui.jobs``): one for answers,
guideline imports and start-up, and the records queue, which makes every change to a patient's
vault one at a time, in order."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QFileDialog, QTabWidget

from desktop.services.source import ServiceSource, standard
from desktop.settings import Settings
from desktop.ui.area_tabs import AreaTabs
from desktop.ui.ask_pane import AskPane
from desktop.ui.jobs import Job, JobRunner, describe
from desktop.ui.model_control import ModelControl

if TYPE_CHECKING:  # the answer modules load with the engine, after the window is shown
    from desktop.services.guidelines import Services

APP_NAME = "Lantern"
ICON = Path(__file__).resolve().parent / "icons" / "lantern.svg"
MIN_FONT, MAX_FONT = 8, 28


class MainWindow(AreaTabs):
    services_ready = Signal()
    progress_shown = Signal(object)
    answer_ready = Signal(object)  # an answer shown and kept in its history
    failed = Signal(str)
    imported = Signal(object)

    def __init__(self, settings: Settings, services: ServiceSource) -> None:
        super().__init__()
        self.settings, self.source = settings, services
        self.services: Services | None = None
        self.jobs = JobRunner(self, threads=4)
        self.vault_queue = JobRunner(self, threads=1)
        self._import: Job | None = None
        self._welcome = None  # the welcome dialog, kept while the window lives
        self.setWindowTitle(f"{APP_NAME} — breast cancer questions, answered privately")
        self.resize(1200, 780)
        self.model = ModelControl(settings, self, services.open_model)
        self.ask_pane = AskPane(self.jobs, self.model, settings.max_answer_tokens)
        self.answer_view = self.ask_pane.answer_view  # where the window says what went wrong
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        self.tabs.addTab(self.ask_pane, "Ask")
        self._add_area_holders()  # Records, History, Visit: built once the window is shown
        self.setCentralWidget(self.tabs)
        self._connect_ask_pane()
        self._add_menus()
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.show_find)
        QShortcut(QKeySequence("Esc"), self, activated=self.stop)
        self.apply_font_size(settings.font_size)
        self.restore_layout()
        self.statusBar().addPermanentWidget(self.model.label)
        self.statusBar().addPermanentWidget(self.model.models_button)
        self.statusBar().showMessage("Starting…")

    def _connect_ask_pane(self) -> None:
        pane = self.ask_pane
        pane.personal = self.personal_context
        pane.history_target = lambda: self.history.history
        pane.answered.connect(self.file_answer)
        pane.failed.connect(self.failed)
        pane.progress_shown.connect(self.progress_shown)
        pane.status.connect(self.statusBar().showMessage)
        pane.cancel_button.clicked.connect(self.cancel_job)
        pane.stop_button.clicked.connect(self.stop)
        pane.add_to_visit.clicked.connect(self.add_questions_to_visit)
        self.model.changed.connect(self.statusBar().showMessage)
        self.model.crashed.connect(self.statusBar().showMessage)

    def _add_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("Import guideline PDF…")
        self.import_action.setEnabled(False)
        self.import_action.triggered.connect(self.choose_guideline_pdf)
        self.models_action = file_menu.addAction("Language models…")
        self.models_action.triggered.connect(self.model.open_dialog)
        file_menu.addAction("Quit", self.close)
        view_menu = self.menuBar().addMenu("&View")
        self.larger_action = view_menu.addAction("Larger text")
        self.larger_action.setShortcuts(QKeySequence.StandardKey.ZoomIn)
        self.larger_action.triggered.connect(self.larger_text)
        self.smaller_action = view_menu.addAction("Smaller text")
        self.smaller_action.setShortcuts(QKeySequence.StandardKey.ZoomOut)
        self.smaller_action.triggered.connect(self.smaller_text)
        help_menu = self.menuBar().addMenu("&Help")
        self.welcome_action = help_menu.addAction("Welcome to Lantern…")
        self.welcome_action.triggered.connect(self.show_welcome)
        self.about_action = help_menu.addAction("About Lantern")
        self.about_action.triggered.connect(self.show_about)

    # -- start-up -------------------------------------------------------------------------
    def start(self) -> None:
        """Open the services (load the model, build or refresh the index) off the GUI thread."""
        job = Job(self.source.open_guidelines).with_progress(self.ask_pane.show_progress)
        job.success(self._on_services).failure(self._on_start_failed)
        if self.source.owned:  # opened for a window that closed first
            job.discard(lambda services: services.close())
        self.ask_pane.show_busy("Preparing the guideline index…")
        self.jobs.start(job)

    def _on_services(self, services: Services) -> None:
        self.services = services
        self.ask_pane.show_done("Ready")
        self.ask_pane.set_engine(services.engine)
        self.import_action.setEnabled(True)
        if self._records is not None:  # else the pane takes the embedder when it is built
            self._records.set_embedder(services.embedder.embed, services.embedder.identity)
        sections = sum(len(p.sections) for p in services.packs)
        note = f"Ready: {sections} guideline sections, offline."
        if services.problems:
            note += f" {len(services.problems)} pack problem(s): run 'lantern guidelines check'."
        self.statusBar().showMessage(note)
        self.ask_pane.question.setFocus()
        self.model.load()
        self.services_ready.emit()

    def show_settings_problem(self, problem: str) -> None:
        """Say in the window (not only on stderr) that the settings could not be used."""
        self.answer_view.show_message(
            f"**Lantern could not use your settings.** {problem}\n\n"
            "It is running with its default settings for now, and it did not change the file. "
            f"Correct or remove `{self.settings.settings_file}`, then start Lantern again."
        )
        self.statusBar().showMessage("Running with default settings: see the message")

    def _on_start_failed(self, exc: Exception) -> None:
        message = describe(exc)
        self.ask_pane.progress.setRange(0, 1)
        self.ask_pane.progress.setFormat("Not ready")
        self.answer_view.show_message(
            f"**Lantern could not start its answer engine.**\n\n{message}\n\n"
            "Run `lantern doctor` for a list of problems and their fixes."
        )
        self.statusBar().showMessage("Could not start: see the message")
        self.failed.emit(message)

    # -- asking (the Ask area does it; the window tells it about her records) -----------------
    def ask(self, text: str) -> None:
        self.ask_pane.ask(text)

    def personal_context(self):
        """The unlocked patient's profile and record search, or None."""
        session = self.patient_session()
        if session is None or session.locked:
            return None
        from desktop.core.answer.personal import PersonalContext

        session.touch()
        return PersonalContext(session.profile, session.index)

    def show_previous(self, answer: object) -> None:
        """Show an answer from the history again (not asked again, not stored again)."""
        from desktop.core.answer.schema import Answer

        if not isinstance(answer, Answer):
            return
        self.tabs.setCurrentWidget(self.ask_pane)
        self.ask_pane.question.setPlainText(answer.question)
        self.ask_pane.show_answer(answer)
        self.statusBar().showMessage("Showing an earlier answer from the history.")

    def add_questions_to_visit(self) -> int:
        shown = self.ask_pane.shown
        if shown is None:
            return 0
        added = self.visit.add_questions(shown.questions_for_care_team, shown.question)
        self.statusBar().showMessage(
            f"Added {added} question(s) to your visit list (tab 'Visit questions')."
            if added
            else "Those questions are already on your visit list."
        )
        return added

    # -- guideline PDF import -------------------------------------------------------------
    def choose_guideline_pdf(self) -> None:
        from desktop.ui.import_dialog import ImportDialog

        path, _ = QFileDialog.getOpenFileName(self, "Import a guideline PDF", "", "PDF (*.pdf)")
        if not path:
            return
        dialog = ImportDialog(path, self)
        if dialog.exec():
            self.import_guideline(path, *dialog.values())

    @property
    def importing(self) -> bool:
        return self._import is not None

    def import_guideline(self, path: str, title: str, source: str, year: int) -> None:
        """Import and index a PDF off the GUI thread, with progress and Cancel."""
        services = self.services
        if services is None or self._import is not None:
            return
        job = Job(lambda: services.import_guideline(Path(path), title, source, year))
        job.with_progress(self.ask_pane.show_progress).success(self._on_imported)
        job.failure(self._on_import_failed).after(self._on_import_ended)
        self._import = self.jobs.start(job)
        self.ask_pane.cancel_button.setVisible(True)
        self.import_action.setEnabled(False)
        self.ask_pane.show_busy("Importing…")
        self.tabs.setCurrentWidget(self.ask_pane)

    def _on_imported(self, doc: object) -> None:
        title = getattr(doc, "title", "document")
        pages = getattr(doc, "pages", 0)
        self.statusBar().showMessage(f"Imported {title} ({pages} pages); it is now searchable.")
        self.imported.emit(doc)

    def _on_import_failed(self, exc: Exception) -> None:
        message = describe(exc)
        self.answer_view.show_message(f"**The PDF could not be imported.** {message}")
        self.failed.emit(message)

    def _on_import_ended(self) -> None:
        job, self._import = self._import, None
        cancelled = job is not None and job.outcome == "cancelled"
        self.ask_pane.cancel_button.setVisible(False)
        self.import_action.setEnabled(True)
        self.ask_pane.show_done("Cancelled" if cancelled else "Done")
        if cancelled:
            self.statusBar().showMessage("Import cancelled; nothing was added.")

    def cancel_job(self) -> None:
        if self._import is not None:
            self._import.cancel()
            self.ask_pane.progress.setFormat("Cancelling…")
        if self._records is not None:
            self._records.cancel()

    # -- help (the welcome screen and its logic live in desktop/ui/welcome.py) -------------
    def show_welcome(self, *, first_run: bool = False):
        """Help → Welcome to Lantern…; with ``first_run``, only if never closed before."""
        from desktop.ui.welcome import open_welcome

        self._welcome = open_welcome(self, self._welcome, first_run) or self._welcome
        return self._welcome if self._welcome is not None and self._welcome.isVisible() else None

    def show_about(self) -> None:
        from desktop.ui.welcome import show_about

        show_about(self)

    # -- remembered layout (sizes only: nothing about patients goes here) ------------------
    def _layout_store(self) -> QSettings:
        return QSettings(str(self.settings.home / "window.ini"), QSettings.Format.IniFormat)

    def save_layout(self) -> None:
        store = self._layout_store()
        store.setValue("geometry", self.saveGeometry())
        store.setValue("splitter", self.ask_pane.splitter.saveState())
        store.setValue("right", self.ask_pane.right_splitter.saveState())
        store.setValue("font_size", self.font_size)
        store.sync()

    def restore_layout(self) -> None:
        store = self._layout_store()
        try:
            size = int(store.value("font_size", self.font_size))
        except (TypeError, ValueError):
            size = self.font_size
        self.apply_font_size(min(MAX_FONT, max(MIN_FONT, size)))
        for key, restore in (
            ("geometry", self.restoreGeometry),
            ("splitter", self.ask_pane.splitter.restoreState),
            ("right", self.ask_pane.right_splitter.restoreState),
        ):
            value = store.value(key)
            if value is not None:
                try:
                    restore(value)
                except TypeError:  # a damaged file: keep the defaults
                    continue

    # -- keyboard and text size ------------------------------------------------------------
    def show_find(self) -> None:
        self.tabs.setCurrentWidget(self.ask_pane)
        self.ask_pane.show_find()

    def stop(self) -> None:
        """Esc: close the find bar, else stop the running answer, import or records job."""
        if self.ask_pane.close_find() or self.ask_pane.stop_answer():
            return
        self.cancel_job()

    def larger_text(self) -> None:
        self.apply_font_size(min(MAX_FONT, self.font_size + 1))

    def smaller_text(self) -> None:
        self.apply_font_size(max(MIN_FONT, self.font_size - 1))

    def apply_font_size(self, points: int) -> None:
        self.font_size = points
        self.ask_pane.set_font_size(points)

    # -- shutdown -------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 10000) -> None:
        """End the window's jobs: answers and imports are cancelled, the changes queued for
        her vault are made and her records locked; then the model and (if the window opened
        them) the services close. Called on close and by tests; safe to call twice."""
        if self._records is not None:
            self._records.shutdown()
        self.jobs.shutdown(timeout_ms)
        self.vault_queue.wait(timeout_ms)
        self.vault_queue.shutdown(timeout_ms)
        self.model.shutdown(timeout_ms)
        if self.services is not None and self.source.owned:
            self.services.close()
        self.services = None

    def closeEvent(self, event) -> None:
        self.save_layout()
        self.shutdown()
        super().closeEvent(event)


def set_window_icon(app: QApplication) -> bool:
    """Lantern's icon for every window and the task bar; False when it cannot be drawn (no
    SVG image plugin). Loaded after the first paint: the SVG plugin costs start-up time."""
    from PySide6.QtGui import QIcon

    icon = QIcon(str(ICON))
    if icon.pixmap(32, 32).isNull():  # a missing file or no SVG plugin draws nothing
        return False
    app.setWindowIcon(icon)
    return True


def launch(settings: Settings, exit_when_shown: bool = False, settings_problem: str = "") -> int:
    """Create the application and window (with the application's services, built in
    ``desktop.services``) and run the event loop.

    ``settings_problem``: why the user's settings could not be used (the window then runs
    with the defaults and says so)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("lantern")  # the installed lantern.desktop: its icon and name
    window = MainWindow(settings, standard(settings))
    window.show()
    if settings_problem:
        window.show_settings_problem(settings_problem)
    if exit_when_shown:  # bench/startup.py times both moments

        def report() -> None:
            print("window-shown", flush=True)
            window.build_areas()
            set_window_icon(app)
            print("areas-built", flush=True)
            app.quit()

        QTimer.singleShot(0, report)
    else:
        QTimer.singleShot(0, window.build_areas)  # the other tabs, once the window is up
        QTimer.singleShot(0, lambda: set_window_icon(app))
        window.start()
        window.show_welcome(first_run=True)  # once, non-modal: start-up goes on behind it
    code = app.exec()
    window.shutdown()
    return int(code)
