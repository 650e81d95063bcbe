"""Which guideline sentences an extractive answer quotes, and in what order.

Query-focused: every key point and body sentence of the top sections is a candidate, scored by
embedding similarity to the question (vectors precomputed at index time), word overlap, how
well it fits the kind of question (``answer.sentence_fit``), its section's rank and its place
(a section's first sentence and key points are written to answer its main question).

- The short answer leads with the best candidate across the sections, not the top section's
  key points by default, and adds the next best when it scores nearly as well.
- Each following sentence adds something relevant: chosen greedily above a floor, without
  near-duplicates or repeats, a few per section.
- A sentence that leans on the one before it ("This...", "The combination...") is quoted with
  that sentence or not at all.
- The answer's length fits the kind of question (a definition is short)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.core.answer.sentence_fit import answer_length, depends_on_previous, kind_fit
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.text import content_terms, split_sentences

DUPLICATE_SIMILARITY = 0.85
CONTAINED = 0.8  # a sentence whose content words are this much inside another's repeats it
MIN_SENTENCES = 3  # quoted before the score floor applies (when there are enough)
PER_SECTION = (4, 2, 2)  # sentences quoted at most from the sections of rank 0, 1, 2
SCORE_WINDOW = 0.12  # a detail sentence scores at least the lead's score minus this
SHORT_WINDOW = 0.04  # the second best joins the short answer when this close to the best
RANK_BONUS = (0.04, 0.015, 0.0)
LEAD_BONUS = 0.04  # a section's first sentence or first key point
KEY_POINT = 0.02  # another key point (written to sum up its section)
DEFINITION_LEAD = 0.08  # for "what is...", the best section's lead
SUBJECT_FIRST = 0.04  # a sentence whose first words name what was asked

SentenceVectors = Callable[[str], dict[tuple[str, int], list[float]]]


@dataclass
class Candidate:
    rank: int  # section rank, 0 = best
    position: int  # sentence position in the section body (key points before it: negative)
    text: str
    score: float
    vector: np.ndarray | None


Unit = tuple[Candidate, ...]  # a sentence, with the one it leans on before it


def _overlap(query_terms: set[str], sentence: str) -> float:
    if not query_terms:
        return 0.0
    return len(query_terms & set(content_terms(sentence))) / len(query_terms)


def _vector(vectors: dict[tuple[str, int], list[float]], kind: str, pos: int) -> np.ndarray | None:
    vec = vectors.get((kind, pos))
    return np.asarray(vec, dtype=np.float32) if vec is not None else None


def _score(sim: float, terms: set[str], text: str, kind: str, rank: int, place: int) -> float:
    """A candidate's fit: meaning, shared words, kind of question, section rank and place
    (``place``: 0 for a lead sentence or first key point, 1 for another key point)."""
    bonus = RANK_BONUS[min(rank, len(RANK_BONUS) - 1)] + (LEAD_BONUS, KEY_POINT, 0.0)[place]
    if kind == "definition" and rank == 0 and place == 0:
        bonus += DEFINITION_LEAD  # the best section opens by saying what its subject is
    opening = set(content_terms(" ".join(text.split()[:4])))
    if opening & terms:  # the sentence is about what was asked, not merely mentioning it
        bonus += SUBJECT_FIRST
    return sim + 0.25 * _overlap(terms, text) + kind_fit(text, kind) + bonus


def _candidates(
    hits: Sequence[SectionHit],
    query_vec: np.ndarray,
    terms: set[str],
    vectors: list[dict[tuple[str, int], list[float]]],
    kind: str,
) -> list[Candidate]:
    """Every key point (positions before the body) and body sentence of ``hits``."""
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        points = hit.section.key_points
        sources = [("key_point", i, -len(points) + i, p) for i, p in enumerate(points)]
        sources += [
            ("sentence", i, i, s) for i, s in enumerate(split_sentences(hit.section.body))
        ]
        for vkind, vpos, pos, text in sources:
            arr = _vector(vectors[rank], vkind, vpos)
            sim = float(arr @ query_vec) if arr is not None else 0.0
            place = 0 if pos in (0, -len(points)) else (1 if pos < 0 else 2)
            out.append(Candidate(rank, pos, text, _score(sim, terms, text, kind, rank, place), arr))
    return out


def _units(cands: list[Candidate]) -> list[Unit]:
    """Each candidate as a unit, a leaning sentence with its predecessor; best first."""
    by_place = {(c.rank, c.position): c for c in cands}
    units: list[Unit] = []
    for cand in cands:
        if depends_on_previous(cand.text):
            before = by_place.get((cand.rank, cand.position - 1))
            if before is None or depends_on_previous(before.text):
                continue  # nothing (or only another leaning sentence) to lean on: never quoted
            units.append((before, cand))
        else:
            units.append((cand,))
    return sorted(units, key=lambda u: -max(c.score for c in u))


def _same(a: Candidate, b: Candidate) -> bool:
    """A repeat: the same words, one sentence's words inside the other's, or the same meaning."""
    wa, wb = set(content_terms(a.text)), set(content_terms(b.text))
    if wa and wb and len(wa & wb) >= CONTAINED * min(len(wa), len(wb)):
        return True
    return (
        a.vector is not None
        and b.vector is not None
        and float(a.vector @ b.vector) > DUPLICATE_SIMILARITY
    )


def _fits(unit: Unit, chosen: list[Candidate], per_section: dict[int, int]) -> bool:
    """Whether ``unit`` adds something new without exceeding its section's share."""
    new = [c for c in unit if c not in chosen]
    if not new or any(_same(c, o) for c in new for o in chosen):
        return False
    rank = unit[0].rank
    limit = PER_SECTION[rank] if rank < len(PER_SECTION) else 1
    return per_section.get(rank, 0) + len(new) <= limit


