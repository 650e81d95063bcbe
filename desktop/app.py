"""Composition root: settings -> services -> the window or a command.

The commands live in ``desktop/cli/`` (one module per command group); here they are only
chosen. Expected failures (bad settings, a missing model, a missing file) end with one clear
line on stderr and a non-zero exit, never a traceback (``desktop.cli.errors.guarded``)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from desktop.cli.errors import UserError, display_problem, guarded
from desktop.core.files import sweep_data_folder
from desktop.settings import Settings, SettingsError, default_home, load_settings

if TYPE_CHECKING:
    import argparse


def _configure_logging(settings: Settings) -> None:
    level = getattr(logging, settings.log_level.upper(), logging.WARNING)
    logging.basicConfig(level=level, format="lantern %(levelname)s %(name)s: %(message)s")
    # pypdf warns once per damaged object (thousands of lines for one bad file); the import
    # itself says in one line what was wrong
    logging.getLogger("pypdf").setLevel(level if level <= logging.DEBUG else logging.ERROR)


def _prepare(settings: Settings) -> None:
    """What every start does first: logging, and the temp files a killed save left behind."""
    _configure_logging(settings)
    sweep_data_folder(settings.home)


def _window_settings() -> tuple[Settings, str]:
    """The window's settings, and what was wrong with the user's, if anything.

    A command stops at a bad settings file; the window, started from a menu where nobody
    reads stderr, opens with the default settings instead and says why in the window. The
    file itself is never changed (saving a setting re-reads it and refuses while it is bad)."""
    try:
        return load_settings(), ""
    except SettingsError as exc:
        problem = str(exc)
        print(f"lantern: {problem}; the window opens with default settings", file=sys.stderr)
        return Settings(home=default_home()), problem


def run_window(exit_when_shown: bool = False) -> int:
    """Open the window (``exit_when_shown``: close it once it is on screen); the exit code."""
    return guarded(lambda: _window(exit_when_shown))


def _window(exit_when_shown: bool) -> int:
    settings, settings_problem = _window_settings()
    _prepare(settings)
    problem = display_problem()
    if problem:
        raise UserError(problem)
    from desktop.ui.main_window import launch

    return launch(settings, exit_when_shown, settings_problem)


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed command (``desktop.cli.parser``); the exit code."""
    return guarded(lambda: _command(args))


def _command(args: argparse.Namespace) -> int:
    settings = load_settings()
    _prepare(settings)
    command = args.command
    if command == "ask":
        from desktop.cli import ask as module
    elif command == "doctor":
        from desktop.cli import doctor as module
    elif command == "guidelines":
        from desktop.cli import guidelines as module
    elif command == "patients":
        from desktop.cli import patients as module
    elif command == "records":
        from desktop.cli import records as module
    elif command == "models":
        from desktop.cli import models as module
    else:
        raise UserError(f"unknown command {command}")
    return module.run(settings, args)
