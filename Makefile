# Quick start: `make run` launches the app, `make test` runs every check. Both create .venv if needed.
# For users: `make dist` (wheel, sdist, offline bundles), `make binary` (single-file program),
# `make test-dist` (installs and runs them; needs the package index to build).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DIST_STAMP := $(VENV)/.installed-dist
# What the bundles and the program are made of: a change to any of them builds them again.
DIST_INPUTS := pyproject.toml $(shell find src content release -type f -not -path '*/__pycache__/*' 2>/dev/null)
BINARY := dist/csa-companion-linux-x86_64

.PHONY: run test lint typecheck pytest bench bytecode clean dist binary test-dist

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# PyInstaller and packaging, for `make dist` and `make binary` only (the `dist` extra).
$(DIST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,dist]'
	@touch $(DIST_STAMP)

# The project is installed editable, so nothing compiles its modules ahead of time, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile them from source (~30 ms).
# compileall writes the cache regardless and skips files that are up to date.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src

run: bytecode
	$(BIN)/csa-companion

lint: $(STAMP)
	$(BIN)/ruff check src tests bench release
	$(BIN)/ruff format --check src tests bench release

typecheck: $(STAMP)
	$(BIN)/mypy

# -n auto: one worker per core (pytest-xdist); most of a UI test is waiting for the app, which
# the other worker's tests fill. worksteal keeps both busy to the end.
pytest: bytecode
	$(BIN)/pytest -q -n auto --dist worksteal

test: lint typecheck pytest

# The wheel, the sdist and one offline bundle per platform in dist/ (downloads the wheels of
# every dependency from the package index, retrying; see release/build.py).
dist/.bundles: $(DIST_STAMP) $(DIST_INPUTS)
	$(BIN)/python -m release.build --out dist
	@touch $@

dist: dist/.bundles

# The single-file program for this system (release/csa-companion.spec says how on Windows/macOS).
$(BINARY): $(DIST_STAMP) $(DIST_INPUTS)
	$(BIN)/pyinstaller --noconfirm --clean --log-level ERROR --distpath dist \
		--workpath build/pyinstaller release/csa-companion.spec

binary: $(BINARY)

# Installs the Linux bundle with no network, reads the other bundles, runs the single file.
test-dist: dist/.bundles $(BINARY)
	CSA_DIST_TESTS=1 $(BIN)/pytest -q -p no:cacheprovider tests/dist

# `make bench SIZES=500,5000,50000`: the table of issue 21 at those journal sizes instead.
bench: bytecode
	$(BIN)/python bench/bench.py $(if $(SIZES),--sizes $(SIZES))

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
