"""The window's language model: loaded off the GUI thread, shown in the status bar, and survived
when its host process dies (the crash is counted against the model and the user is offered
another one).

No domain logic here: the window's ``ServiceSource`` opens the model (``desktop.generator_choice``
picks it); this module only runs that on a job and turns its state into widgets and signals.
A model is closed on a job too, never on the GUI thread: closing waits for its host process,
and switching models while an answer is being written must not freeze the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop.settings import Settings
from desktop.ui.jobs import Job, JobRunner, Lane, describe

if TYPE_CHECKING:  # desktop.generator_choice pulls in the model host: imported off the GUI thread
    from desktop.core.llm.generator import TextGenerator
    from desktop.generator_choice import GeneratorChoice
    from desktop.services.source import ModelOpener


def _switch(old: TextGenerator | None, opener: ModelOpener, model: str) -> GeneratorChoice:
    """On the worker: close the model answers were written with, then open the next one."""
    if old is not None:
        old.close()
    return opener(model)


class ModelControl(QObject):
    """Owns the generator the window answers with (None: extractive answers)."""

    changed = Signal(str)  # a status sentence for the user
    crashed = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget, opener: ModelOpener) -> None:
        super().__init__(parent)
        self.settings = settings
        self.generator: TextGenerator | None = None
        self.key = ""
        self._opener = opener
        self._runner = JobRunner(self, threads=1)
        self._lane = Lane()
        self.label = QLabel("Answers are quoted from the guidelines.")
        self.label.setAccessibleName("Answer mode")
        self.models_button = QPushButton("Models…")
        self.models_button.setAccessibleName("Manage language models")
        self.models_button.clicked.connect(self.open_dialog)

    # ---- loading
    def load(self, model: str = "") -> None:
        """Open the configured (or the named) model off the GUI thread; the one in use until
        now is closed there too (answers are quoted from the guidelines meanwhile)."""
        if self.settings.answer_mode == "extractive" and not model:
            self._set(None, "", "Answers are quoted from the guidelines (extractive mode).")
            return
        old, self.generator, self.key = self.generator, None, ""
        opener = self._opener
        job = Job(lambda: _switch(old, opener, model))
        job.success(self._on_choice).failure(self._on_failed).discard(self._close_unused)
        self._runner.start(job, self._lane)  # a model still loading is not wanted now
        self.label.setText("Loading the language model…")

    @property
    def loading(self) -> bool:
        return self._lane.busy

    def _on_choice(self, choice: GeneratorChoice) -> None:
        if choice.generator is None:
            note = choice.note or "No language model is set up."
            self._set(None, "", f"{note} Answers are quoted from the guidelines.")
        else:
            self._set(
                choice.generator,
                choice.model_key,
                f"Answers are written by {choice.generator.label} and checked against "
                "their sources.",
            )

    def _on_failed(self, exc: Exception) -> None:
        self._set(
            None,
            "",
            f"The language model could not be used: {describe(exc)} "
            "Answers are quoted from the guidelines.",
        )

    def _close_unused(self, choice: GeneratorChoice) -> None:
        if choice.generator is not None:
            self._close(choice.generator)

    def _close(self, generator: TextGenerator) -> None:
        """Close ``generator`` on the worker (at shutdown: here, the runner has stopped)."""
        if self._runner.closed:
            generator.close()
        else:
            self._runner.start(Job(generator.close))

    def _set(self, generator: TextGenerator | None, key: str, text: str) -> None:
        self.generator, self.key = generator, key
        self.label.setText(text)
        self.changed.emit(text)

    # ---- after answers
    def check_health(self) -> None:
        """After an answer: a model host that died is released and counted as a crash."""
        generator = self.generator
        if generator is None or getattr(generator, "available", True):
            return
        from desktop.generator_choice import record_crash

        record_crash(self.settings, self.key)
        message = (
            f"The language model ({generator.label}) stopped unexpectedly. Lantern keeps "
            "working and quotes the guidelines; choose Models… to try again or pick another."
        )
        self._set(None, "", message)
        self._close(generator)
        self.crashed.emit(message)

    # ---- model manager
    def open_dialog(self) -> None:
        from desktop.core.models.store import ModelStore
        from desktop.ui.models_dialog import ModelsDialog

        dialog = ModelsDialog(ModelStore(self.settings.home), self.parent())
        dialog.model_chosen.connect(self._on_model_chosen)
        dialog.setModal(True)
        dialog.show()
        self._dialog = dialog

    def _on_model_chosen(self, name: str) -> None:
        self.load(name)

    def shutdown(self, timeout_ms: int) -> None:
        """Stop loading, close what is open (on this thread: the window is closing)."""
        self._runner.shutdown(timeout_ms)
        generator, self.generator = self.generator, None
        if generator is not None:
            generator.close()
