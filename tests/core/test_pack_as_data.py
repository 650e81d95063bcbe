"""A pack is data: a second, tiny pack on another condition (tests/data/packs/gout: five
sections, its manifest, scope, vocabulary and record fields) is validated, indexed, answered
and scoped by its files alone, with no line of code that knows it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.answer.analyze import (
    detect_urgent,
    out_of_scope_by_rule,
    out_of_scope_clarification,
)
from desktop.core.knowledge.validate import check_pack
from desktop.core.llm.prompt import messages_for
from desktop.core.packdata.packs import Coverage, PackData, installed
from desktop.core.resources import guidelines_dir

REPO = Path(__file__).resolve().parents[2]
PACKS = REPO / "tests" / "data" / "packs"
GOUT = PACKS / "gout"


@pytest.fixture(scope="module")
def gout_services(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Services whose guideline folder holds the gout pack only."""
    from desktop.services import build_services
    from desktop.settings import load_settings

    home = tmp_path_factory.mktemp("gout-home")
    env = {"LANTERN_HOME": str(home), "LANTERN_GUIDELINES_DIR": str(PACKS)}
    svc = build_services(load_settings(env))
    yield svc
    svc.close()


def test_the_second_pack_is_valid() -> None:
    report = check_pack(GOUT)
    assert report.ok, report.errors
    assert report.sections == 5


def test_no_code_knows_the_second_pack() -> None:
    for path in (REPO / "desktop").rglob("*.py"):
        text = path.read_text(encoding="utf-8").lower()
        assert "gout" not in text and "allopurinol" not in text, path


def test_an_in_scope_question_is_answered_from_it(gout_services) -> None:
    answer = gout_services.engine.ask("Which foods and drinks can trigger a gout flare?")
    assert answer.clarification is None or answer.clarification.reason != "out_of_scope"
    assert answer.citations and {c.kind for c in answer.citations} == {"guideline"}
    assert "gout-food-and-drink" in answer.citations[0].locator
    assert "beer" in answer.answer_markdown.lower()


def test_its_vocabulary_corrects_and_expands_questions(gout_services) -> None:
    """A misspelt drug and a brand name from the pack's vocabulary.toml."""
    answer = gout_services.engine.ask("how long do I take allopurinal")
    assert answer.citations
    assert "uric-acid-lowering" in answer.citations[0].locator
    query = gout_services.engine.coverage.vocabulary.lexicon
    assert query.names["zyloprim"] == "allopurinol"


def test_a_neighbouring_topic_is_refused_in_its_own_words(gout_services) -> None:
    question = "What is the best treatment for rheumatoid arthritis?"
    answer = gout_services.engine.ask(question)
    assert answer.clarification is not None and answer.clarification.reason == "out_of_scope"
    assert not answer.citations
    assert "not other kinds of arthritis" in answer.clarification.message
    assert "How does allopurinol work?" in answer.clarification.suggestions


@pytest.mark.parametrize(
    "question", ["What is HER2-low breast cancer?", "What is the capital of France?"]
)
def test_questions_outside_it_get_its_pack_message(gout_services, question: str) -> None:
    answer = gout_services.engine.ask(question)
    assert answer.clarification is not None and answer.clarification.reason == "out_of_scope"
    assert answer.clarification.message.startswith("Lantern's gout pack answers questions")
    assert "breast" not in answer.clarification.message


def test_the_prompt_names_its_subject(gout_services) -> None:
    subject = gout_services.engine.coverage.subject
    assert subject == "gout"
    system = messages_for("What is a flare?", [], subject=subject)[0]["content"]
    assert system.startswith("You help people with gout and their families")
    installed_subject = messages_for("q", [], subject=installed().subject)[0]["content"]
    assert installed_subject.startswith("You help people with breast cancer and their families")


def test_with_both_packs_neither_refuses_the_others_topic() -> None:
    both = Coverage([PackData(guidelines_dir() / "breast-cancer"), PackData(GOUT)])
    assert out_of_scope_by_rule("Does lymphoma treatment use CAR-T?", both)
    assert not out_of_scope_by_rule("Is gout common with lymphoma drugs?", both)
    assert not out_of_scope_by_rule("Can osteoarthritis follow breast surgery?", both)
    assert out_of_scope_by_rule("What helps osteoarthritis?", both)
    refusal = out_of_scope_clarification(both, "What helps osteoarthritis?")
    assert "not other kinds of arthritis" in refusal.message
    general = out_of_scope_clarification(both)
    assert "breast cancer and gout from its guideline packs" in general.message
    assert general.suggestions == ["What is HER2-low breast cancer?", "What is a gout flare?"]
    assert both.subject == "breast cancer or gout"
    assert both.vocabulary.drug("allopurinol") is not None
    assert both.vocabulary.drug("ribociclib") is not None


