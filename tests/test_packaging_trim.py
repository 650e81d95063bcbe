"""Tests for the bundle's trimming steps (packaging/): the ICU data package rewrite and the
library it builds (Qt still collates, maps case and decodes single-byte code pages through
it), the checked strip, and the runtime hook that unpacks the prebuilt index."""

from __future__ import annotations

import ctypes
import runpy
import shutil
import struct
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "packaging"))

import trim_binaries  # noqa: E402
import trim_icu  # noqa: E402

LINUX = sys.platform.startswith("linux")
CC = shutil.which("cc") or shutil.which("gcc")


def _wheel_icudata() -> Path | None:
    import PySide6

    libs = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    return libs[0] if libs else None


@pytest.mark.parametrize(
    ("name", "size", "kept"),
    [
        ("root.res", 100, True),
        ("en_GB.res", 100, True),
        ("de.res", 100, False),
        ("coll/root.res", 100, True),
        ("coll/ucadata.icu", 500_000, True),
        ("coll/de__PHONEBOOK.res", 100, False),
        ("coll/zh.res", 100, False),
        ("zone/en.res", 100, True),
        ("zone/fr_CA.res", 100, False),
        ("zone/pool.res", 100_000, True),
        ("res_index.res", 100, True),
        ("supplementalData.res", 200_000, True),
        ("zoneinfo64.res", 150_000, True),
        ("brkitr/word.brk", 100, True),
        ("brkitr/cjdict.dict", 2_000_000, False),
        ("translit/root.res", 100, False),
        ("ibm-5348_P100-1997.cnv", 2_000, True),  # windows-1252
        ("euc-tw-2014.cnv", 545_000, False),
        ("uts46.nrm", 60_000, True),
    ],
)
def test_keep_item_rules(name: str, size: int, kept: bool) -> None:
    assert trim_icu.keep_item(name, size) is kept


def _header() -> bytes:
    # MappedData (size, magic) + UDataInfo (little endian, ASCII, UChar 2, "CmnD" 1.0.0.0)
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", bytes([1, 0, 0, 0]), bytes(4))
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + info
    return header + b"\0" * (32 - len(header))


def test_package_round_trip_keeps_order_alignment_and_bytes() -> None:
    items = [("icudt99l/a.res", b"x" * 5), ("icudt99l/b/c.cnv", b"y" * 40), ("icudt99l/d", b"z")]
    data = trim_icu.write_package(_header(), items)
    header, read = trim_icu.read_package(data)
    assert header == _header()
    assert [n for n, _ in read] == [n for n, _ in items]
    for (_, blob), (_, back) in zip(items, read, strict=True):
        assert back[: len(blob)] == blob and set(back[len(blob) :]) <= {0xAA}
    count, = struct.unpack_from("<I", data, 32)
    for i in range(count):
        _name_off, data_off = struct.unpack_from("<II", data, 32 + 4 + 8 * i)
        assert (32 + data_off) % 16 == 0


def test_orphaned_extension_codepage_goes_with_its_base_table() -> None:
    big = b"base table" + b"\0" * 20_000
    items = [
        ("icudt99l/ibm-943_P15A-2003.cnv", big),
        ("icudt99l/ibm-943_P130-1999.cnv", b"ext of ibm-943_P15A-2003\0rest"),
        ("icudt99l/ibm-5348_P100-1997.cnv", b"single byte table"),
    ]
    trimmed, kept, dropped = trim_icu.trim_package(trim_icu.write_package(_header(), items))
    assert (kept, dropped) == (1, 2)
    assert [n for n, _ in trim_icu.read_package(trimmed)[1]] == ["icudt99l/ibm-5348_P100-1997.cnv"]


def test_not_a_common_data_package_is_refused() -> None:
    with pytest.raises(trim_icu.IcuTrimError):
        trim_icu.read_package(b"\0" * 64)


QT_ICU_CHECK = """
from PySide6.QtCore import QCollator, QLocale, QStringDecoder, QUrl
maps = [line.split()[-1] for line in open("/proc/self/maps") if "libicudata" in line]
assert set(maps) == {TRIMMED}, maps
words = ["zebra", "\\u00c4pfel", "apple", "Banana", "\\u00e9clair", "eagle"]
for locale in ("en_US", "de_DE", "ja_JP"):
    key = QCollator(QLocale(locale)).sortKey
    assert sorted(words, key=key) == [
        "\\u00c4pfel", "apple", "Banana", "eagle", "\\u00e9clair", "zebra"], locale
assert QLocale("tr_TR").toUpper("istanbul") == "\\u0130STANBUL"
assert QLocale("en_US").toUpper("stra\\u00dfe") == "STRASSE"
assert QStringDecoder("windows-1252").isValid() and QStringDecoder("KOI8-R").isValid()
assert not QStringDecoder("Shift_JIS").isValid()  # multi-byte tables are gone: the trim is used
assert QUrl("http://b\\u00fccher.example/").toEncoded().data() == b"http://xn--bcher-kva.example/"
print("ok")
"""


