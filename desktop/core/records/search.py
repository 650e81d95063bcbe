"""Search over one patient's records, in memory only.

Each document's pages are cut into short passages that keep whole lines (a lab row stays one
row). Their embeddings are computed once, at import, and stored encrypted in the vault
(``doc/<id>/passages``: the passages and the embedding model's identity, ``doc/<id>/vectors``:
float16 rows). After unlock they are loaded into a numpy matrix and an in-memory SQLite FTS5
table; nothing of a record touches chroma, the guideline index or any file in the clear."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop.core.progress import Job, Progress
from desktop.core.records.importer import RecordDocument, pages
from desktop.core.records.vault import Vault
from desktop.core.text import fts_query

PASSAGE_WORDS = 60
RRF_K = 60

Embed = Callable[[Sequence[str]], list[list[float]]]


@dataclass(frozen=True)
class RecordPassage:
    doc_id: str
    page: int
    text: str


@dataclass
class RecordHit:
    passage: RecordPassage
    score: float
    similarity: float
    keyword: bool


def passages_of(doc_id: str, texts: Sequence[str]) -> list[RecordPassage]:
    """Whole lines gathered into passages of about PASSAGE_WORDS words, page by page."""
    out: list[RecordPassage] = []
    for page_no, text in enumerate(texts, start=1):
        lines: list[str] = []
        count = 0
        for line in text.splitlines():
            n = len(line.split())
            if lines and count + n > PASSAGE_WORDS:
                out.append(RecordPassage(doc_id, page_no, "\n".join(lines)))
                lines, count = [], 0
            if n:
                lines.append(line)
                count += n
        if lines:
            out.append(RecordPassage(doc_id, page_no, "\n".join(lines)))
    return out


def embed_document(vault: Vault, doc: RecordDocument, embed: Embed, identity: str) -> int:
    """Cut a document into passages, embed them and store both encrypted; returns the count."""
    found = passages_of(doc.id, pages(vault, doc.id))
    vectors = (
        np.asarray(embed([p.text for p in found]), dtype=np.float16)
        if found
        else np.zeros((0, 0), dtype=np.float16)
    )
    meta = {
        "identity": identity,
        "dim": int(vectors.shape[1]) if found else 0,
        "passages": [[p.page, p.text] for p in found],
    }
    vault.put_many(
        {
            f"doc/{doc.id}/passages": json.dumps(meta).encode("utf-8"),
            f"doc/{doc.id}/vectors": vectors.tobytes(),
        }
    )
    return len(found)


def _stored(vault: Vault, doc_id: str, identity: str) -> tuple[list[RecordPassage], np.ndarray]:
    raw = vault.get(f"doc/{doc_id}/passages")
    if not raw:
        raise LookupError(doc_id)
    meta = json.loads(raw)
    if meta.get("identity") != identity:
        raise LookupError(doc_id)
    found = [RecordPassage(doc_id, page, text) for page, text in meta["passages"]]
    blob = vault.get(f"doc/{doc_id}/vectors") or b""
    vectors = np.frombuffer(blob, dtype=np.float16)
    dim = int(meta["dim"]) or 1
    return found, vectors.reshape(-1, dim) if found else np.zeros((0, dim), np.float16)


class RecordIndex:
    """Dense (a normalised matrix) plus keyword (in-memory FTS5) search, fused by rank."""

    def __init__(self, found: list[RecordPassage], matrix: np.ndarray) -> None:
        self.passages = found
        self.matrix = matrix.astype(np.float32) if len(found) else np.zeros((0, 1), np.float32)
        # closing (on lock, from the GUI thread) waits for a search running on a worker
        # thread; a search after closing finds nothing
        self._guard = threading.Lock()
        self._closed = False
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')")
        self._db.executemany(
            "INSERT INTO p(rowid, text) VALUES (?, ?)",
            ((i, p.text) for i, p in enumerate(found)),
        )

    @classmethod
    def load(
        cls, vault: Vault, docs: Iterable[RecordDocument], embed: Embed, identity: str
    ) -> Job[RecordIndex]:
        """Load the stored passages; documents embedded with another model (or never) are
        embedded now, with progress. Returns the index."""
        docs = list(docs)
        found: list[RecordPassage] = []
        blocks: list[np.ndarray] = []
        for i, doc in enumerate(docs):
            try:
                got, vectors = _stored(vault, doc.id, identity)
            except LookupError:
                yield Progress(i, len(docs), "Preparing a document for search")
                embed_document(vault, doc, embed, identity)
                got, vectors = _stored(vault, doc.id, identity)
            found.extend(got)
            if len(got):
                blocks.append(vectors)
        matrix = np.vstack(blocks) if blocks else np.zeros((0, 1), np.float16)
        return cls(found, matrix)

    def __len__(self) -> int:
        return len(self.passages)

    def search(
        self, terms: Sequence[str], vector: Sequence[float], limit: int = 5
    ) -> list[RecordHit]:
        with self._guard:
            if self._closed or not self.passages:
                return []
            return self._search(terms, vector, limit)

    def _search(self, terms: Sequence[str], vector: Sequence[float], limit: int) -> list[RecordHit]:
        query = np.asarray(vector, dtype=np.float32)
        sims = self.matrix @ query
        dense = list(np.argsort(-sims)[:40])
        keyword: list[int] = []
        match = fts_query(terms)
        if match:
            rows = self._db.execute(
                "SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT 40", (match,)
            )
            keyword = [r[0] for r in rows]
        scores: dict[int, float] = {}
        for ranked in (dense, keyword):
            for rank, row in enumerate(ranked, start=1):
                scores[int(row)] = scores.get(int(row), 0.0) + 1.0 / (RRF_K + rank)
        kw = set(keyword)
        best = sorted(scores, key=lambda r: -scores[r])[:limit]
        return [RecordHit(self.passages[r], scores[r], float(sims[r]), r in kw) for r in best]

    def close(self) -> None:
        with self._guard:
            self._closed = True
            self._db.close()
