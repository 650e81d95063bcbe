"""Where the read-only parts of an installation live (guideline packs, models).

Resolved at call time, never at import time, so a frozen (PyInstaller) app finds its bundled
files under ``sys._MEIPASS`` and a source checkout finds them beside the package."""

from __future__ import annotations

import sys
from pathlib import Path


def app_root() -> Path:
    """The folder holding ``guidelines/`` and ``models/`` for this installation."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parents[2]  # desktop/core/resources.py -> the checkout


def guidelines_dir() -> Path:
    return app_root() / "guidelines"


def models_dir() -> Path:
    return app_root() / "models"
