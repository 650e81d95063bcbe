"""The memory check: weights + KV cache + working buffers against the free memory, refused
with a clear message (tested with injected free-memory figures, never the machine's)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from desktop.core.models import memory
from desktop.core.models.gguf_file import read_gguf_info
from desktop.core.models.memory import (
    ModelTooLargeError,
    available_memory,
    check_memory,
    estimate_memory,
)
from models.make_tiny_gguf import PRESETS


def test_estimate_of_the_tiny_model(tiny_model: Path) -> None:
    info = read_gguf_info(tiny_model)
    shape = PRESETS["tiny"]
    estimate = estimate_memory(info, 1024)
    head_dim = shape.embd // shape.heads
    assert estimate.weights == tiny_model.stat().st_size
    assert estimate.kv_cache == 2 * shape.layers * 1024 * shape.kv_heads * head_dim * 2
    assert estimate.compute > 0 and estimate.runtime > 0
    assert estimate.total == sum(
        (estimate.weights, estimate.kv_cache, estimate.compute, estimate.runtime)
    )
    assert estimate.with_margin > estimate.total


def test_kv_cache_grows_with_context_and_is_capped_by_the_model(tiny_model: Path) -> None:
    info = read_gguf_info(tiny_model)  # trained for 4,096 tokens
    small, large = estimate_memory(info, 1024), estimate_memory(info, 4096)
    assert large.kv_cache == 4 * small.kv_cache
    assert estimate_memory(info, 100_000).n_ctx == 4096


def test_a_real_sized_model_needs_gigabytes(tiny_model: Path) -> None:
    # Qwen2.5 3B's shape (36 layers, 2 KV heads of 128, 151,936 tokens), a 1.93 GB file
    info = dataclasses.replace(
        read_gguf_info(tiny_model),
        name="Qwen2.5 3B Instruct",
        file_size=1_929_903_264,
        context_length=32768,
        block_count=36,
        embedding_length=2048,
        head_count=16,
        head_count_kv=2,
        key_length=128,
        value_length=128,
        vocab_size=151_936,
    )
    estimate = estimate_memory(info, 4096)
    assert estimate.kv_cache == 36 * 4096 * 2 * 256 * 2  # 151 MB
    assert 2.5e9 < estimate.total < 3.5e9
    with pytest.raises(ModelTooLargeError) as caught:
        check_memory(info, 4096, available=1_900_000_000)
    message = str(caught.value)
    assert message.startswith("Qwen2.5 3B Instruct needs about ")
    assert "of memory with 4,096 tokens of context, but only 1.9 GB is free." in message
    assert "Close other programs, choose a smaller model, or lower model_context" in message
    assert check_memory(info, 4096, available=8_000_000_000) == estimate


def test_refused_inside_the_safety_margin(tiny_model: Path) -> None:
    info = read_gguf_info(tiny_model)
    estimate = estimate_memory(info, 2048)
    with pytest.raises(ModelTooLargeError):
        check_memory(info, 2048, available=estimate.total + 1)  # fits, but with no margin
    check_memory(info, 2048, available=estimate.with_margin)


def test_available_memory_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    free = available_memory()
    assert 0 < free < 2**50
    monkeypatch.setattr(memory, "_cgroup_free", lambda: 12345)
    monkeypatch.setattr(memory.sys, "platform", "linux")
    assert available_memory() == 12345


def test_cgroup_limit_is_read(tmp_path: Path) -> None:
    (tmp_path / "memory.max").write_text("1000000000\n")
    (tmp_path / "memory.current").write_text("400000000\n")
    assert memory._cgroup_free(tmp_path) == 600_000_000
    (tmp_path / "memory.max").write_text("max\n")
    assert memory._cgroup_free(tmp_path) is None
    assert memory._cgroup_free(tmp_path / "absent") is None
