"""Lab values from record text: tables with one row per line (test, value, unit, range,
flag), tables whose columns are collection dates (one fact per date), and values written
in prose ("ANC today 0.9 (low)"; ``lab_prose``). Each value keeps its test's canonical name,
the unit as written (normalised), the reference range and a low/high flag when flagged or
outside it (``lab_values``). The page is read line by line: a line of dates heads the
columns or the rows below it, a line that starts with a test is a table row, any other line
is prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.records.dates import DATE, find_dates, parse_date
from desktop.core.records.facts import Fact, Page, lines
from desktop.core.records.lab_flowsheet import Flowsheet
from desktop.core.records.lab_prose import (
    ADMISSION_CUE,
    AFTER_VALUE_SKIP,
    FILLER,
    earlier_value,
    prose,
)
from desktop.core.records.lab_values import (
    NUM,
    UNIT,
    Token,
    after_qualifier,
    cells,
    lab_details,
    unit_in,
)
from desktop.core.records.vocabulary import LAB_RE, lab_test

_ROW_GAP = re.compile(r"[\s|:=,]*(?:\([^)]{0,20}\))?[\s|:=,\[]*")
_HEADER_HINT = re.compile(
    r"\b(?:collect\w*|drawn|date|specimen|sample|reported|results?|labs?|bloods?)\b",
    re.IGNORECASE,
)
# the date blood was taken, which a later "Reported:" or "Received:" line does not replace
_COLLECTED = re.compile(r"\b(?:collect\w*|drawn|taken|sampled|venepuncture)\b", re.IGNORECASE)
_NOT_COLLECTED = re.compile(r"\b(?:report\w*|receiv\w*|printed|verified)\b", re.IGNORECASE)
_LEADING_DATE = re.compile(
    rf"^\s*(?:{DATE.pattern})(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?\s*[|:,-]?\s*", re.IGNORECASE
)
_ADMISSION_DATE = re.compile(
    rf"\b(?:admitted|admission date|date of admission|admission|DOA)\s*(?:on|date)?\s*[:\-]?\s*"
    rf"(?P<date>{DATE.pattern})",
    re.IGNORECASE,
)
# a date written after a row's value: "ANC recovered to 1.8 on 08/06/2024"
_DATE_AFTER_VALUE = re.compile(
    rf"(?:\s*(?:{UNIT})(?![A-Za-z0-9]))?"
    rf"\s*,?\s*(?i:on|dated|drawn|collected)?\s*\(?\s*(?i:{DATE.pattern})"
)
_DIGIT = re.compile(r"\d")
# a line that lists reference ranges ("Reference ranges: calcium 2.20-2.60 mmol/L; ..."):
# its numbers are limits, not results
_RANGES_ONLY = re.compile(
    r"^\s*(?:reference|normal|ref\.?)\s*(?:ranges?|intervals?|values?)?\s*:|^\s*ranges?\s*:",
    re.IGNORECASE,
)
# a previous result and its date in the columns after the value ("3.1 Low 5.1 07/14/2025")
_PREVIOUS_COLUMN = re.compile(
    rf"\s*(?:(?:HH|LL|H|L|HIGH|LOW|High|Low)\b\s*)?(?P<value>{NUM})\s+(?P<date>{DATE.pattern})",
)
_BOUND_BEFORE_VALUE = re.compile(r"[<>≤≥]=?\s*$")


@dataclass(frozen=True)
class _Row:
    """A table row: its line and where the line starts on the page, the test named at its
    start, and the tokens after the name (``rest_start``: where they start in the line)."""

    line_start: int
    line: str
    test_m: re.Match[str]
    rest_start: int
    tokens: list[Token]

    def of_kind(self, *kinds: str) -> list[Token]:
        return [t for t in self.tokens if t[0] in kinds]

    def texts(self, kind: str) -> list[str]:
        """The text of each token of ``kind``."""
        return [t[1].group(0) for t in self.tokens if t[0] == kind and t[1]]

    @property
    def unit(self) -> str | None:
        """The unit in the row's cells, or in the bracket after its name ("Sodium (mmol/L)")."""
        written = next(iter(self.texts("unit")), None)
        return written or unit_in(self.line[self.test_m.end() : self.rest_start])

    @property
    def test(self) -> str:
        return lab_test(self.test_m)


