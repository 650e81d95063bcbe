"""The words of a receptor or HER2 result as reports write them: percents (exact, a range,
a bound: "over 75%", "less than 10%"), HER2 IHC scores ("2+", "score of 0", "(0+)",
"Score = 3+", "zero or 1+" is a template's pick, not a score), ISH results ("not
amplified", "Negative by FISH", "AMPLIFICATION NOT FOUND") and the definitions a report puts
beside a result ("Low Positive (1-9%)", "present (greater than or equal to 1%)")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_NUM = r"\d{1,3}(?:\.\d+)?"
_PCT = r"\s*(?:%|Z(?=\s+[A-Za-z]))"  # OCR writes "85Z NUCLEAR STAINING" for 85%
_ABOVE = r"(?:>=?|≥|\bover|\bgreater\s+than(?:\s+or\s+equal\s+to)?|\bmore\s+than|\babove)"
_BELOW = r"(?:<=?|≤|\bless\s+than|\bunder|\bbelow|\bfewer\s+than)"
# a bracketed bound or range alone with a percent after it ("Low Positive (1-9%). 5 %",
# "present (greater than or equal to 1%). Quantitation: 75%"): a definition, not the result
_DEFINITION = re.compile(
    rf"\(\s*(?:(?:{_ABOVE}|{_BELOW})\s*{_NUM}\s*%?|{_NUM}\s*%?\s*(?:-|to)\s*{_NUM}\s*%?)"
    rf"\s*\)(?=.*?\d\s*%)",
    re.IGNORECASE | re.DOTALL,
)
# values that are not percents of stained cells: H-score, Fmol, ratios, signal counts
_NOT_PERCENT = re.compile(
    r"\bH-?\s?s?c?core\s*(?:of|:)?\s*\d+|\bfmol\w*\s*(?:value\s*)?(?:of\s*)?\d+",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    rf"(?:(?P<above>{_ABOVE})\s*|(?P<below>{_BELOW})\s*)?(?P<a>{_NUM})\s*(?:%\s*)?"
    rf"(?:(?:-|to)\s*(?P<b>{_NUM}))?{_PCT}",
    re.IGNORECASE,
)


def clean_tail(words: str) -> str:
    """``words`` with definitions and non-percent values blanked (same length)."""
    for pattern in (_DEFINITION, _NOT_PERCENT):
        words = pattern.sub(lambda m: " " * len(m.group(0)), words)
    return words


@dataclass(frozen=True)
class PercentReading:
    """The percent of stained cells a statement gives, as it is to be shown (">75", "<10",
    "10-75", "95") with its highest value; ``below_one`` for "<1%" (no percent: negative)."""

    value: str | None
    high: float | None
    leading: bool  # written straight after the marker ("ER 95%") or "found in 75%"
    below_one: bool = False


_LEADS = re.compile(
    r"^[\s:=\-]*(?:\w+\s+){0,1}$|(?:found|expression|expressed|staining|stained)\s+in\s+"
    r"(?:\w+\s+)?$|\b(?:quantitation|nuclei\s+stained|percent(?:age)?)\W*$",
    re.IGNORECASE,
)


def _number(text: str) -> float:
    return float(text)


# OCR writes "%" as "8": "PR: 408 NUCLEAR STAINING", "(1008 of tumor cells": a number over
# 100 ending in 8 where a percent of cells is written is that percent
_OCR_PERCENT = re.compile(
    r"(?<![\d.])(\d{1,3})8(?=\s+(?:of\s+(?:the\s+)?(?:tumou?r|neoplastic|invasive|malignant)|"
    r"nuclear\s+(?:staining|positivity)|positive\s+cells))",
    re.IGNORECASE,
)


def _ocr_percent(words: str) -> str:
    """``words`` with OCR's "408" for "40%" written back as "40%" (same length)."""

    def repair(m: re.Match[str]) -> str:
        whole, value = int(m.group(0)), int(m.group(1))
        return f"{m.group(1)}%" if whole > 100 and value <= 100 else m.group(0)

    return _OCR_PERCENT.sub(repair, words)


def percent_reading(words: str) -> PercentReading | None:
    """The first percent in ``words``."""
    m = _PERCENT.search(_ocr_percent(words))
    if not m:
        return None
    a = _number(m.group("a"))
    b = _number(m.group("b")) if m.group("b") else None
    leading = bool(_LEADS.search(words[: m.start()]))
    if m.group("below") and b is None:
        if a <= 1:
            return PercentReading(None, None, False, below_one=True)
        return PercentReading(f"<{m.group('a')}", a, leading)
    if m.group("above") and b is None:
        return PercentReading(f">{m.group('a')}", 100.0, leading)
    if b is not None and b > a and b <= 100:
        return PercentReading(f"{m.group('a')}-{m.group('b')}", b, leading)
    if a > 100:
        return None
    return PercentReading(m.group("a"), a, leading)