def _choose(units: list[Unit], length: int) -> list[Unit]:
    """Units best first: the lead, then those above the floor that add something new."""
    chosen: list[Candidate] = []
    picked: list[Unit] = []
    per_section: dict[int, int] = {}
    floor: float | None = None
    for unit in units:
        best = max(c.score for c in unit)
        if floor is not None and best < floor and len(chosen) >= MIN_SENTENCES:
            break
        new = tuple(c for c in unit if c not in chosen)
        if len(chosen) + len(new) > length or not _fits(unit, chosen, per_section):
            continue
        home = next((i for i, u in enumerate(picked) if unit[0] in u), None)
        if len(unit) == 2 and home is not None:  # its predecessor is quoted: keep them together
            picked[home] = (*picked[home], *new)
        else:
            picked.append(new)
        chosen += new
        per_section[unit[0].rank] = per_section.get(unit[0].rank, 0) + len(new)
        if floor is None:
            floor = best - SCORE_WINDOW
    return picked


def select_sentences(
    question_text: str,
    query_vector: Sequence[float],
    hits: Sequence[SectionHit],
    vectors_for: SentenceVectors,
    max_sentences: int,
    kind: str = "",
) -> tuple[list[Candidate], list[Candidate]]:
    """(the short answer, the detail sentences) quoted from ``hits`` (best first) for a
    question of ``kind`` (``answer.understand``)."""
    if not hits:
        return [], []
    query_vec = np.asarray(query_vector, dtype=np.float32)
    terms = set(content_terms(question_text))
    vectors = [vectors_for(h.section.key) for h in hits]
    units = _units(_candidates(hits, query_vec, terms, vectors, kind))
    picked = _choose(units, answer_length(kind, max_sentences))
    if not picked:
        return [], []
    short = list(picked[0])
    rest = picked[1:]
    lead_score = max(c.score for c in picked[0])
    if rest and len(short) == 1 and max(c.score for c in rest[0]) >= lead_score - SHORT_WINDOW:
        short += rest.pop(0)
    rest.sort(key=lambda u: (u[0].rank, u[0].position))
    return short, [c for unit in rest for c in unit]
