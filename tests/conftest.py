"""Test set-up: offscreen Qt, a temporary LANTERN_HOME per test, shared prebuilt services,
and a check that no worker thread outlives its test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from desktop import offline
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model

offline.apply()

REPO = Path(__file__).resolve().parent.parent


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


@pytest.fixture(scope="session")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose index the CLI has already built (shared by CLI tests)."""
    home = tmp_path_factory.mktemp("cli-home")
    result = run_cli("ask", "What is DCIS?", home=home)
    assert result.returncode == 0, result.stderr
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
