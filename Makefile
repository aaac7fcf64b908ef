# Passerelle — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install run load-demo serve lint format test test-unit test-quality bench clean

## help: list the targets
help:
	@grep -E '^## ' $(MAKEFILE_LIST) | sed 's/^## //'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## install: create .venv with the project, its spaCy model and the dev tools
install: $(STAMP)

## run: load the demo corpus into the embedded store and serve the API on http://127.0.0.1:$${PORT:-8000}
run: $(STAMP)
	$(BIN)/passerelle load-demo
	$(BIN)/passerelle serve --port $${PORT:-8000}

## load-demo: load the vocabulary and the demo corpus (idempotent)
load-demo: $(STAMP)
	$(BIN)/passerelle load-demo

## serve: serve the API without loading anything
serve: $(STAMP)
	$(BIN)/passerelle serve --port $${PORT:-8000}

## lint: ruff (style, imports, boundaries) and mypy --strict
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## format: format the code with ruff
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## test: lint, types and the whole test suite (unit, integration, quality)
test: lint
	$(BIN)/pytest

## test-unit: the fast offline tests only
test-unit: $(STAMP)
	$(BIN)/pytest tests/unit

## test-quality: the pairing quality test on realistic needs
test-quality: $(STAMP)
	$(BIN)/pytest tests/quality -s

## bench: pairing latency against a bare BM25 query, demo corpus and x100
bench: $(STAMP)
	$(BIN)/python bench/match_latency.py

## clean: remove the virtual environment and caches
clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
