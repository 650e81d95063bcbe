"""The composer's rules, on sections and sentence vectors made here: the first sentence is the
one that answers the question (wherever it is), a sentence that leans on the one before it is
quoted with it or not at all, nothing is repeated, and a definition is short."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from desktop.core.answer.selection import select_sentences
from desktop.core.answer.sentence_fit import depends_on_previous
from desktop.core.knowledge.pack import GuidelineSection

DIM = 8


def _unit(i: int, j: int | None = None, w: float = 0.3) -> list[float]:
    v = np.zeros(DIM)
    v[i] = 1.0
    if j is not None:
        v[j] = w
    return list(v / np.linalg.norm(v))


@dataclass
class Hit:
    section: GuidelineSection
    score: float = 1.0
    passages: list[str] = field(default_factory=list)


def _setup(sections: list[tuple[GuidelineSection, dict]]):
    hits = [Hit(s) for s, _ in sections]
    vectors = {s.key: v for s, v in sections}
    return hits, vectors.__getitem__


def test_the_lead_answers_the_question_from_a_lower_section() -> None:
    top = GuidelineSection(
        "p", "top", "Top", "Alpha is common. Beta is rare.", key_points=("Alpha in short.",)
    )
    other = GuidelineSection("p", "other", "Other", "Gamma answers the question. Delta too.")
    hits, vectors = _setup([
        (top, {("key_point", 0): _unit(0), ("sentence", 0): _unit(1), ("sentence", 1): _unit(2)}),
        (other, {("sentence", 0): _unit(3), ("sentence", 1): _unit(4)}),
    ])
    short, _ = select_sentences("gamma", _unit(3), hits, vectors, 6)
    assert short[0].text == "Gamma answers the question."


def test_a_leaning_sentence_comes_with_its_predecessor_or_not_at_all() -> None:
    section = GuidelineSection(
        "p", "s", "S",
        "Drug A and drug B are given together. The combination lowers the risk. "
        "Unrelated fact here. This only makes sense after something else.",
    )
    hits, vectors = _setup([(section, {
        ("sentence", 0): _unit(0),
        ("sentence", 1): _unit(1),  # what the question asks
        ("sentence", 2): _unit(2),
        ("sentence", 3): _unit(1, 0),
    })])
    short, detail = select_sentences("combination risk", _unit(1), hits, vectors, 6)
    texts = [c.text for c in short + detail]
    pair = ["Drug A and drug B are given together.", "The combination lowers the risk."]
    assert texts[:2] == pair
    if "This only makes sense after something else." in texts:
        at = texts.index("This only makes sense after something else.")
        assert texts[at - 1] == "Unrelated fact here."


def test_no_sentence_is_repeated() -> None:
    a = GuidelineSection("p", "a", "A", "Scans are not routine after treatment. Other point.")
    b = GuidelineSection("p", "b", "B", "Scans are not routine after treatment! Third point.")
    hits, vectors = _setup([
        (a, {("sentence", 0): _unit(0), ("sentence", 1): _unit(1)}),
        (b, {("sentence", 0): _unit(0, 5, 0.01), ("sentence", 1): _unit(2)}),
    ])
    short, detail = select_sentences("scans routine", _unit(0), hits, vectors, 6)
    texts = [c.text.rstrip(".!") for c in short + detail]
    assert len(texts) == len(set(texts))


def test_a_definition_is_short() -> None:
    facts = ["apples", "boats", "clouds", "doors", "eagles", "forests", "glass", "hills"]
    sections = []
    for part in (0, 1):
        chosen = facts[part * 4 : part * 4 + 4]
        body = " ".join(f"The topic involves {f} {i}." for i, f in enumerate(chosen))
        vecs = {("sentence", i): _unit(0, part * 4 + i % 4 + 1 if part == 0 else 5 + i % 3, 1.0)
                for i in range(4)}
        sections.append((GuidelineSection("p", f"d{part}", "D", body), vecs))
    hits, vectors = _setup(sections)
    short, detail = select_sentences("topic", _unit(0), hits, vectors, 8, kind="definition")
    assert 1 <= len(short + detail) <= 4
    long_short, long_detail = select_sentences("topic", _unit(0), hits, vectors, 8, kind="")
    assert len(long_short + long_detail) > len(short + detail)


def test_leaning_openers() -> None:
    assert depends_on_previous("This means the drug works.")
    assert depends_on_previous("The combination is for HER2-positive cancer.")
    assert depends_on_previous("Studies found that these tests did not help.")
    assert not depends_on_previous("Tamoxifen blocks estrogen.")
