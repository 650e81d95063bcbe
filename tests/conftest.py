"""Test set-up: offscreen Qt, a temporary LANTERN_HOME per test, shared prebuilt services,
the command line in this process (``cli``) or in a fresh one (``run_cli``), a check that no
worker thread outlives its test, and the gui/cli/slow markers, set here by rule
(``pytest_collection_modifyitems``; ``make test-fast`` runs what is neither slow nor gui)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from desktop import offline
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model

offline.apply()

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"

# -- markers ----------------------------------------------------------------------------------
# cli: the command line's own modules, and any test that runs a command (the fixtures below)
CLI_MODULES = {"test_cli.py", "test_cli_llm.py", "test_models_cli.py", "test_self_test.py"}
CLI_FIXTURES = {"cli", "cli_home"}
# slow: a test that needs the real pack's guideline index (the shared ``services`` fixture
# builds it: about 45 s on a quiet machine), or one measured at more than ~2 s on its own with
# `pytest --durations=0` (the figures are in the comments), or a whole module of such tests
SLOW_FIXTURES = {"services", "cli_home"}
SLOW_MODULES: set[str] = set()
SLOW_TESTS: set[str] = set()


def _marks(item: pytest.Item) -> list[str]:
    path = Path(str(item.path))
    rel = path.relative_to(TESTS).as_posix() if path.is_relative_to(TESTS) else path.name
    fixtures = set(getattr(item, "fixturenames", ()))
    marks = []
    if rel.startswith("ui/") or "qtbot" in fixtures:
        marks.append("gui")
    if path.name in CLI_MODULES or fixtures & CLI_FIXTURES:
        marks.append("cli")
    name = f"{rel}::{item.name.split('[')[0]}"
    if fixtures & SLOW_FIXTURES or rel in SLOW_MODULES or name in SLOW_TESTS:
        marks.append("slow")
    return marks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        for mark in _marks(item):
            item.add_marker(mark)



@pytest.fixture(autouse=True)
def lantern_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "lantern-home"
    monkeypatch.setenv("LANTERN_HOME", str(home))
    for key in list(os.environ):
        if key.startswith("LANTERN_") and key != "LANTERN_HOME":
            monkeypatch.delenv(key)
    return home


@pytest.fixture(autouse=True)
def no_thread_left_behind() -> Iterator[None]:
    """Fails a test that leaves a job running (desktop.ui.jobs), after stopping it, so that
    it does not run on into the next test."""
    yield
    if "desktop.ui.jobs" in sys.modules:
        from desktop.ui import jobs

        left = jobs.running()
        if left:
            jobs.stop_all()
        assert not left, f"{left} job(s) still running after the test"


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory):
    """Services over the real pack, built once per session in their own home."""
    from desktop.services import build_services
    from desktop.settings import load_settings

    home = tmp_path_factory.mktemp("shared-home")
    svc = build_services(load_settings({"LANTERN_HOME": str(home)}))
    yield svc
    svc.close()


def run_cli(
    *args: str, home: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m desktop ARGS`` in a subprocess with LANTERN_HOME=home."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    full_env["LANTERN_HOME"] = str(home)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        cwd=REPO,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@dataclass(frozen=True)
class CliResult:
    """What a ``lantern`` command did: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], lantern_home: Path) -> Cli:
    """``lantern ARGS`` in this process, through ``desktop.__main__.main``: the environment
    ``run_cli`` gives a subprocess (no LANTERN_* variable but LANTERN_HOME=home, then ``env``),
    without the seconds of a new interpreter and its imports. A usage error (SystemExit) is
    its exit code, as in a subprocess."""
    from desktop.__main__ import main

    def run(*args: str, home: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
        capsys.readouterr()  # what the test printed before is not the command's
        with pytest.MonkeyPatch.context() as patch:
            for key in [k for k in os.environ if k.startswith("LANTERN_")]:
                patch.delenv(key)
            patch.setenv("LANTERN_HOME", str(home or lantern_home))
            for key, value in (env or {}).items():
                patch.setenv(key, value)
            try:
                code = main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture(scope="session")
def cli_home(services, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose guideline index is already built (shared by CLI tests): a copy of
    the shared services' index, which the CLI finds current (the same default settings)."""
    home = tmp_path_factory.mktemp("cli-home")
    shutil.copytree(services.settings.home / "index", home / "index")
    return home


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid ~650 kB llama GGUF with a chat template (read-only: copy before changing)."""
    return write_model(tmp_path_factory.mktemp("tiny-model") / "tiny.gguf")


@pytest.fixture(scope="session")
def truncated_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return truncated_copy(tiny_model, tmp_path_factory.mktemp("truncated") / "cut.gguf")


@pytest.fixture(scope="session")
def bad_header_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bad_header_copy(tiny_model, tmp_path_factory.mktemp("bad-header") / "bad.gguf")
