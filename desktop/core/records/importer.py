"""Importing a patient's documents (PDF or plain text) into her encrypted vault.

Text is taken per page (pypdf; whitespace normalised, lines kept so lab tables stay row by
row). Pages without a text layer are reported, not skipped silently. The same content
imported twice is detected by its hash. Everything (original bytes, page text, file name)
goes into the vault encrypted; nothing is written anywhere else."""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from desktop.core.pdf_text import PdfTextError as PdfImportError
from desktop.core.pdf_text import read_pdf
from desktop.core.progress import Job, Progress
from desktop.core.records.vault import Vault

MAX_TEXT_BYTES = 20_000_000
TEXT_SUFFIXES = (".txt", ".text", ".md")


class RecordImportError(ValueError):
    """A document that cannot be imported; the message says why."""


@dataclass
class RecordDocument:
    id: str
    file_name: str
    kind: str  # "pdf" | "text"
    sha256: str
    pages: int
    imported_at: str
    empty_pages: list[int] = field(default_factory=list)


def _page_lines(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _read(path: Path, data: bytes) -> tuple[str, list[str]]:
    if path.suffix.lower() in TEXT_SUFFIXES:
        if len(data) > MAX_TEXT_BYTES:
            raise RecordImportError(
                f"{path.name} is larger than {MAX_TEXT_BYTES // 1_000_000} MB of text"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        pages = [p for p in text.split("\f")] or [""]
        return "text", [_page_lines(p) for p in pages]
    try:
        pages, _ = read_pdf(path)
    except PdfImportError as exc:
        raise RecordImportError(str(exc)) from exc
    return "pdf", [_page_lines(p) for p in pages]


def documents(vault: Vault) -> list[RecordDocument]:
    out = []
    for blob_id in vault.ids("doc/"):
        if blob_id.endswith("/meta"):
            raw = vault.get(blob_id)
            if raw:
                out.append(RecordDocument(**json.loads(raw)))
    return sorted(out, key=lambda d: d.imported_at)


def pages(vault: Vault, doc_id: str) -> list[str]:
    raw = vault.get(f"doc/{doc_id}/pages")
    return json.loads(raw) if raw else []


def remove(vault: Vault, doc_id: str) -> RecordDocument:
    for doc in documents(vault):
        if doc.id == doc_id or doc.id.startswith(doc_id):
            vault.delete(*[b for b in vault.ids(f"doc/{doc.id}/")])
            return doc
    raise RecordImportError(f"no document '{doc_id}' for this patient")


def import_document(vault: Vault, path: Path) -> Job[RecordDocument]:
    """Read one file into the vault, yielding progress; returns the document (or, at once,
    the existing one when the same content was imported before)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordImportError(f"cannot read {path.name}: {exc.strerror}") from exc
    if not data:
        raise RecordImportError(f"{path.name} is empty (0 bytes)")
    digest = hashlib.sha256(data).hexdigest()
    for doc in documents(vault):
        if doc.sha256 == digest:
            return doc
    yield Progress(0, 2, "Reading the document")
    kind, texts = _read(path, data)
    empty = [i for i, t in enumerate(texts, start=1) if not t.strip()]
    if len(empty) == len(texts):
        raise RecordImportError(
            f"{path.name} has no text layer on any page (scanned images only); it cannot be read"
        )
    yield Progress(1, 2, f"Read {len(texts)} page(s)")
    doc = RecordDocument(
        id=uuid.uuid4().hex[:10],
        file_name=path.name,
        kind=kind,
        sha256=digest,
        pages=len(texts),
        imported_at=datetime.datetime.now(datetime.UTC).isoformat(),
        empty_pages=empty,
    )
    vault.put_many(
        {  # one transaction: a crash leaves all of it or none
            f"doc/{doc.id}/original": data,
            f"doc/{doc.id}/pages": json.dumps(texts).encode("utf-8"),
            f"doc/{doc.id}/meta": json.dumps(asdict(doc)).encode("utf-8"),
        }
    )
    yield Progress(2, 2, "Stored encrypted")
    return doc