def _row(
    page: Page,
    line_start: int,
    line: str,
    test_m: re.Match[str],
    dates: list[str],
    row_date: str | None,
) -> Iterator[Fact]:
    """The values of a table row: one per date column, or its one value."""
    rest_start = after_qualifier(line, test_m.end())
    row = _Row(line_start, line, test_m, rest_start, cells(line[rest_start:], bool(dates)))
    if dates:
        yield from _dated_row(page, row, dates)
    else:
        yield from _single_row(page, row, row_date)


def _dated_row(page: Page, row: _Row, dates: list[str]) -> Iterator[Fact]:
    """One value per date column (a blank cell takes its column); a range is the row's, or
    the two numbers after the last column ("3.5 5.1")."""
    values = row.of_kind("value", "blank")
    extra_ranges = [t[1].group(0) for t in values[len(dates) :] if t[1]]
    ranges = row.texts("range")
    rng = ranges[0] if ranges else None
    if rng is None and len(extra_ranges) == 2:
        rng = f"{extra_ranges[0]}-{extra_ranges[1]}"
    unit, test = row.unit, row.test
    for date, (kind, m, offset) in zip(dates, values[: len(dates)], strict=False):
        if kind != "value" or m is None:
            continue
        value = m.group("value") or m.group(0)
        flag = m.groupdict().get("vflag")
        start = row.line_start + row.rest_start + offset + m.start()
        details = lab_details(test, unit, rng, flag, value)
        yield Fact("lab", value, page.evidence(start, start + len(value)), date, details)


def _bound_value(numeric: list[Token]) -> Token | None:
    """A bound first among at most two numbers ("eGFR >90 mL/min"): a value written as a
    bound, as a value token."""
    if not numeric or numeric[0][0] != "range" or len(numeric) > 2:
        return None
    _, m, offset = numeric[0]
    return ("value", m, offset) if m and m.group(0)[0] in "<>≤≥" else None


def _first_value(row: _Row) -> tuple[Token | None, list[str]]:
    """The row's value and its ranges."""
    numeric = [t for t in row.tokens if t[0] in ("value", "range") and t[1]]
    bound = _bound_value(numeric)
    if bound:
        return bound, [t[1].group(0) for t in numeric[1:] if t[0] == "range" and t[1]]
    values = row.of_kind("value", "blank")
    return next((t for t in values if t[0] == "value" and t[1]), None), row.texts("range")


def _single_row(page: Page, row: _Row, row_date: str | None) -> Iterator[Fact]:
    """The row's one value (dated by a date written after it, else the row's date), and an
    earlier value written after it."""
    first, ranges = _first_value(row)
    if first is None or first[1] is None:
        return
    _, m, offset = first
    value = m.groupdict().get("value") or m.group(0)
    after = row.line[row.rest_start + offset + m.end() :]
    if AFTER_VALUE_SKIP.match(after):
        return
    written = _DATE_AFTER_VALUE.match(after)
    if written:  # "ANC recovered to 1.8 on 08/06/2024"
        row_date = next(iso for _, _, iso in find_dates(written.group(0)))
    flags = row.texts("flag")
    flag = m.groupdict().get("vflag") or (flags[0] if flags else None)
    start = row.line_start + row.test_m.start()
    end = row.line_start + row.rest_start + offset + m.start() + len(value)
    unit, test = row.unit, row.test
    details = lab_details(test, unit, ranges[0] if ranges else None, flag, value)
    yield Fact("lab", value, page.evidence(start, end), date=row_date, details=details)
    yield from earlier_value(page, row.line_start, row.line, end - row.line_start, test, unit)
    previous = _PREVIOUS_COLUMN.match(after) if not written else None
    if previous:  # a "previous result and date" column
        p_start = row.line_start + row.rest_start + offset + m.end() + previous.start("value")
        p_value = previous.group("value")
        p_details = lab_details(test, unit, ranges[0] if ranges else None, None, p_value)
        p_ev = page.evidence(p_start, p_start + len(p_value))
        yield Fact("lab", p_value, p_ev, parse_date(previous.group("date")), p_details)


