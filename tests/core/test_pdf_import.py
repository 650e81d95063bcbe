"""Guideline PDF import: page text, headings kept with text, table rows whole, page
citations, re-import as a no-op, removal, and clear refusals of bad files."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF

from desktop.core.knowledge.pdf_import import (
    ImportedDocument,
    ImportStore,
    PdfImportError,
    chunk_pages,
    read_pdf,
)
from desktop.core.progress import drive


def make_pdf(path: Path, pages: list[list[str]], password: str | None = None) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password=password, user_password=password)
    pdf.output(str(path))
    return path


GUIDE = [
    ["Hot flashes", "Venlafaxine and gabapentin are non-hormonal options for hot flashes."],
    [
        "Monitoring on ribociclib",
        "Drug | Check | When",
        "Ribociclib | ECG for heart rhythm | before and during the first cycles",
        "Ribociclib | liver blood tests | every few weeks at first",
    ],
]


def _import(store: ImportStore, path: Path) -> ImportedDocument:
    doc = drive(store.import_pdf(path, "My guide", "Publisher", 2025))
    assert isinstance(doc, ImportedDocument)
    return doc


def test_import_pages_headings_and_locators(tmp_path: Path) -> None:
    store = ImportStore(tmp_path / "home")
    doc = _import(store, make_pdf(tmp_path / "g.pdf", GUIDE))
    assert doc.pages == 2
    by_page = {c.page: c for c in doc.chunks}
    assert by_page[1].heading == "Hot flashes" and "Venlafaxine" in by_page[1].text
    assert by_page[2].text.startswith("Monitoring on ribociclib")
    sections = doc.sections()
    assert sections[1].locator == "My guide, p. 2"
    assert sections[0].sources[0].org == "Publisher"


def test_table_rows_are_never_split() -> None:
    row = "Ribociclib | ECG for heart rhythm | before and during the first cycles"
    pages = ["Heading line\n" + "\n".join([row] * 40)]
    chunks = chunk_pages(pages, limit=50)
    assert len(chunks) > 1
    for chunk in chunks:
        body = chunk.text.removeprefix("Heading line").strip()
        assert body.count("Ribociclib") * len(row.split()) == len(body.split())
        assert chunk.text.startswith("Heading line")  # the heading travels with its text


def test_tabs_between_words_are_normalised() -> None:
    chunks = chunk_pages(["Body\ttext\twith\ttabs and  spaces."])
    assert chunks[0].text == "Body text with tabs and spaces."


def test_reimport_is_a_no_op_and_remove_works(tmp_path: Path) -> None:
    store = ImportStore(tmp_path / "home")
    pdf = make_pdf(tmp_path / "g.pdf", GUIDE)
    first = _import(store, pdf)
    steps: list[object] = []
    again = drive(store.import_pdf(pdf, "Other title", "X", 2020), steps.append)
    assert steps == [] and again.sha256 == first.sha256  # found at once, nothing read again
    assert [d.title for d in store.documents()] == ["My guide"]
    store.remove(first.pack_id[:14])
    assert store.documents() == []


@pytest.mark.parametrize("kind", ["empty", "not-pdf", "corrupt", "password"])
def test_bad_files_are_refused_clearly(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "bad.pdf"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not-pdf":
        path.write_text("just some text, not a PDF")
    elif kind == "corrupt":
        good = make_pdf(tmp_path / "good.pdf", GUIDE).read_bytes()
        path.write_bytes(good[:200] + b"\x00garbage" * 50)
    else:
        make_pdf(path, GUIDE, password="secret")
    store = ImportStore(tmp_path / "home")
    with pytest.raises(PdfImportError) as info:
        drive(store.import_pdf(path, "T", "S", 2025))
    assert "bad.pdf" in str(info.value)
    assert store.documents() == []


def test_image_only_pdf_says_so(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "scan.pdf", [[]])
    pages, count = read_pdf(path)
    assert count == 1 and not pages[0].strip()
    with pytest.raises(PdfImportError, match="no text layer"):
        drive(ImportStore(tmp_path / "h").import_pdf(path, "T", "S", 2025))
