"""Warm answer latency (extractive): p50/p95 over the eval's answer questions, in-process,
excluding process start and model load."""

from __future__ import annotations

import json

from bench.common import SHARED_EVAL, Timer, percentile, save, show

N = 20


def run(services) -> dict:
    items = [json.loads(line) for line in SHARED_EVAL.read_text().splitlines() if line.strip()]
    questions = [i["q"] for i in items if i["kind"] == "answer"][:N]
    services.engine.ask("warm up")
    times = []
    for q in questions:
        with Timer() as t:
            services.engine.ask(q)
        times.append(t.seconds * 1000)
    figures = {
        "questions": len(times),
        "p50 ms": percentile(times, 0.5),
        "p95 ms": percentile(times, 0.95),
        "max ms": max(times),
    }
    show("Warm ask latency (extractive, in-process)", figures)
    save("answer_latency", figures)
    return figures
