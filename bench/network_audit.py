"""Network audit: the ask flow (first start, then with a patient), record import and guideline
PDF import (CLI) and an idle window (offscreen), each under ``strace -f -e trace=connect``;
counts connects by address family.

Target: 0 AF_INET/AF_INET6 connects (AF_UNIX is local: D-Bus, the keyring). Every process
the flow starts is followed (``-f``), the model host included. The first flow, in a fresh data
folder, also builds the guideline index. Without strace it prints one skip line.
``python -m bench.network_audit --idle SECONDS`` is the idle-window child it runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, save, show

IDLE_SECONDS = 5.0
_CONNECT = re.compile(r"connect\(\d+, \{sa_family=(AF_[A-Z0-9]+)")


def count_connects(trace: str) -> dict[str, int]:
    """Connect calls per address family in an strace log."""
    counts: dict[str, int] = {}
    for match in _CONNECT.finditer(trace):
        counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    return counts


def _traced(name: str, args: list[str], env: dict[str, str], work: Path) -> dict:
    log = work / f"{name}.strace"
    cmd = ["strace", "-f", "--seccomp-bpf", "-qq", "-e", "trace=connect", "-o", str(log)]
    start = time.perf_counter()
    done = subprocess.run(
        [*cmd, sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed: {done.stderr.strip()[-500:]}")
    counts = count_connects(log.read_text(errors="replace"))
    return {"seconds": seconds, "counts": counts, "stdout": done.stdout}


def _inputs(work: Path) -> tuple[list[Path], Path]:
    from fpdf import FPDF

    from tests.synthetic_records import scenarios, write_pdf, write_text

    docs = scenarios()[0].documents
    records = [
        write_pdf(docs[0], work / "pathology.pdf"),
        write_text(docs[1], work / "clinic-note.txt"),
        write_pdf(docs[2], work / "labs.pdf"),
    ]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in range(4):
        pdf.add_page()
        pdf.multi_cell(0, 6, f"Hot flashes, part {page}", new_x="LMARGIN", new_y="NEXT")
        text = "Venlafaxine and gabapentin are non-hormonal options for hot flashes. " * 8
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(work / "guide.pdf"))
    return records, work / "guide.pdf"


def run() -> dict:
    if shutil.which("strace") is None:
        print("\n== Network audit: skipped (strace is not installed; apt-get install strace)")
        return {}
    with tempfile.TemporaryDirectory(prefix="lantern-netaudit-") as tmp:
        work = Path(tmp)
        home = work / "home"
        records, guide = _inputs(work)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        env.update(
            LANTERN_HOME=str(home),
            LANTERN_VAULT_PASSPHRASE="network audit passphrase",
            QT_QPA_PLATFORM="offscreen",
            TMPDIR=str(work),
        )
        desktop = ["-m", "desktop"]
        results = {
            "ask (first start: builds the index)": _traced(
                "ask", [*desktop, "ask", "What is DCIS?"], env, work
            )
        }
        created = _traced("create", [*desktop, "patients", "create", "Audit Patient"], env, work)
        patient = created["stdout"].split("\t")[0]
        imported = _traced(
            "records", [*desktop, "records", "import", *map(str, records), "--patient", patient],
            env, work,
        )  # fmt: skip
        results["record import (patient create + import)"] = _merge(created, imported)
        results["ask with a patient"] = _traced(
            "ask-patient", [*desktop, "ask", "What does HER2-low mean for me?", "--patient",
                            patient], env, work,
        )  # fmt: skip
        about = ["--title", "Audit guide", "--source", "Audit", "--year", "2025"]
        results["guideline PDF import"] = _traced(
            "guide", [*desktop, "guidelines", "import", str(guide), *about], env, work
        )
        results[f"idle window {IDLE_SECONDS:.0f} s"] = _traced(
            "idle", ["-m", "bench.network_audit", "--idle", str(IDLE_SECONDS)], env, work
        )
    figures: dict = {}
    total_inet = 0
    for name, got in results.items():
        counts = got["counts"]
        inet = counts.get("AF_INET", 0) + counts.get("AF_INET6", 0)
        total_inet += inet
        figures[f"{name}: AF_INET/AF_INET6 connects"] = inet
        figures[f"{name}: AF_UNIX connects"] = counts.get("AF_UNIX", 0)
        figures[f"{name}: seconds"] = round(got["seconds"], 2)
    figures["AF_INET/AF_INET6 connects, all flows (target 0)"] = total_inet
    show("Network audit: connect() calls under strace -f", figures)
    save("network_audit", figures)
    return figures


def _merge(a: dict, b: dict) -> dict:
    counts = dict(a["counts"])
    for family, n in b["counts"].items():
        counts[family] = counts.get(family, 0) + n
    return {"seconds": a["seconds"] + b["seconds"], "counts": counts, "stdout": b["stdout"]}


def idle_window(seconds: float) -> int:
    """The main window started as ``lantern`` starts it, idle for ``seconds``, then closed."""
    from desktop import offline

    offline.apply()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.services.source import standard
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = load_settings()
    window = MainWindow(settings, standard(settings))
    window.show()
    window.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    code = app.exec()
    window.shutdown()
    return int(code)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--idle":
        raise SystemExit(idle_window(float(sys.argv[2])))
    run()
