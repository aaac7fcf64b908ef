# Passerelle — `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install notebook run load-demo serve lint format test test-fast test-unit test-quality coverage screenshots bench neo4j-start neo4j-stop neo4j-status eval quality-report clean

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

SHARED ?= ../shared/data
# the registers' folder: $PASSERELLE_REGISTERS, else ../shared/data when it is there (else
# `passerelle load` looks where `passerelle fetch` writes, and serves the demo without them)
REGISTERS ?= $(or $(PASSERELLE_REGISTERS),$(wildcard $(SHARED)))

## run: load the territory's graph (vocabulary, demo, RNSR + ANR registers when found, our unit
##      descriptions) into the embedded store, print the demo accounts (created once, their
##      passwords kept in $PASSERELLE_HOME/demo-accounts.json; none with PASSERELLE_ENV=production)
##      and serve the API on http://127.0.0.1:$${PORT:-8000}
run: $(STAMP)
	$(BIN)/passerelle load $(if $(REGISTERS),--registers $(REGISTERS))
	$(BIN)/passerelle users demo
	$(BIN)/passerelle serve --port $${PORT:-8000}

NB_STAMP := $(VENV)/.notebooks

$(NB_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,notebooks]'
	touch $(NB_STAMP)

## notebook: Jupyter Lab over notebooks/ (the `notebooks` extra); the notebooks load the real
##           registers (../shared/data or $PASSERELLE_REGISTERS) into $PASSERELLE_HOME
##           themselves; PASSERELLE_NB_SAMPLE=1500 keeps only the 2020 ANR projects;
##           NB_ARGS="--no-browser --port 8899" passes options to Jupyter
notebook: $(NB_STAMP)
	cd notebooks && $(if $(REGISTERS),PASSERELLE_REGISTERS=$(abspath $(REGISTERS))) \
		../$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(NB_ARGS)

## load-demo: load the vocabulary and the demo corpus (idempotent)
load-demo: $(STAMP)
	$(BIN)/passerelle load-demo

## serve: serve the API without loading anything
serve: $(STAMP)
	$(BIN)/passerelle serve --port $${PORT:-8000}

NOTEBOOKS = $(shell find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*')

## lint: ruff (style, imports, boundaries), mypy --strict, notebooks committed without outputs
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@$(BIN)/nbstripout --verify $(NOTEBOOKS) || \
		{ echo "Notebooks with outputs: make format strips them."; exit 1; }

## format: format the code with ruff
format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/nbstripout $(NOTEBOOKS)

# the suite on every core, a test file per worker (its module fixtures built once); one worker
# when NEO4J_URI names a server of the user's (its tests wipe its one database)
JOBS ?= $(if $(NEO4J_URI),0,$(shell nproc))
XDIST = $(if $(filter-out 0 1,$(JOBS)),-n $(JOBS) --dist loadfile)

## test: lint, types and the whole suite (unit, integration, quality, Neo4j: a real server is
##       started for each worker and stopped after it, unless NEO4J_URI names one; the browser
##       tests in Debian's Chromium, installed with apt when missing); JOBS=1 for one process
test: lint
	@scripts/install_chromium.sh
	@scripts/neo4j/neo4j.sh fetch
	$(BIN)/pytest $(XDIST)

## test-fast: the offline core (no Neo4j, no browser, no registers: pytest -m "not slow")
test-fast: $(STAMP)
	$(BIN)/pytest $(XDIST) -m "not slow"

## test-unit: the unit tests and doctests only (no server)
test-unit: $(STAMP)
	$(BIN)/pytest $(XDIST) tests/unit graph ingest api

## coverage: the whole suite under coverage.py (subprocesses included), then its report
coverage: $(STAMP)
	@scripts/install_chromium.sh
	@scripts/neo4j/neo4j.sh fetch
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest $(XDIST)
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

## test-quality: the pairing quality test on realistic needs
test-quality: $(STAMP)
	$(BIN)/pytest tests/quality -s

## screenshots: the main pages at desktop and phone width, into docs/screenshots/ (Chromium)
screenshots: $(STAMP)
	@scripts/install_chromium.sh
	$(BIN)/python scripts/screenshots.py

## bench: pairing latency vs bare BM25, Neo4j batched loading, extraction throughput vs raw spaCy,
##        the officers' queue with introductions read once vs one need at a time
bench: $(STAMP)
	$(BIN)/python bench/match_latency.py
	$(BIN)/python bench/neo4j_load.py
	$(BIN)/python bench/ingest_throughput.py
	$(BIN)/python bench/real_scale.py
	$(BIN)/python bench/queue_latency.py

## eval: pairing quality on real ANR collaborations (train <= 2019, test 2020) against baselines
eval: $(STAMP)
	$(BIN)/passerelle eval anr --partners $(SHARED)/anr/anr_partners_2010_2020.csv.gz \
		--rnsr $(SHARED)/rnsr/rnsr_structures_actives.csv --train-until 2019 --test-years 2020

## quality-report: rewrite docs/quality.md and docs/quality.svg (eval on two splits, ablation)
quality-report: $(STAMP)
	$(BIN)/python scripts/quality_report.py $(SHARED)

## neo4j-start: fetch Neo4j Community 5.26 from Maven Central (cached), start it on loopback, print its bolt:// URI
neo4j-start: $(STAMP)
	@scripts/neo4j/neo4j.sh start

## neo4j-stop: stop the server neo4j-start started
neo4j-stop:
	@scripts/neo4j/neo4j.sh stop

## neo4j-status: print the running server's URI (exit 1 if stopped)
neo4j-status:
	@scripts/neo4j/neo4j.sh status

## clean: remove the virtual environment and caches
clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
