"""The benchmark report: every figure the issues ask for, side by side with its target.

``python -m bench`` ends by writing ``bench/report.md`` and ``bench/report.json``;
``python -m bench report`` rebuilds both from the saved ``bench/out/*.json`` without running
anything. Each target is written as it stands in its issue (the quote is kept with it) and
parsed from that text. A step that saved repeats (``bench/out/repeats/<step>/*.json``) is
reported as the median of them. A figure whose step never saved it is "not measured"; one
saved before the latest ``make bench`` run started is shown with "not measured in this run"."""

from __future__ import annotations

import json
import math
import os
import platform
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import OUT, REPO

RUN_FILE = "_run.json"
REPEATS = "repeats"
_TARGET = re.compile(r"^\s*(<=|>=|==|<|>)\s*(-?[0-9]+(?:\.[0-9]+)?)\s*(%|ms|s|MB)?\s*$")


@dataclass(frozen=True)
class Target:
    op: str
    value: float
    unit: str

    def met(self, value: float) -> bool:
        return {
            "<=": value <= self.value,
            ">=": value >= self.value,
            "<": value < self.value,
            ">": value > self.value,
            "==": value == self.value,
        }[self.op]

    def __str__(self) -> str:
        number = f"{self.value:g}"
        return f"{self.op} {number}{'' if self.unit in ('', '%') else ' '}{self.unit}"


def parse_target(text: str) -> Target:
    """``"<= 50 ms"`` -> Target("<=", 50.0, "ms"); ValueError for anything else."""
    match = _TARGET.match(text)
    if not match:
        raise ValueError(f"not a target: {text!r}")
    return Target(match.group(1), float(match.group(2)), match.group(3) or "")


Extract = Callable[[dict], Any]


def key(name: str, scale: float = 1.0) -> Extract:
    """The step figure ``name`` (times ``scale``), or None when the step did not save it."""

    def get(data: dict) -> Any:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        return value * scale

    return get


def nested(outer: str, inner: str) -> Extract:
    """The figure ``inner`` inside the step's dict ``outer``."""

    def get(data: dict) -> Any:
        part = data.get(outer)
        return key(inner)(part) if isinstance(part, dict) else None

    return get


def _best_throughput(unit: str) -> Extract:
    def get(data: dict) -> Any:
        pairs = [
            (data.get(f"batch {b}: texts/s"), data.get(f"batch {b}: tokens/s"))
            for b in sorted({k.split(":")[0].split()[1] for k in data if k.startswith("batch ")})
        ]
        pairs = [p for p in pairs if isinstance(p[0], int | float)]
        if not pairs:
            return None
        best = max(pairs, key=lambda p: p[0])
        return best[0] if unit == "texts" else best[1]

    return get


def _hybrid_beats_both(data: dict) -> Any:
    names = ("hybrid MRR", "dense MRR", "keyword MRR", "hybrid recall@5")
    if not all(isinstance(data.get(n), int | float) for n in names):
        return None
    hybrid = data["hybrid MRR"]
    return 1.0 if hybrid > data["dense MRR"] and hybrid > data["keyword MRR"] else 0.0


@dataclass(frozen=True)
class Figure:
    """One line of the report: where its value comes from, its unit, and its target."""

    id: str
    issue: int
    name: str
    step: str  # bench/out/<step>.json
    extract: Extract
    unit: str = ""
    target: str = ""  # as in the issue, e.g. "<= 50 ms"; "" = the issue sets none
    quote: str = ""  # the issue's words the target is taken from
    digits: int = 2


