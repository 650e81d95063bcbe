"""Building the services the window and the commands use, from settings.

``open_services`` is a generator: it yields indexing progress (the first run builds the
guideline index; later runs re-index only what changed) and finally the ``Services``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.answer.engine import AnswerEngine, EngineConfig
from desktop.core.knowledge.chroma_store import ChromaServerUnavailable, open_server
from desktop.core.knowledge.index import GuidelineIndex, Progress
from desktop.core.knowledge.pack import GuidelineSection, Pack, coverage_of, discover_packs
from desktop.core.knowledge.pdf_import import ImportedDocument, ImportStore
from desktop.core.knowledge.retrieve import Retriever
from desktop.core.models.embed import Embedder, embedding_spec
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

    def reindex(self) -> Iterator[Progress]:
        """Reload packs and imported documents and bring the index in line with them."""
        packs, sections, problems = load_sections(self.settings)
        yield from self.index.sync(sections)
        self.packs, self.problems = packs, problems
        self.retriever.sections = {s.key: s for s in sections}
        self.engine.coverage = coverage_of(packs)

    def import_guideline(
        self, path: Path, title: str, source: str, year: int
    ) -> Iterator[Progress | ImportedDocument]:
        """Import a guideline PDF and index it; yields progress, then the document."""
        store = ImportStore(self.settings.home)
        known = {d.sha256 for d in store.documents()}
        doc = None
        try:
            for item in store.import_pdf(path, title, source, year):
                if isinstance(item, ImportedDocument):
                    doc = item
                else:
                    yield item
            yield from self.reindex()
        except GeneratorExit:  # cancelled: take a new, half-indexed document back out
            if doc is not None and doc.sha256 not in known:
                store.remove(doc.sha256)
                for _ in self.reindex():
                    pass
            raise
        if doc is not None:
            yield doc

    def remove_guideline(self, ref: str) -> Iterator[Progress | ImportedDocument]:
        doc = ImportStore(self.settings.home).remove(ref)
        yield from self.reindex()
        yield doc


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


def open_services(settings: Settings) -> Iterator[Progress | Services]:
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
    yield Services(settings, embedder, packs, index, retriever, engine, problems, notices)


def build_services(settings: Settings) -> Services:
    """Run ``open_services`` to the end (CLI use)."""
    for item in open_services(settings):
        if isinstance(item, Services):
            return item
    raise RuntimeError("open_services ended without services")