@pytest.mark.skipif(not (LINUX and CC), reason="Linux with a C compiler only")
def test_trimmed_icu_library_serves_qt(tmp_path: Path) -> None:
    wheel_lib = _wheel_icudata()
    if wheel_lib is None:
        pytest.skip("this PySide6 wheel has no libicudata")
    lib = tmp_path / wheel_lib.name
    shutil.copyfile(wheel_lib, lib)
    before, after, kept, dropped = trim_icu.trim_library(lib)
    assert before == wheel_lib.stat().st_size
    assert after < before / 4 and kept > 500 and dropped > 2000
    soname = subprocess.run(["readelf", "-d", str(lib)], capture_output=True, text=True).stdout
    assert f"[{wheel_lib.name}]" in soname
    # the preloaded library has the wheel's soname, so Qt's libicuuc binds to it
    code = QT_ICU_CHECK.replace("TRIMMED", repr(str(lib)))
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
        env={"LD_PRELOAD": str(lib), "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]


def _build_lib(tmp_path: Path) -> Path:
    src = tmp_path / "answer.c"
    src.write_text("int lantern_answer(void) { return 42; }\n", encoding="ascii")
    lib = tmp_path / "libanswer.so"
    subprocess.run([CC, "-g", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return lib


@pytest.mark.skipif(not (LINUX and CC and shutil.which("strip")), reason="Linux with binutils")
def test_strip_tree_strips_and_the_library_still_loads(tmp_path: Path) -> None:
    lib = _build_lib(tmp_path)
    assert trim_binaries.has_symtab(lib.read_bytes())
    before = lib.stat().st_size
    report = trim_binaries.strip_tree(tmp_path, shutil.which("strip"))
    assert report.stripped == [lib] and report.refused == []
    assert report.saved == before - lib.stat().st_size > 0
    assert not trim_binaries.has_symtab(lib.read_bytes())
    assert ctypes.CDLL(str(lib)).lantern_answer() == 42
    assert not list(tmp_path.glob("*.lantern-strip"))
    again = trim_binaries.strip_tree(tmp_path, shutil.which("strip"))
    assert again.stripped == [] and again.saved == 0


@pytest.mark.skipif(not (LINUX and CC), reason="Linux with a C compiler only")
def test_misaligned_load_segment_is_detected(tmp_path: Path) -> None:
    data = bytearray(_build_lib(tmp_path).read_bytes())
    assert trim_binaries.load_segments_ok(bytes(data))
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        at = phoff + i * phentsize
        if struct.unpack_from("<I", data, at)[0] == trim_binaries.PT_LOAD:
            vaddr, = struct.unpack_from("<Q", data, at + 16)
            struct.pack_into("<Q", data, at + 16, vaddr + 8)  # what a broken strip leaves
            break
    assert not trim_binaries.load_segments_ok(bytes(data))


def _run_hook(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr(sys, "argv", ["lantern"])
    runpy.run_path(str(REPO / "packaging" / "rthook_prebuilt_index.py"))


def _archive(bundle: Path, files: dict[str, bytes]) -> None:
    src = bundle / "src"
    for name, data in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    with tarfile.open(bundle / "prebuilt-index.tar.xz", "w:xz") as tar:
        for path in sorted(src.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(src)), recursive=False)


def test_runtime_hook_unpacks_the_index_once(
    tmp_path: Path, lantern_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    _archive(bundle, {"keyword.sqlite": b"kw", "chroma/chroma.sqlite3": b"db"})
    _run_hook(bundle, monkeypatch)
    index = lantern_home / "index"
    assert (index / "keyword.sqlite").read_bytes() == b"kw"
    assert (index / "chroma" / "chroma.sqlite3").read_bytes() == b"db"
    (index / "keyword.sqlite").write_bytes(b"updated by the app")
    _run_hook(bundle, monkeypatch)  # an index already there is the app's: left alone
    assert (index / "keyword.sqlite").read_bytes() == b"updated by the app"
    assert [p.name for p in lantern_home.iterdir()] == ["index"]


@pytest.mark.parametrize("broken", ["not an index", "not an archive"])
def test_runtime_hook_leaves_nothing_for_a_bad_archive(
    broken: str, tmp_path: Path, lantern_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    if broken == "not an index":
        _archive(bundle, {"something-else.txt": b"x"})
    else:
        (bundle / "prebuilt-index.tar.xz").write_bytes(b"\xfd7zXZ\0 truncated")
    _run_hook(bundle, monkeypatch)
    assert not lantern_home.exists() or list(lantern_home.iterdir()) == []

