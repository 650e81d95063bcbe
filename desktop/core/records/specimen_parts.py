"""The specimens a pathology report describes and where its clinical history is.

A report lists its specimens as parts ("A. BREAST, LEFT, LUMPECTOMY:", "PART 5: LEFT BREAST,
SEGMENTAL MASTECTOMY -", "D: Breast, right, mastectomy", "(C) RIGHT BREAST, TOTAL
MASTECTOMY"); a finding belongs to the part whose heading comes last before it. The clinical
history ("CLINICAL HISTORY:", "PRE-OP DIAGNOSIS:", "Clinical Diagnosis & History:") says what
was known before this report (a core biopsy's diagnosis, the side of the lump): it is read
only when the rest of the report says nothing."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

# a part's heading: its letter or number, then a specimen named within a few words
_PART = re.compile(
    r"(?:\bPART\s*#?\s*(?P<p>[A-H1-9])\b\s*[.:;)-]?|(?<![\w.#/-])\(?(?P<q>[A-H])\s*[.:)]+)"
    r"\s*(?P<what>[\"'#!]?[A-Za-z][^\n]{0,70})",
)
_SPECIMEN = re.compile(
    r"\b(?:breast|mastectomy|lumpectomy|axilla\w*|lymph\s+nodes?|sentinel|nodes?|skin|nipple|"
    r"margin|tissue|excision|biopsy|resection)\b",
    re.IGNORECASE,
)
SIDE = re.compile(
    r"(?P<side>\bleft\b|\bright\b)|\bmammae\s+(?P<latin>sinistrae|dextrae)\b", re.IGNORECASE
)
_HISTORY_START = re.compile(
    # OCR may cut a line's first letters: "inical Diagnosis & History:"
    r"\b(?:(?:cl)?inical\s+(?:diagnosis\s*(?:&|and)\s*)?history|patient\s+history|"
    r"(?:cl)?inical\s+(?:notes|information)|(?:pre|post)[\s-]?op(?:erative)?\.?\s+diagnosis|"
    r"chief\s+complaint|indications?\s*:)",
    re.IGNORECASE,
)
_HISTORY_END = re.compile(
    r"\b(?:gross\s+(?:description|examination)|specimens?\s*(?:\(s\)\s*)?(?:submitted\s*)?:|"
    r"final\s+diagnosis|(?<!op\s)(?<!operative\s)(?<!op/)(?<!history\s)diagnosis\s*:|"
    r"frozen\s+section|(?:operative\s+)?procedure\s*:|operation\s*:|microscopic|synoptic|"
    r"addend)",
    re.IGNORECASE,
)
_HISTORY_REACH = 400


@dataclass(frozen=True)
class Part:
    """One specimen part: its label ("A", "5"), where its heading starts, what it is."""

    label: str
    start: int
    heading: str

    @property
    def side(self) -> str | None:
        m = SIDE.search(self.heading)
        return side_of(m) if m else None


def side_of(m: re.Match[str]) -> str:
    """ "left" or "right" from a ``SIDE`` match."""
    if m.group("latin"):
        return "left" if m.group("latin").lower() == "sinistrae" else "right"
    return m.group("side").lower()


def parts(text: str) -> list[Part]:
    """The part headings on the page, in order."""
    out = []
    for m in _PART.finditer(text):
        what = m.group("what")
        specimen = _SPECIMEN.search(what[:60])
        if specimen:
            heading = what[: specimen.end() + 30]
            out.append(Part(m.group("p") or m.group("q"), m.start(), heading))
    return out


class Parts:
    """The page's parts, for "which part is this offset in"."""

    def __init__(self, text: str) -> None:
        self.all = parts(text)
        self._starts = [p.start for p in self.all]

    def at(self, pos: int) -> Part | None:
        i = bisect_right(self._starts, pos) - 1
        return self.all[i] if i >= 0 else None

    @property
    def several(self) -> bool:
        """Whether the page names more than one specimen part."""
        return len({p.label for p in self.all}) > 1


def history_regions(text: str) -> list[tuple[int, int]]:
    """The clinical history's spans on the page."""
    regions: list[tuple[int, int]] = []
    for m in _HISTORY_START.finditer(text):
        end_match = _HISTORY_END.search(text, m.end(), m.end() + _HISTORY_REACH)
        end = end_match.start() if end_match else min(len(text), m.end() + _HISTORY_REACH)
        if regions and m.start() <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((m.start(), end))
    return regions


def inside(regions: list[tuple[int, int]], pos: int) -> bool:
    """Whether ``pos`` is inside one of ``regions`` (sorted, not overlapping)."""
    i = bisect_right([a for a, _ in regions], pos) - 1
    return i >= 0 and pos < regions[i][1]
