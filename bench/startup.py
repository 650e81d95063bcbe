"""Process start to window shown (offscreen), against a bare PySide6 window; medians of runs.

Both are timed warm, as a user's second start: bytecode compiled (this machine sets
PYTHONDONTWRITEBYTECODE, which would make every run recompile Lantern's modules but not
PySide's, so it is unset here and one untimed run of each comes first) and files in the page
cache. Lantern and bare runs alternate, so a busy moment of the machine hits both.

"window shown" is the moment the window is on screen with its Ask area complete; Lantern
then builds the Records, History and Visit questions tabs on the next turn of the event loop,
timed as "all tabs built". When Xvfb is installed the same runs are repeated under it with
the xcb platform plugin (not part of the set-up: `apt-get install xvfb libxcb-cursor0`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench.common import REPO, median, save, show

RUNS = 9
BARE = (
    "import sys\nfrom PySide6.QtCore import QTimer\nfrom PySide6.QtWidgets import QApplication, "
    "QMainWindow\napp = QApplication(sys.argv)\nw = QMainWindow()\nw.show()\n"
    "QTimer.singleShot(0, lambda: (print('window-shown', flush=True), app.quit()))\napp.exec()\n"
)
LANTERN = [sys.executable, "-m", "desktop", "--exit-when-shown"]


def _time(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from process start to each marker line the process prints."""
    marks: dict[str, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        marks[line.strip()] = time.perf_counter() - start
    proc.wait(timeout=60)
    if "window-shown" not in marks:
        raise RuntimeError(f"{cmd} never showed a window")
    return marks


def _alternate(env: dict[str, str]) -> tuple[float, float, float]:
    """Medians (window shown, all tabs built, bare window shown) of alternating runs."""
    bare_cmd = [sys.executable, "-c", BARE]
    _time(LANTERN, env), _time(bare_cmd, env)  # warm-up: bytecode written, files cached
    lantern: list[dict[str, float]] = []
    bare: list[float] = []
    for _ in range(RUNS):
        lantern.append(_time(LANTERN, env))
        bare.append(_time(bare_cmd, env)["window-shown"])
    shown = [m["window-shown"] for m in lantern]
    built = [m.get("areas-built", float("nan")) for m in lantern]
    return median(shown), median(built), median(bare)


def _under_xvfb(env: dict[str, str]) -> dict[str, float]:
    """The same under an X server (Xvfb, xcb platform plugin) when Xvfb is installed; a real
    display also maps the window and loads fonts for the first paint."""
    if not shutil.which("Xvfb"):
        return {}
    display = f":{90 + os.getpid() % 9}"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        shown, _, bare = _alternate(dict(env, QT_QPA_PLATFORM="xcb", DISPLAY=display))
    except RuntimeError:  # e.g. the xcb plugin's libraries are missing: say nothing
        return {}
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "Xvfb (xcb): lantern start to window shown s": shown,
        "Xvfb (xcb): bare PySide6 window s": bare,
        "Xvfb (xcb): ratio": shown / bare,
    }


def run() -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LANTERN_HOME=tempfile.mkdtemp())
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    shown, built, bare = _alternate(env)
    figures = {
        "lantern start to window shown s": shown,
        "lantern start to all tabs built s": built,
        "bare PySide6 window s": bare,
        "ratio (target <= 1.5)": shown / bare,
        "runs": RUNS,
        **_under_xvfb(env),
    }
    show("Start-up: process start to window shown (offscreen)", figures)
    save("startup", figures)
    return figures


if __name__ == "__main__":
    run()
