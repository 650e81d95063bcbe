"""PyInstaller runtime hook: on first start, unpack the bundle's prebuilt guideline index into the
data folder, so the frozen app does not index on first start (desktop/prebuilt_index.py).

The bundle carries the index as ``prebuilt-index.tar.xz`` (8.5 MB instead of 18 MB; unpacking
takes about half a second, once). The app keeps its own copy in ``<data folder>/index``
(``Settings.index_dir``), which it may later update (imported PDFs, a changed pack). The
self-test seeds its own temporary data folder the same way."""


def _seed_index() -> None:
    import sys

    if sys.argv[1:2] == ["--model-host"]:
        return
    try:
        from desktop.prebuilt_index import seed
        from desktop.settings import default_home

        seed(default_home())
    except Exception:  # the app indexes on its own when this copy is missing
        pass


_seed_index()
