"""Question understanding measured on the outside question set's development half
(``bench/data/outside_questions/dev.jsonl``, labelled by its collectors): accuracy of the
question kind, and of the populations named (each label mapped to the understanding's names;
a question counts as right when the sets are equal). Never reads the held-out half."""

from __future__ import annotations

import json
import re
from collections import Counter

from bench.common import REPO, save, show
from desktop.core.answer.understand import KINDS, understand

DEV = REPO / "bench" / "data" / "outside_questions" / "dev.jsonl"
# label words -> the understanding's population names
_LABELS = {
    "men": "men", "pregnan": "pregnancy", "metastatic": "metastatic", "early": "early",
    "young": "young", "older": "older", "her2-positive": "HER2-positive",
    "her2-low": "HER2-low", "hr-positive": "HR-positive", "triple-negative": "triple-negative",
    "brca": "BRCA", "dcis": "DCIS",
}


def label_populations(label: str | None) -> frozenset[str]:
    """The population names a free-text label stands for."""
    low = (label or "").lower()
    if "off-label" in low:  # "men taking anastrozole off-label": not a breast-cancer population
        return frozenset({"men"})
    return frozenset(
        name for word, name in _LABELS.items() if re.search(rf"\b{re.escape(word)}", low)
    )


def run(path=DEV) -> dict:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r.get("kind") in KINDS]
    kind_right = pop_right = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for r in rows:
        u = understand(r["q"])
        kind_right += u.kind == r["kind"]
        if u.kind != r["kind"]:
            confusion[(r["kind"], u.kind)] += 1
        pop_right += u.populations == label_populations(r.get("population"))
    figures = {
        "questions": len(rows),
        "kind accuracy": kind_right / len(rows),
        "population accuracy": pop_right / len(rows),
        "commonest kind confusions (label->guess)": ", ".join(
            f"{a}->{b} {n}" for (a, b), n in confusion.most_common(5)
        ),
    }
    show("Question understanding (outside dev set)", figures)
    save("question_understanding", figures)
    return figures


if __name__ == "__main__":
    run()
