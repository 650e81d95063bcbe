"""Lab values written in sentences ("ANC today 0.9 (low)", "K 3.1 on admission"), dated by
the date written with them, else the one date of their sentence, else the admission date
when the sentence speaks of admission, else the row's; and an earlier value written right
after a value ("54 (previously 88)")."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator

from desktop.core.records.dates import DATE, dates_with_year, find_dates, parse_date
from desktop.core.records.facts import Fact, Page
from desktop.core.records.lab_values import NUM, UNIT, lab_details
from desktop.core.records.vocabulary import LAB_RE, lab_test

_FILLER_WORDS = (
    r"today|now|was|were|is|are|of|at|level|levels|count|value|result|this|morning|yesterday|"
    r"had|has|have|dropped|fell|rose|increased|decreased|improved|recovered|returned|down|up|"
    r"to|back|came|remained|remains|measured|nadir|abs|absolute|total|serum|currently|still|"
    r"only|on|checked|repeat"
)
# the words a sentence puts between a test and its value
FILLER = re.compile(
    rf"(?:\s*(?:\(\w{{1,6}}\)|[:=,|]|on\s+(?:{DATE.pattern})|(?:{_FILLER_WORDS})\b))*\s*",
    re.IGNORECASE,
)
# what follows a number that makes it no lab value: "2 x ULN", "3 days", "600 mg"
AFTER_VALUE_SKIP = re.compile(
    r"^\s*(?:x|×|times)\s*(?:ULN|upper|normal)|^\s*-\s*\d|^\s*(?:days?|weeks?|months?|years?|"
    r"cycles?|mg(?!\s*/)|hours?)\b"
    # a threshold, not a result: "neutrophils 1.0 x10^9/L or more", "ANC 1.5 or above"
    rf"|^\s*(?:(?:{UNIT})(?![A-Za-z0-9]))?\s*(?:or|and) (?:more|above|higher|greater|over|less|"
    r"below|lower|under)\b",
    re.IGNORECASE,
)
_INLINE_TAIL = re.compile(
    rf"(?P<value>{NUM})(?:\s*(?P<unit>{UNIT})(?![A-Za-z0-9]))?"
    r"(?:\s*\(?\s*(?P<flag>low|high|L|H)\s*\)?(?![A-Za-z]))?"
    rf"(?:\s*\((?:ref(?:erence)?\.?\s*(?:range)?:?\s*)?(?P<range>(?:{NUM})\s*(?:-|–|to)\s*"
    rf"(?:{NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{NUM}))\s*\))?"
    rf"(?:\s*,?\s*(?:on|dated|drawn|collected)?\s*\(?(?P<date>{DATE.pattern}))?",
    re.IGNORECASE,
)
_RANGE_AFTER = re.compile(r"\s*(?:-|–)\s*\d")
# an earlier value in brackets or after a comma: "(previously 88)", "prior 110 in 07/2024"
_PREVIOUS = re.compile(
    rf"[\s(,;]*(?:previously|prior|was|from|last|compared (?:with|to))\s*(?:was\s*|of\s*)?"
    rf"(?P<value>{NUM})(?![\d/-]|\.\d)"
    r"(?!\s*(?:%|x|times|days?|weeks?|months?|years?|mg|cycles?)\b)",
    re.IGNORECASE,
)
_PREVIOUS_CUE = re.compile(r"[(,;]\s*(?:previously|prior|was|from)\b")
_DIGIT = re.compile(r"\d")
_PREVIOUS_DATE = re.compile(rf"\s*(?:on|in|dated)?\s*(?:{DATE.pattern})", re.IGNORECASE)
ADMISSION_CUE = re.compile(
    r"\b(?:on|at) (?:admission|presentation|arrival)\b|\badmission (?:labs|bloods)\b|"
    r"\bpresented with\b",
    re.IGNORECASE,
)


def earlier_value(
    page: Page, line_start: int, line: str, pos: int, test: str, unit: str | None
) -> Iterator[Fact]:
    """An earlier value written right after a value ending at ``pos``: "54 (previously 88)",
    "62 (prior 110)". It has no date of its own unless a full one is written (month and year
    are not)."""
    window = line[pos : pos + 40]
    cue = _PREVIOUS_CUE.search(window)
    if not cue or _DIGIT.search(window, 0, cue.start()):
        return
    m = _PREVIOUS.match(line, pos + cue.start())
    if not m:
        return
    value = m.group("value")
    after = line[m.end() : m.end() + 25]
    written = _PREVIOUS_DATE.match(after)
    date = next(iso for _, _, iso in find_dates(written.group(0))) if written else None
    details = lab_details(test, unit, None, None, value)
    if date is None:
        details["when"] = "earlier"
    start = line_start + m.start("value")
    yield Fact("lab", value, page.evidence(start, start + len(value)), date, details)


class _LineSentences:
    """The sentences of one line (split at ". " and "; ") and the dates in each, found once
    per line rather than once per lab value."""

    def __init__(self, line: str, year: str | None = None) -> None:
        self._line = line
        self._year = year
        cuts = [m.start() for m in re.finditer(r"(?=[.;] )", line)]
        self._cuts = cuts
        self._dates: dict[tuple[int, int], set[str]] = {}

    def around(self, start: int, end: int) -> tuple[int, int]:
        """(from, to) of the sentence holding ``start:end``: after the last ". " or "; "
        before ``start``, up to the first one at or after ``end``."""
        i = bisect_left(self._cuts, start - 1)  # a cut ending (cut + 2) by ``start``
        s_from = self._cuts[i - 1] + 1 if i else 0
        j = bisect_left(self._cuts, end)
        s_to = self._cuts[j] if j < len(self._cuts) else len(self._line)
        return s_from, s_to

    def dates(self, s_from: int, s_to: int) -> set[str]:
        key = (s_from, s_to)
        if key not in self._dates:
            found = dates_with_year(self._line[s_from:s_to], self._year)
            self._dates[key] = {iso for _, _, iso in found}
        return self._dates[key]


def _value_after(line: str, m: re.Match[str]) -> re.Match[str] | None:
    """The value written after the test mention ``m`` (past filler words), unless it is
    none: a number glued to the text before it, a bound, a duration, a dose, a range."""
    fill = FILLER.match(line, m.end())
    pos = fill.end() if fill else m.end()
    tail = _INLINE_TAIL.match(line, pos)
    if not tail or (pos < len(line) and line[pos - 1 : pos].isdigit()):
        return None
    after_value = line[tail.end("value") : tail.end("value") + 200]
    if line[pos : pos + 1] in "<>" or AFTER_VALUE_SKIP.match(after_value):
        return None
    if _RANGE_AFTER.match(after_value) and not tail.group("range"):
        return None
    return tail


class _ProseDates:
    """The date of each value in one line of prose."""

    def __init__(
        self, line: str, row_date: str | None, admission: str | None, year: str | None = None
    ) -> None:
        self._line = line
        self._year = year
        self._row_date = row_date
        self._admission = admission
        self._sentences: _LineSentences | None = None  # built for the first value needing it

    def of(self, m: re.Match[str], tail: re.Match[str]) -> str | None:
        """The date of the value ``tail`` of the test mention ``m``."""
        filler = self._line[m.end() : tail.start()]
        date = next((iso for _, _, iso in dates_with_year(filler, self._year)), None)
        if date is None and tail.group("date"):
            date = parse_date(tail.group("date"))
        if date is None:  # one date written in the same sentence
            self._sentences = self._sentences or _LineSentences(self._line, self._year)
            s_from, s_to = self._sentences.around(m.start(), m.end())
            in_sentence = set(self._sentences.dates(s_from, s_to))
            date = in_sentence.pop() if len(in_sentence) == 1 else None
            if date is None and self._admission and ADMISSION_CUE.search(self._line, s_from, s_to):
                date = self._admission  # "presented with ... ANC 0.2", "K 3.1 on admission"
        return date or self._row_date


def prose(
    page: Page,
    line_start: int,
    line: str,
    row_date: str | None,
    admission: str | None = None,
    year: str | None = None,
) -> Iterator[Fact]:
    """The lab values written in one line of prose, each with its earlier value if given
    (``year``: the document's, for dates written without one: "on 15 April")."""
    dates = _ProseDates(line, row_date, admission, year)
    for m in LAB_RE.finditer(line):
        tail = _value_after(line, m)
        if tail is None:
            continue
        value = tail.group("value")
        test = lab_test(m)
        details = lab_details(
            test, tail.group("unit"), tail.group("range"), tail.group("flag"), value
        )
        start, end = line_start + m.start(), line_start + tail.end("value")
        yield Fact("lab", value, page.evidence(start, end), date=dates.of(m, tail), details=details)
        yield from earlier_value(page, line_start, line, tail.end(), test, tail.group("unit"))
