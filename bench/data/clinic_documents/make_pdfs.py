"""Makes the clinic-document set's PDFs with fpdf2 from their layout sources.

Each source file (``dev/pdf_sources.py``, ``heldout/heldout_pdf_sources.py``) defines ``DOCS``:
file name -> a list of layout blocks. The blocks place real PDF text the way clinic systems
print it: letterheads in two columns side by side, result tables in fixed-width columns, boxed
narrow paragraphs whose lines wrap inside the box, page breaks with a repeated table header.
So the documents test PDF text extraction (``desktop.core.pdf_text``) as a patient's PDF would.

Run from the repository root: ``python -m bench.data.clinic_documents.make_pdfs`` or
``python bench/data/clinic_documents/make_pdfs.py``. The output is deterministic (fixed
creation date), so re-running it leaves the committed PDFs unchanged.
"""

from __future__ import annotations

import datetime
import runpy
import sys
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
SOURCES = (HERE / "dev" / "pdf_sources.py", HERE / "heldout" / "heldout_pdf_sources.py")
LINE = 4.6  # mm per line at 9 pt
FIXED_DATE = datetime.datetime(2026, 12, 8, tzinfo=datetime.UTC)


def _lines(pdf: FPDF, text: str, bold: bool = False, size: float = 9) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    for line in text.split("\n"):
        pdf.set_x(pdf.l_margin)
        pdf.cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)


def _side(pdf: FPDF, left: str, right: str) -> None:
    """Two blocks side by side (a letterhead: address left, dates and references right)."""
    top = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top)
    pdf.multi_cell(95, LINE, left, new_x="LMARGIN", new_y="NEXT")
    left_end = pdf.get_y()
    pdf.set_xy(pdf.l_margin + 105, top)
    pdf.multi_cell(85, LINE, right, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_end, pdf.get_y()))


def _table(pdf: FPDF, widths: list[float], rows: list[list[str]], header: bool) -> None:
    for i, row in enumerate(rows):
        pdf.set_font("Helvetica", "B" if header and i == 0 else "", 9)
        pdf.set_x(pdf.l_margin)
        for width, cell in zip(widths, row, strict=True):
            pdf.cell(width, LINE, cell)
        pdf.ln(LINE)
    pdf.set_font("Helvetica", "", 9)


def render(blocks: list[tuple], path: Path) -> None:
    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_auto_page_break(True, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 9)
    for kind, *args in blocks:
        if kind == "title":
            _lines(pdf, args[0], bold=True, size=12)
        elif kind == "bold":
            _lines(pdf, args[0], bold=True)
        elif kind == "lines":
            _lines(pdf, args[0])
        elif kind == "para":  # wrapped by fpdf2 at the given width (0: the full line)
            width = args[1] if len(args) > 1 else 0
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(width, LINE, args[0], new_x="LMARGIN", new_y="NEXT")
        elif kind == "box":  # a bordered narrow paragraph
            pdf.set_x(pdf.l_margin)
            pdf.multi_cell(args[1], LINE + 0.4, args[0], border=1, new_x="LMARGIN", new_y="NEXT")
        elif kind == "side":
            _side(pdf, args[0], args[1])
        elif kind == "table":
            _table(pdf, args[0], args[1], header=args[2] if len(args) > 2 else True)
        elif kind == "gap":
            pdf.ln(args[0] if args else LINE)
        elif kind == "page":
            pdf.add_page()
        else:
            raise ValueError(f"unknown layout block {kind!r}")
    pdf.output(str(path))


def main() -> int:
    for source in SOURCES:
        if not source.exists():
            continue
        docs = runpy.run_path(str(source))["DOCS"]
        for name, blocks in docs.items():
            render(blocks, source.parent / name)
            print(f"wrote {source.parent.name}/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
