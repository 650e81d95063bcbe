"""Plain-text helpers shared by chunking, retrieval, composition, answer checking and record
extraction: the one sentence splitter (three modes), words, stems and FTS5 queries."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

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


# --- sentences ----------------------------------------------------------------------------

# A generated answer's citation marker: [1], [1][3], [1, 3], [1-3], [Passage 2], [sources 1 and 2]
_MARKER_BODY = (
    r"\[[ \t]*(?:(?:passages?|sources?|refs?)[ \t]*)?\d{1,3}"
    r"(?:[ \t]*(?:,|;|-|–|and)[ \t]*(?:(?:passages?|sources?)[ \t]*)?\d{1,3})*[ \t]*\]"
)
CITATION_MARKER = re.compile(_MARKER_BODY, re.IGNORECASE)
_ANSWER_CLOSERS = "\"'”’)*_"
# the word before a full stop is looked for this far back (keeps every search linear)
_LOOKBACK = 24


@dataclass(frozen=True)
class SentenceMode:
    """What ends a sentence in one kind of text; see :func:`sentence_spans`.

    ``end`` finds possible ends. Its group ``keep`` is what the sentence keeps (without that
    group the sentence stops where the match starts); its group ``dot`` is a full stop that an
    abbreviation (or, with ``initials``, a single letter) right before it cancels; its group
    ``bare`` is a citation marker without punctuation, which ends a sentence only before a
    capital. The blanks after an end belong to the match. ``opens`` (when not None) is checked
    after the match: the next sentence must start with a capital, a digit or one of these
    characters, and blanks must separate it (None: ``end`` itself says what may follow)."""

    end: re.Pattern[str]
    abbreviations: frozenset[str] = frozenset()
    initials: bool = False
    opens: str | None = None
    openers: str = ""  # stripped from the front of the word before a full stop
    strip: bool = True  # sentences without the blanks around them (else spans exactly as cut)
    collapse: bool = False  # split_sentences collapses whitespace first


PROSE = SentenceMode(
    end=re.compile(r"(?P<keep>(?P<dot>\.)|[!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])"),
    abbreviations=frozenset(
        "e.g i.e etc vs dr mr mrs ms st no approx fig p pp u.s cf al mg ca jr sr".split()
    ),
    initials=True,
    collapse=True,
)
"""Guideline prose (section bodies, passages, PDF text). Whitespace is collapsed first; a
sentence ends at . ! or ? (closing quotes or brackets after it are dropped) before a capital or
a digit, possibly after an opening quote or bracket; not after an abbreviation, a measure
("mg.") or an initial ("J. Smith"); decimals (38.0) never end one."""

ANSWER = SentenceMode(
    end=re.compile(
        rf"(?P<keep>(?:(?P<dot>\.(?![.!?…]*[{_ANSWER_CLOSERS}]*[ \t]*{_MARKER_BODY}))|[.!?…])"
        rf"[.!?…]*[{_ANSWER_CLOSERS}]*(?:[ \t]*{_MARKER_BODY})*"
        rf"|(?P<bare>{_MARKER_BODY}(?:[ \t]*{_MARKER_BODY})*))[ \t]*",
        re.IGNORECASE,
    ),
    abbreviations=frozenset(
        "e.g i.e eg ie vs dr mr mrs ms prof st approx fig figs p pp u.s u.k cf al ca jr sr "
        "ref refs vol ed incl".split()
    ),
    opens="\"'“‘(*_[",
    openers="(\"'“‘*_",
)
"""One paragraph, list item or heading of a generated answer, as the model wrote it
(``answer.checking.units`` cuts the answer into those blocks). A sentence keeps its terminal
punctuation (. ! ? … with closing quotes, brackets or emphasis) and the citation markers after
it; markers alone end one before a capital. The next sentence must start with a capital, a
digit, an opening quote, bracket or emphasis. Unlike prose, "etc." and "no." may end a
sentence, initials and "mg." are not special, and blanks are kept as written."""

RECORD = SentenceMode(end=re.compile(r"\.(?=\s|$)|[;!?]|\n"), strip=False)
"""Clauses of a patient record page: every full stop before a blank, every ; ! ? and every
line break ends one, and the sentence stops before it. Spans are exact offsets into the page
(evidence points into it), blanks included."""


def _abbreviated(text: str, start: int, dot: int, mode: SentenceMode) -> bool:
    """Is the word before the full stop at ``dot`` an abbreviation (or an initial)?"""
    end = dot
    while end > start and text[end - 1] == ".":
        end -= 1
    word = text[max(start, end - _LOOKBACK) : end].rsplit(" ", 1)[-1]
    word = word.lstrip(mode.openers).lower()
    return word in mode.abbreviations or (
        mode.initials and re.fullmatch(r"[a-z]", word) is not None
    )


def _ends_sentence(text: str, start: int, match: re.Match[str], mode: SentenceMode) -> bool:
    after = match.end()
    if mode.opens is not None and after < len(text):
        if after == match.end("keep"):  # no blank after it
            return False
        first = text[after]
        bare = match.groupdict().get("bare") is not None
        if not (first.isupper() or (not bare and (first.isdigit() or first in mode.opens))):
            return False
    dot = match.start("dot") if "dot" in match.re.groupindex else -1
    return dot < 0 or not _abbreviated(text, start, dot, mode)


def _span(text: str, start: int, stop: int, strip: bool) -> tuple[int, int] | None:
    if strip:
        while start < stop and text[start].isspace():
            start += 1
        while stop > start and text[stop - 1].isspace():
            stop -= 1
    return (start, stop) if stop > start else None


def sentence_spans(text: str, mode: SentenceMode = PROSE) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text`` in reading order, by ``mode``: ``PROSE``,
    ``ANSWER`` or ``RECORD`` (their docstrings say how each ends a sentence). Empty sentences
    are left out. Every pattern is linear in the text's length."""
    spans: list[tuple[int, int]] = []
    start = 0
    keeps = "keep" in mode.end.groupindex
    for match in mode.end.finditer(text):
        if match.start() < start or not _ends_sentence(text, start, match, mode):
            continue
        span = _span(text, start, match.end("keep") if keeps else match.start(), mode.strip)
        if span:
            spans.append(span)
        start = match.end()
    span = _span(text, start, len(text), mode.strip)
    if span:
        spans.append(span)
    return spans


def split_sentences(text: str, mode: SentenceMode = PROSE) -> list[str]:
    """The sentences of ``text`` by ``mode`` (guideline prose by default: abbreviations and
    decimals such as 38.0 kept intact, whitespace collapsed)."""
    if mode.collapse:
        text = normalise_whitespace(text)
    return [text[a:b] for a, b in sentence_spans(text, mode)]


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
