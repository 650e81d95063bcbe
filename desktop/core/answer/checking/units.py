"""Sentence units of a generated answer, and the citation markers inside them.

The local model writes Markdown-ish prose: paragraphs, bullet or numbered lists, headings, and
citation markers ``[n]`` in several shapes (``[1][3]``, ``[1, 3]``, ``[1] [2]``, ``[1-3]``,
``[Passage 2]``), placed before the full stop or after it. A unit is one sentence of a paragraph
or of a list item, or a whole heading; a marker written after a full stop belongs to the
sentence before it. Abbreviations (``e.g.``, ``i.e.``, ``Dr.``, ``vs.``, ``p. 47``) and
decimals (``1.5``) do not end a sentence: the blocks are cut into sentences by the one
splitter, ``core.text.split_sentences`` in its ``ANSWER`` mode. Every pattern here is linear
in the text's length."""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.core.text import ANSWER, CITATION_MARKER, split_sentences

MARKER = CITATION_MARKER
_NUMBER = re.compile(r"\d{1,3}")
_RANGE = re.compile(r"(\d{1,3})[ \t]*[-–][ \t]*(\d{1,3})")
_BULLET = re.compile(r"[ \t]{0,8}(?:[-*•+]|\d{1,3}[.)])[ \t]+")
_HEADING = re.compile(r"[ \t]{0,3}(?:#{1,6}[ \t]+\S|\*\*[^*\n]{1,80}\*\*:?[ \t]*$)")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


@dataclass(frozen=True)
class Unit:
    """One sentence (or heading) and where it sits: its block (paragraph, list item or heading,
    numbered in reading order), the block's bullet marker or heading marker, and the separator
    the original put before the block."""

    text: str
    block: int = 0
    bullet: str = ""
    heading: bool = False
    gap: str = "\n\n"
    terminated: bool = True


def parse_citations(sentence: str) -> tuple[str, tuple[int, ...]]:
    """The sentence without its citation markers, and the cited numbers in order (no repeats).

    A range ``[2-4]`` cites 2, 3 and 4 (ranges wider than ten give their two ends only)."""
    cited: list[int] = []
    for match in MARKER.finditer(sentence):
        body = match.group(0)
        for rng in _RANGE.finditer(body):
            lo, hi = int(rng.group(1)), int(rng.group(2))
            if 0 < hi - lo <= 10:
                cited.extend(range(lo, hi + 1))
        cited.extend(int(n) for n in _NUMBER.findall(body))
    text = MARKER.sub(" ", sentence)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACE.sub(" ", text)).strip()
    return text, tuple(dict.fromkeys(cited))


def _blocks(text: str) -> list[tuple[str, str, bool, str]]:
    """(text, bullet, heading, gap) per block: paragraphs, list items (with their continuation
    lines) and headings."""
    blocks: list[tuple[str, str, bool, str]] = []
    lines: list[str] = []
    bullet, heading, gap = "", False, "\n\n"
    pending_gap = "\n\n"

    def flush() -> None:
        if lines:
            blocks.append((" ".join(lines), bullet, heading, gap))
        lines.clear()

    for line in text.splitlines():
        if not line.strip():
            flush()
            pending_gap = "\n\n"
            continue
        bullet_match = _BULLET.match(line)
        heading_line = bullet_match is None and _HEADING.match(line) is not None
        if bullet_match or heading_line or heading or not lines:
            flush()
            gap = pending_gap if blocks else ""
            heading = heading_line
            bullet = ""
            if bullet_match:
                bullet = bullet_match.group(0).rstrip() + " "
                line = line[bullet_match.end() :]
        if line.strip():
            lines.append(line.strip())
        pending_gap = "\n"
    flush()
    return blocks


def _terminated(sentence: str) -> bool:
    """Does the sentence end with terminal punctuation, a colon or a citation marker?"""
    s = sentence.rstrip()
    if s.endswith("]"):
        open_at = s.rfind("[", max(0, len(s) - 80))
        if open_at >= 0 and MARKER.fullmatch(s, open_at):
            return True
    s = s.rstrip("\"'”’)*_ \t")
    return bool(s) and s[-1] in ".!?:…"


def split_units(text: str) -> list[Unit]:
    """The answer's sentences and headings in reading order, with their layout."""
    units: list[Unit] = []
    for number, (block, bullet, heading, gap) in enumerate(_blocks(text)):
        if heading:
            units.append(Unit(block, number, bullet, True, gap, True))
            continue
        for piece in split_sentences(block, ANSWER):
            units.append(Unit(piece, number, bullet, False, gap, _terminated(piece)))
    return units


def answer_sentences(text: str) -> list[str]:
    """The answer's sentence units as written (markers kept; list items without bullets)."""
    return [unit.text for unit in split_units(text)]
