"""The model catalogue: the shipped file is valid and honest, look-ups by name and file, and
a malformed catalogue is one clear CatalogError."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core import resources
from desktop.core.models.catalog import (
    CatalogError,
    catalog_path,
    entry_for_sha256,
    find_entry,
    load_catalog,
)

ENTRY = """
[[model]]
name = "demo-q4"
title = "Demo"
file = "Demo-Q4_K_M.gguf"
size_bytes = 1000
sha256 = ""
licence = "MIT"
context_length = 4096
min_ram_gb = 4
url = "https://example.invalid/Demo-Q4_K_M.gguf"
"""


def test_shipped_catalogue() -> None:
    entries = load_catalog()
    assert catalog_path() == resources.models_dir() / "catalog.toml"
    names = {e.name for e in entries}
    assert {
        "qwen2.5-1.5b-instruct-q4_k_m",
        "qwen2.5-3b-instruct-q4_k_m",
        "llama-3.2-3b-instruct-q4_k_m",
        "phi-3.5-mini-instruct-q4_k_m",
        "gemma-3-4b-it-q4_k_m",
    } <= names
    licences = {e.name: e.licence for e in entries}
    assert licences["qwen2.5-1.5b-instruct-q4_k_m"] == "Apache-2.0"
    assert licences["qwen2.5-3b-instruct-q4_k_m"] == "Qwen Research License"
    assert licences["phi-3.5-mini-instruct-q4_k_m"] == "MIT"
    for e in entries:
        assert "Q4_K_M" in e.file and e.url.startswith("https://huggingface.co/")
        assert e.url.endswith("/" + e.file)
        assert e.size_bytes or e.approx_gb  # something to show, never an invented byte count
        assert e.context_length >= 32768 and 4 <= e.min_ram_gb <= 16


def test_lookups() -> None:
    entries = load_catalog()
    qwen = find_entry("qwen2.5-3b-instruct-q4_k_m", entries)
    assert qwen is not None
    assert find_entry("Qwen2.5-3B-Instruct-Q4_K_M", entries) == qwen  # names in any case
    assert find_entry("/media/usb/Qwen2.5-3B-Instruct-Q4_K_M.gguf", entries) == qwen
    # file names are exact: Qwen's own lower-case file is a different build
    assert find_entry("qwen2.5-3b-instruct-q4_k_m.gguf", entries) is None
    assert find_entry("nothing", entries) is None
    assert entry_for_sha256(qwen.sha256.upper(), entries) == qwen
    assert entry_for_sha256("", entries) is None


def test_resolved_through_the_models_dir(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "catalog.toml").write_text(ENTRY)
    monkeypatch.setattr(resources, "models_dir", lambda: tmp_path)
    [entry] = load_catalog()
    assert (entry.name, entry.size_text) == ("demo-q4", "1.0 kB")
    assert find_entry("demo-q4") == entry


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("this is [not toml", "not valid TOML"),
        ("model = 3", "list of [[model]] tables"),
        (ENTRY.replace('licence = "MIT"\n', ""), "'licence' is missing"),
        (ENTRY.replace("size_bytes = 1000", 'size_bytes = "big"'), "'size_bytes' should be"),
        (ENTRY.replace('sha256 = ""', 'sha256 = "abc"'), "64 lower-case hex"),
        (ENTRY.replace('"Demo-Q4_K_M.gguf"', '"../evil.gguf"'), "plain .gguf file name"),
        (ENTRY.replace('name = "demo-q4"', 'name = "Demo Q4"'), "lower-case letters"),
        (ENTRY.replace("min_ram_gb = 4", "min_ram_gb = 0"), "positive"),
        (ENTRY + 'colour = "red"\n', "unknown field 'colour'"),
        (ENTRY + ENTRY, "listed twice"),
    ],
)
def test_malformed_catalogue(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(text)
    with pytest.raises(CatalogError, match=None) as caught:
        load_catalog(path)
    assert fragment in str(caught.value)
    assert "\n" not in str(caught.value).strip()


def test_missing_catalogue(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read the model catalogue"):
        load_catalog(tmp_path / "absent.toml")
