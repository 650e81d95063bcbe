"""Text out of a PDF, page by page (pypdf), with a clear reason for a file that cannot be read.

Shared by guideline import and record import."""

from __future__ import annotations

from pathlib import Path

MAX_PDF_BYTES = 200_000_000


class PdfTextError(ValueError):
    """A PDF whose text cannot be read; the message says why."""


def read_pdf(path: Path) -> tuple[list[str], int]:
    """Text per page. Raises PdfTextError with a clear reason for unusable files."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PdfTextError(f"cannot read {path.name}: {exc.strerror}") from exc
    if size == 0:
        raise PdfTextError(f"{path.name} is empty (0 bytes)")
    if size > MAX_PDF_BYTES:
        raise PdfTextError(f"{path.name} is larger than {MAX_PDF_BYTES // 1_000_000} MB")
    with path.open("rb") as fh:
        if b"%PDF" not in fh.read(1024):
            raise PdfTextError(f"{path.name} is not a PDF file")
    try:
        reader = PdfReader(str(path))
        # an owner password alone (printing or editing restricted) opens with an empty one
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfTextError(
                f"{path.name} is password-protected; open it and save an "
                "unprotected copy to import it"
            )
        pages = []
        for page in reader.pages:
            try:
                pages.append(page.extract_text() or "")
            except Exception:  # one broken page: keep the others
                pages.append("")
    except PdfTextError:
        raise
    except (PyPdfError, RecursionError, ValueError, KeyError, TypeError, OSError) as exc:
        reason = type(exc).__name__
        raise PdfTextError(f"{path.name} could not be read as a PDF ({reason})") from exc
    return pages, len(pages)
