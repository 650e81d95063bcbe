"""Flowsheets: lab tables whose columns are tests and whose rows are dates, as infusion
centres print them::

    Date        WBC    ANC    Hgb     Plt
                K/uL   K/uL   g/dL    K/uL
    Ref         4.0-11.0 1.5-8.0 12.0-15.5 150-400
    07/08/2025  5.2    3.4    12.4    254
    08/05/2025  2.8 L  1.0 L  11.6 L  188

A line naming two or more tests and nothing else (a "Date" word aside) opens the columns; a
line of units gives each column its unit, a "Ref"/"Range" line its reference range; each line
that starts with a date gives one value per column (a flag after a value is that value's),
dated by its row."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.dates import find_dates
from desktop.core.records.facts import Fact, Page
from desktop.core.records.lab_values import NUM, UNIT, lab_details
from desktop.core.records.vocabulary import LAB_RE, lab_test

_HEAD_WORD = re.compile(r"^\s*(?:date(?:/time)?|collected|drawn|day)?\s*[:|]?\s*", re.I)
_UNITS_LINE = re.compile(rf"^\s*(?:units?\s*[:|]?\s*)?(?:(?:{UNIT})(?![A-Za-z0-9])\s*)+$", re.I)
_RANGE = rf"(?:{NUM})\s*(?:-|–)\s*(?:{NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{NUM})"
_RANGES_LINE = re.compile(
    rf"^\s*(?:ref(?:erence)?\.?(?:\s*(?:range|interval)s?)?|range|normal)\s*[:|]?\s*"
    rf"(?:(?:{_RANGE})\s*)+$",
    re.I,
)
_CELL = re.compile(
    rf"(?P<value>(?:<|>)?(?:{NUM}))(?:\s*\(?(?P<flag>HH|LL|H|L|\*)\)?(?![A-Za-z0-9]))?"
    r"|(?P<blank>(?<!\S)(?:-{1,2}|—|n/?a|NA)(?!\S))"
)
_ROW_DATE = re.compile(r"^\s*(?P<date>\S+(?:\s+\d{1,2}:\d{2})?)\s+")


class Flowsheet:
    """The columns of the flowsheet being read on a page, if any."""

    def __init__(self) -> None:
        self._tests: list[re.Match[str]] = []
        self._units: list[str | None] = []
        self._ranges: list[str | None] = []

    def header(self, line: str) -> bool:
        """Takes a line of test names as the columns; whether it was one."""
        head = _HEAD_WORD.match(line)
        rest = line[head.end() if head else 0 :]
        tests = list(LAB_RE.finditer(rest))
        if len(tests) < 2 or re.sub(r"[\s|,/]+", "", LAB_RE.sub("", rest)):
            return False
        self._tests, self._units, self._ranges = tests, [None] * len(tests), [None] * len(tests)
        return True

    def _spec(self, line: str) -> bool:
        """Takes a line of units or of reference ranges under the columns."""
        if _UNITS_LINE.match(line):
            found = [m.group(0) for m in re.finditer(rf"(?:{UNIT})(?![A-Za-z0-9])", line)]
            if len(found) == len(self._tests):
                self._units = list(found)
                return True
        if _RANGES_LINE.match(line):
            found = [m.group(0) for m in re.finditer(_RANGE, line)]
            if len(found) == len(self._tests):
                self._ranges = list(found)
                return True
        return False

    def read(self, page: Page, line_start: int, line: str) -> Iterator[Fact] | None:
        """The facts of a line under the columns (None when the line is not one of the
        flowsheet's: the flowsheet then ends)."""
        if not self._tests:
            return None
        if self._spec(line):
            return iter(())
        lead = _ROW_DATE.match(line)
        dates = [iso for a, _, iso in find_dates(line[: lead.end()])] if lead else []
        if not lead or len(dates) != 1:
            self._tests = []
            return None
        cells = list(_CELL.finditer(line, lead.end()))
        tail = line[cells[-1].end() :] if cells else line[lead.end() :]
        if len(cells) != len(self._tests) or tail.strip():
            self._tests = []
            return None
        return self._facts(page, line_start, cells, dates[0])

    def _facts(
        self, page: Page, line_start: int, cells: list[re.Match[str]], date: str
    ) -> Iterator[Fact]:
        for i, cell in enumerate(cells):
            if cell.group("blank"):
                continue
            value = cell.group("value")
            test = lab_test(self._tests[i])
            details = lab_details(test, self._units[i], self._ranges[i], cell.group("flag"), value)
            start = line_start + cell.start("value")
            yield Fact("lab", value, page.evidence(start, start + len(value)), date, details)
