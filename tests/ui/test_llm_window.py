"""The window with a language model: drafts stream in, Stop (button and Esc) keeps the checked
part, the real tiny model loads in its host, a host crash leaves the window working and says
so, and a refused model file falls back to quoted answers."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core.answer.model_written import Draft
from desktop.core.text import split_sentences
from desktop.generator_choice import GeneratorChoice
from desktop.settings import load_settings
from desktop.ui.main_window import MainWindow
from tests.fakes import ScriptedGenerator

QUESTION = "How do CDK4/6 inhibitors work?"


def _window(qtbot, services, opener) -> MainWindow:
    win = MainWindow(load_settings(), services_factory=lambda: iter([services]),
                     model_opener=opener)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.model.changed, timeout=30000):
        win.start()
    return win


def _faithful(services, n: int = 4) -> str:
    _, hits = services.engine._ask(QUESTION, None)
    return " ".join(f"{s.rstrip('.')} [1]." for s in split_sentences(hits[0].section.body)[:n])


def test_drafts_stream_and_esc_stops_keeping_the_checked_part(qtbot, services) -> None:
    gen = ScriptedGenerator([_faithful(services) * 4], delay=0.03)
    win = _window(qtbot, services, lambda s, m: iter([GeneratorChoice(gen, "", "scripted")]))
    try:
        assert "Scripted model" in win.model.label.text()
        drafts: list[Draft] = []
        win.answer_view.show_draft = lambda d, real=win.answer_view.show_draft: (
            drafts.append(d), real(d))
        win.ask(QUESTION)
        assert win.stop_button.isVisible()
        qtbot.waitUntil(lambda: any("[1]" in d.text for d in drafts), timeout=30000)
        assert "Written by" in win.answer_view.toPlainText()
        started = time.perf_counter()
        with qtbot.waitSignal(win.answer_ready, timeout=5000) as blocker:
            qtbot.keyClick(win.question, Qt.Key.Key_Escape)
        assert time.perf_counter() - started < 0.5
        answer = blocker.args[0]
        assert answer.stopped and answer.mode == "llm"
        assert "stopped" in win.answer_view.toPlainText().lower()
        assert not win.stop_button.isVisible()
        assert win.model.generator is gen  # still loaded for the next question
    finally:
        win.shutdown()


def test_stop_button_works_too(qtbot, services) -> None:
    gen = ScriptedGenerator([_faithful(services) * 4], delay=0.03)
    win = _window(qtbot, services, lambda s, m: iter([GeneratorChoice(gen, "", "scripted")]))
    try:
        win.ask(QUESTION)
        qtbot.waitUntil(gen.started.is_set, timeout=30000)
        with qtbot.waitSignal(win.answer_ready, timeout=5000) as blocker:
            qtbot.mouseClick(win.stop_button, Qt.MouseButton.LeftButton)
        assert blocker.args[0].stopped
    finally:
        win.shutdown()


@pytest.fixture
def tiny_opener(tiny_model: Path):
    from desktop.core.llm.local import open_local

    def opener(settings, model):
        yield GeneratorChoice(open_local(tiny_model, 2048), "", str(tiny_model))

    return opener


def test_real_tiny_model_loads_answers_and_survives_a_host_crash(
    qtbot, services, tiny_opener
) -> None:
    win = _window(qtbot, services, tiny_opener)
    try:
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
    finally:
        win.shutdown()


def test_a_refused_model_file_falls_back_with_the_reason(
    qtbot, services, bad_header_model: Path, monkeypatch
) -> None:
    monkeypatch.setenv("LANTERN_MODEL", str(bad_header_model))
    from desktop.ui.model_control import _open

    win = MainWindow(load_settings(), services_factory=lambda: iter([services]),
                     model_opener=_open)
    qtbot.addWidget(win)
    try:
        with qtbot.waitSignal(win.model.changed, timeout=30000) as changed:
            win.start()
        assert "not a GGUF" in changed.args[0] or "GGUF" in changed.args[0]
        assert "quoted from the guidelines" in changed.args[0]
        assert win.model.generator is None
        with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
            win.ask("What is DCIS?")
        assert blocker.args[0].mode == "extractive"
    finally:
        win.shutdown()
