"""Retrieval benchmark: recall@1/3/5 and MRR for dense-only, keyword-only and hybrid retrieval
over the questions in bench/retrieval/ (written for the benchmark, with gold section ids)."""

from __future__ import annotations

import json
from collections.abc import Callable

from bench.common import REPO, save, show

QUESTIONS = REPO / "bench" / "retrieval"


def load_questions(pack_id: str, known: set[str]) -> list[tuple[str, set[str]]]:
    out = []
    for path in sorted(QUESTIONS.glob("questions_*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            gold = {f"{pack_id}/{g}" for g in item["gold"]}
            if gold & known:
                out.append((item["q"], gold & known))
    return out


def rank_figures(
    questions: list[tuple[str, set[str]]], ranked: Callable[[str], list[str]]
) -> dict[str, float]:
    """Recall@1/3/5 and MRR of ``ranked`` (a question -> section keys, best first)."""
    hits_at = {1: 0, 3: 0, 5: 0}
    rr = 0.0
    for q, gold in questions:
        keys = ranked(q)
        rank = next((i + 1 for i, k in enumerate(keys) if k in gold), None)
        for k in hits_at:
            hits_at[k] += int(rank is not None and rank <= k)
        rr += 1.0 / rank if rank else 0.0
    n = len(questions)
    return {**{f"recall@{k}": v / n for k, v in hits_at.items()}, "MRR": rr / n}


def evaluate(retriever, questions: list[tuple[str, set[str]]], mode: str) -> dict[str, float]:
    return rank_figures(
        questions, lambda q: [h.section.key for h in retriever.search(q, limit=10, mode=mode).hits]
    )


def run(services) -> dict:
    known = set(services.retriever.sections)
    pack_id = services.packs[0].id
    questions = load_questions(pack_id, known)
    figures: dict = {"questions": len(questions)}
    for mode in ("dense", "keyword", "hybrid"):
        for name, value in evaluate(services.retriever, questions, mode).items():
            figures[f"{mode} {name}"] = value
    show("Retrieval quality (targets: hybrid recall@5 >= 0.95, MRR >= 0.85)", figures)
    save("retrieval_quality", figures)
    return figures


if __name__ == "__main__":
    import os
    import tempfile

    from desktop import offline

    offline.apply()
    from desktop.services import build_services
    from desktop.settings import load_settings

    home = os.environ.get("LANTERN_HOME") or tempfile.mkdtemp(prefix="lantern-bench-")
    svc = build_services(load_settings({"LANTERN_HOME": home}))
    run(svc)
    svc.close()
