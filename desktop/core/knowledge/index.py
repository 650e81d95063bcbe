"""The guideline index: chroma (dense vectors we compute) + SQLite FTS5 (keywords).

``sync`` is a job (``desktop.core.progress``) that yields progress while it brings the index in
line with the packs and returns the number of sections it (re)indexed:
unchanged sections are left alone, changed ones are re-embedded, removed ones deleted, and a
changed embedding model rebuilds everything. Sections are embedded and written to chroma a few
at a time (one chroma write per collection per group: its writes cost more than the rows), and
then each section is committed to SQLite with its digest, so a crash part-way leaves sections
that the next sync simply redoes (their chroma leftovers are deleted first).

With a shared Chroma server (a clinic), each desktop keeps its own keyword store, so a new
desktop has none: it must not wipe the server, and it need not embed what the server already
holds. Every chroma entry carries its section's digest and the embedder/schema tag; a desktop
writes only the sections the server lacks in that exact form, and builds its keyword rows
locally (no model needed for those)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from desktop.core.knowledge.chunking import Unit, parse_unit_id, section_units
from desktop.core.knowledge.keyword import SCHEMA_VERSION, KeywordStore
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.unit_vectors import unit_vectors
from desktop.core.progress import Job, Progress

SECTIONS_PER_PASS = 16  # sections embedded together, so the model's batches stay full
QUOTABLE = ("sentence", "key_point")  # units an extractive answer may quote


class TextEmbedder(Protocol):
    identity: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class DenseHit:
    entry_id: str
    section_key: str
    kind: str
    distance: float


def open_chroma(path: Path):  # -> chromadb.ClientAPI
    """An embedded chroma client with telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


