"""Extractive composition: an answer in which every sentence is quoted from a retrieved
guideline section and carries that section's citation marker ``[n]``.

``compose`` puts together what its parts hold: which sentences are quoted
(``answer.selection``), the citations (``answer.citations``), the answer's sections
(``answer.sections``) and the related questions offered after it (``answer.related``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop.core.answer.citations import cite
from desktop.core.answer.related import related_questions
from desktop.core.answer.schema import Citation, RelatedQuestion, Section
from desktop.core.answer.sections import CARE_TEAM_HEADING, answer_sections, render_markdown
from desktop.core.answer.selection import SentenceVectors, select_sentences
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit

__all__ = ["CARE_TEAM_HEADING", "Composition", "compose", "render_markdown"]


@dataclass
class Composition:
    sections: list[Section]
    citations: list[Citation]
    related: list[RelatedQuestion]
    care_team: list[str]


def compose(
    question_text: str,
    query_vector: Sequence[float],
    hits: Sequence[SectionHit],
    vectors_for: SentenceVectors,
    all_sections: dict[str, GuidelineSection],
    max_sentences: int = 6,
    related_pool: Sequence[SectionHit] = (),
    prefer: Callable[[GuidelineSection], float] | None = None,
) -> Composition:
    """Compose an extractive answer from the retrieved ``hits`` (best first); ``prefer``
    (the patient's profile) puts her own topics first among the related questions."""
    shown, detail = select_sentences(question_text, query_vector, hits, vectors_for, max_sentences)
    citation_ids, citations = cite(hits, shown + detail)
    sections, care_team = answer_sections(hits, shown, detail, citation_ids)
    cited = {hits[r].section.key for r in citation_ids}
    related = related_questions(hits, all_sections, cited, related_pool, prefer)
    return Composition(sections, citations, related, care_team)