# --- HER2 ----------------------------------------------------------------------------------
_SCORE = (
    r"(?<![\d.,])([0-3])\s*(?:\+|plus\b)"
    r"|\bscore(?:d)?\s*(?:as\s+|of\s+|=\s*|:\s*)?([0-3])\b(?![.,]\d)(?!\s*%)"
    r"|\(\s*([0-3])\s*\+?\s*\)"
    r"|\bintensity\s*(?:of\s*)?[:=]?\s*([0-3])\b(?![.,]\d)(?!\s*%)"
    r"|\bIHC\s*[:\-]?\s*([0-3])\b(?![.,]\d)(?!\s*%)"
    r"|^(?:\s*\(\s*IHC\s*\))?[\W]{0,6}([0-3])\b(?![.,]\d)(?!\s*%)"
    # OCR writes a lone letter O for zero: "HER2NEU-O", "HER-2 (IHC) -. o.", "Score: o"
    r"|(?:^(?:\s*\(\s*IHC\s*\))?[\s:\-.]{0,6}|\bscore\s*[:=]?\s*)([oO])\b(?![\w'])"
)
_SCORE_RE = re.compile(_SCORE, re.IGNORECASE)
_PICK = re.compile(r"\b(?:[0-3]\+?|zero|zoro)\s*(?:or|/)\s*[0-3]\s*\+", re.IGNORECASE)
_STATUS = re.compile(
    r"\b(?:(not\s+over-?expressed)|(equivocal|borderline|weakly\s+positive)|"
    r"(positive|over-?expressed)|(negative))\b",
    re.IGNORECASE,
)
ISH_WORDS = r"(?:FISH|ISH|SISH|CISH|DISH|in[\s-]?situ\s+hybridi[sz]ation)"
_BY_ISH = re.compile(
    rf"^[\W]{{0,4}}(?:\w+\W+){{0,2}}?by\s+{ISH_WORDS}|^\W*\(\s*{ISH_WORDS}\s*\)", re.IGNORECASE
)
_NOT_AMPLIFIED = (
    r"not\s+amplified|non-?\s?amplified|without\s+amplification|no\s+amplification|"
    r"amplification\s+not\s+(?:found|seen|detected|identified)|no\s+(?:gene\s+)?amplification"
)
_AMPLIFIED = r"(?<!not\s)(?<!non-)(?<!non)\bamplified\b"
_AMP = re.compile(rf"({_NOT_AMPLIFIED})|({_AMPLIFIED})", re.IGNORECASE)
_IHC_ONLY = re.compile(r"\bIHC\b|immunohisto|herceptest|immunoperoxidase", re.IGNORECASE)
# an ISH result anywhere on the page: "FISH ... not amplified", "not amplified by FISH",
# "HER-2 gene AMPLIFICATION NOT FOUND", "THIS SPECIMEN IS AMPLIFIED"
_PAGE_ISH = re.compile(
    rf"\b{ISH_WORDS}\b[^.\n\x1f]{{0,60}}?\b(?:(?P<n1>{_NOT_AMPLIFIED}|negative)|"
    rf"(?P<a1>amplified|positive))\b"
    rf"|\b(?:(?P<n2>{_NOT_AMPLIFIED})|(?P<a2>amplified))\b[^.\n\x1f]{{0,45}}?\bby\s+"
    rf"(?:interphase\s+|fluorescence\s+)?{ISH_WORDS}"
    rf"|\bHER-?2\s+(?:gene\s+)?(?:(?P<n3>amplification\s+not\s+found|not\s+amplified)|"
    rf"(?P<a3>amplified))\b"
    rf"|\bspecimen\s+is\s+(?:(?P<n4>not\s+amplified)|(?P<a4>amplified))\b",
    re.IGNORECASE,
)


def ihc_score(words: str) -> str | None:
    """The first HER2 IHC score in ``words`` (a pick like "zero or 1+" is none)."""
    if _PICK.search(words[:40]):
        return None
    m = _SCORE_RE.search(words)
    if not m:
        return None
    digit = next(g for g in m.groups() if g is not None)
    return "0" if digit in "0oO" else f"{digit}+"


def _status(words: str) -> str | None:
    m = _STATUS.search(words)
    if not m:
        return None
    if m.group(1) or m.group(4):
        return "negative"
    return "equivocal" if m.group(2) else "positive"


@dataclass(frozen=True)
class Her2Reading:
    """What one HER2 statement gives: an IHC score, an ISH result, a bare status."""

    score: str | None
    ish: str | None
    status: str | None

    @classmethod
    def read(cls, before: str | None, words: str) -> Her2Reading:
        ish, status = _ish_and_status(before, words)
        score = ihc_score(words)
        if score is None and _PICK.search(words[:40]) and status is None:
            status = "negative"  # "zero or 1+": a negative result with no score
        if score and (status, score) in _CONTRADICTIONS:
            return cls(None, ish, None)  # "Negative ... (Score=3+)": neither is stated
        return cls(score, ish, None if score else status)


def _ish_and_status(before: str | None, words: str) -> tuple[str | None, str | None]:
    """The ISH result a HER2 statement gives, and its bare status when that is not the ISH
    result's ("Negative by FISH" is an ISH result, not an IHC status)."""
    by_ish = _BY_ISH.search(words)
    amp = _AMP.search(words)
    ish = None
    if amp and (re.search(ISH_WORDS, words, re.IGNORECASE) or not _IHC_ONLY.search(words)):
        ish = "not amplified" if amp.group(1) else "amplified"
    status = before or _status(words)
    if by_ish and status in ("positive", "negative") and ish is None:
        ish = "amplified" if status == "positive" else "not amplified"
    if by_ish or (ish is not None and not _IHC_ONLY.search(words) and before is None):
        status = None  # the status is the ISH result's
    return ish, status


# a written status the score contradicts: the report is not read for either
_CONTRADICTIONS = {("negative", "3+"), ("positive", "0"), ("positive", "1+")}


def ish_result(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, "amplified" or "not amplified") of each ISH result on the page."""
    for m in _PAGE_ISH.finditer(text):
        negative = any(m.group(g) for g in ("n1", "n2", "n3", "n4"))
        yield m.start(), m.end(), "not amplified" if negative else "amplified"
