"""Long jobs off the GUI thread: one small runner on ``QThreadPool``, with per-job callbacks in
the style of Anki's ``QueryOp``.

A ``Job`` wraps a callable run on a pool thread. When the callable returns a generator (a core
job, ``desktop.core.progress``), the runner drives it with ``drive``: each item it yields
arrives as ``progressed`` and its return value as ``returned``; an exception arrives as
``errored`` (the exception itself). Callbacks are attached before the job starts::

    runner.start(Job(lambda: services.reindex()).success(done).failure(show).with_progress(bar))

**Cancel** is one mechanism, the job's ``threading.Event``. ``cancel()`` sets it (and calls the
job's ``on_cancel`` hooks, e.g. a model told to stop at once). A job that was handed its own
event (``Job(work, cancel=event)``) watches it itself and returns what it has; any other job is
closed at its next yield (the generator's own clean-up runs) and ends with ``finished`` only.

**Stale results** are dropped by the job itself: jobs started on one ``Lane`` (the answer to the
latest question) carry a generation number, and a job whose lane has moved on delivers nothing
(its ``discard`` callback gets a result that still needs closing).

**Threads.** Pool threads never touch a ``Job`` or a widget: they put (job number, outcome) in the
runner's outbox and poke it with a signal; the runner, in the GUI thread, calls the job. Jobs and
widgets are created, called and deleted in the GUI thread only. A serial runner (one thread,
jobs in the order started) is how the window serialises every change to a patient's vault."""

from __future__ import annotations

import collections
import contextlib
import itertools
import logging
import threading
import weakref
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from shiboken6 import Shiboken

from desktop.core.progress import drive

log = logging.getLogger(__name__)

PROGRESS, RETURNED, ERRORED, CANCELLED = "progress", "returned", "errored", "cancelled"

_numbers = itertools.count(1)
_runners: weakref.WeakSet[JobRunner] = weakref.WeakSet()  # for tests: what is still running
_in_flight = 0  # jobs whose work has started or is queued and not ended, over all runners
_in_flight_lock = threading.Lock()


def _count(step: int) -> None:
    global _in_flight
    with _in_flight_lock:
        _in_flight += step


def running() -> int:
    """How many jobs are queued or still working, in every runner (tests check it is 0)."""
    with _in_flight_lock:
        return _in_flight


def stop_all(timeout_ms: int = 10000) -> None:
    """Cancel every job of every runner and wait for them (tests: nothing runs on into the
    next test)."""
    for runner in list(_runners):
        if Shiboken.isValid(runner):  # a runner Qt deleted has waited for its jobs already
            runner.shutdown(timeout_ms)


def describe(exc: BaseException) -> str:
    """One short sentence for an error shown in the window."""
    text = str(exc) or type(exc).__name__
    return text if len(text) < 400 else text[:400] + "…"


class _Cancelled(Exception):
    """Raised inside the runner when a job that does not watch its event is cancelled."""


class Lane:
    """Jobs that replace one another (the answer to the latest question, the model being
    loaded): starting a job on the lane cancels the one before, whose result, should it still
    arrive, is stale."""

    def __init__(self) -> None:
        self.generation = 0
        self.current: Job | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    def drop(self) -> None:
        """Cancel the current job; nothing of it is wanted any more (the user stopped it)."""
        if self.current is not None:
            self.current.cancel()
        self.generation += 1
        self.current = None


class Job(QObject):
    """One long job and what to do with its outcome (see the module docstring)."""

    progressed = Signal(object)  # Progress, or a partial result such as a draft
    returned = Signal(object)
    errored = Signal(Exception)
    finished = Signal()  # last, however it ended (unless it was stale)

    def __init__(
        self, work: Callable[[], Any], *, cancel: threading.Event | None = None
    ) -> None:
        super().__init__()
        self._work: Callable[[], Any] | None = work
        self.watches_cancel = cancel is not None
        self.cancel_event = cancel if cancel is not None else threading.Event()
        self.running = False
        self.outcome = ""  # returned, errored or cancelled, once it ended
        self._lane: Lane | None = None
        self._generation = 0
        self._cancel_hooks: list[Callable[[], object]] = []
        self._discard: list[Callable[[Any], object]] = []

    # -- callbacks (attach before starting) -------------------------------------------------
    def success(self, fn: Callable[[Any], object]) -> Job:
        self.returned.connect(fn)
        return self

    def failure(self, fn: Callable[[Exception], object]) -> Job:
        self.errored.connect(fn)
        return self

    def with_progress(self, fn: Callable[[Any], object]) -> Job:
        self.progressed.connect(fn)
        return self

    def after(self, fn: Callable[[], object]) -> Job:
        """``fn()`` once the job is over, however it ended (not for a stale job)."""
        self.finished.connect(fn)
        return self

    def on_cancel(self, fn: Callable[[], object]) -> Job:
        """``fn()`` (GUI thread) when the job is cancelled, e.g. to stop a model at once."""
        self._cancel_hooks.append(fn)
        return self

    def discard(self, fn: Callable[[Any], object]) -> Job:
        """``fn(result)`` for a result nobody will use (stale, or the window closed first),
        e.g. a session to lock or a model to close."""
        self._discard.append(fn)
        return self

    # -- state ---------------------------------------------------------------------------
    def cancel(self) -> None:
        if self.cancel_event.is_set():
            return
        self.cancel_event.set()
        for hook in self._cancel_hooks:
            hook()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    @property
    def stale(self) -> bool:
        """A newer job started on this job's lane: its results are not wanted any more."""
        return self._lane is not None and self._lane.generation != self._generation

    def _join(self, lane: Lane) -> None:
        if lane.current is not None:
            lane.current.cancel()
        lane.generation += 1
        self._lane, self._generation, lane.current = lane, lane.generation, self

    def _take_work(self) -> Callable[[], Any]:
        work, self._work = self._work, None
        if work is None:
            raise RuntimeError("a job runs once")
        self.running = True
        return work

    def _deliver(self, kind: str, value: Any) -> None:
        """Called by the runner in the GUI thread."""
        if kind == PROGRESS:
            if not self.stale:
                self.progressed.emit(value)
            return
        self.running, self.outcome = False, kind
        stale = self.stale
        if self._lane is not None and self._lane.current is self:
            self._lane.current = None
        if stale:
            if kind == RETURNED:
                self._drop(value)
            return
        if kind == RETURNED:
            self.returned.emit(value)
        elif kind == ERRORED:
            self.errored.emit(value)
        self.finished.emit()

    def _drop(self, value: Any) -> None:
        for fn in self._discard:
            try:
                fn(value)
            except Exception:  # a clean-up must not break the next one
                log.warning("discarding a job's result failed", exc_info=True)


