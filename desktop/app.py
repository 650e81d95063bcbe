"""Composition root: settings -> services -> the window or a command.

Expected failures (bad settings, a missing model, a missing file) end with one clear line on
stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from desktop.core.files import sweep_data_folder
from desktop.settings import Settings, SettingsError, default_home, load_settings

log = logging.getLogger("lantern")


class UserError(Exception):
    """An expected failure with a message for the user."""


def _configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.WARNING)
    logging.basicConfig(level=level, format="lantern %(levelname)s %(name)s: %(message)s")
    # pypdf warns once per damaged object (thousands of lines for one bad file); the import
    # itself says in one line what was wrong
    logging.getLogger("pypdf").setLevel(level if level <= logging.DEBUG else logging.ERROR)


def _window_settings() -> tuple[Settings, str]:
    """The window's settings, and what was wrong with the user's, if anything.

    A command stops at a bad settings file; the window, started from a menu where nobody
    reads stderr, opens with the default settings instead and says why in the window. The
    file itself is never changed (saving a setting re-reads it and refuses while it is bad)."""
    try:
        return load_settings(), ""
    except SettingsError as exc:
        problem = str(exc)
        print(f"lantern: {problem}; the window opens with default settings", file=sys.stderr)
        return Settings(home=default_home()), problem


def run(args: argparse.Namespace) -> int:
    try:
        window = args.command is None
        settings, problem = _window_settings() if window else (load_settings(), "")
        _configure_logging(settings)
        sweep_data_folder(settings.home)  # temp files a killed save left behind
        if window:
            return run_window(settings, getattr(args, "exit_when_shown", False), problem)
        if args.command == "ask":
            return cmd_ask(settings, args)
        if args.command == "doctor":
            from desktop.doctor import run_doctor

            return run_doctor(settings)
        if args.command == "guidelines":
            return cmd_guidelines(settings, args)
        if args.command == "patients":
            return cmd_patients(settings, args)
        if args.command == "records":
            return cmd_records(settings, args)
        if args.command == "models":
            from desktop.model_commands import cmd_models

            return cmd_models(settings, args)
        raise UserError(f"unknown command {args.command}")
    except (UserError, SettingsError) as exc:
        print(f"lantern: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into a reader that stopped (e.g. `| head`)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("lantern: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: keep the message, hide the traceback
        from desktop.core.models.embed import EmbeddingModelError

        if isinstance(exc, EmbeddingModelError):
            print(f"lantern: {exc}", file=sys.stderr)
            return 1
        log.debug("unexpected error", exc_info=True)
        print(f"lantern: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


def _services(settings: Settings):
    from desktop.core.models.embed import EmbeddingModelError
    from desktop.services import build_services

    try:
        return build_services(settings)
    except EmbeddingModelError as exc:
        raise UserError(str(exc)) from exc


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.answer.engine import QuestionError

    if args.batch and args.question:
        raise UserError("give either a question or --batch FILE, not both")
    if args.batch:
        path = Path(args.batch)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read batch file {path}: {exc}") from exc
        questions = [line.strip() for line in lines if line.strip()]
    elif args.question is not None:
        questions = [args.question]
    else:
        raise UserError('no question given: lantern ask "QUESTION" or --batch FILE')
    services = _services(settings)
    session = None
    personal = None
    generator = None
    try:
        generator = _generator(settings, args)
        if args.patient:
            from desktop.core.answer.personal import PersonalContext

            session = _open_session(settings, args.patient, services.embedder)
            personal = PersonalContext(session.profile, session.index)
        for question in questions:
            t0 = time.perf_counter()
            try:
                answer = _answer(services, question, personal, generator, settings)
            except QuestionError as exc:
                if not args.batch:
                    raise UserError(str(exc)) from exc
                print(json.dumps({"question": question, "error": str(exc)}))
                continue
            answer.timings_ms["ask_total"] = round((time.perf_counter() - t0) * 1000, 2)
            if args.json or args.batch:
                print(answer.to_json(), flush=True)
            else:
                print(answer.to_markdown(), flush=True)
    finally:
        if generator is not None:
            generator.close()
        if session is not None:
            session.lock()
        services.close()
    return 0


def _generator(settings: Settings, args: argparse.Namespace):
    """The language model for --mode/--model (None: extractive); auto mode says on stderr
    why it answers without one, llm mode fails with the reason."""
    from desktop.core.llm.generator import ModelUnavailable
    from desktop.generator_choice import open_generator

    mode = args.mode or ("llm" if args.model else settings.answer_mode)
    if mode == "extractive":
        return None
    try:
        choice = open_generator(settings, mode, args.model or "")
    except ModelUnavailable as exc:
        raise UserError(str(exc)) from exc
    if choice.generator is None and choice.note and args.mode == "auto":
        print(f"lantern: {choice.note} Answering from the guidelines.", file=sys.stderr)
    return choice.generator


def _answer(services, question: str, personal, generator, settings: Settings):
    from desktop.core.progress import drive

    if generator is None:
        return services.engine.ask(question, personal)
    return drive(
        services.engine.stream(question, personal, generator, settings.max_answer_tokens)
    )


def _open_session(settings: Settings, patient_id: str, embedder):
    """Unlock a patient (keyring, or LANTERN_VAULT_PASSPHRASE) and load her records."""
    from desktop.core.progress import drive
    from desktop.core.records.access import wrapper_for
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.session import PatientSession
    from desktop.core.records.vault import VaultError, patient_ids

    if patient_id not in patient_ids(settings.home):
        raise UserError(f"no patient '{patient_id}' (see 'lantern patients list')")
    try:
        return drive(
            PatientSession.open(
                settings.home,
                patient_id,
                wrapper_for(settings.home, patient_id),
                embedder.embed,
                embedder.identity,
            )
        )
    except (VaultKeyError, VaultError) as exc:
        raise UserError(str(exc)) from exc


def cmd_guidelines(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.knowledge.pdf_import import ImportStore, PdfImportError
    from desktop.core.knowledge.validate import check_pack, write_manifest

    store = ImportStore(settings.home)
    if args.guidelines_command in ("import", "list", "remove"):
        try:
            return _imports(settings, store, args)
        except PdfImportError as exc:
            raise UserError(str(exc)) from exc
    if args.guidelines_command == "manifest":
        root = settings.guidelines_dir / args.pack
        if not (root / "manifest.toml").is_file():
            raise UserError(f"no pack '{args.pack}' in {settings.guidelines_dir}")
        path = write_manifest(root, version=args.pack_version)
        print(f"wrote {path}")
        return 0
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


def _imports(settings: Settings, store, args: argparse.Namespace) -> int:
    from desktop.core.progress import drive

    if args.guidelines_command == "list":
        docs = store.documents()
        if not docs:
            print("no imported guideline documents")
        for doc in docs:
            print(
                f"{doc.pack_id}\t{doc.title}\t{doc.source} {doc.year}\t{doc.pages} pages\t"
                f"{len(doc.chunks)} passages"
            )
        return 0
    if args.guidelines_command == "remove":
        if store.find(args.doc) is None:
            raise UserError(f"no imported document '{args.doc}' (see 'guidelines list')")
        services = _services(settings)
        try:
            doc = drive(services.remove_guideline(args.doc))
        finally:
            services.close()
        print(f"removed {doc.pack_id} ({doc.title})")
        return 0
    path = Path(args.file)
    if not path.is_file():
        raise UserError(f"no such file: {path}")
    known = {d.sha256 for d in store.documents()}
    services = _services(settings)
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


def cmd_patients(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.records.access import (
        wrapper_for,
        wrapper_for_new_vault,
        wrapper_to_destroy,
    )
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.vault import Vault, VaultError, destroy, patient_ids

    try:
        if args.patients_command == "create":
            if not args.name.strip():
                raise UserError("the patient's name is empty")
            vault = Vault.create(settings.home, args.name.strip(), wrapper_for_new_vault())
            print(f"{vault.patient_id}\tcreated (key: {vault_source(settings, vault.patient_id)})")
            vault.close()
            return 0
        if args.patients_command == "list":
            ids = patient_ids(settings.home)
            if not ids:
                print("no patients yet: lantern patients create NAME")
            for pid in ids:
                try:
                    vault = Vault.open(settings.home, pid, wrapper_for(settings.home, pid))
                    name = vault.display_name
                    vault.close()
                except (VaultKeyError, VaultError) as exc:
                    name = f"(locked: {exc})"
                print(f"{pid}\t{name}")
            return 0
        if args.patients_command == "delete":
            if args.id not in patient_ids(settings.home):
                raise UserError(f"no patient '{args.id}' (see 'lantern patients list')")
            if not args.yes:
                if not sys.stdin.isatty():
                    raise UserError("deleting destroys the records for good; add --yes to confirm")
                typed = input(f"Type {args.id} to destroy this patient's records for good: ")
                if typed.strip() != args.id:
                    print("not deleted")
                    return 1
            destroy(settings.home, args.id, wrapper_to_destroy(settings.home, args.id))
            print(f"{args.id}\tdestroyed")
            return 0
    except (VaultKeyError, VaultError) as exc:
        raise UserError(str(exc)) from exc
    raise UserError(f"unknown patients command {args.patients_command}")


def cmd_records(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.records import importer
    from desktop.core.records.access import wrapper_for, wrapper_for_new_vault
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.vault import Vault, VaultError, patient_ids

    try:
        if args.patient in patient_ids(settings.home):
            vault = Vault.open(
                settings.home, args.patient, wrapper_for(settings.home, args.patient)
            )
        elif args.records_command == "import":
            vault = Vault.create(settings.home, args.patient, wrapper_for_new_vault())
            print(f"{vault.patient_id}\tnew patient created for this import")
        else:
            raise UserError(f"no patient '{args.patient}' (see 'lantern patients list')")
    except (VaultKeyError, VaultError) as exc:
        raise UserError(str(exc)) from exc
    try:
        if args.records_command == "list":
            docs = importer.documents(vault)
            if not docs:
                print("no documents")
            for doc in docs:
                print(
                    f"{doc.id}\t{doc.file_name}\t{doc.kind}\t{doc.pages} page(s)\t"
                    f"{doc.imported_at[:10]}"
                )
            return 0
        if args.records_command == "profile":
            return _print_profile(vault, args.json)
        if args.records_command == "fact":
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
                try:
                    profile.correct(vault, args.fact_id, "correct", args.value)
                except ValueError as exc:
                    raise UserError(str(exc)) from exc
            print(f"{args.fact_id}\tsaved")
            return 0
        if args.records_command == "remove":
            doc = importer.remove(vault, args.doc)
            print(f"{doc.id}\tremoved")
            return 0
        return _import_records(settings, vault, [Path(n) for n in args.files])
    finally:
        vault.close()


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


def _import_records(settings: Settings, vault, paths: list[Path]) -> int:
    """Import files, embed them for search, then refresh the cached profile."""
    from desktop.core.models.embed import Embedder, EmbeddingModelError, embedding_spec
    from desktop.core.progress import drive
    from desktop.core.records.importer import documents
    from desktop.core.records.session import PatientSession

    try:
        embedder = Embedder(embedding_spec(settings.embedding_model))
    except EmbeddingModelError as exc:
        raise UserError(str(exc)) from exc
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


def vault_source(settings: Settings, patient_id: str) -> str:
    from desktop.core.records.vault import read_header, vaults_dir

    return str(read_header(vaults_dir(settings.home) / patient_id).get("key_source"))


def display_problem() -> str | None:
    """Why a window cannot open here, or None."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run Lantern in a desktop "
            "session, start a virtual one (e.g. 'xvfb-run lantern'), or set "
            "QT_QPA_PLATFORM=offscreen to run without showing a window. The command line works "
            'without a display: lantern ask "your question"'
        )
    return None


def run_window(
    settings: Settings, exit_when_shown: bool = False, settings_problem: str = ""
) -> int:
    problem = display_problem()
    if problem:
        raise UserError(problem)
    from desktop.ui.main_window import launch

    return launch(settings, exit_when_shown, settings_problem)
