"""One encrypted vault per patient.

``<data folder>/vaults/<opaque id>/`` holds ``vault.json`` (format version, key source, KDF
parameters and the wrapped data key: nothing about the patient) and ``vault.sqlite``, where
every blob (documents, text, profile, history, even the display name) is AES-256-GCM
encrypted with a fresh nonce and bound to its blob id as associated data. Writes are SQLite
transactions; the header is written to a temp file, fsynced and renamed. The database's tables
come from the numbered migrations in ``vault_migrations``, applied when a vault is opened.

Creation is atomic: a new vault is built in ``vaults/.creating-<pid>-<id>`` and renamed into
place once its header is written, so a vault folder exists complete or not at all. A kill
part-way leaves only the hidden build folder, which :func:`recover` (run by the listing,
:func:`patient_ids`) removes once its creator is gone. Destruction renames the shredded
folder to ``.destroying-<pid>-<id>`` before deleting it, for the same reason. A patient-id
folder without a header (left by earlier versions) is removed if it holds nothing but the
encrypted name, else moved to ``vaults/.quarantine/``."""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from desktop.core.files import STALE_SECONDS, is_stale, sweep_temp_files, write_atomic
from desktop.core.records.keys import KeyWrapper, VaultKeyError
from desktop.core.records.vault_migrations import VaultFormatError, migrate

log = logging.getLogger(__name__)

FORMAT = 1
NAME_BLOB = "meta/name"
HEADER = "vault.json"
DATABASE = "vault.sqlite"
PATIENT_ID = re.compile(r"^[0-9a-f]{12}$")
# hidden folders a vault is built in, or shredded in: ``.<stage>-<pid>-<patient id>``
_WORK_FOLDER = re.compile(r"^\.(creating|destroying)-(\d+)-[0-9a-f]{12}$")
QUARANTINE = ".quarantine"


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
        try:
            with self._db:
                self._db.execute("PRAGMA journal_mode=WAL")
            migrate(self._db)  # vault_migrations: the numbered registry
        except VaultFormatError as exc:
            self._db.close()
            raise VaultError(str(exc)) from exc

    # -- creation and opening --------------------------------------------------------------
    @classmethod
    def create(cls, home: Path, display_name: str, wrapper: KeyWrapper) -> Vault:
        patient_id = uuid.uuid4().hex[:12]
        folder = vaults_dir(home) / patient_id
        data_key = AESGCM.generate_key(bit_length=256)
        params: dict = {}
        wrapped = wrapper.wrap(patient_id, data_key, params)  # fails before anything is written
        header = {
            "format": FORMAT,
            "key_source": wrapper.source,
            "kdf": params,
            "wrapped_key": base64.b64encode(wrapped).decode(),
        }
        building = folder.with_name(f".creating-{os.getpid()}-{patient_id}")
        building.mkdir(parents=True)
        try:
            draft = cls(building, patient_id, data_key)
            try:
                draft.put(NAME_BLOB, display_name.encode("utf-8"))
            finally:
                draft.close()  # SQLite folds its log back in; nothing stays open on the folder
            write_atomic(building / HEADER, json.dumps(header).encode())
            if folder.exists():
                raise VaultError(f"vault '{patient_id}' already exists")
            os.rename(building, folder)  # the vault appears complete, or not at all
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        return cls(folder, patient_id, data_key)

    @classmethod
    def open(cls, home: Path, patient_id: str, wrapper: KeyWrapper) -> Vault:
        folder = vaults_dir(home) / patient_id
        header = read_header(folder)
        if header.get("key_source") != wrapper.source:
            raise VaultKeyError(f"this vault is opened with its {header.get('key_source')}")
        wrapped = base64.b64decode(header["wrapped_key"])
        data_key = wrapper.unwrap(patient_id, wrapped, dict(header.get("kdf", {})))
        sweep_temp_files(folder)  # a header save killed before its rename
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
        header = json.loads((folder / HEADER).read_text())
    except FileNotFoundError as exc:
        raise VaultError(f"no vault '{folder.name}'") from exc
    except (OSError, ValueError) as exc:
        raise VaultError(f"vault '{folder.name}' has a damaged header") from exc
    if header.get("format") != FORMAT or "wrapped_key" not in header:
        raise VaultError(f"vault '{folder.name}' has an unknown format")
    return header


