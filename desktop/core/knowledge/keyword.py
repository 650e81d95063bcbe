"""Keyword search with SQLite FTS5 (BM25), plus the index's bookkeeping tables.

User text never reaches FTS5's query syntax: every term is quoted, so input such as
``"NEAR(``, ``*`` or ``AND OR`` is searched as words and never raises.

BM25 scores every row that matches, so a large index (imported guideline PDFs, a clinic's
store) would make an OR of common words slow. The search keeps a postings budget: it counts
each term's matches (stopping at the budget), keeps the rarest terms whose matches fit, and
when even the rarest term is too common, narrows with an AND of the rarest terms. Dropped
terms are the common ones, which add least to BM25. The breast-cancer pack alone is far under
the budget, so every term is used there."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path

from desktop.core.text import STOPWORDS, fts_all, fts_query, words

SCHEMA_VERSION = "5"  # 4: late-chunked sentence vectors; 5: wider HNSW search
# BM25 column weights: title, body, tags, questions
_WEIGHTS = (4.0, 1.0, 3.0, 2.0)
# rows BM25 may score per search (bench/retrieval_scale.py: p95 at 100k chunks)
POSTINGS_BUDGET = 3000


def query_terms(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and len(w) > 1]


class KeywordStore:
    """The FTS5 table and the section/entry bookkeeping, in one SQLite file."""

    def __init__(self, path: Path, budget: int = POSTINGS_BUDGET) -> None:
        self.budget = budget
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        with self.db:
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            self.db.execute(
                "CREATE TABLE IF NOT EXISTS sections (key TEXT PRIMARY KEY, digest TEXT NOT NULL)"
            )
            self.db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS passages USING fts5("
                "entry_id UNINDEXED, section_key UNINDEXED, title, body, tags, questions, "
                "tokenize='porter unicode61')"
            )

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def section_digests(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, digest FROM sections"))

    def entry_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT entry_id FROM passages")}

    def clear(self) -> None:
        with self.db:
            self.db.execute("DELETE FROM passages")
            self.db.execute("DELETE FROM sections")

    def remove_section(self, key: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM passages WHERE section_key=?", (key,))
            self.db.execute("DELETE FROM sections WHERE key=?", (key,))

    def add_section(
        self, key: str, digest: str, rows: list[tuple[str, str, str, str, str]]
    ) -> None:
        """Rows are (entry_id, title, body, tags, questions); committed with the digest."""
        with self.db:
            self.db.execute("DELETE FROM passages WHERE section_key=?", (key,))
            self.db.executemany(
                "INSERT INTO passages (entry_id, section_key, title, body, tags, questions) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(r[0], key, r[1], r[2], r[3], r[4]) for r in rows],
            )
            self.db.execute("INSERT OR REPLACE INTO sections VALUES (?, ?)", (key, digest))

    def search(self, terms: Iterable[str], limit: int = 30) -> list[tuple[str, str, float]]:
        """(entry_id, section_key, bm25 score; lower is better), best first."""
        try:
            expression = self._plan(list(terms), self.budget)
            if not expression:
                return []
            rows = self.db.execute(
                "SELECT entry_id, section_key, bm25(passages, 0, 0, ?, ?, ?, ?) AS score "
                "FROM passages WHERE passages MATCH ? ORDER BY score LIMIT ?",
                (*_WEIGHTS, expression, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []  # an expression FTS5 still refuses: treat as no keyword hits
        return [(r[0], r[1], float(r[2])) for r in rows]

    def _matches(self, expression: str, cap: int) -> int:
        """How many rows match, counting no further than ``cap`` (0 if FTS5 refuses it)."""
        try:
            row = self.db.execute(
                "SELECT count(*) FROM (SELECT rowid FROM passages WHERE passages MATCH ? LIMIT ?)",
                (expression, cap),
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def _plan(self, terms: list[str], budget: int) -> str:
        """The MATCH expression within the postings budget (see the module docstring)."""
        distinct = [t for t in dict.fromkeys(terms) if fts_query([t])]
        if len(distinct) <= 1:
            return fts_query(distinct)
        counted = sorted(
            (self._matches(fts_query([t]), budget + 1), i, t) for i, t in enumerate(distinct)
        )
        present = [(n, t) for n, _, t in counted if n]
        kept: list[str] = []
        total = 0
        for n, term in present:
            if kept and total + n > budget:
                break
            kept.append(term)
            total += n
        if total <= budget or len(present) < 2:
            return fts_query(kept)
        core = [present[0][1]]  # the rarest term alone is over budget: narrow with AND
        for _, term in present[1:]:
            found = self._matches(fts_all([*core, term]), budget + 1)
            if not found:
                break
            core.append(term)
            if found <= budget:
                break
        return fts_all(core)

    def close(self) -> None:
        self.db.close()
