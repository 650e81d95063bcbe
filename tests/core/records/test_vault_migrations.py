"""Vault migrations: a vault written as format 1 (before migrations were numbered) opens through
the numbered registry, each migration runs once and in order, a failed one changes nothing,
and a vault from a newer Lantern is refused."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.core.records import vault_migrations
from desktop.core.records.keys import PassphraseWrapper
from desktop.core.records.vault import Vault, VaultError, patient_ids
from desktop.core.records.vault_migrations import MIGRATIONS, migrate, migration, version

PASSPHRASE = "format one passphrase"
PATIENT = "0123456789ab"


def format_one_vault(home: Path, blobs: dict[str, bytes]) -> Path:
    """A vault as Lantern wrote it before migrations were numbered: a format-1 header, and a
    database holding only the blobs table (user_version 0), every blob sealed to its id."""
    folder = home / "vaults" / PATIENT
    folder.mkdir(parents=True)
    data_key = AESGCM.generate_key(bit_length=256)
    params: dict = {}
    wrapped = PassphraseWrapper(PASSPHRASE).wrap(PATIENT, data_key, params)
    header = {
        "format": 1,
        "key_source": "passphrase",
        "kdf": params,
        "wrapped_key": base64.b64encode(wrapped).decode(),
    }
    (folder / "vault.json").write_text(json.dumps(header))
    db = sqlite3.connect(str(folder / "vault.sqlite"))
    with db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(
            "CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, "
            "nonce BLOB NOT NULL, data BLOB NOT NULL)"
        )
        aead = AESGCM(data_key)
        for blob_id, plaintext in blobs.items():
            nonce = os.urandom(12)
            sealed = aead.encrypt(nonce, plaintext, f"{PATIENT}/{blob_id}".encode())
            db.execute("INSERT INTO blobs VALUES (?, ?, ?)", (blob_id, nonce, sealed))
    assert version(db) == 0
    db.close()
    return folder


def _user_version(folder: Path) -> int:
    db = sqlite3.connect(str(folder / "vault.sqlite"))
    try:
        return version(db)
    finally:
        db.close()


def test_a_format_one_vault_opens_through_the_registry(lantern_home: Path) -> None:
    blobs = {"meta/name": b"Ana Format-One", "doc/d1/pages": b'["HER2 1+"]', "visit/list": b"{}"}
    folder = format_one_vault(lantern_home, blobs)
    assert patient_ids(lantern_home) == [PATIENT]
    vault = Vault.open(lantern_home, PATIENT, PassphraseWrapper(PASSPHRASE))
    try:
        assert vault.display_name == "Ana Format-One"
        assert vault.get("doc/d1/pages") == b'["HER2 1+"]'
        assert vault.ids() == sorted(blobs)
        vault.put("history/1", b"a new entry")  # and it takes new writes
    finally:
        vault.close()
    assert _user_version(folder) == len(MIGRATIONS)  # it now says which it has had


def test_each_migration_runs_once_in_order(
    lantern_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []

    def m002_example_index(db: sqlite3.Connection) -> None:
        ran.append("m002")
        db.execute("CREATE INDEX blobs_by_id ON blobs(id)")

    steps = [*MIGRATIONS, m002_example_index]
    monkeypatch.setattr(vault_migrations, "MIGRATIONS", steps)
    folder = format_one_vault(lantern_home, {"meta/name": b"Bea"})
    first = Vault.open(lantern_home, PATIENT, PassphraseWrapper(PASSPHRASE))
    first.close()
    again = Vault.open(lantern_home, PATIENT, PassphraseWrapper(PASSPHRASE))
    assert again.display_name == "Bea"
    again.close()
    assert ran == ["m002"] and _user_version(folder) == 2
    db = sqlite3.connect(str(folder / "vault.sqlite"))
    indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    db.close()
    assert "blobs_by_id" in indexes


def test_a_failed_migration_changes_nothing(tmp_path: Path) -> None:
    def m002_breaks(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk full")

    db = sqlite3.connect(str(tmp_path / "v.sqlite"))
    assert migrate(db, MIGRATIONS[:1]) == ["m001_blobs"]
    with pytest.raises(RuntimeError, match="disk full"):
        migrate(db, [*MIGRATIONS[:1], m002_breaks])
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert version(db) == 1 and "half_done" not in tables
    db.close()


def test_a_vault_from_a_newer_lantern_is_refused(lantern_home: Path) -> None:
    folder = format_one_vault(lantern_home, {"meta/name": b"Cara"})
    db = sqlite3.connect(str(folder / "vault.sqlite"))
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(VaultError, match="newer version of Lantern"):
        Vault.open(lantern_home, PATIENT, PassphraseWrapper(PASSPHRASE))
    assert _user_version(folder) == len(MIGRATIONS) + 1  # left as it was


def test_migrations_are_numbered_in_order() -> None:
    assert [fn.__name__[:4] for fn in MIGRATIONS] == [
        f"m{n:03d}" for n in range(1, len(MIGRATIONS) + 1)
    ]

    def m007_out_of_turn(db: sqlite3.Connection) -> None: ...

    with pytest.raises(ValueError, match=f"m{len(MIGRATIONS) + 1:03d}"):
        migration(m007_out_of_turn)
    assert m007_out_of_turn not in MIGRATIONS
