"""PyInstaller runtime hook: on first start, copy the bundle's prebuilt guideline index into the
data folder, so the frozen app does not index on first start.

The index in the bundle is read-only; the app keeps its own copy in ``<data folder>/index``
(``Settings.index_dir``), which it may later update (imported PDFs, a changed pack). The copy
goes to a temporary folder first and is renamed into place, so an interrupted copy is never
taken for an index. Any failure leaves the app to build the index as it would from source."""


def _seed_index() -> None:
    import os
    import shutil
    import sys
    from pathlib import Path

    if sys.argv[1:2] == ["--model-host"]:
        return
    source = Path(getattr(sys, "_MEIPASS", "")) / "prebuilt-index"
    if not (source / "keyword.sqlite").is_file():
        return
    try:
        from desktop.settings import default_home

        target = default_home() / "index"
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".index-seeding-{os.getpid()}")
        shutil.copytree(source, partial)
        os.replace(partial, target)
    except Exception:  # the app indexes on its own when this copy is missing
        pass


_seed_index()
