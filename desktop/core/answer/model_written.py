"""Answers written by a language model from the retrieved passages, every sentence checked.

The model gets the top guideline sections and the patient's relevant record lines as
numbered passages. While it writes, each finished sentence is verified against the passage
it cites (``answer.checking.verify``) and a :class:`Draft` shows only checked sentences plus the one
being written. At the end the whole text is verified again: unsupported sentences are
removed, and if too little survives the extractive answer is shown instead, saying why. A
stopped generation keeps its checked sentences and is marked as stopped."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace

from desktop.core.answer.checking.evidence import Embed
from desktop.core.answer.checking.units import answer_sentences
from desktop.core.answer.checking.verify import CheckedSentence, Verification, verify
from desktop.core.answer.schema import Answer, Citation, Section
from desktop.core.answer.sections import (
    CARE_TEAM_HEADING,
    DETAIL_HEADING,
    SHORT_HEADING,
    render_markdown,
)
from desktop.core.knowledge.retrieve import SectionHit
from desktop.core.llm.generator import GenerationError, TextGenerator
from desktop.core.llm.prompt import Passage, fit_prompt
from desktop.core.progress import Progress

ANSWER_HEADING = "Answer"
# too little survived: fewer supported sentences than this, or a smaller share of them
MIN_KEPT_SENTENCES = 2
MIN_SUPPORTED_RATIO = 0.5
# sections given to the model as passages (the prompt budget may take fewer)
MAX_GUIDELINE_PASSAGES = 5
_MARKER = re.compile(r"\[(\d+)\]")
# extractive sections the generated text replaces; the rest (for you, questions, sources) stay
_REPLACED = (SHORT_HEADING, DETAIL_HEADING)


@dataclass(frozen=True)
class Draft:
    """The answer as it is being written: checked sentences, and the one in progress."""

    text: str
    pending: str
    removed: int
    model: str


class _CachedEmbed:
    """Passage windows are embedded once per answer, not once per checked sentence."""

    def __init__(self, embed: Embed) -> None:
        self._embed = embed
        self._cache: dict[str, Sequence[float]] = {}

    def __call__(self, texts: Sequence[str]) -> list[Sequence[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if missing:
            for text, vector in zip(missing, self._embed(missing), strict=True):
                self._cache[text] = vector
        return [self._cache[t] for t in texts]


def passages_for(hits: Sequence[SectionHit], extractive: Answer) -> list[Passage]:
    """Guideline sections (best first), then the record lines the extractive answer cited."""
    out: list[Passage] = []
    by_title = {c.title: c for c in extractive.citations if c.kind == "guideline"}
    for hit in hits[:MAX_GUIDELINE_PASSAGES]:
        s = hit.section
        cited = by_title.get(s.title)
        source = cited.source if cited else "; ".join(f"{x.org} ({x.year})" for x in s.sources)
        locator = cited.locator if cited else s.locator or s.id
        out.append(Passage("guideline", s.title, source, locator, s.body))
    seen: set[tuple[str, str]] = set()
    for c in extractive.citations:
        if c.kind == "record" and (c.locator, c.snippet) not in seen:
            seen.add((c.locator, c.snippet))
            out.append(Passage("record", c.title, c.source, c.locator, c.snippet))
    return out


def generate(
    extractive: Answer,
    hits: Sequence[SectionHit],
    generator: TextGenerator,
    embed: Embed,
    *,
    profile_summary: str = "",
    max_tokens: int = 450,
    cancel: threading.Event | None = None,
    subject: str = "",
) -> Generator[Progress | Draft, None, Answer]:
    """Yield drafts as the model writes; return the final Answer (generated, partial, or
    extractive).

    ``cancel`` is the user's Stop for this answer: set before the model starts, nothing is
    generated; set while it writes, the stream is closed and the partial answer kept."""
    cancel = cancel or threading.Event()
    started = time.perf_counter()
    passages = passages_for(hits, extractive)
    try:
        fitted = fit_prompt(
            extractive.question,
            passages,
            profile_summary,
            generator.count,
            generator.context_length,
            max_tokens,
            subject,
        )
    except GenerationError as exc:  # the model died before it began
        return _model_failed(extractive, exc)
    numbered = {i: p.text for i, p in enumerate(fitted.passages, start=1)}
    cached = _CachedEmbed(embed)
    yield Progress(1, 2, "Writing the answer")
    text, checked = "", []
    stream: Iterator[str] | None = None
    try:
        stream = iter(()) if cancel.is_set() else generator.stream(fitted.messages, max_tokens)
        for piece in stream:
            if cancel.is_set():
                break
            text += piece
            sentences = answer_sentences(text)
            finished = sentences[:-1]  # the last one may still be growing
            for sentence in finished[len(checked) :]:
                checked.extend(verify(sentence, numbered, cached).sentences[:1])
            yield Draft(
                _checked_text(checked),
                sentences[-1] if sentences else "",
                sum(not c.supported for c in checked),
                generator.label,
            )
    except GenerationError as exc:  # the model died or its server went away
        return _model_failed(extractive, exc)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # a Stop mid-stream: the host is told to cancel
    stats = dict(generator.last_stats)
    stopped = cancel.is_set() or stats.get("reason") == "cancelled"
    result = verify(text, numbered, cached, complete=not stopped)
    timings = {
        **extractive.timings_ms,
        "generate": round((time.perf_counter() - started) * 1000, 2),
    }
    if "ttft_ms" in stats:
        timings["first_token"] = float(stats["ttft_ms"])
    return _final(extractive, fitted.passages, result, generator.label, stopped, timings, stats)


def _model_failed(extractive: Answer, exc: Exception) -> Answer:
    return replace(
        extractive,
        notice=f"The language model stopped working ({_clip(str(exc))}), so this answer "
        "is quoted from the guidelines instead.",
        verification={"error": _clip(str(exc))},
    )


def _clip(text: str, limit: int = 200) -> str:
    text = text.strip().rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _checked_text(checked: Sequence[CheckedSentence]) -> str:
    return " ".join(c.text.strip() for c in checked if c.supported)


def _report(result: Verification, stats: dict) -> dict:
    """What the check kept and removed, and the model's token counts (``Answer.verification``)."""
    return {
        "kept": len(result.kept),
        "removed": len(result.removed),
        "reasons": sorted({c.reason for c in result.removed if c.reason}),
        "prompt_tokens": stats.get("prompt_tokens"),
        "cached_tokens": stats.get("cached_tokens"),
        "completion_tokens": stats.get("completion_tokens"),
    }


