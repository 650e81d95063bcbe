"""Re-ranking ablation: the retrieval benchmark's questions (bench/retrieval/, gold sections)
ranked by fusion alone, by fusion with the re-ranker, and with each re-ranking feature left
out, so each stage's effect is shown. The focus of each question comes from
``answer.understand`` as the engine builds it (no patient)."""

from __future__ import annotations

from bench.common import save, show
from bench.retrieval_quality import load_questions, rank_figures
from desktop.core.answer.understand import understand
from desktop.core.knowledge.rerank import ALL_FEATURES, FEATURES, Focus
from desktop.core.text import fold


def _evaluate(retriever, questions, features) -> dict[str, float]:
    def ranked(q: str) -> list[str]:
        focus = None
        if features is not None:
            u = understand(q)
            focus = Focus(u.kind, u.populations, frozenset(), u.generic, fold(q), features)
        return [h.section.key for h in retriever.search(q, limit=10, focus=focus).hits]

    figures = rank_figures(questions, ranked)
    return {k: figures[k] for k in ("recall@1", "recall@5", "MRR")}


def run(services) -> dict:
    known = set(services.retriever.sections)
    questions = load_questions(services.packs[0].id, known)
    variants: dict[str, frozenset[str] | None] = {"fusion only": None, "fusion + re-rank": FEATURES}
    for feature in sorted(FEATURES):
        variants[f"re-rank without {feature}"] = FEATURES - {feature}
    variants["re-rank with situation (off by default)"] = ALL_FEATURES
    figures: dict = {"questions": len(questions)}
    for name, features in variants.items():
        for metric, value in _evaluate(services.retriever, questions, features).items():
            figures[f"{name} {metric}"] = value
    show("Re-ranking ablation (retrieval benchmark questions)", figures)
    save("rerank_ablation", figures)
    return figures
