"""An unlocked patient: her vault, profile and in-memory record search, and the idle lock.

Everything decrypted lives only in this object. ``lock()`` closes the vault and drops the
profile and the search index; the window (or the CLI) must unlock again to go on.

Opening, refreshing and importing are jobs (``desktop.core.progress``): generators that yield
progress and return their result. Changes take the session's lock; the window runs every one
of them on its one records queue, so its GUI thread never waits for that lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.progress import Job, Progress, drive
from desktop.core.records import importer, patients, profile
from desktop.core.records.keys import KeyWrapper
from desktop.core.records.search import Embed, RecordIndex, embed_document
from desktop.core.records.vault import Vault


class LockedError(RuntimeError):
    """The patient's records are locked; unlock them first."""


@dataclass
class ImportReport:
    """What an import did: the documents read (new or already there), the files refused
    (one error each) and whether it was cancelled before the last file."""

    documents: list[importer.RecordDocument] = field(default_factory=list)
    errors: list[importer.RecordImportError] = field(default_factory=list)
    cancelled: bool = False


class PatientSession:
    def __init__(
        self,
        vault: Vault,
        embed: Embed,
        identity: str,
        lock_after_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.patient_id = vault.patient_id
        self._vault: Vault | None = vault
        self._embed = embed
        self._identity = identity
        self._lock = threading.RLock()
        self._clock = clock
        self.lock_after_seconds = lock_after_seconds
        self._last_activity = clock()
        self.display_name = vault.display_name
        self._documents: list[importer.RecordDocument] = []
        self._profile = profile.Profile([])
        self._index: RecordIndex | None = None

    # -- opening and locking ---------------------------------------------------------------
    @classmethod
    def load(
        cls,
        vault: Vault,
        embed: Embed,
        identity: str,
        lock_after_seconds: float | None = None,
    ) -> Job[PatientSession]:
        """A session over an unlocked vault, with its profile and search loaded; the vault is
        closed again when loading fails or is cancelled."""
        session = cls(vault, embed, identity, lock_after_seconds)
        try:
            yield from session.refresh()
        except BaseException:
            session.lock()
            raise
        return session

    @classmethod
    def open(
        cls,
        home: Path,
        patient_id: str,
        wrapper: KeyWrapper,
        embed: Embed,
        identity: str,
        lock_after_seconds: float | None = None,
    ) -> Job[PatientSession]:
        """Unlock with ``wrapper`` (raises VaultKeyError on a wrong key), then load."""
        vault = Vault.open(home, patient_id, wrapper)
        return (yield from cls.load(vault, embed, identity, lock_after_seconds))

    @classmethod
    def unlock(
        cls,
        home: Path,
        patient_id: str,
        embed: Embed,
        identity: str,
        passphrase: str | None = None,
        lock_after_seconds: float | None = None,
    ) -> Job[PatientSession]:
        """Unlock her vault the one way (:func:`patients.open_patient`: her keyring entry, or
        ``passphrase``, or ``LANTERN_VAULT_PASSPHRASE``), then load."""
        vault = patients.open_patient(home, patient_id, passphrase)
        return (yield from cls.load(vault, embed, identity, lock_after_seconds))

    @classmethod
    def create(
        cls,
        home: Path,
        name: str,
        embed: Embed,
        identity: str,
        passphrase: str | None = None,
        lock_after_seconds: float | None = None,
    ) -> PatientSession:
        """A new patient (:func:`patients.create_patient`: the one passphrase policy), open.
        Raises PatientError or VaultKeyError with one sentence; nothing is made then."""
        vault = patients.create_patient(home, name, passphrase)
        return drive(cls.load(vault, embed, identity, lock_after_seconds))  # nothing to embed

    def refresh(self) -> Job[None]:
        """Reload documents, profile and the record index from the vault."""
        with self._lock:
            vault = self.vault
            docs = importer.documents(vault)
            index = yield from RecordIndex.load(vault, docs, self._embed, self._identity)
            built = profile.build_profile(vault, docs)
            if self._index is not None:
                self._index.close()
            self._documents, self._index, self._profile = docs, index, built

    @property
    def locked(self) -> bool:
        return self._vault is None

    @property
    def vault(self) -> Vault:
        if self._vault is None:
            raise LockedError("the records are locked; unlock them to go on")
        return self._vault

    def lock(self) -> None:
        with self._lock:
            if self._vault is not None:
                self._vault.close()
            if self._index is not None:
                self._index.close()
            self._vault = None
            self._index = None
            self._documents = []
            self._profile = profile.Profile([])

    # -- idle lock -------------------------------------------------------------------------
    def touch(self) -> None:
        self._last_activity = self._clock()

    def idle_seconds(self) -> float:
        return self._clock() - self._last_activity

    def idle_too_long(self) -> bool:
        """Unlocked and idle longer than the setting (the window then locks her records)."""
        return (
            not self.locked
            and self.lock_after_seconds is not None
            and self.idle_seconds() >= self.lock_after_seconds
        )

    def lock_if_idle(self) -> bool:
        """Lock when idle longer than the setting; True when it locked now."""
        if not self.idle_too_long():
            return False
        self.lock()
        return True

    # -- what is inside --------------------------------------------------------------------
    @property
    def documents(self) -> list[importer.RecordDocument]:
        self.vault  # noqa: B018  (raises when locked)
        return list(self._documents)

    @property
    def profile(self) -> profile.Profile:
        self.vault  # noqa: B018
        return self._profile

    @property
    def index(self) -> RecordIndex:
        if self._index is None:
            raise LockedError("the records are locked; unlock them to go on")
        return self._index

    def page_text(self, doc_id: str, page: int) -> str:
        texts = importer.pages(self.vault, doc_id)
        return texts[page - 1] if 0 < page <= len(texts) else ""

    # -- changes ---------------------------------------------------------------------------
    def import_files(
        self, paths: Sequence[Path], cancelled: Callable[[], bool] = lambda: False
    ) -> Job[ImportReport]:
        """Import files one by one; a file that fails is reported and the rest go on. Each
        new document is embedded for search before the next file, and ``cancelled`` is
        asked between files: a Cancel keeps what was read, with its search, and the profile
        is brought up to date either way."""
        report = ImportReport()
        with self._lock:
            known = {doc.id for doc in importer.documents(self.vault)}
            total = len(paths)
            for i, path in enumerate(paths):
                if cancelled():
                    report.cancelled = True
                    break
                yield Progress(i, total, f"Importing document {i + 1} of {total}")
                try:
                    doc = drive(importer.import_document(self.vault, path))
                except importer.RecordImportError as exc:
                    report.errors.append(exc)
                    continue
                if doc.id not in known:  # new content, not a duplicate
                    embed_document(self.vault, doc, self._embed, self._identity)
                    known.add(doc.id)
                report.documents.append(doc)
            yield Progress(total, total, "Updating the profile")
            yield from self.refresh()
        return report

    def remove_document(self, doc_id: str) -> importer.RecordDocument:
        with self._lock:
            doc = importer.remove(self.vault, doc_id)
            drive(self.refresh())
            return doc

    def correct(self, fact_id: str, action: profile.Action, value: str | None = None) -> None:
        with self._lock:
            profile.correct(self.vault, fact_id, action, value)
            self._profile = profile.build_profile(self.vault, self._documents)

    def add_fact(self, field: str, value: str, date: str | None = None) -> str:
        with self._lock:
            new_id = profile.add_fact(self.vault, field, value, date)
            self._profile = profile.build_profile(self.vault, self._documents)
            return new_id
