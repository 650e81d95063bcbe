"""Hybrid retrieval: dense (chroma) + keyword (FTS5 BM25), fused by reciprocal rank, grouped
to sections so an answer works with whole ideas.

Three ranked lists are fused: dense over passages and patient phrasings, dense over single
sentences and key points (each embedded with its section title), and BM25 keywords. On the
retrieval benchmark the sentence list lifts hybrid MRR from 0.829 to 0.850.

A ``boost`` hook lets the patient profile (records) raise matching sections."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from desktop.core.knowledge.index import DenseHit, GuidelineIndex
from desktop.core.knowledge.keyword import query_terms
from desktop.core.knowledge.normalise import Normalised, normalise
from desktop.core.knowledge.pack import GuidelineSection

RRF_K = 60
# A keyword top hit whose BM25 score is this many times the runner-up's (or the only section
# any term matched) is a decisive exact match, a rare word found in one section: it counts as
# first in the two dense lists too, so dense look-alikes cannot bury it (a made-up word asked
# about in a 1,000-page imported guideline ranked outside the top 30 with plain fusion, 23rd
# with one list's worth; asked alone, it was answered from another page:
# bench/guideline_import.py). The pack's retrieval benchmark does not move (MRR 0.8500).
DECISIVE = 3.0
CANDIDATES = 40
Mode = Literal["hybrid", "dense", "keyword"]
Boost = Callable[[GuidelineSection], float]


@dataclass
class SectionHit:
    section: GuidelineSection
    score: float
    dense_rank: int | None = None
    keyword_rank: int | None = None
    best_similarity: float = 0.0  # cosine similarity of the best dense match (0..1)
    passages: list[str] = field(default_factory=list)  # entry ids that matched, best first
    decisive: bool = False  # the keyword top hit, far ahead of the next section (DECISIVE)


@dataclass
class Retrieval:
    query: Normalised
    query_vector: list[float]
    hits: list[SectionHit]
    timings_ms: dict[str, float]


def _section_ranks(entries: Sequence[tuple[str, str]]) -> dict[str, tuple[int, list[str]]]:
    """(entry id, section key) best first -> section key -> (rank from 1, entry ids)."""
    ranks: dict[str, tuple[int, list[str]]] = {}
    for entry_id, key in entries:
        if key not in ranks:
            ranks[key] = (len(ranks) + 1, [entry_id])
        else:
            ranks[key][1].append(entry_id)
    return ranks


def _decisive(keyword: Sequence[tuple[str, str, float]]) -> str | None:
    """The section of a keyword top hit far ahead of the next section's best (BM25 scores
    are negative, lower is better), or the only section that matched at all; else None."""
    if not keyword:
        return None
    _, top_key, top = keyword[0]
    runner_up = next((score for _, key, score in keyword if key != top_key), None)
    if runner_up is None or (top < 0 and runner_up < 0 and top <= DECISIVE * runner_up):
        return top_key
    return None


@dataclass
class _Lists:
    dense: list[DenseHit]  # passages and patient phrasings
    fine: list[DenseHit]  # single sentences and key points
    keyword: list[tuple[str, str, float]]  # (entry id, section key, BM25 score)


class Retriever:
    def __init__(self, index: GuidelineIndex, sections: Mapping[str, GuidelineSection]) -> None:
        self.index = index
        self.sections = dict(sections)
        self._pool: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lantern-search")
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def search(
        self,
        question: str | Normalised,
        limit: int = 5,
        mode: Mode = "hybrid",
        boost: Boost | None = None,
    ) -> Retrieval:
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        query = question if isinstance(question, Normalised) else normalise(question)
        vector = self.index.embedder.embed([query.search_text])[0]
        timings["embed_query"] = (time.perf_counter() - t0) * 1000
        found = self._lists(query.search_text, vector, mode, timings)
        hits = self._fuse(found, boost)
        timings["retrieve_total"] = (time.perf_counter() - t0) * 1000
        return Retrieval(query, vector, hits[:limit], timings)

    def _lists(
        self, text: str, vector: list[float], mode: Mode, timings: dict[str, float]
    ) -> _Lists:
        """The three ranked lists (passages, sentences, keywords) for ``mode``; the sentence
        and keyword searches run beside the passage search (chroma and SQLite release the
        GIL), which halves the wait on a large index."""
        t1 = time.perf_counter()
        pool = self._executor()
        keyword_job = (
            pool.submit(self.index.keywords.search, query_terms(text), CANDIDATES)
            if mode != "dense"
            else None
        )
        fine_job = (
            pool.submit(self.index.dense_search, vector, CANDIDATES, True)
            if mode != "keyword"
            else None
        )
        dense = self.index.dense_search(vector, CANDIDATES) if mode != "keyword" else []
        fine = fine_job.result() if fine_job else []
        timings["dense"] = (time.perf_counter() - t1) * 1000
        keyword = keyword_job.result() if keyword_job else []
        timings["keyword"] = (time.perf_counter() - t1) * 1000  # overlaps the dense time
        return _Lists(dense, fine, keyword)

    def _fuse(self, found: _Lists, boost: Boost | None) -> list[SectionHit]:
        """Sections by reciprocal-rank fusion of the three lists, best first."""
        dense_ranks = _section_ranks([(h.entry_id, h.section_key) for h in found.dense])
        fine_ranks = _section_ranks([(h.entry_id, h.section_key) for h in found.fine])
        keyword_ranks = _section_ranks([(e, k) for e, k, _ in found.keyword])
        decisive = _decisive(found.keyword)
        best_sim: dict[str, float] = {}
        for h in sorted(found.dense + found.fine, key=lambda h: h.distance):
            best_sim.setdefault(h.section_key, 1.0 - h.distance)
        hits = [
            _hit(
                self.sections[key],
                (dense_ranks.get(key), fine_ranks.get(key), keyword_ranks.get(key)),
                key == decisive,
                best_sim.get(key, 0.0),
                boost,
            )
            for key in set(dense_ranks) | set(fine_ranks) | set(keyword_ranks)
            if key in self.sections
        ]
        hits.sort(key=lambda h: (-h.score, h.section.key))
        return hits


Ranks = tuple[int, list[str]] | None  # a section's rank in one list (from 1) and its entries


def _hit(
    section: GuidelineSection,
    ranks: tuple[Ranks, Ranks, Ranks],
    decisive: bool,
    similarity: float,
    boost: Boost | None,
) -> SectionHit:
    """One section's fused score from its (dense, sentence, keyword) ranks."""
    d, _, k = ranks
    score = sum(1.0 / (RRF_K + r[0]) for r in ranks if r)
    if decisive:
        score += 2.0 / (RRF_K + 1)
    if boost is not None:
        score *= 1.0 + max(0.0, boost(section))
    entries = (d[1] if d else []) + [e for e in (k[1] if k else []) if not d or e not in d[1]]
    return SectionHit(
        section, score, d[0] if d else None, k[0] if k else None, similarity, entries, decisive
    )
