"""Idle memory without an LLM: the resident set (RSS) of the whole app process, and of any
process it started, after the window is shown, the guideline index is ready and the app has
idled a few seconds. Target (issue 8): <= 300 MB, read here as MiB (2^20 bytes, as system
monitors count memory).

Each run starts ``python -m bench.idle_memory --child`` (the main window as ``lantern`` opens
it, offscreen, extractive mode, a temporary data folder). The first run builds the index in
that folder and is reported apart; the figure is the median of the later starts, which reuse
the index as every start after the first does. The child prints ``idle`` once it has idled;
the parent then reads the RSS from outside (psutil) and closes the child's stdin to end it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time

import psutil

from bench.common import REPO, median, save, show

RUNS = 3
IDLE_SECONDS = 5.0
TIMEOUT_S = 900.0  # a first start on a loaded 2-core machine may take minutes to index
MB = 1024 * 1024


def child(idle_seconds: float) -> int:
    """The window, started as ``lantern`` starts it; prints ``idle`` when it has idled."""
    from desktop import offline

    offline.apply()
    from PySide6.QtCore import QObject, QSocketNotifier, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.services.source import standard
    from desktop.settings import load_settings
    from desktop.ui.main_window import MainWindow

    class Watcher(QObject):
        """Slots on the GUI thread: idle after ready, quit on failure or when told."""

        def ready(self) -> None:
            QTimer.singleShot(int(idle_seconds * 1000), self.idle)

        def idle(self) -> None:
            print("idle", flush=True)

        def failed(self, message: str) -> None:
            print(f"failed {message}", flush=True)
            app.quit()

        def stdin_closed(self) -> None:
            app.quit()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    settings = load_settings()
    window = MainWindow(settings, standard(settings))
    watcher = Watcher()
    window.services_ready.connect(watcher.ready)
    window.failed.connect(watcher.failed)
    # the parent closes our stdin when it has measured: quit then
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(watcher.stdin_closed)
    window.show()
    window.start()
    code = app.exec()
    notifier.setEnabled(False)
    window.shutdown()
    return int(code)


def _tree_rss(pid: int) -> tuple[int, int]:
    """(RSS of the process, RSS of it and every process it started), in bytes."""
    proc = psutil.Process(pid)
    own = proc.memory_info().rss
    total = own
    for kid in proc.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += kid.memory_info().rss
    return own, total


def measure_once(env: dict[str, str]) -> dict[str, float]:
    """One start: seconds to idle, RSS (MB) of the app and of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.idle_memory", "--child", str(IDLE_SECONDS)],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        line = proc.stdout.readline().strip()
        if line != "idle":
            raise RuntimeError(f"the window did not get ready: {line or 'no output'}")
        seconds = time.perf_counter() - started
        own, tree = _tree_rss(proc.pid)
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {"seconds to idle": seconds, "app MB": own / MB, "tree MB": tree / MB}


def run(runs: int = RUNS) -> dict:
    with tempfile.TemporaryDirectory(prefix="lantern-bench-memory-") as home:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
        env.update(LANTERN_HOME=home, QT_QPA_PLATFORM="offscreen", LANTERN_ANSWER_MODE="extractive")
        first = measure_once(env)
        later = [measure_once(env) for _ in range(runs)]
    figures = {
        "idle RSS, app process, MB (median of later starts)": median([r["app MB"] for r in later]),
        "idle RSS, app and child processes, MB": median([r["tree MB"] for r in later]),
        "idle RSS after the first start (index built), MB": first["app MB"],
        "start to idle, later starts, s (includes the idle wait)": median(
            [r["seconds to idle"] for r in later]
        ),
        "idle wait s": IDLE_SECONDS,
        "runs": len(later),
    }
    show("Idle memory without an LLM (target: <= 300 MB)", figures)
    save("idle_memory", figures)
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        raise SystemExit(child(float(sys.argv[2])))
    run()