def _notice(label: str, removed: int, stopped: bool) -> str:
    notice = f"Written by {label} from the cited passages; each sentence was checked against it."
    if removed:
        notice += f" {removed} sentence{'s' if removed > 1 else ''} the sources did not support "
        notice += "were removed." if removed > 1 else "was removed."
    if stopped:
        notice += " You stopped the answer before the end."
    return notice


def _final(
    extractive: Answer,
    passages: Sequence[Passage],
    result: Verification,
    label: str,
    stopped: bool,
    timings: dict[str, float],
    stats: dict,
) -> Answer:
    kept = [c for c in result.kept if c.citations]
    report = _report(result, stats)
    removed = len([c for c in result.removed if c.reason != "incomplete sentence"])
    too_little = len(kept) < MIN_KEPT_SENTENCES or result.supported_ratio < MIN_SUPPORTED_RATIO
    if (not stopped and too_little) or (stopped and not result.kept):
        why = (
            "You stopped the model before it finished a sentence"
            if stopped
            else "The local model's answer was not well enough supported by its sources"
        )
        return replace(
            extractive,
            notice=f"{why}, so this answer is quoted from the guidelines instead.",
            model="",
            stopped=stopped,
            verification=report,
            timings_ms=timings,
        )
    body, citations = _renumber(result.text(), passages)
    sections = [Section(ANSWER_HEADING, body + (" *(stopped)*" if stopped else ""))]
    rest = [s for s in extractive.sections if s.heading not in _REPLACED]
    sections, citations = _append_rest(sections, citations, rest, extractive.citations)
    return replace(
        extractive,
        mode="llm",
        answer_markdown=render_markdown(sections),
        sections=sections,
        citations=citations,
        notice=_notice(label, removed, stopped),
        model=label,
        stopped=stopped,
        verification=report,
        timings_ms=timings,
    )


def _renumber(text: str, passages: Sequence[Passage]) -> tuple[str, list[Citation]]:
    """Number cited passages 1, 2, … in order of first use; uncited passages are not listed."""
    mapping: dict[int, int] = {}
    citations: list[Citation] = []

    def sub(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= len(passages):
            return ""
        if n not in mapping:
            p = passages[n - 1]
            mapping[n] = len(citations) + 1
            snippet = p.text if len(p.text) <= 300 else p.text[:299].rsplit(" ", 1)[0] + "…"
            citations.append(Citation(mapping[n], p.kind, p.title, p.source, p.locator, snippet))
        return f"[{mapping[n]}]"

    return _MARKER.sub(sub, text), citations


def _append_rest(
    sections: list[Section],
    citations: list[Citation],
    rest: Sequence[Section],
    old: Sequence[Citation],
) -> tuple[list[Section], list[Citation]]:
    """Keep the extractive answer's other sections, their markers renumbered to follow ours."""
    by_old = {c.id: c for c in old}
    mapping: dict[int, int] = {}

    def sub(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in by_old:
            return match.group(0)
        if n not in mapping:
            c = by_old[n]
            key = (c.kind, c.title, c.locator)
            same = next((x for x in citations if (x.kind, x.title, x.locator) == key), None)
            if same is not None:
                mapping[n] = same.id
            else:
                mapping[n] = len(citations) + 1
                citations.append(replace(c, id=mapping[n]))
        return f"[{mapping[n]}]"

    out = list(sections)
    for s in rest:
        if s.heading == CARE_TEAM_HEADING or s.heading == "Where to learn more":
            out.append(s)
        else:
            out.append(Section(s.heading, _MARKER.sub(sub, s.markdown)))
    return out, citations
