"""The installed app's prebuilt guideline index: unpacked into a data folder that has none.

The bundle carries the index as ``prebuilt-index.tar.xz`` (``packaging/build.py`` makes it), so
neither the first start nor the self-test (which uses a fresh temporary data folder) indexes
the pack. The archive is unpacked into a temporary folder first (tarfile's "data" filter: no
absolute paths, links out of the folder or special files) and renamed into place, so an
interrupted unpack is never taken for an index. Any failure leaves the app to build the index
as it would from source. From source there is no archive and nothing happens."""

from __future__ import annotations

import os
import shutil
import sys
import tarfile
from pathlib import Path

ARCHIVE = "prebuilt-index.tar.xz"


def archive_path() -> Path | None:
    """The bundle's archive, or None when running from source."""
    base = getattr(sys, "_MEIPASS", None)
    if not base:
        return None
    path = Path(base) / ARCHIVE
    return path if path.is_file() else None


def seed(home: Path, archive: Path | None = None) -> bool:
    """Unpack the prebuilt index into ``home/index`` if that does not exist. True if it did."""
    source = archive or archive_path()
    if source is None:
        return False
    target = home / "index"
    if target.exists():
        return False
    partial = target.with_name(f".index-seeding-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source, "r:xz") as tar:
            tar.extractall(partial, filter="data")
        if not (partial / "keyword.sqlite").is_file():
            return False
        os.replace(partial, target)
        return True
    except (OSError, tarfile.TarError):  # the app indexes on its own when this copy is missing
        return False
    finally:
        shutil.rmtree(partial, ignore_errors=True)
