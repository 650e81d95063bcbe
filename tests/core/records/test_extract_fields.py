"""Per-field extraction rules on phrasings the synthetic generator does not use: receptor
intensity, histology, metastatic sites and their negations, genes, menopausal status,
medications, dose changes and procedures."""

from __future__ import annotations

import pytest

from desktop.core.records.extract import Fact, extract


def _facts(text: str, name: str = "note") -> list[Fact]:
    facts = extract([(name, [text])])
    for f in facts:
        assert 0 <= f.evidence.start < f.evidence.end <= len(text)
        assert f.evidence.text in text
    return facts


def _values(text: str, field: str) -> set[str]:
    return {f.value for f in _facts(text) if f.field == field}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ER positive (80%, moderate to strong intensity)", {"moderate to strong"}),
        ("Oestrogen receptor: 100% of nuclei, strongly positive", {"strong"}),
        ("ER/PR: positive, weak staining in 5% of cells", {"weak"}),
        ("ER negative (0%)", set()),
    ],
)
def test_er_intensity(text: str, expected: set[str]) -> None:
    assert _values(text, "er_intensity") == expected


def test_pr_intensity_is_not_taken_from_er() -> None:
    facts = _facts("ER 90% strong; PR 15% weak")
    got = {(f.field, f.value) for f in facts if f.field.endswith("intensity")}
    assert got == {("er_intensity", "strong"), ("pr_intensity", "weak")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Invasive carcinoma with mixed ductal and lobular features", "mixed ductal and lobular"),
        ("Diagnosis: mucinous (colloid) carcinoma", "mucinous carcinoma"),
        ("Tubular carcinoma, 8 mm", "tubular carcinoma"),
        ("Background LCIS, classic type", "lobular carcinoma in situ"),
        ("Paget's disease of the nipple is present", "paget disease of the nipple"),
        ("Benign phyllodes tumor", "phyllodes tumour"),
        ("Metaplastic carcinoma with squamous differentiation", "metaplastic carcinoma"),
    ],
)
def test_histology_types(text: str, expected: str) -> None:
    assert any(v.startswith(expected) for v in _values(text, "histology")), text


@pytest.mark.parametrize(
    "text",
    ["No DCIS identified.", "DCIS: absent", "Negative for lobular carcinoma in situ."],
)
def test_histology_negated(text: str) -> None:
    assert _values(text, "histology") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Known hepatic and osseous metastases, stable.", {"liver", "bone"}),
        ("Breast cancer metastatic to the lungs and pleura.", {"lung", "pleura"}),
        ("PET shows mets to L2 vertebra and right adrenal.", {"bone", "adrenal"}),
        ("She has bone-only disease since 2022 (metastatic).", {"bone"}),
        ("Cancer has spread to the brain.", {"brain"}),
        ("New liver metastases but no bone metastases.", {"liver"}),
        ("No evidence of metastatic disease.", set()),
        ("Bone scan negative for metastasis.", set()),
        ("Liver lesion, too small to characterise; metastasis cannot be excluded.", set()),
        ("CT chest/abdomen/pelvis: no metastatic disease in the lungs or liver.", set()),
        ("Her mother died of breast cancer with liver metastases.", set()),
        ("Rule out brain metastases.", set()),
        ("Metastatic carcinoma in 2 of 3 axillary lymph nodes.", set()),
        ("Supraclavicular nodal metastasis confirmed by FNA.", {"distant lymph nodes"}),
    ],
)
def test_metastatic_sites(text: str, expected: set[str]) -> None:
    assert _values(text, "metastatic_site") == expected


def _genes(text: str) -> dict[str, dict[str, str]]:
    return {f.value: f.details for f in _facts(text) if f.field == "gene"}


def test_germline_pathogenic_variant_with_its_variant() -> None:
    got = _genes("Germline testing: BRCA2 pathogenic variant c.5946delT (p.Ser1982fs) identified.")
    assert got["BRCA2"]["result"] == "pathogenic variant"
    assert got["BRCA2"]["origin"] == "germline"
    assert got["BRCA2"]["variant"] == "c.5946delT"


def test_negative_panel_lists_each_gene() -> None:
    got = _genes("Hereditary panel (saliva): negative for BRCA1, BRCA2 and PALB2.")
    assert set(got) == {"BRCA1", "BRCA2", "PALB2"}
    assert {d["result"] for d in got.values()} == {"no variant detected"}
    assert {d["origin"] for d in got.values()} == {"germline"}


def test_tumour_mutations() -> None:
    got = _genes("Guardant360 ctDNA: ESR1 Y537S mutation detected; PIK3CA wild-type.")
    assert got["ESR1"] == {"result": "mutation detected", "origin": "tumour", "variant": "Y537S"}
    assert got["PIK3CA"]["result"] == "no variant detected"


def test_likely_pathogenic_and_vus() -> None:
    got = _genes("ATM: likely pathogenic variant. CHEK2: variant of uncertain significance.")
    assert got["ATM"]["result"] == "likely pathogenic variant"
    assert got["CHEK2"]["result"] == "variant of uncertain significance"


