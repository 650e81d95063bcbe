"""Tumour biomarkers from record text: ER and PR (status, percent, staining intensity), HER2
(IHC score, ISH result, the derived category) and Ki-67. A receptor's result is read from
the words after its mention by one small rule per kind of statement (a status word, an
Allred score, a bound, a leading percent), tried in order."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from desktop.core.records.facts import Evidence, Fact, Page

_NEG = r"(negative|neg|-(?!\w))"
_POS = r"(positive|pos|\+(?!\w))"
_RECEPTOR = {
    "er": r"(?:estrogen|oestrogen)\s+receptors?|\bER\b",
    "pr": r"progesterone\s+receptors?|\bPgR\b|\bPR\b",
}
# a mention and the words after it, up to the end of its line or sentence
_RECEPTOR_MENTION = {
    name: re.compile(rf"({pattern})\s*(\(\w+\))?\s*[:\-]?\s*(?P<tail>[^\n.;]{{0,60}})", re.I)
    for name, pattern in _RECEPTOR.items()
}
_NEXT_MARKER = re.compile(
    r"\b(?:PR|PgR|ER|HER-?2|progesterone|estrogen|oestrogen|Ki-?67|AR|androgen)\b", re.IGNORECASE
)
_PAIR = re.compile(
    r"^\s*(?:/|and|&)\s*(?:PR|PgR|progesterone receptors?)\b\s*(?:\(\w+\))?\s*[:\-]?",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"(\d{1,3})\s*%")
# "<1%", "less than 1%": a bound, not a percent
_BOUND_PERCENT = re.compile(
    r"(?:<=?|≤|\bless than|\bunder|\bbelow|\bfewer than)\s*(\d{1,3})\s*%", re.IGNORECASE
)
# Allred (quick) score out of 8: "8/8", "Allred 7/8", "(Allred score 6)"
_ALLRED = re.compile(
    r"^\s*(?:\(?(?:allred|quick)(?:\s+score)?\)?\s*[:\-=]?\s*)?([0-8])\s*/\s*8\b"
    r"|\b(?:allred|quick)(?:\s+score)?\s*(?:of\s*)?[:\-=]?\s*([0-8])(?:\s*/\s*8)?\b",
    re.IGNORECASE,
)
# a percent written straight after the receptor: "ER 95%", "PR: 0%"
_LEADING_PERCENT = re.compile(r"^\s*[:=\-]?\s*(\d{1,3})\s*%")
_LEADING_NEG = re.compile(rf"\s*{_NEG}", re.IGNORECASE)
_LEADING_POS = re.compile(rf"\s*{_POS}", re.IGNORECASE)
_LOW = re.compile(r"\blow\b", re.IGNORECASE)
_STATUS_WORD = re.compile(r"\b(positive|negative)\b", re.IGNORECASE)
_INTENSITY = re.compile(
    r"\b(weak|moderate|strong|intense)(?:ly)?\b(?:\s*(?:to|-|/)\s*(weak|moderate|strong)\b)?",
    re.IGNORECASE,
)
_HER2_IHC = re.compile(
    r"HER-?2\b[^.\n]{0,40}?\b(?:IHC)?[^.\n]{0,15}?\b([0-3])\s*(\+|plus)"
    r"|HER-?2\b[^.\n]{0,30}?\b(?:IHC\s*)?(?:score\s*)?(?<![\d.])(0)\b(?![.,]\d|\s*%)",
    re.IGNORECASE,
)
# CAP template: "HER2 (ERBB2) by Immunohistochemistry: Equivocal (Score 2+)"
_HER2_IHC_LONG = re.compile(
    r"HER-?2\b[^.\n]{0,30}?\b(?:immunohistochemi\w*|IHC)\b[^.\n]{0,40}?"
    r"\b(?:score\s*)?([0-3])\s*(\+|plus)",
    re.IGNORECASE,
)
_ULTRALOW = re.compile(
    r"ultra-?low|faint[^.\n]{0,60}incomplete|incomplete[^.\n]{0,40}faint|"
    r"≤\s*10\s*%|<=\s*10\s*%|up to 10\s*%",
    re.IGNORECASE,
)
_ISH = re.compile(
    r"\b(FISH|ISH|in situ hybridi[sz]ation|SISH|CISH|DISH)\b(?:[^.\n]|\.\d){0,60}?"
    r"\b(not amplified|non-?amplified|negative|amplified|positive)\b",
    re.IGNORECASE,
)
_KI67 = re.compile(r"Ki-?67[^.\n%]{0,30}?(\d{1,3})\s*%", re.IGNORECASE)


@dataclass(frozen=True)
class _Tail:
    """The words after a receptor's mention (cut at the next marker), with what the status
    rules read in them."""

    name: str  # "er" or "pr"
    words: str
    exact: str  # ``words`` with bounds ("<1%") blanked: what an exact percent is read from
    bounds: list[re.Match[str]] = field(default_factory=list)
    percent: re.Match[str] | None = None
    allred: int | None = None


def _tail(name: str, words: str) -> _Tail:
    if name == "er":
        pair = _PAIR.match(words)  # "ER/PR positive": the status is shared
        if pair:
            words = words[pair.end() :]
    nxt = _NEXT_MARKER.search(words)
    if nxt:
        words = words[: nxt.start()]
    bounds = list(_BOUND_PERCENT.finditer(words))
    exact = words
    for b in bounds:  # "<1%" gives no percent
        exact = exact[: b.start()] + " " * (b.end() - b.start()) + exact[b.end() :]
    allred = _ALLRED.search(words)
    score = int(allred.group(1) or allred.group(2)) if allred else None
    return _Tail(name, words, exact, bounds, _PERCENT.search(exact), score)


def _written_status(tail: _Tail) -> str | None:
    """A status word: "negative", "ER+", "ER low", "ER: 90% positive"."""
    if _LEADING_NEG.match(tail.words):
        return "negative"
    if _LEADING_POS.match(tail.words):
        return "positive"
    if tail.name == "er" and _LOW.search(tail.words):
        return "low positive"
    word = _STATUS_WORD.search(tail.words[:40])
    return word.group(1).lower() if word else None


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
    if tail.bounds and not tail.percent and int(tail.bounds[0].group(1)) <= 1:
        return "negative"
    return None


def _leading_percent_status(tail: _Tail) -> str | None:
    """ "ER 95%": ASCO/CAP, 1% or more is positive."""
    leading = _LEADING_PERCENT.match(tail.exact)
    if not leading:
        return None
    pct = int(leading.group(1))
    return "negative" if pct == 0 else "positive" if pct <= 100 else None


# the rules for a receptor's status, in order: the first that gives one decides
_STATUS_RULES: tuple[Callable[[_Tail], str | None], ...] = (
    _written_status,
    _allred_status,
    _bound_status,
    _leading_percent_status,
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
    pct = int(tail.percent.group(1)) if tail.percent else None
    if tail.name == "er" and status == "positive" and pct is not None and 1 <= pct <= 10:
        return "low positive"
    return status


def _receptor_facts(tail: _Tail, ev: Evidence) -> Iterator[Fact]:
    """The status, percent and intensity one mention states (nothing when it states
    neither a status nor a percent)."""
    status = _receptor_status(tail)
    if status is None and tail.percent is None:
        return
    name, percent = tail.name, tail.percent
    if status:
        details = {"scale": f"Allred {tail.allred}/8"} if tail.allred is not None else {}
        yield Fact(f"{name}_status", status, ev, details=details)
    if percent:
        yield Fact(f"{name}_percent", percent.group(1), ev)
    intensity = _intensity(tail.words)
    if intensity and status != "negative":
        yield Fact(f"{name}_intensity", intensity, ev)


def receptors(page: Page) -> Iterator[Fact]:
    """ER and PR: status, percent and staining intensity, per mention."""
    for name, mention in _RECEPTOR_MENTION.items():
        for m in mention.finditer(page.flat):
            tail = _tail(name, m.group("tail"))
            yield from _receptor_facts(tail, page.evidence(m.start(), m.end()))


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


def _ihc_scores(flat: str) -> dict[str, tuple[int, int]]:
    """Each distinct HER2 IHC score on the page, with the (start, end) of its first mention
    (overlapping mentions read once, the first kept)."""
    found: dict[int, tuple[int, int, str]] = {}
    for pattern in (_HER2_IHC, _HER2_IHC_LONG):
        for m in pattern.finditer(flat):
            ihc = f"{m.group(1)}+" if m.group(1) else "0"
            found.setdefault(m.start(), (m.start(), m.end(), "0" if ihc == "0+" else ihc))
    distinct: dict[str, tuple[int, int]] = {}
    last_end = None
    for start, end, ihc in sorted(found.values()):
        if last_end is not None and start < last_end:
            continue
        last_end = end
        distinct.setdefault(ihc, (start, end))
    return distinct


def _ish(text: str) -> tuple[str, re.Match[str]] | None:
    """The first ISH result in ``text`` ("amplified" or "not amplified") and its match."""
    m = _ISH.search(text)
    if not m:
        return None
    word = m.group(2).lower()
    return ("amplified" if word in ("amplified", "positive") else "not amplified"), m


def her2(page: Page) -> Iterator[Fact]:
    """HER2 IHC and ISH and the derived category. When a page gives different IHC scores
    (a primary and a recurrence), each is kept, with the ISH result and ultralow wording
    found between it and the next HER2 score."""
    flat = page.flat
    ish = _ish(flat)
    ish_ev = page.evidence(ish[1].start(), ish[1].end()) if ish else None
    if ish and ish_ev:
        yield Fact("her2_ish", ish[0], ish_ev)
    scores = _ihc_scores(flat)
    if len(scores) > 1:
        yield from _her2_per_score(page, scores)
        return
    ihc = next(iter(scores), None)
    ihc_ev = page.evidence(*scores[ihc]) if ihc else None
    if ihc and ihc_ev:
        yield Fact("her2_ihc", ihc, ihc_ev)
    category = her2_category(ihc, ish[0] if ish else None, bool(_ULTRALOW.search(flat)))
    ev = ish_ev or ihc_ev
    if category and ev:
        yield Fact("her2_category", category, ev)


def _her2_per_score(page: Page, scores: dict[str, tuple[int, int]]) -> Iterator[Fact]:
    """Each IHC score with the category read from the text up to the next score."""
    starts = sorted(start for start, _ in scores.values())
    for ihc, (start, end) in scores.items():
        later = [s for s in starts if s > start]
        window = page.flat[start : later[0] if later else len(page.flat)]
        local = _ish(window)
        ev = page.evidence(start, end)
        yield Fact("her2_ihc", ihc, ev)
        category = her2_category(ihc, local[0] if local else None, bool(_ULTRALOW.search(window)))
        if category:
            yield Fact("her2_category", category, ev)


def ki67(page: Page) -> Iterator[Fact]:
    """Ki-67 percent, per mention."""
    for m in _KI67.finditer(page.flat):
        yield Fact("ki67_percent", m.group(1), page.evidence(*m.span()))
