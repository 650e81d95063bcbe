"""One worker pattern for long jobs: a core generator run on a QThread.

Items the generator yields are emitted as ``progressed`` (Progress objects) or ``produced``
(anything else); ``finished`` or ``failed`` ends the run. A cancel flag is checked between
items. Widgets are never touched from the worker thread: they receive signals only."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot
from shiboken6 import Shiboken

from desktop.core.progress import Progress

log = logging.getLogger(__name__)

_ACTIVE: set[QThread] = set()


def running(thread: QThread) -> bool:
    """Whether a worker thread is still running (False once Qt has deleted it)."""
    try:
        return thread.isRunning()
    except RuntimeError:  # deleted by deleteLater: it finished
        return False


def active_threads() -> list[QThread]:
    """Worker threads still running (tests assert none are left behind)."""
    return [t for t in list(_ACTIVE) if running(t)]


def stop(threads: list[QThread], timeout_ms: int) -> None:
    """Ask each still-running thread to quit and wait for it; empties the list."""
    for thread in threads:
        if running(thread):
            thread.quit()
            thread.wait(timeout_ms)
    threads.clear()


class GeneratorWorker(QObject):
    progressed = Signal(object)
    produced = Signal(object)
    finished = Signal()
    failed = Signal(str)

    def __init__(self, factory: Callable[[], Iterator[Any]]) -> None:
        super().__init__()
        self._factory = factory
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @Slot()
    def run(self) -> None:
        try:
            generator = self._factory()
            for item in generator:
                if self._cancelled:
                    close = getattr(generator, "close", None)
                    if close:
                        close()
                    break
                if isinstance(item, Progress):
                    self.progressed.emit(item)
                else:
                    self.produced.emit(item)
        except Exception as exc:  # report any failure to the window instead of dying
            log.debug("worker failed", exc_info=True)
            self._go_home()
            self.failed.emit(_message(exc))
        else:
            self._go_home()
            self.finished.emit()

    def _go_home(self) -> None:
        """Hand this object back to the GUI thread before the run ends, so that Qt deletes it
        there. Deleted on the ending worker thread, its destructor waits for the GIL while
        holding Qt's connection lock, and the GUI thread (holding the GIL) can wait for that
        lock in any connect(), as a busy progress bar's paint does: the window froze."""
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())


def _message(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 400 else text[:400] + "…"


def start(worker: GeneratorWorker, parent: QObject | None = None) -> QThread:
    """Run ``worker`` on a new QThread that quits and cleans up when the worker ends."""
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    worker.failed.connect(thread.quit)
    # No Python callable is connected to ``thread.finished``: Qt emits it from the ending
    # thread while holding a connection lock, and a Python slot there waits for the GIL
    # while the GUI thread (holding the GIL) may wait for that lock in connect(): a deadlock.
    # Qt deletes thread and worker (deleteLater below); the Python wrappers are kept until
    # then, so Python never deletes a QThread or worker that is still winding down (that
    # crashed the test run with a bus error). Wrappers whose C++ object is gone are pruned.
    for old in [t for t in _ACTIVE if not Shiboken.isValid(t)]:
        _ACTIVE.discard(old)
    thread.finished.connect(worker.deleteLater)
    thread.finished.connect(thread.deleteLater)
    worker.setParent(None)
    thread._worker = worker  # keep the Python wrapper alive as long as the thread
    _ACTIVE.add(thread)
    thread.start()
    return thread
