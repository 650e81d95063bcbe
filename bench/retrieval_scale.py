"""Query latency at 1k, 10k and 100k chunks: the pack's real index plus synthetic filler
(random unit vectors and generated text), searched with real questions through the full
hybrid path (query embedding, two chroma queries, FTS5, fusion)."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import numpy as np

from bench.common import SHARED_EVAL, Timer, percentile, save, show
from desktop.core.knowledge.index import GuidelineIndex
from desktop.core.knowledge.pack import GuidelineSection
from desktop.core.knowledge.retrieve import Retriever
from desktop.core.knowledge.vocabulary import TERMS
from desktop.core.models.embed import Embedder, embedding_spec

SIZES = (1_000, 10_000, 100_000)
PER_SECTION = 10
BATCH = 5000
QUERIES = 40


def _fill(
    index: GuidelineIndex,
    start: int,
    stop: int,
    rng: random.Random,
    sections: dict[str, GuidelineSection],
) -> None:
    words = [*sorted(TERMS), *"the a of care team patient treatment cell blood".split()]
    dim = index.embedder.dimensions
    gen = np.random.default_rng(start)
    for lo in range(start, stop, BATCH):
        hi = min(stop, lo + BATCH)
        vecs = gen.standard_normal((hi - lo, dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        ids = [f"filler/s{i // PER_SECTION}#p{i % PER_SECTION}" for i in range(lo, hi)]
        texts = [" ".join(rng.choices(words, k=40)) for _ in ids]
        metas = [{"section": i.split("#")[0], "kind": "passage", "position": 0} for i in ids]
        for collection in (index.passages, index.sentences):
            collection.add(ids=ids, embeddings=vecs.tolist(), documents=texts, metadatas=metas)
        by_section: dict[str, list] = {}
        for entry, text in zip(ids, texts, strict=True):
            by_section.setdefault(entry.split("#")[0], []).append((entry, "filler", text, "", ""))
        for key, rows in by_section.items():
            index.keywords.add_section(key, "filler", rows)
            sections[key] = GuidelineSection("filler", key.split("/")[1], "Filler", "filler")


def run(services) -> dict:
    items = [json.loads(line) for line in SHARED_EVAL.read_text().splitlines() if line.strip()]
    questions = [i["q"] for i in items][:QUERIES]
    rng = random.Random(7)
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="lantern-scale-") as tmp:
        embedder = Embedder(embedding_spec())
        index = GuidelineIndex(Path(tmp), embedder)
        sections: dict[str, GuidelineSection] = {}
        have = 0
        for size in SIZES:
            with Timer() as t:
                _fill(index, have, size, rng, sections)
            have = size
            retriever = Retriever(index, sections)
            retriever.search("warm up")
            times = []
            for q in questions:
                with Timer() as tq:
                    retriever.search(q)
                times.append(tq.seconds * 1000)
            figures[f"{size} chunks: p50 ms"] = percentile(times, 0.5)
            figures[f"{size} chunks: p95 ms"] = percentile(times, 0.95)
            figures[f"{size} chunks: filler insert s"] = t.seconds
            retriever.close()
        index.close()
        embedder.close()
    show("Retrieval latency by index size (target: p95 <= 50 ms at 100k)", figures)
    save("retrieval_scale", figures)
    return figures
