"""The installed app's prebuilt index: unpacked once into a data folder that has none."""

from __future__ import annotations

import tarfile
from pathlib import Path

from desktop.prebuilt_index import archive_path, seed


def _archive(tmp_path: Path, with_index: bool = True) -> Path:
    src = tmp_path / "src"
    (src / "chroma").mkdir(parents=True)
    (src / "chroma" / "chroma.sqlite3").write_bytes(b"db")
    if with_index:
        (src / "keyword.sqlite").write_bytes(b"kw")
    path = tmp_path / "prebuilt-index.tar.xz"
    with tarfile.open(path, "w:xz") as tar:
        for item in sorted(src.rglob("*")):
            tar.add(item, arcname=str(item.relative_to(src)), recursive=False)
    return path


def test_seeds_an_empty_home_once(tmp_path: Path) -> None:
    archive = _archive(tmp_path)
    home = tmp_path / "home"
    assert seed(home, archive)
    assert (home / "index" / "keyword.sqlite").read_bytes() == b"kw"
    (home / "index" / "keyword.sqlite").write_bytes(b"updated by the app")
    assert not seed(home, archive)  # an existing index is never replaced
    assert (home / "index" / "keyword.sqlite").read_bytes() == b"updated by the app"
    assert [p.name for p in home.iterdir()] == ["index"]  # no partial folder left


def test_archive_without_an_index_leaves_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert not seed(home, _archive(tmp_path, with_index=False))
    assert not (home / "index").exists()
    assert list(home.iterdir()) == []


def test_broken_archive_leaves_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "prebuilt-index.tar.xz"
    broken.write_bytes(b"not an archive")
    home = tmp_path / "home"
    assert not seed(home, broken)
    assert not (home / "index").exists()


def test_from_source_there_is_no_archive(tmp_path: Path) -> None:
    assert archive_path() is None
    assert not seed(tmp_path / "home")
