"""The Ask area: the question, the answer with its numbered sources and related questions, Stop,
find in the answer, the urgent banner and disclaimer, and the progress bar and Cancel button the
window's long jobs report to.

Asking runs the answer engine's job (``AnswerEngine.stream``) on the window's runner, on one
lane: a new question replaces the one in progress, whose late result its job drops. The pane
shows the answer and says so (``answered``); keeping it in the history is the window's part."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.answer.disclaimer import DISCLAIMER
from desktop.core.progress import Progress
from desktop.ui.answer_view import AnswerView
from desktop.ui.jobs import Job, JobRunner, Lane, describe
from desktop.ui.side_panes import RelatedPane, SourcesPane

if TYPE_CHECKING:  # the answer modules load with the engine, after the window is shown
    from desktop.core.answer.engine import AnswerEngine
    from desktop.core.answer.schema import Answer
    from desktop.ui.model_control import ModelControl

# Qt.Orientation.Vertical as the int Qt's property system takes. The first use of any name in
# PySide's Qt namespace builds Python enums for all of it (12 ms, a seventh of a bare window's
# start), so the window avoids the namespace until it is on screen (bench/startup.py).
VERTICAL = 2
NO_PATIENT = "Answers use the guidelines only (no patient unlocked)."


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


def _button(text: str, name: str, visible: bool = True) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setVisible(visible)
    return button


def _label(text: str, name: str, style: str = "") -> QLabel:
    label = QLabel(text)
    label.setAccessibleName(name)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


class AskPane(QWidget):
    answered = Signal(object, object, str)  # the Answer shown, its history (chosen when
    #                                          asked), a status sentence
    failed = Signal(str)
    progress_shown = Signal(object)
    status = Signal(str)

    def __init__(
        self, runner: JobRunner, model: ModelControl, max_tokens: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner, self.model, self.max_tokens = runner, model, max_tokens
        self.engine: AnswerEngine | None = None
        self.lane = Lane()
        # what the window decides, asked at the moment of asking
        self.personal: Callable[[], Any] = lambda: None
        self.history_target: Callable[[], object] = lambda: None
        self.shown: Answer | None = None
        self._build()
        self.question.submitted.connect(self.ask_current)
        self.ask_button.clicked.connect(self.ask_current)
        self.answer_view.citation_clicked.connect(self.sources.select_citation)
        self.related.question_chosen.connect(self.ask)
        self.find_bar.returnPressed.connect(self.find_next)

    def _build(self) -> None:
        self.question = QuestionBox()
        self.ask_button = _button("Ask", "Ask")
        self.ask_button.setEnabled(False)
        self.stop_button = _button("Stop", "Stop the answer (Esc)", visible=False)
        self.cancel_button = _button("Cancel", "Cancel the running job", visible=False)
        self.add_to_visit = _button(
            "Add these questions to my visit list", "Add the care-team questions to the visit list"
        )
        self.add_to_visit.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(True)
        self.answer_view = AnswerView()
        self.patient_label = _label(NO_PATIENT, "Personalisation")
        self.urgent_banner = _label(
            "",
            "Urgent warning",
            "background: #b00020; color: white; font-weight: bold; padding: 8px; "
            "border-radius: 4px;",
        )
        self.urgent_banner.setObjectName("urgentBanner")
        self.urgent_banner.setVisible(False)
        self.disclaimer = _label(
            DISCLAIMER, "Disclaimer", "color: palette(placeholder-text); padding: 4px;"
        )
        self.disclaimer.setObjectName("disclaimer")
        self.find_bar = QLineEdit()
        self.find_bar.setAccessibleName("Find in the answer")
        self.find_bar.setPlaceholderText("Find in the answer (Enter: next, Esc: close)")
        self.find_bar.setVisible(False)
        self.sources = SourcesPane()
        self.related = RelatedPane()
        self._lay_out()

    def _lay_out(self) -> None:
        buttons = QVBoxLayout()
        buttons.addWidget(self.ask_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        ask_row.addLayout(buttons)
        left = QWidget()
        column = QVBoxLayout(left)
        column.addLayout(ask_row)
        for widget in (self.patient_label, self.cancel_button, self.urgent_banner):
            column.addWidget(widget)
        column.addWidget(self.progress)
        column.addWidget(self.find_bar)
        column.addWidget(self.answer_view, 1)
        column.addWidget(self.disclaimer)
        column.addWidget(self.add_to_visit)
        sources_box = QGroupBox("Sources")
        QVBoxLayout(sources_box).addWidget(self.sources)
        related_box = QGroupBox("Related questions")
        QVBoxLayout(related_box).addWidget(self.related)
        self.right_splitter = QSplitter()
        self.right_splitter.setProperty("orientation", VERTICAL)
        self.right_splitter.addWidget(sources_box)
        self.right_splitter.addWidget(related_box)
        self.right_splitter.setSizes([480, 300])
        self.splitter = QSplitter()  # horizontal
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right_splitter)
        self.splitter.setSizes([760, 440])
        QVBoxLayout(self).addWidget(self.splitter)
        self.layout().setContentsMargins(0, 0, 0, 0)

    # -- the engine and its progress ------------------------------------------------------
    def set_engine(self, engine: AnswerEngine) -> None:
        self.engine = engine
        self.ask_button.setEnabled(True)

    def show_progress(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)
        self.progress.setFormat(
            f"{progress.message} (%v/%m)" if progress.total else progress.message
        )
        self.status.emit(progress.message)
        self.progress_shown.emit(progress)

    def show_busy(self, text: str) -> None:
        self.progress.setRange(0, 0)
        self.progress.setFormat(text)

    def show_done(self, text: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(text)

    # -- asking ---------------------------------------------------------------------------
    def ask_current(self) -> None:
        self.ask(self.question.toPlainText())

    def ask(self, text: str) -> None:
        question = " ".join(text.split())
        engine = self.engine
        if not question or engine is None:
            return
        if self.question.toPlainText() != text:
            self.question.setPlainText(question)
        personal, generator, tokens = self.personal(), self.model.generator, self.max_tokens
        # the history of the moment of asking: an answer holding her record facts must
        # never land in the plain no-patient history if her records lock meanwhile
        target = self.history_target()
        cancel = threading.Event()  # the model's Stop: its partial answer still arrives
        job = Job(
            lambda: engine.stream(question, personal, generator, tokens, cancel),
            cancel=cancel if generator is not None else None,
        )
        if generator is not None:  # its generation ends now, not at its next token
            job.on_cancel(generator.cancel)
        started = time.perf_counter()
        job.with_progress(self._on_item)
        job.success(lambda answer: self._on_answer(answer, target, started))
        job.failure(self._on_answer_failed)
        self._runner.start(job, self.lane)  # a question in progress is replaced
        self.show_busy("Searching the guidelines…")
        self.stop_button.setVisible(True)

    def _on_item(self, item: object) -> None:
        from desktop.core.answer.model_written import Draft  # loaded by the engine by now

        if isinstance(item, Draft):
            self.answer_view.show_draft(item)
            self.progress.setFormat("Writing the answer…")
        elif isinstance(item, Progress):
            self.show_progress(item)

    def _on_answer(self, answer: Answer, target: object, started: float) -> None:
        self.stop_button.setVisible(False)
        self.show_done("Done")
        self.show_answer(answer)
        elapsed = (time.perf_counter() - started) * 1000
        sources = len(answer.citations)
        note = f"Answered from {sources} source(s) in {elapsed:.0f} ms ({answer.mode})."
        if answer.stopped:
            note = "Stopped: the part written so far is shown. " + note
        self.model.check_health()
        self.answered.emit(answer, target, note)

    def _on_answer_failed(self, exc: Exception) -> None:
        self.stop_button.setVisible(False)
        self.model.check_health()
        self.progress.setRange(0, 1)
        self.progress.setFormat("Failed")
        message = describe(exc)
        self.answer_view.show_message(f"**Sorry, that question could not be answered.** {message}")
        self.failed.emit(message)

    def show_answer(self, answer: Answer) -> None:
        self.shown = answer
        self.add_to_visit.setEnabled(bool(answer.questions_for_care_team))
        self.urgent_banner.setVisible(answer.urgent is not None)
        self.urgent_banner.setText(f"Urgent: {answer.urgent.message}" if answer.urgent else "")
        self.answer_view.show_answer(answer)
        self.sources.show_citations(answer.citations)
        self.related.show_related(answer.related_questions)

    def stop_answer(self) -> bool:
        """Stop the answer in progress; True when its model was told to stop and the part
        written so far is still to come."""
        job = self.lane.current
        if job is None:
            return False
        job.cancel()
        if job.watches_cancel:
            self.progress.setFormat("Stopping…")
            return True
        self.lane.drop()  # nothing of it is wanted now
        self.stop_button.setVisible(False)
        self.progress.setRange(0, 1)
        self.progress.setFormat("Stopped")
        self.status.emit("Stopped.")
        return False

    # -- find in the answer, text size ------------------------------------------------------
    def show_find(self) -> None:
        self.find_bar.setVisible(True)
        self.find_bar.setFocus()
        self.find_bar.selectAll()

    def close_find(self) -> bool:
        """Close the find bar if it is open (Esc); whether it was."""
        if not self.find_bar.isVisible():
            return False
        self.find_bar.setVisible(False)
        self.question.setFocus()
        return True

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
        self.status.emit("" if found else f"'{text}' is not in this answer.")
        return found

    def set_font_size(self, points: int) -> None:
        for widget in (self.answer_view, self.question, self.sources, self.related):
            font = QFont(widget.font())
            font.setPointSize(points)
            widget.setFont(font)
        self.answer_view.document().setDefaultFont(self.answer_view.font())
