"""What a crash leaves behind, and that the next start clears it without touching anything
else: temp files of killed atomic saves (settings, imported guidelines, a vault header),
half-created and half-destroyed vaults, and a torn last line in ``history.jsonl``.

The kills are exact (``tests/hardening/kill_points.py`` replaces the next call of the step
with SIGKILL, in a child process); the other states are written directly."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.answer.history import FileHistory
from desktop.core.answer.schema import Answer, Section
from desktop.core.files import STALE_SECONDS, sweep_data_folder, sweep_temp_files, write_atomic
from desktop.core.records.keys import PassphraseWrapper
from desktop.core.records.vault import (
    NAME_BLOB,
    QUARANTINE,
    Vault,
    patient_ids,
    recover,
    vaults_dir,
)
from tests.hardening.kill_points import PASSPHRASE, PATIENT

REPO = Path(__file__).resolve().parents[2]
WRAPPER = PassphraseWrapper(PASSPHRASE)


def kill_at(point: str, home: Path) -> None:
    """Run the kill point in a child; it must have died by SIGKILL there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.hardening.kill_points", point, str(home)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == -9, f"{point} was not killed: {done.returncode} {done.stderr}"


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


# -- temp files of atomic saves --------------------------------------------------------------


def test_a_killed_settings_save_leaves_a_temp_file_the_next_start_removes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("font_size = 11\n")
    kill_at("settings_before_rename", home)
    kill_at("import_before_rename", home)
    left = [p for p in _files(home) if p.endswith(".tmp")]
    assert len(left) == 2, _files(home)  # the state a kill between write and rename leaves
    assert all(Path(p).name.startswith(".lantern-") for p in left)
    assert (home / "settings.toml").read_text() == "font_size = 11\n"  # the old file, whole

    assert sweep_data_folder(home) == 2  # their writer is gone: no need to wait a minute
    assert _files(home) == ["settings.toml"]


def test_the_sweep_removes_only_our_stale_temp_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    dead, alive = _dead_pid(), os.getpid()
    ours = [
        home / f".lantern-{dead}-{'0' * 16}.tmp",  # writer gone
        home / "imports" / f".lantern-{dead}-{'1' * 16}.tmp",
        home / "index" / f".lantern-{dead}-{'2' * 16}.tmp",
        home / "models" / f".lantern-{alive}-{'3' * 16}.tmp",  # writer alive but a minute old
        home / "tmpab_cd123.tmp",  # an earlier version's mkstemp name, old
        home / "imports" / "tmpzzzzzzzz.tmp",
        home / "models" / f".state.json.{'a' * 32}.tmp",  # the model store's, old
    ]
    keep = [
        home / f".lantern-{alive}-{'4' * 16}.tmp",  # being written right now
        home / "tmpab_cd999.tmp",  # earlier form but fresh: may be in flight
        home / "index" / "tmpab_cd123.tmp",  # earlier form where no earlier version wrote
        home / "notes.tmp",
        home / f"lantern-{dead}-{'5' * 16}.tmp",  # not hidden: not our name
        home / f".lantern-{dead}-{'6' * 15}.tmp",
        home / "settings.toml",
        home / "imports" / f"{'ab' * 32}.json",
        home / "vaults" / f".lantern-{dead}-{'7' * 16}.tmp",  # vault folders: swept on open
    ]
    for path in ours + keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    for path in ours[3:]:
        _age(path, STALE_SECONDS + 5)
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    link = home / f".lantern-{dead}-{'8' * 16}.tmp"
    link.symlink_to(outside)
    folder = home / f".lantern-{dead}-{'9' * 16}.tmp"
    folder.mkdir()
    (folder / "inside").write_text("a folder is never swept as a temp file")

    assert sweep_data_folder(home) == len(ours)
    assert [p for p in ours if p.exists()] == []
    assert [p for p in keep if not p.exists()] == []
    assert link.is_symlink() and outside.read_text() == "not ours"
    assert (folder / "inside").is_file()
    assert sweep_data_folder(home) == 0


