"""The model store: import with progress, duplicates, catalogue checksums, cancel and failure
leave nothing behind, folder import with a bad file, verify, use/selected/remove, resolve and
the crash bookkeeping."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from desktop.core.models import catalog, model_import
from desktop.core.models.catalog import CatalogEntry
from desktop.core.models.gguf_file import GGUFError
from desktop.core.models.store import (
    ImportProblem,
    InstalledModel,
    ModelStore,
    ModelStoreError,
    VerifyResult,
)
from desktop.core.progress import Progress
from models.make_tiny_gguf import write_model


def _entry(file: str, sha: str = "", size: int = 0, name: str = "tiny-chat") -> CatalogEntry:
    return CatalogEntry(name, "Tiny Chat", file, size, sha, "MIT", 4096, 4, "https://x/" + file)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import(s: ModelStore, path: Path) -> tuple[list[Progress], InstalledModel]:
    items = list(s.import_file(path))
    assert isinstance(items[-1], InstalledModel)
    assert all(isinstance(i, Progress) for i in items[:-1])
    return items[:-1], items[-1]


def _left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "state.json")


@pytest.fixture
def home(lantern_home: Path) -> Path:
    return lantern_home


@pytest.fixture
def no_catalogue(monkeypatch: pytest.MonkeyPatch) -> list[CatalogEntry]:
    entries: list[CatalogEntry] = []
    monkeypatch.setattr(catalog, "load_catalog", lambda path=None: entries)
    return entries


def test_import_with_progress(home: Path, tiny_model: Path, monkeypatch, no_catalogue) -> None:
    monkeypatch.setattr(model_import, "CHUNK", 64 * 1024)
    s = ModelStore(home)
    progress, model = _import(s, tiny_model)
    size = tiny_model.stat().st_size
    assert len(progress) > 5 and progress[-1].done == progress[-1].total == size
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert model.path == home / "models" / "tiny.gguf" and model.path.read_bytes()
    assert (model.name, model.sha256, model.size) == ("tiny", _sha(tiny_model), size)
    assert model.verified and not model.selected and model.entry is None
    assert "llama" in model.summary and model.title == "lantern-tiny-test-model"
    assert s.list() == [model]
    assert json.loads((home / "models" / "state.json").read_text())["models"]["tiny"]


def test_reimport_is_a_no_op(home: Path, tiny_model: Path, tmp_path: Path, no_catalogue) -> None:
    s = ModelStore(home)
    _, first = _import(s, tiny_model)
    renamed = tmp_path / "same-model-other-name.gguf"
    shutil.copy(tiny_model, renamed)
    _, again = _import(s, renamed)
    assert again == first
    assert _left_in(home / "models") == ["tiny.gguf"]


def test_a_different_model_with_the_same_file_name(home: Path, tmp_path: Path, no_catalogue):
    s = ModelStore(home)
    _, one = _import(s, write_model(tmp_path / "a" / "model.gguf", seed=1))
    _, two = _import(s, write_model(tmp_path / "b" / "model.gguf", seed=2))
    assert (one.name, two.name) == ("model", "model-2")
    assert _left_in(home / "models") == ["model-2.gguf", "model.gguf"]


def test_catalogue_checksum_matches(home: Path, tiny_model: Path, no_catalogue) -> None:
    no_catalogue.append(_entry("tiny.gguf", _sha(tiny_model), tiny_model.stat().st_size))
    _, model = _import(ModelStore(home), tiny_model)
    assert model.name == "tiny-chat" and model.entry == no_catalogue[0] and model.verified


def test_catalogue_checksum_mismatch_is_refused(home: Path, tiny_model: Path, no_catalogue):
    no_catalogue.append(_entry("tiny.gguf", "0" * 64))
    s = ModelStore(home)
    with pytest.raises(ModelStoreError, match="does not match the catalogue's checksum"):
        list(s.import_file(tiny_model))
    assert _left_in(home / "models") == [] and s.list() == []


def test_catalogue_size_mismatch_is_refused_before_copying(home, tiny_model, no_catalogue):
    no_catalogue.append(_entry("tiny.gguf", "", 123))
    with pytest.raises(ModelStoreError, match="incomplete or a different build"):
        list(ModelStore(home).import_file(tiny_model))
    assert not (home / "models").exists()


def test_cancel_mid_import_leaves_no_partial_file(home, tiny_model, monkeypatch, no_catalogue):
    monkeypatch.setattr(model_import, "CHUNK", 64 * 1024)
    s = ModelStore(home)
    job = s.import_file(tiny_model)
    for _ in range(4):
        assert isinstance(next(job), Progress)
    assert any(p.suffix == ".part" for p in (home / "models").iterdir())
    job.close()  # what the worker does on Cancel
    assert _left_in(home / "models") == [] and s.list() == []


def test_failure_mid_copy_leaves_no_partial_file(home, tiny_model, monkeypatch, no_catalogue):
    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_import.os, "fsync", full_disk)
    with pytest.raises(OSError):
        list(ModelStore(home).import_file(tiny_model))
    assert _left_in(home / "models") == []


@pytest.mark.parametrize("fixture", ["truncated_model", "bad_header_model"])
def test_bad_files_change_nothing(home: Path, request, fixture: str, no_catalogue) -> None:
    with pytest.raises(GGUFError):
        list(ModelStore(home).import_file(request.getfixturevalue(fixture)))
    assert not (home / "models").exists()


def test_folder_import_reports_a_bad_file(home, tiny_model, tmp_path, no_catalogue) -> None:
    stick = tmp_path / "usb"
    (stick / "models").mkdir(parents=True)
    shutil.copy(tiny_model, stick / "tiny.gguf")
    write_model(stick / "models" / "other.GGUF", seed=3)
    (stick / "broken.gguf").write_bytes(b"<html>not found</html>")
    (stick / "._tiny.gguf").write_bytes(b"\0\5\26\7")  # macOS metadata on USB sticks
    (stick / "readme.txt").write_text("models for the clinic")
    items = list(ModelStore(home).import_folder(stick))
    models = [i for i in items if isinstance(i, InstalledModel)]
    problems = [i for i in items if isinstance(i, ImportProblem)]
    assert sorted(m.name for m in models) == ["other", "tiny"]
    assert [p.path.name for p in problems] == ["broken.gguf"]
    assert "web page" in problems[0].message
    assert any("(2/3)" in i.message for i in items if isinstance(i, Progress))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelStoreError, match=r"no \.gguf model files"):
        list(ModelStore(home).import_folder(empty))
    with pytest.raises(ModelStoreError, match="is not a folder"):
        list(ModelStore(home).import_folder(tmp_path / "absent"))


def test_use_selected_remove(home: Path, tiny_model: Path, no_catalogue) -> None:
    s = ModelStore(home)
    _, model = _import(s, tiny_model)
    assert s.selected() is None
    assert s.use("TINY").selected and s.selected() == s.get("tiny")
    assert s.get("tiny").status.startswith("selected, verified")
    removed = s.remove("tiny")
    assert removed.name == "tiny" and not model.path.exists()
    assert s.selected() is None and s.list() == []
    with pytest.raises(ModelStoreError, match="no installed model 'tiny'"):
        s.use("tiny")


def test_verify_finds_damage(home: Path, tiny_model: Path, no_catalogue) -> None:
    s = ModelStore(home)
    _, model = _import(s, tiny_model)
    [*progress, ok] = list(s.verify("tiny"))
    assert isinstance(ok, VerifyResult) and ok.ok and ok.sha256 == model.sha256
    assert progress and isinstance(progress[-1], Progress)
    raw = bytearray(model.path.read_bytes())
    raw[-100] ^= 0xFF  # a flipped bit in the weights: same size, header still sound
    model.path.write_bytes(bytes(raw))
    assert not s.get("tiny").verified  # the file changed after its checksum was taken
    *_, bad = list(s.verify("tiny"))
    assert not bad.ok and "has changed since it was imported" in bad.message
    assert "damaged" in s.get("tiny").status
    with pytest.raises(ModelStoreError, match="changed since it was imported"):
        s.use("tiny")


def test_a_file_put_in_the_folder_by_hand(home: Path, tiny_model: Path, no_catalogue) -> None:
    (home / "models").mkdir(parents=True)
    shutil.copy(tiny_model, home / "models" / "manual.gguf")
    s = ModelStore(home)
    [model] = s.list()
    assert (model.name, model.sha256, model.verified) == ("manual", "", False)
    *_, result = list(s.verify("manual"))
    assert result.ok and s.get("manual").verified and s.get("manual").sha256
    assert s.use("manual").selected


def test_resolve(home: Path, tiny_model: Path, no_catalogue) -> None:
    s = ModelStore(home)
    with pytest.raises(ModelStoreError, match="no model is chosen"):
        s.resolve("")
    _, model = _import(s, tiny_model)
    assert s.resolve("tiny") == model.path
    assert s.resolve("", settings_model="tiny") == model.path
    assert s.resolve(str(tiny_model)) == tiny_model.resolve()
    s.use("tiny")
    assert s.resolve() == model.path
    no_catalogue.append(_entry("Absent-Q4_K_M.gguf", name="absent-q4"))
    with pytest.raises(ModelStoreError, match="in the catalogue but not installed"):
        s.resolve("absent-q4")
    with pytest.raises(ModelStoreError, match="no model file at"):
        s.resolve("/nowhere/model.gguf")
    with pytest.raises(ModelStoreError, match="not an installed model, a catalogue name"):
        s.resolve("something-else")


def test_crash_bookkeeping(home: Path, tiny_model: Path, no_catalogue) -> None:
    s = ModelStore(home)
    _, model = _import(s, tiny_model)
    assert s.auto_load_allowed("tiny") == (True, "")
    assert s.record_crash("tiny") == 1
    assert s.auto_load_allowed(model.path)[0]  # one crash: still loaded at the next start
    assert s.record_crash(model.path) == 2  # a path and a name are the same model
    allowed, reason = s.auto_load_allowed("tiny")
    assert not allowed and "2 times" in reason and "not loaded automatically" in reason
    assert "crashed 2 times" in s.get("tiny").status
    s.use("tiny")  # choosing it again gives it another chance
    assert s.crash_count("tiny") == 0
    outside = str(tiny_model)  # a model used straight from a path is counted by its path
    s.record_crash(outside)
    assert s.crash_count(outside) == 1 and s.crash_count("tiny") == 0
    s.clear_crashes(outside)
    assert s.crash_count(outside) == 0


def test_unreadable_state_is_not_fatal(home: Path, tiny_model: Path, no_catalogue) -> None:
    (home / "models").mkdir(parents=True)
    (home / "models" / "state.json").write_text("{not json")
    s = ModelStore(home)
    assert s.list() == [] and s.selected() is None
    _, model = _import(s, tiny_model)
    assert s.use(model.name).selected
