"""The query normaliser's words from the installed packs' vocabularies, under the names code
and benchmarks import: ``BRANDS`` (one-word brand and other names -> generic), ``EXPANSIONS``
(abbreviations and casual words), ``MISSPELLINGS`` and ``TERMS`` (what fuzzy correction maps
onto). The words themselves are data: each pack's ``vocabulary.toml``, read on first use."""

from __future__ import annotations

from typing import Any

from desktop.core.packdata.packs import installed

_NAMES = {
    "BRANDS": "names",
    "EXPANSIONS": "expansions",
    "MISSPELLINGS": "misspellings",
    "TERMS": "terms",
}


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(installed().vocabulary.lexicon, _NAMES[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
