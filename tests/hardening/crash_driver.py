"""Crash-trial driver: runs one of the app's storing operations in a process the test kills.

``python -m tests.hardening.crash_driver`` is a small fork server. It imports the app's core
once, then reads one JSON request per line on stdin and answers one JSON line on stdout:

* ``{"run": op, "home": ..., "work": ..., "tmp": ..., "kill_after": seconds | null}`` forks a
  child that does the operation through the app's own code in that data folder (the process
  is the app: no cleanup, no ``atexit``), and sends it SIGKILL ``kill_after`` seconds after
  the fork, unless it finished first. Answer: ``{"killed": bool, "seconds": float,
  "status": int}``.
* ``{"check": op, ...}`` forks a fresh child as "the next start": it opens what the operation
  left behind, finishes what the app finishes on start (the index sync, the profile), checks
  it, then re-imports. Answer: ``{"problems": [...], "facts": {...}}``.

Forking keeps a trial short (the imports take 1-4 seconds on this machine); the server
never opens a store, a model or a thread before it forks (llama.cpp's OpenMP pool and
chroma's runtime do not survive a fork), so every child starts as clean as a new process.
Embedding is pure computation with no writes, so by default a deterministic hashing embedder
stands in for the model and the kill moments fall on the writes; ``LANTERN_CRASH_EMBEDDER=
real`` loads the real embedding model in each child instead.

Operations: ``record_import`` (a passphrase vault created, three documents imported with
search and profile), ``profile_edit`` (corrections and added facts, each acknowledged in a
file after it returned), ``index_build`` and ``index_update`` (guideline index sync from
nothing, and from pack v1 to v2), ``guideline_import`` (a guideline PDF imported and indexed
through the services) and ``settings_save`` (``settings.toml`` and the chosen model)."""

from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop import offline

offline.apply()

import chromadb  # noqa: E402  (imported once here: GuidelineIndex imports it lazily)
import chromadb.config  # noqa: E402, F401
import numpy as np  # noqa: E402

import desktop.settings as app_settings  # noqa: E402
from desktop.core.answer.engine import AnswerEngine, EngineConfig  # noqa: E402
from desktop.core.knowledge.chunking import section_units  # noqa: E402
from desktop.core.knowledge.index import QUOTABLE, GuidelineIndex  # noqa: E402
from desktop.core.knowledge.pdf_import import ImportedDocument, ImportStore  # noqa: E402
from desktop.core.knowledge.retrieve import Retriever  # noqa: E402
from desktop.core.llm.store import ModelStore  # noqa: E402
from desktop.core.records import importer, profile  # noqa: E402
from desktop.core.records.keys import PassphraseWrapper  # noqa: E402
from desktop.core.records.session import PatientSession  # noqa: E402
from desktop.core.records.vault import Vault, patient_ids  # noqa: E402
from desktop.services import Services, load_sections  # noqa: E402

PASSPHRASE = "crash trial passphrase"
CANARY = "WOMBAT-7Q2K9"  # in the record files and the patient's name; never on disk in clear
PATIENT = f"Jane {CANARY}"
EDITS = 40  # profile edits per profile_edit run
SAVES = 60  # settings saves per settings_save run
ACK = "acknowledged.txt"  # indices of edits/saves that returned, one per line
CHILD_LIMIT = 120.0  # seconds a child may run before the server calls it hung
GUIDE_TITLE = "Crash trial guide"


