"""The local LLM through Lantern's model host versus llama_cpp called directly, in one run with
the same prompt and settings: time to first token and tokens/s (target: overhead <= 5%), Stop
latency over 50 stops (target: p95 <= 200 ms), host start and model load time, and the effect
of reusing the KV cache for the fixed system-prompt prefix.

No real instruct model can be downloaded on this machine, so the model is the project's own
random-weight GGUF in its ``bench`` preset (llama architecture, 8 layers, 512 wide, f16,
about 50 MB). Its per-token cost is far below a 3B model's, which makes the fixed per-token
overhead of the host (a JSON line over a pipe) look larger than it would with a real model."""

from __future__ import annotations

import random
import tempfile
import threading
import time
from pathlib import Path

from bench.common import median, percentile, save, show
from desktop.core.llm.host import ModelHost
from desktop.core.llm.prompt import SYSTEM_RULES
from models.make_tiny_gguf import write_model

N_CTX = 4096
MAX_TOKENS = 128
RUNS = 7
STOPS = 50
QUESTION = (
    "Numbered passages:\n[1] Ribociclib is a CDK4/6 inhibitor taken with hormone therapy. "
    "Blood counts are checked before each cycle because neutrophils often fall. " * 6
    + "\nQuestion: Why are my blood counts checked so often on ribociclib?"
)
MESSAGES = [{"role": "system", "content": SYSTEM_RULES}, {"role": "user", "content": QUESTION}]


def _direct(llm, tokens: list[int]) -> tuple[float, float]:
    """TTFT (ms) and tokens/s calling llama_cpp's own streaming completion."""
    llm.reset()
    started = time.perf_counter()
    first, n = None, 0
    for _ in llm.create_completion(
        tokens, max_tokens=MAX_TOKENS, temperature=0.2, top_p=0.9, top_k=40,
        repeat_penalty=1.1, stream=True,
    ):
        n += 1
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    assert first is not None
    return (first - started) * 1000, (n - 1) / max(end - first, 1e-9)


def _direct_generate(llm, tokens: list[int]) -> tuple[float, float]:
    """The same through llama_cpp's low-level token generator (what the host runs)."""
    llm.reset()
    started = time.perf_counter()
    first, n = None, 0
    generator = llm.generate(tokens, temp=0.2, top_p=0.9, top_k=40, repeat_penalty=1.1)
    for token in generator:
        llm.detokenize([token])
        n += 1
        if first is None:
            first = time.perf_counter()
        if n >= MAX_TOKENS:
            break
    generator.close()
    end = time.perf_counter()
    assert first is not None
    return (first - started) * 1000, (n - 1) / max(end - first, 1e-9)


def _through_host(host: ModelHost) -> tuple[float, float]:
    started = time.perf_counter()
    first, n = None, 0
    for _ in host.generate(MESSAGES, max_tokens=MAX_TOKENS, reset_cache=True):
        if first is None:
            first = time.perf_counter()
    end = time.perf_counter()
    assert first is not None
    n = int(host.last_stats["completion_tokens"])  # pieces may hold several tokens
    return (first - started) * 1000, (n - 1) / max(end - first, 1e-9)


def _stop_latency(host: ModelHost, rng: random.Random) -> list[float]:
    """Time from Stop to the end of the stream, at random moments (some during the prompt)."""
    out: list[float] = []
    for i in range(STOPS):
        stream = host.generate(MESSAGES, max_tokens=N_CTX, reset_cache=i % 5 == 0)
        delay = rng.uniform(0.0, 0.01) if i % 5 == 0 else rng.uniform(0.02, 0.3)
        stopped: list[float] = []

        def stop(marks: list[float] = stopped) -> None:
            marks.append(time.perf_counter())
            host.cancel()

        timer = threading.Timer(delay, stop)
        timer.start()
        for _ in stream:
            pass
        ended = time.perf_counter()
        timer.join()
        if host.last_stats.get("reason") == "cancelled" and stopped:
            out.append((ended - stopped[0]) * 1000)
    return out


