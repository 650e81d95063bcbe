"""The installer recipes, checked without building the bundle: desktop entry, icons, the .deb's
control file and layout, the maintainer scripts, the Inno Setup and Info.plist version."""

from __future__ import annotations

import configparser
import os
import plistlib
import re
import shutil
import struct
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
for folder in (PACKAGING, PACKAGING / "linux", PACKAGING / "macos", PACKAGING / "windows"):
    if str(folder) not in sys.path:
        sys.path.append(str(folder))  # appended: packaging/build.py must not shadow PyPA build

import app_meta  # noqa: E402
import build_installer  # noqa: E402
import deb_depends  # noqa: E402
import info_plist  # noqa: E402
import make_deb  # noqa: E402
import spec_reuse  # noqa: E402
from icons import render_icons  # noqa: E402

PYPROJECT_VERSION = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
LINUX = PACKAGING / "linux"


def _desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(LINUX / "lantern.desktop", encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_entry_keys() -> None:
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Lantern"
    assert entry["Exec"] == "lantern"  # no %f/%F/%u: Lantern takes no file arguments from menus
    assert "%" not in entry["Exec"]
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == app_meta.PACKAGE  # themed name, matching the hicolor files
    categories = entry["Categories"].split(";")
    assert categories[-1] == ""  # the list ends with ';'
    assert "Science" in categories and "MedicalSoftware" in categories
    assert entry["StartupWMClass"] == "Lantern"  # Qt's WM_CLASS class: the application name
    assert entry["Version"] in {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(LINUX / "lantern.desktop")], capture_output=True, text=True
    )
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout


def _pixels(png: bytes):
    from PySide6.QtGui import QImage

    image = QImage()
    assert image.loadFromData(png, "PNG")
    return image


