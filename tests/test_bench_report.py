"""The benchmark report generator (bench/report.py) over a temporary folder of fake step
outputs: targets parsed from the issues' words, pass/miss right, medians of repeats, figures
that no step saved marked "not measured", older ones "not measured in this run"."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from bench import report
from bench.report import FIGURES, Target, parse_target


def _save(out: Path, step: str, figures: dict, age_s: float = 0.0) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{step}.json"
    path.write_text(json.dumps(figures))
    if age_s:
        old = time.time() - age_s
        os.utime(path, (old, old))
    return path


def _row(built: dict, figure_id: str) -> dict:
    return next(r for r in built["figures"] if r["id"] == figure_id)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<= 50 ms", Target("<=", 50.0, "ms")),
        (">= 0.95", Target(">=", 0.95, "")),
        ("< 1 s", Target("<", 1.0, "s")),
        ("<= 5%", Target("<=", 5.0, "%")),
        ("== 100%", Target("==", 100.0, "%")),
        ("<= 250 MB", Target("<=", 250.0, "MB")),
        ("== 0", Target("==", 0.0, "")),
    ],
)
def test_targets_parse(text: str, expected: Target) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["", "fast", "50 ms", "<= fifty ms", "=< 5", "<= 5 parsecs"])
def test_bad_targets_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_target(text)


def test_every_target_parses_and_its_number_is_the_issue_s() -> None:
    """Each target's number appears in the quoted issue words (taken exactly, not invented)."""
    with_targets = [f for f in FIGURES if f.target]
    assert len(with_targets) >= 20
    for figure in with_targets:
        target = parse_target(figure.target)
        assert figure.quote, figure.id
        numbers = {float(n) for n in re.findall(r"[0-9]+(?:\.[0-9]+)?", figure.quote)}
        # yes/no targets, written in words: "re-embeds alone", "beats each", "every positive"
        words = {"index_edit": "alone", "hybrid_beats": "beats", "triage_pos": "every"}
        assert target.value in numbers or words.get(figure.id, "?") in figure.quote, figure.id
        assert target.unit == figure.unit or (target.unit == "" and figure.unit == ""), figure.id
    ids = [f.id for f in FIGURES]
    assert len(ids) == len(set(ids))
    wanted = {"answer_p50", "answer_p95", "scale_100000_p95", "index_build", "embed_texts"}
    wanted |= {"import_50", "unlock_500", "llm_tps", "llm_stop", "start_ratio", "idle_mb"}
    assert wanted | {"bundle"} <= set(ids)


def test_pass_miss_and_not_measured(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _save(out, "retrieval_quality", {
        "hybrid recall@5": 0.96, "hybrid MRR": 0.84, "dense MRR": 0.77, "keyword MRR": 0.80,
    })  # fmt: skip
    _save(out, "retrieval_scale", {"100000 chunks: p95 ms": 50.0, "1000 chunks: p95 ms": 9.0})
    _save(out, "index_build", {"unchanged re-open s (target < 1)": 1.0})
    _save(out, "startup", {"ratio (target <= 1.5)": 1.2})
    _save(out, "idle_memory", {"idle RSS, app process, MB (median of later starts)": 301.0})
    _save(out, "bundle_size", {"built": False})
    built = report.build(out)
    assert _row(built, "recall5")["status"] == "pass"
    assert _row(built, "mrr")["status"] == "miss"  # 0.84 < 0.85
    assert _row(built, "hybrid_beats")["status"] == "pass"
    assert _row(built, "scale_100000_p95")["status"] == "pass"  # <= is inclusive
    assert _row(built, "scale_1000_p95")["status"] == "no target"
    assert _row(built, "index_reopen")["status"] == "miss"  # "under 1 s" is strict
    assert _row(built, "start_ratio")["status"] == "pass"
    assert _row(built, "idle_mb")["status"] == "miss"
    assert _row(built, "bundle")["status"] == "not built"
    assert _row(built, "bundle")["value"] is None
    # a step that saved nothing, and a figure its step did not save
    assert _row(built, "import_50")["status"] == "not measured"
    assert _row(built, "import_50")["value"] is None
    assert _row(built, "index_build")["status"] == "not measured"
    assert _row(built, "scale_100000_p50")["status"] == "not measured"
    assert sum(built["summary"].values()) == len(FIGURES)


def test_medians_of_repeats_and_figures_from_an_earlier_run(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _save(out, "answer_latency", {"p50 ms": 30.0, "p95 ms": 40.0}, age_s=3600)
    _save(out, "records_speed", {"import 50-page PDF end to end (s)": 9.0})
    for i, seconds in enumerate((4.0, 9.0, 4.5), start=1):
        _save(out / "repeats" / "records_speed", str(i), {
            "import 50-page PDF end to end (s)": seconds})  # fmt: skip
    started = time.time() - 60
    (out / "_run.json").write_text(
        json.dumps({"started_epoch": started, "steps": ["records_speed"], "argv": ["records"]})
    )
    built = report.build(out)
    imported = _row(built, "import_50")
    assert imported["value"] == 4.5 and imported["runs"] == 3
    assert imported["status"] == "pass" and imported["this_run"]
    latency = _row(built, "answer_p50")
    assert latency["value"] == 30.0 and not latency["this_run"]
    text = report.markdown(built)
    line = next(x for x in text.splitlines() if x.startswith("| Answer latency p50"))
    assert "not measured in this run" in line
    assert "median of 3 runs" in next(x for x in text.splitlines() if "50-page" in x)


def test_report_files_are_written_and_rebuilt_without_running(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _save(out, "startup", {"ratio (target <= 1.5)": 1.7, "lantern start to window shown s": 0.2})
    assert report.main([str(out)]) == 0
    data = json.loads((tmp_path / "report.json").read_text())
    assert _row(data, "start_ratio")["status"] == "miss"
    assert _row(data, "start_ratio")["target"] == "<= 1.5"
    md = (tmp_path / "report.md").read_text()
    assert (
        "| Start to window shown, ratio to a bare PySide6 window | 1.70 | <= 1.5 | **MISS**" in md
    )
    assert "## Issue 8" in md and "not measured" in md
    assert report.main([str(tmp_path / "missing")]) == 1
