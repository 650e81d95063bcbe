"""Tumour biomarkers from record text: ER and PR (status, percent, staining intensity), HER2
(IHC score, ISH result, the derived category) and Ki-67.

Each ER/PR/HER2 statement (``marker_statements``: a mention, the result written before it,
the words after it) is read here on the masked page (``report_layout``: legends, scales and
criteria blanked). A receptor's status is read by one small rule per kind of statement (a
status word, an Allred score, a bound, a leading percent), tried in order."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from desktop.core.records.facts import Evidence, Fact, Page
from desktop.core.records.marker_statements import Statement
from desktop.core.records.receptor_words import (
    ISH_WORDS,
    Her2Reading,
    PercentReading,
    clean_tail,
    ish_result,
    percent_reading,
)

# a status right after the marker: "ER+", "ER-, PR-" ("ER/PR- POSITIVE": "-" is a dash)
_LEADING_POS = re.compile(r"\s*\+(?!\s*\d)")
_LEADING_NEG = re.compile(r"\s*-(?=\s*(?:[,;/)]|and\b|$))", re.IGNORECASE)
_POSITIVE = re.compile(
    r"\b(?:positive|pos)\b|\b(?:found|expression|expressed|staining)\s+in\s+(?:\w+\s+){0,3}"
    r"(?:over\s+|more\s+than\s+|less\s+than\s+|approximately\s+)?[1-9]\d{0,2}\s*(?:-\s*\d+\s*)?%",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"\b(?:negative|neg)\b|\bno\s+(?:\w+\s+){0,2}?(?:expression|immunoreactiv\w*|staining|"
    r"reactivity)|\bnot\s+expressed\b",
    re.IGNORECASE,
)
_LOW = re.compile(r"^\W*(?:\w+\W+){0,2}?low\b", re.IGNORECASE)
_PENDING = re.compile(
    r"^[\W\w]{0,30}?\b(?:pending|ordered|will\s+be|to\s+follow|in\s+progress|requested|"
    r"not\s+(?:performed|done|available)|unable\s+to|cannot\s+be|sent\s+(?:for|to))\b",
    re.IGNORECASE,
)
# Allred (quick) score out of 8: "8/8", "Allred 7/8", "(Allred score 6)", "ER,PR-8 points"
_ALLRED = re.compile(
    r"^\s*(?:\(?(?:allred|quick)(?:\s+score)?\)?\s*[:\-=]?\s*)?([0-8])\s*/\s*8\b"
    r"|\b(?:allred|quick)(?:\s+score)?\s*(?:of\s*)?[:\-=]?\s*([0-8])(?:\s*/\s*8)?\b"
    r"|^\W*([0-8])\s*points?\b",
    re.IGNORECASE,
)
_INTENSITY = re.compile(
    r"\b(weak|moderate|strong|intense)(?:ly)?\b(?:\s*(?:to|-|/)\s*(weak|moderate|strong)\b)?",
    re.IGNORECASE,
)
_ULTRALOW = re.compile(
    r"ultra-?low|faint[^.\n]{0,60}incomplete|incomplete[^.\n]{0,40}faint|"
    r"≤\s*10\s*%|<=\s*10\s*%|up to 10\s*%",
    re.IGNORECASE,
)
_KI67 = re.compile(r"Ki-?67[^.\n%\x1f]{0,30}?(\d{1,3})\s*%", re.IGNORECASE)


@dataclass(frozen=True)
class _Tail:
    """What one statement writes about a receptor."""

    name: str  # "er" or "pr"
    before: str | None  # a result written before the marker
    words: str  # the words after it (definitions blanked)
    percent: PercentReading | None = None
    allred: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _allred(words: str) -> int | None:
    m = _ALLRED.search(words)
    if not m:
        return None
    return int(next(g for g in m.groups() if g is not None))


def _first_status(words: str) -> str | None:
    """The first status word or phrase in ``words`` ("positive", "no expression")."""
    pos, neg = _POSITIVE.search(words), _NEGATIVE.search(words)
    if pos and (not neg or pos.start() < neg.start()):
        return "positive"
    return "negative" if neg else None


def _written_status(tail: _Tail) -> str | None:
    """A status written before the marker or after it: "negative", "ER+", "ER low"."""
    if tail.before in ("positive", "negative"):
        return tail.before
    if _LEADING_POS.match(tail.words):
        return "positive"
    if _LEADING_NEG.match(tail.words):
        return "negative"
    if tail.name == "er" and _LOW.search(tail.words):
        return "low positive"
    return _first_status(tail.words)


def _allred_status(tail: _Tail) -> str | None:
    """Allred 0-2 is negative (<1% of cells stain); 6-8 positive (over 10%); 3-5 could be
    ER-low or positive, so no status."""
    if tail.allred is None:
        return None
    if tail.allred <= 2:
        return "negative"
    return "positive" if tail.allred >= 6 else None


def _bound_status(tail: _Tail) -> str | None:
    """ "ER <1%": negative."""
    p = tail.percent
    return "negative" if p and p.below_one else None


def _percent_status(tail: _Tail) -> str | None:
    """ "ER 95%", "found in 75% of cells": ASCO/CAP, 1% or more is positive."""
    p = tail.percent
    if not p or p.value is None or not p.leading:
        return None
    return "negative" if p.high == 0 else "positive"


# the rules for a receptor's status, in order: the first that gives one decides
_STATUS_RULES: tuple[Callable[[_Tail], str | None], ...] = (
    _written_status,
    _allred_status,
    _bound_status,
    _percent_status,
)


def _intensity(words: str) -> str | None:
    m = _INTENSITY.search(words)
    if not m:
        return None
    first = m.group(1).lower().replace("intense", "strong")
    second = (m.group(2) or "").lower()
    return f"{first} to {second}" if second and second != first else first


def _receptor_status(tail: _Tail) -> str | None:
    """The status the first rule gives; ER positive in 1-10% of cells is ER-low."""
    status = next((s for rule in _STATUS_RULES if (s := rule(tail)) is not None), None)
    p = tail.percent
    if tail.name == "er" and status == "positive" and p and p.high is not None and p.high <= 10:
        return "low positive"
    return status


def _receptor_facts(tail: _Tail, ev: Evidence) -> Iterator[Fact]:
    """The status, percent and intensity one statement gives (nothing when it states
    neither a status nor a percent)."""
    status = _receptor_status(tail)
    percent = tail.percent.value if tail.percent else None
    if status is None and percent is None:
        return
    name = tail.name
    if status:
        details = {"scale": f"Allred {tail.allred}/8"} if tail.allred is not None else {}
        yield Fact(f"{name}_status", status, ev, details=details)
    if percent is not None:
        yield Fact(f"{name}_percent", percent, ev)
    intensity = _intensity(tail.words)
    if intensity and status != "negative":
        yield Fact(f"{name}_intensity", intensity, ev)


def _evidence(page: Page, st: Statement, used: int) -> Evidence:
    """Evidence from the statement's start to the end of what was read of its tail."""
    end = st.tail_start + used if used else st.end
    return page.evidence(st.start, max(end, st.end))


