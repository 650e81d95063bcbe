"""Test helpers for records: a deterministic stand-in for the embedding model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


def fake_embed(texts: Sequence[str]) -> list[list[float]]:
    """Bag-of-words hashing vectors: enough to test storage and search plumbing."""
    out = []
    for text in texts:
        vec = np.zeros(64, dtype=np.float32)
        for word in text.lower().split():
            vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = float(np.linalg.norm(vec)) or 1.0
        out.append((vec / norm).tolist())
    return out
