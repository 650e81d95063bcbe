"""The answer eval: ../shared/eval/questions.jsonl asked through the CLI batch mode and scored
by the rules in ../shared/eval/README.md. Prints the pass rate per kind and each failure."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import REPO, SHARED_EVAL, save, show

CONTACTS = ("care team", "doctor", "emergency", "oncologist", "nurse", "911", "999")


def _text(answer: dict) -> str:
    parts = [answer.get("answer_markdown") or ""]
    for s in answer.get("sections") or []:
        parts += [s.get("heading", ""), s.get("markdown", "")]
    return "\n".join(parts).lower()


def score(item: dict, answer: dict) -> tuple[bool, str]:
    kind = item["kind"]
    clar = answer.get("clarification") or {}
    if kind == "answer":
        if answer.get("urgent"):
            return False, "flagged urgent"
        if clar.get("reason") in ("truncated", "out_of_scope"):
            return False, f"clarification {clar.get('reason')}"
        if not answer.get("citations"):
            return False, "no citation"
        text = _text(answer)
        missing = [g for g in item["expect"] if not any(t.lower() in text for t in g)]
        return (not missing), (f"missing {missing}" if missing else "")
    if kind == "urgent":
        urgent = answer.get("urgent") or {}
        ok = bool(urgent) and any(c in urgent.get("message", "").lower() for c in CONTACTS)
        return ok, "" if ok else "not flagged urgent with a contact"
    if kind == "truncated":
        last = item["q"].split()[-1].lower()
        ok = clar.get("reason") == "truncated" and last in (clar.get("message") or "").lower()
        return ok, "" if ok else f"clarification={clar.get('reason')}"
    if kind == "out_of_scope":
        ok = clar.get("reason") == "out_of_scope" and not answer.get("citations")
        return ok, "" if ok else "answered as if in scope"
    return False, f"unknown kind {kind}"


def run(path: Path = SHARED_EVAL, home: str | None = None) -> dict:
    items = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(i["q"].replace("\n", " ") for i in items) + "\n")
        batch = fh.name
    env = None
    if home:
        import os

        env = dict(os.environ, LANTERN_HOME=home)
    result = subprocess.run(
        [sys.executable, "-m", "desktop", "ask", "--json", "--batch", batch],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if result.returncode != 0:
        raise SystemExit(f"ask --batch failed: {result.stderr.strip()}")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    by_kind: dict[str, list[int]] = {}
    failures = []
    for item, answer in zip(items, answers, strict=True):
        ok, why = score(item, answer)
        by_kind.setdefault(item["kind"], []).append(int(ok))
        if not ok:
            failures.append(f"{item['id']} ({item['kind']}): {why} :: {item['q'][:70]}")
    figures: dict = {f"{k} pass rate": sum(v) / len(v) for k, v in sorted(by_kind.items())}
    total = [x for v in by_kind.values() for x in v]
    figures["overall pass rate"] = sum(total) / len(total)
    figures["questions"] = len(total)
    show("Answer eval (shared/eval/questions.jsonl)", figures)
    for f in failures:
        print("  FAIL", f)
    figures["failures"] = failures
    save("eval_answers", figures)
    return figures


if __name__ == "__main__":
    run()
