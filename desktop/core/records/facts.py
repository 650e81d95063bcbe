"""Fact and evidence types shared by the record extractors, the page they read, and the text
helpers they use: the evidence span, sentence bounds and lines, soft-joined lines, status
cues, negation and hedges (section headings: ``sections``)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from functools import cached_property

from desktop.core.records import report_layout, sections
from desktop.core.records.marker_statements import Statement, statements
from desktop.core.records.vocabulary import LAB_RE
from desktop.core.text import RECORD, sentence_spans


@dataclass(frozen=True)
class Evidence:
    document: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fact:
    """One extracted fact. ``date`` is the ISO date the fact refers to (the row's date for a
    lab value, else the document's date) when known; ``details`` holds field-specific parts
    (a lab's test, unit and reference range; a medication's dose, start and stop dates)."""

    field: str
    value: str
    evidence: Evidence
    date: str | None = None
    details: dict[str, str] = dc_field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


# Characters of context an evidence line keeps on either side of its span: a page with no
# line breaks (a pasted text file) would otherwise copy the whole page into every fact
EVIDENCE_CONTEXT = 600


def evidence(doc: str, page: int, text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]``: those offsets, and the whole line(s) around them (at
    most ``EVIDENCE_CONTEXT`` characters either side, cut at a space)."""
    lo = max(0, start - EVIDENCE_CONTEXT)
    line_start = text.rfind("\n", lo, start) + 1
    if line_start == 0 and lo > 0:  # a longer line: start after a space in its last part
        space = text.find(" ", lo, start)
        line_start = space + 1 if space != -1 else lo
    hi = min(len(text), end + EVIDENCE_CONTEXT)
    line_end = text.find("\n", end, hi)
    if line_end == -1:
        space = text.rfind(" ", end, hi) if hi < len(text) else -1
        line_end = hi if space == -1 else space
    return Evidence(doc, page, start, end, text[line_start:line_end].strip())


@dataclass(frozen=True)
class Page:
    """One page being read: its document's name, its number, its text as extracted, and
    ``flat``, the same text soft-joined (``soft_join``: same length, so an offset into one is
    an offset into the other). Rules read ``flat``; evidence quotes ``text``."""

    doc: str
    number: int
    text: str
    flat: str

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for ``text[start:end]`` on this page."""
        return evidence(self.doc, self.number, self.text, start, end)

    def sentences(self) -> Iterator[tuple[int, str]]:
        """(offset, text) of each sentence or line of ``flat``."""
        for start, end in sentences(self.flat):
            yield start, self.flat[start:end]

    @cached_property
    def _sections(self) -> list[tuple[int, str]]:
        return sections.section_classes(self.flat)

    @cached_property
    def _masked_regions(self) -> list[report_layout.Masked]:
        return report_layout.masked_regions(self.flat)

    @cached_property
    def masked(self) -> str:
        """``flat`` with its legends, scales, criteria and pick-lists masked (same length;
        ``report_layout``): what the pathology readers read."""
        return report_layout.mask(self.flat, self._masked_regions)

    @cached_property
    def statements(self) -> list[Statement]:
        """The ER/PR/HER2 statements of the masked page (``marker_statements``)."""
        return list(statements(self.masked))

    def section_at(self, pos: int) -> str | None:
        """The class of the section ``pos`` is in (``sections``; found once per page), None
        outside any or in one that changes nothing."""
        return sections.section_at(self._sections, pos)


# what each extractor is: the facts it reads on one page
Reader = Callable[[Page], Iterable[Fact]]


def lines(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for each line of ``text``, the last one included even when empty."""
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


_CONNECTOR = re.compile(
    r"(?:[,:(/]|(?<=\w)-|\b(?:of|and|or|to|for|with|in|on|the|a|an|at|by|from|was|is|were|are|"
    r"has|had|receptor|status|score|grade|carcinoma|reduced|started|stopped|since|until|till|"
    r"dated))$",
    re.IGNORECASE,
)


def _open_bracket(line: str) -> bool:
    """Whether a line leaves a bracket open ("(21 DAYS ON, 7"): the next line continues it."""
    return line.count("(") > line.count(")")


def soft_join(text: str) -> str:
    """The page with line breaks that fall mid-phrase turned into spaces (same length, so
    offsets still point into the page). A break stays when the line ends a sentence or the
    next line starts a new labelled line or row."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        nxt = lines[i + 1].lstrip()
        stripped = line.rstrip()
        joined = bool(stripped) and bool(nxt) and not stripped.endswith((".", ";", "|"))
        if joined and "|" in nxt:
            joined = False
        if joined and not _CONNECTOR.search(stripped) and not _open_bracket(stripped):
            # a lowercase start continues the phrase, unless it is the next lab row ("eGFR")
            joined = nxt[0].islower() and not LAB_RE.match(nxt)
        out.append(" " if joined else "\n")
    return "".join(out)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, clause or line in ``text``: the one splitter,
    ``core.text.sentence_spans``, in its ``RECORD`` mode (also cut at ';' and line breaks)."""
    return iter(sentence_spans(text, RECORD))


Cues = dict[str, re.Pattern[str]]


class CueFinder:
    """The cues of one sentence, found once, for ``nearest`` calls on each of its mentions
    (finding them again per mention took time quadratic in the sentence's length)."""

    def __init__(self, sentence: str, cues: Cues) -> None:
        self._found: list[tuple[str, list[int], list[int]]] = []
        for label, pattern in cues.items():
            spans = [m.span() for m in pattern.finditer(sentence)]
            # non-overlapping matches in order: their starts and their ends both ascend
            self._found.append((label, [a for a, _ in spans], [b for _, b in spans]))

    def nearest(self, start: int, end: int, reach: int = 60) -> str | None:
        """The label of the cue nearest to ``sentence[start:end]`` (before or after it,
        within ``reach`` characters; on a tie the longer cue wins)."""
        best: tuple[int, int, str] | None = None
        for label, starts, ends in self._found:
            # cues ending in [start - reach, start], then cues starting in [end, end + reach]
            lo, hi = bisect_left(ends, start - reach), bisect_right(ends, start)
            candidates = [(start - ends[i], starts[i], ends[i]) for i in range(lo, hi)]
            lo, hi = bisect_left(starts, end), bisect_right(starts, end + reach)
            candidates += [(starts[i] - end, starts[i], ends[i]) for i in range(lo, hi)]
            for dist, a, b in candidates:
                key = (dist, -(b - a), label)
                if best is None or key < best:
                    best = key
        return best[2] if best else None


def nearest_cue(sentence: str, start: int, end: int, cues: Cues, reach: int = 60) -> str | None:
    """The label of the cue nearest to ``sentence[start:end]`` (before or after it, within
    ``reach`` characters; on a tie the longer cue wins). For several mentions in one
    sentence, build one ``CueFinder``."""
    return CueFinder(sentence, cues).nearest(start, end, reach)


class Spans:
    """Non-overlapping spans taken so far, kept in order for a bisecting overlap test."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def take(self, start: int, end: int) -> bool:
        """Takes ``start:end`` unless it overlaps a span already taken (then False)."""
        i = bisect_right(self._starts, start)
        if i and self._ends[i - 1] > start:
            return False
        if i < len(self._starts) and self._starts[i] < end:
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, end)
        return True


def window_before(text: str, pos: int, reach: int = 400, start: int = 0) -> str:
    """``text[start:pos]``, or its last ``reach`` characters from a word start: what a rule
    reads back from a mention (reading back to the start of a very long sentence or line from
    every mention took quadratic time)."""
    lo = pos - reach
    if lo <= start:
        return text[start:pos]
    space = text.find(" ", lo, pos)
    return text[space + 1 if space != -1 else lo : pos]


def window_after(text: str, pos: int, reach: int = 400) -> str:
    """``text[pos:]``, or its first ``reach`` characters up to a word end."""
    hi = pos + reach
    if hi >= len(text):
        return text[pos:]
    space = text.rfind(" ", pos, hi)
    return text[pos : space if space != -1 else hi]


NEGATION = re.compile(
    r"\b(?:no|not|without|negative for|free of|absence of|denies|denied|ruled out|rule out|"
    r"r/o|never|neither|nor)\b",
    re.IGNORECASE,
)
_NOT_A_NEGATION = re.compile(
    r"(?:no|not)\s+(?:new|change|changed|interval|significant change|further|longer|only|"
    r"special\s+type|otherwise\s+specified)\b",
    re.IGNORECASE,
)
_CONTRAST = re.compile(
    r"\b(?:but|however|although|though|except|whereas|while|yet)\b|;", re.IGNORECASE
)


def negated_before(before: str) -> bool:
    """Whether a negation in ``before`` (the clause up to a mention) reaches the mention."""
    last = None
    for m in NEGATION.finditer(before):
        if not _NOT_A_NEGATION.match(before, m.start()):
            last = m
    return last is not None and not _CONTRAST.search(before[last.end() :])


HEDGE = re.compile(
    r"\b(?:if|whether|unless|rule out|r/o|to exclude|cannot be excluded|can not be excluded|"
    r"indeterminate|equivocal|possible|possibly|question of|questionable|suspicious for|"
    r"concerning for|evaluate for|assess for|would|could|might|consider|considering)\b|\?",
    re.IGNORECASE,
)
FAMILY = re.compile(
    r"\b(?:family history|mother|father|sister|brother|aunt|uncle|daughter|son|cousin|niece|"
    r"nephew|grandmother|grandfather|relatives?|maternal|paternal|sibling)s?\b",
    re.IGNORECASE,
)
