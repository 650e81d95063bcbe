"""Fact and evidence types shared by the record extractors, and the text helpers they use:
the evidence span, sentence bounds, soft-joined lines, section headings and status cues."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field

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


_CONNECTOR = re.compile(
    r"(?:[,:(/-]|\b(?:of|and|or|to|for|with|in|on|the|a|an|at|by|from|was|is|were|are|"
    r"has|had|receptor|status|score|grade|carcinoma|reduced|started|stopped|since|until|till|"
    r"dated))$",
    re.IGNORECASE,
)


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
        if joined and not _CONNECTOR.search(stripped):
            # a lowercase start continues the phrase, unless it is the next lab row ("eGFR")
            joined = nxt[0].islower() and not LAB_RE.match(nxt)
        out.append(" " if joined else "\n")
    return "".join(out)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence, clause or line in ``text``: the one splitter,
    ``core.text.sentence_spans``, in its ``RECORD`` mode (also cut at ';' and line breaks)."""
    return iter(sentence_spans(text, RECORD))


# Section headings change what a mention means (a drug under "Allergies", a gene under
# "Family history"). Each maps to a class; unknown headings leave the class unchanged.
_SECTIONS = {
    "family": (
        "family history",
        "family hx",
        "fhx",
        "family cancer history",
    ),
    "allergies": ("allergies", "allergy", "drug allergies", "allergies and intolerances"),
    "current": (
        "current medications",
        "medications",
        "meds",
        "current meds",
        "active medications",
        "discharge medications",
        "medications on discharge",
        "home medications",
        "current treatment",
        "current therapy",
    ),
    "past": (
        "past medical history",
        "pmh",
        "treatment history",
        "oncologic history",
        "oncology history",
        "past oncologic history",
        "prior treatment",
        "prior treatments",
        "previous treatment",
        "previous treatments",
        "surgical history",
        "past surgical history",
        "psh",
        "cancer history",
    ),
    "plan": (
        "plan",
        "assessment and plan",
        "a/p",
        "recommendations",
        "recommendation",
        "plan of care",
        "follow-up plan",
        "next steps",
    ),
    # therapy options in tumour-profiling reports: drugs listed there are not the patient's
    "options": (
        "therapy associations",
        "therapy association",
        "therapies",
        "potential therapies",
        "potential treatment options",
        "treatment options",
        "therapeutic options",
        "therapeutic implications",
        "therapies with clinical benefit",
        "therapies with potential clinical benefit",
        "therapies with potential benefit",
        "therapies associated with sensitivity",
        "therapies associated with resistance",
        "therapies with lack of response",
        "fda-approved therapies",
        "approved therapies",
        "drug associations",
        "clinical trials",
        "relevant clinical trials",
        "clinical trial options",
        "potential clinical trials",
    ),
    "other": (
        "impression",
        "findings",
        "assessment",
        "diagnosis",
        "final diagnosis",
        "discharge diagnosis",
        "hpi",
        "history of present illness",
        "interval history",
        "labs",
        "laboratory",
        "results",
        "result",
        "physical exam",
        "exam",
        "examination",
        "hospital course",
        "social history",
        "procedures",
        "procedure",
        "specimen",
        "clinical history",
        "indication",
        "technique",
        "comparison",
        "interpretation",
        "reason for admission",
        "reason for visit",
        "chief complaint",
        "subjective",
        "objective",
        "review of systems",
        "vitals",
        "comment",
        "comments",
        "addendum",
        "summary",
        "genes analyzed",
        "genes analysed",
        "genomic findings",
        "biomarker findings",
        "variants of unknown significance",
        "variants of uncertain significance",
        "interpretive notes",
        "interpretation notes",
        "methods",
        "methods and limitations",
        "limitations",
        "disclaimer",
        "disclaimers",
        "references",
    ),
}
_LABEL_CLASS = {label: cls for cls, labels in _SECTIONS.items() for label in labels}
# a heading may end with a short parenthetical: "THERAPY ASSOCIATIONS (in this tumour type)"
_HEADING = re.compile(
    r"^[ \t]*([A-Za-z][A-Za-z /&'-]{1,40}?)[ \t]*(?:\([^)\n]{0,40}\)[ \t]*)?(?::|$)",
    re.MULTILINE,
)


def section_classes(text: str) -> list[tuple[int, str]]:
    """(offset, class) for each known heading in the page, in order."""
    out = []
    for m in _HEADING.finditer(text):
        cls = _LABEL_CLASS.get(" ".join(m.group(1).lower().split()))
        if cls:
            out.append((m.start(), cls))
    return out


def section_at(sections: list[tuple[int, str]], pos: int) -> str | None:
    current = None
    for start, cls in sections:
        if start > pos:
            break
        current = cls
    return None if current == "other" else current


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
    r"(?:no|not)\s+(?:new|change|changed|interval|significant change|further|longer|only)\b",
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
