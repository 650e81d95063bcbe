"""Importing records into the vault: page text, duplicates, bad files, and the canary scan:
no record text or file name readable anywhere on disk after import."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import uuid
from pathlib import Path

import pytest
from fpdf import FPDF

from desktop.core.progress import drive
from desktop.core.records import importer
from desktop.core.records.keys import PassphraseWrapper
from desktop.core.records.session import PatientSession
from desktop.core.records.vault import Vault
from tests.core.records.helpers import fake_embed

CANARY = f"QUOKKA-{uuid.uuid4().hex[:10]}"  # new each run: old temp folders cannot match


def pdf_record(path: Path, lines: list[str], compress: bool = True, blank_pages: int = 0) -> Path:
    pdf = FPDF()
    pdf.set_compression(compress)
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    for _ in range(blank_pages):
        pdf.add_page()
    pdf.output(str(path))
    return path


def _state(vault: Vault) -> tuple[bytes, list[tuple]]:
    """The vault's header bytes and every stored row (SQLite's -shm/-wal change on reads)."""
    db = sqlite3.connect(str(vault.folder / "vault.sqlite"))
    rows = db.execute("SELECT id, nonce, data FROM blobs ORDER BY id").fetchall()
    db.close()
    return (vault.folder / "vault.json").read_bytes(), rows


def _hits(root: Path, needle: str, skip: Path) -> list[Path]:
    forms = [needle.encode(), needle.encode("utf-16-le"), needle.encode("utf-16-be")]
    found = []
    # os.walk, not rglob: another program's temp folder may vanish while it is walked
    files = (Path(d) / f for d, _, names in os.walk(root) for f in names)
    for p in files:
        try:
            if p.is_file() and skip not in p.parents and any(f in p.read_bytes() for f in forms):
                found.append(p)
        except OSError:
            continue
    return found


@pytest.fixture
def vault(lantern_home: Path):
    v = Vault.create(lantern_home, f"Patient {CANARY}", PassphraseWrapper("pw"))
    yield v
    v.close()


def test_canary_never_reaches_disk(vault: Vault, lantern_home: Path, tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    lines = [f"Name: {CANARY}", "ER positive 95%", "HER2 IHC 1+ (low)", "ANC | 0.9 | 10^9/L"]
    for compress in (True, False):
        name = f"{CANARY}-{'z' if compress else 'raw'}.pdf"
        doc = drive(importer.import_document(vault, pdf_record(sources / name, lines, compress)))
        assert isinstance(doc, importer.RecordDocument)
    note = sources / f"note-{CANARY}.txt"
    note.write_text(f"Clinic note for {CANARY}: started ribociclib.\nHER2 IHC 2+\n")
    # the whole path a window takes: import, embed for search, profile, edits, search, lock
    session = PatientSession(vault, fake_embed, "fake:1")
    report = drive(session.import_files([note]))
    assert not report.errors and len(report.documents) == 1
    fact = session.profile.by_field("her2_ihc")[0]
    session.correct(fact.id, "correct", f"3+ {CANARY}")
    session.add_fact("medication", f"{CANARY} trial drug")
    assert session.index.search([CANARY.lower()], fake_embed([CANARY])[0])
    for root in (lantern_home, Path(tempfile.gettempdir())):
        assert _hits(root, CANARY, skip=sources) == []
        assert _hits(root, f"for {CANARY}: started", skip=sources) == []
    docs = importer.documents(vault)
    assert len(docs) == 3
    assert vault.ids(f"doc/{docs[-1].id}/passages") and vault.ids(f"doc/{docs[-1].id}/facts")
    text = importer.pages(vault, docs[0].id)[0]
    assert "ANC | 0.9 | 10^9/L" in text.splitlines()  # lab rows kept line by line


def test_duplicate_is_detected(vault: Vault, tmp_path: Path) -> None:
    path = pdf_record(tmp_path / "a.pdf", ["Pathology report", "Grade 2"])
    first = drive(importer.import_document(vault, path))
    steps: list[object] = []
    again = drive(importer.import_document(vault, path), steps.append)
    assert again.id == first.id and steps == []  # found at once, nothing read again


def test_image_only_pages_are_reported(vault: Vault, tmp_path: Path) -> None:
    path = pdf_record(tmp_path / "scan.pdf", ["Page one text"], blank_pages=2)
    doc = drive(importer.import_document(vault, path))
    assert doc.empty_pages == [2, 3]


@pytest.mark.parametrize(
    "kind", ["empty", "not-pdf", "images-only", "corrupt", "password", "huge-text"]
)
def test_bad_files_leave_the_vault_unchanged(
    vault: Vault, lantern_home: Path, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "bad.pdf"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "not-pdf":
        path.write_text("hello")
    elif kind == "images-only":
        pdf_record(path, [], blank_pages=1)
    elif kind == "password":
        pdf = FPDF()
        pdf.set_encryption(owner_password="owner", user_password="user")
        pdf.set_font("Helvetica", size=11)
        pdf.add_page()
        pdf.cell(0, 7, "secret")
        pdf.output(str(path))
    elif kind == "huge-text":
        path = tmp_path / "bad.txt"
        path.write_bytes(b"a" * (importer.MAX_TEXT_BYTES + 1))
    else:
        path.write_bytes(pdf_record(tmp_path / "ok.pdf", ["x"]).read_bytes()[:150] + b"\x00" * 99)
    before = _state(vault)
    with pytest.raises(importer.RecordImportError, match=r"bad\.(pdf|txt)") as caught:
        drive(importer.import_document(vault, path))
    assert _state(vault) == before
    if kind == "password":
        assert "password" in str(caught.value)


def test_a_thousand_page_pdf_imports(vault: Vault, tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for i in range(1000):
        pdf.add_page()
        pdf.cell(0, 7, f"Page {i + 1}: Hemoglobin 12.{i % 10} g/dL")
    path = tmp_path / "long.pdf"
    pdf.output(str(path))
    doc = drive(importer.import_document(vault, path))
    assert isinstance(doc, importer.RecordDocument) and doc.pages == 1000
    assert importer.pages(vault, doc.id)[999].startswith("Page 1000")


def test_remove_document(vault: Vault, tmp_path: Path) -> None:
    doc = drive(importer.import_document(vault, pdf_record(tmp_path / "a.pdf", ["A"])))
    importer.remove(vault, doc.id[:6])
    assert importer.documents(vault) == []
    assert vault.ids(f"doc/{doc.id}") == []
