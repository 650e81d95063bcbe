"""One drug table (each pack's ``vocabulary.toml``), read by record extraction and the query
normaliser alike; the data is read on first use, not at import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.knowledge.normalise import normalise
from desktop.core.packdata.packs import installed
from desktop.core.packdata.vocabulary import Vocabulary, merge, parse_vocabulary
from desktop.core.records.extract import extract
from desktop.core.records.vocabulary import DRUG_RE, drug_generics

REPO = Path(__file__).resolve().parents[2]


def _record_drugs(text: str) -> list[str]:
    return [f.value for f in extract([("d", [text])]) if f.field == "medication"]


def test_records_and_questions_map_every_name_to_the_same_generic() -> None:
    vocabulary = installed().vocabulary
    lexicon = vocabulary.lexicon
    for name, generic in lexicon.names.items():
        drug = vocabulary.drug(generic)
        assert drug is not None, name
        found = [drug_generics(m) for m in DRUG_RE.finditer(f"She takes {name} daily.")]
        assert found, name
        assert found[0] == (drug.combines or (drug.generic,)), name


@pytest.mark.parametrize("name", ["Kadcyla", "T-DM1", "ado-trastuzumab emtansine"])
def test_the_differently_mapped_drug_has_one_generic_name(name: str) -> None:
    """Kadcyla was "ado-trastuzumab emtansine" in records and "trastuzumab emtansine" in
    questions; the sections and the other antibody conjugates use the international name."""
    assert _record_drugs(f"Current medications: {name} 3.6 mg/kg") == ["trastuzumab emtansine"]
    if " " not in name:
        assert "trastuzumab emtansine" in normalise(f"side effects of {name}").search_text


@pytest.mark.parametrize(
    "name, generic",
    [
        ("Evista", "raloxifene"),  # known only to the question normaliser before
        ("Actemra", "tocilizumab"),
        ("Inluriyo", "imlunestrant"),
        ("Afinitor", "everolimus"),  # known only to record extraction before
        ("Tecentriq", "atezolizumab"),
        ("Zofran", "ondansetron"),
    ],
)
def test_a_drug_either_table_knew_is_known_to_both(name: str, generic: str) -> None:
    assert _record_drugs(f"Current medications: {name} daily") == [generic]
    assert generic in normalise(f"is {name} safe").search_text


def test_a_combination_product_stands_for_its_drugs() -> None:
    assert _record_drugs("Current medications: Phesgo every 3 weeks") == [
        "trastuzumab",
        "pertuzumab",
    ]
    assert "pertuzumab trastuzumab" in normalise("phesgo injection").search_text


def test_misspellings_are_corrected_to_the_name_they_misspell() -> None:
    lexicon = installed().vocabulary.lexicon
    assert lexicon.misspellings["herceptine"] == "herceptin"  # a brand, not the generic
    assert lexicon.misspellings["ribocyclib"] == "ribociclib"
    assert "brest" in lexicon.misspellings  # the normaliser's own, besides drugs
    assert "tamoxifen" in normalise("is tamoxifin safe").text


@pytest.mark.parametrize("word", ["liquids", "restore", "singular", "vitamins", "ambient"])
def test_everyday_words_are_not_corrected_to_other_medicines(word: str) -> None:
    """Only the pack's own treatments (fuzzy = true) are fuzzy-correction targets."""
    assert normalise(f"what about {word} then").text == f"what about {word} then"


def test_record_names_are_not_misspellings_or_question_abbreviations() -> None:
    """Misspellings and question abbreviations ("sg", "ai") are not looked for in records."""
    assert _record_drugs("Current medications: ribocyclib, SG, AI") == []


def test_problems_in_a_vocabulary_are_named() -> None:
    problems: list[str] = []
    vocabulary = parse_vocabulary(
        {
            "drugs": {
                "a": {"brands": ["Same"], "clases": ["x"]},
                "b": {"brands": ["same"], "classes": ["nowhere"], "fuzzy": "yes"},
                "c": "not a table",
                "d": {"names": [3]},
            },
            "regimens": {"AB": ["a", "zz"]},
            "abbreviations": {"x": ""},
            "colours": {},
        },
        problems,
    )
    text = "\n".join(problems)
    assert "vocabulary.toml: unknown key 'colours'" in text
    assert "drugs.a: unknown key 'clases'" in text
    assert "'same' is a name of both a and b" in text
    assert "drugs.b: unknown class 'nowhere'" in text
    assert "drugs.b.fuzzy: must be true or false" in text
    assert "drugs.c: must be a table" in text
    assert "drugs.d.names: must be a list of non-empty strings" in text
    assert "regimens.AB: 'zz' is not a drug in [drugs]" in text
    assert "[abbreviations]: 'x' must map to a non-empty string" in text
    assert [d.generic for d in vocabulary.drugs] == ["a", "b", "d"]


def test_merged_vocabularies_keep_every_name_and_the_first_mapping() -> None:
    first = parse_vocabulary(
        {"drugs": {"colchicine": {"brands": ["Colcrys"]}}, "abbreviations": {"ua": "uric acid"}},
        [],
    )
    second = parse_vocabulary(
        {"drugs": {"colchicine": {"brands": ["Mitigare"]}}, "abbreviations": {"ua": "other"}},
        [],
    )
    merged = merge([first, second])
    assert merged.drug("colchicine").brands == ("Colcrys", "Mitigare")  # type: ignore[union-attr]
    assert merged.abbreviations["ua"] == "uric acid"
    assert normalise("mitigare and ua", merged).expansions == ("colchicine", "uric acid")
    assert merge([]) == Vocabulary()


def test_the_data_is_read_on_first_use_not_at_import() -> None:
    code = (
        "import desktop.core.records.vocabulary, desktop.core.knowledge.normalise, "
        "desktop.core.answer.engine\n"
        "from desktop.core.packdata import packs\n"
        "assert packs._installed.cache_info().currsize == 0, 'read at import'\n"
        "from desktop.core.records.vocabulary import DRUG_RE\n"
        "assert DRUG_RE.search('on Kisqali')\n"
        "assert packs._installed.cache_info().currsize == 1\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
