"""Question history: answers round-trip through JSON, a patient's history is encrypted in her
vault, the opt-in file history survives a damaged line, and search matches every word."""

from __future__ import annotations

from pathlib import Path

from desktop.core.answer.history import FileHistory, MemoryHistory, VaultHistory, search
from desktop.core.answer.schema import Answer, Citation, Clarification, Section, Urgent
from desktop.core.records.keys import PassphraseWrapper
from desktop.core.records.vault import Vault


def _answer(question: str, body: str = "Body text.") -> Answer:
    return Answer(
        question=question,
        answer_markdown=f"### In short\n\n{body}",
        sections=[Section("In short", body)],
        citations=[Citation(1, "guideline", "T", "S", "L", "snippet")],
        clarification=Clarification("truncated", "cut off?", ["neutropenia"]),
        urgent=Urgent("fever", "Call now."),
    )


def test_answers_round_trip() -> None:
    history = MemoryHistory()
    original = _answer("What is HER2-low?")
    entry = history.add(original)
    assert entry.to_answer() == original


def test_llm_answers_round_trip_with_their_mode_and_checks() -> None:
    original = _answer("How does ribociclib work?")
    original.mode, original.model, original.stopped = "llm", "Tiny (on this computer)", True
    original.notice = "Written by Tiny; 1 sentence was removed."
    original.verification = {"kept": 3, "removed": 1, "reasons": ["gives a dose"]}
    assert MemoryHistory().add(original).to_answer() == original


def test_vault_history_is_encrypted_and_searchable(lantern_home: Path) -> None:
    vault = Vault.create(lantern_home, "P", PassphraseWrapper("pw"))
    history = VaultHistory(vault)
    history.add(_answer("Does ribociclib lower my neutrophils?", "Neutropenia is common."))
    history.add(_answer("What is a lumpectomy?", "Surgery that keeps the breast."))
    assert [e.question for e in search(history, "NEUTROPENIA")] == [
        "Does ribociclib lower my neutrophils?"
    ]
    assert len(search(history, "  ")) == 2
    assert search(history, "ribociclib surgery") == []  # every word must match
    raw = (vault.folder / "vault.sqlite").read_bytes()
    assert b"ribociclib" not in raw and b"lumpectomy" not in raw
    history.clear()
    assert history.entries() == []
    vault.close()


def test_file_history_skips_a_damaged_line(tmp_path: Path) -> None:
    path = tmp_path / "history.jsonl"
    first = FileHistory(path)
    first.add(_answer("What is DCIS?"))
    with path.open("a") as fh:
        fh.write("{not json\n")
    first.add(_answer("What is LCIS?"))
    again = FileHistory(path)
    assert {e.question for e in again.entries()} == {"What is DCIS?", "What is LCIS?"}
    again.clear()
    assert not path.exists()


def test_the_core_chooses_where_answers_are_kept(lantern_home: Path) -> None:
    from desktop.core.answer.history import HISTORY_FILE, history_for

    vault = Vault.create(lantern_home, "Ana", PassphraseWrapper("correct horse"))
    try:
        hers = history_for(vault, "Ana", lantern_home, keep_without_patient=True)
        assert isinstance(hers.store, VaultHistory) and hers.store.vault is vault
        assert hers.where == "Kept encrypted in Ana's records."
    finally:
        vault.close()
    kept = history_for(None, "", lantern_home, keep_without_patient=True)
    assert isinstance(kept.store, FileHistory)
    assert kept.store.path == lantern_home / HISTORY_FILE and "turned history on" in kept.where
    memory = history_for(None, "", lantern_home, keep_without_patient=False)
    assert type(memory.store) is MemoryHistory and "session only" in memory.where
    memory.store.add(_answer("What is DCIS?"))
    assert not (lantern_home / HISTORY_FILE).exists()  # nothing written without a patient
