"""An unlocked patient: profile with corrections that survive re-import, her own facts,
conflicts newest first, in-memory record search, and locking (on demand and when idle)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.progress import Progress, drive
from desktop.core.records import importer
from desktop.core.records.extract import Evidence
from desktop.core.records.keys import PassphraseWrapper, VaultKeyError
from desktop.core.records.profile import Profile, ProfileFact
from desktop.core.records.search import passages_of
from desktop.core.records.session import LockedError, PatientSession
from desktop.core.records.vault import Vault
from tests.core.records.helpers import fake_embed

PATHOLOGY = (
    "Surgical pathology report\nDate of report: 2024-08-22\nDiagnosis: invasive ductal "
    "carcinoma, grade 2\nEstrogen receptor: positive (90%)\nHER2 by IHC: 2+\n"
    "HER2 FISH: not amplified\n"
)


@pytest.fixture()
def session(lantern_home: Path) -> PatientSession:
    vault = Vault.create(lantern_home, "Test Patient", PassphraseWrapper("correct horse"))
    s = PatientSession(vault, fake_embed, "fake:1")
    yield s
    s.lock()


def _import(session: PatientSession, path: Path) -> importer.RecordDocument:
    report = drive(session.import_files([path]))
    assert not report.errors, report.errors
    assert not report.cancelled
    return report.documents[-1]


def test_corrections_survive_removal_and_reimport(session: PatientSession, tmp_path: Path) -> None:
    path = tmp_path / "pathology.txt"
    path.write_text(PATHOLOGY)
    doc = _import(session, path)
    ihc = next(f for f in session.profile.facts if f.field == "her2_ihc")
    grade = next(f for f in session.profile.facts if f.field == "grade")
    session.correct(ihc.id, "correct", "1+")
    session.correct(grade.id, "delete")
    fixed = session.profile.fact(ihc.id)
    assert fixed is not None and fixed.value == "1+" and fixed.extracted_value == "2+"
    assert session.profile.fact(grade.id) is None

    session.remove_document(doc.id)
    assert not session.profile.facts
    again = _import(session, path)
    assert again.id != doc.id  # a new document id, the same content
    fixed = session.profile.fact(ihc.id)
    assert fixed is not None and fixed.value == "1+" and fixed.source == "corrected"
    assert not session.profile.by_field("grade")


def test_her_own_facts_and_undo(session: PatientSession, tmp_path: Path) -> None:
    new_id = session.add_fact("menopausal_status", "postmenopausal", "2024-01-01")
    fact = session.profile.fact(new_id)
    assert fact is not None and fact.source == "added" and fact.evidence is None
    session.correct(new_id, "correct", "premenopausal")
    assert session.profile.fact(new_id).value == "premenopausal"  # type: ignore[union-attr]
    session.correct(new_id, "delete")
    assert session.profile.fact(new_id) is None
    with pytest.raises(ValueError):
        session.add_fact("stage", "   ")


def test_conflicts_are_kept_newest_first() -> None:
    def fact(value: str, date: str | None) -> ProfileFact:
        ev = Evidence("d", 1, 0, 3, "HER2 " + value)
        return ProfileFact(value + str(date), "her2_ihc", value, date, {}, ev, "d")

    profile = Profile([fact("2+", "2024-08-22"), fact("1+", "2024-10-02"), fact("0", None)])
    assert [f.value for f in profile.by_field("her2_ihc")] == ["1+", "2+", "0"]
    assert profile.conflicts() == {"her2_ihc": ["1+", "2+", "0"]}


def test_record_search_keeps_lab_rows_whole(session: PatientSession, tmp_path: Path) -> None:
    path = tmp_path / "labs.txt"
    rows = [f"Row {i}: sodium {130 + i} mmol/L (135-145)" for i in range(30)]
    path.write_text("Lab results 2024-09-01\n" + "\n".join(rows) + "\nANC 0.9 x10^9/L (L)\n")
    _import(session, path)
    passages = passages_of("x", importer.pages(session.vault, session.documents[0].id))
    assert len(passages) > 1
    for row in rows:
        assert sum(row in p.text for p in passages) == 1  # never split across passages
    hits = session.index.search(["anc"], fake_embed(["ANC 0.9"])[0], limit=3)
    assert hits and "ANC 0.9" in hits[0].passage.text and hits[0].keyword


def test_lock_drops_everything_and_wrong_key_unlocks_nothing(
    session: PatientSession, tmp_path: Path, lantern_home: Path
) -> None:
    path = tmp_path / "pathology.txt"
    path.write_text(PATHOLOGY)
    _import(session, path)
    patient = session.patient_id
    session.lock()
    assert session.locked
    for getter in (lambda: session.profile, lambda: session.documents, lambda: session.index):
        with pytest.raises(LockedError):
            getter()
    with pytest.raises(VaultKeyError):
        drive(
            PatientSession.open(
                lantern_home, patient, PassphraseWrapper("wrong"), fake_embed, "fake:1"
            )
        )
    reopened = drive(
        PatientSession.open(
            lantern_home, patient, PassphraseWrapper("correct horse"), fake_embed, "fake:1"
        )
    )
    assert isinstance(reopened, PatientSession)
    assert reopened.profile.by_field("her2_ihc")
    reopened.lock()


def test_idle_lock(lantern_home: Path) -> None:
    now = [1000.0]
    vault = Vault.create(lantern_home, "Idle", PassphraseWrapper("correct horse"))
    s = PatientSession(vault, fake_embed, "fake:1", lock_after_seconds=600, clock=lambda: now[0])
    now[0] += 599
    assert not s.lock_if_idle()
    s.touch()
    now[0] += 599
    assert not s.lock_if_idle() and not s.locked
    now[0] += 2
    assert s.lock_if_idle() and s.locked
    assert not s.lock_if_idle()  # already locked


def test_a_new_embedding_model_re_embeds_on_unlock(
    session: PatientSession, tmp_path: Path, lantern_home: Path
) -> None:
    path = tmp_path / "pathology.txt"
    path.write_text(PATHOLOGY)
    _import(session, path)
    patient = session.patient_id
    session.lock()
    items: list[object] = []
    reopened = drive(
        PatientSession.open(
            lantern_home, patient, PassphraseWrapper("correct horse"), fake_embed, "fake:2"
        ),
        items.append,
    )
    assert all(isinstance(i, Progress) for i in items)
    assert any(i.message == "Preparing a document for search" for i in items)
    assert isinstance(reopened, PatientSession) and len(reopened.index) > 0
    reopened.lock()


def test_search_after_lock_finds_nothing(session: PatientSession, tmp_path: Path) -> None:
    path = tmp_path / "pathology.txt"
    path.write_text(PATHOLOGY)
    _import(session, path)
    index = session.index  # what an answer running on a worker thread still holds
    assert index.search(["her2"], fake_embed(["HER2"])[0])
    session.lock()
    assert index.search(["her2"], fake_embed(["HER2"])[0]) == []


def test_an_import_reports_each_refused_file_and_goes_on(
    session: PatientSession, tmp_path: Path
) -> None:
    good = tmp_path / "pathology.txt"
    good.write_text(PATHOLOGY)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    seen: list[object] = []
    report = drive(session.import_files([empty, good, good]), seen.append)
    assert [str(e) for e in report.errors] == ["empty.txt is empty (0 bytes)"]
    assert len(report.documents) == 2 and report.documents[0].id == report.documents[1].id
    assert len(session.documents) == 1  # the same content twice is one document
    assert all(isinstance(i, Progress) for i in seen) and seen[-1].message
    assert session.profile.by_field("her2_ihc")


def test_a_cancelled_import_keeps_what_was_read_with_its_search(
    session: PatientSession, tmp_path: Path
) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(PATHOLOGY)
    second.write_text("Lab results 2024-09-01\nANC 0.9 x10^9/L (L)\n")
    asked: list[int] = []

    def cancelled() -> bool:  # Cancel pressed while the first file was read
        asked.append(1)
        return len(asked) > 1

    report = drive(session.import_files([first, second], cancelled))
    assert report.cancelled and len(report.documents) == 1 and not report.errors
    assert len(session.documents) == 1
    assert session.profile.by_field("her2_ihc")  # the profile is up to date all the same
    assert len(session.index) > 0


def test_create_and_unlock_follow_the_one_passphrase_policy(
    lantern_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core.records.patients import PatientError
    from desktop.core.records.vault import patient_ids

    with pytest.raises(PatientError, match="at least 8 characters"):
        PatientSession.create(lantern_home, "Short", fake_embed, "fake:1", passphrase="abc")
    assert patient_ids(lantern_home) == []
    made = PatientSession.create(lantern_home, "  Ana   Test ", fake_embed, "fake:1", "long enough")
    assert made.display_name == "Ana Test" and not made.locked
    made.lock()
    with pytest.raises(VaultKeyError):  # no passphrase given, none in the environment
        drive(PatientSession.unlock(lantern_home, made.patient_id, fake_embed, "fake:1"))
    monkeypatch.setenv("LANTERN_VAULT_PASSPHRASE", "long enough")
    again = drive(PatientSession.unlock(lantern_home, made.patient_id, fake_embed, "fake:1"))
    assert again.display_name == "Ana Test"
    again.lock()
