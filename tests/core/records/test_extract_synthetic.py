"""The synthetic records round trip: written as PDFs (compressed and not), read back through
the importer's reader, extracted, and scored against their gold facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.records.extract import document_info, extract
from desktop.core.records.importer import _read
from tests.synthetic_records import scenarios, score, write_pdf, write_text


@pytest.mark.parametrize("compress", [True, False])
def test_pdf_round_trip_precision_and_recall(tmp_path: Path, compress: bool) -> None:
    docs = [d for s in scenarios() for d in s.documents]
    assert len({d.name.split("-", 1)[1] for d in docs}) >= 8
    read = []
    for doc in docs:
        path = write_pdf(doc, tmp_path / doc.name, compress=compress)
        _, pages = _read(path, path.read_bytes())
        assert len(pages) == len(doc.pages)
        read.append((doc.name, pages))
    facts = extract(read)
    result = score(docs, facts)
    assert sum(result.gold.values()) >= 200
    assert result.precision() >= 0.95, result.spurious
    assert result.recall() >= 0.95, result.missed
    texts = dict(read)
    for f in facts:
        page = texts[f.evidence.document][f.evidence.page - 1]
        assert 0 <= f.evidence.start < f.evidence.end <= len(page)
        assert f.evidence.text in page


def test_text_files_read_the_same(tmp_path: Path) -> None:
    doc = scenarios()[0].documents[0]
    path = write_text(doc, tmp_path / "report.txt")
    kind, pages = _read(path, path.read_bytes())
    assert kind == "text" and len(pages) == len(doc.pages)
    result = score([doc], extract([(doc.name, pages)]))
    assert result.precision() == 1.0 and result.recall() == 1.0


def test_document_kinds_and_dates_of_the_synthetic_records() -> None:
    for scenario in scenarios():
        for doc in scenario.documents:
            info = document_info(doc.pages)
            assert info.date == doc.date, doc.name
            if "fax" not in doc.name:
                assert info.kind == doc.kind, doc.name


def test_gold_is_not_empty_for_any_field() -> None:
    fields = {g.field for s in scenarios() for d in s.documents for g in d.facts}
    assert {"lab", "medication", "dose_change", "gene", "procedure", "metastatic_site"} <= fields
    assert {"menopausal_status", "er_intensity", "her2_category"} <= fields
