"""Index build: full-pack first build, re-open of an unchanged pack, one edited section."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from bench.common import Timer, save, show
from desktop.core.knowledge.index import GuidelineIndex
from desktop.core.knowledge.pack import load_pack
from desktop.core.models.embed import Embedder, embedding_spec
from desktop.core.resources import guidelines_dir


def run() -> dict:
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        root = Path(tmp) / "guidelines" / "breast-cancer"
        shutil.copytree(guidelines_dir() / "breast-cancer", root)
        with Timer() as t:
            embedder = Embedder(embedding_spec())
        figures["embedding model load s"] = t.seconds
        sections = load_pack(root).sections
        figures["sections"] = len(sections)
        with Timer() as t:
            index = GuidelineIndex(Path(tmp) / "index", embedder)
            list(index.sync(sections))
        figures["first build s (target <= 20)"] = t.seconds
        figures["passages + questions in chroma"] = index.passages.count()
        figures["sentences + key points in chroma"] = index.sentences.count()
        index.close()
        with Timer() as t:
            again = GuidelineIndex(Path(tmp) / "index", embedder)
            steps = list(again.sync(load_pack(root).sections))
        figures["unchanged re-open s (target < 1)"] = t.seconds
        figures["unchanged re-open sections re-embedded"] = steps[-1].total if steps else 0
        path = root / "sections" / f"{sections[0].id}.md"
        path.write_text(path.read_text() + "\nOne more sentence added for the benchmark.\n")
        with Timer() as t:
            steps = list(again.sync(load_pack(root).sections))
        figures["one edited section: re-embedded"] = steps[-1].total if steps else 0
        figures["one edited section: sync s"] = t.seconds
        again.close()
        embedder.close()
    show("Index build (full breast-cancer pack)", figures)
    save("index_build", figures)
    return figures


if __name__ == "__main__":
    run()
