"""Scope by meaning, questions in another language, cut-off messages and the urgent signs that
the outside questions showed were missed or wrongly raised."""

from __future__ import annotations

import pytest

from desktop.core.answer.analyze import detect_truncation, detect_urgent
from desktop.core.answer.language import other_language
from desktop.core.answer.off_topic import off_topic
from desktop.core.packdata.packs import installed
from desktop.core.text import fold


@pytest.mark.parametrize(
    "question",
    ["How do I treat my dog's arthritis?", "Should my cat be spayed to prevent tumours?",
     "How often should I have a PSA test for my prostate?"],
)
def test_outside_by_meaning(question: str) -> None:
    assert off_topic(fold(question), installed()) is not None


@pytest.mark.parametrize(
    "question",
    ["Can men get breast cancer?", "Does a biopsy hurt?", "Is lymphoedema treatable?"],
)
def test_inside_by_meaning(question: str) -> None:
    assert off_topic(fold(question), installed()) is None


def test_another_language_gets_a_kind_reply_in_it_and_in_english() -> None:
    reply = other_language("¿Cuáles son los efectos secundarios de la quimioterapia?")
    assert reply is not None and reply.reason == "language"
    assert "inglés" in reply.message and "English" in reply.message
    assert other_language("What are the side effects of chemotherapy?") is None


@pytest.mark.parametrize(
    "question",
    ["I'm worried about having chemo and radiation...", "My oncologist said the scan showed…",
     "Is it safe to go swimming with", "I want to ask about"],
)
def test_cut_off(question: str) -> None:
    found = detect_truncation(question, set())
    assert found is not None and found.reason == "truncated"


@pytest.mark.parametrize(
    "question", ["What can I get help with", "Who should I talk to", "What is it used for"]
)
def test_a_wh_question_may_end_on_a_preposition(question: str) -> None:
    assert detect_truncation(question, set()) is None


@pytest.mark.parametrize(
    "question",
    ["And would you phone with a temp of 37.8?",
     "Fluid has been seeping through the dressing on my seroma since this morning",
     "My breast is hot, red and lumpy since yesterday"],
)
def test_flagged(question: str) -> None:
    assert detect_urgent(question) is not None


@pytest.mark.parametrize(
    "question",
    ["I'm confused... do clear margins mean no radiation?",
     "I am due to start chemo and my biggest fear is nausea and vomiting",
     "I sometimes feel a stabbing pain in my chest and worry"],
)
def test_not_flagged(question: str) -> None:
    assert detect_urgent(question) is None