class GuidelineIndex:
    """Dense + keyword index over guideline sections (public material, stored in the clear)."""

    def __init__(self, index_dir: Path, embedder: TextEmbedder, chroma_client=None) -> None:
        self.dir = index_dir
        self.embedder = embedder
        index_dir.mkdir(parents=True, exist_ok=True)
        self.keywords = KeywordStore(index_dir / "keyword.sqlite")
        self.shared = chroma_client is not None  # a clinic's server, used by other desktops too
        self._client = chroma_client or open_chroma(index_dir / "chroma")
        self._open_collections()

    def _open_collections(self) -> None:
        # chroma's default search breadth (ef 10, raised to the 40 results asked for) gave
        # index-to-index differences in the benchmark's MRR (0.849-0.851 for the same pack);
        # 200 makes the search near-exact at this size, for ~2 ms more per search at 100k entries
        # (bench/retrieval_scale.py: p50 15.0 -> 17.0 ms)
        space = {"hnsw:space": "cosine", "hnsw:search_ef": 200, "hnsw:construction_ef": 200}
        self.passages = self._client.get_or_create_collection(
            "guideline-passages", metadata=space, embedding_function=None
        )
        self.sentences = self._client.get_or_create_collection(
            "guideline-sentences", metadata=space, embedding_function=None
        )

    @property
    def _tag(self) -> str:
        return f"{self.embedder.identity}/{SCHEMA_VERSION}"

    def _reset(self) -> None:
        if self.shared:  # other desktops use these collections: entries are replaced by section
            self.keywords.clear()
            return
        for name in ("guideline-passages", "guideline-sentences"):
            # chroma raises NotFoundError for a missing collection (its type varies by version)
            with contextlib.suppress(Exception):
                self._client.delete_collection(name)
        self._open_collections()
        self.keywords.clear()

    def _delete_section(self, key: str) -> None:
        self.passages.delete(where={"section": key})
        self.sentences.delete(where={"section": key})
        self.keywords.remove_section(key)

    def sync(self, sections: Sequence[GuidelineSection]) -> Job[int]:
        """Bring the index in line with ``sections``, yielding progress; returns how many
        sections were (re)indexed."""
        if (
            self.keywords.get_meta("embedder") != self.embedder.identity
            or self.keywords.get_meta("schema") != SCHEMA_VERSION
        ):
            self._reset()
            self.keywords.set_meta("schema", SCHEMA_VERSION)
            self.keywords.set_meta("embedder", self.embedder.identity)
        stored = self.keywords.section_digests()
        current = {s.key: s for s in sections}
        stale = [k for k in stored if k not in current]
        todo = [s for s in sections if stored.get(s.key) != s.digest]
        for key in stale:
            self._delete_section(key)
        total = len(todo)
        if total:
            yield Progress(0, total, f"Indexing {total} guideline sections")
        done = 0
        for start in range(0, total, SECTIONS_PER_PASS):
            chunk = [(s, section_units(s)) for s in todo[start : start + SECTIONS_PER_PASS]]
            missing = self._not_on_server(chunk) if self.shared else chunk
            if missing:
                vectors = unit_vectors(self.embedder, [(s.title, u) for s, u in missing])
                self._write_dense(missing, vectors)
            for section, units in chunk:
                self._write_keywords(section, units)
                done += 1
                yield Progress(done, total, f"Indexed {section.title}")
        return total

    def _not_on_server(
        self, chunk: Sequence[tuple[GuidelineSection, Sequence[Unit]]]
    ) -> list[tuple[GuidelineSection, Sequence[Unit]]]:
        """The sections whose current form (digest, embedder, schema) the shared store lacks."""
        got = self.passages.get(
            where={
                "$and": [
                    {"section": {"$in": [s.key for s, _ in chunk]}},
                    {"tag": self._tag},
                ]
            },
            include=["metadatas"],
        )
        # sentences are written before passages, so a passage entry means the section is whole
        have = {(m["section"], m.get("digest")) for m in got["metadatas"] or []}
        return [(s, units) for s, units in chunk if (s.key, s.digest) not in have]

    def _write_dense(
        self,
        chunk: Sequence[tuple[GuidelineSection, Sequence[Unit]]],
        vectors: dict[str, list[float]],
    ) -> None:
        keys = [section.key for section, _ in chunk]
        leftovers = {"section": {"$in": keys}}  # from a crashed sync
        self.passages.delete(where=leftovers)
        self.sentences.delete(where=leftovers)
        by_kind: dict[bool, list[Unit]] = {True: [], False: []}  # sentences first
        digests = {section.key: section.digest for section, _ in chunk}
        for _, units in chunk:
            for unit in units:
                by_kind[unit.kind in QUOTABLE].append(unit)
        for is_sentence, group in by_kind.items():
            if not group:
                continue
            collection = self.sentences if is_sentence else self.passages
            collection.add(
                ids=[u.id for u in group],
                embeddings=[vectors[u.id] for u in group],
                documents=[u.text for u in group],
                metadatas=[
                    {
                        "section": u.section_key,
                        "kind": u.kind,
                        "position": u.position,
                        "digest": digests[u.section_key],
                        "tag": self._tag,
                    }
                    for u in group
                ],
            )

    def _write_keywords(self, section: GuidelineSection, units: Sequence[Unit]) -> None:
        questions = " ".join(section.questions)
        tags = " ".join(section.tags)
        rows = [
            (u.id, section.title, u.text, tags, questions) for u in units if u.kind == "passage"
        ]
        self.keywords.add_section(section.key, section.digest, rows)

    def dense_search(
        self, vector: Sequence[float], limit: int = 30, sentences: bool = False
    ) -> list[DenseHit]:
        """Nearest passages and questions (or, with ``sentences``, quotable sentences)."""
        collection = self.sentences if sentences else self.passages
        # chroma returns what it has when asked for more (and nothing from an empty
        # collection); counting first cost more than the search itself at 100k entries
        result = collection.query(
            query_embeddings=[list(vector)], n_results=limit, include=["distances"]
        )
        # the unit id names its section and kind: fetching chroma's metadata would cost
        # three times the search itself at 100k entries (bench/retrieval_scale.py)
        return [
            DenseHit(entry_id, *parse_unit_id(entry_id), float(dist))
            for entry_id, dist in zip(result["ids"][0], result["distances"][0], strict=True)
        ]

    def sentence_vectors(self, section_key: str) -> dict[tuple[str, int], list[float]]:
        """(kind, position) -> embedding of each quotable sentence of one section."""
        got = self.sentences.get(
            where={"section": section_key}, include=["embeddings", "metadatas"]
        )
        embeddings = got["embeddings"]
        if embeddings is None:
            return {}
        return {
            (str(meta["kind"]), int(meta["position"])): list(map(float, vec))
            for meta, vec in zip(got["metadatas"], embeddings, strict=True)
        }

    def consistency(self) -> tuple[set[str], set[str]]:
        """Passage ids in chroma and in FTS (they must be equal)."""
        dense = set(self.passages.get(where={"kind": "passage"}, include=[])["ids"])
        return dense, self.keywords.entry_ids()

    def close(self) -> None:
        self.keywords.close()
