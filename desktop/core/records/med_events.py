"""Treatment holds and restarts in letters and notes: "palbociclib WITHHELD from 14-Jan-2026",
"we paused palbociclib from 23 June for one week", "Everolimus was held 07/14/2025 to
07/21/2025 and resumed at 5 mg daily on 07/22/2025", "restarted ribociclib today at 400 mg".

Each becomes a medication fact whose status is ``held`` or ``restarted`` and whose details
carry the event's own date (``hold`` / ``restart``), the dose it restarts at and the reason
written ("because of grade 3 neutropenia"). The date is the one written after the event word
in its clause, else one written just before it, else the document's (a letter's "today"). A
date without a year ("23 June") takes the document's year. Hedged or conditional wording
("if neutrophils recover, restart", "whether to restart it", "would be held") is not an event."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.dates import dates_with_year
from desktop.core.records.extract_meds import DOSE, REASON
from desktop.core.records.facts import FAMILY, Fact, Page
from desktop.core.records.vocabulary import DRUG_RE, drug_generics

_EVENT = re.compile(
    r"\b(?P<hold>held|withheld|with-held|(?:put|placed) on hold|paused|interrupted|suspended|"
    r"stopped(?:\s+[\w-]+){0,3}?\s+temporarily|temporarily (?:stopped|held|paused|suspended))\b"
    r"|\b(?P<restart>restarted|re-started|resumed|recommenced|re-commenced|"
    r"(?<=\bcan )restart)\b",
    re.IGNORECASE,
)
# conditional, planned or hedged wording around an event word
_HEDGE = re.compile(
    r"\b(?:if|unless|whether|would|could|should|may|might|will|consider\w*|plan\w*|"
    r"not to be|not be|decide|until (?:her|the|your) (?:counts?|bloods?|neutrophils?))\b|\?",
    re.IGNORECASE,
)
_AFTER_REACH = 60
_BEFORE_REACH = 40


def _clause_end(sentence: str, pos: int) -> int:
    """Where the clause holding ``pos`` ends: the next event word of the other kind, or a
    comma or "and"/"but" followed by a new verb phrase is not a cut (dates follow them)."""
    nxt = _EVENT.search(sentence, pos)
    return nxt.start() if nxt else len(sentence)


def _event_date(
    sentence: str, event: re.Match[str], dates: list[tuple[int, int, str]]
) -> str | None:
    """The date written after the event word within its clause, else just before it."""
    stop = min(_clause_end(sentence, event.end()), event.end() + _AFTER_REACH)
    after = [iso for a, _, iso in dates if event.end() <= a < stop]
    if after:
        return after[0]
    before = [iso for _, b, iso in dates if event.start() - _BEFORE_REACH <= b <= event.start()]
    return before[-1] if before else None


def _drug(mentions: list[re.Match[str]], event: re.Match[str]) -> re.Match[str] | None:
    """The drug an event word speaks of: one named inside it, else the nearest named before
    it, else the first after."""
    inside = [m for m in mentions if event.start() <= m.start() < event.end()]
    if inside:  # "stopped letrozole temporarily"
        return inside[0]
    before = [m for m in mentions if m.end() <= event.start()]
    if before:
        return before[-1]
    return next((m for m in mentions if m.start() >= event.end()), None)


def _hedged(sentence: str, event: re.Match[str]) -> bool:
    """Whether the wording around the event word is conditional or planned."""
    start = max(0, event.start() - 50)
    cut = max(sentence.rfind(",", start, event.start()), sentence.rfind(";", start, event.start()))
    window = sentence[max(start, cut + 1) : event.end() + 15]
    return bool(_HEDGE.search(window))


def _details(sentence: str, event: re.Match[str], kind: str, date: str | None) -> dict[str, str]:
    """Status, event date, the dose restarted at ("at 100 mg") and the reason written."""
    details = {"status": "held" if kind == "hold" else "restarted"}
    if date:
        details[kind] = date
    stop = _clause_end(sentence, event.end())
    if kind == "restart":
        at = re.compile(r"\bat\s+(?:a\s+)?(?:lower\s+|reduced\s+|the\s+lower\s+)?(?:dose\s+of\s+)?")
        lead = at.search(sentence, event.end(), stop)
        dose = DOSE.match(sentence, lead.end()) if lead else None
        if dose:
            details["dose"] = " ".join(dose.group(0).split())
    reason = REASON.search(sentence, event.start())
    if kind == "hold" and reason is None:  # "Given her counts, cycle 6 is held today"
        reason = REASON.search(sentence[: event.start()])
    if reason and (kind == "hold" or reason.start() < stop + 40):
        details["reason"] = " ".join(reason.group("r").split())
    return details


def holds_and_restarts(page: Page, doc_date: str | None = None) -> Iterator[Fact]:
    """Her treatment holds and restarts on one page, each with its own date."""
    year = doc_date[:4] if doc_date else None
    last_drug: re.Match[str] | None = None
    for s_start, sentence in page.sentences():
        mentions = list(DRUG_RE.finditer(sentence))
        if FAMILY.search(sentence) or page.section_at(s_start) in ("family", "allergies"):
            last_drug = mentions[-1] if mentions else last_drug
            continue
        dates = dates_with_year(sentence, year)
        for event in _EVENT.finditer(sentence):
            if _hedged(sentence, event):
                continue
            kind = "hold" if event.group("hold") else "restart"
            drug_m = _drug(mentions, event)
            named = drug_m or last_drug
            if named is None:
                continue
            date = _event_date(sentence, event, dates)
            start, end = event.span()
            if drug_m:
                start, end = min(start, drug_m.start()), max(end, drug_m.end())
            ev = page.evidence(s_start + start, s_start + end)
            details = _details(sentence, event, kind, date)
            for generic in drug_generics(named)[:1]:
                yield Fact("medication", generic, ev, date=date, details=details)
        if mentions:
            last_drug = mentions[-1]
