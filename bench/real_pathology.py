"""Record extraction on real pathology reports: per-field precision and recall.

The reports are 175 de-identified TCGA-BRCA pathology reports (OCR text; Kefeli et al. 2024,
TCGA-Reports, as re-released in PathRep-Bench, Saluja et al., Sci Rep 2025, Apache-2.0) in
``../shared/data/real-pathology-reports`` (or ``LANTERN_REAL_REPORTS``); they are not part of
this repository. Their labels are ours: ``bench/data/real_pathology/dev.jsonl`` (two thirds,
for development) and ``heldout.jsonl`` (a third, chosen by a hash of the barcode before any
labelling, kept apart: scored only with ``--final``, for the final measurement of a change).
Each report was labelled by one reader and checked by a second for ER, PR, HER2, grade and
TNM (README beside the labels).

Scoring, per field: every value the extractor gives for a report is a prediction; it is
correct when it equals the labelled value of the main tumour or of another labelled tumour of
that report (values normalised: percent numbers, HER2 categories, T/N/M categories without
their p/c prefixes). Recall counts the main tumour's labelled value found among the
predictions. A wrong prediction whose evidence overlaps a text the labellers marked as a trap
(a legend, scale, criteria or negated template line) is also counted as a trap error: there
must be none.

``python -m bench.real_pathology [--final] [--show N]``"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import REPO, save, show
from desktop.core.records.extract import extract

LABELS = REPO / "bench" / "data" / "real_pathology"
RECEPTOR_FIELDS = ("er_status", "pr_status", "her2_category")
FIELDS = (
    "er_status",
    "er_percent",
    "pr_status",
    "pr_percent",
    "her2_ihc",
    "her2_ish",
    "her2_category",
    "grade",
    "histology",
    "laterality",
    "pT",
    "pN",
    "stage_group",
)
_TNM_PART = re.compile(r"(?:y?[pc])?(T(?:is|[0-4])[a-d]?|N[0-3][a-c]?(?:\(mi\))?|M[01])", re.I)


def reports_dir() -> Path:
    configured = os.environ.get("LANTERN_REAL_REPORTS")
    if configured:
        return Path(configured)
    return REPO.parent / "shared" / "data" / "real-pathology-reports" / "reports"


def _percent(value: str) -> set[str]:
    return set(re.findall(r"\d+(?:\.\d+)?", value))


def _category(value: str) -> str:
    value = value.lower()
    if value.startswith("equivocal"):
        return "equivocal"
    if value.startswith("negative"):
        return "negative"
    return value


def normalise(name: str, value: str | None) -> str | None:
    """One comparable form of a labelled or extracted value."""
    if value is None:
        return None
    value = value.strip()
    if name in ("er_percent", "pr_percent"):
        numbers = sorted(_percent(value))
        return "/".join(numbers) or None
    if name == "her2_category":
        return _category(value)
    if name in ("pT", "pN"):
        match = _TNM_PART.search(value)
        return match.group(1).upper().replace("(MI)", "(mi)").replace("IS", "is") if match else None
    if name == "stage_group":
        return value.upper().removeprefix("STAGE").strip()
    return value.lower()


def predictions(facts: list) -> dict[str, list[tuple[str, object]]]:
    """Field -> [(normalised value, evidence)], the extractor's TNM split into pT and pN."""
    out: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for fact in facts:
        if fact.field == "tnm":
            for part in _TNM_PART.finditer(fact.value):
                token = part.group(1)
                name = {"T": "pT", "N": "pN"}.get(token[0].upper())
                if name:
                    out[name].append((normalise(name, token), fact.evidence))
            continue
        name = "stage_group" if fact.field == "stage" else fact.field
        if name not in FIELDS:
            continue
        if name == "histology" and "in situ" in fact.value:
            continue  # only the invasive type is labelled
        value = normalise(name, fact.value)
        if value:
            out[name].append((value, fact.evidence))
    return out


@dataclass
class Tally:
    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | int]:
        precision = self.correct / self.predicted if self.predicted else 1.0
        recall = self.found / self.gold if self.gold else 1.0
        return {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "predicted": self.predicted,
            "gold": self.gold,
        }


