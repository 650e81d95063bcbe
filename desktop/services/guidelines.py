"""The guideline services (embedding model, packs, index, retriever, answer engine), built from
settings, and the jobs that change them (re-index, import or remove a guideline PDF).

``open_services`` is a job (``desktop.core.progress``): it yields indexing progress (the first
run builds the guideline index; later runs re-index only what changed) and returns the
``Services``; ``build_services`` runs it to the end (the command line, tests)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.answer.engine import AnswerEngine, EngineConfig
from desktop.core.knowledge.chroma_store import ChromaServerUnavailable, open_server
from desktop.core.knowledge.index import GuidelineIndex
from desktop.core.knowledge.pack import GuidelineSection, Pack, coverage_of, discover_packs
from desktop.core.knowledge.pdf_import import ImportedDocument, ImportStore
from desktop.core.knowledge.retrieve import Retriever
from desktop.core.models.embed import Embedder, embedding_spec
from desktop.core.progress import Job, Progress, drive
from desktop.settings import Settings, check_chroma_server_url

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    embedder: Embedder
    packs: list[Pack]
    index: GuidelineIndex
    retriever: Retriever
    engine: AnswerEngine
    problems: list[str] = field(default_factory=list)
    # things the user should know about how it runs, e.g. the clinic's server was down
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.retriever.close()
        self.index.close()
        self.embedder.close()

    def reindex(self) -> Job[None]:
        """Reload packs and imported documents and bring the index in line with them."""
        packs, sections, problems = load_sections(self.settings)
        yield from self.index.sync(sections)
        self.packs, self.problems = packs, problems
        self.retriever.sections = {s.key: s for s in sections}
        self.engine.coverage = coverage_of(packs)

    def import_guideline(
        self, path: Path, title: str, source: str, year: int
    ) -> Job[ImportedDocument]:
        """Import a guideline PDF and index it, yielding progress; returns the document.
        Closed part-way (cancelled), a new document is taken back out again."""
        store = ImportStore(self.settings.home)
        known = {d.sha256 for d in store.documents()}
        try:
            doc = yield from store.import_pdf(path, title, source, year)
            yield from self.reindex()
        except GeneratorExit:  # cancelled: take a new, half-indexed document back out
            new = [d for d in store.documents() if d.sha256 not in known]
            for added in new:
                store.remove(added.sha256)
            if new:
                drive(self.reindex())
            raise
        return doc

    def remove_guideline(self, ref: str) -> Job[ImportedDocument]:
        """Remove an imported guideline PDF and re-index; returns the document removed."""
        doc = ImportStore(self.settings.home).remove(ref)
        yield from self.reindex()
        return doc


def load_sections(settings: Settings) -> tuple[list[Pack], list[GuidelineSection], list[str]]:
    packs, problems = discover_packs(settings.guidelines_dir)
    sections: list[GuidelineSection] = []
    for doc in ImportStore(settings.home).documents():
        sections.extend(doc.sections())
    seen: set[str] = set()
    for pack in packs:
        problems.extend(f"{pack.id}: {p}" for p in pack.problems)
        for section in pack.sections:
            if section.key in seen:
                problems.append(f"{pack.id}: duplicate section id '{section.id}' skipped")
                continue
            seen.add(section.key)
            sections.append(section)
    return packs, sections, problems


def guideline_store(settings: Settings) -> tuple[Path, object | None, str]:
    """(folder of the local keyword store, chroma client or None for the embedded store in that
    folder, notice). With ``chroma_server_url`` the vectors live on the clinic's server and the
    FTS5 keyword store stays on this computer, one per server address; a server that does not
    answer falls back to the embedded index in the data folder, with a notice saying so."""
    if not settings.chroma_server_url:
        return settings.index_dir, None, ""
    host, port, _ = check_chroma_server_url(settings.chroma_server_url)
    try:
        client = open_server(settings.chroma_server_url)
    except ChromaServerUnavailable as exc:
        notice = f"{exc}. Lantern uses the guideline index on this computer instead."
        log.warning("%s", notice)
        return settings.index_dir, None, notice
    return settings.home / "index-server" / f"{host}-{port}", client, ""


def open_services(settings: Settings) -> Job[Services]:
    """Load the embedding model and the packs and bring the index up to date, yielding
    progress; returns the services."""
    yield Progress(0, 0, "Loading the embedding model")
    embedder = Embedder(embedding_spec(settings.embedding_model))
    packs, sections, problems = load_sections(settings)
    if settings.chroma_server_url:
        yield Progress(0, 0, "Connecting to the clinic's guideline server")
    index_dir, client, notice = guideline_store(settings)
    if notice:
        yield Progress(0, 0, notice)
    index = GuidelineIndex(index_dir, embedder, chroma_client=client)
    yield from index.sync(sections)
    retriever = Retriever(index, {s.key: s for s in sections})
    engine = AnswerEngine(
        retriever,
        index,
        EngineConfig(settings.top_sections, settings.max_answer_sentences),
        coverage_of(packs),
    )
    notices = [notice] if notice else []
    return Services(settings, embedder, packs, index, retriever, engine, problems, notices)


def build_services(settings: Settings) -> Services:
    """Run ``open_services`` to the end (the command line, tests)."""
    return drive(open_services(settings))
