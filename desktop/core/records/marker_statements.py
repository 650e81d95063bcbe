"""Where a report states a tumour marker's result: each mention of ER, PR or HER2 (a list of
them, "ER/PR", "estrogen and progesterone receptors", shares one result), with the result
written before it ("positive for ER and PR and negative for HER2", "No estrogen receptors
found") and the words after it, up to the next marker's mention ("ER: Positive (95%).
PR: Negative"). What the words say is read by ``extract_biomarkers``.

The page read is the masked page (``report_layout``): no window reaches into a legend."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from desktop.core.records.report_layout import BARRIER

_KINDS = (
    ("er", r"\b(?:estrogen|oestrogen|estrogeni?)(?:\s*receptors?)?|\bER\b(?!-C\b)"),
    ("pr", r"\bprogester\w*(?:\s*receptors?)?|\bPR\b(?!-C\b)|\bPgR\b"),
    (
        "her2",
        r"\b(?:(?i:her)-?2|(?-i:HER)\s2|(?:IER|HKR|Hor|HOR)-?2(?=\s*/\s*neu))"
        r"(?:\s*[-/]?\s*(?i:neu)\b)?|\b(?:HER2NEU|c-?erb-?B-?2|c-?erb-?82|ERBB2)\b",
    ),
    (
        "other",
        r"\b(?:Ki-?67|MIB-?1|AR|androgen\s+receptors?|E-?cadherin|cytokeratins?|CK\s?\d+|"
        r"p63|p53|calponin|podoplanin|GCDFP|CD\s?\d+|SMA|synaptophysin|chromogranin|"
        r"PD-?L1)\b",
    ),
)
_MARKER = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in _KINDS), re.IGNORECASE)
# what may stand between two markers of one list: "ER/PR", "ER, PR and HER2", "estrogen
# and progesterone receptors", "estrogen receptor. and progesterone receptor", "ER PR"
_JOIN = re.compile(
    r"\s*(?:\((?:ER|PR|PgR)\)\s*)?(?:[.]?\s*(?:/|,|&|\band\b|\bor\b)\s*(?:\band\b\s*)?|\s+)",
    re.IGNORECASE,
)
_RESULT_WORD = r"(?:positive|negative|equivocal)"
# "POSITIVE FOR", "negative. for", "focally positive in": a result written before its marker
_RESULT_FIRST = re.compile(
    rf"\b(?:(?:focally|weakly|strongly|diffusely|strong(?:ly)?)\s+)?({_RESULT_WORD})"
    r"\s*[.,]?\s*(?:for|in)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_NO_BEFORE = re.compile(r"\bno\s+$", re.IGNORECASE)
# where the words after a marker stop being about it: another topic of the report
_TOPIC = re.compile(
    r"\b(?:margins?|lymph\s*nodes?|lymphovascular|angiolymphatic|tumou?r\s+size|"
    r"(?:pathologic\w*\s+)?stage|nottingham|histologic\s+grade|necrosis|calcifications?|"
    r"DCIS|in[\s-]situ|diagnosis|part\s+\d|gross\s+description|microscopic)\b|" + BARRIER,
    re.IGNORECASE,
)
REACH = 160  # characters after a marker its result may be in
BACK = 40  # characters before a marker a result written first may be in


@dataclass(frozen=True)
class Statement:
    """One mention (or list) of markers and what the report writes about it."""

    kinds: tuple[str, ...]  # "er", "pr", "her2", in order, each once
    start: int  # of the mention (or of the result written before it)
    end: int  # of the mention
    before: str | None  # "positive", "negative", "equivocal" written before, or None
    tail: str  # the words after the mention, up to the next marker or topic
    tail_start: int


@dataclass(frozen=True)
class _Mention:
    kind: str
    start: int
    end: int


_ALIAS = re.compile(r"\s*\(\s*$")
_ALIAS_END = re.compile(r"\s*\)")


def _mentions(text: str) -> list[_Mention]:
    """The markers named on the page; an alias in brackets ("ESTROGEN RECEPTOR (ER)") is
    part of the mention before it."""
    out: list[_Mention] = []
    for m in _MARKER.finditer(text):
        kind = m.lastgroup or "other"
        if out and out[-1].kind == kind and _ALIAS.fullmatch(text, out[-1].end, m.start()):
            close = _ALIAS_END.match(text, m.end())
            if close:
                out[-1] = _Mention(kind, out[-1].start, close.end())
                continue
        out.append(_Mention(kind, m.start(), m.end()))
    return out


def _lists(text: str, mentions: list[_Mention]) -> Iterator[list[_Mention]]:
    """Mentions grouped into lists (joined by "/", ",", "and", or nothing but a space)."""
    group: list[_Mention] = []
    for mention in mentions:
        if group:
            gap = text[group[-1].end : mention.start]
            joined = _JOIN.fullmatch(gap) is not None and len(gap) <= 12
            if not joined or mention.kind == "other" or group[-1].kind == "other":
                yield group
                group = []
        group.append(mention)
    if group:
        yield group


def _tail_end(text: str, start: int, next_start: int) -> int:
    """Where the words after a marker stop: the next marker, another topic or the reach."""
    end = min(next_start, start + REACH, len(text))
    topic = _TOPIC.search(text, start, end)
    return topic.start() if topic else end


def _trim_result_first(text: str, start: int, end: int) -> int:
    """The tail's end without a result the next marker writes first ("... AND NEGATIVE FOR
    <next marker>", "... nuclei. No <next marker>")."""
    window = text[max(start, end - BACK) : end]
    for pattern in (_RESULT_FIRST, _NO_BEFORE):
        m = pattern.search(window)
        if m:
            return end - (len(window) - m.start())
    return end


def statements(text: str) -> Iterator[Statement]:
    """Each ER/PR/HER2 mention (or list of them) on the masked page, with its result words."""
    mentions = _mentions(text)
    groups = list(_lists(text, mentions))
    for i, group in enumerate(groups):
        kinds = tuple(dict.fromkeys(m.kind for m in group if m.kind != "other"))
        if not kinds:
            continue
        start, end = group[0].start, group[-1].end
        next_start = groups[i + 1][0].start if i + 1 < len(groups) else len(text)
        tail_end = _tail_end(text, end, next_start)
        if tail_end == next_start:
            tail_end = _trim_result_first(text, end, tail_end)
        back = text[max(0, start - BACK) : start]
        before = None
        if BARRIER not in back:
            first = _RESULT_FIRST.search(back)
            if first:
                before = first.group(1).lower()
                start = start - (len(back) - first.start())
            elif _NO_BEFORE.search(back) and kinds != ("her2",):
                before = "negative"
        yield Statement(kinds, start, end, before, text[end:tail_end], end)
