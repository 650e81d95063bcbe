"""Odd questions: 100 KB, control characters, right-to-left text, emoji, FTS5 syntax and more.
Each gets a normal answer (or, for an empty one, one clear sentence) from the engine, the CLI
and the window, in bounded time, and the guideline index is never changed by asking."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from desktop.core.answer.engine import QuestionError
from desktop.core.answer.schema import Answer
from tests.conftest import run_cli
from tests.hardening.conftest import folder_state, one_line

QUESTIONS = {
    "100-kb": "What is lymphedema and how is it treated after surgery? " * 1800,
    "one-100-kb-word": "lymphedema" * 10_000,
    "control-characters": "What is\x00 lymph\x07edema\x1b[31m?\x7f\x08\x01",
    "right-to-left": "ما هي الوذمة اللمفية بعد الجراحة؟",
    "rtl-override": "\u202eamedehpmyl si tahW\u202c lymphedema",
    "mixed-direction": "מה זה lymphedema אחרי ניתוח?",
    "emoji": "😟 is my arm swelling 🤔 lymphedema 🩺👩🏽‍⚕️🏳️‍🌈",
    "fts-near": '"NEAR(',
    "fts-star": "*",
    "fts-and-or": "AND OR",
    "fts-mixed": 'lymph* NEAR("arm" swelling, 2) AND OR NOT col:body ^x {a b} "',
    "punctuation-only": "?!?!...,,,;;::--((()))[[]]",
    "zero-width": "lymph\u200bedema\u200d swelling\ufeff",
    "combining-marks": "lymphedema" + "\u0301" * 2000,
    "lone-surrogate": "what is \ud800 lymphedema \udfff",
    "repeated-digits": "38.5 " * 5000 + "fever",
    "only-controls": "\x00\x01\x02\x03",
}
EMPTY = {"only-whitespace": " \t\u3000\u00a0 ", "only-line-breaks": "\n\r\n\u2028\x0b\x0c"}
ANSWER_SECONDS = 60.0  # generous: the machine is shared; a normal answer takes well under 1 s


def _check(answer: Answer) -> None:
    json.loads(answer.to_json())
    answer.to_json().encode("utf-8", "surrogatepass")
    assert answer.to_markdown().endswith(f"_{answer.disclaimer}_")


@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_engine_answers_odd_questions(mini_services, name: str) -> None:
    home = mini_services.settings.home
    before = folder_state(home)
    t0 = time.perf_counter()
    answer = mini_services.engine.ask(QUESTIONS[name])
    assert time.perf_counter() - t0 < ANSWER_SECONDS
    _check(answer)
    assert len(answer.question) <= 2000
    assert folder_state(home) == before
    assert mini_services.engine.ask("What is lymphedema?").citations  # the next one works


@pytest.mark.parametrize("name", sorted(EMPTY))
def test_empty_questions_get_one_clear_sentence(mini_services, name: str) -> None:
    with pytest.raises(QuestionError, match="the question is empty"):
        mini_services.engine.ask(EMPTY[name])


@pytest.fixture(scope="module")
def cli_mini_home(tmp_path_factory: pytest.TempPathFactory, mini_guidelines: Path):
    home = tmp_path_factory.mktemp("questions-home")
    env = {"LANTERN_GUIDELINES_DIR": str(mini_guidelines)}
    first = run_cli("ask", "What is lymphedema?", home=home, env=env)
    assert first.returncode == 0, first.stderr
    return home, env


def test_cli_batch_of_odd_questions(cli_mini_home, tmp_path: Path) -> None:
    home, env = cli_mini_home
    batch = tmp_path / "odd.txt"
    lines = [q for name, q in sorted(QUESTIONS.items()) if name != "lone-surrogate"]
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = folder_state(home)
    result = run_cli("ask", "--json", "--batch", str(batch), home=home, env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) >= len(lines) and all("answer_markdown" in o or "error" in o for o in out)
    assert folder_state(home) == before


def test_cli_question_with_bytes_that_are_not_utf8(cli_mini_home) -> None:
    """A shell can pass any bytes: the answer is printed, not an encoding error."""
    import os
    import subprocess
    import sys

    home, env = cli_mini_home
    full = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    full.update(env, LANTERN_HOME=str(home))
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "ask", b"what is \xff\xfe lymphedema?"],
        cwd=Path(__file__).resolve().parents[2], env=full, capture_output=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert b"Sources" in result.stdout


def test_cli_empty_question_is_one_line(cli_mini_home) -> None:
    home, env = cli_mini_home
    result = run_cli("ask", EMPTY["only-whitespace"], home=home, env=env)
    assert result.returncode == 1 and "the question is empty" in one_line(result.stderr)


def test_window_asks_every_odd_question(qtbot, mini_window) -> None:
    for name, question in sorted(QUESTIONS.items()):
        with qtbot.waitSignal(mini_window.answer_ready, timeout=60000) as blocker:
            mini_window.ask(question)
        assert isinstance(blocker.args[0], Answer), name
        assert mini_window.answer_view.toPlainText().strip(), name
    with qtbot.waitSignal(mini_window.answer_ready, timeout=60000) as blocker:
        mini_window.ask("What is lymphedema?")
    assert blocker.args[0].citations
