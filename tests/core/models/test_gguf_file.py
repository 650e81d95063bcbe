"""The bounded GGUF header parser: a good file is described correctly, and every kind of bad
file (truncated, bad magic, absurd tensors, unknown architecture or type, split, embedding,
not a model at all) is refused with one clear sentence naming the file, never a crash."""

from __future__ import annotations

import struct
from pathlib import Path

import gguf
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.core.models.gguf_file import (
    CHAT_ARCHITECTURES,
    EMBEDDING_ARCHITECTURES,
    GGUFError,
    GGUFInfo,
    human_size,
    read_gguf_info,
)
from models.make_tiny_gguf import CHAT_TEMPLATE, PRESETS, vocabulary


def _refused(path: Path, kind: str, *fragments: str, require_chat: bool = True) -> str:
    with pytest.raises(GGUFError) as caught:
        read_gguf_info(path, require_chat=require_chat)
    message = str(caught.value)
    assert caught.value.kind == kind, message
    assert message.startswith(path.name), message
    assert str(path.parent) not in message  # the base name only, never the full path
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message
    return message


def _patch(path: Path, offset: int, data: bytes) -> None:
    raw = bytearray(path.read_bytes())
    raw[offset : offset + len(data)] = data
    path.write_bytes(bytes(raw))


def _dims_offset(path: Path, tensor: str) -> int:
    """Where the first dimension of ``tensor`` is stored in its tensor-info record."""
    raw = path.read_bytes()
    name = tensor.encode()
    at = raw.index(struct.pack("<Q", len(name)) + name)
    return at + 8 + len(name) + 4  # length, name, n_dims (u32)


def test_describes_the_tiny_model(tiny_model: Path) -> None:
    info = read_gguf_info(tiny_model)
    shape = PRESETS["tiny"]
    assert isinstance(info, GGUFInfo)
    assert (info.architecture, info.version, info.name) == ("llama", 3, "lantern-tiny-test-model")
    assert info.file_size == tiny_model.stat().st_size
    assert info.context_length == shape.context
    assert (info.block_count, info.embedding_length) == (shape.layers, shape.embd)
    assert (info.head_count, info.head_count_kv) == (shape.heads, shape.kv_heads)
    assert info.key_length == info.value_length == shape.embd // shape.heads
    assert info.chat_template == CHAT_TEMPLATE
    assert info.vocab_size == len(vocabulary()[0])
    assert info.array_lengths["tokenizer.ggml.tokens"] == info.vocab_size
    assert "tokenizer.ggml.tokens" not in info.metadata  # big arrays are not kept
    assert info.metadata["general.architecture"] == "llama"
    assert not info.embedding_only
    assert "llama" in info.summary() and "4,096-token context" in info.summary()
    # the trusted file agrees with gguf's own reader (never used on untrusted files)
    reader = gguf.GGUFReader(str(tiny_model))
    assert info.tensor_count == len(reader.tensors)
    assert info.parameter_count == sum(int(t.n_elements) for t in reader.tensors)


def test_truncated_copy_is_incomplete(truncated_model: Path) -> None:
    _refused(truncated_model, "truncated", "is incomplete: it ends at", "tensors need", "kB")


def test_cut_inside_the_header(tiny_model: Path, tmp_path: Path) -> None:
    cut = tmp_path / "header-cut.gguf"
    cut.write_bytes(tiny_model.read_bytes()[:2000])
    _refused(cut, "truncated", "inside its header")


