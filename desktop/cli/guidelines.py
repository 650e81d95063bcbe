"""``lantern guidelines``: check the installed packs, rewrite a pack's manifest, and import,
list or remove the guideline PDFs a user owns (cited to the page)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.cli.errors import UserError, user_errors
from desktop.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.knowledge.pdf_import import ImportStore, PdfImportError

    command = args.guidelines_command
    if command == "check":
        return _check(settings)
    if command == "manifest":
        return _manifest(settings, args.pack, args.pack_version)
    store = ImportStore(settings.home)
    with user_errors(PdfImportError):
        if command == "list":
            return _list(store)
        if command == "remove":
            return _remove(settings, store, args.doc)
        if command == "import":
            return _import(settings, store, args)
    raise UserError(f"unknown guidelines command {command}")


def _manifest(settings: Settings, pack: str, version: str | None) -> int:
    from desktop.core.knowledge.validate import write_manifest

    root = settings.guidelines_dir / pack
    if not (root / "manifest.toml").is_file():
        raise UserError(f"no pack '{pack}' in {settings.guidelines_dir}")
    path = write_manifest(root, version=version)
    print(f"wrote {path}")
    return 0


def _check(settings: Settings) -> int:
    from desktop.core.knowledge.validate import check_pack

    roots = sorted(p.parent for p in settings.guidelines_dir.glob("*/manifest.toml"))
    if not roots:
        raise UserError(f"no guideline packs in {settings.guidelines_dir}")
    failed = False
    pack_folders: dict[str, str] = {}
    for root in roots:
        report = check_pack(root)
        if report.pack is not None:  # the app skips a second pack's sections with the same ids
            first = pack_folders.setdefault(report.pack.id, root.name)
            if first != root.name:
                report.errors.append(
                    f"manifest.toml: pack id '{report.pack.id}' is also used by the pack in "
                    f"{first}; sections with the same ids are skipped"
                )
        status = "ok" if report.ok else f"{len(report.errors)} problem(s)"
        print(f"{root.name}: {report.sections} sections, {status}")
        print(
            f"  reading level: {report.words_per_sentence:.1f} words per sentence, "
            f"Flesch reading ease {report.flesch_reading_ease:.0f}"
        )
        if report.hardest:
            print("  hardest to read: " + ", ".join(f"{i} ({s:.0f})" for i, s in report.hardest))
        for error in report.errors:
            print(f"  - {error}")
        failed = failed or not report.ok
    return 1 if failed else 0


def _list(store) -> int:
    docs = store.documents()
    if not docs:
        print("no imported guideline documents")
    for doc in docs:
        print(
            f"{doc.pack_id}\t{doc.title}\t{doc.source} {doc.year}\t{doc.pages} pages\t"
            f"{len(doc.chunks)} passages"
        )
    return 0


def _remove(settings: Settings, store, doc_id: str) -> int:
    from desktop.core.progress import drive
    from desktop.services import build_services

    if store.find(doc_id) is None:
        raise UserError(f"no imported document '{doc_id}' (see 'guidelines list')")
    services = build_services(settings)
    try:
        doc = drive(services.remove_guideline(doc_id))
    finally:
        services.close()
    print(f"removed {doc.pack_id} ({doc.title})")
    return 0


def _import(settings: Settings, store, args: argparse.Namespace) -> int:
    from desktop.core.progress import drive
    from desktop.services import build_services

    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"no such file: {path}")
    known = {d.sha256 for d in store.documents()}
    services = build_services(settings)
    try:
        doc = drive(services.import_guideline(path, args.title, args.source, args.year))
    finally:
        services.close()
    if doc.sha256 in known:
        print(f"already imported as {doc.pack_id} ({doc.title}); nothing to do")
        return 0
    print(f"imported {doc.pack_id}: {doc.title}, {doc.pages} pages, {len(doc.chunks)} passages")
    if doc.empty_pages:
        pages = ", ".join(map(str, doc.empty_pages[:20]))
        print(f"note: no text layer on page(s) {pages}; those pages cannot be searched")
    return 0
