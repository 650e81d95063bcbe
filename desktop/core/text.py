"""Plain-text helpers shared by chunking, retrieval and composition: sentences, words, stems."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Abbreviations whose trailing full stop does not end a sentence.
_ABBREV = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "no",
    "approx",
    "fig",
    "p",
    "pp",
    "u.s",
    "cf",
    "al",
    "mg",
    "ca",
    "jr",
    "sr",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+(?:[-'/][a-z0-9]+)*")
_WS = re.compile(r"\s+")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours out over own
    same she should so some such than that the their theirs them then there these they this
    those through to
    too under until up very was we were what when where which while who whom why will with would you
    your yours yourself im ive dont cant whats hows get got getting go going mean means tell know
    want like really please thanks hi hello also much many well one thing things kind""".split()
)


def normalise_whitespace(text: str) -> str:
    """Collapse tabs, newlines and runs of spaces (pypdf puts tabs between words in some PDFs)."""
    return _WS.sub(" ", text).strip()


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, keeping abbreviations and decimals (38.0) intact."""
    text = normalise_whitespace(text)
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].rstrip()
        last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
        if last_word in _ABBREV or re.fullmatch(r"[a-z]", last_word):
            continue
        pieces.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


def fold(text: str) -> str:
    """Lower-case and strip accents, for matching."""
    decomposed = unicodedata.normalize("NFKD", text).lower()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Lower-case word tokens (hyphenated terms kept whole: 'her2-low', 'cdk4/6')."""
    return _WORD.findall(fold(text))


def stem(word: str) -> str:
    """A light suffix stripper, enough to match 'inhibitors'/'inhibitor', 'dividing'/'divide'."""
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "es", "ed", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def content_terms(text: str) -> list[str]:
    """Stemmed words minus stopwords: what a query or sentence is about."""
    terms: list[str] = []
    for w in words(text):
        if w in STOPWORDS or len(w) < 2:
            continue
        terms.append(stem(w))
        if "-" in w or "/" in w:  # also the parts of a compound ('her2-low' -> 'her2', 'low')
            terms.extend(stem(p) for p in re.split(r"[-/]", w) if p and p not in STOPWORDS)
    return terms


def _quoted(terms: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for term in terms:
        clean = term.replace('"', " ").strip()
        if clean and clean not in seen:
            seen.append(clean)
    return [f'"{t}"' for t in seen]


def fts_query(terms: Iterable[str]) -> str:
    """An FTS5 MATCH expression: the distinct terms, each a quoted string, OR-ed together."""
    return " OR ".join(_quoted(terms))


def fts_all(terms: Iterable[str]) -> str:
    """The same, with every term required."""
    return " AND ".join(_quoted(terms))
