"""Tumour biomarkers and pathology basics from record text: ER and PR (status, percent,
staining intensity), HER2 (IHC score, ISH result, the derived category), Ki-67, grade,
histology, laterality and TNM stage."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.facts import Fact, evidence, negated_before, sentences

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
_INTENSITY = re.compile(
    r"\b(weak|moderate|strong|intense)(?:ly)?\b(?:\s*(?:to|-|/)\s*(weak|moderate|strong)\b)?",
    re.IGNORECASE,
)
_HER2_IHC = re.compile(
    r"HER-?2\b[^.\n]{0,40}?\b(?:IHC)?[^.\n]{0,15}?\b([0-3])\s*(\+|plus)"
    r"|HER-?2\b[^.\n]{0,30}?\b(?:IHC\s*)?(?:score\s*)?(?<![\d.])(0)\b(?![.,]\d|\s*%)",
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
    r"(?:Nottingham|histologic|histological|overall)?\s*grade\s*[:\-]?\s*"
    r"(1|2|3|I{1,3})\b(?!\s*(?:/|of)\s*[0-9])(?!\s*(?:neutropenia|toxicity|adverse|AE\b))"
    r"|\bG([1-3])\b",
    re.IGNORECASE,
)
_NOT_TUMOUR_GRADE = re.compile(
    r"\b(?:CTCAE|neutropenia|toxicity|diarrh|rash|nausea|fatigue|adverse|mucositis|"
    r"neuropathy|elevation|transaminitis|anemia|anaemia|thrombocytopenia)\w*\b",
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
        r"(?:invasive )?(?:breast )?carcinoma,? (?:of )?no special type|\bNST\b",
    ),
    (
        "invasive lobular carcinoma",
        r"invasive lobular carcinoma|infiltrating lobular carcinoma|\bILC\b",
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
_LATERALITY = re.compile(r"\b(left|right)\s+breast\b", re.IGNORECASE)
_TNM = re.compile(
    r"\b([cpy]{0,2}T(?:is|[0-4][a-d]?|X))\s*,?\s*([cpy]{0,2}N[0-3X][a-c]?"
    r"(?:\(\w+\))?)\s*,?\s*(M[01X])?",
    re.IGNORECASE,
)
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
            percent = _PERCENT.search(tail)
            if status is None and percent is None:
                continue
            ev = evidence(doc, page, text, m.start(), m.end())
            if status:
                pct = int(percent.group(1)) if percent else None
                if name == "er" and status == "positive" and pct is not None and 1 <= pct <= 10:
                    status = "low positive"
                yield Fact(f"{name}_status", status, ev)
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


def _her2(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    ihc = ish = None
    ihc_ev = ish_ev = None
    for m in _HER2_IHC.finditer(flat):
        ihc = f"{m.group(1)}+" if m.group(1) else "0"
        if ihc == "0+":
            ihc = "0"
        ihc_ev = evidence(doc, page, text, m.start(), m.end())
        yield Fact("her2_ihc", ihc, ihc_ev)
        break
    for m in _ISH.finditer(flat):
        word = m.group(2).lower()
        ish = "amplified" if word in ("amplified", "positive") else "not amplified"
        ish_ev = evidence(doc, page, text, m.start(), m.end())
        yield Fact("her2_ish", ish, ish_ev)
        break
    category = her2_category(ihc, ish, bool(_ULTRALOW.search(flat)))
    if category and (ihc_ev or ish_ev):
        yield Fact("her2_category", category, ish_ev or ihc_ev)  # type: ignore[arg-type]


def _histology(doc: str, page: int, text: str, flat: str) -> Iterator[Fact]:
    taken: list[tuple[int, int]] = []
    for s_start, s_end in sentences(flat):
        sentence = flat[s_start:s_end]
        for label, pattern in _HISTOLOGY_RE:
            for m in pattern.finditer(sentence):
                start, end = s_start + m.start(), s_start + m.end()
                if any(a < end and start < b for a, b in taken):
                    continue
                taken.append((start, end))
                if negated_before(sentence[: m.start()]) or _ABSENT_AFTER.match(
                    sentence[m.end() :]
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
        facts.append(Fact("laterality", m.group(1).lower(), evidence(doc, page, text, *m.span())))
        break
    for m in _TNM.finditer(flat):
        value = " ".join(g for g in m.groups() if g)
        facts.append(Fact("tnm", value, evidence(doc, page, text, *m.span())))
    for m in _STAGE.finditer(flat):
        raw = m.group(1).upper()
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
        value = roman.get(raw[0], raw[0]) + raw[1:] if raw[0].isdigit() else raw
        facts.append(Fact("stage", value, evidence(doc, page, text, *m.span())))
    return facts