def run() -> dict:
    from llama_cpp import Llama

    with tempfile.TemporaryDirectory(prefix="lantern-llm-bench-") as tmp:
        path = write_model(Path(tmp) / "bench.gguf", preset="bench")
        size_mb = path.stat().st_size / 1e6
        starts, loads = [], []
        for _ in range(3):
            host = ModelHost()
            t0 = time.perf_counter()
            host.start()
            starts.append((time.perf_counter() - t0) * 1000)
            t1 = time.perf_counter()
            host.load(path, N_CTX, n_threads=2, seed=1)
            loads.append((time.perf_counter() - t1) * 1000)
            host.close()

        host = ModelHost()
        host.load(path, N_CTX, n_threads=2, seed=1)
        llm = Llama(model_path=str(path), n_ctx=N_CTX, n_threads=2, seed=1, verbose=False)
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = llm.metadata["tokenizer.chat_template"]
        prompt = Jinja2ChatFormatter(template, "</s>", "<s>")(messages=MESSAGES).prompt
        tokens = llm.tokenize(prompt.encode(), add_bos=True, special=True)
        direct, low, hosted = [], [], []
        for _ in range(RUNS):  # alternate, so drift on the machine hits all alike
            direct.append(_direct(llm, tokens))
            low.append(_direct_generate(llm, tokens))
            hosted.append(_through_host(host))
        del llm

        cold, warm = [], []  # a new question after another: system prompt cached or not
        for i in range(RUNS):
            list(host.generate([MESSAGES[0], {"role": "user", "content": f"Q{i}?"}], max_tokens=2))
            asked = [MESSAGES[0], {"role": "user", "content": f"A different question {i}?"}]
            list(host.generate(asked, max_tokens=2))
            warm.append(host.last_stats["ttft_ms"])
            list(host.generate(asked, max_tokens=2, reset_cache=True))
            cold.append(host.last_stats["ttft_ms"])
        stops = _stop_latency(host, random.Random(5))
        host.close()

    c_ttft, c_tps = median([t for t, _ in direct]), median([r for _, r in direct])
    g_ttft, g_tps = median([t for t, _ in low]), median([r for _, r in low])
    h_ttft, h_tps = median([t for t, _ in hosted]), median([r for _, r in hosted])
    d_ttft, d_tps = min(c_ttft, g_ttft), max(c_tps, g_tps)  # the faster direct path
    figures = {
        "model": f"random-weight llama GGUF, bench preset, {size_mb:.0f} MB, n_ctx {N_CTX}",
        "prompt_tokens": len(tokens),
        "host_start_ms_median": median(starts),
        "model_load_ms_median": median(loads),
        "direct_completion_ttft_ms": c_ttft,
        "direct_generate_ttft_ms": g_ttft,
        "lantern_ttft_ms": h_ttft,
        "ttft_overhead_pct": (h_ttft / d_ttft - 1) * 100,
        "direct_completion_tokens_per_s": c_tps,
        "direct_generate_tokens_per_s": g_tps,
        "lantern_tokens_per_s": h_tps,
        "tokens_per_s_overhead_pct": (d_tps / h_tps - 1) * 100,
        "overhead_target_pct": 5.0,
        "new_question_ttft_ms_cold_cache": median(cold),
        "new_question_ttft_ms_system_prefix_reused": median(warm),
        "stops_measured": len(stops),
        "stop_latency_ms_p50": percentile(stops, 0.5),
        "stop_latency_ms_p95": percentile(stops, 0.95),
        "stop_latency_ms_max": max(stops) if stops else float("nan"),
        "stop_target_ms_p95": 200.0,
    }
    show("Local LLM through the model host vs llama_cpp directly", figures)
    save("llm_host", figures)
    return figures


if __name__ == "__main__":
    run()
