"""Medications and dose changes from record text. Brands and regimen abbreviations become
generic names; the dose is kept as written; the status (current, past, planned) comes from
the nearest cue or the section heading, and drugs declined, allergies, options or
"if ..." conditions are not taken as the patient's medications."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.dates import find_dates, parse_date
from desktop.core.records.facts import (
    FAMILY,
    CueFinder,
    Fact,
    Page,
)
from desktop.core.records.vocabulary import DRUG_RE, drug_generics

_DOSE_CORE = (
    r"(?:\d+(?:\.\d+)?\s*(?:mg/m2|mg/m\^2|mg/m²|mg/kg|mg|mcg|micrograms?|µg|ug|g|units|IU|mL)"
    r"(?![A-Za-z])|AUC\s*\d+(?:\.\d+)?)"
)
DOSE = re.compile(
    _DOSE_CORE
    + r"(?:\s*(?:PO|IV|SC|SQ|IM|orally|by mouth|subcutaneous(?:ly)?|intravenous(?:ly)?|s/c)\b)?"
    r"(?:\s*(?:once|twice|three times)?\s*(?:daily|a day|weekly|monthly|nightly|at night|"
    r"every\s+\d+\s+(?:days|weeks|months)|every (?:day|week|month|other day)|"
    r"q\s?\d+\s?(?:w|wk|wks|weeks|h|d)\b|BID|TID|QID|QD|OD|bd|tds|qds|q3w|q4w)\b)?"
    r"(?:,?\s*(?:on\s+)?(?:days?\s*1\s*(?:-|–|to)\s*21(?:\s+of\s+(?:a\s+|each\s+)?28[\s-]day"
    r" cycles?)?|\d+\s+days\s+on,?\s*(?:and\s+)?\d+\s+(?:days\s+)?off|"
    r"3 weeks on,? (?:and )?1 week off|\(\d+/\d+\)))?",
    re.IGNORECASE,
)
_DOSE_AFTER_DRUG = re.compile(
    r"\s*(?:\([^)]{0,30}\))?\s*[:,-]?\s*(?:at\s+|dose\s+(?:of\s+)?)?(?=\d|AUC)", re.IGNORECASE
)
_MED_CUES = {
    "past": re.compile(
        r"\b(?:stopped|discontinued|completed|finished|ceased|ended|no longer|previously|prior|"
        r"previous|was on|were on|had been on|had|received|s/p|history of|switched from|"
        r"changed from|last dose|off|intolerant of|intolerance to|failed|progressed on|"
        r"progression on|followed by)\b",
        re.IGNORECASE,
    ),
    "current": re.compile(
        r"\b(?:started|starting|begun|began|initiated|commenced|continues|continue|continuing|"
        r"continued|currently|current|remains on|still on|taking|takes|resumed|restarted|"
        r"switched to|changed to|tolerating|receiving|on treatment with|cycle \d+|C\d+D\d+|"
        r"reduced|dose[\s-]reduced|decreased|increased|maintained on|"
        r"on(?!\s+(?:\d|day|days|cycle|\w+day|the \d|hold))|since)\b",
        re.IGNORECASE,
    ),
    "planned": re.compile(
        r"\b(?:plan|plans|planned|will start|will begin|will receive|will be started|to start|"
        r"to begin|to receive|to commence|scheduled|recommended|recommend|due to start|"
        r"pending approval|to be started|prescribed today|will add|to add)\b",
        re.IGNORECASE,
    ),
    "skip": re.compile(
        r"\b(?:declined|declines|refused|refuses|allerg\w*|not|"
        r"no(?!\s+(?:change[sd]?|dose change|changes made)\b)|never|avoid|contraindicated|"
        r"if|consider|considering|option|options|alternative|alternatives|could|would|might|"
        r"versus|vs|candidate|eligible|instead of|rather than|discuss|discussed)\b|\?",
        re.IGNORECASE,
    ),
}
# therapy options in tumour-profiling reports and knowledge-base wording, not prescriptions
_OPTION_CONTEXT = re.compile(
    r"\b(?:associated with (?:sensitivity|resistance|response|benefit|lack of response)|"
    r"(?:potential(?:ly)?|possible) (?:therap\w*|treatments?|benefit|sensitivity|response)|"
    r"(?:FDA|EMA|TGA)[\s-]approved (?:in|for) (?:another|other|a different)|"
    r"approved in (?:another|other|a different) (?:indication|tumou?r|cancer)|"
    r"(?:relevant|available|potential|open|matching|eligible for)\s+clinical trials?|"
    r"clinical trials? (?:may be|are|is) available|therapy associations?|"
    r"predicts? (?:sensitivity|response|benefit|resistance)|"
    r"may (?:confer|predict) (?:sensitivity|response|benefit|resistance)|"
    r"level [1-4][AB]? evidence)\b",
    re.IGNORECASE,
)
# a hold or restart: its dates are read by ``med_events``
PAUSE = re.compile(
    r"\b(?:held|withheld|paused|interrupted|suspended|temporarily|on hold|restarted|resumed|"
    r"restart)\b",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"[\s,/+]*(?:and|or|with|plus|&)?[\s,/+]*", re.IGNORECASE)
_START = re.compile(r"\b(?:started|start(?:\s+date)?|began|initiated|commenced|since|from)\b", re.I)
_STOP = re.compile(
    r"\b(?:stopped|stop(?:\s+date)?|discontinued|completed|finished|until|ended|last dose)\b",
    re.IGNORECASE,
)


def _mask(sentence: str, spans: list[tuple[int, int]]) -> str:
    chars = list(sentence)
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return "".join(chars)


def _start_stop(window: str) -> dict[str, str]:
    """The start and stop dates in the text around one drug: a date after a start word (or
    just before one: "On 2024-03-04 she started") starts it, one after a stop word stops it."""
    out: dict[str, str] = {}
    for d_start, d_end, iso in find_dates(window):
        near = window[max(0, d_start - 25) : d_start]
        if PAUSE.search(near):  # a hold or restart's date (``med_events``), not a start or stop
            continue
        start_hit = list(_START.finditer(near))
        stop_hit = list(_STOP.finditer(near))
        if not start_hit and not stop_hit:  # "On 2024-03-04 she started ..."
            after = window[d_end : d_end + 25]
            start_hit = list(_START.finditer(after))[:1]
            stop_hit = list(_STOP.finditer(after))[:1]
            if start_hit and stop_hit:
                start_hit, stop_hit = (
                    (start_hit, [])
                    if start_hit[0].start() < stop_hit[0].start()
                    else ([], stop_hit)
                )
        if start_hit and (not stop_hit or start_hit[-1].end() > stop_hit[-1].end()):
            out.setdefault("start", iso)
        elif stop_hit:
            out.setdefault("stop", iso)
    return out


def _sentence_start_stop(sentence: str) -> dict[str, str]:
    """One date in a sentence that starts (or stops) its drugs applies to all of them."""
    dates = list(find_dates(sentence))
    if len(dates) != 1 or PAUSE.search(sentence):
        return {}
    starts = bool(re.search(r"\b(?:started|began|initiated|commenced)\b", sentence, re.I))
    stops = bool(_STOP.search(sentence))
    if starts != stops:
        return {"start" if starts else "stop": dates[0][2]}
    return {}


# the status a heading gives the drugs under it when no cue in the sentence does
_SECTION_STATUS = {"plan": "planned", "past": "past", "current": "current"}


def _not_her_medications(sentence: str, section: str | None) -> bool:
    """A family member's drugs, allergies, and therapy options are not her medications."""
    if section in ("family", "allergies", "options") or FAMILY.search(sentence):
        return True
    return bool(_OPTION_CONTEXT.search(sentence))


