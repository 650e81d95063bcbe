"""A clinic's Chroma server as the guideline vector store (``chroma_server_url``; see
docs/clinic.md). Without the setting the store is chroma embedded in the data folder
(``desktop.core.knowledge.index.open_chroma``).

Only guideline material (public text and its vectors) ever goes to the server; records never
do. The SQLite FTS5 keyword store stays on each desktop either way. Telemetry is off. The
server client never takes a proxy from the environment, so the address in the setting is the
only place it connects to, and every request has a bounded connect timeout so a server that
is down gives a clear message instead of a hang."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import httpx

from desktop.core.knowledge.server_url import ServerUrlError, parse_server_url

CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 120.0  # the longest a busy server may take over one request
HEARTBEAT_PATH = "/api/v2/heartbeat"


class ChromaServerUnavailable(RuntimeError):
    """The configured Chroma server cannot be used; the message is one plain sentence."""


class _NoProxyHttpx:
    """Stands in for the ``httpx`` module inside chroma's HTTP client while it is built, so
    its session ignores proxies from the environment and has a bounded connect timeout."""

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx, name)

    @staticmethod
    def Client(**kwargs: Any) -> httpx.Client:
        kwargs["timeout"] = httpx.Timeout(READ_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
        kwargs["trust_env"] = False
        return httpx.Client(**kwargs)


_BUILD_LOCK = threading.Lock()


@contextlib.contextmanager
def _no_proxy_sessions() -> Iterator[None]:
    """chroma's HTTP client module sees ``_NoProxyHttpx`` for the duration (one at a time)."""
    from chromadb.api import fastapi

    with _BUILD_LOCK:
        saved = fastapi.httpx
        fastapi.httpx = _NoProxyHttpx()  # type: ignore[assignment]
        try:
            yield
        finally:
            fastapi.httpx = saved


def _base_url(host: str, port: int, tls: bool) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{'https' if tls else 'http'}://{shown}:{port}"


def check_server(url: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Raise ChromaServerUnavailable unless the server at ``url`` answers its heartbeat."""
    try:
        host, port, tls = parse_server_url(url)
    except ServerUrlError as exc:
        raise ChromaServerUnavailable(str(exc)) from exc
    base = _base_url(host, port, tls)
    try:
        with httpx.Client(timeout=timeout_s, trust_env=False) as client:
            reply = client.get(base + HEARTBEAT_PATH)
            reply.raise_for_status()
            reply.json()
    except (httpx.HTTPError, ValueError) as exc:
        reason = type(exc).__name__
        if isinstance(exc, httpx.HTTPStatusError):
            reason = f"HTTP {exc.response.status_code}"
        raise ChromaServerUnavailable(
            f"the guideline server at {base} is not answering ({reason}); check that it is "
            "running and reachable, or clear chroma_server_url in settings.toml"
        ) from exc


def open_server(url: str):  # -> chromadb.ClientAPI
    """A client of the Chroma server at ``url`` (checked first); ChromaServerUnavailable if not."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    check_server(url)
    host, port, tls = parse_server_url(url)
    settings = ChromaSettings(
        anonymized_telemetry=False,
        allow_reset=False,
        chroma_api_impl="chromadb.api.fastapi.FastAPI",
        chroma_server_host=host,
        chroma_server_http_port=port,
        chroma_server_ssl_enabled=tls,
    )
    try:
        with _no_proxy_sessions():
            client = chromadb.Client(settings)
    except Exception as exc:  # chroma raises its own types, or httpx's, by version
        raise ChromaServerUnavailable(
            f"the guideline server at {_base_url(host, port, tls)} refused the connection "
            f"({type(exc).__name__}); check its version matches chromadb "
            f"{chromadb.__version__} on this computer"
        ) from exc
    session = getattr(getattr(client, "_server", None), "_session", None)
    if not isinstance(session, httpx.Client) or session.timeout.connect != CONNECT_TIMEOUT_S:
        # a chromadb release that builds its session differently: better no server than a
        # client that might follow a proxy from the environment or hang on a dead server
        raise ChromaServerUnavailable(
            f"chromadb {chromadb.__version__} builds its server connection in a way Lantern "
            "does not know; clear chroma_server_url in settings.toml"
        )
    return client
