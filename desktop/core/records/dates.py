"""Dates in record text, in the formats clinics write them (ISO, US month-first and
unambiguous day-first numeric dates, dotted European dates, month names), as ISO strings."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from contextvars import ContextVar

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
    rf"|(?<![\d./-])(?P<sa>\d{{1,2}})(?P<ssep>[/.])(?P<sb>\d{{1,2}})(?P=ssep)(?P<sy>\d{{2}})"
    r"(?!\d|[./-]\d)"
    rf"|\b(?P<dd>\d{{1,2}})(?:st|nd|rd|th)?[\s-]+(?P<dm>{_MON})[\s,-]+(?P<dy>{_YEAR})\b"
    rf"|\b(?P<mm>{_MON})\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<my>{_YEAR})\b",
    re.IGNORECASE,
)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return datetime.date(year, month, day).isoformat()
    except ValueError:
        return None


def _numeric(m: re.Match[str]) -> tuple[int, int, int, str] | None:
    """(first number, second number, year, separator) of a numeric date; a two-digit year
    ("03/02/25") is 20yy up to 40, else 19yy (a birth year)."""
    if m.group("ny"):
        return int(m.group("a")), int(m.group("b")), int(m.group("ny")), m.group("sep")
    if m.group("sy"):
        short = int(m.group("sy"))
        year = 2000 + short if short <= 40 else 1900 + short
        return int(m.group("sa")), int(m.group("sb")), year, m.group("ssep")
    return None


def _from_match(m: re.Match[str], day_first: bool = False) -> str | None:
    if m.group("iy"):
        return _iso(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
    numeric = _numeric(m)
    if numeric:
        a, b, year, sep = numeric
        if sep == ".":  # 22.08.2024: day first
            return _iso(year, b, a)
        if a > 12 or day_first:  # 22/08/2024, or a text that writes dates day-first
            return _iso(year, b, a)
        return _iso(year, a, b)  # 08/22/2024 and ambiguous ones: US month-first
    if m.group("dy"):
        month = _MONTHS[m.group("dm")[:3].lower()]
        return _iso(int(m.group("dy")), month, int(m.group("dd")))
    month = _MONTHS[m.group("mm")[:3].lower()]
    return _iso(int(m.group("my")), month, int(m.group("md")))


# the document's reading of ambiguous numeric dates, set by ``document_order`` (None: unknown)
_DAY_FIRST: ContextVar[bool | None] = ContextVar("day_first", default=None)

# spellings and markers of documents written where dates are day-first (UK, Ireland,
# Australia, New Zealand, India; not Canada, which writes both); two different ones are needed
_DAY_FIRST_MARKERS = re.compile(
    r"\b(?:NHS|FBC|U&Es?|NSW|QLD|HSE|Eircode|MBBS|(?i:oestrogen|haem\w+|anaemi\w+|oedema\w*|"
    r"diarrhoea\w*|paracetamol|amenorrho\w+|programme|organis\w+|hospitalis\w+|recognis\w+|"
    r"randomis\w+|paediatric|gynaecolog\w+))\b"
)


def _numeric_order(matches: list[re.Match[str]]) -> bool | None:
    """True when a numeric date is unambiguously day-first (22/08/2024), False when one is
    unambiguously month-first (08/22/2024), None when neither or both."""
    numeric = [n for n in map(_numeric, matches) if n and n[3] != "."]
    day = any(a > 12 >= b for a, b, _, _ in numeric)
    month = any(b > 12 >= a for a, b, _, _ in numeric)
    return day if day != month else None


def document_day_first(pages: list[str]) -> bool | None:
    """Whether a document writes numeric dates day-first: an unambiguous date decides
    (if its dates disagree, None); otherwise two different UK/Irish/Australian/Indian
    spellings or markers say day-first; otherwise None (read month-first)."""
    text = "\n".join(pages)
    order = _numeric_order(list(DATE.finditer(text)))
    if order is not None:
        return order
    if any(n and n[3] != "." for n in map(_numeric, DATE.finditer(text))):
        markers = {m.group(0).lower() for m in _DAY_FIRST_MARKERS.finditer(text)}
        if len(markers) >= 2:
            return True
    return None


@contextlib.contextmanager
def document_order(day_first: bool | None) -> Iterator[None]:
    """Within the block, ambiguous numeric dates are read as the document writes them."""
    token = _DAY_FIRST.set(day_first)
    try:
        yield
    finally:
        _DAY_FIRST.reset(token)


def find_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, ISO date) for each valid date in ``text``. Ambiguous numeric dates
    (03/04/2024) are read month-first, unless the text writes another one day-first or the
    document being read writes them day-first (``document_order``)."""
    matches = list(DATE.finditer(text))
    order = _numeric_order(matches)
    day_first = bool(_DAY_FIRST.get()) if order is None else order
    for m in matches:
        iso = _from_match(m, day_first)
        if iso:
            yield m.start(), m.end(), iso


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO, or None."""
    return next((iso for _, _, iso in find_dates(text)), None)


_NO_YEAR = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?(?!\s*,?\s*(?:19|20)\d{2})(?![a-z])"
    r"|\b(?P<m2>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?P<d2>\d{1,2})"
    r"(?:st|nd|rd|th)?\b(?!\s*,?\s*(?:19|20)\d{2})(?!\s*(?:mg|mcg|g|units|%))",
    re.IGNORECASE,
)


_MAY_VERB = re.compile(r"\s+(?:be|have|need|not|also|help|cause|require|take|start|stop)\b")


def dates_with_year(text: str, year: str | None) -> list[tuple[int, int, str]]:
    """(start, end, ISO) of each date in ``text``: full dates, and day-month dates without a
    year ("23 June", "June 23") given ``year`` when one is known."""
    found = list(find_dates(text))
    if year:
        taken = [(a, b) for a, b, _ in found]
        for m in _NO_YEAR.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            if _MAY_VERB.match(text, m.end()):  # "cycle 2 may be delayed"
                continue
            day = int(m.group("d") or m.group("d2"))
            month = _MONTHS[(m.group("m") or m.group("m2")).lower()[:3]]
            iso = _iso(int(year), month, day)
            if iso:
                found.append((m.start(), m.end(), iso))
    return sorted(found)