def _doses(sentence: str, mentions: list[re.Match[str]]) -> dict[int, re.Match[str]]:
    """The dose written right after each drug mention, by the mention's index."""
    doses: dict[int, re.Match[str]] = {}
    for i, m in enumerate(mentions):
        lead = _DOSE_AFTER_DRUG.match(sentence, m.end())
        dose = DOSE.match(sentence, lead.end()) if lead else None
        if dose:
            doses[i] = dose
    return doses


def _cued_statuses(
    masked: str, mentions: list[re.Match[str]], doses: dict[int, re.Match[str]]
) -> tuple[list[str | None], list[list[int]]]:
    """Each mention's status cue (the nearest one; a drug coordinated with the one before
    it shares that one's: "started ribociclib and letrozole", "X or Y with Z"), and the
    chains of coordinated mentions (indexes)."""
    cues = CueFinder(masked, _MED_CUES)
    statuses: list[str | None] = []
    chains: list[list[int]] = []
    for i, m in enumerate(mentions):
        gap_start = (doses[i - 1] if i - 1 in doses else mentions[i - 1]).end() if i else 0
        if i and _COORDINATED.fullmatch(masked[gap_start : m.start()]):
            statuses.append(statuses[-1])
            chains[-1].append(i)
        else:
            statuses.append(cues.nearest(m.start(), m.end()))
            chains.append([i])
    return statuses, chains


