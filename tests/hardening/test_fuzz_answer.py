"""Hypothesis properties of the question rules and the answer's Markdown: the urgency rules,
the cut-off detector, the query normaliser (idempotent; tests/core/test_normalise.py has the
plain-text property) and the rendering of answers (``Answer.to_markdown``, the window's
citation links and its Markdown view). No exception, bounded time on adversarial strings.

Examples per property: small for ``make test``; ``LANTERN_FUZZ_EXAMPLES=2000`` for more."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.answer.analyze import CALL_NOW, detect_truncation, detect_urgent, temperatures
from desktop.core.answer.compose import render_markdown
from desktop.core.answer.schema import Answer, Citation, Clarification, Section, Urgent
from desktop.core.knowledge.normalise import normalise
from desktop.core.knowledge.vocabulary import BRANDS, EXPANSIONS
from tests.hardening.conftest import ADVERSARIAL, LONG, fuzz_examples

SECONDS = 2.0  # one question of at most a few hundred characters
ADVERSARIAL_SECONDS = 20.0 if LONG else 5.0
VOCAB = frozenset({"metformin", "ribociclib", "lymphedema", "neutropenia", "tamoxifen"})
WORDS = (
    "I", "have", "my", "fever", "of", "38.5", "101", "°F", "°C", "temperature", "chills",
    "since", "today", "breathless", "cough", "on", "ribociclib", "Enhertu", "what", "is",
    "chest pain", "bleeding", "the", "dose", "was", "metfor", "ribocic", "lymph", "?", ".",
    "TNBC", "ER+", "chemo", "Kisqali", "mets", "HER2-low", "and", "or", "not", "thirty eight",
    *list(BRANDS)[:20], *list(EXPANSIONS)[:20],
)
question_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join),
)
FAST = settings(
    max_examples=fuzz_examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _timed(fn, *args, seconds: float = SECONDS):
    t0 = time.perf_counter()
    out = fn(*args)
    assert time.perf_counter() - t0 < seconds, f"{fn.__name__} too slow on {args[0][:60]!r}"
    return out


@FAST
@given(question_text)
def test_urgency_rules(text: str) -> None:
    urgent = _timed(detect_urgent, text)
    assert urgent is None or (isinstance(urgent, Urgent) and urgent.message.endswith(CALL_NOW))
    assert all(isinstance(t, float) for t in _timed(temperatures, text))
    assert detect_urgent(text) == urgent  # deterministic


@FAST
@given(question_text)
def test_cut_off_detector(text: str) -> None:
    found = _timed(detect_truncation, text, VOCAB)
    assert found is None or isinstance(found, Clarification)
    if text.rstrip()[-1:] in (".", "?", "!"):
        assert found is None  # a message that ends a sentence is not cut off


@FAST
@given(question_text)
def test_normaliser_is_idempotent_on_clinical_words(text: str) -> None:
    once = _timed(normalise, text).text
    assert normalise(once).text == once


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: f"{t[:12]!r}x{len(t)}")
def test_question_rules_on_adversarial_text(text: str) -> None:
    _timed(detect_urgent, text, seconds=ADVERSARIAL_SECONDS)
    _timed(detect_truncation, text, VOCAB, seconds=ADVERSARIAL_SECONDS)
    once = _timed(normalise, text, seconds=ADVERSARIAL_SECONDS).text
    assert normalise(once).text == once


# -- the answer as Markdown -------------------------------------------------------------------
markdownish = st.one_of(
    st.text(max_size=200),
    st.lists(
        st.sampled_from(["[1]", "[2]", "[12]", "[x]", "](", "**", "_", "`", "#", "\\", "<b>",
                         "[a](http://x)", "[[1]]", "\n", "> ", "- ", "|", "word", " "]),
        max_size=60,
    ).map("".join),
)


@st.composite
def answers(draw) -> Answer:
    n = draw(st.integers(0, 4))
    citations = [
        Citation(i + 1, "guideline", draw(markdownish), draw(markdownish), draw(markdownish), "")
        for i in range(n)
    ]
    count = draw(st.integers(0, 3))
    sections = [Section(draw(markdownish), draw(markdownish)) for _ in range(count)]
    urgent = draw(st.none() | st.builds(Urgent, markdownish, markdownish))
    suggestions = st.lists(markdownish, max_size=3)
    reason = st.sampled_from(["truncated", "ambiguous", "out_of_scope"])
    clar = draw(st.none() | st.builds(Clarification, reason, markdownish, suggestions))
    return Answer(
        question=draw(markdownish),
        answer_markdown=render_markdown(sections),
        sections=sections,
        citations=citations,
        clarification=clar,
        urgent=urgent,
        notice=draw(markdownish),
    )


@FAST
@given(answers())
def test_answer_markdown(answer: Answer) -> None:
    md = _timed(Answer.to_markdown, answer)
    assert md.endswith(f"_{answer.disclaimer}_")
    for c in answer.citations:
        assert f"[{c.id}] {c.title} ({c.source}; {c.locator})" in md
    if answer.urgent:
        assert md.startswith("**Urgent:**")


@FAST
@given(markdownish)
def test_citation_links_are_idempotent(text: str) -> None:
    from desktop.ui.answer_view import link_markers

    once = _timed(link_markers, text)
    assert link_markers(once) == once


def test_adjacent_citation_markers_are_all_links() -> None:
    """Found by fuzzing: "[1][2]" used to link only [1]."""
    from desktop.ui.answer_view import link_markers

    assert link_markers("Tamoxifen is a pill [1][2][3].").count("(cite:") == 3
    assert link_markers("See [the table][1] and [2](https://example.org).").count("cite:") == 0


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: f"{t[:12]!r}x{len(t)}")
def test_citation_links_on_adversarial_text(text: str) -> None:
    from desktop.ui.answer_view import link_markers

    _timed(link_markers, text, seconds=ADVERSARIAL_SECONDS)


@settings(max_examples=fuzz_examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(answers())
def test_window_renders_any_answer(qtbot, answer: Answer) -> None:
    from desktop.ui.answer_view import AnswerView

    view = AnswerView()
    qtbot.addWidget(view)
    t0 = time.perf_counter()
    view.show_answer(answer)
    assert time.perf_counter() - t0 < SECONDS * 5
    if not answer.answer_markdown.strip("#\n ") and not answer.notice.strip():
        return  # only empty headings (the engine never writes one): nothing to show
    assert view.toPlainText().strip()  # something is shown ("No answer was found" at least)


def test_a_notice_with_angle_brackets_does_not_hide_the_answer(qtbot) -> None:
    """Found by fuzzing: a notice "<A>" was read as an HTML tag that hid the answer."""
    from desktop.ui.answer_view import AnswerView

    view = AnswerView()
    qtbot.addWidget(view)
    view.show_answer(
        Answer(question="q", answer_markdown="ER <1% is <b>negative</b>.", notice="<A>")
    )
    shown = view.toPlainText()
    assert "<A>" in shown and "ER <1% is <b>negative</b>." in shown
