"""A GGUF chat model run in Lantern's own model host process: ``open_local`` checks the file
in Python (header, metadata, memory) before the host ever sees it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.llm.generator import ModelUnavailable
from desktop.core.llm.host import HostCrashed, HostError, ModelHost


@dataclass
class LocalGenerator:
    """A GGUF model loaded in the model host process."""

    host: ModelHost
    path: Path
    label: str
    context_length: int
    last_stats: dict[str, Any] = field(default_factory=dict)

    def count(
        self, texts: Sequence[str], messages: list[dict[str, str]]
    ) -> tuple[list[int], int]:
        return self.host.count(texts, messages)

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, temperature: float = 0.2
    ) -> Iterator[str]:
        """The request goes to the host at once, so ``cancel`` reaches it from now on."""
        return self._follow(
            self.host.generate(messages, max_tokens=max_tokens, temperature=temperature)
        )

    def _follow(self, pieces: Iterator[str]) -> Iterator[str]:
        try:
            yield from pieces
        finally:
            if hasattr(pieces, "close"):
                pieces.close()
            self.last_stats = dict(self.host.last_stats)

    def cancel(self) -> None:
        self.host.cancel()

    @property
    def available(self) -> bool:
        """False once the model host process has died."""
        return self.host.alive

    def close(self) -> None:
        self.host.close()


def check_model_file(path: Path, n_ctx: int) -> Any:
    """Header, metadata and memory checks in Python; returns the GGUF info.

    Raises ModelUnavailable with a one-sentence reason."""
    from desktop.core.models.gguf_file import GGUFError, read_gguf_info
    from desktop.core.models.memory import ModelTooLargeError, check_memory

    if not path.is_file():
        raise ModelUnavailable(f"the model file {path.name} was not found")
    try:
        info = read_gguf_info(path)
        check_memory(info, n_ctx)
    except (GGUFError, ModelTooLargeError) as exc:
        raise ModelUnavailable(str(exc)) from exc
    return info


def open_local(
    path: Path,
    n_ctx: int,
    *,
    label: str = "",
    host: ModelHost | None = None,
    n_threads: int | None = None,
    seed: int | None = None,
) -> LocalGenerator:
    """Check ``path``, start a model host and load the model in it."""
    info = check_model_file(path, n_ctx)
    n_ctx = min(n_ctx, int(getattr(info, "context_length", 0) or n_ctx))
    host = host or ModelHost()
    try:
        loaded = host.load(path, n_ctx, n_threads=n_threads, seed=seed)
    except HostCrashed:
        host.close()
        raise
    except HostError as exc:
        host.close()
        raise ModelUnavailable(f"the model {path.name} could not be loaded: {exc}") from exc
    name = label or str(getattr(info, "name", "") or "") or path.stem
    return LocalGenerator(host, path, f"{name} (on this computer)", int(loaded["n_ctx"]))
