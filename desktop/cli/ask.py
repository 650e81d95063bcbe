"""``lantern ask``: answer one question (Markdown, or JSON with --json) or a batch file of
questions (JSON Lines), from the guidelines alone or personalised with a patient's records,
quoted (extractive) or written by a language model (--mode, --model)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from desktop.cli.errors import UserError, user_errors
from desktop.settings import Settings


def run(settings: Settings, args: argparse.Namespace) -> int:
    from desktop.core.answer.engine import QuestionError
    from desktop.services import build_services

    questions = _questions(args)
    services = build_services(settings)
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


def _questions(args: argparse.Namespace) -> list[str]:
    """The question, or the batch file's non-empty lines."""
    if args.batch and args.question:
        raise UserError("give either a question or --batch FILE, not both")
    if args.batch:
        path = Path(args.batch)
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read batch file {path}: {exc}") from exc
        return [line.strip() for line in lines if line.strip()]
    if args.question is not None:
        return [args.question]
    raise UserError('no question given: lantern ask "QUESTION" or --batch FILE')


def _generator(settings: Settings, args: argparse.Namespace):
    """The language model for --mode/--model (None: extractive); auto mode says on stderr
    why it answers without one, llm mode fails with the reason."""
    from desktop.core.llm.generator import ModelUnavailable
    from desktop.generator_choice import open_generator

    mode = args.mode or ("llm" if args.model else settings.answer_mode)
    if mode == "extractive":
        return None
    with user_errors(ModelUnavailable):
        choice = open_generator(settings, mode, args.model or "")
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
    from desktop.core.records.keys import VaultKeyError
    from desktop.core.records.patients import open_patient
    from desktop.core.records.session import PatientSession
    from desktop.core.records.vault import VaultError, patient_ids

    if patient_id not in patient_ids(settings.home):
        raise UserError(f"no patient '{patient_id}' (see 'lantern patients list')")
    with user_errors(VaultKeyError, VaultError):
        session = PatientSession(
            open_patient(settings.home, patient_id), embedder.embed, embedder.identity
        )
        try:
            drive(session.refresh())
        except BaseException:
            session.lock()
            raise
    return session
