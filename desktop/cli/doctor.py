"""``lantern doctor``: checks the environment and prints each problem with its fix."""

from __future__ import annotations

import argparse
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from desktop.settings import Settings

MIN_FREE_BYTES = 1_000_000_000


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False  # a problem that leaves the rest of the app working


def check_embedding(settings: Settings) -> Check:
    from desktop.core.models.embed import Embedder, EmbeddingModelError, embedding_spec

    try:
        spec = embedding_spec(settings.embedding_model)
        embedder = Embedder(spec)
        vec = embedder.embed_one("breast cancer")
        embedder.close()
        return Check("embedding model", True, f"{spec.name} loads ({len(vec)} dimensions)")
    except EmbeddingModelError as exc:
        return Check(
            "embedding model",
            False,
            str(exc),
            "run 'make run' (or 'python models/prepare_embedding.py') to prepare it",
        )


def check_packs(settings: Settings) -> Check:
    from desktop.services import load_sections

    packs, sections, problems = load_sections(settings)
    if not sections:
        return Check(
            "guideline packs",
            False,
            f"no sections found in {settings.guidelines_dir}",
            "reinstall Lantern, or point LANTERN_GUIDELINES_DIR at the guidelines folder",
        )
    detail = f"{len(packs)} pack(s), {len(sections)} sections"
    if problems:
        return Check(
            "guideline packs",
            False,
            f"{detail}; {len(problems)} problem(s): {problems[0]}",
            "run 'lantern guidelines check' for the full list",
            warning=True,
        )
    return Check("guideline packs", True, detail)


def check_keyring(settings: Settings) -> Check:
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
    except Exception as exc:  # keyring raises assorted errors when its backends are broken
        return Check(
            "keyring",
            False,
            f"keyring unavailable: {exc}",
            "records will use a passphrase instead",
            warning=True,
        )
    name = type(backend).__module__ + "." + type(backend).__name__
    if isinstance(backend, fail.Keyring) or "plaintext" in name.lower():
        return Check(
            "keyring",
            False,
            f"no usable OS keyring ({name})",
            "install and unlock a Secret Service (e.g. GNOME Keyring), or use a "
            "passphrase for the records vault (LANTERN_VAULT_PASSPHRASE on the "
            "command line)",
            warning=True,
        )
    return Check("keyring", True, name)


def check_display(settings: Settings) -> Check:
    from desktop.cli.errors import display_problem

    problem = display_problem()
    if problem:
        return Check(
            "display",
            False,
            "no display: the window cannot open",
            "use a desktop session, xvfb-run, or QT_QPA_PLATFORM=offscreen; "
            "the command line works without one",
            warning=True,
        )
    return Check("display", True, "a display (or an offscreen platform) is available")


def check_data_folder(settings: Settings) -> Check:
    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return Check(
            "data folder",
            False,
            f"{home} is not writable ({exc.strerror})",
            "set LANTERN_HOME to a folder you can write to",
        )
    return Check("data folder", True, str(home))


def check_disk(settings: Settings) -> Check:
    target = settings.home if settings.home.exists() else settings.home.parent
    while not target.exists():
        target = target.parent
    free = shutil.disk_usage(target).free
    if free < MIN_FREE_BYTES:
        return Check(
            "free disk",
            False,
            f"only {free / 1e9:.1f} GB free",
            "free at least 1 GB for the index and records",
        )
    return Check("free disk", True, f"{free / 1e9:.1f} GB free")


CHECKS: list[Callable[[Settings], Check]] = [
    check_data_folder,
    check_disk,
    check_embedding,
    check_packs,
    check_keyring,
    check_display,
]


def run(settings: Settings, args: argparse.Namespace | None = None) -> int:
    failed = False
    for fn in CHECKS:
        result = fn(settings)
        mark = "ok " if result.ok else ("warn" if result.warning else "FAIL")
        print(f"[{mark}] {result.name}: {result.detail}")
        if not result.ok:
            print(f"       fix: {result.fix}")
            failed = failed or not result.warning
    return 1 if failed else 0
