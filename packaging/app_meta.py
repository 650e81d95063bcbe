"""What every installer says about Lantern: name, version (from pyproject.toml), identifiers.

The Linux .deb, the Windows Inno Setup script and the macOS .app all read these values, so the
version is written once, in pyproject.toml. Plain Python (no Qt), usable on any build host.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"
ICON_SVG = REPO / "desktop" / "ui" / "icons" / "lantern.svg"  # the window shows it too

APP_NAME = "Lantern"
# Debian package name, launcher name and freedesktop icon name.
PACKAGE = "lantern"
# Reverse-DNS identifier (macOS CFBundleIdentifier). Lantern has no domain of its own yet:
# change it here, once, if it gets one; an installed app keeps its settings under this name.
BUNDLE_ID = "org.lantern-desktop.Lantern"
# Inno Setup AppId: a fixed GUID, so upgrades replace the installed version instead of adding
# a second entry. Never change it after a release.
WINDOWS_APP_ID = "{8F0B6E2A-3C4D-4E7B-9A51-6C2D1B7E4F30}"
PUBLISHER = "Lantern team"
COPYRIGHT = "Copyright © 2025-2026 the Lantern team"
SUMMARY = "Private, offline answers to breast-cancer questions"
DESCRIPTION = (  # lines under 80 characters: the .deb's long description
    "Lantern answers a breast-cancer patient's questions from plain-language\n"
    "guideline knowledge, with numbered sources for every sentence, personalised\n"
    "by records kept in an encrypted vault. Nothing leaves the machine: no\n"
    "account, no cloud, no network connection."
)
# Oldest macOS the PyInstaller bundle is built for (PySide6 6.7+ wheels need macOS 11).
MACOS_MINIMUM = "11.0"


@dataclass(frozen=True)
class Version:
    """The project version as pyproject.toml writes it, e.g. ``0.1.0``."""

    text: str

    @property
    def numeric(self) -> str:
        """Four dot-separated integers for Windows and macOS (``0.1.0`` -> ``0.1.0.0``).

        A pre-release suffix (``0.2.0rc1``) is dropped: both platforms accept digits only.
        """
        parts = []
        for piece in self.text.split(".")[:4]:
            digits = ""
            for ch in piece:
                if not ch.isdigit():
                    break
                digits += ch
            parts.append(digits or "0")
            if digits != piece:
                break
        return ".".join(parts + ["0"] * (4 - len(parts)))

    @property
    def short(self) -> str:
        """Three integers, as CFBundleShortVersionString wants (``0.1.0``)."""
        return ".".join(self.numeric.split(".")[:3])

    @property
    def debian(self) -> str:
        """A Debian version: a PEP 440 pre-release sorts before the release (``0.2.0~rc1``)."""
        text = self.text
        for tag in ("a", "b", "rc", ".dev"):
            head, sep, tail = text.partition(tag)
            if sep and head and head[-1].isdigit():
                return f"{head}~{tag.lstrip('.')}{tail}"
        return text


def project_version(pyproject: Path = PYPROJECT) -> Version:
    """The ``[project] version`` of ``pyproject``; ValueError if there is none."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    version = data.get("project", {}).get("version")
    if not isinstance(version, str) or not version[:1].isdigit():
        raise ValueError(f"{pyproject} has no [project] version")
    return Version(version)
