"""Sentence splitting and word helpers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from desktop.core.text import content_terms, normalise_whitespace, split_sentences


def test_split_keeps_abbreviations_and_decimals() -> None:
    text = (
        "Call at 38.0 C or higher. Herbs such as St. John's wort interact, e.g. with "
        "tamoxifen. Dr. Lee agreed! Is it safe? Yes."
    )
    assert split_sentences(text) == [
        "Call at 38.0 C or higher.",
        "Herbs such as St. John's wort interact, e.g. with tamoxifen.",
        "Dr. Lee agreed!",
        "Is it safe?",
        "Yes.",
    ]


def test_whitespace_from_pdfs_is_normalised() -> None:
    assert normalise_whitespace("HER2\tlow\n\n  breast") == "HER2 low breast"


def test_content_terms_split_compounds() -> None:
    terms = content_terms("What is HER2-low breast cancer?")
    assert "her2" in terms and "low" in terms and "what" not in terms


@given(st.text(max_size=400))
def test_split_never_loses_words(text: str) -> None:
    joined = " ".join(split_sentences(text))
    assert joined.split() == normalise_whitespace(text).split()
