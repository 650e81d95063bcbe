"""The structure of a pathology report page read before its words: the text that can never
hold one of her results (a legend, a scale, a reference range, a criteria statement, a
citation, a statement about other patients, a template's pick-list) and the page as the
pathology readers see it, with that text masked.

A masked legend becomes a run of ``BARRIER`` characters (no rule reads across it); a masked
pick-list ("Nottingham grade (1, 2, 3): 2") becomes spaces, so the value after it still
reads as the field's value. Offsets are kept: the masked page has the page's length.

Every pattern here is linear in the page's length (a page can be one 60,000-character line
of OCR text)."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

BARRIER = "\x1f"

# --- scales and legends: a category paired with a threshold, two or more in a row ----------
_CATEGORY = (
    r"(?:low\s+positive|weakly\s+positive|strongly\s+positive|negative|positive|equivocal|"
    r"borderline\w*|low|high|intermediate|diploid|non-?amplified|not\s+amplified|amplified)"
)
_NUMBER = r"\d+(?:\.\d+)?"
_COMPARATOR = r"(?:<\s*/?\s*=|>\s*/?\s*=|<|>|≤|≥|=)"
_SCORE = r"(?:[0-3]\s*\+|\b[0-3]\b(?!\s*%))"
_THRESHOLD = (
    rf"(?:{_COMPARATOR}\s*{_NUMBER}\s*%?"
    rf"|{_NUMBER}\s*%?\s*-\s*{_NUMBER}\s*%?"
    rf"|(?:less|greater|more)\s+than(?:\s+or\s+equal\s+to)?\s*{_NUMBER}\s*%?)"
)
# "Negative <1%", "Borderline 10-20%", "Low Positive (1-9%)", "EQUIVOCAL: 2+", "Negative (1+)/"
_ENTRY_AFTER = re.compile(
    rf"\b{_CATEGORY}\s*[:(]?\s*(?:{_THRESHOLD}|(?:score\s*)?{_SCORE}(?:\s*(?:/|-|,)\s*{_SCORE})*)"
    r"\s*\)?",
    re.IGNORECASE,
)
# "> 4% is Positive", "<= 15 NEGATIVE", "0.9-1.1 is Diploid": a threshold naming its category
# (alone enough with a comparator or "is"; "80-85% positive cells" is a result). Found from
# the category word back: a pattern starting at every number was slow on long number runs.
_CATEGORY_WORD = re.compile(rf"\b{_CATEGORY}\b", re.IGNORECASE)
_THRESHOLD_BEFORE = re.compile(
    rf"(?<![\w.])(?:(?P<cmp>{_COMPARATOR}\s*{_NUMBER}\s*%?\s*(?:is|are|=)?)|{_THRESHOLD}\s*"
    rf"(?P<is>is|are|=)?)\s*$",
    re.IGNORECASE,
)
# "Score 0 (negative) = No staining", "1 = <1% of cells staining": a definition
_DEFINITION = re.compile(
    rf"\b(?:score\s*)?{_SCORE}\s*\(\s*{_CATEGORY}\s*\)\s*=|(?<![\w.=/]){_NUMBER}\s*=\s*"
    rf"(?:<|>|{_NUMBER}\s*-\s*{_NUMBER}\s*%|no\s+staining|weak|intermediate|strong)",
    re.IGNORECASE,
)
# "0 and 1+ negative, 2+ equivocal": a score naming its category (a scale when two are in a
# row; "HER2: 1+ negative" alone is a result)
_SCORE_FIRST = re.compile(rf"\b[0-3]\s*\+?\s+{_CATEGORY}\b", re.IGNORECASE)
# an intensity breakdown "(0 20%; 1+ 30%; 2+ 30%; 3+ 20%)": percents of cells per intensity
_BREAKDOWN = re.compile(
    # possessive spaces (``\s*+``): a long run of spaces or digits is read once, not retried
    r"(?=\S)(?:\(\s*+0\s*+-?\s*+\d{1,3}\s*+%\s*+\)?|\d{1,3}\s*+%)?"
    r"(?:\s*+[;,]?\s*+(?:\(?\s*+0\s*+-?\s*+|[1-3]\s*+\+\s*+)\d{1,3}\s*+%){2,}\s*+\)?"
    r"|\(\s*+0\s++\d{1,3}\s*+%\s*+\)",
)
# "positive and negative controls", "high, low and negative": categories named together
_PAIR = re.compile(
    r"\b(?:positive|negative)\s*(?:,|and|or|&|/)\s*(?:positive|negative)\b(?!\s+for\b)",
    re.IGNORECASE,
)
# the words a marker is named by; a scale's entries are not separated by one
_MARKER_WORD = re.compile(
    r"\b(?:ER|PR|PgR|HER-?2|estrogen|oestrogen|progesterone|Ki-?67|MIB-?1)\b", re.IGNORECASE
)
_ENTRY_GAP = 60  # characters between two entries of one scale

# --- statements that are never her result --------------------------------------------------
# criteria and definitions; citations; statements about other patients or cases; the
# general "a positive ER tumour shows ..." statements of a method text
_STATEMENT = re.compile(
    r"\bdefined\s+as\b|\b(?:is|are)\s+(?:considered|defined)\b|\bcriteri(?:a|on)\b|"
    r"\breference\s+ranges?\b|\bcut-?\s?offs?\b|\bscoring\s+system\b|"
    r"\bet\s+al\b|\b(?:19|20)\d\d\s*;\s*\d|\bJ\s+Clin\b|\bArch\s+(?:of\s+)?Path|"
    r"\bpatients\b|\bcases\b|\bsamples\b|\bwomen\b|"
    r"\b\d+\s*/\s*\d+\s*\(\s*\d+\s*%\s*\)\s*(?:were|was|are)\b|"
    r"\bcontro[il]s?\b|\bwhether\b|"
    # a condition or a scoring rule: "positive if >=1% stain", "HER2 scoring: 0 and 1+ ..."
    # ("is interpreted as positive" is how reports write a result: not here)
    r"\bif\s*(?:[<>≤≥=]|\d|(?:greater|less|more|at\s+least|fewer)\b)|\bscoring\s*:|"
    r"\b(?:positive|negative|[23]\s*\+)\s+or\s+(?:\w+\s+)?(?:positive|negative|amplified|"
    r"[0-3]\s*\+)",
    re.IGNORECASE,
)
# a clause opening with a general statement: "A positive ER or PR tumor shows any ..."
_GENERAL = re.compile(
    r"\W*(?:an?|any)\s+(?:positive|negative|equivocal)\s+(?:ER|PR|HER|estrogen|progesterone)",
    re.IGNORECASE,
)
# a template's pick-list "(1, 2, 3)": masked to spaces, the value after it is the answer
_PICK_LIST = re.compile(r"\(\s*(?:[0-3I]{1,3}\s*[,.]\s*){2,}[0-3I]{1,3}\s*\)")
# a sentence or clause: cut at ". ", ";", "?", "!" and line breaks (as ``facts.sentences``)
_CLAUSE_END = re.compile(r"\.(?=\s|$)|[;!?\n]")


@dataclass(frozen=True)
class Masked:
    """One masked region: its span and why (``scale``, ``statement``, ``pick-list``)."""

    start: int
    end: int
    kind: str


# a marker and its separator right before an entry: the entry is that marker's result
_RESULT_OF = re.compile(rf"{_MARKER_WORD.pattern}[^.\n{BARRIER}]{{0,25}}$", re.IGNORECASE)


def _entries(text: str) -> list[tuple[int, int, bool]]:
    """(start, end, alone enough) of each scale entry, overlapping ones merged; an entry
    written as a marker's result ("HER2: Negative (1+)") is not one."""
    found: list[tuple[int, int, bool]] = []
    for m in _ENTRY_AFTER.finditer(text):
        if not _RESULT_OF.search(text, max(0, m.start() - 40), m.start()):
            found.append((m.start(), m.end(), False))
    for word in _CATEGORY_WORD.finditer(text):
        m = _THRESHOLD_BEFORE.search(text, max(0, word.start() - 30), word.start())
        if m:
            found.append((m.start(), word.end(), bool(m.group("cmp") or m.group("is"))))
    found.extend((m.start(), m.end(), True) for m in _DEFINITION.finditer(text))
    found.extend((m.start(), m.end(), False) for m in _SCORE_FIRST.finditer(text))
    found.sort()
    merged: list[tuple[int, int, bool]] = []
    for start, end, alone in found:
        if merged and start < merged[-1][1]:
            a, b, was = merged[-1]
            merged[-1] = (a, max(b, end), was or alone)
        else:
            merged.append((start, end, alone))
    return merged


