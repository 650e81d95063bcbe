"""The CLI contract: ask (Markdown, --json, --batch), doctor, errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.contract import FIELDS


def test_ask_json(cli_home: Path) -> None:
    result = run_cli(
        "ask", "--json", "How does CAR-T cell therapy work for breast cancer?", home=cli_home
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= set(FIELDS)
    assert data["mode"] == "extractive" and data["citations"]
    assert "[1]" in data["answer_markdown"]
    assert result.stderr == ""


def test_ask_markdown(cli_home: Path) -> None:
    result = run_cli("ask", "What is a mastectomy?", home=cli_home)
    assert result.returncode == 0
    assert "**Sources**" in result.stdout and "not medical advice" in result.stdout


def test_batch_is_json_lines(cli_home: Path, tmp_path: Path) -> None:
    batch = tmp_path / "q.txt"
    batch.write_text("What is DCIS?\n\nWhat is tamoxifen?\nWhat is lymphedema?\n")
    result = run_cli("ask", "--json", "--batch", str(batch), home=cli_home)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["question"] for d in lines] == [
        "What is DCIS?",
        "What is tamoxifen?",
        "What is lymphedema?",
    ]


def test_expected_errors_are_one_line(cli_home: Path, tmp_path: Path) -> None:
    for args in (
        ("ask",),
        ("ask", "--batch", str(tmp_path / "missing.txt")),
        ("ask", "--bogus"),
        ("ask", "   "),
    ):
        result = run_cli(*args, home=cli_home)
        assert result.returncode != 0, args
        assert len(result.stderr.strip().splitlines()) == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_bad_settings_file_is_one_line(tmp_path: Path) -> None:
    home = tmp_path / "h"
    home.mkdir()
    (home / "settings.toml").write_text("top_sections = [")
    result = run_cli("ask", "What is DCIS?", home=home)
    assert result.returncode == 1 and "not valid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_doctor_reports_each_check(cli_home: Path) -> None:
    result = run_cli("doctor", home=cli_home)
    assert "[ok ] embedding model" in result.stdout
    assert "guideline packs" in result.stdout and "keyring" in result.stdout


def test_window_without_display_says_what_to_do(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["LANTERN_HOME"] = str(tmp_path / "h")
    result = subprocess.run(
        [sys.executable, "-m", "desktop"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if sys.platform.startswith("linux"):
        assert result.returncode == 1
        assert "QT_QPA_PLATFORM=offscreen" in result.stderr


def test_guideline_pdf_import_list_ask_remove(tmp_path: Path) -> None:
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
    first = run_cli(*args, home=home, env=env)
    assert first.returncode == 0, first.stderr
    assert "2 pages" in first.stdout
    assert "nothing to do" in run_cli(*args, home=home, env=env).stdout
    listed = run_cli("guidelines", "list", home=home, env=env).stdout
    doc_id = listed.split("\t")[0]
    assert doc_id.startswith("import-") and "Patient guide" in listed
    answer = json.loads(
        run_cli("ask", "--json", "can scalp cooling stop hair loss", home=home, env=env).stdout
    )
    assert answer["citations"][0]["locator"] == "Patient guide, p. 2"
    removed = run_cli("guidelines", "remove", doc_id, home=home, env=env)
    assert removed.returncode == 0
    answer = json.loads(run_cli("ask", "--json", "scalp cooling", home=home, env=env).stdout)
    assert all("Patient guide" not in c["title"] for c in answer["citations"])
    bad = tmp_path / "bad.pdf"
    bad.write_text("not a pdf")
    refused = run_cli(
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


def test_patients_create_list_delete_with_passphrase(tmp_path: Path) -> None:
    home = tmp_path / "h"
    env = {"LANTERN_VAULT_PASSPHRASE": "correct horse battery"}
    created = run_cli("patients", "create", "Jane Canary-Q7", home=home, env=env)
    assert created.returncode == 0, created.stderr
    pid = created.stdout.split("\t")[0]
    listed = run_cli("patients", "list", home=home, env=env)
    assert f"{pid}\tJane Canary-Q7" in listed.stdout
    for path in home.rglob("*"):
        if path.is_file():
            assert b"Canary-Q7" not in path.read_bytes(), path
    locked = run_cli("patients", "list", home=home, env={"LANTERN_VAULT_PASSPHRASE": "wrong"})
    assert "locked" in locked.stdout and "Canary" not in locked.stdout
    refused = run_cli("patients", "delete", pid, home=home)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert run_cli("patients", "delete", pid, "--yes", home=home).returncode == 0
    assert "no patients" in run_cli("patients", "list", home=home).stdout


def test_patients_without_keyring_or_passphrase_is_one_line(tmp_path: Path) -> None:
    result = run_cli(
        "patients",
        "create",
        "X",
        home=tmp_path / "h",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "LANTERN_VAULT_PASSPHRASE" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_records_import_list_profile(tmp_path: Path) -> None:
    home = tmp_path / "h"
    env = {"LANTERN_VAULT_PASSPHRASE": "pw"}
    report = tmp_path / "pathology.txt"
    report.write_text(
        "Left breast: invasive ductal carcinoma, grade 3\n"
        "ER: negative\nPR: negative\nHER2 IHC 0\nKi-67: 60%\n"
    )
    imported = run_cli("records", "import", str(report), "--patient", "Ann", home=home, env=env)
    assert imported.returncode == 0, imported.stderr
    pid = imported.stdout.split("\t")[0]
    listed = run_cli("records", "list", "--patient", pid, home=home, env=env)
    assert "pathology.txt" in listed.stdout
    profile = json.loads(
        run_cli("records", "profile", "--patient", pid, "--json", home=home, env=env).stdout
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
    fixed = run_cli(
        "records", "fact", fact_id, "--value", "ultralow", "--patient", pid, home=home, env=env
    )
    assert fixed.returncode == 0, fixed.stderr
    again = json.loads(
        run_cli("records", "profile", "--patient", pid, "--json", home=home, env=env).stdout
    )
    her2 = next(f for f in again["facts"] if f["id"] == fact_id)
    assert (her2["value"], her2["source"], her2["extracted_value"]) == (
        "ultralow",
        "corrected",
        "zero",
    )
    missing = run_cli("records", "fact", "nope", "--delete", "--patient", pid, home=home, env=env)
    assert missing.returncode == 1 and "no fact" in missing.stderr


def test_ask_with_a_patient_cites_her_records(cli_home: Path, tmp_path: Path) -> None:
    env = {"LANTERN_VAULT_PASSPHRASE": "pw"}
    report = tmp_path / "pathology.txt"
    report.write_text("Pathology report\nHER2 by IHC: 1+\nER: positive (80%)\n")
    imported = run_cli("records", "import", str(report), "--patient", "Bo", home=cli_home, env=env)
    assert imported.returncode == 0, imported.stderr
    pid = imported.stdout.split("\t")[0]
    result = run_cli(
        "ask", "is my cancer HER2-low?", "--patient", pid, "--json", home=cli_home, env=env
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {c["kind"] for c in answer["citations"]} == {"guideline", "record"}
    assert any(s["heading"].startswith("For you") for s in answer["sections"])
    wrong = run_cli(
        "ask",
        "is my cancer HER2-low?",
        "--patient",
        pid,
        home=cli_home,
        env={"LANTERN_VAULT_PASSPHRASE": "not it"},
    )
    assert wrong.returncode == 1 and len(wrong.stderr.strip().splitlines()) == 1
