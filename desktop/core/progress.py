"""Progress of a long job (index build, import, model load), and the one way jobs are run.

A long job is a generator (``Job[T]``): it yields ``Progress`` (and, for a streamed answer,
partial results) while it works and *returns* its result. ``drive`` runs one to its end from
plain code (the command line, tests); the window's worker runs the same generator on a thread.
Inside another job, ``result = yield from job`` passes the progress on.

A module of its own so that the window can show progress without importing the index,
chroma's client or numpy before it is on screen."""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    message: str


# A long job: yields Progress (or partial results), returns its result.
Job = Generator[Any, None, T]


def drive(job: Generator[Any, Any, T], on_item: Callable[[Any], None] | None = None) -> T:
    """Run ``job`` to its end, handing each yielded item to ``on_item``; its return value."""
    while True:
        try:
            item = next(job)
        except StopIteration as stop:
            return stop.value
        if on_item is not None:
            on_item(item)
