"""The query normaliser: misspellings, brands, abbreviations, casual words; idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.knowledge.normalise import normalise


@pytest.mark.parametrize(
    "question, expected",
    [
        ("side effects of ribocyclib", "ribociclib"),
        ("palbocyclib and low counts", "palbociclib"),
        ("is tamoxifin safe", "tamoxifen"),
        ("what does Kisqali do", "ribociclib"),
        ("Enhertu lung problems", "trastuzumab deruxtecan"),
        ("what is TNBC", "triple-negative breast cancer"),
        ("ER+ cancer", "estrogen receptor positive"),
        ("my ANC is low", "neutrophil"),
        ("CDK4/6 side effects", "cdk4/6 inhibitor"),
        ("what is an AI", "aromatase inhibitor"),
        ("what is a SERD", "selective estrogen receptor degrader"),
        ("IHC 2+ result", "immunohistochemistry"),
        ("T-DXd for HER2-low", "trastuzumab deruxtecan"),
        ("does chemo make you tired", "chemotherapy"),
        ("bone mets pain", "metastases"),
        ("oligomet disease", "oligometastatic"),
    ],
)
def test_vocabulary(question: str, expected: str) -> None:
    assert expected in normalise(question).search_text


def test_all_caps_and_no_punctuation() -> None:
    assert "ribociclib" in normalise("IM ON RIBOCYCLIB WHAT NOW").text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_idempotent_and_total(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once
