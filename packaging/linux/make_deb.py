"""``make installer``: a Debian package (.deb) of the PyInstaller bundle, built with dpkg-deb.

    python packaging/linux/make_deb.py [--bundle dist/lantern] [--out dist] [--compress zstd|xz]

Layout of the package:
  /opt/lantern/                       the one-folder bundle, as ``make package`` built it
  /usr/bin/lantern                    symlink to /opt/lantern/lantern
  /usr/share/applications/lantern.desktop
  /usr/share/icons/hicolor/{16..512}x…/apps/lantern.png and scalable/apps/lantern.svg
  /usr/share/doc/lantern/copyright, changelog.gz
  /usr/share/lintian/overrides/lantern   what lintian flags by design of a self-contained bundle
  DEBIAN/control (version from pyproject.toml, Depends from the bundle's ELF files),
  md5sums, postinst and postrm (refresh the desktop and icon caches if the tools exist)
The PNG icons are rendered from desktop/ui/icons/lantern.svg with Qt while building.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent.parent
if str(PACKAGING) not in sys.path:
    sys.path.append(str(PACKAGING))  # appended: packaging/build.py must not shadow PyPA build

import app_meta  # noqa: E402
from icons import render_icons  # noqa: E402

sys.path.append(str(Path(__file__).resolve().parent))
import deb_depends  # noqa: E402

LINUX = Path(__file__).resolve().parent
DESKTOP_FILE = LINUX / "lantern.desktop"
LINTIAN_OVERRIDES = LINUX / "lintian-overrides"
MAINTAINER = "Lantern team <lantern-team@example.org>"  # override: LANTERN_DEB_MAINTAINER
INSTALL_DIR = Path("opt") / app_meta.PACKAGE


class PackageError(Exception):
    """The .deb cannot be built; the message says why in one sentence."""


def debian_arch() -> str:
    """The build host's Debian architecture (the bundle is built for it)."""
    try:
        out = subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        machine = os.uname().machine
        return {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)


def control_text(
    version: app_meta.Version,
    arch: str,
    installed_kib: int,
    depends: str,
    maintainer: str = MAINTAINER,
) -> str:
    """The DEBIAN/control file."""
    summary, *body = [app_meta.SUMMARY, *app_meta.DESCRIPTION.splitlines()]
    long_description = "\n".join(f" {line}" if line.strip() else " ." for line in body)
    return (
        f"Package: {app_meta.PACKAGE}\n"
        f"Version: {version.debian}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {maintainer}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {depends}\n"
        "Section: science\n"
        "Priority: optional\n"
        f"Description: {summary}\n"
        f"{long_description}\n"
    )


def copyright_text() -> str:
    """usr/share/doc/lantern/copyright (machine-readable format)."""
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {app_meta.APP_NAME}\n\n"
        "Files: *\n"
        f"Copyright: {app_meta.COPYRIGHT.removeprefix('Copyright © ')}\n"
        "License: proprietary\n"
        " Lantern itself is proprietary (see pyproject.toml). The bundle under /opt/lantern\n"
        " also carries Python, Qt (PySide6), llama.cpp and other third-party libraries,\n"
        " each under its own licence.\n"
    )


def changelog_gz(version: app_meta.Version, maintainer: str, when: float) -> bytes:
    """A one-entry Debian changelog, gzip-compressed without a timestamp (reproducible)."""
    text = (
        f"{app_meta.PACKAGE} ({version.debian}) stable; urgency=medium\n\n"
        f"  * Lantern {version.text}; the project's CHANGELOG.md lists the changes.\n\n"
        f" -- {maintainer}  {formatdate(when, localtime=False)}\n"
    )
    return gzip.compress(text.encode(), mtime=0)