def _destroyed(folder: Path) -> bool:
    """A vault whose key was shredded by :func:`destroy`, which was killed before it ended."""
    try:
        return json.loads((folder / HEADER).read_text()).get("destroyed") is True
    except (OSError, ValueError, AttributeError):
        return False


def patient_ids(home: Path) -> list[str]:
    """The vaults, by patient id; first removes what interrupted creations and
    destructions left (see :func:`recover`)."""
    folder = vaults_dir(home)
    if not folder.is_dir():
        return []
    recover(home)
    return sorted(
        p.name
        for p in folder.iterdir()
        if not p.name.startswith(".") and (p / HEADER).is_file() and not _destroyed(p)
    )


def destroy(home: Path, patient_id: str, wrapper: KeyWrapper) -> None:
    """Crypto-shred a vault: forget its key, overwrite the wrapped key, delete the files."""
    folder = vaults_dir(home) / patient_id
    read_header(folder)
    wrapper.forget(patient_id)
    write_atomic(folder / HEADER, json.dumps({"format": FORMAT, "destroyed": True}).encode())
    shredded = folder.with_name(f".destroying-{os.getpid()}-{patient_id}")
    os.rename(folder, shredded)  # unlisted at once; a kill from here leaves a hidden folder
    shutil.rmtree(shredded)


@dataclass
class Recovery:
    """What :func:`recover` did: counts only (a folder name is a patient id)."""

    removed: int = 0
    quarantined: int = 0


def _blob_ids(folder: Path) -> set[str] | None:
    """The blob ids in a vault folder's database (ids are not encrypted), or None when the
    database cannot be read."""
    path = folder / DATABASE
    if not path.is_file():
        return set()
    try:
        db = sqlite3.connect(str(path))  # read-write: SQLite may need to replay its log
        try:
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
            if "blobs" not in tables:
                return set()
            return {row[0] for row in db.execute("SELECT id FROM blobs")}
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _quarantine(folder: Path) -> None:
    target = folder.parent / QUARANTINE / folder.name
    target.parent.mkdir(exist_ok=True)
    if target.exists():
        target = target.with_name(f"{folder.name}-{uuid.uuid4().hex[:8]}")
    os.rename(folder, target)


def recover(home: Path, *, stale_after: float = STALE_SECONDS) -> Recovery:
    """Clean up after creations and destructions that were killed part-way.

    * ``.creating-<pid>-<id>``: a vault never finished (no patient could have used it),
      removed once its creator is gone or it is older than ``stale_after`` seconds;
    * ``.destroying-<pid>-<id>`` (likewise), and a folder whose header says destroyed:
      already crypto-shredded, removed;
    * a patient-id folder without a header (earlier versions built vaults in place): removed
      when it holds no blob but the encrypted name, else moved to ``.quarantine/``.

    A folder with a complete header is never touched, nor anything not named as above."""
    done = Recovery()
    root = vaults_dir(home)
    try:
        entries = list(os.scandir(root))
    except OSError:
        return done
    now = time.time()
    for entry in entries:
        try:
            if not entry.is_dir(follow_symlinks=False):
                continue
            folder = Path(entry.path)
            work = _WORK_FOLDER.match(entry.name)
            if work:
                mtime = entry.stat(follow_symlinks=False).st_mtime
                if is_stale(int(work.group(2)), mtime, now, stale_after):
                    shutil.rmtree(folder)
                    done.removed += 1
            elif PATIENT_ID.match(entry.name):
                if (folder / HEADER).is_file():
                    if _destroyed(folder):
                        shutil.rmtree(folder)
                        done.removed += 1
                    continue
                blobs = _blob_ids(folder)
                if blobs is not None and blobs <= {NAME_BLOB}:
                    shutil.rmtree(folder)
                    done.removed += 1
                else:
                    _quarantine(folder)
                    done.quarantined += 1
        except FileNotFoundError:  # another process recovering at the same moment
            continue
        except OSError as exc:
            log.warning("could not clean up an interrupted vault: %s", exc.strerror)
    if done.removed or done.quarantined:
        log.info(
            "vaults: removed %d and quarantined %d left by an interrupted creation or deletion",
            done.removed,
            done.quarantined,
        )
    return done
