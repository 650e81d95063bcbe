"""The window's language model: loaded off the GUI thread, shown in the status bar, stopped on
request, and survived when its host process dies (the crash is counted against the model and
the user is offered another one).

No domain logic here: ``desktop.generator_choice`` picks and opens the generator; this module only
runs it on the one worker pattern and turns its state into widgets and signals."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from desktop.core.progress import Progress
from desktop.settings import Settings
from desktop.ui import worker as workers

if TYPE_CHECKING:  # desktop.generator_choice pulls in the model host: imported off the GUI thread
    from desktop.generator_choice import GeneratorChoice

Opener = Callable[[Settings, str], Iterator["Progress | GeneratorChoice"]]


def _open(settings: Settings, model: str) -> Iterator[Progress | GeneratorChoice]:
    from desktop.generator_choice import open_generator

    yield Progress(0, 0, "Loading the language model")
    yield open_generator(settings, None, model)


class ModelControl(QObject):
    """Owns the generator the window answers with (None: extractive answers)."""

    changed = Signal(str)  # a status sentence for the user
    crashed = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget, opener: Opener | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.generator = None
        self.key = ""
        self._opener = opener or _open
        self._threads: list[QThread] = []
        self._job: workers.GeneratorWorker | None = None
        self.label = QLabel("Answers are quoted from the guidelines.")
        self.label.setAccessibleName("Answer mode")
        self.models_button = QPushButton("Models…")
        self.models_button.setAccessibleName("Manage language models")
        self.models_button.clicked.connect(self.open_dialog)

    # ---- loading
    def load(self, model: str = "") -> None:
        """Open the configured (or the named) model off the GUI thread."""
        if self.settings.answer_mode == "extractive" and not model:
            self._set(None, "", "Answers are quoted from the guidelines (extractive mode).")
            return
        self.release()
        job = workers.GeneratorWorker(lambda: self._opener(self.settings, model))
        job.produced.connect(self._on_choice)
        job.failed.connect(self._on_failed)
        self._job = job
        self.label.setText("Loading the language model…")
        self._threads = [t for t in self._threads if workers.running(t)]
        self._threads.append(workers.start(job))

    @property
    def loading(self) -> bool:
        return self._job is not None

    def _on_choice(self, choice: object) -> None:
        from desktop.generator_choice import GeneratorChoice

        if self.sender() is not self._job or not isinstance(choice, GeneratorChoice):
            return
        self._job = None
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

    def _on_failed(self, message: str) -> None:
        if self.sender() is not self._job:
            return
        self._job = None
        self._set(
            None,
            "",
            f"The language model could not be used: {message} "
            "Answers are quoted from the guidelines.",
        )

    def _set(self, generator, key: str, text: str) -> None:
        self.generator, self.key = generator, key
        self.label.setText(text)
        self.changed.emit(text)

    # ---- during and after answers
    def stop(self) -> bool:
        """Stop the running generation (returns whether there was a model to stop)."""
        if self.generator is None:
            return False
        self.generator.cancel()
        return True

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
        self.release()
        self._set(None, "", message)
        self.crashed.emit(message)

    def release(self) -> None:
        generator, self.generator = self.generator, None
        if generator is not None:
            generator.close()

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
        if self._job is not None:
            self._job.cancel()
        workers.stop(self._threads, timeout_ms)
        self.release()
