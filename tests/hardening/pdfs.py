"""Bad PDFs made in the test, byte by byte: nothing binary is committed.

``pdf_bytes`` writes a PDF from object bodies with a correct cross-reference table; the
``bad_pdf`` cases break one thing each (the table, the object graph, the nesting depth,
encryption, an embedded script, the page count, the content, the file type)."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path

TEXT = "Hot flashes can be eased with venlafaxine or gabapentin."


def _stream(content: bytes, compress: bool = False) -> bytes:
    if compress:
        content = zlib.compress(content)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + (
            b"\nendstream"
        )
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def text_stream(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return _stream(b"BT /F1 11 Tf 50 750 Td (" + escaped.encode("latin-1") + b") Tj ET")


def pdf_bytes(
    objects: list[bytes], root: int = 1, trailer: bytes = b"", xref: bool = True
) -> bytes:
    """A PDF whose object ``i + 1`` is ``objects[i]`` (a body, without obj/endobj)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    start = out.tell()
    if xref:
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer))
    out.write(b"startxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pages_pdf(texts: list[str], catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A well-formed PDF with one page per text (objects: catalog, pages, font, pages...)."""
    n = len(texts)
    kids = b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        FONT,
    ]
    for i, text in enumerate(texts):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> " % (5 + 2 * i) + page_extra + b">>"
        )
        objects.append(text_stream(text))
    return pdf_bytes(objects)


def corrupt_xref() -> bytes:
    """Every cross-reference offset wrong and startxref past the end of the file."""
    good = pages_pdf([TEXT])
    head, _, _ = good.partition(b"xref\n")
    table = b"xref\n0 6\n0000000000 65535 f \n" + b"0000099999 00000 n \n" * 5
    return head + table + b"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n987654\n%%EOF\n"


def _page(contents: bytes, resources: bytes = b"") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents " + contents
        + b" /Resources << /Font << /F1 3 0 R >> " + resources + b">> >>"
    )


def page_tree_loop() -> bytes:
    """The page tree lists itself among its own kids."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R 4 0 R] /Count 2 >>",
            FONT,
            _page(b"5 0 R"),
            text_stream(TEXT),
        ]
    )


def reference_loop() -> bytes:
    """Page 1's stream length is a reference that refers back to itself (6 -> 7 -> 6);
    page 2 is fine."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 8 0 R] /Count 2 >>",
            FONT,
            _page(b"5 0 R"),
            b"<< /Length 6 0 R >>\nstream\nBT /F1 11 Tf 50 750 Td (lost) Tj ET\nendstream",
            b"7 0 R",
            b"6 0 R",
            _page(b"9 0 R"),
            text_stream(TEXT),
        ]
    )


def xobject_loop() -> bytes:
    """A form XObject that draws itself (endless recursion for a naive renderer)."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
            FONT,
            _page(b"5 0 R", b"/XObject << /X 6 0 R >> "),
            _stream(b"BT /F1 11 Tf 50 750 Td (" + TEXT.encode() + b") Tj ET /X Do"),
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] "
            b"/Resources << /XObject << /X 6 0 R >> >> /Length 5 >>\nstream\n/X Do\nendstream",
        ]
    )


def deep_nesting(depth: int = 50_000) -> bytes:
    """An array nested ``depth`` levels deep in the page dictionary."""
    nested = b"[" * depth + b"]" * depth
    return pages_pdf([TEXT], page_extra=b"/Deep " + nested + b" ")


def deep_content(depth: int = 50_000) -> bytes:
    """Page 1's content is an array nested ``depth`` levels deep; page 2 is fine."""
    nested = b"[" * depth + b"]" * depth
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [4 0 R 6 0 R] /Count 2 >>",
            FONT,
            _page(b"5 0 R"),
            _stream(b"BT /F1 11 Tf 50 750 Td " + nested + b" TJ ET"),
            _page(b"7 0 R"),
            text_stream(TEXT),
        ]
    )


def password_protected(owner_only: bool = False) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    pdf.multi_cell(0, 6, TEXT)
    pdf.set_encryption(owner_password="owner", user_password="" if owner_only else "user")
    return bytes(pdf.output())


def embedded_javascript() -> bytes:
    """Text plus a document-open script and a named script (never to be run)."""
    js = b"<< /S /JavaScript /JS (app.alert\\('JS-RAN'\\); this.exportDataObject\\({}\\);) >>"
    return pages_pdf(
        [TEXT],
        catalog_extra=b"/OpenAction " + js + b" /Names << /JavaScript << /Names [(a) "
        + js + b"] >> >> ",
        page_extra=b"/AA << /O " + js + b" >> ",
    )


def thousand_pages(count: int = 1000) -> bytes:
    return pages_pdf(
        [f"Section {i + 1}. Page {i + 1} says haemoglobin 12.{i % 10} g/dL." for i in range(count)]
    )


def images_only() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("RGB", (64, 64), (200, 30, 30))
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=100)
    return bytes(pdf.output())


def png_named_pdf() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    return out.getvalue()


BAD_PDFS: dict[str, Callable[[], bytes]] = {
    "corrupt-xref": corrupt_xref,
    "page-tree-loop": page_tree_loop,
    "reference-loop": reference_loop,
    "xobject-loop": xobject_loop,
    "deep-nesting": deep_nesting,
    "deep-content": deep_content,
    "password": password_protected,
    "owner-password-only": lambda: password_protected(owner_only=True),
    "javascript": embedded_javascript,
    "zero-bytes": lambda: b"",
    "images-only": images_only,
    "png-named-pdf": png_named_pdf,
    "html-named-pdf": lambda: b"<!doctype html><html><body>Hot flashes</body></html>\n",
    "truncated": lambda: pages_pdf([TEXT])[:300],
}


def write(folder: Path, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.pdf"
    path.write_bytes(BAD_PDFS[kind]())
    return path
