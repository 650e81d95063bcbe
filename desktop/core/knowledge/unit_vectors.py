"""Vectors for a section's retrieval units, with as few model passes as the embedder allows.

An embedder with ``embed_segmented`` (the real one) embeds each passage once, with the section
title in front, and takes every sentence's vector from that same pass (the mean of the
sentence's own token vectors, which saw the title and the rest of the passage: "late
chunking"). The key points are one more pass per section, the same way. Questions, and any
sentence that could not be matched to a passage, are embedded on their own with their
``embedding_text``. This halves the text the model reads compared with embedding every
sentence separately (bench/index_build.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from desktop.core.knowledge.chunking import Unit
from desktop.core.text import split_sentences

EMBED_BATCH = 64


class Segmented(Protocol):
    whole: list[float]
    parts: list[list[float] | None]


class PlainEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def _groups(
    units: Sequence[Unit], title: str
) -> tuple[list[list[str]], list[tuple[str | None, list[str | None]]]]:
    """Pieces to embed together, and for each group: (unit id of the whole, unit id of each
    piece or None for the title piece and for pieces that are not units)."""
    groups: list[list[str]] = []
    owners: list[tuple[str | None, list[str | None]]] = []
    sentences = [u for u in units if u.kind == "sentence"]
    next_sentence = 0
    for passage in (u for u in units if u.kind == "passage"):
        pieces = [f"{title}."]
        ids: list[str | None] = [None]
        for text in split_sentences(passage.text):
            pieces.append(text)
            if next_sentence < len(sentences) and sentences[next_sentence].text == text:
                ids.append(sentences[next_sentence].id)
                next_sentence += 1
            else:
                ids.append(None)
        groups.append(pieces)
        owners.append((passage.id, ids))
    key_points = [u for u in units if u.kind == "key_point"]
    if key_points:
        groups.append([f"{title}:", *(k.text for k in key_points)])
        owners.append((None, [None, *(k.id for k in key_points)]))
    return groups, owners


def unit_vectors(
    embedder: PlainEmbedder, sections: Sequence[tuple[str, Sequence[Unit]]]
) -> dict[str, list[float]]:
    """Unit id -> vector for the units of several sections ((title, units) pairs)."""
    vectors: dict[str, list[float]] = {}
    segmented = getattr(embedder, "embed_segmented", None)
    if segmented is not None:
        groups: list[list[str]] = []
        owners: list[tuple[str | None, list[str | None]]] = []
        for title, units in sections:
            g, o = _groups(units, title)
            groups += g
            owners += o
        results: list[Segmented] = segmented(groups)
        for (whole_id, part_ids), result in zip(owners, results, strict=True):
            if whole_id is not None:
                vectors[whole_id] = result.whole
            for part_id, vector in zip(part_ids, result.parts, strict=True):
                if part_id is not None and vector is not None:
                    vectors[part_id] = vector
    rest = [(u, title) for title, units in sections for u in units if u.id not in vectors]
    texts = [u.embedding_text(title) for u, title in rest]
    for start in range(0, len(texts), EMBED_BATCH):
        batch = embedder.embed(texts[start : start + EMBED_BATCH])
        for (unit, _), vector in zip(rest[start : start + EMBED_BATCH], batch, strict=True):
            vectors[unit.id] = vector
    return vectors