class HashEmbedder:
    """Deterministic bag-of-words hashing vectors (64 dimensions, normalised)."""

    identity = "crash-trial-hash-64"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            vec = np.zeros(64, dtype=np.float32)
            for word in text.lower().split():
                vec[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
            norm = float(np.linalg.norm(vec)) or 1.0
            out.append((vec / norm).tolist())
        return out

    def embed_one(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def close(self) -> None:
        pass


def make_embedder():  # -> HashEmbedder | desktop.core.embed.Embedder
    if os.environ.get("LANTERN_CRASH_EMBEDDER") == "real":
        from desktop.core.embed import Embedder, embedding_spec

        return Embedder(embedding_spec(None))
    return HashEmbedder()


@dataclass
class Ctx:
    home: Path
    work: Path  # the inputs: records/, packs/v1, packs/v2, guide.pdf, models/

    @property
    def record_files(self) -> list[Path]:
        return sorted((self.work / "records").iterdir())

    def pack(self, op: str) -> Path:
        return self.work / "packs" / ("v2" if op == "index_update" else "v1")

    def settings(self, op: str) -> app_settings.Settings:
        return app_settings.load_settings(
            {"LANTERN_HOME": str(self.home), "LANTERN_GUIDELINES_DIR": str(self.pack(op))}
        )

    def ack(self, i: int) -> None:
        fd = os.open(self.home.parent / ACK, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{i}\n".encode())
        finally:
            os.close(fd)

    def acknowledged(self) -> int:
        path = self.home.parent / ACK
        lines = path.read_text().split() if path.is_file() else []
        return max((int(x) for x in lines), default=-1)


def _drain(items: Iterator[object]) -> list[object]:
    return list(items)


# -- the operations (run in the child that gets killed) ----------------------------------------
def _session(ctx: Ctx, embedder) -> PatientSession:
    wrapper = PassphraseWrapper(PASSPHRASE)
    ids = patient_ids(ctx.home)
    if not ids:
        vault = Vault.create(ctx.home, PATIENT, wrapper)
        session = PatientSession(vault, embedder.embed, embedder.identity)
        _drain(session.refresh())
        return session
    for item in PatientSession.open(ctx.home, ids[0], wrapper, embedder.embed, embedder.identity):
        if isinstance(item, PatientSession):
            return item
    raise RuntimeError("no session")


def op_record_import(ctx: Ctx) -> None:
    session = _session(ctx, make_embedder())
    for item in session.import_files(ctx.record_files):
        if isinstance(item, importer.RecordImportError):
            raise item
    session.lock()


def _edit_targets(session: PatientSession) -> list[str]:
    return sorted(f.id for f in session.profile.facts if f.source != "added")[:6]


def op_profile_edit(ctx: Ctx) -> None:
    session = _session(ctx, make_embedder())
    targets = _edit_targets(session)
    for i in range(EDITS):
        if i % 2 == 0:
            session.add_fact("medication", f"crashdrug-{i}")
        else:
            session.correct(targets[i % len(targets)], "correct", f"crashvalue-{i}")
        ctx.ack(i)
    session.lock()


def _index(ctx: Ctx, embedder) -> GuidelineIndex:
    return GuidelineIndex(ctx.home / "index", embedder)


def op_index_sync(ctx: Ctx, op: str) -> None:
    embedder = make_embedder()
    _, sections, _ = load_sections(ctx.settings(op))
    index = _index(ctx, embedder)
    _drain(index.sync(sections))
    index.close()


def _services(ctx: Ctx, op: str) -> Services:
    settings = ctx.settings(op)
    embedder = make_embedder()
    packs, sections, problems = load_sections(settings)
    index = _index(ctx, embedder)
    _drain(index.sync(sections))
    retriever = Retriever(index, {s.key: s for s in sections})
    engine = AnswerEngine(retriever, index, EngineConfig())
    return Services(settings, embedder, packs, index, retriever, engine, problems)  # type: ignore[arg-type]


def _import_guide(services: Services, ctx: Ctx) -> ImportedDocument:
    items = list(services.import_guideline(ctx.work / "guide.pdf", GUIDE_TITLE, "Test", 2025))
    doc = items[-1]
    assert isinstance(doc, ImportedDocument)
    return doc


def op_guideline_import(ctx: Ctx) -> None:
    services = _services(ctx, "guideline_import")
    _import_guide(services, ctx)
    services.close()


def op_settings_save(ctx: Ctx) -> None:
    store = ModelStore(ctx.home)
    save = getattr(app_settings, "save_settings", None)
    for i in range(SAVES):
        if save is not None:
            save(ctx.home, max_answer_sentences=100 + i, font_size=8 + i % 10)
        if i % 3 == 0:
            store.use("tiny-a" if i % 2 else "tiny-b")
        ctx.ack(i)


OPS: dict[str, Callable[[Ctx], None]] = {
    "record_import": op_record_import,
    "profile_edit": op_profile_edit,
    "index_build": lambda ctx: op_index_sync(ctx, "index_build"),
    "index_update": lambda ctx: op_index_sync(ctx, "index_update"),
    "guideline_import": op_guideline_import,
    "settings_save": op_settings_save,
}


# -- the checks (run in a fresh child: the next start) -----------------------------------------
def leftover_temp_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.tmp"))


def plaintext_hits(roots: Sequence[Path], needle: str = CANARY) -> list[str]:
    """Files under ``roots`` holding ``needle`` in the clear (UTF-8 or UTF-16)."""
    forms = (needle.encode(), needle.encode("utf-16-le"), needle.lower().encode())
    hits = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                data = path.read_bytes()
                if any(f in data for f in forms) or needle in path.name:
                    hits.append(str(path))
    return hits


def check_records(ctx: Ctx, problems: list[str], facts: dict) -> PatientSession | None:
    ids = patient_ids(ctx.home)
    if not ids:  # killed before the vault header was written
        facts["vault"] = "not yet created"
        return None
    facts["vault"] = "opened"
    embedder = make_embedder()
    session = _session(ctx, embedder)
    vault = session.vault
    docs = importer.documents(vault)
    facts["documents_after_crash"] = len(docs)
    listed = {d.id for d in docs}
    stored = {b.split("/")[1] for b in vault.ids("doc/")}
    if stored != listed:
        problems.append(f"document blobs without a listed document: {sorted(stored - listed)}")
    for doc in docs:
        original = vault.get(f"doc/{doc.id}/original")
        if original is None or hashlib.sha256(original).hexdigest() != doc.sha256:
            problems.append(f"document {doc.id}: original missing or not the imported bytes")
        if len(importer.pages(vault, doc.id)) != doc.pages:
            problems.append(f"document {doc.id}: page text missing")
        if vault.get(f"doc/{doc.id}/facts") is None:
            problems.append(f"document {doc.id}: no profile facts after opening")
        if vault.get(f"doc/{doc.id}/passages") is None:
            problems.append(f"document {doc.id}: no search passages after opening")
    if session.display_name != PATIENT:
        problems.append("the patient's name did not survive")
    return session


def _reimport(ctx: Ctx, session: PatientSession, problems: list[str], facts: dict) -> None:
    errors = [
        str(i)
        for i in session.import_files(ctx.record_files)
        if isinstance(i, importer.RecordImportError)
    ]
    if errors:
        problems.append(f"re-import failed: {errors}")
    docs = session.documents
    facts["documents_after_reimport"] = len(docs)
    if len({d.sha256 for d in docs}) != len(docs) or len(docs) != len(ctx.record_files):
        problems.append(f"after re-import {len(docs)} documents for {len(ctx.record_files)} files")
    if not session.profile.facts:
        problems.append("no profile facts after re-import")


def check_record_import(ctx: Ctx, problems: list[str], facts: dict) -> None:
    session = check_records(ctx, problems, facts)
    if session is None:
        session = _session(ctx, make_embedder())
    _reimport(ctx, session, problems, facts)
    session.lock()


def check_profile_edit(ctx: Ctx, problems: list[str], facts: dict) -> None:
    session = check_records(ctx, problems, facts)
    if session is None:
        problems.append("the vault of the template is gone")
        return
    acked = ctx.acknowledged()
    facts["edits_acknowledged"] = acked + 1
    added = {
        int(f.value.split("-")[1])
        for f in session.profile.facts
        if f.source == "added" and f.value.startswith("crashdrug-")
    }
    lost = [i for i in range(0, acked + 1, 2) if i not in added]
    extra = [i for i in added if i > acked + 1]
    if lost:
        problems.append(f"acknowledged added facts lost: {lost}")
    if extra:
        problems.append(f"added facts that were never made: {extra}")
    targets = _edit_targets(session)
    corrections = profile.load_corrections(session.vault)["facts"]
    for t, fid in enumerate(targets):
        made = [i for i in range(1, EDITS, 2) if i % len(targets) == t]
        acked_here = [i for i in made if i <= acked]
        allowed = {i for i in made if i <= acked + 1 and (not acked_here or i >= acked_here[-1])}
        value = corrections.get(fid, {}).get("value")
        got = int(value.split("-")[-1]) if value else None
        if (got is None and acked_here) or (got is not None and got not in allowed):
            problems.append(f"fact {t} holds correction {got}, acknowledged up to {acked_here}")
    session.add_fact("medication", "after-crash")
    if targets:
        session.correct(targets[0], "confirm")
    _reimport(ctx, session, problems, facts)
    session.lock()


def _expected_ids(sections) -> tuple[set[str], set[str]]:
    passages, sentences = set(), set()
    for section in sections:
        for unit in section_units(section):
            if unit.kind == "passage":
                passages.add(unit.id)
            if unit.kind in QUOTABLE:
                sentences.add(unit.id)
    return passages, sentences


def check_index_consistent(
    index: GuidelineIndex, sections, problems: list[str], facts: dict, when: str
) -> None:
    dense, fts = index.consistency()
    want_passages, want_sentences = _expected_ids(sections)
    facts[f"passages_{when}"] = len(fts)
    if dense != fts:
        problems.append(
            f"{when}: chroma and FTS differ ({len(dense - fts)} only in chroma, "
            f"{len(fts - dense)} only in FTS)"
        )
    if fts != want_passages:
        problems.append(f"{when}: FTS has {len(fts)} passages, the packs have {len(want_passages)}")
    all_dense = set(index.passages.get(include=[])["ids"])
    sentences = set(index.sentences.get(include=[])["ids"])
    if not want_passages <= all_dense or sentences != want_sentences:
        problems.append(f"{when}: chroma's entries are not the packs' entries")
    db = sqlite3.connect(str(index.dir / "keyword.sqlite"))
    try:
        ok = db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()
    if ok != "ok":
        problems.append(f"{when}: keyword.sqlite integrity check says {ok}")
    hits = index.dense_search(index.embedder.embed_one("treatment side effects"), limit=5)
    if not hits or not index.keywords.search(["treatment"], limit=5):
        problems.append(f"{when}: the index finds nothing")


def check_index_sync(ctx: Ctx, problems: list[str], facts: dict, op: str) -> None:
    embedder = make_embedder()
    _, sections, _ = load_sections(ctx.settings(op))
    index = _index(ctx, embedder)
    _drain(index.sync(sections))  # what the next start does
    check_index_consistent(index, sections, problems, facts, "after restart")
    _drain(index.sync(sections))  # a second sync has nothing left to do
    index.close()


def check_guideline_import(ctx: Ctx, problems: list[str], facts: dict) -> None:
    store = ImportStore(ctx.home)
    docs = store.documents()
    facts["imported_after_crash"] = len(docs)
    names = sorted(p.name for p in store.dir.glob("*")) if store.dir.is_dir() else []
    if len([n for n in names if n.endswith(".json")]) != len(docs):
        problems.append(f"unreadable entries in imports/: {names}")
    services = _services(ctx, "guideline_import")  # the next start (it syncs)
    _, sections, _ = load_sections(services.settings)
    check_index_consistent(services.index, sections, problems, facts, "after restart")
    doc = _import_guide(services, ctx)
    if not doc.chunks:
        problems.append("re-imported guide has no chunks")
    _, sections, _ = load_sections(services.settings)
    if not any(s.pack_id == doc.pack_id for s in sections):
        problems.append("re-imported guide is not among the sections")
    check_index_consistent(services.index, sections, problems, facts, "after re-import")
    found = services.index.keywords.search(["venlafaxine"], limit=5)
    if not any(key.startswith(doc.pack_id) for _, key, _ in found):
        problems.append("the re-imported guide is not found by its words")
    services.close()


def check_settings_save(ctx: Ctx, problems: list[str], facts: dict) -> None:
    acked = ctx.acknowledged()
    facts["saves_acknowledged"] = acked + 1
    try:
        settings = app_settings.load_settings({"LANTERN_HOME": str(ctx.home)})
    except app_settings.SettingsError as exc:
        problems.append(f"settings do not load after the crash: {exc}")
        return
    if hasattr(app_settings, "save_settings") and acked >= 0:
        saved = settings.max_answer_sentences - 100
        if saved not in (acked, acked + 1):
            problems.append(f"settings hold save {saved}, the last acknowledged was {acked}")
    state_file = ctx.home / "models" / "state.json"
    if state_file.exists():
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except ValueError:
            problems.append("the model store's state is not valid JSON")
            state = {}
        if acked >= 0 and state.get("selected") not in ("tiny-a", "tiny-b"):
            problems.append(f"the chosen model is {state.get('selected')!r}")
    elif acked >= 0:
        problems.append("the model store's state is gone")
    save = getattr(app_settings, "save_settings", None)  # saving again works
    if save is not None:
        save(ctx.home, font_size=12)
    ModelStore(ctx.home).use("tiny-a")
    app_settings.load_settings({"LANTERN_HOME": str(ctx.home)})


CHECKS: dict[str, Callable[[Ctx, list[str], dict], None]] = {
    "record_import": check_record_import,
    "profile_edit": check_profile_edit,
    "index_build": lambda c, p, f: check_index_sync(c, p, f, "index_build"),
    "index_update": lambda c, p, f: check_index_sync(c, p, f, "index_update"),
    "guideline_import": check_guideline_import,
    "settings_save": check_settings_save,
}


# -- the fork server ----------------------------------------------------------------------------
def _child_setup(request: dict) -> Ctx:
    os.environ["LANTERN_HOME"] = request["home"]
    os.environ["TMPDIR"] = request["tmp"]
    tempfile.tempdir = None  # pick up the trial's TMPDIR
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return Ctx(Path(request["home"]), Path(request["work"]))


def _wait(pid: int, limit: float | None) -> tuple[bool, int]:
    """Wait for the child up to ``limit`` seconds; SIGKILL it if it is still running."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], CHILD_LIMIT if limit is None else limit)
    finally:
        os.close(fd)
    killed = not ready
    if killed:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return killed, os.waitstatus_to_exitcode(status)


def run(request: dict) -> dict:
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            OPS[request["run"]](_child_setup(request))
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stderr.flush()
            os._exit(code)
    killed, status = _wait(pid, request.get("kill_after"))
    if request.get("kill_after") is None and killed:
        status = -9999  # hung: killed at CHILD_LIMIT
    return {"killed": killed, "seconds": time.perf_counter() - start, "status": status}


def check(request: dict) -> dict:
    read_end, write_end = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        problems: list[str] = []
        facts: dict = {}
        try:
            ctx = _child_setup(request)
            CHECKS[request["check"]](ctx, problems, facts)
            facts["leftover_tmp"] = leftover_temp_files(ctx.home)
            hits = plaintext_hits([ctx.home, Path(request["tmp"])])
            if hits:
                problems.append(f"record plaintext on disk in {len(hits)} file(s): {hits}")
        except BaseException as exc:
            problems.append(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        with os.fdopen(write_end, "w") as out:
            json.dump({"problems": problems, "facts": facts}, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        raw = pipe.read()
    _, status = _wait(pid, None)
    result = json.loads(raw) if raw else {"problems": [f"check died (status {status})"]}
    result["seconds"] = time.perf_counter() - start
    return result


def main() -> int:
    for line in sys.stdin:
        request = json.loads(line)
        answer = run(request) if "run" in request else check(request)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
