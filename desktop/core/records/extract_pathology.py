"""Pathology facts from record text: the tumour biomarkers (``extract_biomarkers``: ER, PR,
HER2, Ki-67) and the pathology basics read here: grade, histology, laterality, TNM and stage.
Each is read by its own small function over the page; ``extract_pathology`` runs them all."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.extract_biomarkers import her2, ki67, receptors
from desktop.core.records.facts import (
    Fact,
    Page,
    Reader,
    Spans,
    negated_before,
    window_after,
    window_before,
)

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
_ROMAN = {"1": "I", "2": "II", "3": "III", "4": "IV"}
_GRADE_NUMBER = {"I": "1", "II": "2", "III": "3"}


def grades(page: Page) -> Iterator[Fact]:
    """The tumour grade, per mention ("grade 3 neutropenia" is a side effect, not a grade)."""
    flat = page.flat
    for m in _GRADE.finditer(flat):
        line_start = flat.rfind("\n", 0, m.start()) + 1
        around = flat[max(line_start, m.start() - 25) : m.end() + 30]
        if _NOT_TUMOUR_GRADE.search(around):
            continue
        raw = (m.group(1) or m.group(2)).upper()
        yield Fact("grade", _GRADE_NUMBER.get(raw, raw), page.evidence(*m.span()))


def histology(page: Page) -> Iterator[Fact]:
    """Histological types stated (not negated, not "not identified"), each span read once."""
    taken = Spans()
    for s_start, sentence in page.sentences():
        for label, pattern in _HISTOLOGY_RE:
            for m in pattern.finditer(sentence):
                start, end = s_start + m.start(), s_start + m.end()
                if not taken.take(start, end):
                    continue
                if negated_before(window_before(sentence, m.start())) or _ABSENT_AFTER.match(
                    window_after(sentence, m.end())
                ):
                    continue
                yield Fact("histology", label, page.evidence(start, end))


def laterality(page: Page) -> Iterator[Fact]:
    """The side of the first breast named on the page (it names the tumour's side)."""
    m = _LATERALITY.search(page.flat)
    if m:
        side = next(g for g in m.groups() if g).lower()
        yield Fact("laterality", _SIDE.get(side, side), page.evidence(*m.span()))


def tnm(page: Page) -> Iterator[Fact]:
    """TNM written together ("pT2 N1a M0"), per mention; else the synoptic template's lines."""
    combined = False
    for m in _TNM.finditer(page.flat):
        value = " ".join(g for g in m.groups() if g)
        yield Fact("tnm", value, page.evidence(*m.span()))
        combined = True
    synoptic = None if combined else _synoptic_tnm(page.flat)
    if synoptic:
        value, start, end = synoptic
        yield Fact("tnm", value, page.evidence(start, end))


def stage(page: Page) -> Iterator[Fact]:
    """The stage group, in Roman numerals ("stage 2B" is IIB), per mention."""
    for m in _STAGE.finditer(page.flat):
        raw = m.group(1).upper()
        value = _ROMAN.get(raw[0], raw[0]) + raw[1:] if raw[0].isdigit() else raw
        yield Fact("stage", value, page.evidence(*m.span()))


# the readers of a pathology page, in the order their facts are listed
_READERS: tuple[Reader, ...] = (receptors, her2, ki67, grades, histology, laterality, tnm, stage)


def extract_pathology(page: Page) -> list[Fact]:
    """Biomarker and pathology facts on one page."""
    return [fact for read in _READERS for fact in read(page)]
