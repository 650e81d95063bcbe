"""Strip symbol tables and debug sections from the bundle's shared libraries, safely.

Wheels ship many libraries unstripped (cryptography's Rust extension, PyYAML's, ICU's...).
``strip --strip-unneeded`` keeps the dynamic symbols a loader needs and drops the rest. Some
wheel libraries were rewritten by auditwheel/patchelf, and GNU strip can re-lay those out into
a file the loader refuses ("ELF load command address/offset not page-aligned"): every stripped
copy is therefore checked (each loadable segment's file offset and address agree modulo its
alignment; the dynamic section's NEEDED, SONAME and RUNPATH entries are unchanged) and only then
put in place; a copy that fails the check is dropped and the original kept. Linux only."""

from __future__ import annotations

import shutil
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

PT_LOAD = 1


@dataclass
class StripReport:
    stripped: list[Path] = field(default_factory=list)
    refused: list[Path] = field(default_factory=list)  # strip's output failed the check
    saved: int = 0


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def has_symtab(data: bytes) -> bool:
    """Whether an ELF64 file still has a static symbol table or debug sections."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    if shoff == 0 or shnum == 0:
        return False
    names_off = struct.unpack_from("<Q", data, shoff + shstrndx * shentsize + 0x18)[0]
    for i in range(shnum):
        name, kind = struct.unpack_from("<II", data, shoff + i * shentsize)
        start = names_off + name
        sec_name = data[start : data.index(b"\0", start)]
        if kind == 2 or sec_name.startswith(b".debug"):  # SHT_SYMTAB
            return True
    return False


def load_segments_ok(data: bytes) -> bool:
    """Every PT_LOAD segment's offset and address agree modulo its alignment."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return False
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz, _memsz, p_align = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize
        )
        if p_type != PT_LOAD:
            continue
        if p_align > 1 and (p_offset - p_vaddr) % p_align:
            return False
        if p_offset + p_filesz > len(data):
            return False
    return True


def dynamic_entries(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True).stdout
    keep = ("(NEEDED)", "(SONAME)", "(RUNPATH)", "(RPATH)")
    return [line.split(None, 1)[1] for line in out.splitlines() if any(k in line for k in keep)]


def strip_tree(root: Path, strip: str, skip: tuple[str, ...] = ()) -> StripReport:
    """Strip every unstripped ELF file under ``root`` whose checked copy passes."""
    report = StripReport()
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        if any(part in skip for part in path.relative_to(root).parts):
            continue
        data = path.read_bytes()
        if data[4] != 2 or not has_symtab(data):
            continue
        copy = path.with_name(path.name + ".lantern-strip")
        try:
            shutil.copy2(path, copy)
            done = subprocess.run([strip, "--strip-unneeded", str(copy)], capture_output=True)
            if (done.returncode != 0 or not load_segments_ok(copy.read_bytes())
                    or dynamic_entries(copy) != dynamic_entries(path)):
                report.refused.append(path)
                continue
            report.saved += len(data) - copy.stat().st_size
            copy.replace(path)
            report.stripped.append(path)
        finally:
            copy.unlink(missing_ok=True)
    return report
