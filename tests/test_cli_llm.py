"""``lantern ask --mode/--model`` from the command line with the tiny generated model (in this
process, through ``main(argv)``)."""

from __future__ import annotations

import json
from pathlib import Path

from models.make_tiny_gguf import bad_header_copy, write_model
from tests.conftest import Cli


def test_llm_mode_with_the_tiny_model_answers_and_says_how(
    cli: Cli, cli_home: Path, tmp_path: Path
) -> None:
    model = write_model(tmp_path / "tiny.gguf")
    question = "How do CDK4/6 inhibitors work?"
    result = cli("ask", "--json", "--mode", "llm", "--model", str(model), question, home=cli_home)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    # the tiny model writes nonsense: nothing it says is supported, so the answer falls back
    assert answer["mode"] == "extractive"
    assert "not well enough supported" in answer["notice"]
    assert answer["verification"]["removed"] >= 1 and answer["citations"]


def test_llm_mode_without_a_model_fails_in_one_line(cli: Cli, cli_home: Path) -> None:
    result = cli("ask", "--mode", "llm", "What is DCIS?", home=cli_home)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no language model is installed" in result.stderr


def test_a_bad_model_file_is_refused_in_one_line(cli: Cli, cli_home: Path, tmp_path: Path) -> None:
    bad = bad_header_copy(write_model(tmp_path / "t.gguf"), tmp_path / "bad.gguf")
    result = cli("ask", "--model", str(bad), "What is DCIS?", home=cli_home)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_auto_mode_falls_back_and_says_why(cli: Cli, cli_home: Path) -> None:
    result = cli("ask", "--json", "--mode", "auto", "What is DCIS?", home=cli_home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["mode"] == "extractive"
    assert "Answering from the guidelines" in result.stderr
