"""Related questions offered after an answer: the main section's own related sections, then
other sections retrieval found, the patient's own topics first; never a section the answer
already cites."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from desktop.core.answer.schema import RelatedQuestion
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.text import split_sentences

MAX_RELATED = 5
PREFERRED_RELATED = 2  # related questions that may come from the patient's profile
PREVIEW_CHARS = 160


def _preview(section: GuidelineSection, limit: int = PREVIEW_CHARS) -> str:
    sentences = split_sentences(section.body)
    text = sentences[0] if sentences else section.title
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _pool(
    hits: Sequence[SectionHit],
    all_sections: dict[str, GuidelineSection],
    related_pool: Sequence[SectionHit],
    prefer: Callable[[GuidelineSection], float] | None,
) -> list[GuidelineSection]:
    pool: list[GuidelineSection] = []
    if hits:
        main = hits[0].section
        keys = [f"{main.pack_id}/{rid}" for rid in main.related]
        pool += [all_sections[k] for k in keys if k in all_sections]
    pool += [h.section for h in related_pool] + [h.section for h in hits]
    if prefer is not None:  # the patient's own topics first (up to 2), then the rest in order
        mine = [s for s in pool if prefer(s) > 0][:PREFERRED_RELATED]
        pool = mine + [s for s in pool if s not in mine]
    return pool


def related_questions(
    hits: Sequence[SectionHit],
    all_sections: dict[str, GuidelineSection],
    cited: set[str],
    related_pool: Sequence[SectionHit] = (),
    prefer: Callable[[GuidelineSection], float] | None = None,
) -> list[RelatedQuestion]:
    """Up to five questions, each the first question of a section not in ``cited`` (keys)."""
    used = set(cited)
    related: list[RelatedQuestion] = []
    for section in _pool(hits, all_sections, related_pool, prefer):
        if section.key in used or not section.questions or len(related) >= MAX_RELATED:
            continue
        used.add(section.key)
        related.append(RelatedQuestion(section.questions[0], _preview(section)))
    return related
