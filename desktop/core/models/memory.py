"""Will a model fit in memory? Estimate what loading a GGUF needs and refuse clearly if not.

llama.cpp does not fail politely when memory runs out: the machine swaps until it is unusable,
or the kernel kills the process. So before loading, the model's needs (weights, KV cache for
the chosen context, working buffers) are compared with the memory that is free now, with a
safety margin, and a model that will not fit is refused with a message saying what to do."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from desktop.core.models.gguf_file import GGUFInfo, human_size

F16_BYTES = 2  # llama.cpp's default KV cache type is f16
UBATCH_TOKENS = 512  # llama.cpp's default micro-batch: the largest batch a compute pass sees
RUNTIME_BYTES = 200_000_000  # the model host process: Python, llama.cpp, threads, tokenizer
SAFETY_FRACTION = 0.10  # refuse unless 10% of the need (at least 300 MB) would still be free
SAFETY_MIN_BYTES = 300_000_000


class ModelTooLargeError(RuntimeError):
    """The model needs more memory than is free; the message says what to do."""


@dataclass(frozen=True)
class MemoryEstimate:
    weights: int
    kv_cache: int
    compute: int
    runtime: int
    n_ctx: int

    @property
    def total(self) -> int:
        return self.weights + self.kv_cache + self.compute + self.runtime

    @property
    def with_margin(self) -> int:
        """What must be free to load safely: the total plus the safety margin."""
        return self.total + max(int(self.total * SAFETY_FRACTION), SAFETY_MIN_BYTES)


def _cgroup_free(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Memory left under a Linux cgroup v2 limit (containers), or None when unlimited."""
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return max(0, int(limit) - int((root / "memory.current").read_text().strip()))
    except (OSError, ValueError):
        return None


def available_memory() -> int:
    """Bytes of memory that can be used now without swapping (and within a container limit)."""
    import psutil

    free = int(psutil.virtual_memory().available)
    if sys.platform.startswith("linux"):
        limited = _cgroup_free()
        if limited is not None:
            free = min(free, limited)
    return free


def effective_context(info: GGUFInfo, n_ctx: int) -> int:
    """The context the model is loaded with: the setting, capped at what the model was
    trained for (the loader caps it the same way)."""
    return min(n_ctx, info.context_length) if info.context_length > 0 else n_ctx


def estimate_memory(info: GGUFInfo, n_ctx: int) -> MemoryEstimate:
    """What loading ``info``'s model with ``n_ctx`` tokens of context needs, in bytes."""
    n_ctx = effective_context(info, n_ctx)
    heads = info.head_count or 1
    head_kv = info.head_count_kv or heads
    key_len = info.key_length or (info.embedding_length // heads)
    value_len = info.value_length or (info.embedding_length // heads)
    # K and V for every layer and every position, f16. Sliding-window layers (Gemma) and
    # recurrent models need less; counting them in full errs on the side of refusing.
    kv_cache = info.block_count * n_ctx * head_kv * (key_len + value_len) * F16_BYTES
    # Working buffers for one micro-batch of 512 tokens, f32: the logits over the vocabulary,
    # the attention scores of every head against the whole context (x1.25 for the softmax
    # and masks), and a few activations of the embedding and feed-forward widths. Measured
    # against the compute buffer the bundled llama.cpp reports for the generated test models
    # (tiny and bench presets at 512 to 4,096 tokens), this is 0-30% above it, never below.
    ff = info.metadata.get(f"{info.architecture}.feed_forward_length", 0)
    ff = ff if isinstance(ff, int) and not isinstance(ff, bool) else 0
    widths = info.vocab_size + n_ctx * heads * 5 // 4 + 4 * info.embedding_length + 2 * ff
    compute = UBATCH_TOKENS * 4 * widths
    return MemoryEstimate(
        # the weights are memory-mapped: the whole file is read into memory as it is used
        weights=info.file_size,
        kv_cache=kv_cache,
        compute=compute,
        runtime=RUNTIME_BYTES,
        n_ctx=n_ctx,
    )


def check_memory(info: GGUFInfo, n_ctx: int, available: int | None = None) -> MemoryEstimate:
    """Refuse (ModelTooLargeError) a model that would not fit in the free memory.

    ``available`` is the free memory in bytes (measured now when None). Returns the estimate
    when the model fits."""
    estimate = estimate_memory(info, n_ctx)
    free = available_memory() if available is None else available
    if estimate.with_margin > free:
        raise ModelTooLargeError(
            f"{info.name} needs about {human_size(estimate.with_margin)} of memory with "
            f"{estimate.n_ctx:,} tokens of context, but only {human_size(free)} is free. "
            "Close other programs, choose a smaller model, or lower model_context in settings."
        )
    return estimate
