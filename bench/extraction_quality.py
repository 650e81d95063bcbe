"""Profile-extraction quality on synthetic records: the generated documents are written as
PDFs, read back through the importer's reader (pypdf, page lines), extracted, and compared
with their gold facts; precision and recall per field and overall (micro-averaged), with
the missed and spurious facts listed (synthetic data, so printing them is fine)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import save
from desktop.core.records.extract import extract
from desktop.core.records.importer import _read
from tests.synthetic_records import scenarios, score, write_pdf


def run() -> dict:
    docs = [d for s in scenarios() for d in s.documents]
    read: list[tuple[str, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="lantern-extraction-") as tmp:
        for i, doc in enumerate(docs):
            path = write_pdf(doc, Path(tmp) / doc.name, compress=i % 2 == 0)
            _, pages = _read(path, path.read_bytes())
            read.append((doc.name, pages))
    facts = extract(read)
    result = score(docs, facts)
    fields = sorted(set(result.gold) | set(result.predicted))
    print(f"\n== Profile extraction on {len(docs)} synthetic documents (targets >= 0.95) ==")
    print(f"{'field':<20}{'gold':>6}{'found':>7}{'pred':>6}{'precision':>11}{'recall':>8}")
    for name in fields:
        print(
            f"{name:<20}{result.gold.get(name, 0):>6}{result.found.get(name, 0):>7}"
            f"{result.predicted.get(name, 0):>6}{result.precision(name):>11.3f}"
            f"{result.recall(name):>8.3f}"
        )
    overall_p, overall_r = result.precision(), result.recall()
    print(
        f"{'overall':<20}{sum(result.gold.values()):>6}{sum(result.found.values()):>7}"
        f"{sum(result.predicted.values()):>6}{overall_p:>11.3f}{overall_r:>8.3f}"
    )
    for doc, name, value in result.missed:
        print(f"  missed:   {doc}: {name} = {value}")
    for doc, name, value in result.spurious:
        print(f"  spurious: {doc}: {name} = {value}")
    figures = {
        "documents": len(docs),
        "gold facts": sum(result.gold.values()),
        "precision": overall_p,
        "recall": overall_r,
        "per field": {
            n: {"precision": result.precision(n), "recall": result.recall(n)} for n in fields
        },
    }
    save("extraction_quality", figures)
    return figures


if __name__ == "__main__":
    run()
