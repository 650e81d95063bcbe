"""A fake text generator with queued replies, for engine and window tests (the real model
host is exercised with the tiny GGUF elsewhere)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any


class ScriptedGenerator:
    """Streams each queued reply word by word; ``cancel`` stops it like the model host does."""

    def __init__(
        self, replies: Sequence[str], delay: float = 0.0, context_length: int = 4096
    ) -> None:
        self.replies = list(replies)
        self.delay = delay
        self.context_length = context_length
        self.label = "Scripted model (test)"
        self.last_stats: dict[str, Any] = {}
        self.prompts: list[list[dict[str, str]]] = []
        self.started = threading.Event()
        self._cancel = threading.Event()
        self.closed = False

    def count(
        self, texts: Sequence[str], messages: list[dict[str, str]]
    ) -> tuple[list[int], int]:
        prompt = sum(len(m["content"].split()) * 4 // 3 + 4 for m in messages)
        return [len(t.split()) * 4 // 3 for t in texts], prompt

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, temperature: float = 0.2
    ) -> Iterator[str]:
        self.prompts.append(messages)
        self._cancel.clear()
        reply = self.replies.pop(0) if self.replies else ""
        pieces = reply.split(" ")
        reason = "stop"
        self.started.set()
        for i, piece in enumerate(pieces[:max_tokens]):
            if self._cancel.is_set():
                reason = "cancelled"
                break
            if self.delay:
                time.sleep(self.delay)
            yield piece if i == 0 else " " + piece
        else:
            reason = "length" if len(pieces) > max_tokens else "stop"
        self.last_stats = {"reason": reason, "completion_tokens": len(pieces)}

    def cancel(self) -> None:
        self._cancel.set()

    def close(self) -> None:
        self.closed = True
