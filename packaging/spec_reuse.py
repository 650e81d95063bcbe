"""Reuse packaging/lantern.spec's Analysis from the macOS and Windows PyInstaller specs.

lantern.spec gathers what the bundle holds (data, hidden imports, excludes, the trimming) and
then builds the Linux one-folder bundle. The macOS spec needs a windowed executable wrapped in
a .app, the Windows spec a console and a windowed executable side by side; both exec the part
of lantern.spec before its ``pyz = PYZ(`` line, so the bundle's contents are defined once.

One portability fix is applied to that text: lantern.spec finds site-packages as
``<prefix>/lib/pythonX.Y/site-packages``, which is the layout on Linux and macOS but not on
Windows (``<prefix>\\Lib\\site-packages``); ``sysconfig``'s purelib path is right everywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

LANTERN_SPEC = Path(__file__).resolve().parent / "lantern.spec"
MARKER = "\npyz = PYZ("
_SITE_LINE = re.compile(r'^SITE = Path\(sys\.prefix\) / "lib" / .*$', re.MULTILINE)
PORTABLE_SITE = 'SITE = Path(__import__("sysconfig").get_paths()["purelib"])'


class SpecError(Exception):
    """lantern.spec no longer has the shape this module expects."""


def analysis_source(spec: Path = LANTERN_SPEC) -> str:
    """lantern.spec up to (not including) its PYZ/EXE/COLLECT part, site-packages portable."""
    text = spec.read_text(encoding="utf-8")
    head, found, _tail = text.partition(MARKER)
    if not found or "\na = Analysis(" not in head:
        raise SpecError(
            f"{spec.name} has no 'a = Analysis(' followed by 'pyz = PYZ(': "
            "update packaging/spec_reuse.py"
        )
    return _SITE_LINE.sub(PORTABLE_SITE, head) + "\n"


def run_analysis(namespace: dict, spec: Path = LANTERN_SPEC) -> None:
    """Exec the analysis part in ``namespace`` (a spec file's globals): defines ``a`` there.

    ``SPECPATH`` is set to packaging/ while it runs, as lantern.spec derives the repository
    root from it, and restored afterwards.
    """
    saved = namespace.get("SPECPATH")
    namespace["SPECPATH"] = str(spec.parent)
    try:
        exec(compile(analysis_source(spec), str(spec), "exec"), namespace)
    finally:
        namespace["SPECPATH"] = saved
