"""Guideline PDFs the user owns: import, list, remove.

Text comes from pypdf page by page, with whitespace normalised (some PDFs put tabs between
words). Chunks keep a heading with the text under it and are cut only between lines, so a
table row is never split. Each chunk becomes a section cited to its page ("p. 47").
Imported guidelines are public material: the extracted text is stored in the clear under
``<data folder>/imports/<sha256>.json``; re-importing the same file is a no-op."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from desktop.core.files import write_atomic
from desktop.core.knowledge.pack import GuidelineSection, Source, sha256_bytes
from desktop.core.pdf_text import PdfTextError, read_pdf
from desktop.core.progress import Job, Progress
from desktop.core.text import normalise_whitespace

CHUNK_WORDS = 160
IMPORTED_PACK_PREFIX = "import-"  # the pack id of a PDF the user imported
_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?[A-Z][^.!?]{2,80}$")


PdfImportError = PdfTextError  # a file that cannot be imported; the message says why


@dataclass
class Chunk:
    page: int
    heading: str
    text: str


@dataclass
class ImportedDocument:
    sha256: str
    title: str
    source: str
    year: int
    pages: int
    chunks: list[Chunk] = field(default_factory=list)
    empty_pages: list[int] = field(default_factory=list)

    @property
    def pack_id(self) -> str:
        return f"{IMPORTED_PACK_PREFIX}{self.sha256[:12]}"

    def sections(self) -> list[GuidelineSection]:
        out = []
        for i, chunk in enumerate(self.chunks):
            title = f"{self.title}: {chunk.heading}" if chunk.heading else self.title
            digest = sha256_bytes(f"{self.sha256}:{i}:{chunk.text}".encode())
            out.append(
                GuidelineSection(
                    pack_id=self.pack_id,
                    id=f"c{i:05d}",
                    title=title,
                    body=chunk.text,
                    sources=(Source(self.source, self.title, self.year, ""),),
                    status="standard",
                    path=f"imports/{self.sha256}.json",
                    digest=digest,
                    locator=f"{self.title}, p. {chunk.page}",
                )
            )
        return out


def _lines(page_text: str) -> list[str]:
    return [normalise_whitespace(line) for line in page_text.splitlines() if line.strip()]


def is_heading(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= 10
        and bool(_HEADING.match(line))
        and not line.endswith(",")
        and "|" not in line  # a table row, not a heading
    )


def chunk_pages(pages: list[str], limit: int = CHUNK_WORDS) -> list[Chunk]:
    """Chunks of whole lines; a heading starts a new chunk and stays with its text."""
    chunks: list[Chunk] = []
    for page_no, text in enumerate(pages, start=1):
        heading = ""
        current: list[str] = []
        for line in _lines(text):
            if is_heading(line):
                if current == [heading] and heading:  # a sub-heading right under a heading
                    heading = f"{heading}: {line}"
                    current.append(line)
                    continue
                _flush(chunks, page_no, heading, current)
                heading, current = line, [line]
                continue
            if current and sum(len(x.split()) for x in current) + len(line.split()) > limit:
                _flush(chunks, page_no, heading, current)
                current = [heading] if heading else []
            current.append(line)
        _flush(chunks, page_no, heading, current)
    return chunks


def _flush(chunks: list[Chunk], page: int, heading: str, lines: list[str]) -> None:
    body = " ".join(lines).strip()
    if body and body != heading:
        chunks.append(Chunk(page, heading, body))


class ImportStore:
    """Imported guideline documents under ``<home>/imports``."""

    def __init__(self, home: Path) -> None:
        self.dir = home / "imports"

    def documents(self) -> list[ImportedDocument]:
        docs = []
        for path in sorted(self.dir.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                chunks = [Chunk(**c) for c in data.pop("chunks")]
                docs.append(ImportedDocument(**data, chunks=chunks))
            except (OSError, ValueError, TypeError, KeyError):
                continue  # a damaged entry is skipped, not fatal
        return docs

    def find(self, ref: str) -> ImportedDocument | None:
        """The one document whose id or checksum starts with ``ref`` (None if not unique)."""
        ref = ref.strip()
        matches = [
            doc
            for doc in self.documents()
            if ref and (doc.sha256.startswith(ref) or doc.pack_id.startswith(ref))
        ]
        return matches[0] if len(matches) == 1 else None

    def remove(self, ref: str) -> ImportedDocument:
        doc = self.find(ref)
        if doc is None:
            raise PdfImportError(f"no imported document '{ref}'")
        (self.dir / f"{doc.sha256}.json").unlink()
        return doc

    def import_pdf(
        self,
        path: Path,
        title: str,
        source: str,
        year: int,
    ) -> Job[ImportedDocument]:
        """Read, chunk and store one PDF, yielding progress; returns the document.
        A file imported before is returned as it is (no work)."""
        data = path.read_bytes() if path.is_file() else b""
        digest = hashlib.sha256(data).hexdigest()
        existing = self.find(digest) if data else None
        if existing is not None:
            return existing
        yield Progress(0, 2, f"Reading {path.name}")
        pages, count = read_pdf(path)
        yield Progress(1, 2, f"Read {count} pages")
        chunks = chunk_pages(pages)
        empty = [i for i, text in enumerate(pages, start=1) if not text.strip()]
        if not chunks:
            raise PdfImportError(
                f"{path.name} has no text layer (scanned images only); it cannot be searched"
            )
        doc = ImportedDocument(
            digest,
            title.strip() or path.stem,
            source.strip() or "Imported",
            int(year),
            count,
            chunks,
            empty,
        )
        self._write(doc)
        yield Progress(2, 2, f"Imported {count} pages")
        return doc

    def _write(self, doc: ImportedDocument) -> None:
        payload = json.dumps(asdict(doc), ensure_ascii=False).encode("utf-8")
        write_atomic(self.dir / f"{doc.sha256}.json", payload)
