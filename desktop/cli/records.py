"""``lantern records``: import a patient's documents into her encrypted vault, list and remove
them, show what Lantern read from them (the profile, with evidence) and confirm, correct or
delete a fact.

The vault is opened (or, for an import to a new id, created) through
``desktop.core.records.patients``: the same passphrase policy as ``lantern patients``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.cli.errors import UserError, user_errors
from desktop.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.records import importer

    vault = _vault(settings.home, args.patient, create=args.records_command == "import")
    try:
        command = args.records_command
        if command == "list":
            return _list(vault)
        if command == "profile":
            return _print_profile(vault, args.json)
        if command == "fact":
            return _fact(vault, args)
        if command == "remove":
            doc = importer.remove(vault, args.doc)
            print(f"{doc.id}\tremoved")
            return 0
        return _import(settings, vault, [Path(n) for n in args.files])
    finally:
        vault.close()


def _vault(home: Path, patient_id: str, create: bool):
    """Her vault, unlocked; with ``create``, a new patient named ``patient_id`` if there is
    no such patient yet."""
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.patients import PatientError, create_patient, open_patient
    from desktop.core.records.vault import VaultError, patient_ids

    with user_errors(VaultKeyError, VaultError, PatientError):
        if patient_id in patient_ids(home):
            return open_patient(home, patient_id)
        if create:
            vault = create_patient(home, patient_id)
            print(f"{vault.patient_id}\tnew patient created for this import")
            return vault
    raise UserError(f"no patient '{patient_id}' (see 'lantern patients list')")


def _list(vault) -> int:
    from desktop.core.records import importer

    docs = importer.documents(vault)
    if not docs:
        print("no documents")
    for doc in docs:
        print(f"{doc.id}\t{doc.file_name}\t{doc.kind}\t{doc.pages} page(s)\t{doc.imported_at[:10]}")
    return 0


def _fact(vault, args: argparse.Namespace) -> int:
    from desktop.core.records import profile

    if profile.build_profile(vault).fact(args.fact_id) is None:
        raise UserError(f"no fact '{args.fact_id}' (see 'records profile')")
    if args.undo:
        profile.undo_correction(vault, args.fact_id)
    elif args.delete:
        profile.correct(vault, args.fact_id, "delete")
    elif args.confirm:
        profile.correct(vault, args.fact_id, "confirm")
    else:
        with user_errors(ValueError):
            profile.correct(vault, args.fact_id, "correct", args.value)
    print(f"{args.fact_id}\tsaved")
    return 0


def _print_profile(vault, as_json: bool) -> int:
    from desktop.core.records.profile import build_profile

    built = build_profile(vault)
    if as_json:
        payload = {"patient": vault.patient_id, **built.to_dict()}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    if not built.facts:
        print("no facts found in this patient's documents")
    conflicts = built.conflicts()
    for f in built.facts:
        where = "entered by you"
        if f.evidence is not None and f.doc_id in built.documents:
            title = built.documents[f.doc_id].title
            where = f'{title}, p. {f.evidence.page}: "{f.evidence.text}"'
        extras = ", ".join(f"{k} {v}" for k, v in f.details.items())
        marks = " [corrected]" if f.source == "corrected" else ""
        marks += " [confirmed]" if f.confirmed and f.source == "extracted" else ""
        marks += " [conflict]" if f.field in conflicts else ""
        when = f" ({f.date})" if f.date else ""
        value = f"{f.value} ({extras})" if extras else f.value
        print(f"{f.id}\t{f.label}: {value}{when}{marks}  <- {where}")
    return 0


def _import(settings: Settings, vault, paths: list[Path]) -> int:
    """Import files, embed them for search, then refresh the cached profile."""
    from desktop.core.models.embed import Embedder, embedding_spec
    from desktop.core.progress import drive
    from desktop.core.records.importer import documents
    from desktop.core.records.session import PatientSession

    embedder = Embedder(embedding_spec(settings.embedding_model))
    known = {d.sha256 for d in documents(vault)}
    session = PatientSession(vault, embedder.embed, embedder.identity)
    try:
        report = drive(session.import_files(paths))
    finally:
        embedder.close()
    for error in report.errors:
        print(f"lantern: {error}", file=sys.stderr)
    for item in report.documents:
        if item.sha256 in known:
            print(f"{item.id}\talready imported ({item.file_name})")
            continue
        known.add(item.sha256)
        print(f"{item.id}\timported {item.file_name}: {item.pages} page(s)")
        for page in item.empty_pages[:20]:
            print(f"note: page {page} has no text layer (a scanned image?)")
    return 1 if report.errors else 0
