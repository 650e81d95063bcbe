"""Build dist/Lantern.app on macOS: the ``make package`` equivalent there (see INSTALLERS.md).

    .venv/bin/python packaging/macos/build_app.py      # then: packaging/macos/make_dmg.sh

1. the prebuilt guideline index, with packaging/build.py's own steps;
2. Lantern.icns: the iconset rendered from desktop/ui/icons/lantern.svg, then ``iconutil``;
3. PyInstaller on packaging/macos/lantern-macos.spec (LANTERN_CODESIGN_IDENTITY set: signed
   with that Developer ID identity and the hardened-runtime entitlements);
4. the .app's self-test in a temporary data folder.
Runs on macOS only; nothing here is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PACKAGING))  # a script, not imported by tests: packaging/ first is fine

import app_meta  # noqa: E402
import build  # noqa: E402  (packaging/build.py: index, PyInstaller install)
from icons import render_icons  # noqa: E402

REPO = PACKAGING.parent
WORK = REPO / "build" / "macos"
APP = REPO / "dist" / f"{app_meta.APP_NAME}.app"


def make_icns() -> Path:
    """build/macos/Lantern.icns from the SVG (iconutil ships with macOS)."""
    iconset = WORK / "Lantern.iconset"
    shutil.rmtree(iconset, ignore_errors=True)
    render_icons.write_iconset(iconset)
    icns = WORK / "Lantern.icns"
    build.run(["iconutil", "-c", "icns", "-o", str(icns), str(iconset)])
    return icns


def prebuilt_index_env() -> dict[str, str]:
    """The environment lantern.spec reads the prebuilt index from."""
    index = build.build_index()
    if hasattr(build, "pack_index"):
        return {"LANTERN_PREBUILT_ARCHIVE": str(build.pack_index(index))}
    return {"LANTERN_PREBUILT_INDEX": str(index)}


def self_test() -> int:
    """The built app's --self-test in a temporary data folder, offscreen."""
    home = tempfile.mkdtemp(prefix="lantern-app-test-")
    try:
        env = dict(os.environ, LANTERN_HOME=home, QT_QPA_PLATFORM="offscreen")
        exe = APP / "Contents" / "MacOS" / "lantern"
        return subprocess.run([str(exe), "--self-test"], env=env).returncode
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    """Build, then self-test; exit status 0 when both succeed."""
    if sys.platform != "darwin":
        print("build_app: builds the macOS app on macOS only", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    build.ensure_pyinstaller()
    env = dict(os.environ, LANTERN_ICNS=str(make_icns()), **prebuilt_index_env())
    shutil.rmtree(APP, ignore_errors=True)
    build.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--log-level", "WARN", "--distpath", str(REPO / "dist"),
               "--workpath", str(WORK / "pyinstaller"),
               str(PACKAGING / "macos" / "lantern-macos.spec")], env=env)
    print(f"app: {APP} ({build.size_mb(APP):.0f} MB)")
    code = self_test()
    print("app self-test: " + ("passed" if code == 0 else f"FAILED (exit {code})"))
    return code


if __name__ == "__main__":
    raise SystemExit(main())
