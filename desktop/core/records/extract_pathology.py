"""Pathology facts from record text: the tumour biomarkers (``extract_biomarkers``: ER, PR,
HER2, Ki-67) and the pathology basics read here: grade, histology, laterality, TNM and stage.
Each is read by its own small function over the page; ``extract_pathology`` runs them all."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from desktop.core.records.certainty import CHECK
from desktop.core.records.extract_biomarkers import her2, ki67, receptors
from desktop.core.records.extract_grade import grades
from desktop.core.records.extract_staging import stage, tnm
from desktop.core.records.facts import (
    Fact,
    Page,
    Reader,
    Spans,
    negated_before,
    sentences,
    window_after,
    window_before,
)
from desktop.core.records.specimen_parts import history_regions, inside

# OCR breaks a phrase with a period ("INFILTRATING DUCT. CARCINOMA") and garbles letters
# ("INFILTRATINO", "INFIL/TRATING", "Inflitrating", "DUCIAL", "LÖBULAR")
_GAP = r"[\s.]+"
_INVASIVE = r"(?:invasive|in(?:fil\W?t|flit)\w*)"
_DUCTAL = r"(?:duct(?:al)?|ducial)"
_LOBULAR = r"l[oö]bular"
_CARCINOMA = rf"{_GAP}(?:(?:breast|mammary){_GAP})?(?:adeno)?carcinomas?"
_BETWEEN = r"(?:[a-z-]+\s+){0,2}?"  # "INVASIVE POORLY DIFFERENTIATED DUCTAL. ADENOCARCINOMA"
HISTOLOGY: tuple[tuple[str, str], ...] = (
    (
        "mixed ductal and lobular carcinoma",
        r"(?:mixed\s+)?(?:invasive\s+)?(?:mammary\s+)?(?:carcinoma\s+)?(?:with\s+)?"
        r"(?:mixed\s+)?ductal[\s-]+(?:and|&|/|-)\s*lobular(?:\s+(?:carcinoma|features|types?))?"
        r"|mixed (?:invasive )?ductal[\s/-]+lobular",
    ),
    ("tubulolobular carcinoma", rf"(?:{_INVASIVE}\s+)?tubulo-?lobular{_CARCINOMA}"),
    (
        "invasive ductal carcinoma",
        rf"{_INVASIVE}\s+{_BETWEEN}{_DUCTAL}{_CARCINOMA}|\bIDC\b|"
        r"(?:invasive )?(?:breast )?carcinoma,? (?:of )?no special type|\bNST\b|"
        rf"{_INVASIVE}\s+ductal(?: (?:breast )?cancer)?\b(?![\s-]+(?:and|&|/|or)\b)",
    ),
    (
        "invasive lobular carcinoma",
        rf"{_INVASIVE}\s+{_BETWEEN}{_LOBULAR}{_CARCINOMA}|\bILC\b|"
        rf"{_INVASIVE}\s+lobular(?: (?:breast )?cancer)?\b(?![\s-]+(?:and|&|/|or)\b)",
    ),
    ("ductal carcinoma in situ", r"ductal carcinoma in[\s-]situ|\bDCIS\b"),
    ("lobular carcinoma in situ", r"lobular carcinoma in[\s-]situ|\bLCIS\b"),
    (
        "inflammatory breast cancer",
        r"inflammatory (?:breast )?carcinoma|inflammatory breast cancer",
    ),
    ("metaplastic carcinoma", r"metaplastic (?:breast )?carcinoma|metaplastic breast cancer"),
    ("mucinous carcinoma", r"mucinous (?:\(colloid\) )?(?:breast )?carcinoma|colloid carcinoma"),
    ("tubular carcinoma", r"(?<!-)tubular (?:breast )?carcinoma"),
    ("invasive micropapillary carcinoma", r"(?:invasive )?micropapillary carcinoma"),
    ("papillary carcinoma", r"(?<!micro)papillary carcinoma"),
    ("medullary carcinoma", r"medullary (?:breast )?(?:adeno)?carcinoma"),
    ("adenoid cystic carcinoma", r"adenoid cystic carcinoma"),
    ("apocrine carcinoma", r"apocrine carcinoma"),
    (
        "paget disease of the nipple",
        r"paget'?s?\s+disease(?:\s+of\s+(?:the\s+)?(?:nipple|breast))?",
    ),
    ("phyllodes tumour", r"phyllodes tumou?r|cystosarcoma phyllodes|phyllodes"),
)
_HISTOLOGY_RE = tuple((label, re.compile(p, re.IGNORECASE)) for label, p in HISTOLOGY)
# a histologic-type field whose value is one word: "Histologic type: Lobular carcinoma",
# "HISTOLOGIC TYPE: Ductal", "TUMOR TYPE (invasive component): ... Ductal adenocarcinoma"
_TYPE_FIELD = re.compile(
    r"\b(?:histolog\w*\s+(?:type|diagnosis)|tumou?r\s+type(?:\s*\(invasive[^)]{0,20}\))?)"
    r"\s*[:,]?\s*(?:[A-Z ]{3,30}:\s*)?(?P<type>ductal|lobular)\b",
    re.IGNORECASE,
)
_ABSENT_AFTER = re.compile(
    r"^[\s:,)-]*(?:is |was |are )?(?:not (?:identified|seen|present)|absent|none|negative|"
    r"no\b(?!\s+special)|ruled out)",
    re.IGNORECASE,
)
# a template field named by the type: its value says whether it is there ("PAGET'S DISEASE
# OF NIPPLE:" with nothing after it, "DCIS: No DCIS is present" are not findings)
_FIELD_VALUE = re.compile(r"^\s*(?:\([^)\n]{0,20}\)\s*)?:")
_PRESENT = re.compile(r"^\s*(?:\([^)\n]{0,20}\)\s*)?:\s*(?:present|identified|yes|seen)\b", re.I)
# a component of the tumour, not its type: "a component of colloid carcinoma", "in part
# mucinous carcinoma"
_COMPONENT_BEFORE = re.compile(
    r"(?:\bcomponents?\s+of|\bin\s+part|\bpart(?:ly|ially|im))\s+$", re.IGNORECASE
)


def _histology_found(page: Page) -> Iterator[tuple[int, int, str]]:
    """(start, end, type) of each histological type stated on the masked page (not negated,
    not an absent or empty template field, not a component), each span read once."""
    text = page.masked
    spans = list(sentences(text))
    starts = [a for a, _ in spans]
    taken = Spans()
    matches = [(m.start(), m.end(), label) for label, p in _HISTOLOGY_RE for m in p.finditer(text)]
    matches += [
        (m.start("type"), m.end("type"), f"invasive {m.group('type').lower()} carcinoma")
        for m in _TYPE_FIELD.finditer(text)
    ]
    for start, end, label in matches:
        if not taken.take(start, end):
            continue
        i = bisect_right(starts, start) - 1
        sentence_start = spans[i][0] if i >= 0 else 0
        after = window_after(text, end, 60)
        if (
            negated_before(window_before(text, start, 200, sentence_start))
            or _ABSENT_AFTER.match(after)
            or (_FIELD_VALUE.match(after) and not _PRESENT.match(after))
            or _COMPONENT_BEFORE.search(text, max(0, start - 20), start)
        ):
            continue
        yield start, end, label


def histology(page: Page) -> Iterator[Fact]:
    """Histological types stated; those in the clinical history only when the rest of the
    report states none."""
    found = sorted(_histology_found(page))
    history = history_regions(page.masked)
    report = [f for f in found if not inside(history, f[0])]
    unusual = {} if report else {CHECK: "read from the clinical history, not the diagnosis"}
    for start, end, label in report or found:
        yield Fact("histology", label, page.evidence(start, end), details=dict(unusual))


_EXPLICIT_SIDE = re.compile(
    r"\b(?:(?:tumou?r|specimen)\s+)?l?aterality\s*[:\-]\s*\(?\s*(?P<a>left|right)\b"
    r"|\b(?:tumou?r|anatomic)\s+site\s*:\s*(?P<b>left|right)\b",
    re.IGNORECASE,
)
_SIDE_MENTION = re.compile(
    # OCR writes "LETT", "LEET", "RIGHL": a letter of the side misread
    r"\b(?P<s1>le[fte]t|righ[tlI])(?:[\s-]+sided)?[\s-]*(?:[a-z]+\s+){0,3}?"
    r"(?:breast|mastectomy|lumpectomy|mammae)\b"
    r"|\b(?:b?r?e?ast)\s*[,;/]?\s*(?P<s2>le[fte]t|righ[tlI])\b"
    r"|\b(?-i:(?P<s3>L|R|Lt|Rt|LT|RT))\.?\s+breast\b"
    r"|\bmammae\s+(?P<latin>sinistrae|dextrae)\b",
    re.IGNORECASE,
)
_SIDE = {"l": "left", "lt": "left", "r": "right", "rt": "right", "sinistrae": "left"}
_SIDE |= {"dextrae": "right"}
_INVASIVE_TYPES = {label for label, _ in HISTOLOGY if "in situ" not in label} - {
    "paget disease of the nipple",
    "phyllodes tumour",
}
_REACH_BACK = 300  # characters before a tumour's diagnosis its part's side is named in


def _side(m: re.Match[str]) -> str:
    raw = next(g for g in m.groups() if g).lower()
    if raw[:2] == "le":
        return "left"
    return "right" if raw.startswith("righ") else _SIDE.get(raw, raw)


def _tumour_sides(page: Page, history: list[tuple[int, int]]) -> list[tuple[str, int, int]]:
    """The side named last before each invasive tumour's diagnosis (its part's heading)."""
    text = page.masked
    mentions = [m for m in _SIDE_MENTION.finditer(text) if not inside(history, m.start())]
    out = []
    for start, _end, label in _histology_found(page):
        if label not in _INVASIVE_TYPES or inside(history, start):
            continue
        before = [m for m in mentions if start - _REACH_BACK <= m.start() < start]
        if before:
            out.append((_side(before[-1]), *before[-1].span()))
    return out


def laterality(page: Page) -> Iterator[Fact]:
    """The tumour's side: a laterality field; else the side of the part each invasive
    tumour is diagnosed in; else the first breast named (the history's last). Both sides
    when the report has a tumour in each."""
    text = page.masked
    history = history_regions(text)
    found = [(_side(m), *m.span()) for m in _EXPLICIT_SIDE.finditer(text)]
    if not found:
        found = _tumour_sides(page, history)
    unusual: dict[str, str] = {}
    if not found:
        mentions = list(_SIDE_MENTION.finditer(text))
        outside = [m for m in mentions if not inside(history, m.start())]
        found = [(_side(m), *m.span()) for m in (outside or mentions)[:1]]
        if not outside and mentions:
            unusual = {CHECK: "read from the clinical history, not the diagnosis"}
    seen = set()
    for side, start, end in found:
        if side not in seen:
            seen.add(side)
            yield Fact("laterality", side, page.evidence(start, end), details=dict(unusual))


# the readers of a pathology page, in the order their facts are listed
_READERS: tuple[Reader, ...] = (receptors, her2, ki67, grades, histology, laterality, tnm, stage)


def extract_pathology(page: Page) -> list[Fact]:
    """Biomarker and pathology facts on one page."""
    return [fact for read in _READERS for fact in read(page)]
