"""Build the Windows installer: the ``make package`` + ``make installer`` equivalent there.

    .venv\\Scripts\\python packaging\\windows\\build_installer.py [--skip-bundle]

1. build\\windows\\lantern.ico rendered from desktop/ui/icons/lantern.svg (Qt, no download);
2. the prebuilt guideline index, with packaging/build.py's own steps;
3. PyInstaller on packaging/windows/lantern-windows.spec -> dist\\lantern\\ (lantern.exe for
   the command line, lanternw.exe for the shortcuts);
4. dist\\lantern\\lantern.exe --self-test in a temporary data folder;
5. Inno Setup's compiler (iscc, Inno Setup 6.3 or later) on packaging/windows/lantern.iss
   with the version from pyproject.toml -> dist\\Lantern-<version>-setup.exe.
``--skip-bundle`` reuses an existing dist\\lantern\\ (steps 1, 4 and 5 only).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent.parent
if str(PACKAGING) not in sys.path:
    sys.path.append(str(PACKAGING))

import app_meta  # noqa: E402
from icons import render_icons  # noqa: E402

REPO = PACKAGING.parent
WORK = REPO / "build" / "windows"
ISS = PACKAGING / "windows" / "lantern.iss"
SPEC = PACKAGING / "windows" / "lantern-windows.spec"


def iscc_defines(bundle: Path, icon: Path, out_dir: Path) -> dict[str, str]:
    """The ``/D`` preprocessor values lantern.iss expects, version from pyproject.toml."""
    version = app_meta.project_version()
    return {
        "AppVersion": version.text,
        "AppVersionNumeric": version.numeric,
        "BundleDir": str(bundle),
        "IconFile": str(icon),
        "OutputDir": str(out_dir),
    }


def iscc_command(iscc: str, defines: dict[str, str]) -> list[str]:
    """The compiler's command line."""
    return [iscc, *(f"/D{name}={value}" for name, value in defines.items()), str(ISS)]


def find_iscc() -> str | None:
    """ISCC.exe on PATH or in Inno Setup 6's default install folders."""
    found = shutil.which("iscc") or shutil.which("ISCC.exe")
    if found:
        return found
    local = os.environ.get("LOCALAPPDATA")
    bases = [os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES"),
             str(Path(local) / "Programs") if local else None]  # os.environ ignores case there
    for base in bases:
        if base and (Path(base) / "Inno Setup 6" / "ISCC.exe").is_file():
            return str(Path(base) / "Inno Setup 6" / "ISCC.exe")
    return None


def build_bundle(icon: Path) -> Path:
    """dist\\lantern\\ from lantern-windows.spec, with the prebuilt index."""
    sys.path.insert(0, str(PACKAGING))
    import build  # packaging/build.py: PyInstaller install, index build and packing

    build.ensure_pyinstaller()
    index = build.build_index()
    env = dict(os.environ, LANTERN_ICO=str(icon))
    if hasattr(build, "pack_index"):
        env["LANTERN_PREBUILT_ARCHIVE"] = str(build.pack_index(index))
    else:
        env["LANTERN_PREBUILT_INDEX"] = str(index)
    build.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(REPO / "dist"),
               "--workpath", str(WORK / "pyinstaller"), str(SPEC)], env=env)
    return REPO / "dist" / "lantern"


def self_test(bundle: Path) -> int:
    """lantern.exe --self-test in a temporary data folder, offscreen."""
    home = tempfile.mkdtemp(prefix="lantern-win-test-")
    try:
        env = dict(os.environ, LANTERN_HOME=home, QT_QPA_PLATFORM="offscreen")
        return subprocess.run([str(bundle / "lantern.exe"), "--self-test"], env=env).returncode
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Icon, bundle, self-test, installer; exit status 0 when all succeed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-bundle", action="store_true", help="reuse dist\\lantern")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        print("build_installer: builds the Windows installer on Windows only", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    icon = render_icons.write_ico(WORK / "lantern.ico")
    bundle = REPO / "dist" / "lantern" if args.skip_bundle else build_bundle(icon)
    if not (bundle / "lantern.exe").is_file() or not (bundle / "lanternw.exe").is_file():
        print(f"build_installer: no lantern.exe and lanternw.exe in {bundle}", file=sys.stderr)
        return 1
    if self_test(bundle) != 0:
        print("build_installer: the bundle's self-test failed; no installer built",
              file=sys.stderr)
        return 1
    iscc = find_iscc()
    if iscc is None:
        print("build_installer: Inno Setup 6 (ISCC.exe) not found: install it from "
              "jrsoftware.org, or put ISCC.exe on PATH", file=sys.stderr)
        return 1
    defines = iscc_defines(bundle, icon, REPO / "dist")
    code = subprocess.run(iscc_command(iscc, defines)).returncode
    if code == 0:
        print(f"installer: dist\\Lantern-{defines['AppVersion']}-setup.exe")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
