"""The storing operations of the crash trials, done through the app's own code, and what they
share with the checks: the data folder context, the passphrase, the canary and a stand-in
embedder (embedding is pure computation with no writes, so a deterministic hashing embedder
puts the kill moments on the writes; ``LANTERN_CRASH_EMBEDDER=real`` loads the real model).

Operations: ``record_import`` (a passphrase vault created, three documents imported with
search and profile), ``profile_edit`` (corrections and added facts, each acknowledged in a
file after it returned), ``index_build`` and ``index_update`` (guideline index sync from
nothing, and from pack v1 to v2), ``guideline_import`` (a guideline PDF imported and indexed
through the services), ``settings_save`` (``settings.toml`` and the chosen model),
``vault_create`` (passphrase vaults created, every second one's predecessor destroyed) and
``history_append`` (answers appended to the opt-in ``history.jsonl``; each is made about
``HISTORY_BODY`` characters long so a kill can land inside the append's write, which for a
real answer of a few kilobytes is a rare moment)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop import offline

offline.apply()


import desktop.settings as app_settings  # noqa: E402
from desktop.core.answer.engine import AnswerEngine, EngineConfig  # noqa: E402
from desktop.core.answer.history import FileHistory  # noqa: E402
from desktop.core.answer.schema import Answer, Section  # noqa: E402
from desktop.core.knowledge.index import GuidelineIndex  # noqa: E402
from desktop.core.knowledge.pdf_import import ImportedDocument  # noqa: E402
from desktop.core.knowledge.retrieve import Retriever  # noqa: E402
from desktop.core.models.store import ModelStore  # noqa: E402
from desktop.core.progress import drive  # noqa: E402
from desktop.core.records.keys import PassphraseWrapper  # noqa: E402
from desktop.core.records.session import PatientSession  # noqa: E402
from desktop.core.records.vault import Vault, destroy, patient_ids  # noqa: E402
from desktop.services import Services, load_sections  # noqa: E402
from tests.core.records.helpers import fake_embed  # noqa: E402

PASSPHRASE = "crash trial passphrase"
CANARY = "WOMBAT-7Q2K9"  # in the record files and the patient's name; never on disk in clear
PATIENT = f"Jane {CANARY}"
EDITS = 40  # profile edits per profile_edit run
SAVES = 60  # settings saves per settings_save run
CREATES = 6  # vaults created per vault_create run (each costs a scrypt key derivation)
APPENDS = 24  # answers appended per history_append run
HISTORY_BODY = 400_000  # characters per appended answer
ACK = "acknowledged.txt"  # indices of edits/saves that returned, one per line
CHILD_LIMIT = 120.0  # seconds a child may run before the server calls it hung
GUIDE_TITLE = "Crash trial guide"


class HashEmbedder:
    """Deterministic bag-of-words hashing vectors (64 dimensions, normalised)."""

    identity = "crash-trial-hash-64"

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return fake_embed(texts)

    def embed_one(self, text: str) -> list[float]:
        return self.embed([text])[0]

    def close(self) -> None:
        pass


def make_embedder():  # -> HashEmbedder | desktop.core.models.embed.Embedder
    if os.environ.get("LANTERN_CRASH_EMBEDDER") == "real":
        from desktop.core.models.embed import Embedder, embedding_spec

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


def _session(ctx: Ctx, embedder) -> PatientSession:
    wrapper = PassphraseWrapper(PASSPHRASE)
    ids = patient_ids(ctx.home)
    if not ids:
        vault = Vault.create(ctx.home, PATIENT, wrapper)
        session = PatientSession(vault, embedder.embed, embedder.identity)
        _drain(session.refresh())
        return session
    return drive(
        PatientSession.open(ctx.home, ids[0], wrapper, embedder.embed, embedder.identity)
    )


def op_record_import(ctx: Ctx) -> None:
    session = _session(ctx, make_embedder())
    report = drive(session.import_files(ctx.record_files))
    if report.errors:
        raise report.errors[0]
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
    doc = drive(services.import_guideline(ctx.work / "guide.pdf", GUIDE_TITLE, "Test", 2025))
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


def vault_name(i: int) -> str:
    return f"{PATIENT} {i}"


def op_vault_create(ctx: Ctx) -> None:
    """Create vault i, and after each odd i destroy vault i-1; acknowledge i after both."""
    wrapper = PassphraseWrapper(PASSPHRASE)
    made: dict[int, str] = {}
    for i in range(CREATES):
        vault = Vault.create(ctx.home, vault_name(i), wrapper)
        made[i] = vault.patient_id
        vault.close()
        if i % 2:
            destroy(ctx.home, made.pop(i - 1), wrapper)
        ctx.ack(i)


def history_question(i: int) -> str:
    return f"crash question {i}: qu'est-ce que la ménopause ?"  # non-ASCII: torn characters


def op_history_append(ctx: Ctx) -> None:
    history = FileHistory(ctx.home / "history.jsonl")
    body = ("Hot flushes é " * (HISTORY_BODY // 14 + 1))[:HISTORY_BODY]
    for i in range(APPENDS):
        history.add(Answer(question=history_question(i), sections=[Section("In short", body)]))
        ctx.ack(i)


OPS: dict[str, Callable[[Ctx], None]] = {
    "record_import": op_record_import,
    "profile_edit": op_profile_edit,
    "index_build": lambda ctx: op_index_sync(ctx, "index_build"),
    "index_update": lambda ctx: op_index_sync(ctx, "index_update"),
    "guideline_import": op_guideline_import,
    "settings_save": op_settings_save,
    "vault_create": op_vault_create,
    "history_append": op_history_append,
}
