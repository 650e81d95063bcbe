"""The model host process with the tiny generated GGUF: load, stream, stop, crash, refusal."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop.core.llm.generator import ModelUnavailable
from desktop.core.llm.host import HostCrashed, HostError, ModelHost
from desktop.core.llm.local import open_local
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model

MESSAGES = [
    {"role": "system", "content": "Use only the passages."},
    {"role": "user", "content": "What is ribociclib?"},
]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("tiny") / "tiny.gguf")


@pytest.fixture(scope="module")
def host(model_file: Path):
    h = ModelHost()
    h.load(model_file, 4096, seed=7)
    yield h
    h.close()


def test_streams_tokens_and_reports_stats(host: ModelHost) -> None:
    pieces = list(host.generate(MESSAGES, max_tokens=24))
    assert pieces and all(isinstance(p, str) for p in pieces)
    stats = host.last_stats
    assert stats["reason"] in ("length", "stop")
    assert 0 < stats["completion_tokens"] <= 24
    assert stats["prompt_tokens"] > 10 and "ttft_ms" in stats


def test_second_prompt_reuses_the_cached_prefix(host: ModelHost) -> None:
    list(host.generate(MESSAGES, max_tokens=4))
    other = [MESSAGES[0], {"role": "user", "content": "What is tamoxifen?"}]
    list(host.generate(other, max_tokens=4))
    stats = host.last_stats
    system_tokens, _ = host.count([MESSAGES[0]["content"]], None)
    assert stats["cached_tokens"] >= system_tokens[0]
    assert stats["cached_tokens"] < stats["prompt_tokens"]


def test_cancel_stops_within_200_ms_and_the_model_stays_loaded(host: ModelHost) -> None:
    stream = host.generate(MESSAGES, max_tokens=5000)
    next(stream)
    started = time.perf_counter()
    threading.Timer(0.0, host.cancel).start()
    rest = list(stream)
    elapsed = time.perf_counter() - started
    assert host.last_stats["reason"] == "cancelled"
    assert elapsed < 0.2
    assert len(rest) < 4000
    assert list(host.generate(MESSAGES, max_tokens=3))  # still loaded and serving


def test_closing_the_stream_cancels_and_a_new_one_starts(host: ModelHost) -> None:
    first = host.generate(MESSAGES, max_tokens=5000)
    next(first)
    first.close()
    assert list(host.generate(MESSAGES, max_tokens=3))


def test_count_measures_with_the_models_tokenizer(host: ModelHost) -> None:
    texts, prompt = host.count(["breast cancer", "breast cancer " * 10], MESSAGES)
    assert 0 < texts[0] < texts[1]
    assert prompt > texts[0]


def test_a_crash_is_reported_and_a_new_host_starts(model_file: Path) -> None:
    h = ModelHost()
    try:
        h.load(model_file, 512)
        stream = h.generate(MESSAGES, max_tokens=5000)
        next(stream)
        h.kill()  # stands in for llama.cpp aborting or the OOM killer
        with pytest.raises(HostCrashed, match="stopped by SIGKILL"):
            list(stream)
        assert not h.alive
        with pytest.raises(HostCrashed):
            h.count(["x"])
        h.start()
        h.load(model_file, 512)
        assert list(h.generate(MESSAGES, max_tokens=2))
    finally:
        h.close()


def test_llama_cpp_refusal_is_an_error_not_a_crash(model_file: Path, tmp_path: Path) -> None:
    """Even without the Python checks, a truncated file is refused by the host cleanly."""
    h = ModelHost()
    try:
        h.start()
        bad = truncated_copy(model_file, tmp_path / "cut.gguf")
        with pytest.raises(HostError) as info:
            h.load(bad, 512)
        assert not isinstance(info.value, HostCrashed)
        assert h.alive
    finally:
        h.close()


@pytest.mark.parametrize("maker", [truncated_copy, bad_header_copy])
def test_bad_files_are_refused_before_the_host_sees_them(
    model_file: Path, tmp_path: Path, maker
) -> None:
    bad = maker(model_file, tmp_path / "bad.gguf")
    host = ModelHost()
    with pytest.raises(ModelUnavailable):
        open_local(bad, 512, host=host)
    assert host.pid is None  # never started


def test_open_local_loads_and_labels(model_file: Path) -> None:
    gen = open_local(model_file, 512)
    try:
        assert "on this computer" in gen.label
        assert gen.context_length == 512
        assert list(gen.stream(MESSAGES, max_tokens=3))
        assert gen.last_stats["completion_tokens"] >= 1
    finally:
        gen.close()


def test_a_new_generation_cancels_the_one_still_streaming(host: ModelHost) -> None:
    old = host.generate(MESSAGES, max_tokens=5000)
    next(old)
    new = host.generate(MESSAGES, max_tokens=3)  # a new question while the old one streams
    list(old)
    assert host.last_stats["reason"] == "cancelled"
    assert list(new)
    assert host.last_stats["reason"] == "length"
