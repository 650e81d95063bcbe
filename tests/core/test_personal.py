"""Personalised answers: her profile steers retrieval, and a "For you" section states her
record facts with record citations, kept apart from guideline text."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.answer.personal import PersonalContext
from desktop.core.progress import drive
from desktop.core.records.extract import Evidence
from desktop.core.records.keys import PassphraseWrapper
from desktop.core.records.profile import DocumentLabel, Profile, ProfileFact
from desktop.core.records.session import PatientSession
from desktop.core.records.vault import Vault

PATHOLOGY = (
    "Surgical pathology report\nDate of report: 2024-08-22\nSpecimen: left breast\n"
    "Diagnosis: invasive ductal carcinoma, grade 2\nEstrogen receptor: positive (90%)\n"
    "Progesterone receptor: positive (30%)\nHER2 by IHC: 1+\nKi-67: 15%\n"
)


def _fact(field: str, value: str, line: str, **details: str) -> ProfileFact:
    ev = Evidence("doc1", 1, 0, len(line), line)
    return ProfileFact(f"{field}-{value}", field, value, "2024-10-01", details, ev, "doc1")


def _profile(*facts: ProfileFact) -> Profile:
    label = DocumentLabel("doc1", "0" * 64, "Clinic note", "2024-10-01", "note.pdf")
    return Profile(list(facts), {"doc1": label})


@pytest.fixture()
def her2_low_patient(services, lantern_home: Path, tmp_path: Path) -> PatientSession:
    vault = Vault.create(lantern_home, "Test Patient", PassphraseWrapper("correct horse"))
    session = PatientSession(vault, services.embedder.embed, services.embedder.identity)
    path = tmp_path / "pathology.txt"
    path.write_text(PATHOLOGY)
    assert not drive(session.import_files([path])).errors
    yield session
    session.lock()


def test_a_personal_question_cites_record_and_guideline(services, her2_low_patient) -> None:
    personal = PersonalContext(her2_low_patient.profile, her2_low_patient.index)
    answer = services.engine.ask("What does HER2-low mean for me?", personal)
    kinds = {c.kind for c in answer.citations}
    assert kinds == {"guideline", "record"}
    headings = [s.heading for s in answer.sections]
    mine = next(s for s in answer.sections if s.heading.startswith("For you"))
    order = ["In short", "More detail", "Where things stand", mine.heading]
    order += ["Questions to ask your care team", "Where to learn more"]
    assert [h for h in headings if h in order] == order  # the order, none padded
    record_ids = {c.id for c in answer.citations if c.kind == "record"}
    for line in mine.markdown.splitlines():
        assert line.startswith("- Your records"), line  # her facts, said as her facts
        assert any(f"[{i}]" in line for i in record_ids)
    assert "HER2-low" in mine.markdown and "1+" in mine.markdown
    record = next(c for c in answer.citations if c.kind == "record")
    assert "p. 1" in record.locator and "pathology" not in record.source.lower()
    assert "pathology.txt" not in answer.to_json()  # file names stay out of answers
    others = [s for s in answer.sections if s is not mine]
    for section in others:  # guideline text is never presented as hers
        assert "Your records" not in section.markdown
        assert not any(f"[{i}]" in section.markdown for i in record_ids)


def test_without_a_patient_there_is_no_for_you(services) -> None:
    answer = services.engine.ask("What does HER2-low mean for me?")
    assert all(c.kind == "guideline" for c in answer.citations)
    assert not any(s.heading.startswith("For you") for s in answer.sections)


def test_an_unrelated_question_gets_no_record_facts(services, her2_low_patient) -> None:
    personal = PersonalContext(her2_low_patient.profile, her2_low_patient.index)
    answer = services.engine.ask("Does acupuncture help with hot flashes?", personal)
    assert not any(s.heading.startswith("For you") for s in answer.sections)


def test_the_profile_boosts_matching_sections(services) -> None:
    on_ribociclib = PersonalContext(
        _profile(_fact("medication", "ribociclib", "Kisqali 400 mg daily", status="current"))
    )
    question = "what checks will I need while on my cancer pill"
    plain = [h.section.id for h in services.retriever.search(question, limit=10).hits]
    boosted = [
        h.section.id
        for h in services.retriever.search(question, limit=10, boost=on_ribociclib.boost).hits
    ]
    ribo = {"ribociclib", "cdk46-monitoring", "cdk46-neutropenia"}

    def best(ids: list[str]) -> int:
        return min((i for i, s in enumerate(ids) if s in ribo), default=99)

    assert best(boosted) < best(plain) or best(plain) == 0
    assert best(boosted) <= 1
    assert on_ribociclib.boost(services.retriever.sections["breast-cancer/ribociclib"]) > 0
    assert on_ribociclib.boost(services.retriever.sections["breast-cancer/acupuncture"]) == 0


def test_conflicting_record_values_are_shown_not_resolved(services) -> None:
    profile = _profile(
        _fact("her2_ihc", "2+", "HER2 IHC 2+"),
        ProfileFact(
            "b",
            "her2_ihc",
            "1+",
            "2024-11-01",
            {},
            Evidence("doc1", 2, 0, 11, "HER2 IHC 1+"),
            "doc1",
        ),
    )
    answer = services.engine.ask("what is my her2 ihc score", PersonalContext(profile))
    mine = next(s for s in answer.sections if s.heading.startswith("For you")).markdown
    assert "do not agree" in mine and "1+" in mine and "2+" in mine
    assert "care team" in mine


def test_related_questions_lean_to_her_treatment(services) -> None:
    on_ribociclib = PersonalContext(
        _profile(_fact("medication", "ribociclib", "Kisqali 400 mg daily", status="current"))
    )
    question = "How can I cope with fatigue during treatment?"
    plain = services.engine.ask(question)
    mine = services.engine.ask(question, on_ribociclib)
    sections = services.retriever.sections

    def about_her(answer) -> int:
        previews = {r.question for r in answer.related_questions}
        return sum(
            1
            for s in sections.values()
            if s.questions and s.questions[0] in previews and on_ribociclib.boost(s) > 0
        )

    assert 3 <= len(mine.related_questions) <= 5
    assert about_her(mine) >= 1 and about_her(mine) >= about_her(plain)
