"""The guideline index: first build, reuse, incremental re-index, consistency, model change."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.knowledge.index import GuidelineIndex, Progress
from desktop.core.knowledge.pack import load_pack
from desktop.core.models.embed import Embedder, embedding_spec
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


class CountingEmbedder:
    """Counts the texts embedded (segmented passes included)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.identity = inner.identity
        self.texts = 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)

    def embed_segmented(self, groups):
        self.texts += len(groups)
        return self.inner.embed_segmented(groups)


def test_a_shared_store_is_not_wiped_or_re_embedded_by_a_new_desktop(
    tmp_path: Path, embedder: Embedder
) -> None:
    from desktop.core.knowledge.index import open_chroma

    root = write_pack(tmp_path / "g", SECTIONS)
    server = open_chroma(tmp_path / "server")  # stands in for a clinic's Chroma server
    first = CountingEmbedder(embedder)
    desk_a = GuidelineIndex(tmp_path / "a", first, chroma_client=server)
    _sync(desk_a, root)
    assert first.texts > 0
    entries = desk_a.passages.count() + desk_a.sentences.count()

    second = CountingEmbedder(embedder)
    desk_b = GuidelineIndex(tmp_path / "b", second, chroma_client=server)
    progress = _sync(desk_b, root)
    assert progress[-1].done == 3  # its own keyword rows are built
    assert second.texts == 0  # nothing embedded: the server had every section
    assert desk_b.passages.count() + desk_b.sentences.count() == entries
    dense, keyword = desk_b.consistency()
    assert dense == keyword
    hit = desk_a.dense_search(embedder.embed_one("swollen arm"), 3)[0]
    assert hit.section_key.endswith("lymphedema")  # desktop A still finds it

    path = root / "sections" / "tamoxifen.md"
    path.write_text(section_text("tamoxifen", "Tamoxifen and clots", "tamoxifen"))
    _sync(desk_b, root)
    assert second.texts > 0  # the changed section is embedded once, by whoever sees it first
    before = second.texts
    third = CountingEmbedder(embedder)
    _sync(GuidelineIndex(tmp_path / "c", third, chroma_client=server), root)
    assert third.texts == 0 and second.texts == before
