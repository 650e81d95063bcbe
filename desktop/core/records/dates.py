"""Dates in record text, in the formats clinics write them (ISO, US month-first and
unambiguous day-first numeric dates, dotted European dates, month names), as ISO strings."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_YEAR = r"(?:19|20)\d{2}"
DATE = re.compile(
    rf"(?<![\d.])(?P<iy>{_YEAR})[-/.](?P<im>\d{{1,2}})[-/.](?P<id>\d{{1,2}})(?![\d])"
    rf"|(?<![\d./-])(?P<a>\d{{1,2}})(?P<sep>[/.-])(?P<b>\d{{1,2}})(?P=sep)(?P<ny>{_YEAR})(?!\d)"
    rf"|\b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<dm>{_MON})[\s,-]+(?P<dy>{_YEAR})\b"
    rf"|\b(?P<mm>{_MON})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>{_YEAR})\b",
    re.IGNORECASE,
)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str], day_first: bool = False) -> str | None:
    if m.group("iy"):
        return _iso(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    if m.group("ny"):
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("ny"))
        if m.group("sep") == ".":  # 22.08.2024: day first
            return _iso(year, b, a)
        if a > 12 or day_first:  # 22/08/2024, or a text that writes dates day-first
            return _iso(year, b, a)
        return _iso(year, a, b)  # 08/22/2024 and ambiguous ones: US month-first
    if m.group("dy"):
        month = _MONTHS[m.group("dm")[:3].lower()]
        return _iso(int(m.group("dy")), month, int(m.group("dd")))
    month = _MONTHS[m.group("mm")[:3].lower()]
    return _iso(int(m.group("my")), month, int(m.group("md")))


def find_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, ISO date) for each valid date in ``text``. Ambiguous numeric dates
    (03/04/2024) are read month-first, unless the text writes another one day-first."""
    matches = list(DATE.finditer(text))
    day_first = any(
        m.group("ny") and m.group("sep") != "." and int(m.group("a")) > 12 for m in matches
    )
    for m in matches:
        iso = _from_match(m, day_first)
        if iso:
            yield m.start(), m.end(), iso


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO, or None."""
    return next((iso for _, _, iso in find_dates(text)), None)
