"""Lantern's icon in every format an installer needs, rendered from ``desktop/ui/icons/lantern.svg``
at build time.

PNG through Qt's SVG renderer (QSvgRenderer onto a QImage: no window, no display, no
QGuiApplication needed); a Windows ``.ico`` by a tiny writer (PNG-compressed entries, which
Windows Vista and later read); a macOS ``.iconset`` folder for ``iconutil -c icns``.
Nothing is downloaded.

    python packaging/icons/render_icons.py png 256 out.png
    python packaging/icons/render_icons.py ico out.ico
    python packaging/icons/render_icons.py iconset out.iconset
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

SVG = Path(__file__).resolve().parents[2] / "desktop" / "ui" / "icons" / "lantern.svg"
# The sizes Windows' shell asks for (Explorer, taskbar, Start menu, high-DPI variants).
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
# The hicolor theme sizes the .deb installs (plus the scalable SVG).
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# iconutil's file names: icon_<n>x<n>.png and icon_<n>x<n>@2x.png for n in 16..512.
ICONSET_SIZES = (16, 32, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class IconError(Exception):
    """The SVG cannot be read or rendered."""


def render_png(size: int, svg: Path = SVG) -> bytes:
    """``svg`` drawn on a transparent ``size`` x ``size`` square, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if size < 1 or size > 4096:
        raise IconError(f"icon size {size} is outside 1..4096")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise IconError(f"{svg.name} is not a readable SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise IconError("Qt could not encode the icon as PNG")
    buffer.close()
    return bytes(data.data())


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR":
        raise IconError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows icon file holding one PNG-compressed 32-bit image per size (at most 256)."""
    if not pngs:
        raise IconError("an icon file needs at least one image")
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(sizes)
    entries, blobs = [], []
    for size in sizes:
        png = pngs[size]
        if png_size(png) != (size, size) or size > 256:
            raise IconError(f"the {size} px image is not {size}x{size} (ICO allows up to 256)")
        dim = 0 if size == 256 else size  # 0 means 256 in an ICONDIRENTRY
        # width, height, palette colours, reserved, colour planes, bits per pixel, size, offset
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset))
        blobs.append(png)
        offset += len(png)
    return header + b"".join(entries) + b"".join(blobs)


def write_ico(path: Path, svg: Path = SVG, sizes: tuple[int, ...] = ICO_SIZES) -> Path:
    """Render ``svg`` at ``sizes`` into one ``.ico`` file at ``path``."""
    path.write_bytes(ico_bytes({size: render_png(size, svg) for size in sizes}))
    return path


def write_iconset(folder: Path, svg: Path = SVG) -> list[Path]:
    """The ``Lantern.iconset`` folder ``iconutil -c icns`` turns into an ``.icns`` file."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in ICONSET_SIZES:
        for scale, suffix in ((1, ""), (2, "@2x")):
            path = folder / f"icon_{size}x{size}{suffix}.png"
            path.write_bytes(render_png(size * scale, svg))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Command line: ``png SIZE OUT``, ``ico OUT`` or ``iconset FOLDER``."""
    args = sys.argv[1:] if argv is None else argv
    try:
        if len(args) == 3 and args[0] == "png":
            Path(args[2]).write_bytes(render_png(int(args[1])))
        elif len(args) == 2 and args[0] == "ico":
            write_ico(Path(args[1]))
        elif len(args) == 2 and args[0] == "iconset":
            write_iconset(Path(args[1]))
        else:
            print("usage: render_icons.py png SIZE OUT | ico OUT | iconset FOLDER", file=sys.stderr)
            return 2
    except (IconError, OSError, ValueError) as exc:
        print(f"render_icons: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
