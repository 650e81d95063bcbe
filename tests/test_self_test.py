"""``lantern --self-test`` from source: passes over a built index, fails on one line with the
reason, and cleans up the temporary data folder it makes. (The frozen bundle runs the same code
in ``make package-test``.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from desktop.cli import self_test
from tests.conftest import run_cli


def test_self_test_passes_over_a_built_index(cli_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(cli_home / "index", home / "index")  # no re-indexing: the index is current
    result = run_cli("--self-test", home=home, env={"QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "window shown" in out and "after process start" in out
    for step in ("answer engine ready ok", "answer ok", "keyring backends ok"):
        assert f"self-test: {step}" in out
    assert "record import into a passphrase vault ok" in out
    assert out.strip().splitlines()[-1].startswith("self-test: passed in")
    assert not list((home / "vaults").glob("*/*.txt"))  # nothing of the record in the clear


def test_self_test_fails_on_one_line_with_the_reason(tmp_path: Path) -> None:
    result = run_cli(
        "--self-test",
        "--timeout",
        "60",
        home=tmp_path / "home",
        env={"QT_QPA_PLATFORM": "offscreen", "LANTERN_EMBEDDING_MODEL": str(tmp_path / "no.gguf")},
        timeout=120,
    )
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if "FAILED" in line]
    assert len(failed) == 1 and "answer engine did not start" in failed[0]


def test_a_temporary_home_is_made_and_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LANTERN_HOME", raising=False)
    seen: list[Path] = []

    def fake_run(args, started: float) -> None:
        home = Path(os.environ["LANTERN_HOME"])
        assert home.is_dir()
        seen.append(home)

    monkeypatch.setattr(self_test, "run", fake_run)
    assert self_test.main([]) == 0
    assert seen and not seen[0].exists()


def test_an_unexpected_error_is_a_one_line_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args, started: float) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(self_test, "run", broken)
    assert self_test.main([]) == 1
    out = capsys.readouterr().out
    assert out == "self-test: FAILED: RuntimeError: boom second line\n"
