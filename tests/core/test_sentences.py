"""The one sentence splitter (``core.text``) in its three modes: guideline prose, a generated
answer's blocks and patient record clauses. Each mode keeps what its former splitter did; the
same text is cut differently where the modes differ on purpose."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.answer.checking.units import answer_sentences
from desktop.core.records.facts import sentences as record_sentences
from desktop.core.text import ANSWER, PROSE, RECORD, sentence_spans, split_sentences


def _pieces(text: str, mode) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, mode)]


CASES = [
    # prose: abbreviations, initials, measures and decimals do not end a sentence, and a closing
    # quote after the full stop is dropped, as it always was
    (
        PROSE,
        'J. Smith took 20 mg. Twice a day. Fever is 38.0 C or more. "Call us." Then rest.',
        [
            "J. Smith took 20 mg. Twice a day.",
            "Fever is 38.0 C or more.",
            '"Call us.',
            "Then rest.",
        ],
    ),
    # prose: a capital or digit must follow the stop; blanks are collapsed
    (
        PROSE,
        "It helps. it is safe.\n\nSee\tpage 2. 3 doses follow.",
        ["It helps. it is safe.", "See page 2.", "3 doses follow."],
    ),
    # answer: markers after the stop stay with their sentence; bare markers end one
    (
        ANSWER,
        "Tamoxifen is a pill. [1] It can cause hot flashes [2] Ask your team, e.g. Dr. Lee [1].",
        [
            "Tamoxifen is a pill. [1]",
            "It can cause hot flashes [2]",
            "Ask your team, e.g. Dr. Lee [1].",
        ],
    ),
    # answer: a model's "etc." ends its sentence, "mg." is no abbreviation ...
    (
        ANSWER,
        "Side effects include nausea, fatigue etc. Most pass. Take 20 mg. Twice.",
        ["Side effects include nausea, fatigue etc.", "Most pass.", "Take 20 mg.", "Twice."],
    ),
    # ... where prose keeps them inside
    (
        PROSE,
        "Side effects include nausea, fatigue etc. Most pass. Take 20 mg. Twice.",
        ["Side effects include nausea, fatigue etc. Most pass.", "Take 20 mg. Twice."],
    ),
    # answer: a sentence may open with emphasis or a bracket; blanks stay as written
    (
        ANSWER,
        "It helps.  **Note:** rest.\t(Ask.)",
        ["It helps.", "**Note:** rest.", "(Ask.)"],
    ),
]


@pytest.mark.parametrize(("mode", "text", "expected"), CASES)
def test_each_mode_cuts_as_its_former_splitter_did(mode, text: str, expected: list[str]) -> None:
    assert split_sentences(text, mode) == expected


def test_answer_blocks_are_cut_by_the_answer_mode() -> None:
    text = "- First point [1]. Second point [2].\n\n## Next\nThe passages do not cover this."
    assert answer_sentences(text) == [
        "First point [1].",
        "Second point [2].",
        "## Next",
        "The passages do not cover this.",
    ]


def test_record_spans_are_exact_clauses() -> None:
    text = "ER positive; PR negative.\nDr. Lee reviewed it. Ki-67 12.5 %! Next?"
    spans = list(record_sentences(text))
    assert spans == sentence_spans(text, RECORD)
    assert [text[a:b] for a, b in spans] == [
        "ER positive",
        " PR negative",
        "Dr",  # records have no abbreviations: every full stop before a blank ends a clause
        " Lee reviewed it",
        " Ki-67 12.5 %",
        " Next",
    ]


@given(st.text(alphabet="ab .;!?\n\t[1]AB", max_size=80))
def test_record_spans_and_the_ends_between_them_make_the_text(text: str) -> None:
    spans = sentence_spans(text, RECORD)
    bounds = [0, *(i for span in spans for i in span), len(text)]
    gaps = [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
    assert all(a < b for a, b in spans)
    assert "".join(g + text[a:b] for g, (a, b) in zip(gaps, spans, strict=False)) + gaps[-1] == text
    assert set("".join(gaps)) <= set(".;!?\n")


def _squash(text: str) -> str:
    return "".join(text.split())


@given(st.text(alphabet="ab AB1.!?…;\n\t[1]()\"'*_e.g.Dr", max_size=80))
def test_answer_pieces_hold_the_whole_text(text: str) -> None:
    pieces = _pieces(text, ANSWER)
    assert all(p and p == p.strip() for p in pieces)
    assert _squash("".join(pieces)) == _squash(text)


@given(st.text(alphabet="ab AB1.!?;\n\t(e.g.Dr", max_size=80))
def test_prose_pieces_hold_the_whole_text(text: str) -> None:
    pieces = split_sentences(text, PROSE)
    assert all(p and p == p.strip() for p in pieces)
    assert _squash("".join(pieces)) == _squash(text)
