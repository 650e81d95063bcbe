"""The answer engine: question -> analyse -> retrieve -> compose -> Answer.

``stream`` is a job (``desktop.core.progress``): it yields progress (and, with a language
model, drafts as the model writes) and returns the Answer, so the window can run it on its
worker; ``ask`` answers at once from the guidelines (the CLI, tests)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.answer import model_written
from desktop.core.answer.analyze import (
    detect_truncation,
    detect_urgent,
    out_of_scope_by_rule,
    out_of_scope_clarification,
)
from desktop.core.answer.compose import CARE_TEAM_HEADING, compose, render_markdown
from desktop.core.answer.personal import PersonalContext
from desktop.core.answer.schema import Answer
from desktop.core.knowledge.index import GuidelineIndex
from desktop.core.knowledge.normalise import normalise
from desktop.core.knowledge.pdf_import import IMPORTED_PACK_PREFIX
from desktop.core.knowledge.retrieve import Retrieval, Retriever, SectionHit
from desktop.core.llm.generator import TextGenerator
from desktop.core.packdata.packs import Coverage, installed
from desktop.core.progress import Job, Progress
from desktop.core.text import STOPWORDS, words

MAX_QUESTION_CHARS = 2000
# A question is outside the packs when its best dense match is below SCOPE_FLOOR, or below
# SCOPE_SIMILARITY with no keyword match among the top sections. Calibrated with
# bench/scope_calibration.py: off-topic questions peaked at 0.30; 1% of the 406 in-scope
# retrieval questions fell below 0.43.
SCOPE_FLOOR = 0.32
SCOPE_SIMILARITY = 0.40


PERSONAL_DEPTH = 20  # candidate sections beyond the answer's own, with a patient


class QuestionError(ValueError):
    """A question that cannot be asked (empty)."""


@dataclass(frozen=True)
class EngineConfig:
    top_sections: int = 3
    max_answer_sentences: int = 8


def _owned_exact_match(hit: SectionHit) -> bool:
    """A decisive keyword match in a guideline PDF the user imported. Words the embedding
    model does not know (a trial acronym, a local protocol name) have no dense similarity,
    which alone would call the question out of scope."""
    return hit.decisive and hit.section.pack_id.startswith(IMPORTED_PACK_PREFIX)


def _in_scope(retrieval: Retrieval) -> bool:
    """Whether the packs cover the question: see SCOPE_FLOOR and SCOPE_SIMILARITY."""
    if not retrieval.hits:
        return False
    top = retrieval.hits[0]
    if _owned_exact_match(top):  # however it embeds
        return True
    if top.best_similarity < SCOPE_FLOOR:
        return False
    return top.best_similarity >= SCOPE_SIMILARITY or any(
        h.keyword_rank for h in retrieval.hits[:3]
    )


def _same_league(hits: Sequence[SectionHit]) -> list[SectionHit]:
    """The sections whose score is in the same league as the best one's."""
    if not hits:
        return []
    floor = hits[0].score * 0.55
    return [h for h in hits if h.score >= floor]


