"""Build the one-folder bundle dist/lantern/ (``make package``).

1. install PyInstaller into this environment if it is missing (pinned in constraints.txt);
2. build the guideline index with the app's own code in a fresh data folder
   (build/prebuilt-home), so the bundle carries it and the first start does not index;
3. run PyInstaller on packaging/lantern.spec;
4. strip debug sections from the shared libraries (Linux);
5. print the bundle size, its ten largest parts and files, and the number of AVX-512 (zmm)
   instructions in the bundled llama.cpp libraries (must be 0 to run on ordinary laptops)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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


def strip_debug_info() -> None:
    """Drop debug sections from the Python runtime's own libraries (libpython alone loses
    17 MB). Only those: wheels' libraries rewritten by auditwheel/patchelf (numpy.libs' OpenBLAS
    for one) break when stripped ("ELF load command address/offset not page-aligned")."""
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return
    before = size_of(BUNDLE)
    internal = BUNDLE / "_internal"
    runtime = [*internal.glob("libpython3*.so*"), *internal.glob("python3*/lib-dynload/*.so")]
    for lib in runtime:
        if lib.is_file() and not lib.is_symlink():
            subprocess.run([strip, "--strip-debug", str(lib)], capture_output=True)
    print(f"strip --strip-debug: {(before - size_of(BUNDLE)) / 1e6:.1f} MB saved")


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
    index = build_index()
    env = dict(os.environ, LANTERN_PREBUILT_INDEX=str(index))
    run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "pyinstaller"),
         str(REPO / "packaging" / "lantern.spec")], env=env)
    strip_debug_info()
    code = report()
    print(f"built in {time.perf_counter() - t0:.0f} s")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
