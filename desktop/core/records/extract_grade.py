"""The invasive tumour's grade, as reports write it: "Nottingham grade 2", "SBR GRADE III",
"grade 2/3", "3 OF 3", "Nottingham II (of III)", "NOS, G III", "(NHG2, pT2, pN1a)", "poorly
differentiated", and the Nottingham total score (3-5 is grade 1, 6-7 grade 2, 8-9 grade 3).

A nuclear, architectural or mitotic grade is a component, and a grade of the in situ
carcinoma (DCIS, LCIS) is not the invasive grade: neither is taken. "Grade 3 neutropenia" is
a side effect. The page read is the masked page (``report_layout``): a legend "Grade I 3-5
points, Grade II 6-7 points" is not there, and a pick-list "(1, 2, 3)" is blank."""

from __future__ import annotations

import re
from collections.abc import Iterator

from desktop.core.records.facts import Fact, Page
from desktop.core.records.report_layout import BARRIER

_ROMAN = r"[1-3]|III|II|I|Il|lI|IIl|IlI|lII"
_VALUE = rf"(?P<v>{_ROMAN})"
_SYSTEM = (
    r"(?:nottingham|histologic(?:al)?|histology|overall|combined|composite|tumou?r|SBR|BR|"
    r"(?:modified\s+)?(?:scarff[-\s]?)?bloom[-\s]?richardson|elston(?:[-\s]ellis)?|NSABP|"
    r"N\.S\.A\.B\.P\.)"
)
_LABELLED = re.compile(
    # the space after each optional part is inside its group (no \s* retried per position)
    rf"(?P<sys>{_SYSTEM}[\s.,]*(?:\([^)\n]{{0,25}}\)\s*)?(?:histologic\s+)?)?grade\s*"
    rf"(?:\([^)\n]{{0,25}}\)\s*)?[:\-,=]?\s*(?:grade\s+)?(?:G\s?)?{_VALUE}\b"
    rf"|\bnottingham\s+(?P<w>{_ROMAN})\b(?=\s*(?:\(\s*of|/|of\b))",
    re.IGNORECASE,
)
# "NOS, G III, pT4b", "(G3)", "T2NIMX G2", "carcinoma; G2": not a cassette "G1-G2:", "G3:"
_G = re.compile(
    r"(?:(?<=[,;(])|(?<=[,;(]\s)|(?<=[MNX]\w\s)|(?<=[MNX]\s))G\s?(?P<v>[1-3]|III|II|I)\b"
    r"(?=\s*(?:[,;).]|\(|$|p?T\d))",
)
_NHG = re.compile(r"\bNHG\s?(?P<v>[1-3])\b")
_DIFFERENTIATED = re.compile(
    r"\b(?P<d>well|highly|moderately|poorly)[\s.-]+differentiated\b"
    r"|\bhistologic\w*\s+grade\s*[,:]\s*(?P<g>poor|moderate|well)\b"
    r"|\b(?P<p>poor|moderate)\s+histologic\b",
    re.IGNORECASE,
)
_SCORE = re.compile(
    r"\b(?:nottingham|total|overall|combined|SBR)[\s.]*(?:nottingham\s+)?(?:histologic\s+)?"
    r"score[\s:=.-]{0,3}(?:of\s*|is\s*)?(?P<s>[3-9])\b(?!\s*/\s*[0-8]\b|[.,]\d)"
    r"|\b(?:overall|total|nottingham)\s+grade\s*[:\-]?\s*(?P<g>[3-9])\s*/\s*9\b",
    re.IGNORECASE,
)
_NUMBER = {"1": "1", "2": "2", "3": "3", "highly": "1", "well": "1", "moderately": "2"}
_NUMBER |= {"poorly": "3", "poor": "3", "moderate": "2"}
# a component or an in situ carcinoma's grade: the words just before it
_COMPONENT_BEFORE = re.compile(
    r"\b(?:nuclear|nuclei|cytologic|architectural|tubul\w*|mitotic|pleomorphism|NG)\b"
    r"[\s.,:]*(?:grade|score)?[\s.,:]*(?:\(?\s*$|[1-3I]{1,3}\s*\(\s*$)",
    re.IGNORECASE,
)
_IN_SITU = re.compile(
    r"in[\s-]?situ|\bDCIS\b|\bLCIS\b|intraductal|lobular\s+neoplasia", re.IGNORECASE
)
_INVASIVE = re.compile(r"invasive|infiltrat\w+|carcinoma,?\s+(?:no\s+special|NST)", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"\s*(?:-|to|and)\s*(?:[1-3]|I{1,3})\b", re.IGNORECASE)
_NOT_TUMOUR_GRADE = re.compile(
    r"\b(?:CTCAE|CTC|RTOG|neutropenia|toxicity|diarrh|rash|nausea|fatigue|adverse|mucositis|"
    r"neuropathy|elevation|transaminitis|anemia|anaemia|thrombocytopenia|dermatitis|"
    r"pneumonitis|colitis|hepatitis|stomatitis|vomiting|alopecia|lymph(?:o)?edema|"
    r"lymphoedema|erythema|desquamation|hand-foot|infusion reaction|skin reaction)\w*\b",
    re.IGNORECASE,
)


def _roman(value: str) -> str:
    value = value.upper().replace("L", "I")
    return {"I": "1", "II": "2", "III": "3"}.get(value, value)


def _score_grade(score: int) -> str:
    return "1" if score <= 5 else "2" if score <= 7 else "3"


def _not_invasive(text: str, start: int, end: int, named: bool) -> bool:
    """Whether the grade at ``text[start:end]`` is a component's (unless ``named`` by its
    system: "NOTTINGHAM HISTOLOGIC GRADE 3"), an in situ carcinoma's or a side effect's."""
    before = text[max(0, start - 50) : start]
    before = before[before.rfind(BARRIER) + 1 :]
    if not named and _COMPONENT_BEFORE.search(before):
        return True
    in_situ = list(_IN_SITU.finditer(before))
    if in_situ and not _INVASIVE.search(before, in_situ[-1].end()):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    around = text[max(line_start, start - 25) : end + 30]
    return bool(_NOT_TUMOUR_GRADE.search(around))


def _stated(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, grade, named by its system) of each grade the page states."""
    for m in _LABELLED.finditer(text):
        if not _RANGE_AFTER.match(text, m.end()):
            named = bool(m.group("sys") or m.group("w"))
            yield m.start(), m.end(), _roman(m.group("v") or m.group("w")), named
    for pattern in (_G, _NHG):
        for m in pattern.finditer(text):
            yield m.start(), m.end(), _roman(m.group("v")), True
    for m in _DIFFERENTIATED.finditer(text):
        word = (m.group("d") or m.group("g") or m.group("p")).lower()
        yield m.start(), m.end(), _NUMBER[word], False


def grades(page: Page) -> Iterator[Fact]:
    """The invasive tumour's grade, per mention; the grade a Nottingham total score gives
    when the page states none."""
    text = page.masked
    stated = [
        (start, end, value)
        for start, end, value, named in sorted(_stated(text))
        if not _not_invasive(text, start, end, named)
    ]
    if not stated:
        stated = [
            (m.start(), m.end(), _score_grade(int(m.group("s") or m.group("g"))))
            for m in _SCORE.finditer(text)
            if not _not_invasive(text, m.start(), m.end(), True)
        ]
    for start, end, value in stated:
        yield Fact("grade", value, page.evidence(start, end))
