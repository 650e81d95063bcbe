"""The command line's arguments: one parser for every command, errors in one line (exit 2).

lantern ask "QUESTION" [--json] [--patient ID] [--mode auto|llm|extractive] [--model M]
lantern ask --json --batch FILE
lantern doctor
lantern guidelines check|manifest|import|list|remove
lantern models list|import PATH|verify NAME|use NAME|remove NAME [--yes]
lantern patients list|create NAME|delete ID
lantern records import FILE... --patient ID
lantern records list|profile [--json]|remove DOC|fact FACT_ID --patient ID

Imported only when there are arguments: the window's start parses nothing."""

from __future__ import annotations

import argparse
import sys


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        print(f"lantern: {message} (see 'lantern --help')", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    from desktop import __version__

    parser = _Parser(prog="lantern", description="Private, offline answers about breast cancer.")
    parser.add_argument("--version", action="version", version=f"lantern {__version__}")
    parser.add_argument("--exit-when-shown", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    ask = sub.add_parser("ask", help="answer a question and print it")
    ask.add_argument("question", nargs="?", help="the question (omit with --batch)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", metavar="FILE", help="one question per line; JSON Lines out")
    ask.add_argument("--patient", metavar="ID", help="personalise with this patient's records")
    ask.add_argument(
        "--mode",
        choices=("auto", "llm", "extractive"),
        default=None,
        help="auto: a language model when one is set up and loads, else quoted (extractive)",
    )
    ask.add_argument("--model", metavar="PATH|NAME", help="a GGUF file or an installed model")

    patients = sub.add_parser("patients", help="patients and their encrypted vaults")
    psub = patients.add_subparsers(dest="patients_command", required=True, parser_class=_Parser)
    psub.add_parser("list", help="list patients (names are decrypted for display only)")
    create = psub.add_parser("create", help="create a patient with a new encrypted vault")
    create.add_argument("name", help="the display name (stored encrypted)")
    delete = psub.add_parser("delete", help="destroy a patient's vault (cannot be undone)")
    delete.add_argument("id", help="the patient id shown by 'patients list'")
    delete.add_argument("--yes", action="store_true", help="confirm without asking")

    records = sub.add_parser("records", help="a patient's documents (stored encrypted)")
    rsub = records.add_subparsers(dest="records_command", required=True, parser_class=_Parser)
    rimp = rsub.add_parser("import", help="import PDF or text files into a patient's vault")
    rimp.add_argument("files", nargs="+", metavar="FILE")
    rimp.add_argument("--patient", required=True, help="patient id (created if missing)")
    rlist = rsub.add_parser("list", help="list a patient's documents")
    rlist.add_argument("--patient", required=True)
    rprof = rsub.add_parser("profile", help="what Lantern read from the records, with evidence")
    rprof.add_argument("--patient", required=True)
    rprof.add_argument("--json", action="store_true", help="print JSON")
    rfact = rsub.add_parser("fact", help="confirm, correct or delete a profile fact")
    rfact.add_argument("fact_id", help="the fact id shown by 'records profile'")
    rfact.add_argument("--patient", required=True)
    action = rfact.add_mutually_exclusive_group(required=True)
    action.add_argument("--confirm", action="store_true", help="mark the fact as checked")
    action.add_argument("--value", help="correct the value (wins over later re-imports)")
    action.add_argument("--delete", action="store_true", help="hide a wrongly read fact")
    action.add_argument("--undo", action="store_true", help="forget your change to this fact")
    rrem = rsub.add_parser("remove", help="remove a document from a patient's vault")
    rrem.add_argument("doc")
    rrem.add_argument("--patient", required=True)

    sub.add_parser("doctor", help="check the environment and say how to fix problems")

    models = sub.add_parser("models", help="local language models (GGUF files)")
    msub = models.add_subparsers(dest="models_command", required=True, parser_class=_Parser)
    msub.add_parser("list", help="installed models and the recommended catalogue")
    mimp = msub.add_parser("import", help="import a GGUF file, or every GGUF in a folder")
    mimp.add_argument("path", help="a .gguf file, or a folder such as a USB stick")
    mver = msub.add_parser("verify", help="re-check an installed model's checksum and header")
    mver.add_argument("name", help="the model name shown by 'models list'")
    muse = msub.add_parser("use", help="choose the model that writes answers")
    muse.add_argument("name", help="the model name shown by 'models list'")
    mrem = msub.add_parser("remove", help="delete an installed model file")
    mrem.add_argument("name", help="the model name shown by 'models list'")
    mrem.add_argument("--yes", action="store_true", help="confirm without asking")

    guidelines = sub.add_parser("guidelines", help="guideline packs")
    gsub = guidelines.add_subparsers(dest="guidelines_command", required=True, parser_class=_Parser)
    gsub.add_parser("check", help="validate the installed packs")
    imp = gsub.add_parser("import", help="import a guideline PDF you own (cited to the page)")
    imp.add_argument("file", help="the PDF file")
    imp.add_argument("--title", required=True, help="the document's title")
    imp.add_argument("--source", required=True, help="who published it, e.g. NCCN")
    imp.add_argument("--year", required=True, type=int, help="the year of the edition")
    gsub.add_parser("list", help="list imported guideline documents")
    rem = gsub.add_parser("remove", help="remove an imported document")
    rem.add_argument("doc", help="the document id shown by 'guidelines list'")
    manifest = gsub.add_parser("manifest", help="rewrite a pack's manifest checksums")
    manifest.add_argument("--pack", default="breast-cancer")
    manifest.add_argument("--version", dest="pack_version")
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    """The command and its options; exits 2 with one line on stderr for a usage error (and
    0 after printing --help or --version)."""
    return build_parser().parse_args(argv)
