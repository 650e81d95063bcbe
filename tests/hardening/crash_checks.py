"""The checks of the crash trials: what "the next start" must find after a kill.

Each opens what the operation left behind, finishes what the app finishes on start (the index
sync, the profile), checks it (the vault opens with the passphrase; every listed document
decrypts with its pages, facts and search passages; no orphan blobs; acknowledged edits kept;
chroma and FTS hold the packs' passage ids; settings load; every acknowledged vault and
history entry is there) and then imports again. Before any of it, the driver runs the start's
sweep of the data folder; afterwards none of our temp files, build folders or headerless
vault folders may be left (``leftovers``)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

from desktop import offline

offline.apply()


import desktop.settings as app_settings  # noqa: E402
from desktop.core.answer.history import FileHistory  # noqa: E402
from desktop.core.answer.schema import Answer  # noqa: E402
from desktop.core.files import is_temp_name  # noqa: E402
from desktop.core.knowledge.chunking import section_units  # noqa: E402
from desktop.core.knowledge.index import QUOTABLE, GuidelineIndex  # noqa: E402
from desktop.core.knowledge.pdf_import import ImportStore  # noqa: E402
from desktop.core.models.store import ModelStore  # noqa: E402
from desktop.core.progress import drive  # noqa: E402
from desktop.core.records import importer, profile  # noqa: E402
from desktop.core.records.keys import PassphraseWrapper  # noqa: E402
from desktop.core.records.session import PatientSession  # noqa: E402
from desktop.core.records.vault import PATIENT_ID, Vault, patient_ids, vaults_dir  # noqa: E402
from desktop.services import load_sections  # noqa: E402
from tests.hardening.crash_ops import (  # noqa: E402
    CANARY,
    EDITS,
    PASSPHRASE,
    PATIENT,
    Ctx,
    _drain,
    _edit_targets,
    _import_guide,
    _index,
    _services,
    _session,
    history_question,
    make_embedder,
    vault_name,
)


def leftover_temp_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.tmp"))


def leftovers(root: Path) -> list[str]:
    """What a crash left that the next start should have cleared: our temp files anywhere,
    and in the vaults folder anything but complete patient-id folders."""
    found = [str(p.relative_to(root)) for p in root.rglob("*") if is_temp_name(p.name)]
    vaults = vaults_dir(root)
    if vaults.is_dir():
        found += [
            str(p.relative_to(root))
            for p in vaults.iterdir()
            if not (PATIENT_ID.match(p.name) and (p / "vault.json").is_file())
        ]
    return sorted(found)


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
    errors = [str(e) for e in drive(session.import_files(ctx.record_files)).errors]
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


def check_vault_create(ctx: Ctx, problems: list[str], facts: dict) -> None:
    acked = ctx.acknowledged()
    facts["creates_acknowledged"] = acked + 1
    wrapper = PassphraseWrapper(PASSPHRASE)
    listed: dict[int, str] = {}
    for patient_id in patient_ids(ctx.home):  # the listing cleans up after the crash
        try:
            vault = Vault.open(ctx.home, patient_id, wrapper)
        except Exception as exc:
            problems.append(f"a listed vault does not open: {type(exc).__name__}: {exc}")
            continue
        listed[int(vault.display_name.rsplit(" ", 1)[1])] = patient_id
        vault.close()
    # vault j is destroyed once vault j+1 is made, for even j: in the step after the last
    # acknowledged one, vault acked+1 may be made and (for even acked) vault acked destroyed
    in_flight = {acked + 1} | ({acked} if acked % 2 == 0 and acked >= 0 else set())
    required = {j for j in range(acked + 1) if j % 2 or j + 1 > acked} - in_flight
    facts["vaults_after_crash"] = len(listed)
    if not required <= listed.keys():
        problems.append(f"acknowledged vaults lost: {sorted(required - listed.keys())}")
    if not listed.keys() <= required | in_flight:
        problems.append(f"vaults that should not exist: {sorted(listed.keys() - required)}")
    again = Vault.create(ctx.home, vault_name(99), wrapper)  # creating works again
    again.close()
    if again.patient_id not in patient_ids(ctx.home):
        problems.append("a vault created after the crash is not listed")


def check_history_append(ctx: Ctx, problems: list[str], facts: dict) -> None:
    acked = ctx.acknowledged()
    facts["appends_acknowledged"] = acked + 1
    path = ctx.home / "history.jsonl"
    data = path.read_bytes() if path.is_file() else b""
    facts["torn_tail"] = bool(data) and not data.endswith(b"\n")
    history = FileHistory(path)
    got = {e.question for e in history.entries()}
    want = {history_question(i) for i in range(acked + 1)}
    if not want <= got:
        problems.append(f"acknowledged history entries lost: {len(want - got)}")
    if not got <= want | {history_question(acked + 1)}:
        problems.append(f"history entries that were never added: {len(got - want)}")
    history.add(Answer(question="after the crash"))
    lines = path.read_bytes().split(b"\n")
    if lines[-1] != b"":
        problems.append("history.jsonl does not end with a whole line")
    bad = 0
    for line in lines[:-1]:
        try:
            json.loads(line)
        except ValueError:
            bad += 1
    if bad:
        problems.append(f"history.jsonl keeps {bad} torn line(s) after the next start")
    if "after the crash" not in {e.question for e in FileHistory(path).entries()}:
        problems.append("the entry added after the crash is lost")


CHECKS: dict[str, Callable[[Ctx, list[str], dict], None]] = {
    "record_import": check_record_import,
    "profile_edit": check_profile_edit,
    "index_build": lambda c, p, f: check_index_sync(c, p, f, "index_build"),
    "index_update": lambda c, p, f: check_index_sync(c, p, f, "index_update"),
    "guideline_import": check_guideline_import,
    "settings_save": check_settings_save,
    "vault_create": check_vault_create,
    "history_append": check_history_append,
}
