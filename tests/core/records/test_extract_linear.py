"""The helpers that keep the record extractors linear on long pages (``facts.CueFinder``,
``facts.Spans``, the bounded ``facts.evidence``) give what the per-mention scans they replaced
gave: each is checked against a brute-force reference on generated text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.records.extract_meds import _MED_CUES
from desktop.core.records.facts import EVIDENCE_CONTEXT, CueFinder, Spans, evidence

WORDS = ("started", "stopped", "on", "plan", "not", "no change", "?", "ribociclib", "x", "  ")


def _nearest_brute(sentence: str, start: int, end: int, cues, reach: int = 60) -> str | None:
    """The former ``nearest_cue``: every cue of the sentence, for one mention."""
    best = None
    for label, pattern in cues.items():
        for m in pattern.finditer(sentence):
            if m.end() <= start:
                dist = start - m.end()
            elif m.start() >= end:
                dist = m.start() - end
            else:
                continue
            if dist > reach:
                continue
            key = (dist, -(m.end() - m.start()), label)
            if best is None or key < best:
                best = key
    return best[2] if best else None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.integers(0, 50))
def test_cue_finder_matches_a_scan_per_mention(words: list[str], reach: int) -> None:
    sentence = " ".join(words)
    finder = CueFinder(sentence, _MED_CUES)
    for m in re.finditer("ribociclib", sentence):
        want = _nearest_brute(sentence, m.start(), m.end(), _MED_CUES, reach)
        assert finder.nearest(m.start(), m.end(), reach) == want


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=40))
def test_spans_take_only_what_overlaps_nothing_taken(spans: list[tuple[int, int]]) -> None:
    taken, brute = Spans(), []
    for start, length in spans:
        end = start + length
        free = not any(a < end and start < b for a, b in brute)
        if free:
            brute.append((start, end))
        assert taken.take(start, end) is free


def test_evidence_is_the_line_or_a_bounded_part_of_a_long_one() -> None:
    text = "Pathology report\nER positive 95%, HER2 1+\nGrade 2"
    start = text.index("HER2")
    assert evidence("d", 1, text, start, start + 4).text == "ER positive 95%, HER2 1+"
    long = "word " * 5_000 + "HER2 1+ " + "word " * 5_000  # a page with no line breaks
    start = long.index("HER2")
    ev = evidence("d", 1, long, start, start + 7)
    assert "HER2 1+" in ev.text
    assert EVIDENCE_CONTEXT <= len(ev.text) <= 7 + 2 * EVIDENCE_CONTEXT
    assert ev.text.startswith("word ") and ev.text.endswith(" word")  # cut at spaces