def test_a_half_unpacked_prebuilt_index_is_removed_once_its_process_is_gone(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    gone = home / f".index-seeding-{_dead_pid()}"
    running = home / f".index-seeding-{os.getpid()}"
    for folder in (gone, running):
        (folder / "chroma").mkdir(parents=True)
        (folder / "keyword.sqlite").write_bytes(b"x")
    assert sweep_data_folder(home) == 1
    assert not gone.exists() and running.is_dir()


def test_write_atomic_names_its_temp_file_for_the_sweep(tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src, dst) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_atomic(tmp_path / "a.json", b"{}")
    assert len(seen) == 1 and seen[0].startswith(f".lantern-{os.getpid()}-")
    assert sweep_temp_files(tmp_path) == 0  # this process is alive: its temp files stay
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]
    assert oct((tmp_path / "a.json").stat().st_mode & 0o777) == oct(0o600)


# -- vaults ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point", ["create_before_name", "create_before_header", "create_before_rename"]
)
def test_a_killed_vault_creation_leaves_nothing_after_the_next_listing(
    tmp_path: Path, point: str
) -> None:
    home = tmp_path / "home"
    kept = Vault.create(home, "Complete Patient", WRAPPER)
    kept.close()
    kill_at(point, home)
    # what the crash left: one hidden build folder, never a patient-id folder without header
    leftovers = [p.name for p in vaults_dir(home).iterdir() if p.name != kept.patient_id]
    assert len(leftovers) == 1 and leftovers[0].startswith(".creating-"), leftovers

    assert patient_ids(home) == [kept.patient_id]  # the listing cleans up
    assert sorted(p.name for p in vaults_dir(home).iterdir()) == [kept.patient_id]
    again = Vault.open(home, kept.patient_id, WRAPPER)
    assert again.display_name == "Complete Patient"
    again.close()
    made = Vault.create(home, PATIENT, WRAPPER)  # and creating works again
    made.close()
    assert sorted(patient_ids(home)) == sorted([kept.patient_id, made.patient_id])


def test_a_vault_being_created_by_a_running_process_is_left_alone(tmp_path: Path) -> None:
    home = tmp_path / "home"
    building = vaults_dir(home) / f".creating-{os.getpid()}-{'c' * 12}"
    building.mkdir(parents=True)
    (building / "vault.sqlite").write_bytes(b"")
    assert recover(home).removed == 0 and building.is_dir()
    _age(building, STALE_SECONDS + 5)  # unless it is far older than any creation takes
    assert recover(home).removed == 1 and not building.exists()


def _legacy_half_vault(home: Path, blobs: list[str]) -> Path:
    """A folder as earlier versions left it when killed before writing the header."""
    folder = vaults_dir(home) / os.urandom(6).hex()
    folder.mkdir(parents=True)
    db = sqlite3.connect(str(folder / "vault.sqlite"))
    with db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE blobs (id TEXT PRIMARY KEY, nonce BLOB, data BLOB)")
        db.executemany("INSERT INTO blobs VALUES (?, x'00', x'00')", [(b,) for b in blobs])
    db.close()
    return folder


