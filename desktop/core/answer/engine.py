"""The answer engine: question -> analyse -> retrieve -> compose -> Answer.

``stream`` is a generator (progress events, then the Answer) so the window can run it on a
worker thread; ``ask`` runs it to the end for the CLI."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.answer.compose import compose, render_markdown
from desktop.core.answer.schema import Answer
from desktop.core.knowledge.index import GuidelineIndex, Progress
from desktop.core.knowledge.normalise import normalise
from desktop.core.knowledge.retrieve import Retriever

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """A question that cannot be asked (empty)."""


@dataclass(frozen=True)
class EngineConfig:
    top_sections: int = 3
    max_answer_sentences: int = 8


class AnswerEngine:
    def __init__(
        self, retriever: Retriever, index: GuidelineIndex, config: EngineConfig | None = None
    ) -> None:
        self.retriever = retriever
        self.index = index
        self.config = config or EngineConfig()
        self._lock = threading.Lock()  # one answer at a time: the stores are shared

    def stream(self, question: str) -> Iterator[Progress | Answer]:
        yield Progress(0, 2, "Searching the guidelines")
        answer = self.ask(question)
        yield Progress(2, 2, "Answer ready")
        yield answer

    def ask(self, question: str) -> Answer:
        with self._lock:
            return self._ask(question)

    def _ask(self, question: str) -> Answer:
        start = time.perf_counter()
        text = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not text:
            raise QuestionError("the question is empty")
        query = normalise(text)
        retrieval = self.retriever.search(query, limit=self.config.top_sections + 5)
        hits = retrieval.hits[: self.config.top_sections]
        if hits:  # keep only sections in the same league as the best one
            floor = hits[0].score * 0.55
            hits = [h for h in hits if h.score >= floor]
        t_retrieved = time.perf_counter()
        composition = compose(
            query.text,
            retrieval.query_vector,
            hits,
            self.index.sentence_vectors,
            self.retriever.sections,
            self.config.max_answer_sentences,
            related_pool=retrieval.hits[self.config.top_sections :],
        )
        timings = dict(retrieval.timings_ms)
        timings["compose"] = (time.perf_counter() - t_retrieved) * 1000
        timings["total"] = (time.perf_counter() - start) * 1000
        return Answer(
            question=text,
            mode="extractive",
            answer_markdown=render_markdown(composition.sections),
            sections=composition.sections,
            citations=composition.citations,
            related_questions=composition.related,
            questions_for_care_team=composition.care_team,
            timings_ms={k: round(v, 2) for k, v in timings.items()},
        )