def _normalise_modes(root: Path) -> None:
    """0755 for folders and executables, 0644 for shared libraries (Debian policy: not
    executable; dlopen needs only read access) and every other file. dpkg keeps file modes."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            library = ".so." in name or name.endswith(".so")
            executable = path.stat().st_mode & 0o111 and not library
            path.chmod(0o755 if executable else 0o644)


def _write(path: Path, data: bytes | str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    path.chmod(mode)


def stage(bundle: Path, root: Path, maintainer: str = MAINTAINER) -> dict[str, str]:
    """Lay the package tree out in ``root``; the control fields used, by name."""
    if not (bundle / app_meta.PACKAGE).is_file():
        raise PackageError(f"no bundle at {bundle} (run 'make package' first)")
    version = app_meta.project_version()
    if root.exists():
        shutil.rmtree(root)
    # version-control leftovers some wheels ship (chromadb/proto/.gitignore) stay out
    shutil.copytree(
        bundle, root / INSTALL_DIR, symlinks=True, ignore=shutil.ignore_patterns(".git*")
    )
    launcher = root / "usr" / "bin" / app_meta.PACKAGE
    launcher.parent.mkdir(parents=True)
    launcher.symlink_to(Path("/") / INSTALL_DIR / app_meta.PACKAGE)

    share = root / "usr" / "share"
    _write(share / "applications" / f"{app_meta.PACKAGE}.desktop", DESKTOP_FILE.read_bytes())
    hicolor = share / "icons" / "hicolor"
    for size in render_icons.HICOLOR_SIZES:
        png = render_icons.render_png(size)
        _write(hicolor / f"{size}x{size}" / "apps" / f"{app_meta.PACKAGE}.png", png)
    _write(hicolor / "scalable" / "apps" / f"{app_meta.PACKAGE}.svg", render_icons.SVG.read_bytes())
    when = float(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    doc = share / "doc" / app_meta.PACKAGE
    _write(doc / "copyright", copyright_text())
    _write(doc / "changelog.gz", changelog_gz(version, maintainer, when))
    _write(share / "lintian" / "overrides" / app_meta.PACKAGE, LINTIAN_OVERRIDES.read_bytes())
    _normalise_modes(root)

    depends, _sonames = deb_depends.bundle_depends(root / INSTALL_DIR)
    installed_kib = sum(
        (p.lstat().st_size + 1023) // 1024 for p in root.rglob("*") if not p.is_dir()
    )
    debian = root / "DEBIAN"
    debian.mkdir()
    control = control_text(version, debian_arch(), installed_kib, depends, maintainer)
    _write(debian / "control", control)
    for script in ("postinst", "postrm"):
        _write(debian / script, (LINUX / script).read_bytes(), 0o755)
    _write(debian / "md5sums", _md5sums(root))
    return dict(
        line.split(": ", 1) for line in control.splitlines() if ": " in line and line[0] != " "
    )


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if rel.parts[0] == "DEBIAN" or path.is_symlink() or not path.is_file():
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {rel.as_posix()}\n")
    return "".join(lines)


def build(root: Path, out_dir: Path, fields: dict[str, str], compress: str) -> Path:
    """``dpkg-deb --build`` the staged tree into ``out_dir``; the .deb's path."""
    if shutil.which("dpkg-deb") is None:
        raise PackageError("dpkg-deb is missing: install the dpkg package")
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{fields['Package']}_{fields['Version']}_{fields['Architecture']}.deb"
    result = subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compress}", "--build", str(root), str(deb)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise PackageError(f"dpkg-deb failed: {result.stderr.strip()}")
    return deb


def main(argv: list[str] | None = None) -> int:
    """Command line; prints the .deb's path, size, Depends and the build time."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=app_meta.REPO / "dist" / "lantern")
    parser.add_argument("--out", type=Path, default=app_meta.REPO / "dist")
    parser.add_argument("--stage", type=Path, default=app_meta.REPO / "build" / "deb-root")
    # zstd by default: ~100x faster to build than xz here (xz: ~18% smaller). Every system the
    # bundle runs on (glibc >= 2.36: Debian 12, Ubuntu 22.10 and later) has a dpkg that reads it.
    parser.add_argument("--compress", choices=("zstd", "xz", "gzip", "none"), default="zstd")
    args = parser.parse_args(argv)
    maintainer = os.environ.get("LANTERN_DEB_MAINTAINER", MAINTAINER)
    started = time.monotonic()
    try:
        fields = stage(args.bundle.resolve(), args.stage.resolve(), maintainer)
        staged = time.monotonic()
        deb = build(args.stage.resolve(), args.out.resolve(), fields, args.compress)
    except (PackageError, deb_depends.DependencyError, render_icons.IconError, OSError) as exc:
        print(f"installer: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(args.stage, ignore_errors=True)
    done = time.monotonic()
    size_mb = deb.stat().st_size / 1e6
    print(f"installer: {deb} ({size_mb:.1f} MB, {args.compress}; installed "
          f"{int(fields['Installed-Size']) / 1024:.0f} MiB)")
    print(f"installer: Depends: {fields['Depends']}")
    print(f"installer: staged in {staged - started:.1f} s, dpkg-deb {done - staged:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
