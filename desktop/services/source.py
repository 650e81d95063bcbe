"""What the window is handed: how to open the services it uses, off the GUI thread (the
guideline services and a language model), and whether it owns what it opens.

``standard`` is the application's composition (``ui.main_window.launch``); ``ready`` hands over
services already open (tests, the self-test), which the window then leaves open when it
closes. Light to import: the services' own modules load inside the jobs, on a worker thread,
so the window shows without them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from desktop.core.progress import Job
from desktop.settings import Settings

if TYPE_CHECKING:
    from desktop.generator_choice import GeneratorChoice
    from desktop.services.guidelines import Services

ModelOpener = Callable[[str], "GeneratorChoice"]  # "" = the model the settings choose


@dataclass(frozen=True)
class ServiceSource:
    open_guidelines: Callable[[], Job[Services] | Services]
    open_model: ModelOpener
    owned: bool = True  # the window closes the guideline services when it closes


def open_model(settings: Settings, model: str = "") -> GeneratorChoice:
    """The language model for answers (``model``, or the one the settings choose), or none
    with the reason; see ``desktop.generator_choice``."""
    from desktop.generator_choice import open_generator

    return open_generator(settings, None, model)


def _open_guidelines(settings: Settings) -> Job[Services]:
    from desktop.services.guidelines import open_services

    return open_services(settings)


def standard(settings: Settings) -> ServiceSource:
    """The application's services for ``settings``: opened by the window, closed with it."""
    return ServiceSource(partial(_open_guidelines, settings), partial(open_model, settings))


def ready(
    settings: Settings, services: Services, model: ModelOpener | None = None
) -> ServiceSource:
    """Guideline services already open (tests share one set, the self-test opens its own);
    the window uses them and leaves them open. ``model``: how to open a language model
    (default: as the settings say)."""
    return ServiceSource(
        lambda: services, model or partial(open_model, settings), owned=False
    )
