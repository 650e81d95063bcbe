"""Progress of a long job (index build, import, model load), as the job yields it.

A module of its own so that the window can show progress without importing the index,
chroma's client or numpy before it is on screen."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str
