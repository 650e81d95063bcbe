"""Crash recovery: SIGKILL at seeded random moments during record import, profile edits,
guideline index sync (from nothing and from one pack version to the next), guideline PDF
import, settings saves, vault creation and deletion, and history appends; after each kill
the next start must open the vault, list no half-imported document, keep chroma and FTS in
step, load the settings, keep every acknowledged vault and history entry, leave none of our
temp files or half-made vault folders, and import again.

The operations run in children of a fork server (``tests/hardening/crash_driver.py``, which
explains why). Each operation is run once to completion first: that run is checked too, gives
the template data folder for the operations that need one, and measures how long the
operation takes; each trial then kills it after a seeded fraction of that time (a trial that
finishes first shortens the time the next ones aim at).
``LANTERN_CRASH_TRIALS`` sets the number of trials (default 30, spread over the eight
operations, fewer for the three that start chroma and the two added for crash leftovers);
``LANTERN_CRASH_SEED`` the seed."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from models.make_tiny_gguf import write_model
from tests.hardening.crash_ops import OPS as DRIVER_OPS
from tests.hardening.trial_inputs import write_inputs

pytestmark = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="the crash driver forks and waits on a pidfd (Linux)"
)
REPO = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("LANTERN_CRASH_TRIALS", "30"))
SEED = int(os.environ.get("LANTERN_CRASH_SEED", "20260"))
OPS = list(DRIVER_OPS)
# index operations cost a chroma start per trial (seconds on a loaded machine): fewer of them
WEIGHTS = {
    "record_import": 7,
    "profile_edit": 7,
    "settings_save": 7,
    "index_build": 3,
    "index_update": 3,
    "guideline_import": 3,
    "vault_create": 3,
    "history_append": 3,
}
PER_OP = {op: max(1, math.ceil(TRIALS * w / sum(WEIGHTS.values()))) for op, w in WEIGHTS.items()}
# operation -> (the template it starts from, or None for an empty data folder)
STARTS = {
    "record_import": None,
    "index_build": None,
    "settings_save": "settings",
    "profile_edit": "record_import",
    "index_update": "index_build",
    "guideline_import": "index_build",
    "vault_create": None,
    "history_append": None,
}


class Server:
    def __init__(self, tmp: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        if os.environ.get("LANTERN_CRASH_EMBEDDER"):
            env["LANTERN_CRASH_EMBEDDER"] = os.environ["LANTERN_CRASH_EMBEDDER"]
        env["TMPDIR"] = str(tmp)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.hardening.crash_driver"],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, request: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the crash driver died"
        return json.loads(line)

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        if self.proc.stdout:
            self.proc.stdout.close()


@dataclasses.dataclass
class Lab:
    server: Server
    work: Path
    root: Path
    templates: dict[str, Path]
    seconds: dict[str, float]
    results: list[dict]

    def request(self, trial: Path) -> dict:
        (trial / "tmp").mkdir(parents=True, exist_ok=True)
        return {"home": str(trial / "home"), "work": str(self.work), "tmp": str(trial / "tmp")}

    def start(self, op: str, trial: Path) -> None:
        start = STARTS[op]
        if start is not None:
            shutil.copytree(self.templates[start], trial / "home")


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("crash")
    work = root / "work"
    write_inputs(work)
    settings_home = root / "settings-template"
    model = write_model(root / "tiny.gguf")
    for name in ("tiny-a", "tiny-b"):
        (settings_home / "models").mkdir(parents=True, exist_ok=True)
        shutil.copy(model, settings_home / "models" / f"{name}.gguf")
    server = Server(root)
    lab = Lab(server, work, root, {"settings": settings_home}, {}, [])
    try:
        for op in OPS:  # ordered so that each template exists before it is needed
            trial = root / f"full-{op}"
            lab.start(op, trial)
            ran = server.ask({"run": op, **lab.request(trial), "kill_after": None})
            assert ran["status"] == 0 and not ran["killed"], f"{op} failed: {ran}"
            checked = server.ask({"check": op, **lab.request(trial)})
            assert checked["problems"] == [], f"{op}: {checked['problems']}"
            lab.seconds[op] = ran["seconds"]
            lab.templates[op] = trial / "home"  # its check re-imported the same files: no change
        yield lab
    finally:
        server.close()
        summary = {
            op: {
                "trials": sum(1 for r in lab.results if r["op"] == op),
                "killed": sum(1 for r in lab.results if r["op"] == op and r["killed"]),
                "aimed_within_seconds": round(lab.seconds.get(op, 0.0), 3),
            }
            for op in OPS
        }
        leftovers = sorted({t for r in lab.results for t in r["facts"].get("leftover_tmp", [])})
        swept = sum(r["facts"].get("swept", 0) for r in lab.results)
        torn = sum(bool(r["facts"].get("torn_tail")) for r in lab.results)
        print(
            f"\ncrash trials (seed {SEED}): {json.dumps(summary)}; temp files swept at the next "
            f"start: {swept}; left (other stores' own): {len(leftovers)} {leftovers[:5]}; "
            f"torn history tails: {torn}"
        )


@pytest.mark.parametrize("op", OPS)
def test_kill_at_random_moments_then_restart(lab: Lab, op: str) -> None:
    rng = random.Random(f"{SEED}-{op}")
    failures = []
    killed = 0
    for n in range(PER_OP[op]):
        trial = lab.root / f"trial-{op}-{n}"
        lab.start(op, trial)
        delay = rng.uniform(0.03, 1.0) * lab.seconds[op]
        ran = lab.server.ask({"run": op, **lab.request(trial), "kill_after": delay})
        assert ran["killed"] or ran["status"] == 0, f"{op} failed on its own: {ran}"
        if not ran["killed"]:  # it finished first: the machine is faster now, aim earlier
            lab.seconds[op] = min(lab.seconds[op], ran["seconds"])
        checked = lab.server.ask({"check": op, **lab.request(trial)})
        lab.results.append({"op": op, "killed": ran["killed"], "facts": checked["facts"]})
        killed += ran["killed"]
        if checked["problems"]:
            failures.append(f"trial {n} (killed at {delay:.3f} s): {checked['problems']}")
        shutil.rmtree(trial)
    assert failures == []
    assert killed >= PER_OP[op] / 2, f"only {killed} of {PER_OP[op]} trials killed {op} mid-way"


def test_the_checks_catch_a_torn_store(lab: Lab) -> None:
    """The checks are not vacuous: a truncated settings file, an index whose FTS lost a
    section and a document whose page text is gone are each reported."""
    import sqlite3

    trial = lab.root / "torn-settings"
    lab.start("settings_save", trial)
    (trial / "home" / "settings.toml").write_text('font_size = 1\nmax_answer_sentences = "1')
    assert lab.server.ask({"check": "settings_save", **lab.request(trial)})["problems"]

    trial = lab.root / "torn-index"
    lab.start("index_update", trial)
    db = sqlite3.connect(str(trial / "home" / "index" / "keyword.sqlite"))
    with db:
        row = db.execute("SELECT entry_id FROM passages LIMIT 1").fetchone()
        db.execute("DELETE FROM passages WHERE entry_id=?", row)
    db.close()
    problems = lab.server.ask({"check": "index_build", **lab.request(trial)})["problems"]
    assert any("chroma and FTS differ" in p for p in problems), problems

    trial = lab.root / "torn-document"
    lab.start("profile_edit", trial)
    vault_db = next((trial / "home" / "vaults").glob("*/vault.sqlite"))
    db = sqlite3.connect(str(vault_db))
    with db:
        db.execute("DELETE FROM blobs WHERE id = (SELECT id FROM blobs WHERE id LIKE '%/pages')")
    db.close()
    problems = lab.server.ask({"check": "record_import", **lab.request(trial)})["problems"]
    assert any("page text missing" in p for p in problems), problems
