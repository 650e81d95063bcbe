"""The real window driven with qtbot: start-up indexing, asking, sources, related questions."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl

from desktop.ui.main_window import MainWindow
from tests.packs import write_pack


@pytest.fixture
def window(qtbot, services, make_window):
    win = make_window(services=services)
    win.show()
    with qtbot.waitSignal(win.services_ready, timeout=30000):
        win.start()
    return win


def test_type_question_press_enter_get_answer_and_sources(qtbot, window: MainWindow) -> None:
    pane = window.ask_pane
    assert pane.disclaimer.isVisible()
    assert "not medical advice" in pane.disclaimer.text()
    qtbot.keyClicks(pane.question, "What is a sentinel lymph node biopsy?")
    with qtbot.waitSignal(window.answer_ready, timeout=30000) as blocker:
        qtbot.keyClick(pane.question, Qt.Key.Key_Return)
    answer = blocker.args[0]
    assert answer.citations
    assert pane.sources.count() == len(answer.citations)
    assert "sentinel" in window.answer_view.toPlainText().lower()
    assert pane.related.count() >= 3


def test_clicking_a_marker_selects_its_source(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What are common side effects of ribociclib?")
    last = window.ask_pane.sources.count()
    window.answer_view.anchorClicked.emit(QUrl(f"cite:{last}"))
    assert window.ask_pane.sources.currentRow() == last - 1


def test_clicking_a_related_question_asks_it(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is tamoxifen?")
    related = window.ask_pane.related
    item = related.item(0)
    expected = item.data(Qt.ItemDataRole.UserRole)
    with qtbot.waitSignal(window.answer_ready, timeout=30000) as blocker:
        rect = related.visualItemRect(item)
        qtbot.mouseClick(related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args[0].question == expected
    assert window.ask_pane.question.toPlainText() == expected


def test_shift_enter_adds_a_line_without_asking(qtbot, window: MainWindow) -> None:
    question = window.ask_pane.question
    qtbot.keyClicks(question, "first line")
    qtbot.keyClick(question, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert "\n" in question.toPlainText()


def test_first_run_indexes_with_progress(qtbot, tmp_path: Path, monkeypatch, make_window) -> None:
    guidelines = tmp_path / "guidelines"
    write_pack(guidelines, {"a": ("Alpha topic", "alpha"), "b": ("Beta topic", "beta")})
    monkeypatch.setenv("LANTERN_GUIDELINES_DIR", str(guidelines))
    win = make_window()  # opens its own services
    win.show()
    seen: list[object] = []
    win.progress_shown.connect(seen.append)
    with qtbot.waitSignal(win.services_ready, timeout=60000):
        win.start()
    assert any(p.total == 2 and p.done == 2 for p in seen), seen
    assert win.ask_pane.ask_button.isEnabled()
    assert win.ask_pane.progress.format() == "Ready"
    services = win.services
    win.shutdown()
    assert win.services is None
    with pytest.raises(Exception, match="closed"):  # the window closed what it opened
        services.index.keywords.section_digests()


def test_failed_start_shows_a_message(qtbot, monkeypatch, tmp_path: Path, make_window) -> None:
    monkeypatch.setenv("LANTERN_EMBEDDING_MODEL", str(tmp_path / "missing.gguf"))
    win = make_window()
    win.show()
    with qtbot.waitSignal(win.failed, timeout=30000):
        win.start()
    assert "could not start" in win.answer_view.toPlainText().lower()
    assert not win.ask_pane.ask_button.isEnabled()


def test_import_a_guideline_pdf_from_the_window(
    qtbot, tmp_path: Path, monkeypatch, make_window
) -> None:
    from tests.core.test_pdf_import import make_pdf

    guidelines = tmp_path / "guidelines"
    write_pack(guidelines, {"a": ("Alpha topic", "alpha")})
    monkeypatch.setenv("LANTERN_GUIDELINES_DIR", str(guidelines))
    pdf = make_pdf(
        tmp_path / "guide.pdf",
        [["Scalp cooling", "Scalp cooling caps can reduce hair loss during chemotherapy."]],
    )
    win = make_window()
    win.show()
    with qtbot.waitSignal(win.services_ready, timeout=60000):
        win.start()
    seen: list[object] = []
    win.progress_shown.connect(seen.append)
    with qtbot.waitSignal(win.imported, timeout=60000) as blocker:
        win.import_guideline(str(pdf), "Patient guide", "Org", 2025)
    assert blocker.args[0].pages == 1
    assert seen, "progress was shown"
    qtbot.waitUntil(lambda: not win.ask_pane.cancel_button.isVisible())
    assert not win.importing and win.import_action.isEnabled()
    with qtbot.waitSignal(win.answer_ready, timeout=30000) as answered:
        win.ask("does scalp cooling help with hair loss")
    assert answered.args[0].citations[0].locator == "Patient guide, p. 1"


def test_urgent_banner_comes_first(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("I have a fever of 38.6 and I had chemo last week")
    banner = window.ask_pane.urgent_banner
    assert banner.isVisible()
    assert "care team" in banner.text()
    layout = banner.parentWidget().layout()
    assert layout.indexOf(banner) < layout.indexOf(window.answer_view)
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is febrile neutropenia?")
    assert not banner.isVisible()


def test_cut_off_message_is_asked_back(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000) as blocker:
        window.ask("my oncologist mentioned offlabel drugs like metf")
    assert blocker.args[0].clarification.reason == "truncated"
    text = window.answer_view.toPlainText()
    assert "metf" in text and "metformin?" in text


def test_off_topic_question_gets_no_sources(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.answer_ready, timeout=30000):
        window.ask("What is the capital of France?")
    assert window.ask_pane.sources.count() == 0
    assert "outside what it covers" in window.answer_view.toPlainText()


def test_the_window_shows_first_and_builds_its_other_tabs_after(
    qtbot, tmp_path: Path, make_window
) -> None:
    """The Ask area is there when the window appears; Records, History and Visit questions
    are built on the next turn of the event loop (or when code asks for one sooner)."""
    from desktop.settings import Settings

    window = make_window(Settings(home=tmp_path))
    assert not window.areas_built
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Ask", "Records", "History", "Visit questions"
    ]
    window.tabs.setCurrentIndex(2)  # a click on a tab builds what it shows
    assert window.areas_built
    assert window.tabs.currentWidget().findChild(type(window.history)) is window.history


def test_the_window_has_lantern_s_icon(qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import ICON, set_window_icon

    app = QApplication.instance()
    assert ICON.is_file()
    assert set_window_icon(app)
    assert not app.windowIcon().pixmap(64, 64).isNull()
