"""A factory for small hand-made GGUFs (the tiny model and its broken copies are session
fixtures in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest

MakeGGUF = Callable[..., Path]


def _write_gguf(
    path: Path,
    arch: str = "llama",
    tensors: dict[str, np.ndarray] | None = None,
    kv: dict[str, Any] | None = None,
) -> Path:
    """A small GGUF: ``arch``, a few llama hyperparameters, the given tensors and string/int
    metadata (``kv``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_name(f"test {arch}")
    writer.add_context_length(2048)
    writer.add_embedding_length(64)
    writer.add_block_count(1)
    writer.add_head_count(4)
    writer.add_head_count_kv(4)
    for key, value in (kv or {}).items():
        if isinstance(value, str):
            writer.add_string(key, value)
        else:
            writer.add_uint32(key, value)
    if tensors is None:
        tensors = {
            "token_embd.weight": np.ones((8, 64), dtype=np.float32),
            "output.weight": np.ones((8, 64), dtype=np.float16),
        }
    for name, array in tensors.items():
        writer.add_tensor(name, array)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture
def make_gguf(tmp_path: Path) -> MakeGGUF:
    """``make_gguf(name, arch=..., tensors=..., kv=...)`` writes a GGUF in tmp_path."""

    def make(name: str = "model.gguf", **kwargs: Any) -> Path:
        return _write_gguf(tmp_path / name, **kwargs)

    return make
