"""``lantern --self-test``: a smoke test of an installation, frozen or from source.

Opens the main window offscreen in a temporary data folder (unless ``LANTERN_HOME`` is set),
waits for the answer engine, asks one question and checks the answer cites its sources, checks
the keyring backends are discoverable, imports a synthetic text record into a temporary vault
locked by a passphrase and checks the profile read a fact from it, then reopens the vault with
the passphrase. One line per step; exit 0 when all pass, else one line with the reason and 1."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

QUESTION = "What is HER2-low breast cancer?"
PASSPHRASE = "self-test passphrase, not a secret"
RECORD = (
    "Surgical pathology report (synthetic, for the Lantern self-test)\n"
    "Date of report: 2024-08-22\n"
    "Diagnosis: invasive ductal carcinoma, grade 2\n"
    "Estrogen receptor: positive (90%)\n"
    "HER2 by IHC: 2+\n"
    "HER2 FISH: not amplified\n"
)


class SelfTestError(Exception):
    """A failed step; the message is the one-line reason."""


def seconds_since_process_start() -> float | None:
    """Wall time since this process started (the OS's start time), or None if unknown."""
    try:  # Linux: to the clock tick (psutil's start time rounds the boot time to a second)
        with open("/proc/self/stat", encoding="ascii") as stat, open("/proc/uptime") as up:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            return float(up.read().split()[0]) - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import psutil

        return time.time() - psutil.Process().create_time()
    except Exception:  # psutil missing or refused: the caller reports time since main()
        return None


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lantern --self-test")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per step")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    entered = time.perf_counter()
    since_start = seconds_since_process_start()
    started = entered - since_start if since_start is not None else entered
    args = _parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop import offline

    offline.apply()
    temp_home = None
    if not os.environ.get("LANTERN_HOME"):
        temp_home = tempfile.mkdtemp(prefix="lantern-self-test-")
        os.environ["LANTERN_HOME"] = temp_home
        from desktop.prebuilt_index import seed

        seed(Path(temp_home))  # an installed app's bundled index (nothing from source)
    try:
        run(args, started)
    except SelfTestError as exc:
        print(f"self-test: FAILED: {_one_line(exc)}", flush=True)
        return 1
    except Exception as exc:  # anything unexpected is a failure too, on one line
        print(f"self-test: FAILED: {type(exc).__name__}: {_one_line(exc)}", flush=True)
        return 1
    finally:
        if temp_home:
            shutil.rmtree(temp_home, ignore_errors=True)
    print(f"self-test: passed in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _step(name: str, t0: float, detail: str = "") -> None:
    extra = f": {detail}" if detail else ""
    print(f"self-test: {name} ok ({time.perf_counter() - t0:.2f} s){extra}", flush=True)


def _wait(ready, failed, timeout_s: float, what: str) -> tuple:
    """Run a local event loop until ``ready`` or ``failed`` is emitted, or the timeout."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    box: dict[str, object] = {}

    def on_ready(*values: object) -> None:
        box["ok"] = values
        loop.quit()

    def on_failed(message: object) -> None:
        box["error"] = str(message)
        loop.quit()

    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    ready.connect(on_ready)
    failed.connect(on_failed)
    timer.start(int(timeout_s * 1000))
    try:
        loop.exec()
    finally:
        timer.stop()
        ready.disconnect(on_ready)
        failed.disconnect(on_failed)
    if "error" in box:
        raise SelfTestError(f"{what}: {' '.join(str(box['error']).split())}")
    if "ok" not in box:
        raise SelfTestError(f"{what}: nothing within {timeout_s:.0f} s")
    return box["ok"]  # type: ignore[return-value]


def run(args: argparse.Namespace, started: float) -> None:
    import dataclasses

    from PySide6.QtWidgets import QApplication

    from desktop.settings import load_settings

    settings = load_settings()
    # the smoke test checks the installation, not a language model the user may have set up
    settings = dataclasses.replace(settings, answer_mode="extractive")
    print(f"self-test: data folder {settings.home}", flush=True)

    t0 = time.perf_counter()
    from desktop.services.source import standard
    from desktop.ui.main_window import APP_NAME, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    window = MainWindow(settings, standard(settings))
    window.show()
    app.processEvents()
    print(
        f"self-test: window shown {time.perf_counter() - started:.2f} s after process start",
        flush=True,
    )
    try:
        t0 = time.perf_counter()
        from desktop.ui.main_window import set_window_icon

        if not set_window_icon(app):
            raise SelfTestError("the window icon could not be drawn (icon file or SVG plugin)")
        window.build_areas()
        _step("window icon and tabs", t0, f"{window.tabs.count()} tabs")

        t0 = time.perf_counter()
        window.start()
        _wait(window.services_ready, window.failed, args.timeout, "answer engine did not start")
        services = window.services
        sections = sum(len(p.sections) for p in services.packs)
        _step("answer engine ready", t0, f"{sections} guideline sections")

        t0 = time.perf_counter()
        window.ask(args.question)
        (answer,) = _wait(window.answer_ready, window.failed, args.timeout, "no answer")
        if not answer.citations:
            raise SelfTestError(f"the answer to {args.question!r} cites no sources")
        _step("answer", t0, f"{len(answer.citations)} citation(s), mode {answer.mode}")

        t0 = time.perf_counter()
        _check_keyring()
        _step("keyring backends", t0, _keyring_note())

        t0 = time.perf_counter()
        facts = _record_round_trip(settings.home, services.embedder)
        _step("record import into a passphrase vault", t0, f"{facts} profile fact(s)")
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()


def _check_keyring() -> None:
    """keyring finds its backends through package metadata; a bundle without it has none."""
    from importlib.metadata import entry_points

    if not list(entry_points(group="keyring.backends")):
        raise SelfTestError("no keyring backends registered (package metadata missing?)")


def _keyring_note() -> str:
    from desktop.core.records.keys import usable_keyring

    backend = usable_keyring()
    return f"in use: {type(backend).__name__}" if backend else "none usable here (passphrase)"


def _record_round_trip(home: Path, embedder) -> int:
    from desktop.core.progress import drive
    from desktop.core.records import importer
    from desktop.core.records.patients import create_patient, open_patient
    from desktop.core.records.session import PatientSession

    vault = create_patient(home, "Self Test", PASSPHRASE)
    session = PatientSession(vault, embedder.embed, embedder.identity)
    with tempfile.TemporaryDirectory(prefix="lantern-self-test-record-") as folder:
        path = Path(folder) / "pathology.txt"
        path.write_text(RECORD, encoding="utf-8")
        try:
            report = drive(session.import_files([path]))
            if report.errors:
                raise SelfTestError(f"record import failed: {report.errors[0]}")
            if not report.documents:
                raise SelfTestError("record import produced no document")
            facts = len(session.profile.facts)
            if not facts:
                raise SelfTestError("the profile read no fact from the synthetic record")
        finally:
            session.lock()
    reopened = open_patient(home, vault.patient_id, PASSPHRASE)
    try:
        if len(importer.documents(reopened)) != 1:
            raise SelfTestError("the reopened vault does not hold the imported record")
    finally:
        reopened.close()
    return facts
