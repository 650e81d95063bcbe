"""The CLI contract: ask (Markdown, --json, --batch), doctor, guidelines, patients, records,
errors as one line. In this process through ``main(argv)`` (the ``cli`` fixture); the entry
point, its exit codes and the window's start without a display in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, Cli
from tests.contract import FIELDS

PASSPHRASE = {"LANTERN_VAULT_PASSPHRASE": "correct horse battery"}


def test_ask_json(cli: Cli, cli_home: Path) -> None:
    result = cli(
        "ask", "--json", "How does CAR-T cell therapy work for breast cancer?", home=cli_home
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= set(FIELDS)
    assert data["mode"] == "extractive" and data["citations"]
    assert "[1]" in data["answer_markdown"]
    assert result.stderr == ""


def test_ask_markdown(cli: Cli, cli_home: Path) -> None:
    result = cli("ask", "What is a mastectomy?", home=cli_home)
    assert result.returncode == 0
    assert "**Sources**" in result.stdout and "not medical advice" in result.stdout


def test_batch_is_json_lines(cli: Cli, cli_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text("What is DCIS?\n\nWhat is tamoxifen?\nWhat is lymphedema?\n")
    result = cli("ask", "--json", "--batch", str(batch), home=cli_home)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["question"] for d in lines] == [
        "What is DCIS?",
        "What is tamoxifen?",
        "What is lymphedema?",
    ]


def test_expected_errors_are_one_line(cli: Cli, cli_home: Path, tmp_path: Path) -> None:
    for args in (
        ("ask",),
        ("ask", "--batch", str(tmp_path / "missing.txt")),
        ("ask", "--bogus"),
        ("ask", "   "),
    ):
        result = cli(*args, home=cli_home)
        assert result.returncode != 0, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_bad_settings_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "settings.toml").write_text("top_sections = [")
    result = cli("ask", "What is DCIS?", home=home)
    assert result.returncode == 1 and "not valid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_doctor_reports_each_check(cli: Cli, cli_home: Path) -> None:
    result = cli("doctor", home=cli_home)
    assert "[ok ] embedding model" in result.stdout
    assert "guideline packs" in result.stdout and "keyring" in result.stdout


def _fresh_process(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m desktop ARGS`` in a new interpreter with exactly ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )


def test_window_without_display_says_what_to_do(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["LANTERN_HOME"] = str(tmp_path / "h")
    result = _fresh_process(env=env)
    if sys.platform.startswith("linux"):
        assert result.returncode == 1
        assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_entry_point_exit_codes(tmp_path: Path) -> None:
    """``python -m desktop``: 0 for --version, 2 for a usage error, 1 for a refused command;
    every error one line on stderr."""
    home = tmp_path / "h"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_HOME"] = str(home)
    version = _fresh_process("--version", env=env)
    assert version.returncode == 0 and version.stdout.startswith("lantern ")
    usage = _fresh_process("ask", "--bogus", env=env)
    assert usage.returncode == 2 and usage.stdout == ""
    assert usage.stderr.count("\n") == 1 and "unrecognized arguments: --bogus" in usage.stderr
    short = _fresh_process(
        "patients", "create", "X", env={**env, "LANTERN_VAULT_PASSPHRASE": "abc"}
    )
    assert short.returncode == 1 and short.stdout == ""
    assert short.stderr == "lantern: a passphrase needs at least 8 characters\n"
    assert not (home / "vaults").exists() or not list((home / "vaults").iterdir())


def test_guideline_pdf_import_list_ask_remove(cli: Cli, tmp_path: Path) -> None:
    from tests.core.test_pdf_import import make_pdf
    from tests.packs import write_pack

    guidelines = tmp_path / "g"
    write_pack(guidelines, {"a": ("Alpha topic", "alpha")})
    env = {"LANTERN_GUIDELINES_DIR": str(guidelines)}
    home = tmp_path / "h"
    pdf = make_pdf(
        tmp_path / "nccn.pdf",
        [
            ["Intro", "Nothing here."],
            ["Scalp cooling", "Scalp cooling caps can reduce hair loss during chemotherapy."],
        ],
    )
    args = (
        "guidelines",
        "import",
        str(pdf),
        "--title",
        "Patient guide",
        "--source",
        "Org",
        "--year",
        "2025",
    )
    first = cli(*args, home=home, env=env)
    assert first.returncode == 0, first.stderr
    assert "2 pages" in first.stdout
    assert "nothing to do" in cli(*args, home=home, env=env).stdout
    listed = cli("guidelines", "list", home=home, env=env).stdout
    doc_id = listed.split("\t")[0]
    assert doc_id.startswith("import-") and "Patient guide" in listed
    answer = json.loads(
        cli("ask", "--json", "can scalp cooling stop hair loss", home=home, env=env).stdout
    )
    assert answer["citations"][0]["locator"] == "Patient guide, p. 2"
    removed = cli("guidelines", "remove", doc_id, home=home, env=env)
    assert removed.returncode == 0
    answer = json.loads(cli("ask", "--json", "scalp cooling", home=home, env=env).stdout)
    assert all("Patient guide" not in c["title"] for c in answer["citations"])
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    refused = cli(
        "guidelines",
        "import",
        str(bad),
        "--title",
        "x",
        "--source",
        "y",
        "--year",
        "2025",
        home=home,
        env=env,
    )
    assert refused.returncode == 1 and "not a PDF" in refused.stderr


def test_patients_create_list_delete_with_passphrase(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "h"
    env = PASSPHRASE
    created = cli("patients", "create", "Jane Canary-Q7", home=home, env=env)
    assert created.returncode == 0, created.stderr
    pid = created.stdout.split("\t")[0]
    listed = cli("patients", "list", home=home, env=env)
    assert f"{pid}\tJane Canary-Q7" in listed.stdout
    for path in home.rglob("*"):
        if path.is_file():
            assert b"Canary-Q7" not in path.read_bytes(), path
    locked = cli("patients", "list", home=home, env={"LANTERN_VAULT_PASSPHRASE": "wrong"})
    assert "locked" in locked.stdout and "Canary" not in locked.stdout
    refused = cli("patients", "delete", pid, home=home)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert cli("patients", "delete", pid, "--yes", home=home).returncode == 0
    assert "no patients" in cli("patients", "list", home=home).stdout


def test_patients_without_keyring_or_passphrase_is_one_line(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring
    from keyring.backends import fail

    # what PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring does to a fresh process
    monkeypatch.setattr(keyring, "get_keyring", fail.Keyring)
    result = cli("patients", "create", "X", home=tmp_path / "h")
    assert result.returncode == 1
    assert "LANTERN_VAULT_PASSPHRASE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_short_passphrase_is_refused_and_creates_nothing(cli: Cli, tmp_path: Path) -> None:
    """The passphrase policy of the core (at least 8 characters) holds on the command line,
    for ``patients create`` and for the patient a ``records import`` would create."""
    home = tmp_path / "h"
    short = {"LANTERN_VAULT_PASSPHRASE": "abc"}
    report = tmp_path / "pathology.txt"
    report.write_text("ER: positive\n")
    for args in (
        ("patients", "create", "X"),
        ("records", "import", str(report), "--patient", "Ann"),
    ):
        result = cli(*args, home=home, env=short)
        assert result.returncode == 1, args
        assert result.stdout == ""
        assert result.stderr == "lantern: a passphrase needs at least 8 characters\n"
        assert not (home / "vaults").exists() or not list((home / "vaults").iterdir())
    assert "no patients yet" in cli("patients", "list", home=home).stdout


def test_records_import_list_profile(cli: Cli, tmp_path: Path) -> None:
    home = tmp_path / "h"
    env = PASSPHRASE
    report = tmp_path / "pathology.txt"
    report.write_text(
        "Left breast: invasive ductal carcinoma, grade 3\n"
        "ER: negative\nPR: negative\nHER2 IHC 0\nKi-67: 60%\n"
    )
    imported = cli("records", "import", str(report), "--patient", "Ann", home=home, env=env)
    assert imported.returncode == 0, imported.stderr
    pid = imported.stdout.split("\t")[0]
    listed = cli("records", "list", "--patient", pid, home=home, env=env)
    assert "pathology.txt" in listed.stdout
    profile = json.loads(
        cli("records", "profile", "--patient", pid, "--json", home=home, env=env).stdout
    )
    facts = {f["field"]: f for f in profile["facts"]}
    assert facts["er_status"]["value"] == "negative"
    assert facts["her2_category"]["value"] == "zero"
    evidence = facts["ki67_percent"]["evidence"]
    doc_id = listed.stdout.split("\t")[0]
    assert (evidence["document"], evidence["page"], evidence["text"]) == (
        doc_id,  # an opaque id: the file name is only in the vault and in 'records list'
        1,
        "Ki-67: 60%",
    )
    assert evidence["end"] - evidence["start"] == len("Ki-67: 60%")
    assert profile["documents"][doc_id]["kind"]
    assert "pathology.txt" not in json.dumps(profile)

    fact_id = facts["her2_category"]["id"]
    fixed = cli(
        "records", "fact", fact_id, "--value", "ultralow", "--patient", pid, home=home, env=env
    )
    assert fixed.returncode == 0, fixed.stderr
    again = json.loads(
        cli("records", "profile", "--patient", pid, "--json", home=home, env=env).stdout
    )
    her2 = next(f for f in again["facts"] if f["id"] == fact_id)
    assert (her2["value"], her2["source"], her2["extracted_value"]) == (
        "ultralow",
        "corrected",
        "zero",
    )
    missing = cli("records", "fact", "nope", "--delete", "--patient", pid, home=home, env=env)
    assert missing.returncode == 1 and "no fact" in missing.stderr


def test_ask_with_a_patient_cites_her_records(cli: Cli, cli_home: Path, tmp_path: Path) -> None:
    env = PASSPHRASE
    report = tmp_path / "pathology.txt"
    report.write_text("Pathology report\nHER2 by IHC: 1+\nER: positive (80%)\n")
    imported = cli("records", "import", str(report), "--patient", "Bo", home=cli_home, env=env)
    assert imported.returncode == 0, imported.stderr
    pid = imported.stdout.split("\t")[0]
    result = cli(
        "ask", "is my cancer HER2-low?", "--patient", pid, "--json", home=cli_home, env=env
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {c["kind"] for c in answer["citations"]} == {"guideline", "record"}
    assert any(s["heading"].startswith("For you") for s in answer["sections"])
    wrong = cli(
        "ask",
        "is my cancer HER2-low?",
        "--patient",
        pid,
        home=cli_home,
        env={"LANTERN_VAULT_PASSPHRASE": "not it"},
    )
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
