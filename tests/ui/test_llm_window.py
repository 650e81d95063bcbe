"""The window with a language model: drafts stream in, Stop (button and Esc) keeps the checked
part, the real tiny model loads in its host, a host crash leaves the window working and says
so, and a refused model file falls back to quoted answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core.answer.model_written import Draft
from desktop.core.text import split_sentences
from desktop.generator_choice import GeneratorChoice
from desktop.ui.main_window import MainWindow
from tests.fakes import ScriptedGenerator

QUESTION = "How do CDK4/6 inhibitors work?"


def _window(qtbot, make_window, services, opener) -> MainWindow:
    win = make_window(services=services, model=opener)
    win.show()
    with qtbot.waitSignal(win.model.changed, timeout=30000):
        win.start()
    return win


def _faithful(services, n: int = 4) -> str:
    _, hits = services.engine._ask(QUESTION, None)
    return " ".join(f"{s.rstrip('.')} [1]." for s in split_sentences(hits[0].section.body)[:n])


def test_drafts_stream_and_esc_stops_keeping_the_checked_part(
    qtbot, services, make_window
) -> None:
    gen = ScriptedGenerator([_faithful(services) * 4], delay=0.03)
    win = _window(qtbot, make_window, services, lambda m: GeneratorChoice(gen, "", "scripted"))
    assert "Scripted model" in win.model.label.text()
    drafts: list[Draft] = []
    win.answer_view.show_draft = lambda d, real=win.answer_view.show_draft: (
        drafts.append(d), real(d))
    win.ask(QUESTION)
    assert win.ask_pane.stop_button.isVisible()
    qtbot.waitUntil(lambda: any("[1]" in d.text for d in drafts), timeout=30000)
    assert "Written by" in win.answer_view.toPlainText()
    started = time.perf_counter()
    with qtbot.waitSignal(win.answer_ready, timeout=5000) as blocker:
        qtbot.keyClick(win.ask_pane.question, Qt.Key.Key_Escape)
    assert time.perf_counter() - started < 0.5
    answer = blocker.args[0]
    assert answer.stopped and answer.mode == "llm"
    assert "stopped" in win.answer_view.toPlainText().lower()
    assert not win.ask_pane.stop_button.isVisible()
    assert win.model.generator is gen  # still loaded for the next question


def test_stop_button_works_too(qtbot, services, make_window) -> None:
    gen = ScriptedGenerator([_faithful(services) * 4], delay=0.03)
    win = _window(qtbot, make_window, services, lambda m: GeneratorChoice(gen, "", "scripted"))
    win.ask(QUESTION)
    qtbot.waitUntil(gen.started.is_set, timeout=30000)
    with qtbot.waitSignal(win.answer_ready, timeout=5000) as blocker:
        qtbot.mouseClick(win.ask_pane.stop_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].stopped


def test_a_new_question_replaces_the_one_being_written(qtbot, services, make_window) -> None:
    """The first answer is cancelled and its late result dropped by its own job: only the
    second question's answer reaches the window."""
    gen = ScriptedGenerator([_faithful(services) * 4, _faithful(services)], delay=0.03)
    win = _window(qtbot, make_window, services, lambda m: GeneratorChoice(gen, "", "scripted"))
    answers: list[object] = []
    win.answer_ready.connect(answers.append)
    win.ask(QUESTION)
    first = win.ask_pane.lane.current
    qtbot.waitUntil(gen.started.is_set, timeout=30000)
    with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
        win.ask("What is tamoxifen?")
    assert first is not None and first.cancelled and first.stale
    assert blocker.args[0].question == "What is tamoxifen?"
    qtbot.waitUntil(lambda: not first.running, timeout=10000)
    qtbot.wait(100)
    assert [a.question for a in answers] == ["What is tamoxifen?"]


@pytest.fixture
def tiny_opener(tiny_model: Path):
    from desktop.core.llm.local import open_local

    def opener(model):
        return GeneratorChoice(open_local(tiny_model, 2048), "", str(tiny_model))

    return opener


def test_real_tiny_model_loads_answers_and_survives_a_host_crash(
    qtbot, services, tiny_opener, make_window
) -> None:
    win = _window(qtbot, make_window, services, tiny_opener)
    assert "on this computer" in win.model.label.text()
    with qtbot.waitSignal(win.answer_ready, timeout=60000) as blocker:
        win.ask(QUESTION)
    answer = blocker.args[0]  # nonsense by design: falls back, and says so
    assert answer.mode == "extractive" and "not well enough supported" in answer.notice
    assert "not well enough supported" in win.answer_view.toPlainText()

    win.model.generator.host.kill()  # stands in for llama.cpp aborting mid-run
    with qtbot.waitSignal(win.model.crashed, timeout=60000) as crashed:
        win.ask("What is tamoxifen?")
    assert "stopped unexpectedly" in crashed.args[0]
    assert win.model.generator is None
    assert "Models" in win.model.models_button.text() and win.model.models_button.isEnabled()
    assert "stopped working" in win.answer_view.toPlainText()
    with qtbot.waitSignal(win.answer_ready, timeout=30000) as after:
        win.ask("What is tamoxifen?")  # the window goes on answering, quoting
    assert after.args[0].mode == "extractive" and after.args[0].citations


def test_a_refused_model_file_falls_back_with_the_reason(
    qtbot, services, bad_header_model: Path, monkeypatch, make_window
) -> None:
    monkeypatch.setenv("LANTERN_MODEL", str(bad_header_model))
    win = make_window(services=services)  # the model is opened as the settings say
    with qtbot.waitSignal(win.model.changed, timeout=30000) as changed:
        win.start()
    assert "not a GGUF" in changed.args[0] or "GGUF" in changed.args[0]
    assert "quoted from the guidelines" in changed.args[0]
    assert win.model.generator is None
    with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
        win.ask("What is DCIS?")
    assert blocker.args[0].mode == "extractive"


def test_switching_models_mid_answer_closes_the_old_one_off_the_gui_thread(
    qtbot, services, make_window
) -> None:
    closed_on_gui_thread: list[bool] = []

    class SlowToClose(ScriptedGenerator):
        def close(self) -> None:  # a model host taking its time to end
            closed_on_gui_thread.append(threading.current_thread() is threading.main_thread())
            time.sleep(1.0)
            super().close()

    old = SlowToClose([_faithful(services) * 4], delay=0.03)
    new = ScriptedGenerator([])
    choices = iter([GeneratorChoice(old, "", "old"), GeneratorChoice(new, "", "new")])
    win = _window(qtbot, make_window, services, lambda m: next(choices))
    win.ask(QUESTION)
    qtbot.waitUntil(old.started.is_set, timeout=30000)
    started = time.perf_counter()
    win.model.load("new")  # Models… -> Use, while the answer is being written
    assert time.perf_counter() - started < 0.5  # the window did not wait for the old host
    assert win.model.generator is None  # quoted answers until the new one is in
    qtbot.waitUntil(lambda: win.model.generator is new, timeout=10000)
    assert closed_on_gui_thread == [False] and old.closed
