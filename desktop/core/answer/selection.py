"""Which guideline sentences an extractive answer quotes.

The short answer is the best section's key points (or, for a section without key points, its
lead sentence). Detail sentences are scored by embedding similarity to the question (vectors
precomputed at index time), word overlap and position (a section's first sentence is written to
answer its main question), then chosen greedily without near-duplicates and put back in reading
order: a few from the best section, then at most one from each of a few other sections that
score as well."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.text import content_terms, split_sentences

DUPLICATE_SIMILARITY = 0.85
MAIN_DETAIL = 3  # detail sentences from the best section (after its key points)
OTHER_SECTIONS = 2  # other sections that may add one sentence each
SCORE_WINDOW = 0.1

SentenceVectors = Callable[[str], dict[tuple[str, int], list[float]]]


@dataclass
class Candidate:
    rank: int  # section rank, 0 = best
    position: int  # sentence position in the section body (key points before it: negative)
    text: str
    score: float
    vector: np.ndarray | None


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


def _main_detail(
    cands: list[Candidate], shown: list[Candidate], max_sentences: int
) -> list[Candidate]:
    """The best section's most relevant sentences, up to MAIN_DETAIL."""
    chosen: list[Candidate] = []
    for cand in sorted((c for c in cands if c.rank == 0), key=lambda c: -c.score):
        if len(chosen) >= MAIN_DETAIL or len(chosen) >= max_sentences:
            break
        if not _duplicate(cand, shown + chosen):
            chosen.append(cand)
    return chosen


def _other_detail(
    cands: list[Candidate], shown: list[Candidate], room: int, floor: float
) -> list[Candidate]:
    """At most one sentence from each of OTHER_SECTIONS other sections, scoring ``floor`` or
    more."""
    chosen: list[Candidate] = []
    used: set[int] = set()
    for cand in sorted((c for c in cands if c.rank > 0), key=lambda c: -c.score):
        if len(chosen) >= room or len(used) >= OTHER_SECTIONS:
            break
        if cand.rank in used or cand.score < floor or _duplicate(cand, shown + chosen):
            continue
        chosen.append(cand)
        used.add(cand.rank)
    return chosen


def _select(cands: list[Candidate], shown: list[Candidate], max_sentences: int) -> list[Candidate]:
    """Detail sentences: the main section's most relevant ones, then a few from the other
    sections when they score as well; no near-duplicates of what is already shown."""
    chosen = _main_detail(cands, shown, max_sentences)
    floor = (chosen[-1].score if chosen else 0.0) - SCORE_WINDOW
    chosen += _other_detail(cands, shown + chosen, max_sentences - len(chosen), floor)
    return sorted(chosen, key=lambda c: (c.rank, c.position))


def _key_points(
    hits: Sequence[SectionHit], vectors: dict[tuple[str, int], list[float]]
) -> list[Candidate]:
    """The best section's key points, as candidates placed before its body."""
    if not hits:
        return []
    points = hits[0].section.key_points
    return [
        Candidate(0, -len(points) + i, point, 1.0, _vector(vectors, "key_point", i))
        for i, point in enumerate(points)
    ]


def select_sentences(
    question_text: str,
    query_vector: Sequence[float],
    hits: Sequence[SectionHit],
    vectors_for: SentenceVectors,
    max_sentences: int,
) -> tuple[list[Candidate], list[Candidate]]:
    """(the short answer, the detail sentences) quoted from ``hits`` (best first)."""
    query_vec = np.asarray(query_vector, dtype=np.float32)
    terms = set(content_terms(question_text))
    vectors = [vectors_for(h.section.key) for h in hits]
    shown = _key_points(hits, vectors[0] if vectors else {})
    detail = _select(
        _candidates(hits, query_vec, terms, vectors), shown, max(3, max_sentences - len(shown))
    )
    if hits and not shown:  # a section without key points: its lead sentence is the answer
        lead = [c for c in detail if c.rank == 0 and c.position == 0]
        shown = lead or detail[:1]
        detail = [c for c in detail if c not in shown]
    return shown, detail
