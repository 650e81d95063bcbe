"""The situation-aware re-ranker: overview sections for generic questions, specialised
sections only when the question or her profile points there."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.rerank import Focus, rerank, situations


@dataclass
class Hit:
    section: GuidelineSection
    score: float


def _hit(sid: str, title: str, score: float) -> Hit:
    return Hit(GuidelineSection("p", sid, title, "Body."), score)


HITS = [
    _hit("male-breast-cancer", "Breast cancer in men", 0.050),
    _hit("metastatic-breast-cancer", "Metastatic breast cancer", 0.049),
    _hit("breast-cancer-types", "Types of breast cancer", 0.046),
    _hit("her2-positive-metastatic", "Treating HER2-positive metastatic breast cancer", 0.045),
    _hit("her2-low", "HER2-low breast cancer", 0.040),
]


def _order(focus: Focus | None) -> list[str]:
    return [h.section.id for h in rerank(HITS, focus)]


def test_situations_are_read_from_id_and_title() -> None:
    assert situations(HITS[0].section) == {"men"}
    assert situations(HITS[3].section) == {"HER2-positive", "metastatic"}
    assert situations(HITS[2].section) == frozenset()


def test_without_a_focus_the_fused_order_stands() -> None:
    assert _order(None) == [h.section.id for h in HITS]


def test_a_generic_question_gets_the_overview_first() -> None:
    order = _order(Focus(kind="definition", generic=True))
    assert order[0] == "breast-cancer-types"
    assert order.index("male-breast-cancer") > order.index("breast-cancer-types")


def test_a_question_about_men_keeps_the_mens_section_first() -> None:
    assert _order(Focus(kind="definition", asked=frozenset({"men"})))[0] == "male-breast-cancer"


def test_her_profile_holds_back_another_situation() -> None:
    """HER2-low metastatic disease: HER2-positive treatment is not cited unless asked."""
    hers = frozenset({"HER2-low", "metastatic", "women"})
    order = _order(Focus(kind="treatment_options", hers=hers))
    assert order.index("her2-low") < order.index("her2-positive-metastatic")
    assert order.index("metastatic-breast-cancer") < order.index("male-breast-cancer")
    asked = _order(Focus(kind="treatment_options", hers=hers, asked=frozenset({"HER2-positive"})))
    assert asked.index("her2-positive-metastatic") < asked.index("her2-low")
