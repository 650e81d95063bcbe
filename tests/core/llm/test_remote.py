"""The clinic model server path, against ``python -m llama_cpp.server`` serving the tiny model
on 127.0.0.1, and a clear error when the server cannot be reached."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from desktop.core.llm.generator import ModelUnavailable
from desktop.core.llm.remote import RemoteGenerator, check_url
from models.make_tiny_gguf import write_model

MESSAGES = [
    {"role": "system", "content": "Use only the passages."},
    {"role": "user", "content": "What is ribociclib?"},
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    model = write_model(tmp_path_factory.mktemp("served") / "tiny.gguf")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host",
         "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--model_alias", "tiny"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_PROXY": "*"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/v1/models", timeout=1, trust_env=False).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        assert proc.poll() is None, "llama_cpp.server exited"
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start within 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def test_streams_from_the_server(server: str) -> None:
    gen = RemoteGenerator(server + "/v1")
    try:
        assert "tiny" in gen.check()
        assert gen.model == "tiny" and "127.0.0.1" in gen.label
        pieces = list(gen.stream(MESSAGES, max_tokens=12))
        assert len(pieces) >= 2 and all(isinstance(p, str) for p in pieces)
        assert gen.last_stats["reason"] in ("length", "stop")
    finally:
        gen.close()


def test_cancel_ends_the_stream(server: str) -> None:
    gen = RemoteGenerator(server, model="tiny")
    try:
        # bounded: if the server misses the disconnect it still finishes soon (its completion
        # path detokenises the whole text per token, quadratic in max_tokens)
        stream = gen.stream(MESSAGES, max_tokens=300)
        next(stream)
        started = time.perf_counter()
        gen.cancel()
        list(stream)
        assert gen.last_stats["reason"] == "cancelled"
        assert time.perf_counter() - started < 0.5
        assert list(gen.stream(MESSAGES, max_tokens=3))  # the next request is served
    finally:
        gen.close()


def test_unreachable_server_is_one_clear_sentence() -> None:
    gen = RemoteGenerator(f"http://127.0.0.1:{_free_port()}")
    try:
        with pytest.raises(ModelUnavailable, match="cannot be reached"):
            gen.check()
        with pytest.raises(ModelUnavailable, match="cannot be reached"):
            list(gen.stream(MESSAGES, max_tokens=3))
    finally:
        gen.close()


@pytest.mark.parametrize("url", ["", "ftp://x", "localhost:8080", "http://"])
def test_bad_addresses_are_refused(url: str) -> None:
    with pytest.raises(ModelUnavailable, match="not an http"):
        check_url(url)


def test_counts_are_generous_estimates() -> None:
    gen = RemoteGenerator("http://127.0.0.1:9")
    try:
        sizes, prompt = gen.count(["word " * 30], MESSAGES)
        assert sizes[0] >= 40  # 30 words are about 35-40 tokens in common tokenizers
        assert prompt > 10
    finally:
        gen.close()


def test_configuring_connects_to_nothing_until_used(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, addr: attempts.append(addr))
    gen = RemoteGenerator("http://192.0.2.1:8080", model="m")
    gen.count(["x"], MESSAGES)
    gen.close()
    assert attempts == []