def _share_chain_starts(chains: list[list[int]], found: dict[int, dict[str, str]]) -> None:
    """ "on X + Y since <date>": one start date in a chain starts its undated drugs too."""
    for chain in chains:
        starts = {found[i]["start"] for i in chain if "start" in found.get(i, {})}
        if len(starts) == 1:
            for i in chain:
                d = found.get(i)
                if d is not None and "start" not in d and "stop" not in d:
                    d["start"] = next(iter(starts))


def _sentence_medications(
    sentence: str, section: str | None
) -> tuple[list[re.Match[str]], dict[int, dict[str, str]]]:
    """The drug mentions of a sentence and the details (status, dose, start or stop date)
    of each that is her medication, by mention index."""
    mentions = list(DRUG_RE.finditer(sentence))
    doses = _doses(sentence, mentions)
    masked = _mask(sentence, [d.span() for d in doses.values()])
    statuses, chains = _cued_statuses(masked, mentions, doses)
    sentence_dates: dict[str, str] | None = None  # found once, for the first drug needing it
    found: dict[int, dict[str, str]] = {}
    for i, status in enumerate(statuses):
        if status == "skip":
            continue
        status = status or _SECTION_STATUS.get(section or "")
        lo = mentions[i - 1].end() if i else 0
        hi = mentions[i + 1].start() if i + 1 < len(mentions) else len(sentence)
        if PAUSE.search(sentence[lo:hi]):  # a hold or restart: ``med_events`` reads it
            continue
        details = _start_stop(sentence[lo:hi])
        if not details:
            if sentence_dates is None:
                sentence_dates = _sentence_start_stop(sentence)
            details = dict(sentence_dates)
        if status:
            details["status"] = status
        if i in doses:
            details["dose"] = " ".join(doses[i].group(0).split())
        if "start" in details or "stop" in details:  # "Loperamide started 22/04 for diarrhoea"
            reason = REASON.search(sentence[:hi], mentions[i].end())
            if reason:
                details["reason"] = " ".join(reason.group("r").split())
        found[i] = details
    _share_chain_starts(chains, found)
    return mentions, found


def medications(page: Page) -> Iterator[Fact]:
    """Her medications, one fact per generic name, with status, dose and dates."""
    for s_start, sentence in page.sentences():
        section = page.section_at(s_start)
        if _not_her_medications(sentence, section):
            continue
        mentions, found = _sentence_medications(sentence, section)
        for i, details in found.items():
            m = mentions[i]
            date = details.get("start") or details.get("stop")
            ev = page.evidence(s_start + m.start(), s_start + m.end())
            for generic in drug_generics(m):
                yield Fact("medication", generic, ev, date=date, details=dict(details))


_CHANGE = re.compile(
    r"\b(?:reduc\w*|decreas\w*|lowered|de-?escalat\w*|increas\w*|escalat\w*|held|hold|"
    r"withheld|interrupted|paused|resumed|restarted|dose[\s-]?(?:reduction|modification|"
    r"adjustment|change))\b",
    re.IGNORECASE,
)
_CHANGE_HEDGE = re.compile(
    r"\b(?:if|may|might|consider|considering|would|could|should|no dose|not|without|unless|"
    r"when|whenever|guideline|per label)\b",
    re.IGNORECASE,
)
_FROM = re.compile(rf"\b(?:from|previously|down from)\s+(?P<d>{_DOSE_CORE})", re.IGNORECASE)
_TO = re.compile(
    rf"\b(?:to|at)\s+(?:(?:a|the)\s+)?(?:(?:lower|reduced|higher|new)\s+)?(?:dose\s+of\s+)?"
    rf"(?P<d>{_DOSE_CORE})",
    re.IGNORECASE,
)
_ARROW = re.compile(rf"(?P<a>{_DOSE_CORE})\s*(?:->|→|=>)\s*(?P<b>{_DOSE_CORE})", re.IGNORECASE)
REASON = re.compile(
    r"(?:\bdue to|\bd/t|\bbecause of|\bfor|\bsecondary to|\bowing to|\bgiven|\bin view of|"
    r"\bin the setting of|\bin light of)\s+"
    r"(?!(?:\d+|one|two|three|four|five|six|a|an|a few|several)\s*"
    r"(?:days?|weeks?|wks?|cycles?|months?)\b)(?!\d+\s*(?:mg|mcg))"
    r"(?P<r>(?:[^.;()]|\.(?=\d))+?)"
    r"(?=\s*(?:[,;()]|\.(?!\d)|\bthen\b|\band (?:resumed|restarted|now)\b|"
    r"\bon\s+\d|\bon\s+[A-Z][a-z]+\s+\d|\bstarting\b|\beffective\b|$))",
    re.IGNORECASE,
)