class AnswerEngine:
    def __init__(
        self,
        retriever: Retriever,
        index: GuidelineIndex,
        config: EngineConfig | None = None,
        coverage: Coverage | None = None,
    ) -> None:
        self.retriever = retriever
        self.index = index
        self.config = config or EngineConfig()
        # what the packs declare: scope, vocabulary, the prompt's subject (installed ones if None)
        self.coverage = coverage or installed()
        self._lock = threading.Lock()  # one answer at a time: the stores are shared
        self._vocabulary: tuple[tuple[int, int], frozenset[str]] = ((-1, -1), frozenset())

    def vocabulary(self) -> frozenset[str]:
        """Every word the installed packs use, plus the medical vocabulary."""
        sections = self.retriever.sections
        key = (id(sections), id(self.coverage))
        if self._vocabulary[0] != key:
            lexicon = self.coverage.vocabulary.lexicon
            vocab = {*lexicon.terms, *STOPWORDS, *lexicon.names, *lexicon.expansions}
            for s in sections.values():
                vocab.update(words(" ".join((s.title, s.body, *s.questions, *s.tags))))
            self._vocabulary = (key, frozenset(vocab))
        return self._vocabulary[1]

    def stream(
        self,
        question: str,
        personal: PersonalContext | None = None,
        generator: TextGenerator | None = None,
        max_tokens: int = 450,
        cancel: threading.Event | None = None,
    ) -> Job[Answer]:
        """Yields progress, returns the Answer. With a ``generator`` the model writes the
        answer from the retrieved passages: drafts are yielded as it writes and every
        sentence is checked; ``cancel`` (the user's Stop) keeps what was checked so far."""
        yield Progress(0, 2, "Searching the guidelines")
        with self._lock:
            answer, hits = self._ask(question, personal)
        if generator is None or not hits:
            yield Progress(2, 2, "Answer ready")
            return answer
        summary = "\n".join(personal.profile.summary()) if personal is not None else ""
        return (yield from model_written.generate(
            answer,
            hits,
            generator,
            self.index.embedder.embed,
            profile_summary=summary,
            subject=self.coverage.subject,
            max_tokens=max_tokens,
            cancel=cancel,
        ))

    def ask(self, question: str, personal: PersonalContext | None = None) -> Answer:
        """Answer from the guidelines; with ``personal`` (an unlocked patient) her profile
        steers retrieval and a "For you" section states her relevant record facts."""
        with self._lock:
            return self._ask(question, personal)[0]

    def _ask(
        self, question: str, personal: PersonalContext | None
    ) -> tuple[Answer, list[SectionHit]]:
        start = time.perf_counter()
        text = " ".join(question.split())[:MAX_QUESTION_CHARS]
        # lone surrogates (bytes a shell passed that are not UTF-8) cannot reach the model,
        # SQLite or stdout: each becomes "?"
        text = text.encode("utf-8", "replace").decode("utf-8")
        if not text:
            raise QuestionError("the question is empty")
        urgent = detect_urgent(text, self.coverage)
        clarification = detect_truncation(text, self.vocabulary())
        if out_of_scope_by_rule(text, self.coverage):
            return self._out_of_scope(text, urgent, start), []
        query = normalise(text, self.coverage.vocabulary)
        # with her profile, look deeper for sections on her own treatment to offer as related
        # questions (the profile boost only reorders what retrieval found)
        retrieval = self.retriever.search(
            query,
            limit=self.config.top_sections + (PERSONAL_DEPTH if personal is not None else 5),
            boost=personal.boost if personal is not None else None,
        )
        if not _in_scope(retrieval):
            return self._out_of_scope(text, urgent, start), []
        hits = _same_league(retrieval.hits[: self.config.top_sections])
        t_retrieved = time.perf_counter()
        composition = compose(
            query.text,
            retrieval.query_vector,
            hits,
            self.index.sentence_vectors,
            self.retriever.sections,
            self.config.max_answer_sentences,
            related_pool=retrieval.hits[self.config.top_sections :],
            prefer=personal.boost if personal is not None else None,
        )
        sections, citations = composition.sections, composition.citations
        if personal is not None:
            mine, record_citations = personal.for_you(
                query.search_text, retrieval.query_vector, hits, len(citations) + 1
            )
            if mine is not None:  # after what it means in general, before the questions
                at = next(
                    (i for i, s in enumerate(sections) if s.heading == CARE_TEAM_HEADING),
                    len(sections),
                )
                sections = [*sections[:at], mine, *sections[at:]]
                citations = [*citations, *record_citations]
        timings = dict(retrieval.timings_ms)
        timings["compose"] = (time.perf_counter() - t_retrieved) * 1000
        timings["total"] = (time.perf_counter() - start) * 1000
        answer = Answer(
            question=text,
            mode="extractive",
            answer_markdown=render_markdown(sections),
            sections=sections,
            citations=citations,
            related_questions=composition.related,
            questions_for_care_team=composition.care_team,
            clarification=clarification,
            urgent=urgent,
            timings_ms={k: round(v, 2) for k, v in timings.items()},
        )
        return answer, list(hits)

    def _out_of_scope(self, text: str, urgent, start: float) -> Answer:
        return Answer(
            question=text,
            clarification=out_of_scope_clarification(self.coverage, text),
            urgent=urgent,
            timings_ms={"total": round((time.perf_counter() - start) * 1000, 2)},
        )
