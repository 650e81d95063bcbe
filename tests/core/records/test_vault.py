"""The records vault: encryption at rest, keys by keyring or passphrase, crypto-shredding."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from desktop.core.records.keys import KeyringWrapper, PassphraseWrapper, VaultKeyError
from desktop.core.records.vault import Vault, VaultError, destroy, patient_ids

CANARY = "ZEBRA-CANARY-7Q4 Jane Doe"


class MemoryKeyring(KeyringBackend):
    # below the fail backend (0): keyring's own discovery never picks it, so defining this
    # class does not change the keyring other tests see; the fixture sets it explicitly
    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _scan(root: Path, needle: str) -> list[Path]:
    forms = [needle.encode(), needle.encode("utf-16-le"), needle.encode("utf-16-be")]
    return [p for p in root.rglob("*") if p.is_file() and any(f in p.read_bytes() for f in forms)]


def test_passphrase_round_trip_and_nothing_readable_on_disk(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path, CANARY, PassphraseWrapper("correct horse"))
    vault.put("doc/1/text", f"Pathology report for {CANARY}: HER2 1+".encode())
    pid = vault.patient_id
    vault.close()
    assert _scan(tmp_path, "ZEBRA-CANARY-7Q4") == []
    assert _scan(tmp_path, "HER2 1+") == []
    again = Vault.open(tmp_path, pid, PassphraseWrapper("correct horse"))
    assert again.display_name == CANARY
    assert b"HER2 1+" in again.get("doc/1/text")
    assert again.ids("doc/") == ["doc/1/text"]
    again.close()
    assert patient_ids(tmp_path) == [pid]


def test_wrong_passphrase_is_refused_and_vault_unchanged(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path, "A", PassphraseWrapper("right"))
    vault.close()
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(VaultKeyError, match="wrong passphrase"):
        Vault.open(tmp_path, vault.patient_id, PassphraseWrapper("wrong"))
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert before == after


def test_blobs_are_bound_to_their_ids(tmp_path: Path) -> None:
    vault = Vault.create(tmp_path, "A", PassphraseWrapper("pw"))
    vault.put("a", b"first")
    vault.put("b", b"second")
    db = sqlite3.connect(str(vault.folder / "vault.sqlite"))
    with db:  # an attacker swaps two ciphertexts on disk
        rows = dict(db.execute("SELECT id, data FROM blobs WHERE id IN ('a', 'b')"))
        nonces = dict(db.execute("SELECT id, nonce FROM blobs WHERE id IN ('a', 'b')"))
        db.execute("UPDATE blobs SET data=?, nonce=? WHERE id='a'", (rows["b"], nonces["b"]))
    db.close()
    with pytest.raises(VaultError, match="integrity"):
        vault.get("a")
    vault.close()


def test_keyring_round_trip_and_crypto_shredding(tmp_path: Path, memory_keyring) -> None:
    vault = Vault.create(tmp_path, "B", KeyringWrapper())
    vault.put("profile", b"{}")
    pid = vault.patient_id
    vault.close()
    assert len(memory_keyring.store) == 1
    assert Vault.open(tmp_path, pid, KeyringWrapper()).get("profile") == b"{}"
    with pytest.raises(VaultKeyError):
        Vault.open(tmp_path, pid, PassphraseWrapper("x"))  # wrong key source
    destroy(tmp_path, pid, KeyringWrapper())
    assert memory_keyring.store == {}
    assert patient_ids(tmp_path) == []
    with pytest.raises(VaultError, match="no vault"):
        Vault.open(tmp_path, pid, KeyringWrapper())


def test_no_keyring_says_use_a_passphrase(tmp_path: Path) -> None:
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(VaultKeyError, match="passphrase"):
            Vault.create(tmp_path, "C", KeyringWrapper())
    finally:
        keyring.set_keyring(previous)