FIGURES: tuple[Figure, ...] = (
    # issue 2: foundation (figures to note, no targets)
    Figure(
        "answer_p50",
        2,
        "Answer latency p50, extractive, warm (20 questions)",
        "answer_latency",
        key("p50 ms"),
        "ms",
        quote="warm `ask` latency (p50 over 20 questions, excluding process start)",
        digits=1,
    ),
    Figure(
        "answer_p95",
        2,
        "Answer latency p95, extractive, warm",
        "answer_latency",
        key("p95 ms"),
        "ms",
        digits=1,
    ),
    Figure(
        "embed_texts",
        2,
        "Embedding throughput, best batch size",
        "embedding_throughput",
        _best_throughput("texts"),
        "texts/s",
        quote="Measure throughput (sentences/s, batch sizes)",
        digits=0,
    ),
    Figure(
        "embed_tokens",
        2,
        "Embedding throughput, best batch size, tokens",
        "embedding_throughput",
        _best_throughput("tokens"),
        "tokens/s",
        digits=0,
    ),
    # issue 3: knowledge pack and retrieval
    Figure(
        "recall5",
        3,
        "Hybrid retrieval recall@5",
        "retrieval_quality",
        key("hybrid recall@5"),
        "",
        ">= 0.95",
        "Targets: hybrid recall@5 >= 0.95",
        3,
    ),
    Figure(
        "mrr",
        3,
        "Hybrid retrieval MRR",
        "retrieval_quality",
        key("hybrid MRR"),
        "",
        ">= 0.85",
        "MRR >= 0.85",
        3,
    ),
    Figure(
        "hybrid_beats",
        3,
        "Hybrid beats dense-only and keyword-only (MRR; 1 = yes)",
        "retrieval_quality",
        _hybrid_beats_both,
        "",
        "== 1",
        "hybrid beats each single retriever",
        0,
    ),
    Figure(
        "eval_answer",
        3,
        "Answer eval: `answer` questions passed",
        "eval_answers",
        key("answer pass rate", 100),
        "%",
        ">= 95%",
        "target >= 95% of its `answer` questions",
        1,
    ),
    *(
        Figure(
            f"scale_{n}_{p}",
            3,
            f"Retrieval latency {p} at {n // 1000}k chunks",
            "retrieval_scale",
            key(f"{n} chunks: {p} ms"),
            "ms",
            "<= 50 ms" if (n, p) == (100_000, "p95") else "",
            "p95 <= 50 ms at 100k on 2 cores" if (n, p) == (100_000, "p95") else "",
            1,
        )
        for n in (1_000, 10_000, 100_000)
        for p in ("p50", "p95")
    ),
    Figure(
        "index_build",
        3,
        "Full-pack first index build",
        "index_build",
        key("first build s (target <= 20)"),
        "s",
        "<= 20 s",
        "Full-pack first index build <= 20 s",
        1,
    ),
    Figure(
        "index_reopen",
        3,
        "Unchanged pack re-open",
        "index_build",
        key("unchanged re-open s (target < 1)"),
        "s",
        "< 1 s",
        "an unchanged pack re-opens in under 1 s",
        3,
    ),
    Figure(
        "index_edit",
        3,
        "One edited section: sections re-embedded",
        "index_build",
        key("one edited section: re-embedded"),
        "",
        "== 1",
        "one edited section re-embeds alone",
        0,
    ),
    # issue 4: records
    Figure(
        "extract_p",
        4,
        "Profile extraction precision (synthetic set)",
        "extraction_quality",
        key("precision"),
        "",
        ">= 0.95",
        "target >= 0.95 for both overall",
        3,
    ),
    Figure(
        "extract_r",
        4,
        "Profile extraction recall (synthetic set)",
        "extraction_quality",
        key("recall"),
        "",
        ">= 0.95",
        "target >= 0.95 for both overall",
        3,
    ),
    Figure(
        "import_50",
        4,
        "Record import, 50-page text PDF, end to end",
        "records_speed",
        key("import 50-page PDF end to end (s)"),
        "s",
        "<= 5 s",
        "importing a 50-page text PDF <= 5 s end to end",
        2,
    ),
    Figure(
        "unlock_500",
        4,
        "Unlock a patient with 500 pages, index loaded (median of 3)",
        "records_speed",
        key("unlock, median of 3 (s)"),
        "s",
        "<= 1 s",
        "unlocking a patient with 500 pages and loading the in-memory index <= 1 s",
        3,
    ),
    # issue 5: local LLM
    Figure(
        "llm_ttft",
        5,
        "LLM time-to-first-token overhead vs llama_cpp direct",
        "llm_host",
        key("ttft_overhead_pct"),
        "%",
        "<= 5%",
        "overhead <= 5%",
        1,
    ),
    Figure(
        "llm_tps",
        5,
        "LLM tokens/s overhead vs llama_cpp direct",
        "llm_host",
        key("tokens_per_s_overhead_pct"),
        "%",
        "<= 5%",
        "overhead <= 5%",
        1,
    ),
    Figure(
        "llm_stop",
        5,
        "Stop latency p95 (50 stops)",
        "llm_host",
        key("stop_latency_ms_p95"),
        "ms",
        "<= 200 ms",
        "Stop latency p95 <= 200 ms over 50 stops",
        1,
    ),
    Figure(
        "llm_host_start",
        5,
        "Model host start",
        "llm_host",
        key("host_start_ms_median"),
        "ms",
        quote="Host start and model load time.",
        digits=0,
    ),
    Figure(
        "llm_load",
        5,
        "Model load (bench model, 52 MB)",
        "llm_host",
        key("model_load_ms_median"),
        "ms",
        digits=0,
    ),
    Figure(
        "verify_p",
        5,
        "Verification: precision of 'supported' (held-out set B, blind)",
        "verification",
        nested("held-out B, both", "supported precision"),
        quote="Verification precision and recall on your labelled sentences.",
        digits=3,
    ),
    Figure(
        "verify_r",
        5,
        "Verification: recall of 'supported' (held-out set B, blind)",
        "verification",
        nested("held-out B, both", "supported recall"),
        digits=3,
    ),
    # issue 6: answer experience
    Figure(
        "eval_overall",
        6,
        "Answer eval overall",
        "eval_answers",
        key("overall pass rate", 100),
        "%",
        ">= 95%",
        "passes by its rules at >= 95% overall",
        1,
    ),
    *(
        Figure(
            f"eval_{kind}",
            6,
            f"Answer eval: `{kind}`",
            "eval_answers",
            key(f"{kind} pass rate", 100),
            "%",
            "== 100%",
            "100% for `urgent`, `truncated` and `out_of_scope`",
            1,
        )
        for kind in ("urgent", "truncated", "out_of_scope")
    ),
    Figure(
        "triage_pos",
        6,
        "Triage set: positives flagged",
        "analysis_rates",
        key("triage positives flagged", 100),
        "%",
        "== 100%",
        "every positive flagged",
        1,
    ),
    Figure(
        "triage_fa",
        6,
        "Triage set: false alarms",
        "analysis_rates",
        key("triage false alarms", 100),
        "%",
        "<= 3%",
        "<= 3% false alarms",
        1,
    ),
    Figure(
        "trunc_fa",
        6,
        "Cut-off false alarms on complete questions",
        "analysis_rates",
        key("benchmark truncation false alarms", 100),
        "%",
        "<= 2%",
        "False alarms on complete questions <= 2%",
        1,
    ),
    # issue 7: installers
    Figure(
        "bundle",
        7,
        "Bundle size without an LLM (dist/lantern)",
        "bundle_size",
        key("bundle MB"),
        "MB",
        "<= 250 MB",
        "Size budget: <= 250 MB for the bundle without an LLM",
        1,
    ),
    # issue 8: hardening and figures
    Figure(
        "start_ratio",
        8,
        "Start to window shown, ratio to a bare PySide6 window",
        "startup",
        key("ratio (target <= 1.5)"),
        "",
        "<= 1.5",
        "start time to window shown vs a bare PySide6 window (ratio <= 1.5)",
        2,
    ),
    Figure(
        "start_s",
        8,
        "Start to window shown (offscreen, median of runs)",
        "startup",
        key("lantern start to window shown s"),
        "s",
        digits=3,
    ),
    Figure(
        "tabs_built_s",
        8,
        "Start to all tabs built (Records, History, Visit follow the first paint)",
        "startup",
        key("lantern start to all tabs built s"),
        "s",
        digits=3,
    ),
    Figure(
        "start_ratio_xvfb",
        8,
        "Start to window shown, ratio to a bare window, under Xvfb (xcb; when installed)",
        "startup",
        key("Xvfb (xcb): ratio"),
        "",
        "<= 1.5",
        "start time to window shown vs a bare PySide6 window (ratio <= 1.5)",
        2,
    ),
    Figure(
        "bare_s",
        8,
        "Bare PySide6 window shown (median of runs)",
        "startup",
        key("bare PySide6 window s"),
        "s",
        digits=3,
    ),
    Figure(
        "idle_mb",
        8,
        "Idle memory without an LLM (RSS of the app process; MB = MiB, 2^20 bytes)",
        "idle_memory",
        key("idle RSS, app process, MB (median of later starts)"),
        "MB",
        "<= 300 MB",
        "idle memory (<= 300 MB without an LLM)",
        1,
    ),
    Figure(
        "guideline_1000_s",
        8,
        "1,000-page guideline PDF (about 300 words a page): import with indexing",
        "guideline_import",
        key("import and indexing s"),
        "s",
        digits=1,
    ),
    Figure(
        "guideline_1000_cited",
        8,
        "1,000-page guideline: the page with a made-up word asked about is cited (1 = yes)",
        "guideline_import",
        key("page cited for a question about it (1 = yes)"),
        digits=0,
    ),
    Figure(
        "guideline_1000_rank",
        8,
        "1,000-page guideline: that page's hybrid rank (keyword rank beside it in the JSON)",
        "guideline_import",
        key("hybrid rank of that page (0 = not in the top 30)"),
        digits=0,
    ),
    Figure(
        "guideline_1000_alone",
        8,
        "1,000-page guideline: the made-up word asked alone, its page cited first (1 = yes)",
        "guideline_import",
        key("the word alone: its page cited first (1 = yes)"),
        digits=0,
    ),
    Figure(
        "network",
        8,
        "AF_INET/AF_INET6 connects (ask, import, idle window)",
        "network_audit",
        key("AF_INET/AF_INET6 connects, all flows (target 0)"),
        "",
        "== 0",
        "counts AF_INET/AF_INET6 connects: 0",
        0,
    ),
)


