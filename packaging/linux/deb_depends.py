"""The Debian packages a PyInstaller bundle needs from the host, found by reading its ELF files.

The bundle carries most shared libraries itself. What it does not carry (the C library, the
OpenGL/EGL driver front-ends, the X11/Wayland client libraries Qt's platform plugins link) must
come from the system: ``host_sonames`` lists every NEEDED soname no file in the bundle
provides, ``SONAME_PACKAGES`` maps each to its Debian/Ubuntu package, and ``glibc_floor`` reads
the newest GLIBC symbol version any binary asks for, for ``libc6 (>= …)``. An unknown soname
stops the build with its name, so a changed bundle never yields a .deb with a silent gap.
Needs ``readelf`` (binutils), which the bundle build already uses.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

ELF_MAGIC = b"\x7fELF"

# soname -> Debian package (the same names on Ubuntu 22.04+ and Debian 12+).
SONAME_PACKAGES: dict[str, str] = {
    **dict.fromkeys(
        (
            "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1",
            "libresolv.so.2", "libutil.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
        ),
        "libc6",
    ),
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libdrm.so.2": "libdrm2",
    "libgbm.so.1": "libgbm1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
    "libgomp.so.1": "libgomp1",
}

# Run-time data rather than linked libraries: fontconfig's configuration (and, through its
# dependencies, at least one font; without it Qt draws no text) and the XKB keyboard tables.
DATA_PACKAGES = ("fontconfig-config", "xkb-data")

_GLIBC = re.compile(r"Name: GLIBC_(\d+(?:\.\d+)+)\b")


class DependencyError(Exception):
    """The bundle needs a host library this module cannot map to a package."""


def elf_files(bundle: Path) -> list[Path]:
    """Every regular ELF file under ``bundle`` (executables and shared libraries)."""
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def _readelf(args: list[str], path: Path) -> str:
    try:
        result = subprocess.run(
            ["readelf", *args, str(path)], capture_output=True, text=True, check=False
        )
    except FileNotFoundError as exc:
        raise DependencyError("readelf is missing: install binutils") from exc
    return result.stdout


def needed_sonames(path: Path) -> set[str]:
    """The DT_NEEDED entries of one ELF file."""
    out = _readelf(["-d", "--wide"], path)
    return {
        line.split("[", 1)[1].split("]", 1)[0] for line in out.splitlines() if "(NEEDED)" in line
    }


def host_sonames(bundle: Path, files: Iterable[Path] | None = None) -> set[str]:
    """Sonames some bundled ELF file links that no file in the bundle provides."""
    files = elf_files(bundle) if files is None else list(files)
    provided = {p.name for p in bundle.rglob("*")}
    needed: set[str] = set()
    for path in files:
        needed |= needed_sonames(path)
    return {name for name in needed if name not in provided}


def glibc_floor(files: Iterable[Path]) -> str | None:
    """The newest ``GLIBC_x.y`` symbol version the files require, e.g. ``2.28``."""
    best: tuple[int, ...] | None = None
    for path in files:
        for match in _GLIBC.finditer(_readelf(["-V", "--wide"], path)):
            version = tuple(int(p) for p in match.group(1).split("."))
            best = version if best is None or version > best else best
    return None if best is None else ".".join(str(p) for p in best)


def depends_field(sonames: Iterable[str], glibc: str | None) -> str:
    """The control file's ``Depends`` value: sorted packages, libc6 with its version floor."""
    unknown = sorted(name for name in sonames if name not in SONAME_PACKAGES)
    if unknown:
        raise DependencyError(
            "the bundle links host libraries with no known Debian package: "
            + ", ".join(unknown)
            + " (add them to SONAME_PACKAGES in packaging/linux/deb_depends.py)"
        )
    packages = {SONAME_PACKAGES[name] for name in sonames} | set(DATA_PACKAGES)
    packages.add("libc6")
    fields = []
    for package in sorted(packages):
        fields.append(f"libc6 (>= {glibc})" if package == "libc6" and glibc else package)
    return ", ".join(fields)


def bundle_depends(bundle: Path) -> tuple[str, set[str]]:
    """``Depends`` for ``bundle`` and the host sonames it was derived from."""
    files = elf_files(bundle)
    sonames = host_sonames(bundle, files)
    return depends_field(sonames, glibc_floor(files)), sonames