def _trap_spans(text: str, traps: list[str]) -> list[tuple[int, int]]:
    spans = []
    for trap in traps:
        start = text.find(trap)
        while start >= 0:
            spans.append((start, start + len(trap)))
            start = text.find(trap, start + 1)
    return spans


def score(labels: list[dict], folder: Path) -> tuple[dict[str, Tally], int, list[str]]:
    tallies = {name: Tally() for name in FIELDS}
    trap_errors: list[str] = []
    for label in labels:
        barcode = label["barcode"]
        text = (folder / f"{barcode}.txt").read_text(encoding="utf-8")
        predicted = predictions(extract([("report", [text])]))
        traps = _trap_spans(text, label.get("traps") or [])
        tumours = [label, *(label.get("other_tumours") or [])]
        for name in FIELDS:
            tally = tallies[name]
            allowed = {normalise(name, t.get(name)) for t in tumours} - {None}
            main = normalise(name, label.get(name))
            values = {value for value, _ in predicted.get(name, [])}
            if main == "bilateral":  # each side's tumour named on its own is right too
                allowed |= {"left", "right"}
                if {"left", "right"} <= values:
                    values.add("bilateral")
            for value in values - ({"bilateral"} if main == "bilateral" else set()):
                tally.predicted += 1
                if value in allowed:
                    tally.correct += 1
                    continue
                tally.wrong.append(f"{barcode} {name}: {value} (label {main})")
                for v, ev in predicted[name]:
                    if v == value and any(
                        ev.start < end and start < ev.end for start, end in traps
                    ):
                        trap_errors.append(f"{barcode} {name}: {value} from a legend/criteria")
                        break
            if main is not None:
                tally.gold += 1
                if main in values:
                    tally.found += 1
                else:
                    tally.missed.append(f"{barcode} {name}: label {main}, got {sorted(values)}")
    return tallies, len(labels), trap_errors


def _overall(tallies: dict[str, Tally], names: tuple[str, ...]) -> dict[str, float]:
    predicted = sum(tallies[n].predicted for n in names)
    correct = sum(tallies[n].correct for n in names)
    gold = sum(tallies[n].gold for n in names)
    found = sum(tallies[n].found for n in names)
    return {
        "precision": round(correct / predicted, 3) if predicted else 1.0,
        "recall": round(found / gold, 3) if gold else 1.0,
    }


def load(name: str) -> list[dict]:
    path = Path(os.environ.get("LANTERN_PATHOLOGY_LABELS", LABELS)) / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def run(final: bool = False, show_errors: int = 0) -> dict:
    folder = reports_dir()
    if not folder.is_dir():
        print(f"real pathology reports not found at {folder}; set LANTERN_REAL_REPORTS")
        return {}
    figures: dict = {}
    for split in ("dev", "heldout") if final else ("dev",):
        tallies, reports, traps = score(load(split), folder)
        result = {
            "reports": reports,
            "receptors": _overall(tallies, RECEPTOR_FIELDS),
            "all_fields": _overall(tallies, FIELDS),
            "trap_errors": len(traps),
            "fields": {name: t.figures() for name, t in tallies.items()},
        }
        figures[split] = result
        flat = {
            "reports": reports,
            "receptor status precision": result["receptors"]["precision"],
            "receptor status recall": result["receptors"]["recall"],
            "all fields precision": result["all_fields"]["precision"],
            "all fields recall": result["all_fields"]["recall"],
            "facts from legends/criteria": len(traps),
        }
        for name, t in tallies.items():
            f = t.figures()
            flat[name] = f"P {f['precision']:.2f} R {f['recall']:.2f} ({f['gold']} labelled)"
        show(f"real pathology reports, {split} set", flat)
        if show_errors and split == "dev":  # never print the held-out set's details
            for t in tallies.values():
                for line in (t.wrong + t.missed)[:show_errors]:
                    print("   ", line)
            for line in traps[:show_errors]:
                print("   ", line)
    save("real_pathology", figures)
    return figures


def main(argv: list[str]) -> int:
    show_errors = int(argv[argv.index("--show") + 1]) if "--show" in argv else 0
    run(final="--final" in argv, show_errors=show_errors)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