def _load(out: Path, step: str) -> tuple[dict | None, float | None, int]:
    """(figures, saved time, runs): the median over saved repeats when there are any."""
    path = out / f"{step}.json"
    if not path.is_file():
        return None, None, 0
    try:
        latest = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None, 0
    saved = path.stat().st_mtime
    repeats = []
    folder = out / REPEATS / step
    if folder.is_dir():
        for rep in sorted(folder.glob("*.json")):
            try:
                repeats.append(json.loads(rep.read_text()))
            except (OSError, ValueError):
                continue
    if len(repeats) < 2:
        return latest, saved, 1
    merged = dict(latest)
    for name in latest:
        values = [r.get(name) for r in repeats]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            merged[name] = statistics.median(values)
    return merged, saved, len(repeats)


def _status(figure: Figure, value: Any) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
        return "not measured"
    if not figure.target:
        return "no target"
    return "pass" if parse_target(figure.target).met(value) else "miss"


def build(out: Path = OUT) -> dict:
    """The report as a dict (what report.json holds)."""
    run = {}
    if (out / RUN_FILE).is_file():
        try:
            run = json.loads((out / RUN_FILE).read_text())
        except (OSError, ValueError):
            run = {}
    run_started = run.get("started_epoch")
    rows = []
    for figure in FIGURES:
        data, saved, runs = _load(out, figure.step)
        value = figure.extract(data) if data is not None else None
        status = _status(figure, value)
        if figure.step == "bundle_size" and data is not None and not data.get("built", True):
            status = "not built"
        this_run = (
            data is not None
            and saved is not None
            and (run_started is None or saved >= run_started - 1)
            and figure.step in run.get("steps", [figure.step])
        )
        rows.append(
            {
                "id": figure.id,
                "issue": figure.issue,
                "name": figure.name,
                "value": value if status not in ("not measured", "not built") else None,
                "unit": figure.unit,
                "target": figure.target or None,
                "target_quote": figure.quote or None,
                "status": status,
                "step": figure.step,
                "runs": runs if data is not None else 0,
                "saved": _iso(saved) if saved else None,
                "this_run": bool(this_run),
                "digits": figure.digits,
            }
        )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "run": run,
        "machine": run.get("machine") or machine(),
        "summary": counts,
        "figures": rows,
    }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _value_text(row: dict) -> str:
    value = row["value"]
    if value is None:
        return "—"
    text = f"{value:,.{row['digits']}f}"
    if row["unit"] == "%":
        return text + "%"
    return f"{text} {row['unit']}".strip()


