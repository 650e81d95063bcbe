"""The services the window and the command line use, built in one place.

* ``guidelines``: the guideline services (embedding model, packs, index, retriever, answer
  engine) opened from settings, and the jobs that change them;
* ``source``: what the window is handed: how to open those services and a language model off
  the GUI thread, and whether it owns them.

The names below load their module when first used, so the window (which imports ``source``
at start) appears before the index, chroma and numpy are imported."""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "Services": "guidelines",
    "open_services": "guidelines",
    "build_services": "guidelines",
    "load_sections": "guidelines",
    "guideline_store": "guidelines",
    "ServiceSource": "source",
    "open_model": "source",
    "ready": "source",
    "standard": "source",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'desktop.services' has no attribute '{name}'")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
