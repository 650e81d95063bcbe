"""Process start to window shown (offscreen), against a bare PySide6 window; medians of runs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from bench.common import REPO, median, save, show

RUNS = 5
BARE = (
    "import sys\nfrom PySide6.QtCore import QTimer\nfrom PySide6.QtWidgets import QApplication, "
    "QMainWindow\napp = QApplication(sys.argv)\nw = QMainWindow()\nw.show()\n"
    "QTimer.singleShot(0, lambda: (print('window-shown', flush=True), app.quit()))\napp.exec()\n"
)


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == "window-shown":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd} never showed a window")
    proc.wait(timeout=60)
    return elapsed


def run() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANTERN_HOME=tempfile.mkdtemp())
    lantern = [
        _time([sys.executable, "-m", "desktop", "--exit-when-shown"], env) for _ in range(RUNS)
    ]
    bare = [_time([sys.executable, "-c", BARE], env) for _ in range(RUNS)]
    figures = {
        "lantern start to window shown s": median(lantern),
        "bare PySide6 window s": median(bare),
        "ratio (target <= 1.5)": median(lantern) / median(bare),
        "runs": RUNS,
    }
    show("Start-up: process start to window shown (offscreen)", figures)
    save("startup", figures)
    return figures


if __name__ == "__main__":
    run()
