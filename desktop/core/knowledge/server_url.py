"""The address of a clinic's Chroma server (``chroma_server_url``): what form it may take.

Kept apart from ``chroma_store`` so that settings can check the address without importing
httpx on the way to the window."""

from __future__ import annotations

from urllib.parse import urlsplit


class ServerUrlError(ValueError):
    """The address is not an http:// or https:// address of one host (and optional port)."""


def parse_server_url(url: str) -> tuple[str, int, bool]:
    """(host, port, tls) of a ``chroma_server_url``; ServerUrlError when it is not usable.

    Only an http:// or https:// address of a host (and optional port) is accepted: no path,
    query, user name or password, so the setting names exactly one server to connect to."""
    problem = f"chroma_server_url {url!r} is not an http://HOST:PORT or https://HOST:PORT address"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:  # a port that is not a number or out of range
        raise ServerUrlError(problem) from exc
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ServerUrlError(problem)
    tls = parts.scheme == "https"
    return parts.hostname, port or (443 if tls else 8000), tls
