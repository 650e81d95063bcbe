"""The one worker (desktop.ui.jobs): results, errors and progress of core jobs arrive in the GUI
thread; cancel closes a job at its next yield (its clean-up runs) unless it watches its own
event; a stale job drops its result itself; a queue runs jobs one at a time in order; and a
job left running is what the suite's no_thread_left_behind fixture reports."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QObject

from desktop.core.progress import Job as CoreJob
from desktop.core.progress import Progress
from desktop.ui import jobs
from desktop.ui.jobs import Job, JobRunner, Lane


@pytest.fixture
def runner(qtbot):
    owner = QObject()
    made = JobRunner(owner)
    yield made
    made.shutdown()


def counting(n: int, gate: threading.Event | None = None) -> CoreJob[int]:
    for i in range(n):
        if gate is not None:
            gate.wait(10)
        yield Progress(i + 1, n, f"step {i + 1}")
    return n * 10


def test_progress_then_the_return_value_in_the_gui_thread(qtbot, runner) -> None:
    seen: list[tuple[object, bool]] = []
    main = threading.main_thread()
    job = Job(lambda: counting(3))
    job.with_progress(lambda p: seen.append((p.done, threading.current_thread() is main)))
    with qtbot.waitSignal(job.returned, timeout=10000) as blocker:
        runner.start(job)
    assert blocker.args == [30]
    assert seen == [(1, True), (2, True), (3, True)]
    assert job.outcome == jobs.RETURNED and not job.running


def test_a_plain_function_is_a_job_too_and_errors_arrive_as_exceptions(qtbot, runner) -> None:
    with qtbot.waitSignal(runner.start(Job(lambda: "done")).returned) as done:
        pass
    assert done.args == ["done"]

    def fails() -> None:
        raise ValueError("the file is damaged")

    failed = Job(fails)
    with qtbot.waitSignal(failed.errored, timeout=10000) as blocker:
        runner.start(failed)
    (exc,) = blocker.args
    assert isinstance(exc, ValueError) and str(exc) == "the file is damaged"
    assert jobs.describe(exc) == "the file is damaged"


def test_cancel_closes_the_job_at_its_next_yield(qtbot, runner) -> None:
    gate, cleaned = threading.Event(), threading.Event()

    def work() -> CoreJob[str]:
        try:
            yield Progress(0, 2, "started")
            gate.wait(10)
            yield Progress(1, 2, "half")
            return "finished"
        finally:
            cleaned.set()

    job = Job(work)
    returned: list[object] = []
    job.success(returned.append)
    with qtbot.waitSignal(job.progressed, timeout=10000):
        runner.start(job)
    with qtbot.waitSignal(job.finished, timeout=10000):
        job.cancel()
        gate.set()
    assert cleaned.is_set() and returned == [] and job.outcome == jobs.CANCELLED


def test_a_job_watching_its_event_returns_what_it_has(qtbot, runner) -> None:
    event = threading.Event()

    def work() -> CoreJob[int]:
        done = 0
        while not event.is_set() and done < 1000:
            done += 1
            yield Progress(done, 0, "")
            time.sleep(0.005)
        return done

    job = Job(work, cancel=event)
    with qtbot.waitSignal(job.progressed, timeout=10000):
        runner.start(job)
    with qtbot.waitSignal(job.returned, timeout=10000) as blocker:
        job.cancel()
    assert 0 < blocker.args[0] < 1000  # the partial result, not nothing


def test_a_newer_job_on_the_lane_makes_the_older_one_drop_its_result(qtbot, runner) -> None:
    lane, started, gate = Lane(), threading.Event(), threading.Event()

    def old_work() -> CoreJob[int]:
        started.set()
        return (yield from counting(1, gate))

    old = Job(old_work, cancel=threading.Event())  # it would still return, when cancelled
    dropped: list[object] = []
    old.discard(dropped.append)
    delivered: list[object] = []
    old.success(delivered.append).with_progress(delivered.append)
    old.after(lambda: delivered.append("end"))
    runner.start(old, lane)
    assert started.wait(10)
    new = Job(lambda: counting(1))
    with qtbot.waitSignal(new.returned, timeout=10000):
        runner.start(new, lane)
    assert old.cancelled and old.stale and not new.stale
    gate.set()
    qtbot.waitUntil(lambda: not old.running, timeout=10000)
    assert delivered == [] and dropped == [10]  # nothing reached the window; handed back
    assert lane.current is None


def test_a_queue_runs_one_job_at_a_time_in_order(qtbot) -> None:
    owner = QObject()
    queue = JobRunner(owner, threads=1)
    order: list[str] = []
    inside = threading.Lock()

    def step(name: str) -> str:
        assert inside.acquire(blocking=False), "two jobs at once"
        try:
            time.sleep(0.02)
            order.append(name)
        finally:
            inside.release()
        return name

    last = None
    for name in "abcde":
        last = queue.start(Job(lambda name=name: step(name)))
    with qtbot.waitSignal(last.returned, timeout=10000):
        pass
    assert order == list("abcde")
    queue.shutdown()


def test_shutdown_waits_and_hands_unused_results_back(qtbot) -> None:
    owner = QObject()
    queue = JobRunner(owner, threads=1)
    started, gate = threading.Event(), threading.Event()
    handed_back: list[object] = []

    def first_work() -> str:
        started.set()
        gate.wait(10)
        return "first"

    first = Job(first_work).discard(handed_back.append)
    second = Job(lambda: "second").discard(handed_back.append)
    queue.start(first)
    queue.start(second)
    assert started.wait(10)
    threading.Timer(0.2, gate.set).start()
    queue.shutdown(10000)  # cancels what has not started, waits for the rest
    assert jobs.running() == 0
    assert handed_back == ["first"] and second.cancelled
    late = queue.start(Job(lambda: "late"))
    assert late.cancelled and not late.running  # nothing starts after shutdown


def test_a_job_left_running_is_seen_and_stopped(qtbot) -> None:
    """What tests/conftest.py's no_thread_left_behind relies on."""
    owner = QObject()
    runner = JobRunner(owner)
    gate = threading.Event()
    runner.start(Job(lambda: counting(50, gate)))
    assert jobs.running() == 1
    gate.set()  # let it step; stop_all closes it at its next yield
    jobs.stop_all(10000)
    assert jobs.running() == 0
