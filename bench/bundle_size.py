"""Bundle size: ``dist/lantern`` as ``make package`` left it (files, not symlinks, in MB of
10^6 bytes, as packaging/build.py counts them). Target (issue 7): <= 250 MB without an LLM.
Nothing is built here: without a bundle the figure is saved as not built."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.common import REPO, save, show

BUNDLE = REPO / "dist" / "lantern"


def run() -> dict:
    if not (BUNDLE / "lantern").is_file():
        figures: dict = {"built": False}
    else:
        files = [p for p in BUNDLE.rglob("*") if p.is_file() and not p.is_symlink()]
        newest = max(p.stat().st_mtime for p in files)
        figures = {
            "built": True,
            "bundle MB": sum(p.stat().st_size for p in files) / 1e6,
            "files": len(files),
            "built at": datetime.fromtimestamp(newest, UTC).isoformat(timespec="seconds"),
        }
    show("Bundle size (dist/lantern; target <= 250 MB)", figures)
    save("bundle_size", figures)
    return figures


if __name__ == "__main__":
    run()
