"""Typed settings: defaults < ``settings.toml`` in the data folder < ``LANTERN_*`` variables.

The data folder is platformdirs' user data dir for "Lantern", or ``LANTERN_HOME``. Nothing is
resolved at import time; call :func:`load_settings`."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from desktop import resources

ENV_PREFIX = "LANTERN_"
SETTINGS_FILE = "settings.toml"
ANSWER_MODES = ("auto", "extractive", "llm")


class SettingsError(ValueError):
    """A settings file or variable that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    home: Path
    guidelines_dir: Path = field(default_factory=resources.guidelines_dir)
    embedding_model: Path | None = None
    answer_mode: str = "auto"
    top_sections: int = 3
    max_answer_sentences: int = 8
    lock_after_minutes: int = 15  # an unlocked patient's records lock after this idle time
    keep_history_without_patient: bool = False  # opt-in: history.jsonl in the data folder
    font_size: int = 11  # points, for the answer and the question box
    # Local LLM: a model name from the model store or a GGUF path; "" = the store's choice.
    model: str = ""
    model_context: int = 4096  # tokens of context the model is loaded with
    max_answer_tokens: int = 450  # the most tokens one generated answer may have
    # Clinic mode, off by default: an OpenAI-compatible server on the LAN ("" = none).
    llm_server_url: str = ""
    llm_server_model: str = ""
    log_level: str = "WARNING"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def settings_file(self) -> Path:
        return self.home / SETTINGS_FILE


def default_home() -> Path:
    """The data folder: ``LANTERN_HOME`` or the platform's user data dir for Lantern."""
    env = os.environ.get(ENV_PREFIX + "HOME")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("Lantern", appauthor=False))


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, value: Any, origin: str) -> Any:
    """Turn a TOML or environment value into the field's type, or raise SettingsError."""
    kind = _FIELDS[name].type
    try:
        if kind in ("Path", "Path | None"):
            if value in ("", None):
                return None
            if not isinstance(value, str):
                raise TypeError
            return Path(value).expanduser()
        if kind == "int":
            if isinstance(value, bool):
                raise TypeError
            number = int(value)
            if number < 1:
                raise ValueError
            return number
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
                return True
            if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if kind == "str":
            if not isinstance(value, str):
                raise TypeError
            return value
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"{origin}: '{name}' has an unusable value {value!r}") from exc
    raise SettingsError(f"{origin}: '{name}' cannot be set")


def _from_mapping(values: Mapping[str, Any], origin: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in values.items():
        name = key.lower()
        if name == "home" or name not in _FIELDS:
            raise SettingsError(f"{origin}: unknown setting '{key}'")
        out[name] = _coerce(name, value, origin)
    return out


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the layered settings. Raises SettingsError with a one-line reason."""
    env = os.environ if env is None else env
    home_env = env.get(ENV_PREFIX + "HOME")
    home = Path(home_env).expanduser() if home_env else default_home()
    values: dict[str, Any] = {}
    path = home / SETTINGS_FILE
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path} is not valid TOML: {exc}") from exc
        values.update(_from_mapping(data, str(path)))
    env_values = {
        key[len(ENV_PREFIX) :]: value
        for key, value in env.items()
        if key.startswith(ENV_PREFIX)
        and key[len(ENV_PREFIX) :].lower() in _FIELDS
        and key != ENV_PREFIX + "HOME"
    }
    values.update(_from_mapping(env_values, "environment"))
    settings = Settings(home=home, **values)
    if settings.answer_mode not in ANSWER_MODES:
        raise SettingsError(
            f"answer_mode must be one of {', '.join(ANSWER_MODES)}, not {settings.answer_mode!r}"
        )
    return settings