@pytest.mark.parametrize(
    "text",
    [
        "Family history of BRCA1 in her maternal aunt.",
        "Her sister is a BRCA2 carrier.",
        "Genetic testing for BRCA1/2 has been ordered.",
        "If BRCA positive, olaparib would be an option.",
        "Genes analyzed: BRCA1, BRCA2, PALB2, TP53",
        "HER2 amplified; ERBB2 copy number gain.",
    ],
)
def test_genes_not_the_patients_result(text: str) -> None:
    assert _genes(text) == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("52 yo pre-menopausal woman", {"premenopausal"}),
        ("She is post menopausal.", {"postmenopausal"}),
        ("Perimenopausal, irregular cycles.", {"perimenopausal"}),
        ("Natural menopause at age 51.", {"postmenopausal"}),
        ("LMP 3 years ago.", {"postmenopausal"}),
        ("LMP 2 weeks ago.", {"premenopausal"}),
        ("She is not postmenopausal.", set()),
        ("Aromatase inhibitors are used in postmenopausal women.", set()),
        ("If she becomes postmenopausal, switch to an AI.", set()),
    ],
)
def test_menopausal_status(text: str, expected: set[str]) -> None:
    assert _values(text, "menopausal_status") == expected


def _meds(text: str) -> dict[str, dict[str, str]]:
    return {f.value: f.details for f in _facts(text) if f.field == "medication"}


def test_brands_become_generics_with_dose_and_status() -> None:
    got = _meds("Started Verzenio 150 mg twice daily plus Arimidex 1 mg daily on 3/5/2024.")
    assert got["abemaciclib"]["dose"] == "150 mg twice daily"
    assert got["abemaciclib"]["status"] == "current"
    assert got["abemaciclib"]["start"] == "2024-03-05"
    assert got["anastrozole"]["dose"] == "1 mg daily"


def test_past_and_planned_medications() -> None:
    got = _meds("Tamoxifen was discontinued on 2023-11-30. Plan to start Enhertu next week.")
    assert got["tamoxifen"]["status"] == "past"
    assert got["tamoxifen"]["stop"] == "2023-11-30"
    assert got["trastuzumab deruxtecan"]["status"] == "planned"


def test_regimen_abbreviations_and_supportive_drugs() -> None:
    got = _meds("Completed 4 cycles of ddAC with Neulasta support, then weekly Taxol x12.")
    assert {"doxorubicin", "cyclophosphamide", "pegfilgrastim", "paclitaxel"} <= set(got)
    assert got["doxorubicin"]["status"] == "past"


@pytest.mark.parametrize(
    "text",
    [
        "Allergies: paclitaxel (anaphylaxis)",
        "She declined tamoxifen.",
        "Options include fulvestrant or exemestane.",
        "Not a candidate for olaparib.",
    ],
)
def test_medications_not_taken(text: str) -> None:
    assert _meds(text) == {}


def test_dose_change_with_reason_and_date() -> None:
    facts = _facts(
        "On 2024-06-03 abemaciclib was decreased from 150 mg to 100 mg BID due to diarrhea."
    )
    change = [f for f in facts if f.field == "dose_change"]
    assert len(change) == 1 and change[0].value == "abemaciclib"
    assert change[0].details == {
        "from": "150 mg",
        "to": "100 mg",
        "reason": "diarrhea",
        "date": "2024-06-03",
    }


def test_dose_change_refers_back_to_the_drug() -> None:
    text = "Palbociclib 125 mg daily. Held for ANC 0.7 then resumed at 100 mg."
    change = [f for f in _facts(text) if f.field == "dose_change"]
    assert [(c.value, c.details["to"], c.details["reason"]) for c in change] == [
        ("palbociclib", "100 mg", "ANC 0.7")
    ]


def test_a_conditional_dose_change_is_not_one() -> None:
    text = "If grade 3 neutropenia recurs, ribociclib will be reduced to 200 mg."
    assert [f for f in _facts(text) if f.field == "dose_change"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s/p right partial mastectomy (2022-01-14)", ("lumpectomy", "done", "2022-01-14")),
        ("Underwent bilateral mastectomies with DIEP flap.", ("double mastectomy", "done", None)),
        ("Port-a-cath placed 05/02/2024.", ("port placement", "done", "2024-05-02")),
        (
            "Recommended axillary lymph node dissection.",
            ("axillary lymph node dissection", "planned", None),
        ),
        ("She declined radiotherapy.", ("radiation therapy", "declined", None)),
        ("Plan: BSO after completing chemotherapy.", ("oophorectomy", "planned", None)),
    ],
)
def test_procedures(text: str, expected: tuple[str, str, str | None]) -> None:
    got = {(f.value, f.details["status"], f.date) for f in _facts(text) if f.field == "procedure"}
    assert expected in got, got


@pytest.mark.parametrize(
    "text",
    [
        "Options are lumpectomy versus mastectomy.",
        "No radiation was given.",
        "Referred to radiation oncology.",
        "Her sister had a double mastectomy.",
    ],
)
def test_procedures_not_done(text: str) -> None:
    assert [f for f in _facts(text) if f.field == "procedure"] == []


def test_grade_of_a_side_effect_is_not_the_tumour_grade() -> None:
    assert _values("Grade 3 neutropenia on cycle 2.", "grade") == set()


def test_fact_dates_come_from_the_document() -> None:
    facts = extract([("n", ["Clinic visit date: 22 Aug 2024", "ER positive 90%"])])
    assert {f.date for f in facts if f.field == "er_status"} == {"2024-08-22"}
