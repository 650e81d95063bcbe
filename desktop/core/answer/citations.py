"""Citations of an extractive answer: one per quoted section, numbered in section rank order,
with the section's sources, where it is and a snippet of what was quoted from it."""

from __future__ import annotations

from collections.abc import Sequence

from desktop.core.answer.schema import Citation
from desktop.core.answer.selection import Candidate
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit

SNIPPET_CHARS = 300


def _source_line(section: GuidelineSection) -> str:
    return "; ".join(f"{s.org}, {s.title} ({s.year})" for s in section.sources[:2])


def _locator(section: GuidelineSection) -> str:
    if section.locator:
        return section.locator
    return (
        f"Lantern {section.pack_id} pack, section '{section.id}' (reviewed {section.last_reviewed})"
    )


def _snippet(texts: Sequence[str]) -> str:
    snippet = " ".join(texts)
    if len(snippet) <= SNIPPET_CHARS:
        return snippet
    return snippet[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"


def cite(
    hits: Sequence[SectionHit], chosen: Sequence[Candidate]
) -> tuple[dict[int, int], list[Citation]]:
    """(section rank -> citation number, the citations) for the sentences ``chosen``."""
    citation_ids: dict[int, int] = {}
    citations: list[Citation] = []
    quoted: dict[int, list[str]] = {}
    for cand in sorted(chosen, key=lambda c: c.rank):
        if cand.rank not in citation_ids:
            section = hits[cand.rank].section
            citation_ids[cand.rank] = len(citations) + 1
            citations.append(
                Citation(
                    id=citation_ids[cand.rank],
                    kind="guideline",
                    title=section.title,
                    source=_source_line(section),
                    locator=_locator(section),
                    snippet="",
                )
            )
        quoted.setdefault(cand.rank, []).append(cand.text)
    for rank, texts in quoted.items():
        citations[citation_ids[rank] - 1].snippet = _snippet(texts)
    return citation_ids, citations
