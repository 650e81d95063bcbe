"""Shared helpers for the benchmarks: timing, percentiles, a temporary data folder, results."""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
SHARED_EVAL = REPO.parent / "shared" / "eval" / "questions.jsonl"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@contextmanager
def temp_home() -> Iterator[Path]:
    """A fresh LANTERN_HOME for one benchmark."""
    old = os.environ.get("LANTERN_HOME")
    with tempfile.TemporaryDirectory(prefix="lantern-bench-") as tmp:
        os.environ["LANTERN_HOME"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("LANTERN_HOME", None)
            else:
                os.environ["LANTERN_HOME"] = old


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def save(name: str, figures: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(figures, indent=2))


def show(title: str, figures: dict) -> None:
    print(f"\n== {title}")
    for key, value in figures.items():
        if isinstance(value, float):
            value = f"{value:.3f}"
        print(f"  {key}: {value}")
