"""Tumour biomarkers and pathology basics from record text: ER and PR (status, percent,
staining intensity), HER2 (IHC score, ISH result, the derived category), Ki-67, grade,
histology, laterality and TNM stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.facts import (
    Fact,
    Spans,
    evidence,
    negated_before,
    sentences,
    window_after,
    window_before,
)

_NEG = r"(negative|neg|-(?!\w))"
_POS = r"(positive|pos|\+(?!\w))"
_RECEPTOR = {
    "er": r"(?:estrogen|oestrogen)\s+receptors?|\bER\b",
    "pr": r"progesterone\s+receptors?|\bPgR\b|\bPR\b",
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


def _allred_status(score: int) -> str | None:
    """Allred 0-2 is negative (<1% of cells stain); 6-8 positive (over 10%); 3-5 could be
    ER-low or positive, so no status."""
    if score <= 2:
        return "negative"
    return "positive" if score >= 6 else None


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
_GRADE = re.compile(
    # the space after the optional word is inside its group: a bare \s* before "grade" was
    # retried from every position of a long run of spaces (quadratic time)
    r"(?:(?:Nottingham|histologic|histological|overall)\s*)?grade\s*[:\-]?\s*"
    r"(1|2|3|I{1,3})\b(?!\s*(?:/|of)\s*[0-9])(?!\s*(?:neutropenia|toxicity|adverse|AE\b))"
    r"|\bG([1-3])\b",
    re.IGNORECASE,
)
_NOT_TUMOUR_GRADE = re.compile(
    r"\b(?:CTCAE|CTC|RTOG|neutropenia|toxicity|diarrh|rash|nausea|fatigue|adverse|mucositis|"
    r"neuropathy|elevation|transaminitis|anemia|anaemia|thrombocytopenia|dermatitis|"
    r"pneumonitis|colitis|hepatitis|stomatitis|vomiting|alopecia|lymph(?:o)?edema|"
    r"lymphoedema|erythema|desquamation|hand-foot|infusion reaction|skin reaction)\w*\b",
    re.IGNORECASE,
)
HISTOLOGY: tuple[tuple[str, str], ...] = (
    (
        "mixed ductal and lobular carcinoma",
        r"(?:mixed\s+)?(?:invasive\s+)?(?:mammary\s+)?(?:carcinoma\s+)?(?:with\s+)?"
        r"(?:mixed\s+)?ductal[\s-]+(?:and|&|/|-)\s*lobular(?:\s+(?:carcinoma|features|types?))?"
        r"|mixed (?:invasive )?ductal[\s/-]+lobular",
    ),
    (
        "invasive ductal carcinoma",
        r"invasive ductal carcinoma|infiltrating ductal carcinoma|\bIDC\b|"
        r"(?:invasive )?(?:breast )?carcinoma,? (?:of )?no special type|\bNST\b|"
        r"(?:invasive|infiltrating) ductal(?: (?:breast )?cancer)?\b(?![\s-]+(?:and|&|/|or)\b)",
    ),
    (
        "invasive lobular carcinoma",
        r"invasive lobular carcinoma|infiltrating lobular carcinoma|\bILC\b|"
        r"(?:invasive|infiltrating) lobular(?: (?:breast )?cancer)?\b(?![\s-]+(?:and|&|/|or)\b)",
    ),
    ("ductal carcinoma in situ", r"ductal carcinoma in[\s-]situ|\bDCIS\b"),
    ("lobular carcinoma in situ", r"lobular carcinoma in[\s-]situ|\bLCIS\b"),
    (
        "inflammatory breast cancer",
        r"inflammatory (?:breast )?carcinoma|inflammatory breast cancer",
    ),
    ("metaplastic carcinoma", r"metaplastic (?:breast )?carcinoma|metaplastic breast cancer"),
    ("mucinous carcinoma", r"mucinous (?:\(colloid\) )?(?:breast )?carcinoma|colloid carcinoma"),
    ("tubular carcinoma", r"tubular (?:breast )?carcinoma"),
    ("invasive micropapillary carcinoma", r"(?:invasive )?micropapillary carcinoma"),
    ("papillary carcinoma", r"(?<!micro)papillary carcinoma"),
    ("medullary carcinoma", r"medullary (?:breast )?carcinoma"),
    ("adenoid cystic carcinoma", r"adenoid cystic carcinoma"),
    ("apocrine carcinoma", r"apocrine carcinoma"),
    ("paget disease of the nipple", r"paget'?s?\s+disease(?:\s+of\s+the\s+(?:nipple|breast))?"),
    ("phyllodes tumour", r"phyllodes tumou?r|cystosarcoma phyllodes|phyllodes"),
)
_HISTOLOGY_RE = tuple((label, re.compile(p, re.IGNORECASE)) for label, p in HISTOLOGY)
_ABSENT_AFTER = re.compile(
    r"^[\s:,-]*(?:is |was |are )?(?:not (?:identified|seen|present)|absent|none|negative|"
    r"no\b|ruled out)",
    re.IGNORECASE,
)
_LATERALITY = re.compile(
    r"\b(?:(left|right)(?:[\s-]sided)?|(?-i:(L|R|Lt|Rt|LT|RT))\.?)\s+breast\b"
    r"|\b(?:tumou?r\s+|specimen\s+)?laterality\s*[:\-]\s*(left|right)\b",
    re.IGNORECASE,
)
_SIDE = {"l": "left", "lt": "left", "r": "right", "rt": "right"}
_TNM = re.compile(
    r"\b([cpy]{0,2}T(?:is|[0-4][a-d]?|X))\s*,?\s*([cpy]{0,2}N[0-3X][a-c]?"
    r"(?:\(\w+\))?)\s*,?\s*(M[01X])?",
    re.IGNORECASE,
)
_SYNOPTIC_TNM = (
    re.compile(
        r"^[^\n]*(?:primary tumou?r|\((?:[cpy]{1,2})?T\)|\bT (?:category|stage))[^\n]*?"
        r"[:\s]((?:[cpy]{1,2})T(?:is|[0-4][a-d]?|X)(?:\(\w+\))?)(?![\w(])",
        re.IGNORECASE | re.MULTILINE,
    ),
    re.compile(
        r"^[^\n]*(?:regional lymph nodes|\((?:[cpy]{1,2})?N\)|\bN (?:category|stage))[^\n]*?"
        r"[:\s]((?:[cpy]{1,2})N[0-3X][a-c]?(?:mi)?(?:\([\w+-]+\))?)(?![\w(])",
        re.IGNORECASE | re.MULTILINE,
    ),
    re.compile(
        r"^[^\n]*(?:distant metastas[ie]s|\((?:[cpy]{1,2})?M\)|\bM (?:category|stage))[^\n]*?"
        r"[:\s]((?:[cpy]{1,2})?M[01X])(?![\w(])",
        re.IGNORECASE | re.MULTILINE,
    ),
)


def _synoptic_tnm(flat: str) -> tuple[str, int, int] | None:
    """ "Primary Tumor (pT): pT2" and "Regional Lymph Nodes (pN): pN1a" on separate lines:
    the components joined (the T and N are both needed), with the span they cover."""
    parts = []
    for pattern in _SYNOPTIC_TNM:
        m = pattern.search(flat)
        parts.append(m)
    if not parts[0] or not parts[1]:
        return None
    found = [m for m in parts if m]
    value = " ".join(m.group(1) for m in found)
    return value, min(m.start(1) for m in found), max(m.end(1) for m in found)


_STAGE = re.compile(r"\bstage\s+(0|IV|I{1,3}[ABC]?|[1-4][ABC]?)\b", re.IGNORECASE)


def _intensity(tail: str) -> str | None:
    m = _INTENSITY.search(tail)
    if not m:
        return None
    first = m.group(1).lower().replace("intense", "strong")
    second = (m.group(2) or "").lower()
    return f"{first} to {second}" if second and second != first else first


def _receptors(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    for name, pattern in _RECEPTOR.items():
        for m in re.finditer(
            rf"({pattern})\s*(\(\w+\))?\s*[:\-]?\s*([^\n.;]{{0,60}})", flat, re.IGNORECASE
        ):
            tail = m.group(m.lastindex or 0)
            if name == "er":
                pair = _PAIR.match(tail)  # "ER/PR positive": the status is shared
                if pair:
                    tail = tail[pair.end() :]
            nxt = _NEXT_MARKER.search(tail)
            if nxt:
                tail = tail[: nxt.start()]
            status = None
            if re.match(rf"\s*{_NEG}", tail, re.IGNORECASE):
                status = "negative"
            elif re.match(rf"\s*{_POS}", tail, re.IGNORECASE):
                status = "positive"
            elif re.search(r"\blow\b", tail, re.IGNORECASE) and name == "er":
                status = "low positive"
            else:  # "ER: 90% positive"
                word = re.search(r"\b(positive|negative)\b", tail[:40], re.IGNORECASE)
                status = word.group(1).lower() if word else None
            bounds = list(_BOUND_PERCENT.finditer(tail))
            exact = tail
            for b in bounds:  # "<1%" gives no percent
                exact = exact[: b.start()] + " " * (b.end() - b.start()) + exact[b.end() :]
            percent = _PERCENT.search(exact)
            allred = _ALLRED.search(tail)
            details = {}
            if allred:
                details["scale"] = f"Allred {allred.group(1) or allred.group(2)}/8"
            if status is None and allred:
                status = _allred_status(int(allred.group(1) or allred.group(2)))
            if status is None and bounds and not percent and int(bounds[0].group(1)) <= 1:
                status = "negative"  # "ER <1%"
            leading = _LEADING_PERCENT.match(exact)
            if status is None and leading:  # "ER 95%": ASCO/CAP, 1% or more is positive
                pct = int(leading.group(1))
                status = "negative" if pct == 0 else "positive" if pct <= 100 else None
            if status is None and percent is None:
                continue
            ev = evidence(doc, page, text, m.start(), m.end())
            if status:
                pct = int(percent.group(1)) if percent else None
                if name == "er" and status == "positive" and pct is not None and 1 <= pct <= 10:
                    status = "low positive"
                yield Fact(f"{name}_status", status, ev, details=details)
            if percent:
                yield Fact(f"{name}_percent", percent.group(1), ev)
            intensity = _intensity(tail)
            if intensity and status != "negative":
                yield Fact(f"{name}_intensity", intensity, ev)


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


def _ihc_mentions(flat: str) -> list[tuple[int, int, str]]:
    """(start, end, score) of each HER2 IHC score on the page, in order."""
    found: dict[int, tuple[int, int, str]] = {}
    for pattern in (_HER2_IHC, _HER2_IHC_LONG):
        for m in pattern.finditer(flat):
            ihc = f"{m.group(1)}+" if m.group(1) else "0"
            found.setdefault(m.start(), (m.start(), m.end(), "0" if ihc == "0+" else ihc))
    out: list[tuple[int, int, str]] = []
    for mention in sorted(found.values()):
        if out and mention[0] < out[-1][1]:
            continue
        out.append(mention)
    return out


def _her2(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    """HER2 IHC and ISH and the derived category. When a page gives different IHC scores
    (a primary and a recurrence), each is kept, with the ISH result and ultralow wording
    found between it and the next HER2 score."""
    mentions = _ihc_mentions(flat)
    first_ish = next(iter(_ISH.finditer(flat)), None)
    ish = ish_ev = None
    if first_ish:
        word = first_ish.group(2).lower()
        ish = "amplified" if word in ("amplified", "positive") else "not amplified"
        ish_ev = evidence(doc, page, text, first_ish.start(), first_ish.end())
        yield Fact("her2_ish", ish, ish_ev)
    distinct: dict[str, tuple[int, int]] = {}
    for start, end, ihc in mentions:
        distinct.setdefault(ihc, (start, end))
    if len(distinct) <= 1:
        ihc_ev = None
        ihc = next(iter(distinct), None)
        if ihc:
            ihc_ev = evidence(doc, page, text, *distinct[ihc])
            yield Fact("her2_ihc", ihc, ihc_ev)
        category = her2_category(ihc, ish, bool(_ULTRALOW.search(flat)))
        if category and (ihc_ev or ish_ev):
            yield Fact("her2_category", category, ish_ev or ihc_ev)  # type: ignore[arg-type]
        return
    starts = sorted(start for start, _ in distinct.values())
    for ihc, (start, end) in distinct.items():
        later = [s for s in starts if s > start]
        window = flat[start : later[0] if later else len(flat)]
        local_ish = next(iter(_ISH.finditer(window)), None)
        local = None
        if local_ish:
            word = local_ish.group(2).lower()
            local = "amplified" if word in ("amplified", "positive") else "not amplified"
        ev = evidence(doc, page, text, start, end)
        yield Fact("her2_ihc", ihc, ev)
        category = her2_category(ihc, local, bool(_ULTRALOW.search(window)))
        if category:
            yield Fact("her2_category", category, ev)


def _histology(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    taken = Spans()
    for s_start, s_end in sentences(flat):
        sentence = flat[s_start:s_end]
        for label, pattern in _HISTOLOGY_RE:
            for m in pattern.finditer(sentence):
                start, end = s_start + m.start(), s_start + m.end()
                if not taken.take(start, end):
                    continue
                if negated_before(window_before(sentence, m.start())) or _ABSENT_AFTER.match(
                    window_after(sentence, m.end())
                ):
                    continue
                yield Fact("histology", label, evidence(doc, page, text, start, end))


def extract_pathology(doc: str, page: int, text: str, flat: str) -> list[Fact]:
    """Biomarker and pathology facts on one page (``flat``: the page, soft-joined)."""
    facts: list[Fact] = [*_receptors(doc, page, text, flat), *_her2(doc, page, text, flat)]
    for m in _KI67.finditer(flat):
        facts.append(Fact("ki67_percent", m.group(1), evidence(doc, page, text, *m.span())))
    for m in _GRADE.finditer(flat):
        line_start = flat.rfind("\n", 0, m.start()) + 1
        around = flat[max(line_start, m.start() - 25) : m.end() + 30]
        if _NOT_TUMOUR_GRADE.search(around):
            continue  # "grade 3 neutropenia" is a side effect, not the tumour grade
        raw = (m.group(1) or m.group(2)).upper()
        value = {"I": "1", "II": "2", "III": "3"}.get(raw, raw)
        facts.append(Fact("grade", value, evidence(doc, page, text, *m.span())))
    facts.extend(_histology(doc, page, text, flat))
    for m in _LATERALITY.finditer(flat):  # the first mention on a page names the tumour's side
        side = next(g for g in m.groups() if g).lower()
        side = _SIDE.get(side, side)
        facts.append(Fact("laterality", side, evidence(doc, page, text, *m.span())))
        break
    combined = False
    for m in _TNM.finditer(flat):
        value = " ".join(g for g in m.groups() if g)
        facts.append(Fact("tnm", value, evidence(doc, page, text, *m.span())))
        combined = True
    synoptic = None if combined else _synoptic_tnm(flat)
    if synoptic:
        value, start, end = synoptic
        facts.append(Fact("tnm", value, evidence(doc, page, text, start, end)))
    for m in _STAGE.finditer(flat):
        raw = m.group(1).upper()
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
        value = roman.get(raw[0], raw[0]) + raw[1:] if raw[0].isdigit() else raw
        facts.append(Fact("stage", value, evidence(doc, page, text, *m.span())))
    return facts
