"""The guideline index: first build, reuse, incremental re-index, consistency, model change."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.embed import Embedder, embedding_spec
from desktop.core.knowledge.index import GuidelineIndex, Progress
from desktop.core.knowledge.pack import load_pack
from tests.packs import section_text, write_pack

SECTIONS = {
    "neutropenia": ("Low neutrophil counts", "neutropenia"),
    "lymphedema": ("Arm swelling after surgery", "lymphedema"),
    "tamoxifen": ("Tamoxifen hormone therapy", "tamoxifen"),
}


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(embedding_spec())


class RenamedEmbedder:
    """The same model under another identity: the index must rebuild."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.identity = inner.identity + "-other"

    def embed(self, texts):
        return self.inner.embed(texts)


def _sync(index: GuidelineIndex, root: Path) -> list[Progress]:
    return list(index.sync(load_pack(root).sections))


def test_build_reuse_and_incremental(tmp_path: Path, embedder: Embedder) -> None:
    root = write_pack(tmp_path / "g", SECTIONS)
    index = GuidelineIndex(tmp_path / "idx", embedder)
    first = _sync(index, root)
    assert first[-1].done == first[-1].total == 3
    dense, keyword = index.consistency()
    assert dense == keyword and len(dense) >= 3

    assert _sync(index, root) == []  # unchanged: nothing to do

    path = root / "sections" / "tamoxifen.md"
    path.write_text(
        section_text(
            "tamoxifen",
            "Tamoxifen and blood clots",
            "tamoxifen",
            body="Tamoxifen can raise the risk of blood clots. " * 12,
        )
    )
    changed = _sync(index, root)
    assert changed[-1].total == 1 and "blood clots" in changed[-1].message
    hits = index.keywords.search(["clots"])
    assert {h[1] for h in hits} == {"mini/tamoxifen"}

    (root / "sections" / "lymphedema.md").unlink()
    assert _sync(index, root) == []
    dense, keyword = index.consistency()
    assert dense == keyword
    assert not any(i.startswith("mini/lymphedema") for i in dense)
    index.close()


def test_reopen_keeps_the_index(tmp_path: Path, embedder: Embedder) -> None:
    root = write_pack(tmp_path / "g", SECTIONS)
    index = GuidelineIndex(tmp_path / "idx", embedder)
    _sync(index, root)
    index.close()
    again = GuidelineIndex(tmp_path / "idx", embedder)
    assert _sync(again, root) == []
    assert again.dense_search(embedder.embed_one("swollen arm"), 3)[0].section_key == (
        "mini/lymphedema"
    )
    again.close()


def test_changed_model_rebuilds(tmp_path: Path, embedder: Embedder) -> None:
    root = write_pack(tmp_path / "g", SECTIONS)
    index = GuidelineIndex(tmp_path / "idx", embedder)
    _sync(index, root)
    index.close()
    other = GuidelineIndex(tmp_path / "idx", RenamedEmbedder(embedder))
    rebuilt = _sync(other, root)
    assert rebuilt[-1].total == 3
    dense, keyword = other.consistency()
    assert dense == keyword
    other.close()
