"""Steps the window tests share (the hardening window tests too): each waits for what the
window does on its records queue, as a user would see it happen."""

from __future__ import annotations

from desktop.ui.main_window import MainWindow


def new_patient(qtbot, window: MainWindow, name: str = "Test Patient"):
    """New patient… in the Records tab; her session once it is open."""
    with qtbot.waitSignal(
        window.records.session_changed, timeout=60000, check_params_cb=lambda s: s is not None
    ):
        window.records.create_patient_named(name)
    return window.records.session


def locked(qtbot, window: MainWindow) -> None:
    """Lock her records and wait until her vault is closed (the queue has done it)."""
    session = window.records.session
    window.records.lock()
    if session is not None:
        qtbot.waitUntil(lambda: session.locked, timeout=10000)


def queue_done(qtbot, window: MainWindow) -> None:
    """Wait until the records queue has made every change asked of it so far."""
    qtbot.waitUntil(lambda: not window.vault_queue.busy, timeout=60000)