def _used(words: str) -> int:
    """How much of a tail a reading used: up to its first clause end after a result."""
    m = re.search(
        r"(?:positive|negative|pos|neg|expression|\d\s*%|\d\s*\+|[0-8]\s*/\s*8)", words, re.I
    )
    if not m:
        return len(words.rstrip())
    stop = re.compile(r"\.(?=\s|$)|[;\n]").search(words, m.end())
    return stop.start() if stop else len(words.rstrip())


def receptors(page: Page) -> Iterator[Fact]:
    """ER and PR: status, percent and staining intensity, per statement."""
    for st in page.statements:
        names = [k for k in st.kinds if k in ("er", "pr")]
        if not names or (_PENDING.match(st.tail) and st.before is None):
            continue
        words = clean_tail(st.tail)
        for name in names:
            tail = _Tail(name, st.before, words, percent_reading(words), _allred(words))
            yield from _receptor_facts(tail, _evidence(page, st, _used(words)))


def her2_category(ihc: str | None, ish: str | None, ultralow: bool) -> str | None:
    """HER2 category from the IHC score and ISH result (ASCO/CAP; HER2-low and -ultralow)."""
    if ish == "amplified" or ihc == "3+":
        return "positive"
    if ihc == "2+":
        return "low" if ish == "not amplified" else "equivocal (ISH result needed)"
    if ihc == "1+":
        return "low"
    if ihc == "0":
        return "ultralow" if ultralow else "zero"
    return None