def test_svg_renders_to_a_non_empty_png() -> None:
    for size in (16, 256):
        png = render_icons.render_png(size)
        assert render_icons.png_size(png) == (size, size)
        image = _pixels(png)
        centre = image.pixelColor(size // 2, size // 2)
        corner = image.pixelColor(0, 0)
        assert centre.alpha() == 255  # the tile is opaque...
        assert corner.alpha() < 255  # ...with rounded, transparent corners
        colours = {image.pixel(x, size // 2) for x in range(size)}
        assert len(colours) > 3  # a drawing, not a flat fill


@pytest.mark.qt_log_ignore("Cannot read file")  # QSvgRenderer's own warning, expected here
def test_render_rejects_a_broken_svg(tmp_path: Path) -> None:
    broken = tmp_path / "broken.svg"
    broken.write_text("<svg")
    with pytest.raises(render_icons.IconError):
        render_icons.render_png(32, broken)


def test_ico_holds_one_png_per_size() -> None:
    sizes = (16, 32, 256)
    data = render_icons.ico_bytes({s: render_icons.render_png(s) for s in sizes})
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(sizes))
    for i, size in enumerate(sizes):
        entry = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        w, h, _colours, _reserved, planes, bpp, length, offset = entry
        assert (w or 256, h or 256, planes, bpp) == (size, size, 1, 32)
        assert render_icons.png_size(data[offset : offset + length]) == (size, size)
    with pytest.raises(render_icons.IconError):
        render_icons.ico_bytes({48: render_icons.render_png(32)})  # size does not match


def test_iconset_has_the_names_iconutil_wants(tmp_path: Path) -> None:
    written = {p.name for p in render_icons.write_iconset(tmp_path / "Lantern.iconset")}
    assert "icon_16x16.png" in written and "icon_512x512@2x.png" in written
    assert len(written) == 10
    big = (tmp_path / "Lantern.iconset" / "icon_512x512@2x.png").read_bytes()
    assert render_icons.png_size(big) == (1024, 1024)


def test_version_forms() -> None:
    assert app_meta.project_version().text == PYPROJECT_VERSION
    assert app_meta.Version("0.1.0").numeric == "0.1.0.0"
    assert app_meta.Version("0.1.0").short == "0.1.0"
    assert app_meta.Version("1.2.0rc1").numeric == "1.2.0.0"
    assert app_meta.Version("1.2.0rc1").debian == "1.2.0~rc1"
    assert app_meta.Version("2.0").debian == "2.0"


def test_inno_script_gets_the_pyproject_version() -> None:
    iss = (PACKAGING / "windows" / "lantern.iss").read_text(encoding="utf-8")
    defines = build_installer.iscc_defines(Path("dist/lantern"), Path("lantern.ico"), Path("d"))
    assert defines["AppVersion"] == PYPROJECT_VERSION
    assert defines["AppVersionNumeric"] == app_meta.Version(PYPROJECT_VERSION).numeric
    assert re.search(r"^AppVersion=\{#AppVersion\}$", iss, re.MULTILINE)
    assert re.search(r"^VersionInfoVersion=\{#AppVersionNumeric\}$", iss, re.MULTILINE)
    # every {#Name} the script uses is passed on the command line or defined in the script
    local = set(re.findall(r"^#define (\w+)", iss, re.MULTILINE))
    used = set(re.findall(r"\{#(\w+)\}", iss))
    assert used <= local | set(defines), used - local - set(defines)
    assert f"AppId={{{app_meta.WINDOWS_APP_ID}" in iss  # '{{' escapes the GUID's brace
    command = build_installer.iscc_command("iscc", defines)
    assert f"/DAppVersion={PYPROJECT_VERSION}" in command and command[-1].endswith("lantern.iss")


def test_info_plist_carries_the_pyproject_version() -> None:
    plist = plistlib.loads(info_plist.plist_xml())
    assert plist["CFBundleShortVersionString"] == PYPROJECT_VERSION
    assert plist["CFBundleVersion"] == PYPROJECT_VERSION
    assert plist["CFBundleIdentifier"] == app_meta.BUNDLE_ID
    assert plist["NSHighResolutionCapable"] is True
    assert plist["LSBackgroundOnly"] is False
    assert plist["LSMinimumSystemVersion"] == app_meta.MACOS_MINIMUM
    assert "Lantern team" in plist["NSHumanReadableCopyright"]
    assert plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())


def test_spec_reuse_takes_the_analysis_only() -> None:
    source = spec_reuse.analysis_source()
    compile(source, "lantern.spec", "exec")
    assert "\na = Analysis(" in source
    assert "PYZ(" not in source and "COLLECT(" not in source
    assert not re.search(r'^SITE = Path\(sys\.prefix\) / "lib"', source, re.MULTILINE)


def test_control_file() -> None:
    version = app_meta.Version(PYPROJECT_VERSION)
    text = make_deb.control_text(version, "amd64", 351000, "libc6 (>= 2.36), libgl1", "A <a@b.c>")
    fields = dict(line.split(": ", 1) for line in text.splitlines() if not line.startswith(" "))
    assert fields["Package"] == "lantern"
    assert fields["Version"] == PYPROJECT_VERSION
    assert fields["Architecture"] == "amd64"
    assert fields["Installed-Size"] == "351000"
    assert fields["Depends"] == "libc6 (>= 2.36), libgl1"
    assert fields["Description"] == app_meta.SUMMARY
    body = [line for line in text.splitlines() if line.startswith(" ")]
    assert body and all(len(line) <= 80 for line in body)
    assert text.endswith("\n") and "\n\n" not in text


def test_depends_field() -> None:
    depends = deb_depends.depends_field({"libc.so.6", "libGL.so.1", "libxcb.so.1"}, "2.36")
    parts = depends.split(", ")
    assert "libc6 (>= 2.36)" in parts and "libgl1" in parts and "libxcb1" in parts
    assert set(deb_depends.DATA_PACKAGES) <= set(parts)
    assert parts == sorted(parts)
    with pytest.raises(deb_depends.DependencyError, match=re.escape("libfoo.so.9")):
        deb_depends.depends_field({"libc.so.6", "libfoo.so.9"}, None)


def _a_tiny_elf() -> Path:
    true = Path(shutil.which("true") or "/bin/true").resolve()
    if shutil.which("readelf") is None or true.read_bytes()[:4] != b"\x7fELF":
        pytest.skip("needs readelf and an ELF /bin/true")
    return true


def test_host_sonames_of_a_real_elf(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    shutil.copy2(_a_tiny_elf(), bundle / "lantern")
    (bundle / "notes.txt").write_text("not an ELF file")
    files = deb_depends.elf_files(bundle)
    assert files == [bundle / "lantern"]
    assert "libc.so.6" in deb_depends.host_sonames(bundle, files)
    floor = deb_depends.glibc_floor(files)
    assert floor and re.fullmatch(r"2\.\d+(\.\d+)?", floor)


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="no dpkg-deb")
def test_deb_of_a_tiny_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy2(_a_tiny_elf(), bundle / "lantern")
    (bundle / "_internal" / "data.txt").write_text("bundle data")
    (bundle / "_internal" / ".gitignore").write_text("*")
    fields = make_deb.stage(bundle, tmp_path / "root", "A <a@b.c>")
    deb = make_deb.build(tmp_path / "root", tmp_path / "out", fields, "none")
    assert deb.name == f"lantern_{PYPROJECT_VERSION}_{fields['Architecture']}.deb"
    info = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True)
    assert f"Version: {PYPROJECT_VERSION}" in info.stdout
    assert "Depends: " in info.stdout and "libc6 (>= 2." in info.stdout
    contents = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    assert "./usr/bin/lantern -> /opt/lantern/lantern" in contents
    for path in (
        "./opt/lantern/lantern", "./opt/lantern/_internal/data.txt",
        "./usr/share/applications/lantern.desktop",
        "./usr/share/icons/hicolor/256x256/apps/lantern.png",
        "./usr/share/icons/hicolor/scalable/apps/lantern.svg",
        "./usr/share/doc/lantern/copyright", "./usr/share/lintian/overrides/lantern",
    ):
        assert re.search(rf" {re.escape(path)}$", contents, re.MULTILINE), path
    assert ".gitignore" not in contents
    assert re.search(r"^-rwxr-xr-x root/root .* \./opt/lantern/lantern$", contents, re.MULTILINE)
    control = subprocess.run(
        ["dpkg-deb", "--ctrl-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    assert b"./postinst" in control and b"./md5sums" in control


def test_make_deb_says_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = make_deb.main(["--bundle", str(tmp_path / "none"), "--out", str(tmp_path),
                          "--stage", str(tmp_path / "stage")])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("installer: FAILED: no bundle at") and "\n" not in err


@pytest.mark.parametrize("script", ["postinst", "postrm"])
def test_maintainer_scripts_refresh_caches_in_dpkg_root(tmp_path: Path, script: str) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    log = tmp_path / "calls.log"
    for tool in ("update-desktop-database", "gtk-update-icon-cache"):
        fake = tools / tool
        fake.write_text(f'#!/bin/sh\necho "{tool} $*" >> "{log}"\n')
        fake.chmod(0o755)
    root = tmp_path / "root"
    (root / "usr/share/applications").mkdir(parents=True)
    (root / "usr/share/icons/hicolor").mkdir(parents=True)
    (root / "usr/share/icons/hicolor/index.theme").write_text("[Icon Theme]\n")
    action = "configure" if script == "postinst" else "remove"
    env = {"PATH": f"{tools}:/usr/bin:/bin", "DPKG_ROOT": str(root)}
    result = subprocess.run(["/bin/sh", str(LINUX / script), action], env=env)
    assert result.returncode == 0
    calls = log.read_text()
    assert f"update-desktop-database -q {root}/usr/share/applications" in calls
    assert f"gtk-update-icon-cache -q -t -f {root}/usr/share/icons/hicolor" in calls
    # without the tools (a server without a desktop): nothing to do, still success
    bare = {"PATH": str(tmp_path / "empty") + os.pathsep + "/nonexistent", "DPKG_ROOT": str(root)}
    assert subprocess.run(["/bin/sh", str(LINUX / script), action], env=bare).returncode == 0


class _Target:
    """Stands in for PyInstaller's Analysis/PYZ/EXE/COLLECT/BUNDLE: records its arguments."""

    made: list[_Target]

    def __init__(self, *args: object, **kwargs: object) -> None:
        self.args, self.kwargs = args, kwargs
        self.pure = self.scripts = self.binaries = self.datas = []
        self.made.append(self)


def _run_spec(spec: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[_Target]]:
    """Exec a spec file with recording stand-ins (no PyInstaller run, no build)."""
    import types

    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = hooks.collect_submodules = hooks.copy_metadata = lambda *a, **k: []
    for name in ("PyInstaller", "PyInstaller.utils"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    made: dict[str, list[_Target]] = {}
    namespace: dict[str, object] = {"SPECPATH": str(spec.parent), "__name__": "__main__"}
    for kind in ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"):
        made[kind] = []
        namespace[kind] = type(kind, (_Target,), {"made": made[kind]})
    exec(compile(spec.read_text(encoding="utf-8"), str(spec), "exec"), namespace)
    assert namespace["SPECPATH"] == str(spec.parent)  # restored after lantern.spec's part
    assert len(made["Analysis"]) == 1
    script = Path(str(made["Analysis"][0].args[0][0]))
    assert script == PACKAGING / "lantern_main.py"  # lantern.spec saw packaging/ as SPECPATH
    return made


def test_windows_spec_builds_a_console_and_a_windowed_exe(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _run_spec(PACKAGING / "windows" / "lantern-windows.spec", monkeypatch)
    exes = {exe.kwargs["name"]: exe.kwargs for exe in made["EXE"]}
    assert exes["lantern"]["console"] is True and exes["lanternw"]["console"] is False
    assert all(str(e["icon"]).endswith("lantern.ico") for e in exes.values())
    (coll,) = made["COLLECT"]
    assert coll.kwargs["name"] == "lantern" and set(coll.args[:2]) == set(made["EXE"])


def test_macos_spec_wraps_a_windowed_exe_in_an_app(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _run_spec(PACKAGING / "macos" / "lantern-macos.spec", monkeypatch)
    (exe,) = made["EXE"]
    assert exe.kwargs["console"] is False  # a console exe would make the app LSBackgroundOnly
    (bundle,) = made["BUNDLE"]
    assert bundle.args[0] is made["COLLECT"][0]
    assert bundle.kwargs["name"] == "Lantern.app"
    assert bundle.kwargs["version"] == PYPROJECT_VERSION
    assert bundle.kwargs["bundle_identifier"] == app_meta.BUNDLE_ID
    assert bundle.kwargs["info_plist"] == info_plist.info_plist()
    assert str(bundle.kwargs["icon"]).endswith("Lantern.icns")
