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

_UNIT_BRACKET = re.compile(rf"\s*\(\s*(?P<unit>{UNIT})\s*\)", re.I)
_SEPARATORS = re.compile(r"[\s|,/]*")
# the words a header may have around its tests: "Date", "Specimen date", "Cycle Day", "Comment"
_SIDE_WORDS = re.compile(r"[A-Za-z/#.|\s-]{0,40}")
_UNITS_LINE = re.compile(rf"^\s*(?:units?\s*[:|]?\s*)?(?:(?:{UNIT})(?![A-Za-z0-9])\s*)+$", re.I)
_RANGE = rf"(?:{NUM})\s*(?:-|–)\s*(?:{NUM})|(?:<=|>=|<|>|≤|≥)\s*(?:{NUM})"
_REF_WORD = r"(?:ref(?:erence)?\.?(?:\s*(?:range|interval)s?)?|range|normal)\s*[:|]?\s*"
_RANGES_LINE = re.compile(
    rf"^\s*(?:{_REF_WORD}(?:{_RANGE})\s*)+$|^\s*{_REF_WORD}(?:(?:{_RANGE})\s*)+$", re.I
)
_CELL = re.compile(
    rf"\s*(?:(?P<value>(?:<|>)?(?:{NUM}))(?:\s*\(?(?P<flag>HH|LL|H|L|\*)\)?(?![A-Za-z0-9]))?"
    r"|(?P<blank>(?:-{1,2}|—|n/?a|NA)(?!\S)))"
)
_PREFIX = 16  # the most a row may hold before its date ("C4   D1   ")


class Flowsheet:
    """The columns of the flowsheet being read on a page, if any."""

    def __init__(self) -> None:
        self._tests: list[re.Match[str]] = []
        self._units: list[str | None] = []
        self._ranges: list[str | None] = []
        self._suffix = False  # the header has columns after its tests ("Comment", "Dose")

    def header(self, line: str) -> bool:
        """Takes a line of test names (each perhaps with its unit in brackets) as the
        columns; whether it was one."""
        tests = list(LAB_RE.finditer(line))
        if len(tests) < 2 or not _SIDE_WORDS.fullmatch(line[: tests[0].start()]):
            return False
        units: list[str | None] = []
        for test, nxt in zip(tests, [*tests[1:], None], strict=True):
            unit = _UNIT_BRACKET.match(line, test.end())
            units.append(unit.group("unit") if unit else None)
            gap_end = nxt.start() if nxt else len(line)
            gap = line[unit.end() if unit else test.end() : gap_end]
            if not (_SEPARATORS.fullmatch(gap) or (nxt is None and _SIDE_WORDS.fullmatch(gap))):
                return False
        self._tests, self._units, self._ranges = tests, units, [None] * len(tests)
        last = _UNIT_BRACKET.match(line, tests[-1].end())
        self._suffix = bool(re.search(r"[A-Za-z]", line[last.end() if last else tests[-1].end() :]))
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
        date = next(iter(find_dates(line)), None)
        if date is None or len(line[: date[0]].strip()) > _PREFIX:
            self._tests = []
            return None
        cells, pos = [], date[1]
        for _ in self._tests:
            cell = _CELL.match(line, pos)
            if not cell or not (cell.group("value") or cell.group("blank")):
                break
            cells.append(cell)
            pos = cell.end()
        tail = line[pos:]
        if len(cells) != len(self._tests) or (tail.strip() and not self._suffix):
            self._tests = []
            return None
        return self._facts(page, line_start, cells, date[2])

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
