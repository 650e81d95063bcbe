"""Clinical facts stated in prose: metastatic sites (only when stated as metastasis, never
when negated or hedged), menopausal status, and procedures with their status (done,
planned, declined) and date."""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from desktop.core.records.dates import find_dates, parse_date
from desktop.core.records.facts import (
    FAMILY,
    HEDGE,
    CueFinder,
    Fact,
    Page,
    Spans,
    negated_before,
    window_after,
    window_before,
)
from desktop.core.records.vocabulary import NOT_A_SITE, PROCEDURES, SITES

_MET_CUE = re.compile(
    r"metasta\w*|\bmets\b|\bspread (?:to|into)\b|\bsecondary deposits?\b|\bdeposits?\b|"
    r"\b(?:bone|liver|brain|lung|visceral)[\s-]only disease\b|\bmetastatic disease\b",
    re.IGNORECASE,
)
_SITE_RE = re.compile(
    "|".join(f"(?P<s{i}>\\b(?:{pattern})\\b)" for i, (_, pattern) in enumerate(SITES)),
    re.IGNORECASE,
)
_POST_NEG = re.compile(
    r"\b(?:no (?:evidence|sign|definite|suspicious|metasta\w*|lesions?|abnormalit\w+)|"
    r"negative|not (?:seen|identified|present|detected|demonstrated|visuali[sz]ed)|absent|"
    r"none|unremarkable|without evidence|free of|normal|clear)\b",
    re.IGNORECASE,
)
_IMAGING_REGION = re.compile(r"(?:abdomen|chest|thorax)\s*(?:/|,|and)\s*$", re.IGNORECASE)


def _clause_after(sentence: str, pos: int) -> str:
    tail = window_after(sentence, pos)
    cut = re.search(r",|\band\b|\bwith\b|\bbut\b|\bwhich\b", tail)
    return tail[: cut.start()] if cut else tail


def _until_conjunction(sentence: str, pos: int) -> str:
    tail = window_after(sentence, pos)
    cut = re.search(r"\band\b|\bbut\b|\bwhile\b|\bwhereas\b", tail)
    return tail[: cut.start()] if cut else tail


def _stated_site(sentence: str, m: re.Match[str]) -> bool:
    """Whether the site mention ``m`` is stated as a metastasis: not part of a longer name,
    not a scanned region ("CT chest/abdomen/pelvis"), not negated, not hedged."""
    if NOT_A_SITE.match(sentence, m.end()):
        return False
    # the clause before the site, read back at most a few hundred characters
    before = window_before(sentence, m.start())
    if _IMAGING_REGION.search(before):
        return False
    if negated_before(before) or _POST_NEG.search(_clause_after(sentence, m.end())):
        return False
    return not (HEDGE.search(before[-40:]) or HEDGE.search(_until_conjunction(sentence, m.end())))


def metastatic_sites(page: Page) -> Iterator[Fact]:
    for s_start, sentence in page.sentences():
        if not _MET_CUE.search(sentence) or FAMILY.search(sentence):
            continue
        if page.section_at(s_start) == "family":
            continue
        for m in _SITE_RE.finditer(sentence):
            if not _stated_site(sentence, m):
                continue
            site = next(SITES[i][0] for i in range(len(SITES)) if m.group(f"s{i}"))
            start, end = s_start + m.start(), s_start + m.end()
            yield Fact("metastatic_site", site, page.evidence(start, end))


_MENO = re.compile(r"\b(pre|peri|post)[\s-]?menopaus(?:al|e)\b", re.IGNORECASE)
_MENO_NOT = re.compile(
    r"\b(?:not|non|if|unless|once|until|when|whether|before|becomes?|becoming|for)\b[\w\s-]{0,12}$",
    re.IGNORECASE,
)
_MENO_GENERIC = re.compile(
    r"\s*(?:women|woman's|patients|setting|population|females|breast cancer patients)\b",
    re.IGNORECASE,
)
_MENOPAUSE_REACHED = re.compile(
    r"\b(?:went through|reached|completed|natural|surgical|since|after|post)\s+menopause\b|"
    r"\bmenopause\s+(?:at|in|since)\s+(?:age\s+)?\d",
    re.IGNORECASE,
)
_LMP = re.compile(
    r"\b(?:LMP|last menstrual period|last menses|last period)\b\s*[:\-]?\s*(?:was\s+)?"
    r"(?P<rest>[^.;\n]{0,40})",
    re.IGNORECASE,
)
_AGO = re.compile(r"(\d+)\s*(days?|weeks?|wks?|months?|mos?|years?|yrs?)\s+ago", re.IGNORECASE)


