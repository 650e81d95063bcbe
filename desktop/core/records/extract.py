"""Profile extraction from record text: rules and vocabularies, not a model.

Each fact carries its evidence (document, page, the exact source span with offsets), so the
window can show where it came from. This first set of extractors covers the tumour
biomarkers and pathology basics: ER, PR (status and percent), HER2 (IHC score, ISH result and
the derived category), Ki-67, grade, histology, laterality and TNM stage."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field


@dataclass(frozen=True)
class Evidence:
    document: str
    page: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fact:
    """One extracted fact. ``date`` is the ISO date the fact refers to (the row's date for a
    lab value, else the document's date) when known; ``details`` holds field-specific parts
    (a lab's test, unit and reference range; a medication's dose, start and stop dates)."""

    field: str
    value: str
    evidence: Evidence
    date: str | None = None
    details: dict[str, str] = dc_field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


_NEG = r"(negative|neg|-(?!\w))"
_POS = r"(positive|pos|\+(?!\w))"
_RECEPTOR = {
    "er": r"(estrogen|oestrogen)\s+receptor|\bER\b",
    "pr": r"progesterone\s+receptor|\bPgR\b|\bPR\b",
}
_PERCENT = re.compile(r"(\d{1,3})\s*%")
_HER2_IHC = re.compile(
    r"HER-?2\b[^.\n]{0,40}?\b(?:IHC)?[^.\n]{0,15}?\b([0-3])\s*(\+|plus)"
    r"|HER-?2\b[^.\n]{0,30}?\b(?:IHC\s*)?(?:score\s*)?(?<![\d.])(0)\b(?![.,]\d|\s*%)",
    re.IGNORECASE,
)
_ULTRALOW = re.compile(
    r"ultra-?low|faint[^.\n]{0,60}incomplete|incomplete[^.\n]{0,40}faint|"
    r"≤\s*10\s*%|up to 10\s*%",
    re.IGNORECASE,
)
_ISH = re.compile(
    r"\b(FISH|ISH|in situ hybridi[sz]ation|SISH|CISH)\b(?:[^.\n]|\.\d){0,60}?"
    r"\b(not amplified|non-?amplified|negative|amplified|positive)\b",
    re.IGNORECASE,
)
_KI67 = re.compile(r"Ki-?67[^.\n%]{0,30}?(\d{1,3})\s*%", re.IGNORECASE)
_GRADE = re.compile(
    r"(?:Nottingham|histologic|histological|overall)?\s*grade\s*[:\-]?\s*"
    r"(1|2|3|I{1,3})\b(?!\s*(?:/|of)\s*[0-9])|\bG([1-3])\b",
    re.IGNORECASE,
)
_HISTOLOGY = (
    (
        "invasive ductal carcinoma",
        r"invasive ductal carcinoma|\bIDC\b|carcinoma,? (of )?no "
        r"special type|\bNST\b",
    ),
    ("invasive lobular carcinoma", r"invasive lobular carcinoma|\bILC\b"),
    ("ductal carcinoma in situ", r"ductal carcinoma in situ|\bDCIS\b"),
    ("inflammatory breast cancer", r"inflammatory (breast )?carcinoma|inflammatory breast cancer"),
)
_LATERALITY = re.compile(r"\b(left|right)\s+breast\b", re.IGNORECASE)
_TNM = re.compile(
    r"\b([cpy]{0,2}T(?:is|[0-4][a-d]?|X))\s*,?\s*([cpy]{0,2}N[0-3X][a-c]?"
    r"(?:\(\w+\))?)\s*,?\s*(M[01X])?",
    re.IGNORECASE,
)
_STAGE = re.compile(r"\bstage\s+(0|IV|I{1,3}[ABC]?|[1-4][ABC]?)\b", re.IGNORECASE)


def _evidence(doc: str, page: int, text: str, m: re.Match[str]) -> Evidence:
    # widen to the whole line for context, keep the matched span's offsets
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end == -1 else line_end
    return Evidence(doc, page, m.start(), m.end(), text[line_start:line_end].strip())


def _receptors(doc: str, page: int, text: str) -> Iterator[Fact]:
    for name, pattern in _RECEPTOR.items():
        for m in re.finditer(
            rf"({pattern})\s*(\(\w+\))?\s*[:\-]?\s*([^\n.;]{{0,60}})", text, re.IGNORECASE
        ):
            tail = m.group(m.lastindex or 0)
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
            ev = _evidence(doc, page, text, m)
            if status:
                pct = int(percent.group(1)) if percent else None
                if name == "er" and status == "positive" and pct is not None and 1 <= pct <= 10:
                    status = "low positive"
                yield Fact(f"{name}_status", status, ev)
            if percent:
                yield Fact(f"{name}_percent", percent.group(1), ev)


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


def _her2(doc: str, page: int, text: str) -> Iterator[Fact]:
    ihc = ish = None
    ihc_ev = ish_ev = None
    for m in _HER2_IHC.finditer(text):
        ihc = f"{m.group(1)}+" if m.group(1) else "0"
        if ihc == "0+":
            ihc = "0"
        ihc_ev = _evidence(doc, page, text, m)
        yield Fact("her2_ihc", ihc, ihc_ev)
        break
    for m in _ISH.finditer(text):
        word = m.group(2).lower()
        ish = "amplified" if word in ("amplified", "positive") else "not amplified"
        ish_ev = _evidence(doc, page, text, m)
        yield Fact("her2_ish", ish, ish_ev)
        break
    category = her2_category(ihc, ish, bool(_ULTRALOW.search(text)))
    if category and (ihc_ev or ish_ev):
        yield Fact("her2_category", category, ish_ev or ihc_ev)  # type: ignore[arg-type]


def extract_page(doc: str, page: int, text: str) -> list[Fact]:
    facts: list[Fact] = [*_receptors(doc, page, text), *_her2(doc, page, text)]
    for m in _KI67.finditer(text):
        facts.append(Fact("ki67_percent", m.group(1), _evidence(doc, page, text, m)))
    for m in _GRADE.finditer(text):
        raw = (m.group(1) or m.group(2)).upper()
        value = {"I": "1", "II": "2", "III": "3"}.get(raw, raw)
        facts.append(Fact("grade", value, _evidence(doc, page, text, m)))
    for label, pattern in _HISTOLOGY:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            facts.append(Fact("histology", label, _evidence(doc, page, text, m)))
            break
    for m in _LATERALITY.finditer(text):
        facts.append(Fact("laterality", m.group(1).lower(), _evidence(doc, page, text, m)))
        break
    for m in _TNM.finditer(text):
        value = " ".join(g for g in m.groups() if g)
        facts.append(Fact("tnm", value, _evidence(doc, page, text, m)))
    for m in _STAGE.finditer(text):
        raw = m.group(1).upper()
        roman = {"1": "I", "2": "II", "3": "III", "4": "IV"}
        value = roman.get(raw[0], raw[0]) + raw[1:] if raw[0].isdigit() else raw
        facts.append(Fact("stage", value, _evidence(doc, page, text, m)))
    return facts


def extract(documents: Iterable[tuple[str, list[str]]]) -> list[Fact]:
    """Facts from (document name, page texts) pairs; duplicates of the same value from the
    same page are kept once. Conflicting values are all kept."""
    seen: set[tuple[str, str, str, int]] = set()
    out: list[Fact] = []
    for doc, pages in documents:
        for page_no, text in enumerate(pages, start=1):
            for fact in extract_page(doc, page_no, text):
                key = (fact.field, fact.value, doc, page_no)
                if key not in seen:
                    seen.add(key)
                    out.append(fact)
    return out
