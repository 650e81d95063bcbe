"""A clinic's shared model server: any OpenAI-compatible chat endpoint on the LAN (llama.cpp's
server, llama-cpp-python's server, vLLM, Ollama), behind the same generator interface as the
local model host.

Off by default; only the ``llm_server_url`` setting turns it on. What crosses the network is
the question, the guideline passages and, when a patient is selected, the short profile
summary and record lines placed in the prompt: the settings page says so. Unreachable servers
give one clear sentence, never a traceback."""

from __future__ import annotations

import contextlib
import json
import math
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from desktop.core.llm.generator import ModelUnavailable

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0  # the longest silence while a busy server works through a prompt
# Without the server's tokenizer, a generous estimate: English runs about 4 characters per
# token in common tokenizers; 3 keeps the prompt inside the context with room to spare.
CHARS_PER_TOKEN = 3.0
TEMPLATE_TOKENS_PER_MESSAGE = 8


def check_url(url: str) -> str:
    """The server's base URL without a trailing ``/v1``; a clear error when it is unusable."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ModelUnavailable(
            f"the model server address {url!r} is not an http:// or https:// address"
        )
    base = url.strip().rstrip("/")
    return base[: -len("/v1")] if base.endswith("/v1") else base


class RemoteGenerator:
    """Streams chat completions from an OpenAI-compatible server."""

    def __init__(
        self,
        url: str,
        model: str = "",
        context_length: int = 4096,
        api_key: str = "",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base = check_url(url)
        self.model = model
        self.context_length = context_length
        self.label = f"{model or 'the model'} on the server {urlsplit(self.base).netloc}"
        self.last_stats: dict[str, Any] = {}
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            timeout=httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S),
            headers=headers,
            transport=transport,
            trust_env=False,  # never route through a proxy from the environment
        )
        self._cancel = threading.Event()
        self._response: httpx.Response | None = None

    available = True  # a server that stops answering raises ModelUnavailable per request

    def check(self) -> list[str]:
        """Ask the server which models it serves; raises ModelUnavailable when unreachable."""
        try:
            reply = self._client.get(f"{self.base}/v1/models", timeout=CONNECT_TIMEOUT_S)
            reply.raise_for_status()
            data = reply.json().get("data", [])
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise ModelUnavailable(self._unreachable(exc)) from exc
        names = [str(m.get("id", "")) for m in data if isinstance(m, dict)]
        if not self.model and names:
            self.model = names[0]
            self.label = f"{self.model} on the server {urlsplit(self.base).netloc}"
        return names

    def count(
        self, texts: Sequence[str], messages: list[dict[str, str]]
    ) -> tuple[list[int], int]:
        sizes = [math.ceil(len(t) / CHARS_PER_TOKEN) for t in texts]
        prompt = sum(
            math.ceil(len(m["content"]) / CHARS_PER_TOKEN) + TEMPLATE_TOKENS_PER_MESSAGE
            for m in messages or []
        )
        return sizes, prompt

    def stream(
        self, messages: list[dict[str, str]], max_tokens: int, temperature: float = 0.2
    ) -> Iterator[str]:
        self._cancel.clear()
        self.last_stats = {}
        body = {
            "model": self.model or "default",
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        reason, pieces = "stop", 0
        try:
            with self._client.stream(
                "POST", f"{self.base}/v1/chat/completions", json=body
            ) as response:
                self._response = response
                if response.status_code >= 400:
                    response.read()
                    raise ModelUnavailable(
                        f"the model server at {self.base} refused the request "
                        f"(HTTP {response.status_code}): {response.text[:200]}"
                    )
                for line in response.iter_lines():
                    if self._cancel.is_set():
                        reason = "cancelled"
                        break
                    piece, finish = _parse_event(line)
                    if piece:
                        pieces += 1
                        yield piece
                    if finish:
                        reason = "length" if finish == "length" else "stop"
        except httpx.HTTPError as exc:
            if not self._cancel.is_set():
                raise ModelUnavailable(self._unreachable(exc)) from exc
            reason = "cancelled"
        finally:
            self._response = None
            self.last_stats = {"reason": reason, "completion_tokens": pieces}

    def cancel(self) -> None:
        """Stop reading; closing the connection tells the server to stop generating."""
        self._cancel.set()
        response = self._response
        if response is not None:
            with contextlib.suppress(httpx.HTTPError, RuntimeError, OSError):
                response.close()

    def close(self) -> None:
        self.cancel()
        self._client.close()

    def _unreachable(self, exc: Exception) -> str:
        kind = type(exc).__name__
        return (
            f"the model server at {self.base} cannot be reached ({kind}). Check that it is "
            "running and that this computer is on the clinic network, or clear "
            "llm_server_url in settings to use a model on this computer."
        )


def _parse_event(line: str) -> tuple[str, str | None]:
    """One server-sent-events line: the text piece and the finish reason, if any."""
    if not line.startswith("data:"):
        return "", None
    data = line[5:].strip()
    if not data or data == "[DONE]":
        return "", None
    try:
        event = json.loads(data)
        choice = event["choices"][0]
    except (ValueError, KeyError, IndexError, TypeError):
        return "", None
    delta = choice.get("delta") or {}
    text = delta.get("content") or choice.get("text") or ""
    return str(text), choice.get("finish_reason")
