"""Receptor, grade and stage results as pathology reports of other laboratories write them:
phrasings written by us from the field names of public reporting templates (the CAP breast
biomarker template, the RCPath breast dataset) and common free-text styles, none copied from
the real reports the reader was developed on. Each result must be read, and each legend,
scoring rule, control or pending note must give nothing."""

from __future__ import annotations

import pytest

from desktop.core.records.extract import extract

RESULTS = [
    (
        "ESTROGEN RECEPTOR (ER) STATUS: POSITIVE\nPercentage of cells with nuclear positivity: "
        "91-100%\nAverage intensity of staining: Strong\n",
        {"er_status": "positive"},
    ),
    (
        "Progesterone Receptor (PgR) Status: Negative\nPercentage of cells with nuclear "
        "positivity: 0%\n",
        {"pr_status": "negative"},
    ),
    ("HER2 (by immunohistochemistry): Negative (Score 1+)\n", {"her2_ihc": "1+"}),
    (
        "HER2 (by immunohistochemistry): Equivocal (Score 2+)\nHER2 (by in situ hybridization): "
        "Negative (not amplified)\n",
        {"her2_ihc": "2+", "her2_ish": "not amplified"},
    ),
    (
        "ER: positive (95%, strong)\nPR: positive (40%, moderate)\nHER2: negative (1+)\n",
        {"er_status": "positive", "pr_status": "positive", "her2_ihc": "1+"},
    ),
    (
        "Oestrogen receptor: Positive, Allred score 8/8\nProgesterone receptor: Positive, Allred "
        "score 6/8\nHER2: Negative (IHC score 0)\n",
        {"er_status": "positive", "pr_status": "positive", "her2_ihc": "0"},
    ),
    (
        "Immunohistochemistry: the tumour cells are ER positive (H-score 280), PR negative and "
        "HER2 equivocal (2+).\n",
        {"er_status": "positive", "pr_status": "negative", "her2_ihc": "2+"},
    ),
    (
        "Hormone receptors: ER 0%, PR 0%. HER2 3+ by IHC.\n",
        {"er_status": "negative", "pr_status": "negative", "her2_ihc": "3+"},
    ),
    (
        "The carcinoma is strongly positive for estrogen receptor (90%) and weakly positive for "
        "progesterone receptor (5%). HER-2/neu is negative (score 0).\n",
        {"er_status": "positive", "pr_status": "positive", "her2_ihc": "0"},
    ),
    (
        "ER - NEGATIVE\nPR - NEGATIVE\nHER2 - NEGATIVE (1+)\n",
        {"er_status": "negative", "pr_status": "negative", "her2_ihc": "1+"},
    ),
    ("Estrogen receptor: Low positive (5%)\n", {"er_status": "low positive"}),
    ("HER2 by FISH: AMPLIFIED, ratio 4.5\n", {"her2_ish": "amplified"}),
    ("HER2/neu (SISH): Not amplified. HER2:Chr17 ratio 1.1\n", {"her2_ish": "not amplified"}),
    (
        "Receptor status:\n  ER  Positive  100%  strong\n  PR  Positive  70%   moderate\n",
        {"er_status": "positive", "pr_status": "positive"},
    ),
    (
        "Estrogen receptor (clone SP1): Positive, 80% of tumor cells, strong intensity\n",
        {"er_status": "positive", "er_percent": "80"},
    ),
    ("Progesterone receptor (clone 1E2): Negative (<1%)\n", {"pr_status": "negative"}),
    ("HER2 (clone 4B5): Score 2+ (equivocal)\n", {"her2_ihc": "2+"}),
    ("Receptors: ER+ PR+ HER2-\n", {"er_status": "positive", "pr_status": "positive"}),
    (
        "Estrogen receptor ........ Positive\nProgesterone receptor .... Negative\n",
        {"er_status": "positive", "pr_status": "negative"},
    ),
    ("ESTROGEN RECEPTOR:\nPOSITIVE (85%)\n", {"er_status": "positive"}),
    (
        "Immunostains show the tumor cells to be ER positive (>95%), PR negative (0%), and HER2 "
        "negative (1+).\n",
        {"er_status": "positive", "pr_status": "negative", "her2_ihc": "1+"},
    ),
    ("Oestrogen receptor (ER): Quick score 8/8 (positive)\n", {"er_status": "positive"}),
    (
        "The tumour is ER-positive, PgR-negative and HER2-negative (IHC 1+).\n",
        {"er_status": "positive", "pr_status": "negative", "her2_ihc": "1+"},
    ),
    (
        "Hormone receptor studies: ER 100% strong; PR 30% weak; HER2 2+, FISH not amplified.\n",
        {
            "er_status": "positive",
            "pr_status": "positive",
            "her2_ihc": "2+",
            "her2_ish": "not amplified",
        },
    ),
    (
        "Grade: Nottingham grade 2 (tubules 3, nuclei 2, mitoses 1; total score 6/9)\n",
        {"grade": "2"},
    ),
    (
        "Histologic grade (Nottingham): Grade 3 of 3\nGrade 1: 3-5 points; Grade 2: 6-7 points; "
        "Grade 3: 8-9 points\n",
        {"grade": "3"},
    ),
    ("Overall grade: II/III\n", {"grade": "2"}),
    ("Histologic Grade: G2\n", {"grade": "2"}),
    ("Grade: Moderately differentiated (grade 2)\n", {"grade": "2"}),
]

TRAPS = [
    "Interpretation: ER/PR positive if >=1% of tumour nuclei stain; 1-10% is reported as low "
    "positive.\nHER2 scoring: 0 and 1+ negative, 2+ equivocal, 3+ positive.\n",
    "External and internal controls stained appropriately (positive control: ER positive "
    "tissue).\n",
    "Reference: Wolff AC et al. HER2 testing guideline, ASCO/CAP 2018. Allred score: 0-2 "
    "negative, 3-8 positive.\n",
    "Comment: ER and PR studies will be performed on the resection specimen and reported in an "
    "addendum.\n",
    "ER, PR and HER2 testing is pending.\n",
]
MARKER_FIELDS = {
    "er_status",
    "pr_status",
    "er_percent",
    "pr_percent",
    "her2_ihc",
    "her2_ish",
    "her2_category",
    "grade",
}


def _values(text: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for fact in extract([("report", [text])]):
        assert fact.evidence.text in text
        out.setdefault(fact.field, set()).add(fact.value.lower())
    return out


@pytest.mark.parametrize(("text", "wanted"), RESULTS, ids=[str(i) for i in range(len(RESULTS))])
def test_a_result_as_another_laboratory_writes_it_is_read(text: str, wanted: dict) -> None:
    got = _values(text)
    for name, value in wanted.items():
        assert value in got.get(name, set()), f"{name}: wanted {value}, got {got.get(name)}"


@pytest.mark.parametrize("text", TRAPS, ids=[str(i) for i in range(len(TRAPS))])
def test_a_legend_rule_control_or_pending_note_gives_no_result(text: str) -> None:
    got = _values(text)
    assert not (set(got) & MARKER_FIELDS), got
