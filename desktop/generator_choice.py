"""Choosing the generator for an answer mode from the settings: the clinic's model server when
one is configured, else the local model (setting, ``--model`` or the model store's choice).

``auto`` uses a model when one is configured and loads, and falls back to extractive answers
with a reason otherwise; ``llm`` insists and raises ModelUnavailable with what to do; a model
that crashed the model host twice is not loaded automatically again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.llm.generator import ModelUnavailable, TextGenerator
from desktop.core.llm.host import HostError
from desktop.core.llm.local import open_local
from desktop.settings import Settings


@dataclass
class GeneratorChoice:
    generator: TextGenerator | None
    note: str = ""  # why there is none in auto mode, in one sentence
    model_key: str = ""  # the store name or path, for crash bookkeeping


def _store(settings: Settings):
    from desktop.core.models.store import ModelStore

    return ModelStore(settings.home)


def _local_model(store, settings: Settings, override: str) -> tuple[Path | None, str]:
    from desktop.core.models.store import ModelStoreError

    wanted = override or settings.model
    try:
        if wanted:
            return store.resolve(wanted), wanted
        chosen = store.selected()
    except ModelStoreError as exc:
        raise ModelUnavailable(str(exc)) from exc
    if chosen is None:
        return None, ""
    return chosen.path, chosen.name


def open_generator(settings: Settings, mode: str | None = None, model: str = "") -> GeneratorChoice:
    """The generator for ``mode`` (default: the answer_mode setting)."""
    mode = mode or settings.answer_mode
    if mode == "extractive":
        return GeneratorChoice(None)
    try:
        if settings.llm_server_url and not model:
            return _remote(settings)
        store = _store(settings)
        path, key = _local_model(store, settings, model)
        if path is None:
            raise ModelUnavailable(
                "no language model is installed: import a GGUF file with "
                "'lantern models import FILE' (or Models… in the window)"
            )
        if mode == "auto" and not model:
            allowed, why = store.auto_load_allowed(key)
            if not allowed:
                return GeneratorChoice(None, _sentence(why), key)
        try:
            generator = open_local(path, settings.model_context)
        except HostError as exc:  # the host died while loading: count it against the model
            store.record_crash(key)
            raise ModelUnavailable(f"the model {path.name} crashed while loading: {exc}") from exc
        return GeneratorChoice(generator, "", key)
    except ModelUnavailable as exc:
        if mode == "llm":
            raise
        return GeneratorChoice(None, _sentence(str(exc)))


def _remote(settings: Settings) -> GeneratorChoice:
    from desktop.core.llm.remote import RemoteGenerator

    generator = RemoteGenerator(
        settings.llm_server_url, settings.llm_server_model, settings.model_context
    )
    try:
        generator.check()
    except ModelUnavailable:
        generator.close()
        raise
    return GeneratorChoice(generator, "", settings.llm_server_url)


def record_crash(settings: Settings, key: str) -> None:
    """Count a crash of the model host against a local model (not a server)."""
    if key and key != settings.llm_server_url:
        _store(settings).record_crash(key)


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]).rstrip(".") + "." if text else ""
