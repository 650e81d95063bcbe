"""Bookkeeping for one ``python -m bench`` run: which steps ran, when, on how loaded a machine
(``bench/out/_run.json``), and repeats of the timing steps (``bench/out/repeats/<step>/``),
which the report takes the median of."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.common import OUT
from bench.report import REPEATS, RUN_FILE, machine


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


class Run:
    def __init__(self, argv: list[str], quick: bool) -> None:
        self.argv, self.quick = argv, quick
        self.steps: list[str] = []
        self.start = time.time()
        self.load_start = _load()

    def step(self, name: str, fn: Callable[[], Any], times: int = 1) -> None:
        """Run a step ``times`` times, keeping each saved output as a repeat."""
        folder = OUT / REPEATS / name
        shutil.rmtree(folder, ignore_errors=True)
        for i in range(times):
            fn()
            if times > 1:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(OUT / f"{name}.json", folder / f"{i + 1}.json")
                print(f"  ({name}: run {i + 1} of {times})", file=sys.stderr)
        self.steps.append(name)

    def finish(self) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        record = {
            "argv": self.argv,
            "quick": self.quick,
            "started": datetime.fromtimestamp(self.start, UTC).isoformat(timespec="seconds"),
            "started_epoch": self.start,
            "seconds": time.time() - self.start,
            "steps": self.steps,
            "load_start": self.load_start,
            "load_end": _load(),
            "machine": machine(),
        }
        (OUT / RUN_FILE).write_text(json.dumps(record, indent=2) + "\n")
