"""An unlocked patient: her vault, profile and in-memory record search, and the idle lock.

Everything decrypted lives only in this object. ``lock()`` closes the vault and drops the
profile and the search index; the window (or the CLI) must unlock again to go on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from desktop.core.progress import Progress
from desktop.core.records import importer, profile
from desktop.core.records.keys import KeyWrapper
from desktop.core.records.search import Embed, RecordIndex, embed_document
from desktop.core.records.vault import Vault


class LockedError(RuntimeError):
    """The patient's records are locked; unlock them first."""


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
    def open(
        cls,
        home: Path,
        patient_id: str,
        wrapper: KeyWrapper,
        embed: Embed,
        identity: str,
        lock_after_seconds: float | None = None,
    ) -> Iterator[Progress | PatientSession]:
        """Unlock (raises VaultKeyError on a wrong key), then load profile and search."""
        vault = Vault.open(home, patient_id, wrapper)
        session = cls(vault, embed, identity, lock_after_seconds)
        try:
            yield from session.refresh()
        except BaseException:
            session.lock()
            raise
        yield session

    def refresh(self) -> Iterator[Progress]:
        """Reload documents, profile and the record index from the vault."""
        with self._lock:
            vault = self.vault
            docs = importer.documents(vault)
            index: RecordIndex | None = None
            for item in RecordIndex.load(vault, docs, self._embed, self._identity):
                if isinstance(item, RecordIndex):
                    index = item
                else:
                    yield item
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

    def lock_if_idle(self) -> bool:
        """Lock when idle longer than the setting; True when it locked now."""
        if (
            self.locked
            or self.lock_after_seconds is None
            or self.idle_seconds() < self.lock_after_seconds
        ):
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
    ) -> Iterator[Progress | importer.RecordDocument | importer.RecordImportError]:
        """Import files one by one; a file that fails yields its error and the rest go on.
        Each imported document is embedded for search before anything else is yielded, so
        a Cancel (checked between yields) never leaves a stored document without search."""
        with self._lock:
            total = len(paths)
            for i, path in enumerate(paths):
                if cancelled():
                    break
                yield Progress(i, total, f"Importing document {i + 1} of {total}")
                try:
                    items = list(importer.import_document(self.vault, path))
                except importer.RecordImportError as exc:
                    yield exc
                    continue
                doc = items[-1]
                assert isinstance(doc, importer.RecordDocument)
                if len(items) > 1:  # new content, not a duplicate
                    embed_document(self.vault, doc, self._embed, self._identity)
                yield doc
            yield Progress(total, total, "Updating the profile")
            yield from self.refresh()

    def remove_document(self, doc_id: str) -> importer.RecordDocument:
        with self._lock:
            doc = importer.remove(self.vault, doc_id)
            for _ in self.refresh():
                pass
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