def test_a_pack_without_scope_data_gets_a_plain_refusal(tmp_path: Path) -> None:
    from tests.packs import write_pack

    root = write_pack(tmp_path, {"a": ("Alpha topic", "alpha")})
    coverage = Coverage([PackData(root)])
    assert not out_of_scope_by_rule("What is the best treatment for prostate cancer?", coverage)
    message = out_of_scope_clarification(coverage).message
    assert message.startswith("Lantern answers questions about Mini from its guideline pack.")
    assert "outside what it covers" in message
    assert coverage.subject == "Mini"


def test_urgent_warnings_use_its_words_and_its_drugs(gout_services) -> None:
    coverage = gout_services.engine.coverage
    colchicine = detect_urgent(
        "I am on Colcrys and have had diarrhoea since this morning", coverage
    )
    assert colchicine is not None and "colchicine poisoning" in colchicine.reason
    assert colchicine.message.endswith(coverage.urgent.call)
    assert "out-of-hours service" in colchicine.message and "oncology" not in colchicine.message
    fever = gout_services.engine.ask("my big toe is hot and swollen and I have a fever")
    assert fever.urgent is not None and "swollen joint with a fever can be" in fever.urgent.reason
    assert detect_urgent("I have had diarrhoea since this morning", coverage) is None


# the modules that once held the packs' words: they hold none of them now
PACK_FREE = [
    "answer/analyze.py",
    "answer/personal.py",
    "answer/personal_facts.py",
    "llm/prompt.py",
    "knowledge/normalise.py",
    "knowledge/vocabulary.py",
    "knowledge/pack.py",
    "knowledge/validate.py",
    "records/profile.py",
    *(f"packdata/{p.name}" for p in (REPO / "desktop" / "core" / "packdata").glob("*.py")),
]
CANCER_WORDS = re.compile(
    r"breast|cancer|oncolog|her2|tumou?r|chemo|neutropeni|ribociclib|kisqali|tamoxifen|"
    r"trastuzumab|mastectom|metasta|oestrogen|estrogen|brca|cdk4",
    re.IGNORECASE,
)


@pytest.mark.parametrize("module", PACK_FREE)
def test_the_code_holds_no_words_of_a_pack(module: str) -> None:
    text = (REPO / "desktop" / "core" / module).read_text(encoding="utf-8")
    assert not CANCER_WORDS.findall(text), module


def test_the_drug_table_is_not_in_the_record_code() -> None:
    text = (REPO / "desktop" / "core" / "records" / "vocabulary.py").read_text(encoding="utf-8")
    assert not re.search(r"kisqali|ribociclib|herceptin|letrozole|ondansetron", text, re.I)


def test_her_records_are_stated_with_its_fields(gout_services) -> None:
    """The "For you" sentences and topics come from the pack's fields.toml."""
    from desktop.core.answer.personal import PersonalContext
    from desktop.core.records.extract import Evidence
    from desktop.core.records.profile import DocumentLabel, Profile, ProfileFact

    def fact(field: str, value: str, **details: str) -> ProfileFact:
        evidence = Evidence("d", 1, 0, 10, f"{field} {value}")
        return ProfileFact(f"{field}-{value}", field, value, "2026-10-01", details, evidence, "d")

    profile = Profile(
        [
            fact("medication", "allopurinol", dose="300 mg daily"),
            fact("lab", "142", test="creatinine", unit="umol/L"),
            fact("her2_category", "low"),  # a field this pack does not use
        ],
        {"d": DocumentLabel("d", "0" * 64, "Clinic letter", "2026-10-01", "letter.pdf")},
    )
    personal = PersonalContext(profile, coverage=gout_services.engine.coverage)
    answer = gout_services.engine.ask("Is my allopurinol right for my kidneys?", personal)
    mine = next(s for s in answer.sections if s.heading.startswith("For you")).markdown
    assert "Your records list allopurinol (300 mg daily)." in mine
    assert "Your most recent creatinine in your records is 142 on 2026-10-01." in mine
    assert "HER2" not in mine
    assert personal.boost(gout_services.retriever.sections["gout/uric-acid-lowering"]) > 0
