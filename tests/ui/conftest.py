"""Window tests: every window a test makes is shut down by the fixture that made it, so a failed
assertion never leaves its jobs running into the next test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from desktop.services.source import ModelOpener, ready, standard
from desktop.settings import Settings, load_settings
from desktop.ui.main_window import MainWindow

MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot) -> Iterator[MakeWindow]:
    """``make_window(settings=None, services=None, model=None)``: a main window (tracked by
    qtbot) with ``services`` already open (``ready``) or, without, the application's own
    (``standard``: it opens them when started). Shut down at the end of the test."""
    made: list[MainWindow] = []

    def make(
        settings: Settings | None = None, services=None, model: ModelOpener | None = None
    ) -> MainWindow:
        settings = settings or load_settings()
        source = standard(settings) if services is None else ready(settings, services, model)
        window = MainWindow(settings, source)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.shutdown()
