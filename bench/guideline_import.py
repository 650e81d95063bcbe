"""A 1,000-page guideline PDF imported and indexed through the app's own path (read, chunk,
embed, write chroma and FTS5), then searched; and removed again. No target in the issues:
the figure says how long a clinic waits for a book-length guideline it owns.

The pages are generated prose of guideline length (about 300 words a page), so the index
work is realistic; the text itself is filler with one made-up word per page to ask about."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from fpdf import FPDF

from bench.common import save, show
from desktop.core.progress import drive

PAGES = 1000
CANDIDATES = 30
WORDS = (
    "treatment options depend on the stage of the cancer the hormone receptor status and the "
    "HER2 status as well as the person's general health and preferences the care team "
    "discusses the benefits and risks of surgery radiation therapy chemotherapy hormone "
    "therapy and targeted therapy follow up visits check for side effects and recurrence"
).split()


def marker(page: int) -> str:
    """A made-up word found on one page only ("zorbab"), so a question can target it."""
    letters = ""
    while True:
        page, rest = divmod(page, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
        if not page:
            return "zorb" + letters


def write_pdf(path: Path, pages: int = PAGES, seed: int = 0) -> Path:
    rng = random.Random(seed)
    pdf = FPDF()
    pdf.set_font("Helvetica", size=9)
    for page in range(1, pages + 1):
        pdf.add_page()
        lines = [f"Chapter {page}. The {marker(page)} protocol is described on this page."]
        lines += [" ".join(rng.choice(WORDS) for _ in range(20)) for _ in range(15)]  # ~300 words
        for line in lines:
            pdf.multi_cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def run(services, pages: int = PAGES) -> dict:
    with tempfile.TemporaryDirectory(prefix="lantern-bench-guideline-") as tmp:
        path = write_pdf(Path(tmp) / "long-guideline.pdf", pages)
        size_mb = path.stat().st_size / 2**20
        t0 = time.perf_counter()
        doc = drive(services.import_guideline(path, "Long guideline", "Bench", 2026))
        elapsed = time.perf_counter() - t0
        assert doc is not None and doc.pages == pages, "the import did not finish"
        question, page = f"What is the {marker(pages // 2)} protocol?", f"p. {pages // 2}"
        answer = services.engine.ask(question)
        found = any(c.locator.split(", ")[-1] == page for c in answer.citations)
        hits = services.retriever.search(question, limit=CANDIDATES).hits
        on_page = [(i, h) for i, h in enumerate(hits, 1) if h.section.locator.endswith(", " + page)]
        ranks = [i for i, _ in on_page]
        keyword = [h.keyword_rank for _, h in on_page if h.keyword_rank]
        # the word alone: no other term to match, so a single keyword hit
        alone_page = f"p. {pages // 3}"
        alone = services.engine.ask(f"Tell me about {marker(pages // 3)}")
        alone_found = any(c.locator.split(", ")[-1] == alone_page for c in alone.citations[:1])
        drive(services.remove_guideline(doc.pack_id))
    figures = {
        "pages": pages,
        "PDF MB": round(size_mb, 1),
        "chunks": len(doc.chunks),
        "import and indexing s": elapsed,
        "pages per s": pages / elapsed,
        "page cited for a question about it (1 = yes)": int(found),
        # a made-up word means nothing to the embedding model: the dense lists rank the
        # page's look-alikes first and reciprocal-rank fusion follows them
        f"hybrid rank of that page (0 = not in the top {CANDIDATES})": ranks[0] if ranks else 0,
        "keyword rank of that page (0 = not in the hybrid top 30)": (keyword or [0])[0],
        "the word alone: its page cited first (1 = yes)": int(alone_found),
    }
    show(f"Guideline import: {pages}-page PDF read, chunked, embedded and indexed", figures)
    save("guideline_import", figures)
    return figures
