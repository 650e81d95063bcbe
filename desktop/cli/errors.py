"""Expected failures of the command line and of the window's start, and how any failure
becomes one line on stderr and an exit code (never a traceback).

Imported by the composition root (``desktop.app``) and by every command module, so it imports
nothing of either."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from desktop.settings import SettingsError

log = logging.getLogger("lantern")


class UserError(Exception):
    """An expected failure with a message for the user."""


@contextmanager
def user_errors(*expected: type[Exception]) -> Iterator[None]:
    """Turn the ``expected`` failures raised inside into a UserError with the same message."""
    try:
        yield
    except expected as exc:
        raise UserError(str(exc)) from exc


def display_problem() -> str | None:
    """Why a window cannot open here, or None."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run Lantern in a desktop "
            "session, start a virtual one (e.g. 'xvfb-run lantern'), or set "
            "QT_QPA_PLATFORM=offscreen to run without showing a window. The command line works "
            'without a display: lantern ask "your question"'
        )
    return None


def guarded(action: Callable[[], int]) -> int:
    """Run ``action`` and return its exit code; an expected failure (a UserError, a bad
    settings file, a missing embedding model) is one line on stderr and 1, an interrupt 130,
    a closed output pipe 0, anything else one line naming the error and 1."""
    try:
        return action()
    except (UserError, SettingsError) as exc:
        print(f"lantern: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into a reader that stopped (e.g. `| head`)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("lantern: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort: keep the message, hide the traceback
        # imported here: the window's start must not load the embedding runtime for this
        from desktop.core.models.embed import EmbeddingModelError

        if isinstance(exc, EmbeddingModelError):
            print(f"lantern: {exc}", file=sys.stderr)
            return 1
        log.debug("unexpected error", exc_info=True)
        print(f"lantern: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