def _change_doses(sentence: str, change: re.Match[str]) -> dict[str, str]:
    """The doses a change goes from and to: "600 mg -> 400 mg", or "from 600 mg" and
    "to 400 mg" after the change word."""
    arrow = _ARROW.search(sentence)
    if arrow:
        return {"from": arrow.group("a"), "to": arrow.group("b")}
    details: dict[str, str] = {}
    frm = _FROM.search(sentence, change.start())
    tos = [t for t in _TO.finditer(sentence, change.start()) if not frm or t.start() != frm.start()]
    # "from 600 mg to 400 mg"; else "restarted at 100 mg (reduced from 125 mg)"
    to = next((t for t in tos if frm and t.start() >= frm.end()), tos[0] if tos else None)
    if frm:
        details["from"] = frm.group("d")
    if to:
        details["to"] = to.group("d")
    return details


_REASON_WORD = re.compile(r"\s*(?:due to|because of|secondary to|owing to)\b", re.IGNORECASE)


def following_reason(flat: str, end: int) -> str:
    """The text after a sentence when it opens with a reason ("...REDUCED TO 64 MG/M2\n
    BECAUSE OF GRADE 2 NEUROPATHY": a heading wrapped over lines), else ""."""
    after = flat[end : end + 200]
    return after if _REASON_WORD.match(after) else ""


def _change_date(sentence: str, change: re.Match[str]) -> str | None:
    """The change's date: the first written after the dose it goes to ("resumed at 5 mg on
    07/22/2025"), else the sentence's first."""
    to = _TO.search(sentence, change.start())
    if to:
        after = parse_date(sentence[to.end() :])
        if after:
            return after
    return parse_date(sentence)


def _changed_drug(mentions: list[re.Match[str]], change: re.Match[str]) -> re.Match[str] | None:
    """The drug a change word speaks of: the last one named before it, else the first after."""
    before = [m for m in mentions if m.start() < change.start()]
    return before[-1] if before else (mentions[0] if mentions else None)


def _dose_change(
    page: Page,
    s_start: int,
    sentence: str,
    mentions: list[re.Match[str]],
    last_drug: str | None,
    following: str = "",
) -> Fact | None:
    """The dose change a sentence states, if it states one (a change word, not hedged, not
    a family member's) with the dose it goes to and a drug (named in the sentence, else the
    last one named before it)."""
    change = _CHANGE.search(sentence)
    if not change or _CHANGE_HEDGE.search(sentence) or FAMILY.search(sentence):
        return None
    details = _change_doses(sentence, change)
    if "to" not in details:
        return None
    reason = REASON.search(sentence, change.start()) or REASON.match(
        following, len(following) - len(following.lstrip())
    )
    if reason:
        details["reason"] = reason.group("r").strip()
    date = _change_date(sentence, change)
    if date:
        details["date"] = date
    drug_match = _changed_drug(mentions, change)
    drug = drug_generics(drug_match)[0] if drug_match else last_drug
    if not drug:
        return None
    start, end = change.span()
    if drug_match:  # the evidence spans the drug and the change word
        start, end = min(start, drug_match.start()), max(end, drug_match.end())
    details = {k: " ".join(v.split()) for k, v in details.items()}
    ev = page.evidence(s_start + start, s_start + end)
    return Fact("dose_change", drug, ev, date=date, details=details)


def dose_changes(page: Page) -> Iterator[Fact]:
    """Dose changes (reduced, increased, held...) with the doses, reason and date."""
    last_drug: str | None = None
    for s_start, sentence in page.sentences():
        mentions = list(DRUG_RE.finditer(sentence))
        following = following_reason(page.flat, s_start + len(sentence))
        fact = _dose_change(page, s_start, sentence, mentions, last_drug, following)
        if fact:
            yield fact
        if mentions:
            last_drug = drug_generics(mentions[-1])[0]
