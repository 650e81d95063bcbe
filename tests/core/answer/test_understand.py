"""Question understanding: kind, populations and generic questions, on questions written here
(not copied from the outside question set)."""

from __future__ import annotations

import pytest

from desktop.core.answer.understand import her_situations, understand


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is breast cancer?", "definition"),
        ("What are the symptoms of breast cancer?", "signs"),
        ("How is a breast lump diagnosed with a biopsy?", "tests_diagnosis"),
        ("What are the side effects of letrozole?", "side_effects"),
        ("What is the survival rate for stage 2?", "outlook"),
        ("Does drinking alcohol raise my risk of breast cancer?", "prevention_screening"),
        ("Can I keep working during radiotherapy?", "practical"),
        ("I'm so scared, am I going to die?", "distress"),
        ("What are my treatment options after a lumpectomy?", "treatment_options"),
    ],
)
def test_kind(question: str, kind: str) -> None:
    assert understand(question).kind == kind


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can men get breast cancer?", {"men"}),
        ("Is chemotherapy safe while pregnant?", {"pregnancy"}),
        ("Breast discharge, not pregnant. Is it cancer?", set()),
        ("My cancer has spread to my bones, what now?", {"metastatic"}),
        ("What does HER2-low mean?", {"HER2-low"}),
        ("The doctor said he would call me", set()),  # the doctor's "he" is not a man's cancer
    ],
)
def test_populations(question: str, expected: set[str]) -> None:
    assert understand(question).populations == frozenset(expected)


def test_generic_questions_are_told_from_specific_ones() -> None:
    assert understand("What is breast cancer?").generic
    assert understand("What are the symptoms?").generic
    assert not understand("What is invasive lobular carcinoma?").generic
    assert not understand("What is metastatic breast cancer?").generic


def test_her_situations_come_from_her_profile_lines() -> None:
    hers = her_situations(["Diagnosis: metastatic breast cancer", "HER2: low (IHC 1+)"])
    assert {"metastatic", "HER2-low", "women"} <= hers
    assert "HER2-positive" not in hers
    assert "HER2-positive" in her_situations(["HER2: positive (IHC 3+)"])
