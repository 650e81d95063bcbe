"""Shared pieces of the bad-input tests: a fingerprint of a data folder (files by content,
SQLite databases by their rows, so a read that only touches -wal/-shm is no change; chroma's
vector files are left out as derived from its rows), small
services over a two-section pack, and the one-line check for CLI errors."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.packs import write_pack

SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
# Chroma adds a row to its own write-lock table each time a client opens the store: that is
# bookkeeping of the library, not data
VOLATILE_ROWS = ('INSERT INTO "acquire_write"',)


def _sqlite_digest(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for line in db.iterdump():
            if line.startswith(VOLATILE_ROWS):
                continue
            digest.update(line.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()
    finally:
        db.close()


def _is_chroma_vector_file(rel: str) -> bool:
    """Chroma's HNSW files (``index/chroma/<segment>/*.bin``, ``index_metadata.pickle``) are
    rebuilt from its SQLite rows and rewritten when a client catches up on load; the rows,
    which are fingerprinted, hold the data."""
    parts = rel.split("/")
    return "chroma" in parts[:-2] and (rel.endswith(".bin") or rel.endswith(".pickle"))


def folder_state(root: Path) -> dict[str, str]:
    """Every file under ``root`` by relative path: a content hash (row dump for SQLite)."""
    state: dict[str, str] = {}
    if not root.exists():
        return state
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        if rel.endswith(SQLITE_SIDE_FILES) or _is_chroma_vector_file(rel):
            continue
        with path.open("rb") as fh:
            magic = fh.read(16)
        if magic.startswith(b"SQLite format 3"):
            state[rel] = "sqlite:" + _sqlite_digest(path)
        else:
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def one_line(stderr: str) -> str:
    """The single line a failed command prints; fails the test on anything more."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {stderr[:2000]!r}"
    assert "Traceback" not in stderr
    assert lines[0].startswith("lantern: ")
    return lines[0]


@pytest.fixture(scope="session")
def mini_guidelines(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A guidelines folder with one valid two-section pack (fast to index)."""
    root = tmp_path_factory.mktemp("mini-guidelines")
    write_pack(
        root,
        {
            "hot-flashes": ("Hot flashes", "hot flashes"),
            "lymphedema": ("Lymphedema", "lymphedema"),
        },
    )
    return root


@pytest.fixture(scope="session")
def mini_services(tmp_path_factory: pytest.TempPathFactory, mini_guidelines: Path) -> Iterator:
    """Services over the mini pack, in their own home (imports here never touch the shared
    services of the rest of the suite)."""
    from desktop.services import build_services
    from desktop.settings import load_settings

    home = tmp_path_factory.mktemp("mini-home")
    svc = build_services(
        load_settings({"LANTERN_HOME": str(home), "LANTERN_GUIDELINES_DIR": str(mini_guidelines)})
    )
    yield svc
    svc.close()


@pytest.fixture
def mini_window(qtbot, mini_services, monkeypatch):
    """The real main window over the mini services; records open with "test passphrase"."""
    from desktop.services.source import ready
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: None)
    settings = load_settings()
    win = MainWindow(settings, ready(settings, mini_services))
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.services_ready, timeout=60000):
        win.start()
    win.records.passphrase_provider = lambda prompt: "test passphrase"
    yield win
    win.shutdown()


def fuzz_examples(default: int) -> int:
    """Hypothesis examples per property: ``default`` for ``make test``, or
    ``LANTERN_FUZZ_EXAMPLES`` for a long run."""
    import os

    return int(os.environ.get("LANTERN_FUZZ_EXAMPLES") or default)


LONG = bool(__import__("os").environ.get("LANTERN_HARDENING_LONG"))
# Adversarial string length: 20,000 characters for make test, 50,000 for a long run.
ADVERSARIAL_CHARS = 50_000 if LONG else 20_000


def _run(token: str, n: int = ADVERSARIAL_CHARS) -> str:
    return token * max(1, n // len(token))


# Strings that make a backtracking regex slow: long runs, repeated tokens, deep brackets.
ADVERSARIAL = [
    _run("a"),
    _run("1"),
    _run("1."),
    _run("."),
    _run("-"),
    _run(" ") + "x",
    _run("\n") + "x",
    _run("| "),
    _run("(") + _run(")"),
    _run("[") + _run("]"),
    _run("[1]"),
    _run("HER2 "),
    _run("ER positive "),
    _run("12/12/2012 "),
    _run("2024-01-01"),
    _run("38."),
    "I have a fever of " + _run("9"),
    _run("a1"),
    _run("mg "),
    _run("e.g. "),
    _run("Dr. "),
    _run("x") + "?",
    _run("Hemoglobin 12.1 g/dL (12.0-15.5) L\n"),
    _run("not ") + "metastatic",
]
# Repeated clinical tokens for the record extractors: each once took time quadratic in the
# page's length (a rule that, for every mention, re-read the whole sentence or line: cues,
# dates, negation, the page's germline/tumour words, the heading above a table row).
# "ribociclib reduced to " took 64 s and "BRCA1 ... pathogenic" 110 s at 60,000 characters.
RECORD_TOKENS = [
    ("", "ribociclib reduced to ", ""),
    ("", "BRCA1 ", "pathogenic"),
    ("", "BRCA1 pathogenic ", ""),
    ("", "ERBB2 positive ", ""),
    ("Variants of uncertain significance:\n", "PIK3CA H1047R\n", ""),
    ("", "PIK3CA H1047R; ", ""),
    ("", "letrozole ", ""),
    ("", "letrozole and ", ""),
    ("", "started letrozole 2.5 mg daily ", ""),
    ("", "ribociclib 2024-01-01 ", ""),
    ("", "mastectomy ", ""),
    ("", "mastectomy 2024-01-01 ", ""),
    ("", "bone metastases ", ""),
    ("", "postmenopausal ", ""),
    ("", "after menopause ", ""),
    ("", "DCIS ", ""),
    ("", "Hemoglobin 12 g/dL ", ""),
    ("", "ANC 0.9 ", ""),
    ("", "ANC today 0.9 (low) ", ""),
    ("", "Hemoglobin 2024-01-01 ", ""),
    ("", "ER positive ", ""),
    ("", "Grade 3 ", ""),
    ("", "T2N1M0 ", ""),
    ("", "2024-01-01 ", ""),
]
# for make test (20,000 characters; 50,000 in a long run)
ADVERSARIAL_RECORDS = [
    text
    for text in (head + _run(token) + tail for head, token, tail in RECORD_TOKENS)
    if text not in ADVERSARIAL
]
# LANTERN_HARDENING_LONG=1 only: the same at 60,000 characters
LONG_RECORDS = [head + _run(token, 60_000) + tail for head, token, tail in RECORD_TOKENS]
