"""Profile extraction: biomarkers and pathology facts from differently written reports, each
with its evidence span."""

from __future__ import annotations

import pytest

from desktop.core.records.extract import extract, her2_category

REPORTS = {
    "structured": (
        "Specimen: Left breast, lumpectomy\nDiagnosis: Invasive ductal carcinoma, Nottingham "
        "grade 2\nEstrogen receptor: Positive (95%, strong)\nProgesterone receptor: Negative "
        "(0%)\nHER2 by IHC: 2+ (equivocal)\nHER2 FISH: not amplified (ratio 1.3)\nKi-67: 25%\n"
        "Pathologic stage: pT1c pN0 M0, Stage IA",
        {
            "er_status": "positive",
            "er_percent": "95",
            "pr_status": "negative",
            "her2_ihc": "2+",
            "her2_ish": "not amplified",
            "her2_category": "low",
            "ki67_percent": "25",
            "grade": "2",
            "histology": "invasive ductal carcinoma",
            "laterality": "left",
            "tnm": "pT1c pN0 M0",
            "stage": "IA",
        },
    ),
    "terse": (
        "RIGHT BREAST CORE BIOPSY: invasive lobular carcinoma, grade II.\n"
        "ER: 90% positive. PR: 40% positive. HER2 IHC 3+.",
        {
            "er_status": "positive",
            "pr_status": "positive",
            "her2_ihc": "3+",
            "her2_category": "positive",
            "histology": "invasive lobular carcinoma",
            "grade": "2",
            "laterality": "right",
        },
    ),
    "ultralow": (
        "HER2 (IHC): score 0, with faint incomplete membrane staining in up to 10% of cells.\n"
        "ER: positive, 5%",
        {"her2_ihc": "0", "her2_category": "ultralow", "er_status": "low positive"},
    ),
    "triple-negative": (
        "Estrogen receptor - negative\nProgesterone receptor - negative\nHER2: 1+ by IHC",
        {
            "er_status": "negative",
            "pr_status": "negative",
            "her2_ihc": "1+",
            "her2_category": "low",
        },
    ),
}


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_layouts(name: str) -> None:
    text, expected = REPORTS[name]
    facts = extract([(f"{name} report", [text])])
    got = {}
    for f in facts:
        got.setdefault(f.field, f.value)
        assert f.evidence.document == f"{name} report" and f.evidence.page == 1
        assert f.evidence.text in text
        assert 0 <= f.evidence.start < f.evidence.end <= len(text)
    for field, value in expected.items():
        assert got.get(field) == value, (field, got)


def test_a_fish_ratio_is_not_an_ihc_score() -> None:
    facts = extract([("r", ["HER2 FISH ratio 2.0, amplified"])])
    assert [f.value for f in facts if f.field == "her2_ihc"] == []
    assert [f.value for f in facts if f.field == "her2_category"] == ["positive"]


def test_conflicting_values_are_all_kept() -> None:
    facts = extract([("new", ["HER2 IHC 1+"]), ("old", ["HER2 IHC 0"])])
    values = [(f.value, f.evidence.document) for f in facts if f.field == "her2_ihc"]
    assert values == [("1+", "new"), ("0", "old")]


def test_her2_categories() -> None:
    assert her2_category("3+", None, False) == "positive"
    assert her2_category("2+", "amplified", False) == "positive"
    assert her2_category("2+", "not amplified", False) == "low"
    assert her2_category("1+", None, False) == "low"
    assert her2_category("0", None, True) == "ultralow"
    assert her2_category("0", None, False) == "zero"


@pytest.mark.parametrize(
    "text, genes, result",
    [
        (
            "Germline testing did not identify a pathogenic variant in PALB2 or CHEK2.",
            {"PALB2", "CHEK2"},
            "no variant detected",
        ),
        ("We found no disease-causing mutation in ATM.", {"ATM"}, "no variant detected"),
        (
            "Although not tested before, a pathogenic variant in BRCA2 (c.5946delT) was found "
            "on germline testing.",
            {"BRCA2"},
            "pathogenic variant",
        ),
    ],
)
def test_negated_gene_results_are_negative(text: str, genes: set[str], result: str) -> None:
    facts = [f for f in extract([("g", [text])]) if f.field == "gene"]
    assert {f.value for f in facts} == genes
    assert {f.details["result"] for f in facts} == {result}


@pytest.mark.parametrize(
    "text",
    [
        "Chest wall: grade 2 radiation dermatitis with moist desquamation in the fold.",
        "Skin reaction RTOG grade 1 erythema, settling with emollients.",
        "Pneumonitis, grade 2, treated with steroids.",
    ],
)
def test_side_effect_grades_are_not_the_tumour_grade(text: str) -> None:
    assert [f for f in extract([("n", [text])]) if f.field == "grade"] == []
