"""Profile extraction from record text: rules and vocabularies, not a model.

Each fact carries its evidence (document, page, the exact source span with offsets), so the
window can show where it came from. The extractors live in small modules beside this one:
tumour biomarkers (``extract_biomarkers``) and pathology (``extract_pathology``), metastatic
sites, menopausal status and procedures (``extract_clinical``), gene results
(``extract_genes``), medications and dose changes (``extract_meds``) and lab values
(``extract_labs``). Each reads a ``facts.Page``. A fact's date is the
row's or sentence's date when one is written, else the document's date
(``documents.document_info``)."""

from __future__ import annotations

from collections.abc import Iterable

from desktop.core.records.dates import document_day_first, document_order
from desktop.core.records.documents import DocumentInfo, document_info
from desktop.core.records.extract_biomarkers import her2_category
from desktop.core.records.extract_clinical import menopausal_status, metastatic_sites, procedures
from desktop.core.records.extract_genes import genes
from desktop.core.records.extract_labs import labs
from desktop.core.records.extract_meds import dose_changes, medications
from desktop.core.records.extract_pathology import extract_pathology
from desktop.core.records.facts import Evidence, Fact, Page, soft_join
from desktop.core.records.med_events import holds_and_restarts

__all__ = [
    "DocumentInfo",
    "Evidence",
    "Fact",
    "document_info",
    "extract",
    "extract_page",
    "her2_category",
]


def extract_page(doc: str, page: int, text: str, doc_date: str | None = None) -> list[Fact]:
    """Every fact on one page; ``doc_date`` is used where a fact has no date of its own."""
    read = Page(doc, page, text, soft_join(text))
    facts: list[Fact] = [
        *extract_pathology(read),
        *metastatic_sites(read),
        *menopausal_status(read, doc_date),
        *genes(read),
        *procedures(read),
        *medications(read),
        *dose_changes(read),
        *holds_and_restarts(read, doc_date),
        *labs(read, doc_date),
    ]
    out = []
    for fact in facts:
        # an earlier value ("previously 88") is not from the document's date
        date = fact.date or (None if fact.details.get("when") == "earlier" else doc_date)
        details = dict(fact.details)
        if fact.field == "dose_change" and date and "date" not in details:
            details["date"] = date
        out.append(Fact(fact.field, fact.value, fact.evidence, date, details))
    return out


def _key(fact: Fact) -> tuple:
    d = fact.details
    if fact.field == "lab":
        return (fact.field, fact.value, fact.date, d.get("test"))
    if fact.field in ("medication", "procedure"):
        return (fact.field, fact.value, d.get("status"), d.get("hold"), d.get("restart"))
    if fact.field == "dose_change":
        return (fact.field, fact.value, d.get("from"), d.get("to"))
    if fact.field == "gene":
        return (fact.field, fact.value, d.get("result"))
    return (fact.field, fact.value)


def extract(documents: Iterable[tuple[str, list[str]]]) -> list[Fact]:
    """Facts from (document name, page texts) pairs. The same fact stated twice on a page is
    kept once (its details merged, a written date preferred to the document's); conflicting
    values are all kept."""
    out: list[Fact] = []
    for doc, pages in documents:
        with document_order(document_day_first(pages)):
            out.extend(_document_facts(doc, pages))
    return out


def _document_facts(doc: str, pages: list[str]) -> list[Fact]:
    """The facts of one document (ambiguous dates already read as the document writes them)."""
    out: list[Fact] = []
    doc_date = document_info(pages).date
    for page_no, text in enumerate(pages, start=1):
        kept: dict[tuple, int] = {}
        for fact in extract_page(doc, page_no, text, doc_date):
            key = _key(fact)
            if key not in kept:
                kept[key] = len(out)
                out.append(fact)
                continue
            first = out[kept[key]]
            details = {**fact.details, **first.details}
            date = first.date if first.date != doc_date else fact.date
            out[kept[key]] = Fact(first.field, first.value, first.evidence, date, details)
    return out
