# Quick start: `make run` launches the app, `make test` runs every check. Both create .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench bytecode clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# The project is installed editable, so nothing compiles its modules ahead of time, and where
# PYTHONDONTWRITEBYTECODE is set every start would compile them from source (~30 ms).
# compileall writes the cache regardless and skips files that are up to date.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q src

run: bytecode
	$(BIN)/csa-companion

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: bytecode
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: bytecode
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
