"""Typed settings: defaults < ``settings.toml`` in the data folder < ``LANTERN_*`` variables.

The data folder is platformdirs' user data dir for "Lantern", or ``LANTERN_HOME``. Nothing is
resolved at import time; call :func:`load_settings`. :func:`save_settings` sets keys in the
file (the welcome screen's "seen" flag), keeping every other line, with an atomic write."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from desktop.core import resources
from desktop.core.files import write_atomic
from desktop.core.knowledge.server_url import ServerUrlError, parse_server_url

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
    # Clinic mode, off by default: the guideline store on a Chroma server, e.g.
    # "http://10.0.0.5:8000" ("" = the embedded store in the data folder). See docs/clinic.md.
    chroma_server_url: str = ""
    log_level: str = "WARNING"
    welcome_seen: bool = False  # set when the first-run welcome screen is closed

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
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise TypeError  # 11.5 is not silently read as 11
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
    if settings.chroma_server_url:
        check_chroma_server_url(settings.chroma_server_url)
    return settings


def check_chroma_server_url(url: str) -> tuple[str, int, bool]:
    """(host, port, tls) of a ``chroma_server_url``; SettingsError when it is not usable."""
    try:
        return parse_server_url(url)
    except ServerUrlError as exc:
        raise SettingsError(str(exc)) from exc


def _toml_value(value: bool | int | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string


def save_settings(home: Path, /, **values: bool | int | str) -> Path:
    """Set top-level keys in ``settings.toml`` in ``home``, keeping every other line (comments
    included), and write it atomically. Raises SettingsError for an unknown key or a value of
    the wrong type, or when the file would no longer load; OSError when it cannot be written."""
    path = home / SETTINGS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    lines = text.splitlines()
    for name, value in values.items():
        if name == "home" or name not in _FIELDS or isinstance(value, Path):
            raise SettingsError(f"'{name}' cannot be saved to {SETTINGS_FILE}")
        if _coerce(name, value, "save") != value:
            raise SettingsError(f"'{name}' cannot be saved as {value!r}")
        line = f"{name} = {_toml_value(value)}"
        key = re.compile(rf"\s*{re.escape(name)}\s*=", re.IGNORECASE)
        found = [i for i, old in enumerate(lines) if key.match(old)]
        if found:
            lines[found[0]] = line
        else:
            lines.append(line)
    new = "\n".join(lines) + "\n"
    try:
        _from_mapping(tomllib.loads(new), str(path))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path} could not be updated: {exc}") from exc
    write_atomic(path, new.encode("utf-8"))
    return path
