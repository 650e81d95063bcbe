"""Choosing the generator from settings: extractive, no model, a crash-prone model, a bad file,
the clinic server unreachable; auto falls back with a reason, llm insists."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from desktop.core.llm.generator import ModelUnavailable
from desktop.core.models.store import ModelStore
from desktop.generator_choice import open_generator
from desktop.settings import load_settings


def _settings(home: Path, **env: str):
    return load_settings({"LANTERN_HOME": str(home), **{f"LANTERN_{k}": v for k, v in env.items()}})


def test_extractive_mode_opens_nothing(lantern_home: Path) -> None:
    assert open_generator(_settings(lantern_home), "extractive").generator is None


def test_no_model_auto_falls_back_llm_insists(lantern_home: Path) -> None:
    choice = open_generator(_settings(lantern_home), "auto")
    assert choice.generator is None and "no language model is installed" in choice.note.lower()
    with pytest.raises(ModelUnavailable, match="no language model is installed"):
        open_generator(_settings(lantern_home), "llm")


def test_the_chosen_model_loads_until_it_crashed_twice(lantern_home: Path, tiny_model) -> None:
    store = ModelStore(lantern_home)
    installed = [i for i in store.import_file(tiny_model) if not hasattr(i, "done")][-1]
    store.use(installed.name)
    choice = open_generator(_settings(lantern_home), "auto")
    assert choice.generator is not None and choice.model_key == installed.name
    choice.generator.close()
    store.record_crash(installed.name)
    store.record_crash(installed.name)
    choice = open_generator(_settings(lantern_home), "auto")
    assert choice.generator is None and "not loaded automatically" in choice.note
    # asked for explicitly, it is still loaded (the user's choice)
    explicit = open_generator(_settings(lantern_home), "llm", installed.name)
    assert explicit.generator is not None
    explicit.generator.close()
    store.use(installed.name)  # choosing it again forgets the crashes
    again = open_generator(_settings(lantern_home), "auto")
    assert again.generator is not None
    again.generator.close()


def test_a_bad_model_file_is_refused_with_the_reason(lantern_home: Path, truncated_model) -> None:
    s = _settings(lantern_home, MODEL=str(truncated_model))
    assert "incomplete" in open_generator(s, "auto").note.lower()
    with pytest.raises(ModelUnavailable):
        open_generator(s, "llm")


def test_unreachable_clinic_server(lantern_home: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    s = _settings(lantern_home, LLM_SERVER_URL=f"http://127.0.0.1:{port}")
    assert "cannot be reached" in open_generator(s, "auto").note
    with pytest.raises(ModelUnavailable, match="cannot be reached"):
        open_generator(s, "llm")
