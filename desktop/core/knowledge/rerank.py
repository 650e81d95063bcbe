"""Second-stage re-ranking of the fused sections: fit to the question and to the person.

Reciprocal-rank fusion ranks sections by how closely their words and meaning match. That lets a
specialised section (men, pregnancy, metastatic disease, urgent symptoms during treatment)
answer a short generic question ("what is breast cancer") because it happens to repeat its
words. The re-ranker multiplies each fused score by feature weights:

- ``profile``: with her profile, a section about a situation that contradicts hers
  (HER2-positive treatment for HER2-low disease, early-stage treatment for metastatic disease,
  men's breast cancer for a woman) is held back unless the question asks about it;
- ``situation`` (off by default, see FEATURES): a section written for one situation (read from
  its id and title) is held back unless the question or her profile points there;
- ``overview``: an overview section rises for a generic question;
- ``kind``: for a generic question, a section whose id or title fits the kind of question
  (signs, tests, outlook...) rises (tags are too broad: most sections' tags name side
  effects); a question naming its subject is left to the fused score.

``Focus`` is what the answer layer understood of the question (``answer.understand``) plus her
situations. ``bench/rerank_ablation.py`` measures each feature."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from desktop.core.knowledge.pack import GuidelineSection


class Scored(Protocol):
    """A retrieved section with its fused score (``retrieve.SectionHit``), a dataclass."""

    section: GuidelineSection
    score: float
    __dataclass_fields__: dict[str, Any]


Hit = TypeVar("Hit", bound=Scored)

OTHER_SITUATION = 0.6  # a specialised section nobody pointed to
CONTRADICTS_HER = 0.35  # a section about a situation that contradicts her profile
OVERVIEW = 1.3  # an overview section for a generic question
KIND_FIT = 1.15  # a section labelled for this kind of question
# on by default; "situation" (hold back every specialised section nobody pointed to) is
# measured by bench/rerank_ablation.py but off: it cost the retrieval benchmark MRR 0.850 ->
# 0.804, recall@5 0.966 -> 0.914 (questions about bone pain, fevers... name no situation)
FEATURES = frozenset({"overview", "kind", "profile"})
ALL_FEATURES = FEATURES | {"situation"}

# A section's situation, read from its id and title.
_SITUATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("men", re.compile(r"\b(male|men)\b")),
    ("pregnancy", re.compile(r"pregnan")),
    ("metastatic", re.compile(r"metasta|\bstage (4|iv)\b|\badvanced\b")),
    ("early", re.compile(r"\bearly\b|adjuvant")),
    ("urgent", re.compile(r"\burgent\b|when to call|emergenc|febrile|cord compression")),
    ("young", re.compile(r"\byoung\b")),
    ("older", re.compile(r"\bolder\b")),
    ("HER2-positive", re.compile(r"\bher2[- ]positive\b")),
)
# Situations that cannot both be hers.
_CONTRADICTS = {
    "HER2-positive": {"HER2-low", "HER2-negative", "triple-negative"},
    "early": {"metastatic"},
    "metastatic": {"early"},
    "men": {"women"},
    "pregnancy": {"men"},
}
_OVERVIEW = re.compile(r"overview|basics|\btypes\b|what is|introduction|\bstarts\b|about breast")
_KIND_LABELS = {
    "signs": re.compile(r"sign|symptom|lump"),
    "tests_diagnosis": re.compile(r"test|biops|imaging|mammogra|diagnos|scan|report|screen"),
    "outlook": re.compile(r"prognos|surviv|outlook|recurren|\bstag"),
    "prevention_screening": re.compile(r"risk|screen|prevent|genetic|brca|lifestyle|alcohol"),
    "side_effects": re.compile(r"side effect|\beffects\b"),
    "treatment_options": re.compile(r"treatment|therapy|surgery|\boptions\b"),
    "practical": re.compile(r"cost|work|travel|exercise|talking|caregiver|practical"),
    "distress": re.compile(r"fear|anxiety|depression|support|emotion|coping|distress"),
}
_URGENT_CUES = re.compile(
    r"\b(fever|temperature|temp|emergency|urgent|when (should|do) i call|call (the|my)|"
    r"a&e|er)\b"
)


@dataclass(frozen=True)
class Focus:
    """What retrieval should favour: the question's kind, the situations it names and hers."""

    kind: str = ""
    asked: frozenset[str] = frozenset()  # situations the question names
    hers: frozenset[str] = frozenset()  # situations her profile states (empty: no patient)
    generic: bool = False
    question: str = ""  # the folded question (for the urgent-symptom cue)
    features: frozenset[str] = field(default=FEATURES)


def situations(section: GuidelineSection) -> frozenset[str]:
    """The situations a section is written for (empty: a general section)."""
    label = f"{section.id.replace('-', ' ')} {section.title}".lower()
    return frozenset(name for name, pattern in _SITUATIONS if pattern.search(label))


def is_overview(section: GuidelineSection) -> bool:
    return bool(_OVERVIEW.search(f"{section.id.replace('-', ' ')} {section.title}".lower()))


def _kind_fits(section: GuidelineSection, kind: str) -> bool:
    pattern = _KIND_LABELS.get(kind)
    if pattern is None:
        return False
    label = f"{section.id.replace('-', ' ')} {section.title}".lower()
    return bool(pattern.search(label))


def weight(section: GuidelineSection, focus: Focus) -> float:
    """The factor a section's fused score is multiplied by for this ``focus``."""
    factor = 1.0
    own = situations(section)
    if "situation" in focus.features and own:
        pointed = focus.asked | focus.hers
        if "urgent" in own and _URGENT_CUES.search(focus.question):
            pointed = pointed | {"urgent"}
        if not own & pointed:
            factor *= OTHER_SITUATION
    if "profile" in focus.features and own:
        contradicts = any(_CONTRADICTS.get(s, set()) & focus.hers for s in own)
        if contradicts and not own & focus.asked:
            factor *= CONTRADICTS_HER
    if "overview" in focus.features and focus.generic and is_overview(section):
        factor *= OVERVIEW
    if "kind" in focus.features and focus.generic and _kind_fits(section, focus.kind):
        factor *= KIND_FIT
    return factor


def rerank(hits: Sequence[Hit], focus: Focus | None) -> list[Hit]:
    """``hits`` re-scored for ``focus``, best first (unchanged without a focus)."""
    if focus is None or not focus.features:
        return list(hits)
    out = [replace(h, score=h.score * weight(h.section, focus)) for h in hits]
    out.sort(key=lambda h: (-h.score, h.section.key))
    return out