def _lmp_status(rest: str, doc_date: str | None) -> str | None:
    ago = _AGO.search(rest)
    if ago:
        n, unit = int(ago.group(1)), ago.group(2).lower()[0]
        days = n * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
        return "premenopausal" if days < 90 else "postmenopausal" if days >= 365 else None
    if re.search(r"\bat age\s*\d+|\bage\s*\d+\b", rest, re.IGNORECASE):
        return "postmenopausal"
    when = parse_date(rest)
    if when and doc_date:
        days = (datetime.date.fromisoformat(doc_date) - datetime.date.fromisoformat(when)).days
        if 0 <= days < 90:
            return "premenopausal"
        if days >= 365:
            return "postmenopausal"
    return None


def menopausal_status(page: Page, doc_date: str | None) -> Iterator[Fact]:
    flat = page.flat
    for m in _MENO.finditer(flat):
        line_start = flat.rfind("\n", max(0, m.start() - 40), m.start()) + 1
        # _MENO_NOT ends the text it reads and spans at most ~25 characters
        lo = max(line_start, m.start() - 40)
        if _MENO_NOT.search(flat, lo, m.start()) or _MENO_GENERIC.match(flat, m.end()):
            continue
        value = f"{m.group(1).lower()}menopausal"
        yield Fact("menopausal_status", value, page.evidence(*m.span()))
    for m in _MENOPAUSE_REACHED.finditer(flat):
        line_start = flat.rfind("\n", max(0, m.start() - 400), m.start()) + 1
        if negated_before(window_before(flat, m.start(), start=line_start)):
            continue
        yield Fact("menopausal_status", "postmenopausal", page.evidence(*m.span()))
    for m in _LMP.finditer(flat):
        value = _lmp_status(m.group("rest"), doc_date)
        if value:
            yield Fact("menopausal_status", value, page.evidence(*m.span()))


_PROC_RE = tuple((label, re.compile(p, re.IGNORECASE)) for label, p in PROCEDURES)
_PROC_CUES = {
    "declined": re.compile(
        r"\b(?:declined|declines|refused|refuses|opted against|opted not|does not wish|"
        r"did not want|decided against|chose not)\b",
        re.IGNORECASE,
    ),
    "planned": re.compile(
        r"\b(?:plan|plans|planned|planning|scheduled|will (?:undergo|have|proceed|be|start)|"
        r"to undergo|recommended|recommends?|referred (?:for|to)|referral for|booked|awaiting|"
        r"pending|upcoming|to be (?:scheduled|performed|done)|proceed with|opted for|elected|"
        r"chose|due to start|next)\b",
        re.IGNORECASE,
    ),
    "done": re.compile(
        r"\b(?:s/p|status post|underwent|undergone|had|has had|performed|completed|done|"
        r"was placed|placed|received|post|history of|prior|previous|"
        r"previously|treated with|proceeded with|went ahead with|went on to)\b",
        re.IGNORECASE,
    ),
    "skip": re.compile(
        r"\b(?:no|not|never|without|options?|either|versus|vs\.?|alternatives?|discuss|"
        r"discussed|discussion|consider|considered|considering|consideration|could|would|"
        r"might|if|unless|omit|omitted|omission|avoid|eligible|candidate)\b|\?",
        re.IGNORECASE,
    ),
}


class _Dates:
    """The dates of one sentence, found once, for the date nearest each mention."""

    def __init__(self, sentence: str) -> None:
        self._found = list(find_dates(sentence))  # in order; their starts and ends ascend
        self._starts = [d[0] for d in self._found]
        self._ends = [d[1] for d in self._found]

    def nearest(self, start: int, end: int, reach: int = 50) -> str | None:
        """The date within ``reach`` characters before or after ``start:end`` (the first
        found of the nearest)."""
        best = None
        lo, hi = bisect_left(self._ends, start - reach), bisect_right(self._ends, start)
        hits = list(range(lo, hi))
        hits += range(bisect_left(self._starts, end), bisect_right(self._starts, end + reach))
        for i in sorted(set(hits)):
            d_start, d_end, iso = self._found[i]
            dist = start - d_end if d_end <= start else d_start - end
            if 0 <= dist <= reach and (best is None or dist < best[0]):
                best = (dist, iso)
        return best[1] if best else None


def procedures(page: Page) -> Iterator[Fact]:
    for s_start, sentence in page.sentences():
        section = page.section_at(s_start)
        if section == "family" or FAMILY.search(sentence):
            continue
        taken = Spans()
        cues: CueFinder | None = None
        dates: _Dates | None = None
        for label, pattern in _PROC_RE:
            for m in pattern.finditer(sentence):
                if not taken.take(*m.span()):
                    continue
                cues = cues or CueFinder(sentence, _PROC_CUES)
                status = cues.nearest(m.start(), m.end())
                if status == "skip":
                    continue
                if status is None:
                    status = "planned" if section == "plan" else "done"
                dates = dates or _Dates(sentence)
                start, end = s_start + m.start(), s_start + m.end()
                yield Fact(
                    "procedure",
                    label,
                    page.evidence(start, end),
                    date=dates.nearest(m.start(), m.end()),
                    details={"status": status},
                )