@dataclass(frozen=True)
class _Found:
    """One HER2 result on the page, where it is and its evidence."""

    kind: str  # "ihc", "ish" or "status"
    value: str
    pos: int
    ev: Evidence
    window: str = ""  # the words after an IHC score, for ultralow wording


def _her2_results(page: Page) -> list[_Found]:
    """Every HER2 IHC score, ISH result and bare status on the page, in order."""
    found: list[_Found] = []
    for st in page.statements:
        if "her2" not in st.kinds or (_PENDING.match(st.tail) and st.before is None):
            continue
        words = clean_tail(st.tail)
        reading = Her2Reading.read(st.before, words)
        ev = _evidence(page, st, _used(words))
        if reading.score is not None:
            found.append(_Found("ihc", reading.score, st.start, ev, words))
        if reading.ish is not None:
            found.append(_Found("ish", reading.ish, st.start, ev))
        if reading.status is not None:
            found.append(_Found("status", reading.status, st.start, ev))
    seen = {(f.kind, f.pos) for f in found}
    for start, end, value in ish_result(page.masked):
        if not any(k == "ish" and abs(p - start) < 200 for k, p in seen):
            found.append(_Found("ish", value, start, page.evidence(start, end)))
    return sorted(found, key=lambda f: f.pos)


def _nearest_ish(found: list[_Found], pos: int) -> _Found | None:
    ish = [f for f in found if f.kind == "ish"]
    return min(ish, key=lambda f: (abs(f.pos - pos), f.pos < pos), default=None)


def her2(page: Page) -> Iterator[Fact]:
    """HER2 IHC and ISH results and the category each IHC score gives (a 2+ with the ISH
    result nearest to it). Without a score: the category an ISH result or a bare status
    gives ("negative" when the report says only that)."""
    found = _her2_results(page)
    ihc = [f for f in found if f.kind == "ihc"]
    for value in dict.fromkeys(f.value for f in found if f.kind == "ish"):
        first = next(f for f in found if f.kind == "ish" and f.value == value)
        yield Fact("her2_ish", value, first.ev)
    scores: dict[str, _Found] = {}
    for f in ihc:
        scores.setdefault(f.value, f)
    later = sorted(f.pos for f in scores.values())
    for score, f in scores.items():
        yield Fact("her2_ihc", score, f.ev)
        nxt = next((p for p in later if p > f.pos), None)
        window = page.masked[f.pos : nxt if nxt is not None else len(page.masked)]
        ish = _nearest_ish(found, f.pos) if score == "2+" else None
        category = her2_category(score, ish.value if ish else None, bool(_ULTRALOW.search(window)))
        if category:
            yield Fact("her2_category", category, ish.ev if ish else f.ev)
    if scores:
        return
    yield from _unscored_category(found)


def _unscored_category(found: list[_Found]) -> Iterator[Fact]:
    """The category without an IHC score: ISH amplified is positive; a bare status."""
    amplified = next((f for f in found if f.kind == "ish" and f.value == "amplified"), None)
    if amplified:
        yield Fact("her2_category", "positive", amplified.ev)
        return
    if any(f.kind == "ish" for f in found):
        return  # ISH not amplified alone: the category needs the IHC score
    for status in dict.fromkeys(f.value for f in found if f.kind == "status"):
        f = next(x for x in found if x.kind == "status" and x.value == status)
        value = "equivocal (ISH result needed)" if status == "equivocal" else status
        yield Fact("her2_category", value, f.ev)


def ki67(page: Page) -> Iterator[Fact]:
    """Ki-67 percent, per mention."""
    for m in _KI67.finditer(page.masked):
        yield Fact("ki67_percent", m.group(1), page.evidence(*m.span()))


__all__ = ["ISH_WORDS", "her2", "her2_category", "ki67", "receptors"]
