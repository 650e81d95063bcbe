"""Question-analysis rates: the triage set (every positive flagged? false alarms?) and, on the
406 retrieval-benchmark questions (none written as cut-off), the truncation false-alarm rate
and how many get an urgent flag (they were not labelled; the flagged ones are listed)."""

from __future__ import annotations

import json

from bench.common import REPO, save, show
from desktop.core.answer.analyze import detect_truncation, detect_urgent


def run(services) -> dict:
    cases = [
        json.loads(line)
        for line in (REPO / "tests" / "data" / "triage_cases.jsonl").read_text().splitlines()
        if line
    ]
    pos = [c for c in cases if c["urgent"]]
    neg = [c for c in cases if not c["urgent"]]
    questions = [
        json.loads(line)["q"]
        for path in sorted((REPO / "bench" / "retrieval").glob("questions_*.jsonl"))
        for line in path.read_text().splitlines()
        if line
    ]
    vocab = services.engine.vocabulary()
    truncated = [q for q in questions if detect_truncation(q, vocab)]
    urgent = [q for q in questions if detect_urgent(q)]
    figures = {
        "triage positives flagged": sum(detect_urgent(c["text"]) is not None for c in pos)
        / len(pos),
        "triage false alarms": sum(detect_urgent(c["text"]) is not None for c in neg) / len(neg),
        "triage cases": len(cases),
        "benchmark questions": len(questions),
        "benchmark truncation false alarms": len(truncated) / len(questions),
        "benchmark questions flagged urgent": len(urgent),
    }
    show(
        "Question analysis rates (targets: all positives, <= 3% false alarms; <= 2% cut-off "
        "false alarms)",
        figures,
    )
    for q in urgent:
        print("  urgent:", q)
    save("analysis_rates", figures)
    return figures
