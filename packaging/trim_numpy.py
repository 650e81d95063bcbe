"""numpy without OpenBLAS for the bundle (28 MB less: the wheel's OpenBLAS, built with kernels
for every CPU generation, and the libgfortran it links).

Lantern's numpy work is small (cosine similarities of a few thousand 384-dimension vectors,
chroma's and llama-cpp-python's array glue), so numpy's own unoptimised linear algebra
(lapack_lite) is enough. The same numpy version is built from its source release with
``-Dblas=none -Dlapack=none`` (CPU dispatch as in the official wheels, so it stays portable),
once: the wheel is kept in build/ and installed into a folder that build.py puts first on
PyInstaller's path. Building it takes minutes and needs the package index the first time
(numpy's source and its build tools). Any failure keeps the wheel's numpy in the bundle, with
the reason printed. ``LANTERN_BUNDLE_NUMPY=wheel`` skips it.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

SETUP_ARGS = ("-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true")
CHECK = """
import sys, numpy as np
assert np.__file__.startswith(sys.argv[1]), np.__file__
a = np.arange(12.0).reshape(3, 4)
assert np.allclose(a @ a.T, [[14, 38, 62], [38, 126, 214], [62, 214, 366]])
x = np.linalg.solve([[3.0, 1.0], [1.0, 2.0]], [9.0, 8.0])
assert np.allclose(x, [2.0, 3.0]), x
v = np.random.default_rng(0).standard_normal((500, 384)).astype(np.float32)
sims = v @ v[0]
assert int(np.argmax(sims)) == 0
blas = np.show_config(mode="dicts")["Build Dependencies"].get("blas", {})
assert not blas.get("found"), blas
print("ok")
"""


def blasless_numpy(build: Path) -> Path | None:
    """A folder holding this environment's numpy version built without BLAS, or None."""
    if os.environ.get("LANTERN_BUNDLE_NUMPY") == "wheel":
        print("numpy: the wheel's (LANTERN_BUNDLE_NUMPY=wheel)")
        return None
    version = importlib.metadata.version("numpy")
    site = build / f"numpy-{version}-noblas"
    if _check(site):
        print(f"numpy {version} without BLAS: {site.relative_to(build.parent)} (built before)")
        return site
    wheels = build / "numpy-noblas-wheels"
    wheel = next(iter(sorted(wheels.glob(f"numpy-{version}-*.whl"))), None)
    t0 = time.perf_counter()
    if wheel is None:
        print(f"numpy {version} without BLAS: building from source (a few minutes, once)...",
              flush=True)
        cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-cache-dir",
               "--no-binary", "numpy", f"numpy=={version}", "-w", str(wheels)]
        cmd += [f"-Csetup-args={arg}" for arg in SETUP_ARGS]
        done = subprocess.run(cmd, capture_output=True, text=True)
        wheel = next(iter(sorted(wheels.glob(f"numpy-{version}-*.whl"))), None)
        if done.returncode != 0 or wheel is None:
            tail = " ".join((done.stderr or done.stdout).split()[-40:])
            print(f"numpy: keeping the wheel's (the build without BLAS failed: {tail})")
            return None
    shutil.rmtree(site, ignore_errors=True)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--target", str(site), str(wheel)], capture_output=True, text=True,
    )
    if done.returncode != 0 or not _check(site):
        print(f"numpy: keeping the wheel's ({wheel.name} did not install or pass its check)")
        return None
    print(f"numpy {version} without BLAS: {wheel.name} in {time.perf_counter() - t0:.0f} s")
    return site


def _check(site: Path) -> bool:
    """That numpy imports from ``site``, computes right, and links no BLAS."""
    if not (site / "numpy" / "__init__.py").is_file():
        return False
    env = dict(os.environ, PYTHONPATH=str(site))
    done = subprocess.run([sys.executable, "-c", CHECK, str(site)], capture_output=True,
                          text=True, env=env, cwd=site.parent)
    return done.returncode == 0 and done.stdout.strip() == "ok"
