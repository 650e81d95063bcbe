"""Reading a pack's TOML data files with every problem collected as a clear message.

The readers never raise on bad data: each returns an empty value and appends a message that
names the file, the key and what was expected, so ``lantern guidelines check`` can list every
problem of a pack at once and the app can still use the rest of it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

MAX_DATA_BYTES = 1_000_000


def read_toml(path: Path, problems: list[str]) -> dict[str, Any]:
    """The file's tables, {} when it does not exist (pack data files are optional). Like a
    section, a data file may not be a link, nor larger than ``MAX_DATA_BYTES``."""
    if path.is_symlink():
        problems.append(f"{path.name}: links are not allowed in a pack")
        return {}
    try:
        if path.stat().st_size > MAX_DATA_BYTES:
            problems.append(f"{path.name}: larger than {MAX_DATA_BYTES // 1000} kB, not read")
            return {}
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(f"{path.name}: not valid TOML ({exc})")
    except OSError as exc:
        problems.append(f"{path.name}: cannot be read ({exc.strerror or exc})")
    return {}


def table(value: object, where: str, problems: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a table")
        return {}
    return value


def entry(value: object, where: str, problems: list[str], known: set[str]) -> dict[str, Any] | None:
    """One entry of a file that must be a table with known keys; None when it is not."""
    if not isinstance(value, dict):
        problems.append(f"{where}: must be a table")
        return None
    unknown_keys(value, known, where, problems)
    return value


def text(value: object, where: str, problems: list[str], required: bool = False) -> str:
    if value is None:
        if required:
            problems.append(f"{where}: missing")
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        problems.append(f"{where}: must be a non-empty string")
        return ""
    return value.strip()


def strings(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"{where}: must be a list of non-empty strings")
        return ()
    return tuple(v.strip() for v in value)


def flag(value: object, where: str, problems: list[str], default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        problems.append(f"{where}: must be true or false")
        return default
    return value


def pattern(value: str, where: str, problems: list[str]) -> re.Pattern[str] | None:
    try:
        return re.compile(value)
    except re.error as exc:
        problems.append(f"{where}: not a valid regular expression ({exc})")
        return None


def unknown_keys(data: dict[str, Any], known: set[str], where: str, problems: list[str]) -> None:
    """A misspelt key would be silently ignored: name it."""
    for key in data:
        if key not in known:
            problems.append(f"{where}: unknown key '{key}' (known: {', '.join(sorted(known))})")


class Reader:
    """One table of a data file, its values read by key with problems named by place."""

    def __init__(
        self, data: object, where: str, problems: list[str], known: set[str] | None = None
    ) -> None:
        self.data = table(data, where, problems)
        self.where = where
        self.problems = problems
        if known is not None:  # None: any key (a table of names)
            unknown_keys(self.data, known, where, problems)

    def at(self, key: str) -> str:
        """Where a key is: "fields.toml: fields" for a file's top table, else dotted."""
        return f"{self.where} {key}" if self.where.endswith(":") else f"{self.where}.{key}"

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def text(self, key: str, required: bool = False) -> str:
        return text(self.data.get(key), self.at(key), self.problems, required)

    def strings(self, key: str) -> tuple[str, ...]:
        return strings(self.data.get(key), self.at(key), self.problems)

    def words(self, key: str) -> frozenset[str]:
        """A list of words, lower-case."""
        return frozenset(w.lower() for w in self.strings(key))

    def flag(self, key: str, default: bool) -> bool:
        return flag(self.data.get(key), self.at(key), self.problems, default)

    def table(self, key: str) -> dict[str, Any]:
        return table(self.data.get(key), self.at(key), self.problems)
