"""One interface for text generation, whether the model runs in Lantern's own model host or
on a clinic's OpenAI-compatible server, and the one error type its callers catch.

A generator streams the reply to chat messages as text pieces, counts tokens for the prompt
budget, and can be cancelled from any thread. Whatever runs the model, its failures are
``GenerationError`` (``ModelUnavailable`` when no model can be used), so the answer engine
never needs to know the model host or the remote client."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol


class GenerationError(RuntimeError):
    """Generation failed: the model stopped working, or its server went away."""


class ModelUnavailable(GenerationError):
    """No model can be used; the message says why and what to do."""


class TextGenerator(Protocol):
    label: str  # what the answer says produced it, e.g. "Qwen2.5 3B Instruct (on this computer)"
    context_length: int
    last_stats: dict[str, Any]

    def count(
        self, texts: Sequence[str], messages: list[dict[str, str]]
    ) -> tuple[list[int], int]: ...

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, temperature: float = 0.2
    ) -> Iterator[str]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


