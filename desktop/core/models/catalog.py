"""The model catalogue: recommended chat models listed in ``models/catalog.toml``.

Each entry names a published GGUF file with its checksum (when known), size, licence, trained
context and a RAM guide. The catalogue is read when asked for (never at import time) from the
installation's models folder, and a malformed file is reported as :class:`CatalogError`."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core import resources
from desktop.core.models.gguf_file import human_size

CATALOG_FILE = "catalog.toml"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")


class CatalogError(ValueError):
    """The catalogue file is missing or malformed; the message says where."""


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    title: str
    file: str
    size_bytes: int  # 0 = not known exactly
    sha256: str  # "" = not known: recorded on first import
    licence: str
    context_length: int
    min_ram_gb: int
    url: str
    approx_gb: float = 0.0

    @property
    def size_text(self) -> str:
        """The download size for lists: exact when known, else the page's figure."""
        if self.size_bytes:
            return human_size(self.size_bytes)
        return f"about {self.approx_gb:.1f} GB" if self.approx_gb else "size unknown"


def catalog_path() -> Path:
    return resources.models_dir() / CATALOG_FILE


def _field(raw: dict, key: str, kind: type, where: str) -> Any:
    if key not in raw:
        raise CatalogError(f"{where}: '{key}' is missing")
    value = raw[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise CatalogError(f"{where}: '{key}' should be a {kind.__name__}, not {value!r}")
    return value


def _entry(raw: object, where: str) -> CatalogEntry:
    if not isinstance(raw, dict):
        raise CatalogError(f"{where} is not a table")
    known = {"name", "title", "file", "size_bytes", "sha256", "licence", "context_length"}
    known |= {"min_ram_gb", "url", "approx_gb"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise CatalogError(f"{where}: unknown field '{unknown[0]}'")
    entry = CatalogEntry(
        name=_field(raw, "name", str, where),
        title=_field(raw, "title", str, where),
        file=_field(raw, "file", str, where),
        size_bytes=_field(raw, "size_bytes", int, where),
        sha256=_field(raw, "sha256", str, where),
        licence=_field(raw, "licence", str, where),
        context_length=_field(raw, "context_length", int, where),
        min_ram_gb=_field(raw, "min_ram_gb", int, where),
        url=_field(raw, "url", str, where),
        approx_gb=_field(raw, "approx_gb", float, where) if "approx_gb" in raw else 0.0,
    )
    where = f"{where} ('{entry.name}')"
    if not _NAME.fullmatch(entry.name):
        raise CatalogError(f"{where}: the name must be lower-case letters, digits, . _ or -")
    if not entry.file.endswith(".gguf") or "/" in entry.file or "\\" in entry.file:
        raise CatalogError(f"{where}: 'file' must be a plain .gguf file name")
    if entry.sha256 and not _SHA256.fullmatch(entry.sha256):
        raise CatalogError(f"{where}: 'sha256' must be 64 lower-case hex digits or empty")
    if entry.size_bytes < 0 or entry.context_length < 1 or entry.min_ram_gb < 1:
        raise CatalogError(f"{where}: sizes, context and RAM must be positive")
    return entry


def load_catalog(path: Path | None = None) -> list[CatalogEntry]:
    """The catalogue's entries, in file order. Raises CatalogError."""
    path = catalog_path() if path is None else path
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read the model catalogue {path}: {exc.strerror}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(f"the model catalogue {path} is not valid TOML: {exc}") from exc
    models = data.get("model", [])
    if not isinstance(models, list):
        raise CatalogError(f"{path}: 'model' must be a list of [[model]] tables")
    entries = [_entry(raw, f"{path.name}, model {i + 1}") for i, raw in enumerate(models)]
    for attr in ("name", "file"):
        values = [getattr(e, attr) for e in entries]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            raise CatalogError(f"{path.name}: the {attr} '{dupes[0]}' is listed twice")
    return entries


def find_entry(
    name_or_filename: str, entries: list[CatalogEntry] | None = None
) -> CatalogEntry | None:
    """The entry with this short name (any case) or exactly this file name, or None."""
    entries = load_catalog() if entries is None else entries
    wanted = name_or_filename.strip()
    base = Path(wanted).name
    for entry in entries:
        if entry.name == wanted.lower() or entry.file == base:
            return entry
    return None


def entry_for_sha256(sha256: str, entries: list[CatalogEntry]) -> CatalogEntry | None:
    """The entry whose known checksum this is, whatever the file is called now."""
    return next((e for e in entries if e.sha256 and e.sha256 == sha256.lower()), None)