def _scale_regions(text: str) -> list[tuple[int, int]]:
    """Runs of two or more scale entries (category with threshold) with no marker between
    them, and single entries that only a scale writes (a threshold naming its category, a
    numbered definition)."""
    entries = _entries(text)
    regions: list[tuple[int, int]] = []
    run: list[tuple[int, int, bool]] = []
    run_end = 0  # the furthest end of the run's entries (kept, not recomputed: linear)

    def close() -> None:
        if len(run) >= 2 or (run and run[0][2]):
            regions.append((run[0][0], run_end))

    for entry in entries:
        if run:
            gap = text[run_end : entry[0]]
            if entry[0] - run_end > _ENTRY_GAP or _MARKER_WORD.search(gap):
                close()
                run = []
        run_end = max(run_end, entry[1]) if run else entry[1]
        run.append(entry)
    close()
    regions.extend(m.span() for m in _BREAKDOWN.finditer(text))
    regions.extend(m.span() for m in _PAIR.finditer(text))
    return regions


def _statement_regions(text: str) -> list[tuple[int, int]]:
    """The clauses holding a criteria, citation or population statement."""
    clauses = []
    start = 0
    for end_match in _CLAUSE_END.finditer(text):
        clauses.append((start, end_match.start()))
        start = end_match.end()
    clauses.append((start, len(text)))
    starts = [a for a, _ in clauses]
    flagged = {bisect_right(starts, m.start()) - 1 for m in _STATEMENT.finditer(text)}
    regions = []
    for i, (a, b) in enumerate(clauses):
        if b > a and (i in flagged or _GENERAL.match(text, a, b)):
            regions.append((a, b))
    return regions


def masked_regions(text: str) -> list[Masked]:
    """Every region of ``text`` the pathology readers must not read, in order."""
    out = [Masked(a, b, "scale") for a, b in _scale_regions(text)]
    out += [Masked(a, b, "statement") for a, b in _statement_regions(text)]
    out += [Masked(*m.span(), "pick-list") for m in _PICK_LIST.finditer(text)]
    return sorted(out, key=lambda m: (m.start, m.end))


def mask(text: str, regions: list[Masked]) -> str:
    """``text`` with each region blanked (same length, line breaks kept): pick-lists with
    spaces, everything else with ``BARRIER``."""
    parts: list[str] = []
    done = 0
    for region in regions:
        start = max(region.start, done)
        if region.end <= start:
            continue
        parts.append(text[done:start])
        fill = " " if region.kind == "pick-list" else BARRIER
        parts.append(re.sub(r"[^\n]", fill, text[start : region.end]))
        done = region.end
    parts.append(text[done:])
    return "".join(parts)
