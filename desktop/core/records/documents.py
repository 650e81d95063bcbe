"""What kind of document a record is (pathology report, clinic note, lab results...) and the
date it speaks for (report, visit or collection date; never a date of birth)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.records.dates import DATE, document_day_first, document_order, find_dates

KINDS = (
    "Pathology report",
    "Clinic note",
    "Lab results",
    "Discharge summary",
    "Genetics report",
    "Radiology report",
    "Document",
)


@dataclass(frozen=True)
class DocumentInfo:
    kind: str
    date: str | None


# (kind, title patterns: strong near the top, keyword patterns: one point each)
_SIGNS: tuple[tuple[str, str, str], ...] = (
    (
        "Pathology report",
        r"pathology report|surgical pathology|histopathology|cytopathology|pathology",
        r"final diagnosis|specimen|gross description|microscopic description|"
        r"nottingham|margins?|immunohistochemistry|synoptic",
    ),
    (
        "Clinic note",
        r"clinic note|progress note|office visit|follow-up visit|consultation|consult note|"
        r"clinic visit|oncology note",
        r"history of present illness|\bHPI\b|assessment and plan|interval history|"
        r"chief complaint|review of systems|physical exam|\bplan:",
    ),
    (
        "Lab results",
        r"laboratory (?:results|report)|lab results|lab report|laboratory|hematology|"
        r"haematology|clinical chemistry|blood results|complete blood count",
        r"reference (?:range|interval)|\bref\b|collected|specimen type|\bCBC\b|"
        r"metabolic panel|units?\b",
    ),
    (
        "Discharge summary",
        r"discharge summary|discharge letter|discharge note",
        r"admission date|date of admission|discharge date|date of discharge|hospital course|"
        r"discharge diagnosis|discharge medications|reason for admission",
    ),
    (
        "Genetics report",
        r"genetic(?:s)? (?:test(?:ing)? )?report|germline (?:genetic )?test|"
        r"hereditary cancer|genomic (?:profiling|report)|molecular (?:profiling|report)|"
        r"cancer genetics",
        r"variant|pathogenic|genes analy[sz]ed|germline|\bctDNA\b|\bVUS\b|genetic counsel",
    ),
    (
        "Radiology report",
        r"radiology report|imaging report|\bCT\b[^\n]{0,40}|\bMRI\b|\bPET\b|bone scan|"
        r"mammogra\w+|ultrasound|x-ray|radiograph",
        r"\bimpression\b|\bfindings\b|\btechnique\b|\bcomparison\b|contrast|radiologist",
    ),
)


def _kind(pages: list[str]) -> str:
    first = pages[0] if pages else ""
    top = "\n".join(first.splitlines()[:6])
    body = "\n".join(pages)[:20000]
    best, best_score = "Document", 0
    for kind, title, words in _SIGNS:
        score = 4 * len(re.findall(title, top, re.IGNORECASE)[:1])
        score += min(4, len(set(m.lower() for m in re.findall(words, body, re.IGNORECASE))))
        if score > best_score:
            best, best_score = kind, score
    return best if best_score >= 2 else "Document"


_BIRTH = re.compile(r"\b(?:DOB|D\.O\.B|date of birth|birth ?date|born)\b", re.IGNORECASE)
_LABELS = (
    (
        4,
        re.compile(
            r"\b(?:report(?:ed)?|signed|sign-out|date of report)(?:\s+(?:date|on))?\b",
            re.IGNORECASE,
        ),
    ),
    (
        3,
        re.compile(
            r"\b(?:visit|service|seen|collect(?:ed|ion)|drawn|exam|study|specimen|discharge"
            r"(?:d)?|procedure|test date|result date|dictated)(?:\s+(?:date|on))?\b",
            re.IGNORECASE,
        ),
    ),
    (2, re.compile(r"\bdate\b", re.IGNORECASE)),
    (
        0,
        re.compile(
            r"\b(?:admi(?:tted|ssion)|received|diagnos\w*|surgery)(?:\s+(?:date|on))?\b",
            re.IGNORECASE,
        ),
    ),
)


def _date(pages: list[str]) -> str | None:
    for text in pages[:2]:
        best: tuple[int, int, str] | None = None
        for start, _end, iso in find_dates(text):
            line_start = text.rfind("\n", 0, start) + 1
            before = text[max(line_start, start - 40) : start]
            earlier = list(DATE.finditer(before))
            if earlier:  # only the words since the previous date label this one
                before = before[earlier[-1].end() :]
            if _BIRTH.search(before):
                continue
            priority, nearest = 1, (-1, 0)
            for score, pattern in _LABELS:  # the label nearest the date, the longest on a tie
                for m in pattern.finditer(before):
                    if (m.end(), -m.start()) > nearest:
                        priority, nearest = score, (m.end(), -m.start())
            key = (-priority, start, iso)
            if best is None or key < best:
                best = key
        if best:
            return best[2]
    return None


def document_info(pages: list[str]) -> DocumentInfo:
    """The document's kind (one of ``KINDS``) and its date as ISO, from its page texts
    (ambiguous numeric dates read as the document writes them)."""
    with document_order(document_day_first(pages)):
        return DocumentInfo(_kind(pages), _date(pages))