class JobRunner(QObject):
    """Runs jobs on a thread pool of its own, of ``threads`` threads; with one thread, one
    job at a time in the order started (a queue).

    Parent it to the widget whose jobs it runs and call ``shutdown`` before that widget goes
    (the window does, on close)."""

    _poke = Signal()

    def __init__(self, parent: QObject | None = None, *, threads: int = 4) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._jobs: dict[int, Job] = {}
        self._outbox: collections.deque[tuple[int, str, Any]] = collections.deque()
        self._closed = False
        self._poke.connect(self._drain)
        _runners.add(self)

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    @property
    def closed(self) -> bool:
        """Shut down: nothing starts any more."""
        return self._closed

    def start(self, job: Job, lane: Lane | None = None) -> Job:
        """Queue ``job``; on ``lane``, the lane's job before it is cancelled and goes stale.
        After ``shutdown`` nothing starts (the job is left cancelled, with no outcome)."""
        if self._closed:
            job.cancel()
            return job
        if lane is not None:
            job._join(lane)
        number = next(_numbers)
        self._jobs[number] = job
        work = job._take_work()
        task = _Task(number, work, job.cancel_event, job.watches_cancel, self._outbox, self._poke)
        _count(+1)
        self._pool.start(task.run)
        return job

    def cancel_all(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Wait (the GUI thread blocks) until every job of this runner ended."""
        return self._pool.waitForDone(timeout_ms)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Cancel every job, wait for them, and hand results nobody will use to their jobs'
        ``discard`` callbacks. Nothing is delivered after this."""
        self.cancel_all()
        if not self.wait(timeout_ms):
            log.warning("a job did not end within %d ms of being cancelled", timeout_ms)
        self._closed = True
        while self._outbox:
            number, kind, value = self._outbox.popleft()
            job = self._jobs.pop(number, None) if kind != PROGRESS else None
            if job is not None and kind == RETURNED:
                job._drop(value)
        for job in self._jobs.values():
            job.running = False
            if job._lane is not None and job._lane.current is job:
                job._lane.current = None
        self._jobs.clear()

    def _drain(self) -> None:
        while self._outbox and not self._closed:
            number, kind, value = self._outbox.popleft()
            job = self._jobs.get(number) if kind == PROGRESS else self._jobs.pop(number, None)
            if job is not None:
                job._deliver(kind, value)


class _Task:
    """What a pool thread runs: the work, the cancel event, and where outcomes go. No Qt
    object but the runner's signal, which is only emitted."""

    def __init__(self, number, work, event, watches_cancel, outbox, poke) -> None:
        self.number, self.work, self.event = number, work, event
        self.watches_cancel, self.outbox, self.poke = watches_cancel, outbox, poke

    def run(self) -> None:
        try:
            kind, value = self._outcome()
        finally:
            self.work = None  # what the work holds is let go here, not with the runner
            _count(-1)
        self._send(kind, value)

    def _outcome(self) -> tuple[str, Any]:
        if self.event.is_set():
            return CANCELLED, None
        try:
            result = self.work()
            if isinstance(result, Generator):
                result = self._drive(result)
        except _Cancelled:
            return CANCELLED, None
        except Exception as exc:  # every failure goes to the window, which says it
            log.debug("job failed", exc_info=True)
            return ERRORED, exc
        return RETURNED, result

    def _drive(self, job: Generator[Any, Any, Any]) -> Any:
        def on_item(item: Any) -> None:
            if self.event.is_set() and not self.watches_cancel:
                raise _Cancelled
            self._send(PROGRESS, item)

        try:
            return drive(job, on_item)
        except _Cancelled:
            job.close()  # GeneratorExit at its yield: its own clean-up runs here
            raise

    def _send(self, kind: str, value: Any) -> None:
        self.outbox.append((self.number, kind, value))
        with contextlib.suppress(RuntimeError):  # the runner is gone (never shut down)
            self.poke.emit()
