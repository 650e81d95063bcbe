"""The record-field registry (each pack's ``fields.toml``): every field the extractors produce
has a spec, the profile and the personal answers read it, and its sentences say what her
records say in the words they always did."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.extraction_quality import HELDOUT, HELDOUT_B, heldout_documents
from desktop.core.answer.personal_facts import sentence, value_text
from desktop.core.packdata.fields import merge, parse_fields
from desktop.core.packdata.packs import Coverage, installed
from desktop.core.records import profile as profile_module
from desktop.core.records.extract import Evidence, extract
from desktop.core.records.profile import DocumentLabel, Profile, ProfileFact
from tests.synthetic_records import scenarios

RECORDS = Path(__file__).resolve().parents[2] / "desktop" / "core" / "records"


def _extracted_fields() -> set[str]:
    documents = [d for s in scenarios() for d in s.documents]
    documents += heldout_documents(HELDOUT) + heldout_documents(HELDOUT_B)
    facts = extract([(d.name, d.pages) for d in documents])
    gold = {f.field for d in documents for f in d.facts}
    return {f.field for f in facts} | gold


def test_every_field_the_extractors_produce_has_a_spec() -> None:
    produced = _extracted_fields()
    assert len(produced) >= 20  # the synthetic and held-out records cover nearly every field
    missing = produced - set(installed().fields.specs)
    assert not missing, f"fields without a spec in fields.toml: {sorted(missing)}"


def test_every_field_named_in_the_extractors_code_has_a_spec() -> None:
    """``Fact("name", ...)`` and ``Fact(f"{name}_status", ...)`` written in the extractors."""
    names: set[str] = set()
    for path in RECORDS.glob("extract*.py"):
        code = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'Fact\(\s*"([a-z0-9_]+)"', code))
        for suffix in re.findall(r'Fact\(\s*f"\{name\}(_[a-z]+)"', code):
            names |= {f"{marker}{suffix}" for marker in ("er", "pr")}
    assert {"medication", "lab", "gene", "her2_category", "er_status"} <= names
    assert names <= set(installed().fields.specs), names - set(installed().fields.specs)


def test_the_profile_reads_labels_and_single_valued_fields_from_the_registry() -> None:
    registry = installed().fields
    assert registry.labels == profile_module.FIELD_LABELS
    assert list(profile_module.FIELD_LABELS)[:3] == ["er_status", "er_percent", "er_intensity"]
    assert frozenset(registry.single_valued) == profile_module.SINGLE_VALUED
    assert "medication" not in profile_module.SINGLE_VALUED
    assert {"lab", "dose_change"} == {n for n, s in registry.specs.items() if not s.user_addable}
    with pytest.raises(AttributeError):
        _ = profile_module.NO_SUCH_NAME


def _fact(field: str, value: str, when: str | None = "2024-10-01", **details: str):
    line = f"{field} {value}"
    return ProfileFact(
        f"{field}-{value}-{when}",
        field,
        value,
        when,
        details,
        Evidence("d", 1, 0, len(line), line),
        "d",
    )


@pytest.mark.parametrize(
    "facts, expected",
    [
        (
            [_fact("er_status", "positive"), _fact("er_percent", "90")],
            "Your records show the cancer is estrogen receptor (ER) positive (90% of cells).",
        ),
        (
            [_fact("pr_status", "negative")],
            "Your records show the cancer is progesterone receptor (PR) negative.",
        ),
        (
            [
                _fact("her2_category", "low"),
                _fact("her2_ihc", "2+"),
                _fact("her2_ish", "not amplified"),
            ],
            "Your records show a HER2 result (IHC 2+, ISH not amplified) that falls in the "
            "group called HER2-low.",
        ),
        (
            [_fact("her2_category", "equivocal"), _fact("her2_ihc", "2+")],
            "Your records show a HER2 result (IHC 2+): equivocal.",
        ),
        ([_fact("ki67_percent", "15")], "Your records show a Ki-67 of 15%."),
        (
            [_fact("metastatic_site", "bone")],
            "Your records mention spread to the bone on 2024-10-01.",
        ),
        ([_fact("metastatic_site", "liver", None)], "Your records mention spread to the liver."),
        (
            [_fact("gene", "BRCA2", origin="germline", result="pathogenic variant")],
            "Your records show a inherited (germline) BRCA2 test result: pathogenic variant.",
        ),
        ([_fact("gene", "PIK3CA")], "Your records show a PIK3CA test result: see the report."),
        (
            [_fact("medication", "ribociclib", dose="400 mg", start="2024-03-01")],
            "Your records list ribociclib (400 mg, started 2024-03-01).",
        ),
        (
            [
                _fact("medication", "ribociclib", dose="600 mg", status="past"),
                _fact("dose_change", "ribociclib", to="400 mg"),
            ],
            "Your records list a past ribociclib.",
        ),
        (
            [_fact("medication", "letrozole", status="planned")],
            "Your records list a plan for letrozole.",
        ),
        (
            [
                _fact(
                    "dose_change",
                    "ribociclib",
                    None,
                    **{"from": "600 mg", "to": "400 mg", "date": "2024-05-02"},
                    reason="neutropenia",
                )
            ],
            "Your records note a ribociclib dose change from 600 mg to 400 mg on 2024-05-02; "
            "the reason noted: neutropenia.",
        ),
        (
            [_fact("dose_change", "abemaciclib", to="100 mg")],
            "Your records note a abemaciclib dose change to 100 mg on 2024-10-01.",
        ),
        (
            [_fact("procedure", "lumpectomy", status="planned")],
            "Your records list a planned lumpectomy.",
        ),
        ([_fact("procedure", "mastectomy")], "Your records list mastectomy on 2024-10-01."),
        (
            [
                _fact(
                    "lab",
                    "0.9",
                    test="ANC",
                    unit="x10^9/L",
                    ref_low="1.5",
                    ref_high="8.0",
                    flag="low",
                )
            ],
            "Your most recent ANC in your records is 0.9 x10^9/L on 2024-10-01 (reference "
            "range 1.5-8.0), marked low.",
        ),
        ([_fact("pr_intensity", "strong")], "Your records show PR staining: strong."),
        ([_fact("made_up_field", "x")], "Your records show Made up field: x."),
    ],
)
def test_sentences_state_her_records(facts: list[ProfileFact], expected: str) -> None:
    profile = Profile(facts, {"d": DocumentLabel("d", "0" * 64, "Note", None, "n.pdf")})
    assert sentence(facts[0], profile, installed()) == expected


def test_values_in_a_disagreement_are_written_per_field() -> None:
    coverage = installed()
    assert value_text(_fact("her2_ihc", "2+"), coverage) == "HER2 IHC 2+"
    assert value_text(_fact("er_percent", "80"), coverage) == "80%"
    assert value_text(_fact("grade", "2"), coverage) == "2"


def test_the_profile_summary_follows_the_registry() -> None:
    profile = Profile(
        [
            _fact("er_status", "positive"),
            _fact("histology", "invasive lobular carcinoma"),
            _fact("medication", "letrozole", status="current"),
            _fact("medication", "ribociclib"),
            _fact("medication", "tamoxifen", status="past"),
        ]
    )
    assert profile.summary() == [
        "Diagnosis: invasive lobular carcinoma",
        "ER status: positive",
        "Medicines in my records: letrozole, ribociclib",
    ]


def test_fields_file_problems_are_named() -> None:
    problems: list[str] = []
    registry = parse_fields(
        {
            "fields": {
                "a": {"label": "A", "sentence": "Your {value} {nowhere.x}.", "singel": True},
                "b": {"sentence": "x"},
                "c": {"label": "C", "topics": "no-group", "also_states": ["zz"]},
                "d": {"label": "D", "value_topics": "colour", "parts": {"p": {"by": 3}}},
            },
            "interest": [{"field": "missing", "tags": ["t"]}, {"field": "a"}],
        },
        problems,
    )
    text = "\n".join(problems)
    assert "fields.a: unknown key 'singel'" in text
    assert "unknown placeholder '{nowhere.x}'" in text
    assert "fields.b.label: missing" in text
    assert "no topic group 'no-group'" in text
    assert "also_states: no field 'zz'" in text
    assert "value_topics: one of drug, value, words" in text
    assert "parts.p" in text
    assert "interest 1: no field 'missing'" in text
    assert "interest 2: needs tags" in text
    assert set(registry.specs) == {"a", "c", "d"}


def test_a_second_pack_adds_its_topics_and_keeps_the_first_spec() -> None:
    first = {"fields": {"medication": {"label": "Medication", "topics": ["drug"]}}}
    second = {"fields": {"medication": {"label": "Medicine", "topics": ["pill"]}}}
    merged = merge([parse_fields(first, []), parse_fields(second, [])])
    assert merged.label("medication") == "Medication"
    assert merged.specs["medication"].topics == {"drug", "pill"}
    assert Coverage([]).fields.specs == {}
