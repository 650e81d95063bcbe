"""A plain-numpy BERT forward pass (MiniLM) used to check llama.cpp's embeddings in tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.prepare_embedding import read_safetensors


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _gelu(x: np.ndarray) -> np.ndarray:
    from math import erf

    return 0.5 * x * (1.0 + np.vectorize(erf)(x / np.sqrt(2.0)))


def reference_embedding(model_dir: Path, token_ids: list[int]) -> np.ndarray:
    """Mean-pooled, normalised sentence embedding for one token sequence (with CLS/SEP)."""
    cfg = json.loads((model_dir / "config.json").read_text())
    t = {
        k.removeprefix("bert."): v.astype(np.float64)
        for k, v in read_safetensors(model_dir / "model.safetensors").items()
    }
    eps = cfg["layer_norm_eps"]
    heads = cfg["num_attention_heads"]
    n = len(token_ids)
    x = (
        t["embeddings.word_embeddings.weight"][token_ids]
        + t["embeddings.position_embeddings.weight"][:n]
        + t["embeddings.token_type_embeddings.weight"][0]
    )
    x = _layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], eps)
    d = x.shape[1] // heads
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."

        def lin(name: str, v: np.ndarray, p: str = p) -> np.ndarray:
            return v @ t[p + name + ".weight"].T + t[p + name + ".bias"]

        q = lin("attention.self.query", x).reshape(n, heads, d).transpose(1, 0, 2)
        k = lin("attention.self.key", x).reshape(n, heads, d).transpose(1, 0, 2)
        v = lin("attention.self.value", x).reshape(n, heads, d).transpose(1, 0, 2)
        att = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(1, 0, 2).reshape(n, -1)
        x = _layer_norm(
            x + lin("attention.output.dense", ctx),
            t[p + "attention.output.LayerNorm.weight"],
            t[p + "attention.output.LayerNorm.bias"],
            eps,
        )
        h = _gelu(lin("intermediate.dense", x))
        x = _layer_norm(
            x + lin("output.dense", h),
            t[p + "output.LayerNorm.weight"],
            t[p + "output.LayerNorm.bias"],
            eps,
        )
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)
