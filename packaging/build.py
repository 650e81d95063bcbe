"""Build the one-folder bundle dist/lantern/ (``make package``).

1. install PyInstaller into this environment if it is missing (pinned in constraints.txt);
2. build the guideline index with the app's own code in a fresh data folder
   (build/prebuilt-home), so the bundle carries it and the first start does not index, and pack
   it (SQLite files vacuumed) into build/prebuilt-index.tar.xz;
3. run PyInstaller on packaging/lantern.spec, with numpy built without OpenBLAS first on its
   path (trim_numpy.py; 28 MB less);
4. Linux: replace Qt's ICU data library by a trimmed build (trim_icu.py, 32 MB -> 5 MB) and
   strip symbol tables and debug sections from the shared libraries where that is safe
   (trim_binaries.py);
5. print the bundle size, its ten largest parts and files, and the number of AVX-512 (zmm)
   instructions in the bundled llama.cpp libraries (must be 0 to run on ordinary laptops)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import trim_binaries  # beside this file (packaging/ is on sys.path when it runs or is imported)
import trim_icu
import trim_numpy

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
DIST = REPO / "dist"
BUNDLE = DIST / "lantern"
BUDGET_MB = 250


def run(cmd: list[str], **kw) -> None:
    print("+ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=REPO, **kw)


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        run([sys.executable, "-m", "pip", "install", "-q", "-c", "constraints.txt",
             "pyinstaller>=6.6"])


def build_index() -> Path:
    home = BUILD / "prebuilt-home"
    if os.environ.get("LANTERN_PACKAGE_REUSE_INDEX") == "1" and (home / "index").is_dir():
        print("prebuilt index: reusing build/prebuilt-home/index (LANTERN_PACKAGE_REUSE_INDEX=1)")
        return home / "index"
    shutil.rmtree(home, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANTERN_")}
    env["LANTERN_HOME"] = str(home)
    t0 = time.perf_counter()
    run([sys.executable, "-m", "desktop", "ask", "What is DCIS?", "--mode", "extractive"],
        env=env, stdout=subprocess.DEVNULL)
    index = home / "index"
    print(f"prebuilt index: {size_mb(index):.1f} MB in {time.perf_counter() - t0:.0f} s")
    return index


def size_of(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def size_mb(path: Path) -> float:
    return size_of(path) / 1e6


def pack_index(index: Path) -> Path:
    """A copy of the index with its SQLite files vacuumed (chroma's keeps ~2 MB of free pages),
    packed as tar.xz (the runtime hook unpacks it into the data folder on first start)."""
    copy = BUILD / "prebuilt-index"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(index, copy)
    for db in copy.rglob("*.sqlite*"):
        if db.suffix in (".sqlite", ".sqlite3"):
            with sqlite3.connect(db) as conn:  # rowids of every FTS/embedding table are explicit
                conn.execute("VACUUM")
            conn.close()
    archive = BUILD / "prebuilt-index.tar.xz"
    with tarfile.open(archive, "w:xz", preset=6) as tar:
        for path in sorted(copy.rglob("*")):
            tar.add(path, arcname=str(path.relative_to(copy)), recursive=False)
    print(f"prebuilt index packed: {size_mb(index):.1f} MB -> {size_mb(copy):.1f} MB vacuumed "
          f"-> {size_mb(archive):.1f} MB {archive.name}")
    return archive


def trim_bundle() -> None:
    """Linux: the trimmed ICU data library, then strip what can be stripped safely."""
    if not sys.platform.startswith("linux"):
        return
    internal = BUNDLE / "_internal"
    for lib in sorted(internal.rglob("libicudata.so.*")):
        if lib.is_symlink() or not lib.is_file():
            continue
        try:
            before, after, kept, dropped = trim_icu.trim_library(lib)
        except (trim_icu.IcuTrimError, OSError, subprocess.CalledProcessError) as exc:
            print(f"ICU data left as it is ({exc})")
            continue
        print(f"ICU data {lib.relative_to(BUNDLE)}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB "
              f"({kept} items kept, {dropped} dropped)")
    strip = shutil.which("strip")
    if strip is None:
        print("strip not found: libraries left unstripped")
        return
    result = trim_binaries.strip_tree(internal, strip)
    print(f"strip --strip-unneeded: {len(result.stripped)} libraries, {result.saved / 1e6:.1f} MB "
          f"saved; {len(result.refused)} left as they were (stripping would break them): "
          + " ".join(str(p.relative_to(internal)) for p in result.refused))


def report() -> int:
    internal = BUNDLE / "_internal"
    total = size_mb(BUNDLE)
    print(f"\nbundle {BUNDLE}: {total:.1f} MB (budget {BUDGET_MB} MB without an LLM)")
    parts = sorted(internal.iterdir(), key=size_of, reverse=True)[:10]
    print("ten largest parts:")
    for part in parts:
        print(f"  {size_mb(part):7.1f} MB  {part.relative_to(BUNDLE)}")
    files = sorted((p for p in BUNDLE.rglob("*") if p.is_file()), key=size_of, reverse=True)[:10]
    print("ten largest files:")
    for f in files:
        print(f"  {size_mb(f):7.1f} MB  {f.relative_to(BUNDLE)}")
    zmm = zmm_count(internal / "llama_cpp" / "lib")
    print(f"AVX-512 check: {zmm} zmm instruction(s) in the llama.cpp libraries "
          f"({'ok' if zmm == 0 else 'NOT portable: rebuild with CMAKE_ARGS=-DGGML_NATIVE=OFF'})")
    if total > BUDGET_MB:
        print(f"over budget by {total - BUDGET_MB:.1f} MB")
    return 0


def zmm_count(lib_dir: Path) -> int:
    objdump = shutil.which("objdump")
    if objdump is None:
        print("objdump not found: AVX-512 check skipped")
        return -1
    total = 0
    for lib in sorted(lib_dir.glob("*.so*")):
        out = subprocess.run([objdump, "-d", str(lib)], capture_output=True, text=True).stdout
        count = sum("zmm" in line for line in out.splitlines())
        print(f"  {lib.name}: {count} zmm")
        total += count
    return total


def main() -> int:
    t0 = time.perf_counter()
    ensure_pyinstaller()
    archive = pack_index(build_index())
    env = dict(os.environ, LANTERN_PREBUILT_ARCHIVE=str(archive))
    numpy_site = trim_numpy.blasless_numpy(BUILD)
    if numpy_site is not None:  # first on the path of PyInstaller and its hooks' subprocesses
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(numpy_site), env.get("PYTHONPATH")]))
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"),
         str(REPO / "packaging" / "lantern.spec")], env=env)
    trim_bundle()
    code = report()
    print(f"built in {time.perf_counter() - t0:.0f} s")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
