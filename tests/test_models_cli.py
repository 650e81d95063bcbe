"""``lantern models``: list, import (file and folder), verify, use, remove; every bad model
file ends with one line on stderr, exit 1, no traceback, and the store unchanged. In this
process, through ``main(argv)``."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from desktop.__main__ import main
from desktop.core.models import catalog
from desktop.core.models.catalog import CatalogEntry
from models.make_tiny_gguf import bad_header_copy, truncated_copy, write_model
from tests.conftest import Cli


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_model(tmp_path_factory.mktemp("cli-model") / "tiny.gguf")


def _patched(source: Path, target: Path, find: bytes, replace: bytes, skip: int = 0) -> Path:
    raw = bytearray(source.read_bytes())
    at = raw.index(find) + skip
    raw[at : at + len(replace)] = replace
    target.write_bytes(bytes(raw))
    return target


def _bad_files(tiny: Path, folder: Path) -> dict[str, Path]:
    arch_value = b"general.architecture" + struct.pack("<IQ", 8, 5) + b"llama"
    embd = b"token_embd.weight"
    return {
        "truncated": truncated_copy(tiny, folder / "cut.gguf"),
        "bad magic": bad_header_copy(tiny, folder / "bad-header.gguf"),
        "unknown architecture": _patched(
            tiny, folder / "foo.gguf", arch_value, b"foooo", len(arch_value) - 5
        ),
        "absurd tensor": _patched(
            tiny, folder / "huge.gguf", embd, struct.pack("<Q", 2**45), len(embd) + 4
        ),
    }


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["models", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_bad_model_files_are_one_line_and_change_nothing(
    cli: Cli, tiny: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    expected = {
        "truncated": "is incomplete: it ends at",
        "bad magic": "is not a GGUF model file (it starts with 'GGUX')",
        "unknown architecture": "uses the model architecture 'foooo'",
        "absurd tensor": "impossible dimensions",
    }
    for what, path in _bad_files(tiny, tmp_path).items():
        result = cli("models", "import", str(path), home=home)
        assert result.returncode == 1, (what, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert lines[0].startswith(f"lantern: {path.name} ") and expected[what] in lines[0]
        assert str(tmp_path) not in lines[0]
        models = home / "models"
        assert not models.exists() or not list(models.iterdir()), what
    listed = cli("models", "list", home=home)
    assert listed.returncode == 0 and "no models installed yet" in listed.stdout


def test_import_use_verify_remove(tiny: Path, capsys) -> None:
    code, out, _ = _cli(capsys, "list")
    assert code == 0 and "no models installed yet" in out
    assert "qwen2.5-3b-instruct-q4_k_m" in out and "Qwen Research License" in out
    assert "needs 6 GB RAM" in out
    code, out, err = _cli(capsys, "import", str(tiny))
    assert code == 0 and out.startswith("tiny\timported 660 kB: llama") and err == ""
    code, out, _ = _cli(capsys, "import", str(tiny))
    assert code == 0 and "already installed" in out
    code, out, _ = _cli(capsys, "use", "tiny")
    assert code == 0 and out.startswith("tiny\tselected")
    code, out, _ = _cli(capsys, "list")
    assert "* tiny\t660 kB\tselected, verified\tlantern-tiny-test-model" in out
    code, out, _ = _cli(capsys, "verify", "tiny")
    assert code == 0 and "is intact" in out
    code, _, err = _cli(capsys, "remove", "tiny")  # stdin is not a terminal under pytest
    assert code == 1 and "add --yes" in err
    code, out, _ = _cli(capsys, "remove", "tiny", "--yes")
    assert code == 0 and out == "tiny\tremoved\n"
    code, _, err = _cli(capsys, "use", "tiny")
    assert code == 1 and err == "lantern: no installed model 'tiny' (see 'lantern models list')\n"


def test_folder_import_reports_the_bad_file(tiny: Path, tmp_path: Path, capsys) -> None:
    stick = tmp_path / "stick"
    (stick / "models").mkdir(parents=True)
    write_model(stick / "models" / "second.gguf", seed=5)
    truncated_copy(tiny, stick / "cut.gguf")
    code, out, err = _cli(capsys, "import", str(stick))
    assert code == 1
    assert "second\timported" in out
    assert err.count("\n") == 1 and err.startswith("lantern: cut.gguf is incomplete")


def test_checksum_mismatch_is_refused(tiny: Path, monkeypatch, capsys, lantern_home) -> None:
    entry = CatalogEntry("tiny-q4", "Tiny", "tiny.gguf", 0, "1" * 64, "MIT", 4096, 4, "x")
    monkeypatch.setattr(catalog, "load_catalog", lambda path=None: [entry])
    code, out, err = _cli(capsys, "import", str(tiny))
    assert code == 1 and out == ""
    assert err.startswith("lantern: tiny.gguf does not match the catalogue's checksum for Tiny")
    assert not list((lantern_home / "models").glob("*.gguf"))


def test_damage_found_by_verify(tiny: Path, capsys, lantern_home: Path) -> None:
    _cli(capsys, "import", str(tiny))
    stored = lantern_home / "models" / "tiny.gguf"
    raw = bytearray(stored.read_bytes())
    raw[-10] ^= 1
    stored.write_bytes(bytes(raw))
    code, _, err = _cli(capsys, "verify", "tiny")
    assert code == 1 and "has changed since it was imported" in err and err.count("\n") == 1


def test_usage_errors(capsys) -> None:
    for args in (["models"], ["models", "frobnicate"], ["models", "use"]):
        with pytest.raises(SystemExit) as caught:
            main(args)
        assert caught.value.code == 2
        assert capsys.readouterr().err.count("\n") == 1
    code, _, err = _cli(capsys, "import", "/nowhere/at/all.gguf")
    assert code == 1 and "no such file or folder" in err
