"""The Records area driven with qtbot: create and unlock a patient, import with progress (a
bad file reported, the rest imported), fact evidence and edits, lock and unlock, idle lock,
the lab chart, and a personalised answer in the Ask tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.records.extract import Evidence
from desktop.core.records.profile import Profile, ProfileFact
from desktop.ui.lab_chart import LabChart
from desktop.ui.main_window import MainWindow
from tests.ui.steps import locked, new_patient, queue_done

PASSPHRASE = "correct horse battery"
PATHOLOGY = (
    "Surgical pathology report\nDate of report: 2024-08-22\nSpecimen: left breast\n"
    "Diagnosis: invasive ductal carcinoma, grade 2\nEstrogen receptor: positive (90%)\n"
    "HER2 by IHC: 1+\nKi-67: 15%\n"
)


@pytest.fixture
def window(qtbot, services, monkeypatch, make_window):
    # passphrase vaults whatever keyring the machine has, so a wrong passphrase can be tested
    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: None)
    win = make_window(services=services)
    win.show()
    with qtbot.waitSignal(win.services_ready, timeout=30000):
        win.start()
    win.records.passphrase_provider = lambda prompt: PASSPHRASE
    return win


def _import(qtbot, win: MainWindow, *paths: Path) -> list[object]:
    shown: list[object] = []
    win.records.progress_shown.connect(shown.append)
    with qtbot.waitSignal(win.records.profile_shown, timeout=60000):
        win.records.import_files(list(paths))
    return shown


def _fact_row(win: MainWindow, field: str) -> ProfileFact:
    session = win.records.session
    assert session is not None
    return next(f for f in session.profile.facts if f.field == field)


def test_import_with_progress_and_a_bad_file_reported(qtbot, window, tmp_path: Path) -> None:
    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7 this is not really a pdf")
    assert new_patient(qtbot, window) is not None
    failures: list[str] = []
    window.records.failed.connect(failures.append)
    progress = _import(qtbot, window, broken, pathology)
    assert progress, "no progress was shown"
    assert window.records.documents.list.count() == 1
    assert failures and "broken.pdf" in failures[0]
    assert "Not imported" in window.records.state.text()
    assert window.records.facts.tree.topLevelItemCount() >= 4
    assert not window.records.busy.cancel_button.isVisible()


def test_evidence_edit_and_lock_unlock(qtbot, window, tmp_path: Path) -> None:
    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    new_patient(qtbot, window)
    _import(qtbot, window, pathology)
    ihc = _fact_row(window, "her2_ihc")
    assert window.records.select_fact(ihc.id)
    evidence = window.records.facts.evidence
    assert "HER2 by IHC: 1+" in evidence.toPlainText()
    page = evidence.document()
    span = PATHOLOGY[ihc.evidence.start : ihc.evidence.end]
    found = page.find(span)
    assert not found.isNull()
    assert found.charFormat().background().color().name() == "#ffe066"  # the span is marked
    before = page.find("Ki-67")
    assert before.charFormat().background().color().name() != "#ffe066"  # the rest is not
    with qtbot.waitSignal(window.records.profile_changed, timeout=10000):
        window.records.edit_fact(ihc.id, "correct", "2+")
    assert _fact_row(window, "her2_ihc").value == "2+"

    session = window.records.session
    patient = session.patient_id  # type: ignore[union-attr]
    window.records.lock()  # her records leave the window at once
    assert window.records.session is None
    assert window.records.facts.tree.topLevelItemCount() == 0
    assert window.records.documents.list.count() == 0
    assert not window.records.documents.import_button.isEnabled()
    qtbot.waitUntil(lambda: session.locked, timeout=10000)  # and her vault closes

    window.records.passphrase_provider = lambda prompt: "wrong passphrase"
    with qtbot.waitSignal(window.records.failed, timeout=60000):
        window.records.unlock(patient)
    assert window.records.session is None

    window.records.passphrase_provider = lambda prompt: PASSPHRASE
    with qtbot.waitSignal(window.records.session_changed, timeout=60000):
        window.records.unlock(patient)
    fixed = _fact_row(window, "her2_ihc")
    assert fixed.value == "2+" and fixed.source == "corrected"  # the correction persisted


def test_delete_patient_destroys_her_vault(qtbot, window, lantern_home: Path) -> None:
    from desktop.core.records.vault import patient_ids

    pid = new_patient(qtbot, window).patient_id
    bar = window.records.bar
    assert bar.patient.count() == 1
    window.records.delete_patient(pid)
    assert window.records.session is None
    queue_done(qtbot, window)
    assert pid not in patient_ids(lantern_home)
    assert bar.patient.count() == 0
    assert not bar.unlock_button.isEnabled()
    assert "destroyed" in window.records.state.text()


def test_idle_lock(qtbot, window, tmp_path: Path) -> None:
    session = new_patient(qtbot, window)
    assert session is not None
    session.lock_after_seconds = 0
    with qtbot.waitSignal(window.records.session_changed, timeout=5000) as blocker:
        window.records.check_idle()
    assert blocker.args == [None]
    assert "idle" in window.records.state.text()
    qtbot.waitUntil(lambda: session.locked, timeout=10000)


def test_personalised_answer_in_the_ask_tab(qtbot, window, tmp_path: Path) -> None:
    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    new_patient(qtbot, window)
    _import(qtbot, window, pathology)
    assert "personalised" in window.ask_pane.patient_label.text()
    with qtbot.waitSignal(window.answer_ready, timeout=30000) as blocker:
        window.ask("What does HER2-low mean for me?")
    answer = blocker.args[0]
    assert {c.kind for c in answer.citations} == {"guideline", "record"}
    assert "For you" in window.answer_view.toPlainText()


def _lab(value: str, date: str, page: int = 1) -> ProfileFact:
    line = f"ANC {value} x10^9/L (1.5-8.0)"
    ev = Evidence("d1", page, 0, len(line), line)
    details = {"test": "ANC", "unit": "x10^9/L", "ref_low": "1.5", "ref_high": "8.0"}
    return ProfileFact(f"anc-{date}", "lab", value, date, details, ev, "d1")


def test_lab_chart_draws_trend_range_and_dose_change(qtbot) -> None:
    chart = LabChart()
    qtbot.addWidget(chart)
    change = ProfileFact(
        "dc",
        "dose_change",
        "ribociclib",
        "2024-10-01",
        {"from": "600 mg", "to": "400 mg", "date": "2024-10-01"},
        Evidence("d1", 1, 0, 10, "ribociclib reduced"),
        "d1",
    )
    profile = Profile(
        [_lab("2.1", "2024-09-01"), _lab("0.9", "2024-09-29"), _lab("1.6", "2024-10-27"), change]
    )
    chart.set_profile(profile)
    assert chart.selector.currentText() == "ANC"
    assert chart.curve is not None
    xs, ys = chart.curve.getData()
    assert list(ys) == [2.1, 0.9, 1.6] and list(xs) == sorted(xs)
    assert chart.range_band is not None and chart.range_band.getRegion() == (1.5, 8.0)
    assert len(chart.marker_lines) == 1
    chart.set_profile(Profile([]))
    assert chart.curve is None and chart.empty.isVisibleTo(chart)


def test_history_is_kept_per_patient_and_reopens(qtbot, window, tmp_path: Path) -> None:
    new_patient(qtbot, window)
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is a sentinel lymph node biopsy?")
    assert "encrypted" in window.history.where.text()
    assert window.history.list.count() == 1
    window.history.search.setText("sentinel")
    assert window.history.list.count() == 1
    window.history.search.setText("tamoxifen")
    assert window.history.list.count() == 0
    window.history.search.clear()
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is tamoxifen?")
    assert "tamoxifen" in window.history.list.item(0).text()  # newest first
    window.history.list.setCurrentRow(1)
    window.history.reopen_selected()
    assert "sentinel" in window.answer_view.toPlainText().lower()
    assert window.history.list.count() == 2  # reopening does not add an entry
    window.records.lock()
    assert window.history.list.count() == 0  # her history went with her records
    assert "session only" in window.history.where.text()


def test_find_and_escape(qtbot, window) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is a sentinel lymph node biopsy?")
    pane = window.ask_pane
    qtbot.keySequence(window, "Ctrl+F")
    assert pane.find_bar.isVisible()
    pane.find_bar.setText("lymph")
    assert pane.find_next()
    assert window.answer_view.textCursor().selectedText().lower() == "lymph"
    pane.find_bar.setText("zzzz-not-there")
    assert not pane.find_next()
    window.stop()
    assert not pane.find_bar.isVisible()


def test_visit_questions_gathered_kept_with_her_records_and_exported(
    qtbot, window, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    new_patient(qtbot, window)
    _import(qtbot, window, pathology)
    with qtbot.waitSignal(window.answer_ready, timeout=30000) as blocker:
        window.ask("What does HER2-low mean for me?")
    wanted = blocker.args[0].questions_for_care_team
    assert wanted and window.ask_pane.add_to_visit.isEnabled()
    assert window.add_questions_to_visit() == len(wanted)
    assert window.add_questions_to_visit() == 0  # no duplicates
    assert window.visit.model.texts() == wanted
    assert window.visit.print_action in window.actions()  # Ctrl+P

    patient = window.records.session.patient_id  # type: ignore[union-attr]
    window.records.lock()
    assert window.visit.model.texts() == []  # her list went with her records
    with qtbot.waitSignal(window.records.session_changed, timeout=60000):
        window.records.unlock(patient)
    assert window.visit.model.texts() == wanted  # and came back, from the vault

    window.visit.profile_check.setChecked(True)
    out = tmp_path / "visit.pdf"
    window.visit.export_pdf(out)
    text = " ".join(page.extract_text() for page in PdfReader(str(out)).pages)
    assert "HER2 category: low" in " ".join(text.split())
    assert " ".join(wanted[0].split()[:4]) in " ".join(text.split())


def test_window_size_and_splitters_are_remembered(
    qtbot, services, lantern_home, make_window
) -> None:
    first = make_window(services=services)
    first.show()
    first.resize(700, 500)  # within the offscreen screen (restoreGeometry clamps to it)
    first.ask_pane.splitter.setSizes([300, 700])
    wanted = first.ask_pane.splitter.sizes()
    first.close()
    stored = (lantern_home / "window.ini").read_bytes()
    assert b"Test Patient" not in stored and b"HER2" not in stored
    second = make_window(services=services)
    second.show()
    assert (second.width(), second.height()) == (700, 500)
    assert second.ask_pane.splitter.sizes() == wanted
    second.shutdown()
    (lantern_home / "window.ini").write_bytes(b"[General]\ngeometry=@ByteArray(garbage)\n")
    make_window(services=services)  # a damaged file is ignored


def test_every_control_has_an_accessible_name(window) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QProgressBar,
        QTextEdit,
    )

    kinds = (
        QAbstractButton,
        QAbstractItemView,
        QCheckBox,
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QProgressBar,
        QTextEdit,
    )
    unnamed = []
    from PySide6.QtWidgets import QHeaderView, QMenuBar

    def qt_internal(widget) -> bool:  # parts Qt builds inside its own widgets
        if isinstance(widget, QHeaderView):
            return True
        parent = widget.parent()
        while parent is not None:
            if isinstance(parent, (QComboBox, QLineEdit, QMenuBar)) or (
                type(parent).__name__ == "QFrame" and parent.parent() is None
            ):
                return True
            parent = parent.parent()
        return widget.parent() is None and isinstance(widget, QAbstractItemView)

    widgets = {w for kind in kinds for w in window.findChildren(kind)}
    for widget in widgets:
        if not qt_internal(widget):
            name = widget.accessibleName()
            text = widget.text() if isinstance(widget, QAbstractButton) else ""
            if not (name or text.strip()) and widget.objectName() != "qt_scrollarea_viewport":
                unnamed.append(f"{type(widget).__name__} in {type(widget.parent()).__name__}")
    assert not unnamed, unnamed


def test_text_size_can_be_changed_and_is_remembered(
    qtbot, services, lantern_home, make_window
) -> None:
    first = make_window(services=services)
    start = first.answer_view.font().pointSize()
    first.larger_action.trigger()
    first.larger_action.trigger()
    assert first.answer_view.font().pointSize() == start + 2
    first.close()
    second = make_window(services=services)
    assert second.answer_view.font().pointSize() == start + 2
    second.smaller_action.trigger()
    assert second.ask_pane.question.font().pointSize() == start + 1


def test_an_answer_arriving_after_lock_is_not_stored_in_the_clear(
    qtbot, services, monkeypatch, lantern_home, tmp_path: Path, make_window
) -> None:
    monkeypatch.setenv("LANTERN_KEEP_HISTORY_WITHOUT_PATIENT", "true")
    monkeypatch.setattr("desktop.core.records.keys.usable_keyring", lambda: None)
    win = make_window(services=services)
    with qtbot.waitSignal(win.services_ready, timeout=30000):
        win.start()
    win.records.passphrase_provider = lambda prompt: PASSPHRASE
    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    new_patient(qtbot, win)
    _import(qtbot, win, pathology)
    with qtbot.waitSignal(win.answer_ready, timeout=30000) as blocker:
        win.ask("What does HER2-low mean for me?")
        win.records.lock()  # before the answer (with her facts) reaches the window
    assert any(c.kind == "record" for c in blocker.args[0].citations)
    assert "not saved" in win.statusBar().currentMessage()
    plain = lantern_home / "history.jsonl"
    assert not plain.exists() or "HER2" not in plain.read_text()


# -- one writer for her vault: the window never waits for it -----------------------------------
@pytest.fixture
def slow_import(monkeypatch):
    """``arm()``: from then on an import holds her session while a long document is
    embedded; returns ``reading`` (set once one is) and ``release`` (it goes on when set,
    45 s after it began at the latest, so the suite never hangs whatever the window does)."""
    import threading

    from desktop.core.records import session as session_module

    released: list[threading.Event] = []

    def arm() -> tuple[threading.Event, threading.Event]:
        reading, release = threading.Event(), threading.Event()
        real_embed = session_module.embed_document

        def slow_embed(*args, **kwargs):
            if not reading.is_set():
                reading.set()
                threading.Timer(45, release.set).start()
            release.wait(60)
            return real_embed(*args, **kwargs)

        monkeypatch.setattr(session_module, "embed_document", slow_embed)
        released.append(release)
        return reading, release

    yield arm
    for release in released:
        release.set()


def test_edits_during_an_import_do_not_block_the_window(
    qtbot, window, tmp_path: Path, slow_import
) -> None:
    """An import holds her session while it reads; Confirm, Correct and an answer's
    history entry made meanwhile wait their turn on the records queue, not in the window."""
    import time

    pathology = tmp_path / "pathology.txt"
    pathology.write_text(PATHOLOGY)
    new_patient(qtbot, window)
    _import(qtbot, window, pathology)
    grade = _fact_row(window, "grade")
    assert window.records.select_fact(grade.id)
    reading, release = slow_import()
    letter = tmp_path / "letter.txt"
    letter.write_text("Clinic letter 2024-10-01\nStarted ribociclib 600 mg daily.\n")
    window.records.import_files([letter])
    assert reading.wait(20), "the import did not start"
    facts = window.records.facts
    assert facts.confirm_button.isEnabled()  # the controls stay usable during the import
    started = time.perf_counter()
    facts.confirm_button.click()
    window.records.edit_fact(grade.id, "correct", "3")
    blocked = time.perf_counter() - started
    assert blocked < 2, f"the window waited {blocked:.1f} s"
    assert not release.is_set(), "the import ended first: nothing was shown"
    with qtbot.waitSignal(window.ask_pane.answered, timeout=30000):  # the window answers
        window.ask("What is a sentinel lymph node biopsy?")
    assert not release.is_set(), "the import ended before the answer was shown"
    assert window.history.list.count() == 0  # kept once the queue gets to it
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        release.set()
    qtbot.waitUntil(lambda: not window.records.busy.busy, timeout=60000)
    queue_done(qtbot, window)
    assert window.records.documents.list.count() == 2
    fixed = _fact_row(window, "grade")
    assert fixed.value == "3" and fixed.source == "corrected"  # made in order, after it
    assert window.history.list.count() == 1


def test_lock_during_an_import_returns_at_once(
    qtbot, window, tmp_path: Path, slow_import
) -> None:
    import time

    session = new_patient(qtbot, window)
    reading, release = slow_import()
    letter = tmp_path / "letter.txt"
    letter.write_text("Clinic letter 2024-10-01\nHER2 IHC 1+\n")
    window.records.import_files([letter])
    assert reading.wait(20)
    started = time.perf_counter()
    window.records.lock()
    assert time.perf_counter() - started < 1 and not release.is_set()
    assert window.records.session is None and window.records.documents.list.count() == 0
    release.set()
    qtbot.waitUntil(lambda: session.locked, timeout=30000)  # closed once the import let go
    queue_done(qtbot, window)
    assert "Unlocked" not in window.records.state.text()  # the import's end shows nothing


def test_new_patient_refuses_a_short_passphrase_in_the_core_s_words(
    qtbot, window, lantern_home: Path
) -> None:
    from desktop.core.records.patients import MIN_PASSPHRASE, passphrase_problem
    from desktop.core.records.vault import patient_ids

    window.records.passphrase_provider = lambda prompt: "abc"
    with qtbot.waitSignal(window.records.failed, timeout=5000) as refused:
        window.records.create_patient_named("Short Passphrase")
    core_words = passphrase_problem("abc")
    assert core_words == f"a passphrase needs at least {MIN_PASSPHRASE} characters"
    assert refused.args[0] == f"{core_words}; nothing was created"
    assert core_words in window.records.state.text()
    queue_done(qtbot, window)
    assert patient_ids(lantern_home) == [] and window.records.session is None


def test_an_unlock_passphrase_comes_from_the_environment_first(
    qtbot, window, monkeypatch
) -> None:
    session = new_patient(qtbot, window)
    patient = session.patient_id
    locked(qtbot, window)
    asked: list[str] = []
    window.records.passphrase_provider = lambda prompt: asked.append(prompt)  # never answers
    monkeypatch.setenv("LANTERN_VAULT_PASSPHRASE", PASSPHRASE)
    with qtbot.waitSignal(window.records.session_changed, timeout=60000):
        window.records.unlock(patient)
    assert asked == [] and window.records.session is not None
