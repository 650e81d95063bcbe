"""One encrypted vault per patient.

``<data folder>/vaults/<opaque id>/`` holds ``vault.json`` (format version, key source, KDF
parameters and the wrapped data key: nothing about the patient) and ``vault.sqlite``, where
every blob (documents, text, profile, history, even the display name) is AES-256-GCM
encrypted with a fresh nonce and bound to its blob id as associated data. Writes are SQLite
transactions; the header is written to a temp file, fsynced and renamed."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import threading
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.core.files import write_atomic
from desktop.core.records.keys import KeyWrapper, VaultKeyError

FORMAT = 1
NAME_BLOB = "meta/name"


class VaultError(RuntimeError):
    """A vault that cannot be used: missing, damaged, or a blob that fails to decrypt."""


def vaults_dir(home: Path) -> Path:
    return home / "vaults"


class Vault:
    """An unlocked vault. Thread-safe: one writer at a time."""

    def __init__(self, folder: Path, patient_id: str, data_key: bytes) -> None:
        self.folder = folder
        self.patient_id = patient_id
        self._aead = AESGCM(data_key)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(folder / "vault.sqlite"), check_same_thread=False)
        with self._db:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, "
                "nonce BLOB NOT NULL, data BLOB NOT NULL)"
            )

    # -- creation and opening --------------------------------------------------------------
    @classmethod
    def create(cls, home: Path, display_name: str, wrapper: KeyWrapper) -> Vault:
        patient_id = uuid.uuid4().hex[:12]
        folder = vaults_dir(home) / patient_id
        data_key = AESGCM.generate_key(bit_length=256)
        params: dict = {}
        wrapped = wrapper.wrap(patient_id, data_key, params)  # fails before anything is written
        folder.mkdir(parents=True)
        vault = cls(folder, patient_id, data_key)
        vault.put(NAME_BLOB, display_name.encode("utf-8"))
        header = {
            "format": FORMAT,
            "key_source": wrapper.source,
            "kdf": params,
            "wrapped_key": base64.b64encode(wrapped).decode(),
        }
        # the header last: a vault is listed once it has one, so a crash part-way never
        # leaves a patient without her name (only an unlisted folder of ciphertext)
        write_atomic(folder / "vault.json", json.dumps(header).encode())
        return vault

    @classmethod
    def open(cls, home: Path, patient_id: str, wrapper: KeyWrapper) -> Vault:
        folder = vaults_dir(home) / patient_id
        header = read_header(folder)
        if header.get("key_source") != wrapper.source:
            raise VaultKeyError(f"this vault is opened with its {header.get('key_source')}")
        wrapped = base64.b64decode(header["wrapped_key"])
        data_key = wrapper.unwrap(patient_id, wrapped, dict(header.get("kdf", {})))
        return cls(folder, patient_id, data_key)

    # -- blobs -----------------------------------------------------------------------------
    def _aad(self, blob_id: str) -> bytes:
        return f"{self.patient_id}/{blob_id}".encode()

    def put(self, blob_id: str, plaintext: bytes) -> None:
        nonce = os.urandom(12)
        data = self._aead.encrypt(nonce, plaintext, self._aad(blob_id))
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", (blob_id, nonce, data)
            )

    def put_many(self, items: dict[str, bytes]) -> None:
        """Several blobs in one transaction: all are written or none."""
        rows = []
        for blob_id, plaintext in items.items():
            nonce = os.urandom(12)
            rows.append((blob_id, nonce, self._aead.encrypt(nonce, plaintext, self._aad(blob_id))))
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)", rows)

    def get(self, blob_id: str) -> bytes | None:
        row = self._db.execute("SELECT nonce, data FROM blobs WHERE id=?", (blob_id,)).fetchone()
        if row is None:
            return None
        try:
            return self._aead.decrypt(row[0], row[1], self._aad(blob_id))
        except InvalidTag as exc:
            raise VaultError(f"blob {blob_id} failed its integrity check") from exc

    def delete(self, *blob_ids: str) -> None:
        with self._lock, self._db:
            self._db.executemany("DELETE FROM blobs WHERE id=?", [(b,) for b in blob_ids])

    def ids(self, prefix: str = "") -> list[str]:
        rows = self._db.execute(
            "SELECT id FROM blobs WHERE id LIKE ? ESCAPE '\\' ORDER BY id",
            (prefix.replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        return [r[0] for r in rows]

    @property
    def display_name(self) -> str:
        raw = self.get(NAME_BLOB)
        return raw.decode("utf-8") if raw else ""

    def close(self) -> None:
        self._db.close()


def read_header(folder: Path) -> dict:
    try:
        header = json.loads((folder / "vault.json").read_text())
    except FileNotFoundError as exc:
        raise VaultError(f"no vault '{folder.name}'") from exc
    except (OSError, ValueError) as exc:
        raise VaultError(f"vault '{folder.name}' has a damaged header") from exc
    if header.get("format") != FORMAT or "wrapped_key" not in header:
        raise VaultError(f"vault '{folder.name}' has an unknown format")
    return header


def patient_ids(home: Path) -> list[str]:
    folder = vaults_dir(home)
    return (
        sorted(p.name for p in folder.iterdir() if (p / "vault.json").is_file())
        if folder.is_dir()
        else []
    )


def destroy(home: Path, patient_id: str, wrapper: KeyWrapper) -> None:
    """Crypto-shred a vault: forget its key, overwrite the wrapped key, delete the files."""
    folder = vaults_dir(home) / patient_id
    read_header(folder)
    wrapper.forget(patient_id)
    write_atomic(folder / "vault.json", json.dumps({"format": FORMAT, "destroyed": True}).encode())
    shutil.rmtree(folder)
