"""Extractive composition: an answer in which every sentence is quoted from a retrieved
guideline section and carries that section's citation marker ``[n]``.

Sentences are scored by embedding similarity to the question (vectors precomputed at index
time), word overlap and position (a section's first sentence is written to answer its main
question), then chosen greedily without near-duplicates and put back in reading order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.core.answer.schema import Citation, RelatedQuestion, Section
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.text import content_terms, split_sentences

DUPLICATE_SIMILARITY = 0.85
MAIN_DETAIL = 3  # detail sentences from the best section (after its key points)
OTHER_SECTIONS = 2  # other sections that may add one sentence each
SCORE_WINDOW = 0.1
PREFERRED_RELATED = 2  # related questions that may come from the patient's profile


@dataclass
class Candidate:
    rank: int  # section rank, 0 = best
    position: int  # sentence position in the section body
    text: str
    score: float
    vector: np.ndarray | None


@dataclass
class Composition:
    sections: list[Section]
    citations: list[Citation]
    related: list[RelatedQuestion]
    care_team: list[str]


SentenceVectors = Callable[[str], dict[tuple[str, int], list[float]]]


def _overlap(query_terms: set[str], sentence: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(content_terms(sentence))) / len(query_terms)


def _vector(vectors: dict[tuple[str, int], list[float]], kind: str, pos: int) -> np.ndarray | None:
    vec = vectors.get((kind, pos))
    return np.asarray(vec, dtype=np.float32) if vec is not None else None


def _candidates(
    hits: Sequence[SectionHit],
    query_vec: np.ndarray,
    query_terms: set[str],
    vectors: list[dict[tuple[str, int], list[float]]],
) -> list[Candidate]:
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        for pos, sentence in enumerate(split_sentences(hit.section.body)):
            arr = _vector(vectors[rank], "sentence", pos)
            sim = float(arr @ query_vec) if arr is not None else 0.0
            score = sim + 0.25 * _overlap(query_terms, sentence) + (0.05 if pos == 0 else 0.0)
            out.append(Candidate(rank, pos, sentence, score, arr))
    return out


def _duplicate(cand: Candidate, chosen: Sequence[Candidate]) -> bool:
    return cand.vector is not None and any(
        c.vector is not None and float(c.vector @ cand.vector) > DUPLICATE_SIMILARITY
        for c in chosen
    )


def _select(cands: list[Candidate], shown: list[Candidate], max_sentences: int) -> list[Candidate]:
    """Detail sentences: the main section's most relevant ones, then a few from the other
    sections when they score as well; no near-duplicates of what is already shown."""
    chosen: list[Candidate] = []
    main = sorted((c for c in cands if c.rank == 0), key=lambda c: -c.score)
    for cand in main:
        if len([c for c in chosen if c.rank == 0]) >= MAIN_DETAIL or len(chosen) >= max_sentences:
            break
        if not _duplicate(cand, shown + chosen):
            chosen.append(cand)
    floor = (chosen[-1].score if chosen else 0.0) - SCORE_WINDOW
    others = sorted((c for c in cands if c.rank > 0), key=lambda c: -c.score)
    used: set[int] = set()
    for cand in others:
        if len(chosen) >= max_sentences or len(used) >= OTHER_SECTIONS:
            break
        if cand.rank in used or cand.score < floor or _duplicate(cand, shown + chosen):
            continue
        chosen.append(cand)
        used.add(cand.rank)
    return sorted(chosen, key=lambda c: (c.rank, c.position))


STANDING_HEADING = "Where things stand"
CARE_TEAM_HEADING = "Questions to ask your care team"
TRIALS_LINE = (
    "U.S. National Library of Medicine: [ClinicalTrials.gov](https://clinicaltrials.gov), "
    "the public register of clinical trials (search by condition, treatment and place)"
)
_STATUS_TEXT = {
    "standard": "described in its sources as standard care",
    "investigational": (
        "investigational: it is being studied in clinical trials and is not standard care"
    ),
    "mixed": "partly standard care and partly still being studied; the detail above says which",
}


def _where_things_stand(cited: Sequence[tuple[GuidelineSection, int]]) -> str:
    """One line per cited section: its status as the pack records it (from its sources)."""
    lines = []
    for section, cid in cited:
        text = _STATUS_TEXT.get(section.status)
        if text and not section.locator:  # imported PDFs carry no status
            lines.append(f"- {section.title}: {text} [{cid}].")
    return "\n".join(lines)


def _about_trials(section: GuidelineSection) -> bool:
    labels = " ".join((section.id, section.title, *section.tags)).lower()
    return "trial" in labels or section.status == "investigational"


def _source_line(section: GuidelineSection) -> str:
    return "; ".join(f"{s.org}, {s.title} ({s.year})" for s in section.sources[:2])


def _locator(section: GuidelineSection) -> str:
    if section.locator:
        return section.locator
    return (
        f"Lantern {section.pack_id} pack, section '{section.id}' (reviewed {section.last_reviewed})"
    )


def _preview(section: GuidelineSection, limit: int = 160) -> str:
    sentences = split_sentences(section.body)
    text = sentences[0] if sentences else section.title
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


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
    """Compose an extractive answer from the retrieved ``hits`` (best first)."""
    query_vec = np.asarray(query_vector, dtype=np.float32)
    terms = set(content_terms(question_text))
    vectors = [vectors_for(h.section.key) for h in hits]
    shown: list[Candidate] = []  # the short answer: the main section's key points
    if hits:
        main = hits[0].section
        for i, point in enumerate(main.key_points):
            shown.append(
                Candidate(
                    0, -len(main.key_points) + i, point, 1.0, _vector(vectors[0], "key_point", i)
                )
            )
    detail = _select(
        _candidates(hits, query_vec, terms, vectors), shown, max(3, max_sentences - len(shown))
    )
    if hits and not shown:  # a section without key points: its lead sentence is the answer
        lead = [c for c in detail if c.rank == 0 and c.position == 0]
        shown = lead or detail[:1]
        detail = [c for c in detail if c not in shown]
    chosen = shown + detail

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
        snippet = " ".join(texts)
        citations[citation_ids[rank] - 1].snippet = (
            snippet if len(snippet) <= 300 else snippet[:299].rsplit(" ", 1)[0] + "…"
        )

    sections: list[Section] = []
    if shown:
        sections.append(Section("In short", " ".join(f"{c.text} [1]" for c in shown)))
    if detail:
        sections.append(
            Section("More detail", " ".join(f"{c.text} [{citation_ids[c.rank]}]" for c in detail))
        )

    standing = _where_things_stand(
        [(hits[r].section, citation_ids[r]) for r in sorted(citation_ids)]
    )
    if standing:
        sections.append(Section(STANDING_HEADING, standing))

    care_team: list[str] = []
    for rank in sorted(citation_ids):
        for q in hits[rank].section.care_team_questions[: 3 if rank == 0 else 1]:
            if q not in care_team:
                care_team.append(q)
    if care_team:
        sections.append(Section(CARE_TEAM_HEADING, "\n".join(f"- {q}" for q in care_team)))
    if citations:
        learn = []
        for rank in sorted(citation_ids):
            for s in hits[rank].section.sources:
                title = f"[{s.title}]({s.url})" if s.url else s.title
                line = f"- {s.org}: {title} ({s.year})"
                if line not in learn:
                    learn.append(line)
        if any(_about_trials(hits[r].section) for r in citation_ids):
            learn.append(f"- {TRIALS_LINE}")
        sections.append(Section("Where to learn more", "\n".join(learn)))

    used = {hits[r].section.key for r in citation_ids}
    related: list[RelatedQuestion] = []
    pool: list[GuidelineSection] = []
    if hits:
        pool += [
            all_sections[f"{hits[0].section.pack_id}/{rid}"]
            for rid in hits[0].section.related
            if f"{hits[0].section.pack_id}/{rid}" in all_sections
        ]
    pool += [h.section for h in related_pool] + [h.section for h in hits]
    if prefer is not None:  # the patient's own topics first (up to 2), then the rest in order
        mine = [s for s in pool if prefer(s) > 0][:PREFERRED_RELATED]
        pool = mine + [s for s in pool if s not in mine]
    for section in pool:
        if section.key in used or not section.questions or len(related) >= 5:
            continue
        used.add(section.key)
        related.append(RelatedQuestion(section.questions[0], _preview(section)))
    return Composition(sections, citations, related, care_team)


def render_markdown(sections: Sequence[Section]) -> str:
    return "\n\n".join(f"### {s.heading}\n\n{s.markdown}" for s in sections)