def test_bad_magic(bad_header_model: Path) -> None:
    _refused(bad_header_model, "not_gguf", "is not a GGUF model file (it starts with 'GGUX')")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "it is empty"),
        (b"version https://git-lfs.github.com/spec/v1\noid sha256:ab\n", "Git LFS pointer"),
        (b"<!DOCTYPE html><html><body>Sign in</body></html>", "web page"),
        (b"PK\x03\x04" + b"\0" * 40, "ZIP archive"),
        (b"%PDF-1.7\n" + b"\0" * 40, "PDF document"),
        (struct.pack("<Q", 100) + b'{"a": 1}' + b"\0" * 40, "safetensors"),
        (b"\x01\x02\x03\x04", "the bytes 01 02 03 04"),
    ],
)
def test_not_a_model_at_all(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "download.gguf"
    path.write_bytes(content)
    _refused(path, "not_gguf", "is not a GGUF model file", fragment)


def test_unknown_architecture(make_gguf) -> None:
    path = make_gguf("foo.gguf", arch="foo")
    _refused(path, "architecture", "uses the model architecture 'foo'", "cannot run")


def test_embedding_model_is_not_a_chat_model(make_gguf) -> None:
    path = make_gguf("embed.gguf", arch="bert")
    _refused(path, "embedding", "sentence-embedding model ('bert')", "not a chat model")
    assert read_gguf_info(path, require_chat=False).embedding_only


@pytest.mark.parametrize("dim", [0, 2**41])
def test_absurd_tensor_dimensions(make_gguf, dim: int) -> None:
    path = make_gguf()
    _patch(path, _dims_offset(path, "token_embd.weight"), struct.pack("<Q", dim))
    _refused(path, "damaged", "is damaged", "token_embd.weight", "impossible dimensions")


def test_a_grown_tensor_no_longer_fits(make_gguf) -> None:
    path = make_gguf()  # the last tensor claims 1000 times its rows: past the end of the file
    _patch(path, _dims_offset(path, "output.weight") + 8, struct.pack("<Q", 8000))
    _refused(path, "truncated", "tensors need")


def test_a_grown_tensor_overlaps_the_next(make_gguf) -> None:
    path = make_gguf()
    _patch(path, _dims_offset(path, "token_embd.weight") + 8, struct.pack("<Q", 8000))
    _refused(path, "damaged", "is not where the previous one ends")


def test_unknown_tensor_type(make_gguf) -> None:
    path = make_gguf()
    at = _dims_offset(path, "token_embd.weight") + 2 * 8  # after both dims
    _patch(path, at, struct.pack("<I", 99))
    _refused(path, "tensor_type", "ggml type 99", "cannot read")


def test_absurd_counts_in_the_header(tiny_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "counts.gguf"
    path.write_bytes(tiny_model.read_bytes())
    _patch(path, 8, struct.pack("<Q", 2**60))
    _refused(path, "damaged", "claims")


def test_no_tensors(tiny_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    path.write_bytes(tiny_model.read_bytes())
    _patch(path, 8, struct.pack("<Q", 0))
    _refused(path, "damaged", "no model weights")


@pytest.mark.parametrize(
    ("version", "fragment"), [(1, "GGUF version 1"), (7, "GGUF version 7"), (3 << 24, "big-endian")]
)
def test_unsupported_versions(tiny_model: Path, tmp_path: Path, version: int, fragment: str):
    path = tmp_path / "version.gguf"
    path.write_bytes(tiny_model.read_bytes())
    _patch(path, 4, struct.pack("<I", version))
    _refused(path, "version", fragment)


def test_one_part_of_a_split_model(make_gguf) -> None:
    path = make_gguf("part-00001-of-00002.gguf", kv={"split.count": 2})
    _refused(path, "split", "split into 2 files", "one file")


def test_huge_string_is_skipped_not_kept(make_gguf) -> None:
    path = make_gguf(kv={"tokenizer.huggingface.json": "x" * (1 << 21), "note": "kept"})
    info = read_gguf_info(path)
    assert "tokenizer.huggingface.json" not in info.metadata
    assert info.metadata["note"] == "kept"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    _refused(tmp_path / "absent.gguf", "missing", "was not found")
    folder = tmp_path / "folder.gguf"
    folder.mkdir()
    _refused(folder, "missing", "is not a file")


def test_architecture_lists_use_gguf_names() -> None:
    known = set(gguf.MODEL_ARCH_NAMES.values())
    assert known.issuperset(CHAT_ARCHITECTURES | EMBEDDING_ARCHITECTURES)
    assert not CHAT_ARCHITECTURES & EMBEDDING_ARCHITECTURES
    common = {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3", "mistral3", "granite"}
    assert common <= CHAT_ARCHITECTURES
    assert {"clip", "t5"}.isdisjoint(CHAT_ARCHITECTURES)


def test_human_size() -> None:
    assert human_size(512) == "512 bytes"
    assert human_size(659_520) == "660 kB"
    assert human_size(1_234_567) == "1.2 MB"
    assert human_size(3_400_000_000) == "3.4 GB"


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_damaged_bytes_never_crash_the_parser(tiny_model: Path, tmp_path: Path, data) -> None:
    raw = bytearray(tiny_model.read_bytes())
    header_end = raw.index(b"token_embd.weight") + 200  # mutate the header, where parsing is
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(4, header_end))
        raw[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(raw))))
    path = tmp_path / "fuzzed.gguf"
    path.write_bytes(bytes(raw[:cut]))
    try:
        info = read_gguf_info(path)
    except GGUFError as exc:
        assert str(exc).startswith("fuzzed.gguf ") and "\n" not in str(exc)
    else:
        assert info.file_size == len(raw[:cut]) and info.tensor_count > 0


def test_numpy_types_keep_their_sizes(make_gguf) -> None:
    tensors = {"a": np.ones((2, 32), dtype=np.int8), "b": np.ones(3, dtype=np.float64)}
    info = read_gguf_info(make_gguf(tensors=tensors))
    assert (info.tensor_count, info.parameter_count) == (2, 67)
