"""Trim Qt's ICU data library (``libicudata.so.NN``, 32 MB) for the bundle, at package time.

Qt Core links ICU, but uses its data for little: collation (QCollator), locale-aware case
mapping, codecs beyond UTF and Latin-1 (QStringConverter), IDNA (QUrl). The wheel's library
carries ICU's whole common data package: every locale's names, currencies, units and time-zone
names, collation tailorings, break-iterator dictionaries and transliterators.

This module takes that package out of the library (the data symbol ``icudtNN_dat``), keeps
every item except
- the locale bundles of other languages than English (root, ``en`` and ``en_*`` stay; the
  shared ``pool.res``, ``res_index.res`` and non-locale tables such as ``supplementalData``,
  ``zoneinfo64`` and ``likelySubtags`` stay),
- break-iterator dictionaries (``*.dict``: CJK, Thai, Khmer... word breaking),
- transliterators (``translit/``),
- multi-byte code-page tables (``*.cnv`` over 16 KB: East Asian and EBCDIC double-byte;
  single-byte code pages such as windows-1252 stay),
writes a new common data package in ICU's own format (header copied, a new table of contents,
items 16-byte aligned, names sorted as before) and assembles it with the C compiler into a
library of the same soname exporting the same symbol. ICU falls back to root data for a locale
it lacks; a code page it lacks is an unknown codec to Qt.

Linux (ELF, little endian) only; elsewhere the bundle keeps the wheel's library."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

# trees of locale bundles inside the package ("" is the top level)
LOCALE_TREES = {"", "brkitr", "coll", "curr", "lang", "rbnf", "region", "unit", "zone"}
LOCALE_NAME = re.compile(r"[a-z]{2,3}(_[A-Za-z0-9]*)*")  # de, de_, de__PHONEBOOK, en_US
NOT_LOCALES = {"res_index"}  # the one non-locale bundle name of locale form (every tree has it)
MAX_CODEPAGE_BYTES = 16_000
ALIGN = 16


class IcuTrimError(Exception):
    """The library or its data package is not in the expected form."""


def keep_item(name: str, size: int) -> bool:
    """Whether a package item (a name like ``coll/de.res``, without the package prefix) stays."""
    tree, _, base = name.rpartition("/")
    if tree == "translit" or base.endswith(".dict"):
        return False
    if base.endswith(".cnv") and size > MAX_CODEPAGE_BYTES:
        return False
    if tree in LOCALE_TREES and base.endswith(".res"):
        locale = base[: -len(".res")]
        if LOCALE_NAME.fullmatch(locale) and locale not in NOT_LOCALES:
            return locale == "en" or locale.startswith("en_")
    return True


def _data_symbol(lib: bytes) -> tuple[str, int, int]:
    """(name, file offset, size) of the exported ``icudtNN_dat`` symbol of an ELF64 library."""
    if lib[:4] != b"\x7fELF" or lib[4] != 2 or lib[5] != 1:
        raise IcuTrimError("not a 64-bit little-endian ELF library")
    shoff, = struct.unpack_from("<Q", lib, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", lib, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", lib, shoff + i * shentsize) for i in range(shnum)]
    for sec in sections:
        if sec[1] != 11:  # SHT_DYNSYM
            continue
        strtab = sections[sec[6]]
        for pos in range(sec[4], sec[4] + sec[5], sec[9]):
            st_name, _info, _other, shndx, value, size = struct.unpack_from("<IBBHQQ", lib, pos)
            start = strtab[4] + st_name
            name = lib[start : lib.index(b"\0", start)].decode("ascii")
            if re.fullmatch(r"icudt\d+_dat", name) and 0 < shndx < len(sections):
                home = sections[shndx]
                return name, home[4] + value - home[3], size
    raise IcuTrimError("no icudtNN_dat symbol")


def read_package(data: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """Split an ICU common data package into its header and (full item name, bytes) items."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", data, 0)
    if (magic1, magic2) != (0xDA, 0x27) or data[12:16] != b"CmnD":
        raise IcuTrimError("not an ICU common data package")
    if data[8] != 0:  # UDataInfo.isBigEndian
        raise IcuTrimError("big-endian ICU data")
    count, = struct.unpack_from("<I", data, header_size)
    offsets = [struct.unpack_from("<II", data, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_off, data_off) in enumerate(offsets):
        start = header_size + name_off
        name = data[start : data.index(b"\0", start)].decode("ascii")
        end = header_size + offsets[i + 1][1] if i + 1 < count else len(data)
        items.append((name, data[header_size + data_off : end]))
    return data[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A common data package with these items, in the given (sorted) order."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    toc_size = 4 + 8 * len(items)
    first_item = _aligned(len(header) + toc_size + len(names)) - len(header)
    entries, blobs, name_off, data_off = [], [], toc_size, first_item
    for name, blob in items:
        entries.append(struct.pack("<II", name_off, data_off))
        name_off += len(name) + 1
        padded = blob + b"\xaa" * (_aligned(len(blob)) - len(blob))
        blobs.append(padded)
        data_off += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(entries) + names
    toc += b"\xaa" * (first_item - len(toc))
    return header + toc + b"".join(blobs)


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def trim_package(data: bytes) -> tuple[bytes, int, int]:
    """(trimmed package, items kept, items dropped)."""
    header, items = read_package(data)
    kept = [(n, b) for n, b in items if keep_item(n.split("/", 1)[1] if "/" in n else n, len(b))]
    kept = _without_orphan_codepages(items, kept)
    return write_package(header, kept), len(kept), len(items) - len(kept)


def _without_orphan_codepages(
    items: list[tuple[str, bytes]], kept: list[tuple[str, bytes]]
) -> list[tuple[str, bytes]]:
    """Drop small extension code pages whose base table was dropped (they name it inside)."""
    kept_names = {n for n, _ in kept}
    while True:
        gone = {
            n.rsplit("/", 1)[-1][: -len(".cnv")].encode("ascii") + b"\0"
            for n, _ in items
            if n.endswith(".cnv") and n not in kept_names
        }
        orphans = {n for n, b in kept if n.endswith(".cnv") and any(g in b for g in gone)}
        if not orphans:
            return kept
        kept = [(n, b) for n, b in kept if n not in orphans]
        kept_names -= orphans


def build_library(package: bytes, symbol: str, soname: str, out: Path, work: Path) -> None:
    """Assemble ``package`` into a shared library exporting ``symbol`` (read-only data)."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        raise IcuTrimError("no C compiler (cc or gcc) to assemble the trimmed data")
    dat = work / f"{symbol}.dat"
    dat.write_bytes(package)
    asm = work / f"{symbol}.S"
    asm.write_text(
        f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign {ALIGN}\n'
        f'{symbol}:\n.incbin "{dat}"\n.size {symbol}, . - {symbol}\n'
        '.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    subprocess.run(
        [cc, "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(out), str(asm)],
        check=True, capture_output=True,
    )


def trim_library(lib: Path) -> tuple[int, int, int, int]:
    """Replace ``lib`` by a trimmed build; (bytes before, bytes after, items kept, dropped)."""
    raw = lib.read_bytes()
    symbol, offset, size = _data_symbol(raw)
    package, kept, dropped = trim_package(raw[offset : offset + size])
    with tempfile.TemporaryDirectory(prefix="lantern-icu-") as tmp:
        built = Path(tmp) / lib.name
        build_library(package, symbol, lib.name, built, Path(tmp))
        data = built.read_bytes()
        check_symbol, check_offset, check_size = _data_symbol(data)
        held = data[check_offset : check_offset + check_size]
        if check_symbol != symbol or held != package:
            raise IcuTrimError("the assembled library does not hold the trimmed data")
        shutil.copyfile(built, lib)
    return len(raw), lib.stat().st_size, kept, dropped
