"""The Info.plist of Lantern.app: identifiers, version from pyproject.toml, display keys.

PyInstaller's BUNDLE writes the plist; this module supplies the keys (``lantern-macos.spec``
passes ``info_plist(...)`` to it). ``python packaging/macos/info_plist.py`` prints the XML.
"""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent.parent
if str(PACKAGING) not in sys.path:
    sys.path.append(str(PACKAGING))

import app_meta  # noqa: E402

EXECUTABLE = "lantern"  # Contents/MacOS/lantern
ICON_FILE = "Lantern.icns"


def info_plist(version: app_meta.Version | None = None) -> dict[str, object]:
    """The keys Lantern.app's Info.plist carries (BUNDLE adds the executable and icon)."""
    version = version or app_meta.project_version()
    return {
        "CFBundleName": app_meta.APP_NAME,
        "CFBundleDisplayName": app_meta.APP_NAME,
        "CFBundleIdentifier": app_meta.BUNDLE_ID,
        "CFBundleExecutable": EXECUTABLE,
        "CFBundleIconFile": ICON_FILE,
        "CFBundlePackageType": "APPL",
        "CFBundleInfoDictionaryVersion": "6.0",
        "CFBundleDevelopmentRegion": "en",
        "CFBundleShortVersionString": version.short,
        "CFBundleVersion": version.short,
        "LSMinimumSystemVersion": app_meta.MACOS_MINIMUM,
        "LSApplicationCategoryType": "public.app-category.medical",
        # a windowed app with a Dock icon and menu bar (PyInstaller sets True for console=True)
        "LSBackgroundOnly": False,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "NSHumanReadableCopyright": app_meta.COPYRIGHT,
    }


def plist_xml(version: app_meta.Version | None = None) -> bytes:
    """``info_plist`` as the XML property list macOS reads."""
    return plistlib.dumps(info_plist(version), sort_keys=True)


if __name__ == "__main__":
    sys.stdout.write(plist_xml().decode())