def test_headerless_vault_folders_are_removed_or_quarantined_and_complete_ones_kept(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    complete = Vault.create(home, "Complete Patient", WRAPPER)
    complete.put("doc/1/original", b"ciphertext only")
    complete.close()
    name_only = _legacy_half_vault(home, [NAME_BLOB])
    empty = _legacy_half_vault(home, [])
    no_database = vaults_dir(home) / ("e" * 12)
    no_database.mkdir()
    holds_more = _legacy_half_vault(home, [NAME_BLOB, "doc/1/original"])
    unreadable = vaults_dir(home) / ("f" * 12)
    unreadable.mkdir()
    (unreadable / "vault.sqlite").write_bytes(b"not a database at all" * 100)
    not_ours = vaults_dir(home) / "Notes"
    not_ours.mkdir()
    (not_ours / "x.txt").write_text("a folder someone put here")

    assert patient_ids(home) == [complete.patient_id]
    present = sorted(p.name for p in vaults_dir(home).iterdir())
    assert present == sorted([complete.patient_id, QUARANTINE, "Notes"])
    for gone in (name_only, empty, no_database):
        assert not gone.exists()
    quarantined = sorted(p.name for p in (vaults_dir(home) / QUARANTINE).iterdir())
    assert quarantined == sorted([holds_more.name, unreadable.name])
    assert (vaults_dir(home) / QUARANTINE / unreadable.name / "vault.sqlite").read_bytes()[:5] == (
        b"not a"
    )
    vault = Vault.open(home, complete.patient_id, WRAPPER)
    assert vault.get("doc/1/original") == b"ciphertext only"
    vault.close()
    assert recover(home).removed == 0  # a second start finds nothing more to do


@pytest.mark.parametrize(
    "point", ["destroy_before_header_rename", "destroy_before_delete", "destroy_while_deleting"]
)
def test_a_killed_vault_deletion_is_finished_or_leaves_the_vault_whole(
    tmp_path: Path, point: str
) -> None:
    home = tmp_path / "home"
    Vault.create(home, PATIENT, WRAPPER).close()
    kill_at(point, home)
    ids = patient_ids(home)
    if point == "destroy_before_header_rename":  # not yet shredded: the vault still opens
        (patient_id,) = ids
        vault = Vault.open(home, patient_id, WRAPPER)  # and opening sweeps the temp file
        assert vault.display_name == PATIENT
        vault.close()
        assert sorted(p.name for p in (vaults_dir(home) / patient_id).iterdir()) == [
            "vault.json",
            "vault.sqlite",
        ]
    else:  # shredded: it is gone from the list and from the disk
        assert ids == []
        assert list(vaults_dir(home).iterdir()) == []


# -- history.jsonl ---------------------------------------------------------------------------


def _answer(question: str, body: str = "Body text.") -> Answer:
    return Answer(question=question, answer_markdown=body, sections=[Section("In short", body)])


def _questions(history: FileHistory) -> list[str]:
    return sorted(e.question for e in history.entries())


def _all_lines_parse(path: Path) -> bool:
    data = path.read_bytes()
    return data.endswith(b"\n") and all(json.loads(x) for x in data.split(b"\n")[:-1])


@pytest.mark.parametrize("cut", ["mid-json", "mid-utf8", "no-newline"])
def test_a_torn_last_history_line_costs_only_itself(tmp_path: Path, cut: str) -> None:
    path = tmp_path / "history.jsonl"
    first = FileHistory(path)
    first.add(_answer("What is DCIS?"))
    first.add(_answer("What is LCIS?"))
    whole = path.read_bytes()
    line = (
        json.dumps(
            {
                "id": "x1",
                "asked_at": "2026-01-01T00:00:00+00:00",
                "question": "Qu'est-ce que la ménopause ?",
                "answer": {},
            },
            ensure_ascii=False,
        )
        + "\n"
    ).encode("utf-8")
    torn = {
        "mid-json": line[: len(line) // 2],
        "mid-utf8": line[: line.index("é".encode()) + 1],  # half of a two-byte character
        "no-newline": line[:-1],  # whole entry, its newline lost
    }[cut]
    path.write_bytes(whole + torn)

    reopened = FileHistory(path)  # the next start: loads, no exception
    expected = ["What is DCIS?", "What is LCIS?"]
    if cut == "no-newline":
        expected.append("Qu'est-ce que la ménopause ?")  # a complete entry is never lost
    assert _questions(reopened) == sorted(expected)
    reopened.add(_answer("What is HER2-low?"))
    assert _all_lines_parse(path)
    assert _questions(FileHistory(path)) == sorted([*expected, "What is HER2-low?"])


def test_an_append_after_another_process_tore_the_file_starts_a_fresh_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "history.jsonl"
    ours = FileHistory(path)
    ours.add(_answer("What is DCIS?"))
    with path.open("ab") as fh:  # another window, killed mid-append after we opened
        fh.write(b'{"id": "x2", "asked_at": "2026')
    ours.add(_answer("What is LCIS?"))  # not glued onto the torn line (that would lose it)
    lines = path.read_bytes().split(b"\n")
    assert lines[-1] == b"" and lines[-2].startswith(b'{"id"') and json.loads(lines[-2])
    assert _questions(FileHistory(path)) == ["What is DCIS?", "What is LCIS?"]
