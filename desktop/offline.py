"""Process-wide offline guard.

Applied before any heavy import (chromadb, onnxruntime, huggingface libraries), so nothing
phones home: telemetry off, hubs offline. Lantern never opens a network connection unless the
user configured one (clinic mode)."""

from __future__ import annotations

import os

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "CHROMA_TELEMETRY": "False",
    "DO_NOT_TRACK": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def apply() -> None:
    """Set the offline environment for this process and its children (idempotent)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
