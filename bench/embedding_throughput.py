"""Embedding throughput (texts/s and tokens/s) at several batch sizes, on the pack's own
retrieval units; the default batch size in desktop/core/models/embed.py is chosen from this."""

from __future__ import annotations

from bench.common import Timer, save, show
from desktop.core.knowledge.chunking import section_units
from desktop.core.models.embed import Embedder, embedding_spec
from desktop.services import load_sections
from desktop.settings import load_settings

BATCHES = (256, 512, 1024, 2048)
SAMPLE = 600


def run() -> dict:
    _, sections, _ = load_sections(load_settings())
    texts = [u.embedding_text(s.title) for s in sections for u in section_units(s)][:SAMPLE]
    figures: dict = {"texts": len(texts)}
    for batch in BATCHES:
        embedder = Embedder(embedding_spec(), batch_tokens=batch)
        tokens = sum(len(embedder._model.tokenize(t.encode())) for t in texts)
        embedder.embed(texts[:20])  # warm-up
        with Timer() as t:
            embedder.embed(texts)
        figures[f"batch {batch}: texts/s"] = len(texts) / t.seconds
        figures[f"batch {batch}: tokens/s"] = tokens / t.seconds
        embedder.close()
    figures["mean tokens per text"] = tokens / len(texts)
    show("Embedding throughput (all-MiniLM-L6-v2 f16 GGUF, llama.cpp, 2 threads)", figures)
    save("embedding_throughput", figures)
    return figures


if __name__ == "__main__":
    run()