ISSUES = {
    2: "Foundation",
    3: "Knowledge pack and retrieval",
    4: "Private patient records",
    5: "Local LLM",
    6: "Answer experience",
    7: "Installers",
    8: "Hardening and figures",
}


def markdown(report: dict) -> str:
    run, m, summary = report["run"], report["machine"], report["summary"]
    lines = [
        "# Lantern benchmark report",
        "",
        f"Generated {report['generated']} from `bench/out/*.json` by `python -m bench report`.",
        f"Machine: {m.get('cpus')} CPUs ({m.get('cpu')}), {m.get('system')}, "
        f"Python {m.get('python')}.",
    ]
    if run:
        load = run.get("load_start"), run.get("load_end")
        lines.append(
            f"Latest run: `python -m bench {' '.join(run.get('argv', []))}`".rstrip()
            + f" started {run.get('started')}, took {run.get('seconds', 0):.0f} s"
            + (", quick mode" if run.get("quick") else "")
            + (f"; 1-minute load average {load[0]} at the start, {load[1]} at the end" if all(
                x is not None for x in load) else "")
            + "."
        )  # fmt: skip
    lines += [
        "Timing figures depend on the machine and on what else runs on it; ratios (start-up "
        "vs a bare window, LLM overhead vs llama_cpp direct) are the ones that travel.",
        "",
        "**Summary:** "
        + ", ".join(f"{n} {s}" for s, n in sorted(summary.items(), key=lambda i: -i[1]))
        + ".",
        "",
    ]
    for issue, title in ISSUES.items():
        rows = [r for r in report["figures"] if r["issue"] == issue]
        if not rows:
            continue
        lines += [f"## Issue {issue}: {title}", ""]
        lines += ["| Figure | Value | Target | Status | Source |", "|---|---|---|---|---|"]
        for r in rows:
            target = f"{r['target']}" if r["target"] else "none set"
            status = {"pass": "**pass**", "miss": "**MISS**"}.get(r["status"], r["status"])
            if r["status"] not in ("not measured", "not built") and not r["this_run"]:
                status += f" (not measured in this run; saved {r['saved']})"
            source = f"`{r['step']}`" + (f", median of {r['runs']} runs" if r["runs"] > 1 else "")
            lines.append(f"| {r['name']} | {_value_text(r)} | {target} | {status} | {source} |")
        quotes = [r for r in rows if r["target_quote"]]
        if quotes:
            lines.append("")
            lines += [f'- {r["name"]}: issue {issue} says "{r["target_quote"]}"' for r in quotes]
        lines.append("")
    return "\n".join(lines)


def write(out: Path = OUT, dest: Path | None = None) -> dict:
    """Build the report from ``out`` and write report.md and report.json next to bench/out."""
    dest = dest or out.parent
    report = build(out)
    (dest / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (dest / "report.md").write_text(markdown(report))
    return report


def main(argv: list[str]) -> int:
    """``python -m bench report [OUT_DIR]``: rebuild the report from saved step outputs."""
    out = Path(argv[0]) if argv else OUT
    if not out.is_dir():
        print(f"bench report: no saved figures in {out}; run `make bench` first")
        return 1
    report = write(out)
    where = out.parent.relative_to(REPO) if out.parent.is_relative_to(REPO) else out.parent
    print(f"wrote {where}/report.md and report.json: {report['summary']}")
    return 0
