"""PyInstaller runtime hook: on first start, unpack the bundle's prebuilt guideline index into the
data folder, so the frozen app does not index on first start.

The bundle carries the index as ``prebuilt-index.tar.xz`` (8.5 MB instead of 18 MB; unpacking
takes about half a second, once). The app keeps its own copy in ``<data folder>/index``
(``Settings.index_dir``), which it may later update (imported PDFs, a changed pack). The archive
is unpacked into a temporary folder first (tarfile's "data" filter: no absolute paths, links
out of the folder or special files) and renamed into place, so an interrupted unpack is never
taken for an index. Any failure leaves the app to build the index as it would from source."""

ARCHIVE = "prebuilt-index.tar.xz"


def _seed_index() -> None:
    import os
    import shutil
    import sys
    import tarfile
    from pathlib import Path

    if sys.argv[1:2] == ["--model-host"]:
        return
    source = Path(getattr(sys, "_MEIPASS", "")) / ARCHIVE
    if not source.is_file():
        return
    partial = None
    try:
        from desktop.settings import default_home

        target = default_home() / "index"
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".index-seeding-{os.getpid()}")
        with tarfile.open(source, "r:xz") as archive:
            archive.extractall(partial, filter="data")
        if not (partial / "keyword.sqlite").is_file():
            return
        os.replace(partial, target)
        partial = None
    except Exception:  # the app indexes on its own when this copy is missing
        pass
    finally:
        if partial is not None:
            shutil.rmtree(partial, ignore_errors=True)


_seed_index()