def _is_row(body: str, test_m: re.Match[str]) -> bool:
    """Whether a line starting with a test is a table row: no other test on it, and only
    separators, a bracketed note or filler words between the name and the first number."""
    if LAB_RE.search(body, test_m.end()):
        return False
    after = after_qualifier(body, test_m.end())
    first_number = _DIGIT.search(body, after)
    gap = body[after : first_number.start()] if first_number else ""
    if _BOUND_BEFORE_VALUE.search(gap):
        gap = gap.rstrip("<>≤≥= ")  # "eGFR >60"
    return bool(_ROW_GAP.fullmatch(gap) or FILLER.fullmatch(gap))


class _LabLines:
    """Reads a page's lines in order, keeping the dates that head the lines below: the
    columns' dates, or one date for the rows under it."""

    def __init__(self, page: Page, year: str | None = None) -> None:
        self._page = page
        self._year = year  # the document's year, for dates written without one
        self._flowsheet = Flowsheet()
        self._column_dates: list[str] = []
        self._current_date: str | None = None
        self._collected = False  # the current date is a collection date
        written = _ADMISSION_DATE.search(page.flat)
        self._admission = (
            next(iso for _, _, iso in find_dates(written.group("date"))) if written else None
        )

    def _heading(self, line: str) -> bool:
        """Takes the dates a heading line gives; whether the line is a heading only."""
        found = [iso for _, _, iso in find_dates(line)]
        if not found or LAB_RE.match(line.lstrip("| ")):
            return False
        if (
            len(found) >= 2
            and not _LEADING_DATE.match(line)
            and ":" not in line  # "Admission date: ... Discharge date: ..." is not a header
        ):
            self._column_dates = found
            return True
        collected = _COLLECTED.search(line)
        if collected and len(found) > 1:  # "Date collected: ... Date received: ..."
            found = [iso for _, _, iso in find_dates(line[collected.end() :])][:1] or found
        if len(found) == 1 and _HEADER_HINT.search(line):
            if not (self._collected and _NOT_COLLECTED.search(line) and not collected):
                self._current_date, self._column_dates = found[0], []
                self._collected = bool(collected)
            return not LAB_RE.search(line)
        return False

    def read(self, line_start: int, line: str) -> Iterator[Fact]:
        """The lab facts of one line: a flowsheet's header or row (``lab_flowsheet``); a
        heading of dates gives none; a row dated at its start ("2024-08-01 | ANC | 0.9") or
        not; else prose."""
        flow = self._flowsheet.read(self._page, line_start, line)
        if flow is not None:
            yield from flow
            return
        if self._flowsheet.header(line) or self._heading(line) or _RANGES_ONLY.match(line):
            return
        row_date = self._current_date
        body, body_start = line, line_start
        lead = _LEADING_DATE.match(line)
        if lead and LAB_RE.match(line, lead.end()):
            row_date = find_dates(line[: lead.end()]).__next__()[2]
            body, body_start = line[lead.end() :], line_start + lead.end()
        test_m = LAB_RE.match(body, len(body) - len(body.lstrip("| ")))
        if test_m and row_date is None and self._admission and ADMISSION_CUE.search(body):
            row_date = self._admission  # "K 3.1 on admission"
        if test_m and _is_row(body, test_m):
            dates = self._column_dates if not lead else []
            yield from _row(self._page, body_start, body, test_m, dates, row_date)
        else:
            yield from prose(self._page, line_start, line, row_date, self._admission, self._year)


def labs(page: Page, doc_date: str | None = None) -> Iterator[Fact]:
    """Lab facts on one page (read in its soft-joined text, so a sentence wrapped over two
    lines reads as one); dates are the row's or column's, or None (the document's)."""
    reader = _LabLines(page, doc_date[:4] if doc_date else None)
    for line_start, line in lines(page.flat):
        yield from reader.read(line_start, line)
