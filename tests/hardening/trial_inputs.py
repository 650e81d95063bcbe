"""Inputs for the crash trials and the audits, written in the test: nothing binary is
committed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from fpdf import FPDF

from tests.hardening.crash_ops import CANARY, PATIENT
from tests.packs import write_pack
from tests.synthetic_records import scenarios, write_pdf, write_text

TOPICS = [f"topic{i}" for i in range(8)]


def _sections(names: list[str], changed: set[str] = frozenset()) -> dict[str, tuple[str, str]]:
    return {
        f"s-{name}": (f"About {name}{' (revised)' if name in changed else ''}", name)
        for name in names
    }


def write_inputs(work: Path) -> None:
    """records/ (a PDF naming the patient, a text note with the canary in its file name, a lab
    PDF), packs/v1 and packs/v2 (v2 drops two sections, changes two, adds two), guide.pdf."""
    records = work / "records"
    records.mkdir(parents=True)
    docs = scenarios()[0].documents
    patho = dataclasses.replace(
        docs[0], pages=[f"Patient: {PATIENT}\n{docs[0].pages[0]}", *docs[0].pages[1:]]
    )
    write_pdf(patho, records / "pathology.pdf")
    write_text(docs[1], records / f"clinic-{CANARY}.txt")
    write_pdf(docs[2], records / "labs.pdf")
    packs = work / "packs"
    write_pack(packs / "v1", _sections(TOPICS))
    write_pack(packs / "v2", _sections([*TOPICS[2:], "newA", "newB"], set(TOPICS[2:4])))
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(6):
        pdf.add_page()
        for line in (
            f"Hot flashes part {page}",
            "Venlafaxine and gabapentin are non-hormonal options for hot flashes. " * 6,
            f"Treatment side effects {page}",
            "Tell your care team about new symptoms during treatment. " * 8,
        ):
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(work / "guide.pdf"))
