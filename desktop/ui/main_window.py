"""The main window: question and answer on the left, sources and related questions on the
right, in a QSplitter. Services open (and the index builds) off the GUI thread."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QSettings, QThread, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.core.answer.disclaimer import DISCLAIMER
from desktop.core.progress import Progress
from desktop.settings import Settings
from desktop.ui import worker as workers
from desktop.ui.answer_view import AnswerView
from desktop.ui.area_tabs import AreaTabs
from desktop.ui.model_control import ModelControl
from desktop.ui.side_panes import RelatedPane, SourcesPane

if TYPE_CHECKING:  # the answer modules load with the engine, after the window is shown
    from desktop.core.answer.schema import Answer

APP_NAME = "Lantern"
ICON = Path(__file__).resolve().parent / "icons" / "lantern.svg"
MIN_FONT, MAX_FONT = 8, 28
# Qt.Orientation.Vertical as the int Qt's property system takes. The first use of any name in
# PySide's Qt namespace builds Python enums for all of it (12 ms, a seventh of a bare window's
# start), so the window avoids the namespace until it is on screen (bench/startup.py).
VERTICAL = 2


class QuestionBox(QPlainTextEdit):
    """Question input: Enter asks, Shift+Enter adds a line."""

    submitted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("questionBox")
        self.setAccessibleName("Question")
        self.setPlaceholderText("Ask a question about breast cancer, e.g. What is HER2-low?")
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        qt = QtCore.Qt
        if event.key() in (qt.Key.Key_Return, qt.Key.Key_Enter) and not (
            event.modifiers() & qt.KeyboardModifier.ShiftModifier
        ):
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class MainWindow(AreaTabs):
    services_ready = Signal()
    progress_shown = Signal(object)
    answer_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, settings: Settings, services_factory=None, model_opener=None) -> None:
        super().__init__()
        self.settings = settings
        self.services = None
        self._services_factory = services_factory
        self._owns_services = services_factory is None
        self._answer_worker: workers.GeneratorWorker | None = None
        self._answer_cancel = threading.Event()
        self._threads: list[QThread] = []
        self.setWindowTitle(f"{APP_NAME} — breast cancer questions, answered privately")
        self.resize(1200, 780)

        self.question = QuestionBox()
        self.ask_button = QPushButton("Ask")
        self.ask_button.setAccessibleName("Ask")
        self.ask_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.answer_view = AnswerView()
        self.urgent_banner = QLabel()
        self.urgent_banner.setObjectName("urgentBanner")
        self.urgent_banner.setAccessibleName("Urgent warning")
        self.urgent_banner.setWordWrap(True)
        self.urgent_banner.setStyleSheet(
            "background: #b00020; color: white; font-weight: bold; padding: 8px; "
            "border-radius: 4px;"
        )
        self.urgent_banner.setVisible(False)
        self.disclaimer = QLabel(DISCLAIMER)
        self.disclaimer.setObjectName("disclaimer")
        self.disclaimer.setWordWrap(True)
        self.disclaimer.setAccessibleName("Disclaimer")
        self.disclaimer.setStyleSheet("color: palette(placeholder-text); padding: 4px;")
        self.sources = SourcesPane()
        self.related = RelatedPane()

        self.stop_button = QPushButton("Stop")
        self.stop_button.setAccessibleName("Stop the answer (Esc)")
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.stop)
        buttons = QVBoxLayout()
        buttons.addWidget(self.ask_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        ask_row.addLayout(buttons)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addLayout(ask_row)
        left_layout.addWidget(self.urgent_banner)
        left_layout.addWidget(self.progress)
        left_layout.addWidget(self.answer_view, 1)
        left_layout.addWidget(self.disclaimer)

        sources_box = QGroupBox("Sources")
        QVBoxLayout(sources_box).addWidget(self.sources)
        related_box = QGroupBox("Related questions")
        QVBoxLayout(related_box).addWidget(self.related)
        right = QSplitter()
        right.setProperty("orientation", VERTICAL)
        right.addWidget(sources_box)
        right.addWidget(related_box)
        right.setSizes([480, 300])
        self.right_splitter = right

        self.splitter = QSplitter()  # horizontal
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([760, 440])
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Areas")
        self.tabs.addTab(self.splitter, "Ask")
        self._add_area_holders()  # Records, History, Visit: built once the window is shown
        self.add_to_visit = QPushButton("Add these questions to my visit list")
        self.add_to_visit.setAccessibleName("Add the care-team questions to the visit list")
        self.add_to_visit.setEnabled(False)
        self.add_to_visit.clicked.connect(self.add_questions_to_visit)
        left_layout.addWidget(self.add_to_visit)
        self._shown: Answer | None = None
        self._history_target: object | None = None  # set when a question is asked
        self.find_bar = QLineEdit()
        self.find_bar.setAccessibleName("Find in the answer")
        self.find_bar.setPlaceholderText("Find in the answer (Enter: next, Esc: close)")
        self.find_bar.setVisible(False)
        self.find_bar.returnPressed.connect(self.find_next)
        left_layout.insertWidget(left_layout.indexOf(self.answer_view), self.find_bar)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.show_find)
        QShortcut(QKeySequence("Esc"), self, activated=self.stop)
        self.apply_font_size(settings.font_size)
        self.restore_layout()
        self.patient_label = QLabel("Answers use the guidelines only (no patient unlocked).")
        self.patient_label.setAccessibleName("Personalisation")
        self.patient_label.setWordWrap(True)
        left_layout.insertWidget(1, self.patient_label)
        self.setCentralWidget(self.tabs)

        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the running job")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_job)
        left_layout.insertWidget(2, self.cancel_button)
        self._job: workers.GeneratorWorker | None = None
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = file_menu.addAction("Import guideline PDF…")
        self.import_action.setEnabled(False)
        self.import_action.triggered.connect(self.choose_guideline_pdf)
        self.model = ModelControl(settings, self, model_opener)
        self.model.changed.connect(self.statusBar().showMessage)
        self.model.crashed.connect(self._on_model_crashed)
        self.statusBar().addPermanentWidget(self.model.label)
        self.statusBar().addPermanentWidget(self.model.models_button)
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
        self._welcome = None  # the welcome dialog, kept while the window lives
        self.welcome_action = help_menu.addAction("Welcome to Lantern…")
        self.welcome_action.triggered.connect(self.show_welcome)
        self.about_action = help_menu.addAction("About Lantern")
        self.about_action.triggered.connect(self.show_about)

        self.question.submitted.connect(self.ask_current)
        self.ask_button.clicked.connect(self.ask_current)
        self.answer_view.citation_clicked.connect(self.sources.select_citation)
        self.related.question_chosen.connect(self.ask)
        self.statusBar().showMessage("Starting…")

    # -- start-up -------------------------------------------------------------------------
    def start(self) -> None:
        """Open the services (load the model, build or refresh the index) off the GUI thread."""
        from desktop.services import open_services

        factory = self._services_factory or (lambda: open_services(self.settings))
        job = workers.GeneratorWorker(factory)
        job.progressed.connect(self._on_progress)
        job.produced.connect(self._on_services)
        job.failed.connect(self._on_start_failed)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Preparing the guideline index…")
        self._threads.append(workers.start(job))

    def _on_progress(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)
        self.progress.setFormat(
            f"{progress.message} (%v/%m)" if progress.total else progress.message
        )
        self.statusBar().showMessage(progress.message)
        self.progress_shown.emit(progress)

    def _on_services(self, services: object) -> None:
        from desktop.services import Services

        if not isinstance(services, Services):
            return
        self.services = services
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("Ready")
        self.ask_button.setEnabled(True)
        self.import_action.setEnabled(True)
        if self._records is not None:  # else the pane takes the embedder when it is built
            self._records.set_embedder(services.embedder.embed, services.embedder.identity)
        sections = sum(len(p.sections) for p in services.packs)
        note = f"Ready: {sections} guideline sections, offline."
        if services.problems:
            note += f" {len(services.problems)} pack problem(s): run 'lantern guidelines check'."
        self.statusBar().showMessage(note)
        self.question.setFocus()
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

    def _on_start_failed(self, message: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setFormat("Not ready")
        self.answer_view.show_message(
            f"**Lantern could not start its answer engine.**\n\n{message}\n\n"
            "Run `lantern doctor` for a list of problems and their fixes."
        )
        self.statusBar().showMessage("Could not start: see the message")
        self.failed.emit(message)

    # -- asking ---------------------------------------------------------------------------
    def ask_current(self) -> None:
        self.ask(self.question.toPlainText())

    def ask(self, text: str) -> None:
        question = " ".join(text.split())
        if not question or self.services is None:
            return
        if self.question.toPlainText() != text:
            self.question.setPlainText(question)
        if self._answer_worker is not None:
            self._answer_worker.cancel()  # a new question replaces the one in progress
        engine = self.services.engine
        personal = self.personal_context()
        generator, tokens = self.model.generator, self.settings.max_answer_tokens
        if generator is not None and self._answer_worker is not None:
            self._answer_cancel.set()
            generator.cancel()  # the old question's generation ends now, not at its next token
        cancel = self._answer_cancel = threading.Event()
        job = workers.GeneratorWorker(
            lambda: engine.stream(question, personal, generator, tokens, cancel)
        )
        self._answer_worker = job
        job.progressed.connect(self._on_progress)
        # bound methods of this window, so Qt queues the calls onto the GUI thread
        job.produced.connect(self._on_answer)
        job.failed.connect(self._on_answer_failed)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Searching the guidelines…")
        self.stop_button.setVisible(True)
        self._started = time.perf_counter()
        # the history of the moment of asking: an answer holding her record facts must
        # never land in the plain no-patient history if her records lock meanwhile
        self._history_target = self.history.history
        self._threads = [t for t in self._threads if workers.running(t)]
        self._threads.append(workers.start(job))

    def _on_answer(self, item: object) -> None:
        if self.sender() is not self._answer_worker:
            return
        from desktop.core.answer.model_written import Draft  # loaded by the engine by now
        from desktop.core.answer.schema import Answer

        if isinstance(item, Draft):
            self.answer_view.show_draft(item)
            self.progress.setFormat("Writing the answer…")
            return
        if not isinstance(item, Answer):
            return
        self._answer_worker = None
        self.stop_button.setVisible(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("Done")
        self._show(item)
        elapsed = (time.perf_counter() - self._started) * 1000
        note = f"Answered from {len(item.citations)} source(s) in {elapsed:.0f} ms ({item.mode})."
        if item.stopped:
            note = "Stopped: the part written so far is shown. " + note
        self.model.check_health()
        try:
            self._history_target.add(item)  # a locked vault raises: not saved anywhere else
            self.history.refresh()
        except Exception:  # a locked vault or a full disk must not lose the shown answer
            note += " It was not saved to the history (records locked, or a write failed)."
        self.statusBar().showMessage(note)
        self.answer_ready.emit(item)

    def _show(self, item: Answer) -> None:
        self._shown = item
        self.add_to_visit.setEnabled(bool(item.questions_for_care_team))
        self.urgent_banner.setVisible(item.urgent is not None)
        self.urgent_banner.setText(f"Urgent: {item.urgent.message}" if item.urgent else "")
        self.answer_view.show_answer(item)
        self.sources.show_citations(item.citations)
        self.related.show_related(item.related_questions)

    def _on_answer_failed(self, message: str) -> None:
        if self.sender() is not self._answer_worker:
            return
        self._answer_worker = None
        self.stop_button.setVisible(False)
        self.model.check_health()
        self.progress.setRange(0, 1)
        self.progress.setFormat("Failed")
        self.answer_view.show_message(f"**Sorry, that question could not be answered.** {message}")
        self.failed.emit(message)

    def _on_model_crashed(self, message: str) -> None:
        self.statusBar().showMessage(message)

    # -- guideline PDF import -------------------------------------------------------------
    imported = Signal(object)

    def choose_guideline_pdf(self) -> None:
        from desktop.ui.import_dialog import ImportDialog

        path, _ = QFileDialog.getOpenFileName(self, "Import a guideline PDF", "", "PDF (*.pdf)")
        if not path:
            return
        dialog = ImportDialog(path, self)
        if dialog.exec():
            self.import_guideline(path, *dialog.values())

    def import_guideline(self, path: str, title: str, source: str, year: int) -> None:
        """Import and index a PDF off the GUI thread, with progress and Cancel."""
        if self.services is None or self._job is not None:
            return

        services = self.services
        job = workers.GeneratorWorker(
            lambda: services.import_guideline(Path(path), title, source, year)
        )
        self._job = job
        job.progressed.connect(self._on_progress)
        job.produced.connect(self._on_imported)
        job.failed.connect(self._on_import_failed)
        job.finished.connect(self._on_job_done)
        job.failed.connect(self._on_job_done)
        self.cancel_button.setVisible(True)
        self.import_action.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat("Importing…")
        self.tabs.setCurrentWidget(self.splitter)
        self._threads = [t for t in self._threads if workers.running(t)]
        self._threads.append(workers.start(job))

    def cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.progress.setFormat("Cancelling…")
        if self._records is not None:
            self._records.cancel()

    # -- records ---------------------------------------------------------------------------
    def _on_patient_changed(self, session: object) -> None:
        from desktop.core.answer.history import VaultHistory
        from desktop.core.records.session import PatientSession

        if not isinstance(session, PatientSession) or session.locked:
            self.patient_label.setText("Answers use the guidelines only (no patient unlocked).")
            self._default_history()
            self._load_visit_list(None)
            return
        if self.visit.model.items and not session.vault.get(self.VISIT_BLOB):
            self._save_visit_list()  # questions gathered before unlocking join her list
        self._load_visit_list(session)
        name = session.display_name
        self.patient_label.setText(
            f"Answers are personalised with {name}'s records (shown under 'For you')."
        )
        if not isinstance(self.history.history, VaultHistory) or (
            self.history.history.vault is not session.vault
        ):
            self.history.set_history(
                VaultHistory(session.vault), f"Kept encrypted in {name}'s records."
            )

    def _default_history(self) -> None:
        from desktop.core.answer.history import FileHistory, MemoryHistory

        if self.settings.keep_history_without_patient:
            self.history.set_history(
                FileHistory(self.settings.home / "history.jsonl"),
                "Kept on this computer (you turned history on; no patient unlocked).",
            )
        else:
            self.history.set_history(
                MemoryHistory(), "Kept for this session only (no patient unlocked)."
            )

    # -- visit questions -------------------------------------------------------------------
    VISIT_BLOB = "visit/list"

    def add_questions_to_visit(self) -> int:
        if self._shown is None:
            return 0
        added = self.visit.add_questions(self._shown.questions_for_care_team, self._shown.question)
        self.statusBar().showMessage(
            f"Added {added} question(s) to your visit list (tab 'Visit questions')."
            if added
            else "Those questions are already on your visit list."
        )
        return added

    def _save_visit_list(self) -> None:
        """With a patient unlocked the list is kept encrypted in her vault; else for now."""
        session = self.patient_session()
        if session is None or session.locked:
            return
        try:
            session.vault.put(self.VISIT_BLOB, self.visit.model.to_json())
        except Exception as exc:  # never lose the on-screen list over a storage problem
            self.statusBar().showMessage(f"The visit list was not saved: {exc}")

    def _load_visit_list(self, session) -> None:
        from desktop.core.answer.visit_prep import VisitList

        model = VisitList([])
        if session is not None:
            raw = session.vault.get(self.VISIT_BLOB)
            if raw:
                try:
                    model = VisitList.from_json(raw)
                except ValueError as exc:
                    self.statusBar().showMessage(str(exc))
        self.visit.load(model)
        self.visit.set_profile_summary(session.profile.summary() if session else None)

    def show_previous(self, answer: object) -> None:
        """Show an answer from the history again (not asked again, not stored again)."""
        from desktop.core.answer.schema import Answer

        if not isinstance(answer, Answer):
            return
        self.tabs.setCurrentWidget(self.splitter)
        self.question.setPlainText(answer.question)
        self._show(answer)
        self.statusBar().showMessage("Showing an earlier answer from the history.")

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
        store.setValue("splitter", self.splitter.saveState())
        store.setValue("right", self.right_splitter.saveState())
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
            ("splitter", self.splitter.restoreState),
            ("right", self.right_splitter.restoreState),
        ):
            value = store.value(key)
            if value is not None:
                try:
                    restore(value)
                except TypeError:  # a damaged file: keep the defaults
                    continue

    # -- keyboard --------------------------------------------------------------------------
    def show_find(self) -> None:
        self.tabs.setCurrentWidget(self.splitter)
        self.find_bar.setVisible(True)
        self.find_bar.setFocus()
        self.find_bar.selectAll()

    def find_next(self) -> bool:
        """Select the next match in the answer (wrapping once to the top)."""
        text = self.find_bar.text()
        if not text:
            return False
        found = self.answer_view.find(text)
        if not found:
            cursor = self.answer_view.textCursor()
            cursor.movePosition(cursor.MoveOperation.Start)
            self.answer_view.setTextCursor(cursor)
            found = self.answer_view.find(text)
        self.statusBar().showMessage("" if found else f"'{text}' is not in this answer.")
        return found

    def stop(self) -> None:
        """Esc: close the find bar, else stop the running answer or import."""
        if self.find_bar.isVisible():
            self.find_bar.setVisible(False)
            self.question.setFocus()
            return
        if self._answer_worker is not None:
            self._answer_cancel.set()
            if self.model.stop():  # the model stops now; its partial answer still arrives
                self.progress.setFormat("Stopping…")
                return
            self._answer_worker.cancel()
            self._answer_worker = None
            self.stop_button.setVisible(False)
            self.progress.setRange(0, 1)
            self.progress.setFormat("Stopped")
            self.statusBar().showMessage("Stopped.")
        self.cancel_job()

    def larger_text(self) -> None:
        self.apply_font_size(min(MAX_FONT, self.font_size + 1))

    def smaller_text(self) -> None:
        self.apply_font_size(max(MIN_FONT, self.font_size - 1))

    def apply_font_size(self, points: int) -> None:
        self.font_size = points
        for widget in (self.answer_view, self.question, self.sources, self.related):
            font = QFont(widget.font())
            font.setPointSize(points)
            widget.setFont(font)
        self.answer_view.document().setDefaultFont(self.answer_view.font())

    def personal_context(self):
        """The unlocked patient's profile and record search, or None."""
        session = self.patient_session()
        if session is None or session.locked:
            return None
        from desktop.core.answer.personal import PersonalContext

        session.touch()
        return PersonalContext(session.profile, session.index)

    def _on_imported(self, doc: object) -> None:
        title = getattr(doc, "title", "document")
        pages = getattr(doc, "pages", 0)
        self.statusBar().showMessage(f"Imported {title} ({pages} pages); it is now searchable.")
        self.imported.emit(doc)

    def _on_import_failed(self, message: str) -> None:
        self.answer_view.show_message(f"**The PDF could not be imported.** {message}")
        self.failed.emit(message)

    def _on_job_done(self, *_: object) -> None:
        cancelled = self._job is not None and self._job.cancelled
        self._job = None
        self.cancel_button.setVisible(False)
        self.import_action.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat("Cancelled" if cancelled else "Done")
        if cancelled:
            self.statusBar().showMessage("Import cancelled; nothing was added.")

    # -- shutdown -------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel running jobs and wait for their threads (called on close and by tests)."""
        if self._records is not None:
            self._records.shutdown(timeout_ms)
        if self._answer_worker is not None:
            self._answer_worker.cancel()
            self.model.stop()
        if self._job is not None:
            self._job.cancel()
        workers.stop(self._threads, timeout_ms)
        self.model.shutdown(timeout_ms)
        if self.services is not None and self._owns_services:
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
    """Create the application and window and run the event loop.

    ``settings_problem``: why the user's settings could not be used (the window then runs
    with the defaults and says so)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("lantern")  # the installed lantern.desktop: its icon and name
    window = MainWindow(settings)
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
