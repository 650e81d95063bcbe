"""Audits as tests: no network, no record plaintext on disk, no record text in log lines.

One child process (``tests/hardening/audit_driver.py``) runs the flows a patient goes
through: create a patient (passphrase), import her records, ask a personal question, correct
a fact (the new value holds the canary), export her profile and visit list, import a
guideline PDF, generate an answer with the tiny model through the model host process, and
leave the window idle, over a small guideline pack (the flows are the same; the index
builds in seconds). It runs with the network guard (``tests/hardening/netguard``) on
PYTHONPATH, so the guard is in every Python process the app starts; TMPDIR points at a
folder of the test and logging is at DEBUG. Afterwards: the guard saw no attempt; the data
folder and the temp folder hold neither the canary, nor a line of the records, nor the
patient's name, nor a record file name; stderr (every log line) holds none of them either."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hardening.crash_checks import plaintext_hits
from tests.hardening.crash_ops import CANARY, PATIENT
from tests.hardening.trial_inputs import write_inputs
from tests.packs import write_pack
from tests.synthetic_records import scenarios

REPO = Path(__file__).resolve().parents[2]
GUARD = Path(__file__).resolve().parent / "netguard"
AUDIT_SECTIONS = {
    "her2-low": ("HER2-low breast cancer", "HER2-low breast cancer"),
    "dcis": ("Ductal carcinoma in situ (DCIS)", "DCIS"),
    "hot-flashes": ("Hot flashes during treatment", "hot flashes"),
    "ribociclib": ("Ribociclib and other CDK4/6 inhibitors", "ribociclib"),
}
FLOWS = (
    "patient_create",
    "record_import",
    "ask_personal",
    "profile_edit",
    "export",
    "guideline_import",
    "llm_answer",
    "idle_window",
)


def _record_lines() -> list[str]:
    """Distinctive lines of the imported records (long enough not to occur by chance)."""
    docs = scenarios()[0].documents[:3]
    lines = [line.strip() for doc in docs for page in doc.pages for line in page.splitlines()]
    return sorted({line for line in lines if len(line) >= 40})[:25]


@pytest.fixture(scope="module")
def audit(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> dict:
    root = tmp_path_factory.mktemp("audit")
    home, tmp, out, work = root / "home", root / "tmp", root / "out", root / "work"
    tmp.mkdir()
    write_inputs(work)
    write_pack(work / "audit-pack", AUDIT_SECTIONS)  # small: the index builds in seconds
    guard_log = root / "network-attempts.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env.update(
        LANTERN_HOME=str(home),
        LANTERN_GUIDELINES_DIR=str(work / "audit-pack"),
        LANTERN_LOG_LEVEL="DEBUG",
        LANTERN_VAULT_PASSPHRASE="audit passphrase",
        LANTERN_NETGUARD_LOG=str(guard_log),
        PYTHONPATH=os.pathsep.join([str(GUARD), str(REPO)]),
        QT_QPA_PLATFORM="offscreen",
        TMPDIR=str(tmp),
    )
    result = subprocess.run(
        [sys.executable, "-m", "tests.hardening.audit_driver", str(work), str(out),
         "--patient-name", PATIENT, "--model", str(tiny_model), "--idle", "2"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "home": home,
        "tmp": tmp,
        "out": out,
        "work": work,
        "stderr": result.stderr,
        "guard_log": guard_log,
        "summary": summary,
    }


def test_every_flow_ran(audit: dict) -> None:
    assert set(audit["summary"]["seconds"]) == set(FLOWS)
    imported = (audit["out"] / "import.txt").read_text()
    assert imported.count("\n") >= 3
    # the canary went through the flows: the corrected fact is in her exported profile
    assert f"3+ {CANARY}" in (audit["out"] / "profile-export.txt").read_text()
    assert (audit["out"] / "visit.pdf").stat().st_size > 0
    assert json.loads((audit["out"] / "llm.txt").read_text())["citations"]


def test_no_network_connection_in_any_process(audit: dict) -> None:
    attempts = audit["guard_log"].read_text() if audit["guard_log"].exists() else ""
    assert attempts == ""


def test_guard_is_in_the_child_processes(tmp_path: Path) -> None:
    """The guard is not vacuous: a child started like the app's sees and refuses a connect."""
    log = tmp_path / "attempts.log"
    env = dict(os.environ, PYTHONPATH=str(GUARD), LANTERN_NETGUARD_LOG=str(log))
    code = "import socket; socket.socket().connect_ex(('192.0.2.1', 9))"
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert run.returncode != 0 and "192.0.2.1" in log.read_text()


def test_no_record_plaintext_in_the_data_or_temp_folder(audit: dict) -> None:
    roots = [audit["home"], audit["tmp"]]
    assert plaintext_hits(roots) == []
    assert plaintext_hits(roots, PATIENT) == []
    for line in _record_lines():
        assert plaintext_hits(roots, line) == [], line
    names = {p.name for p in (audit["work"] / "records").iterdir()}
    on_disk = {p.name for root in roots for p in root.rglob("*")}
    assert not names & on_disk


def test_no_record_text_in_log_lines(audit: dict) -> None:
    log = audit["stderr"]
    assert " DEBUG " in log  # logging really was at DEBUG
    assert CANARY not in log and CANARY.lower() not in log
    assert PATIENT not in log
    for name in (p.name for p in (audit["work"] / "records").iterdir()):
        assert name not in log, name
    for line in _record_lines():
        assert line not in log, line
