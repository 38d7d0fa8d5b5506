# The README's commands. Each one bootstraps what it needs (venv, install, dbt manifest).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

export OGI_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)
# what activating the venv does (dg compares it with the project's .venv and warns when they differ)
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export DAGSTER_DISABLE_TELEMETRY = 1
export DO_NOT_TRACK = 1

SAMPLE_N    ?= 300
SAMPLE_SEED ?= 20240101
SAMPLE_YEARS ?= 2019-2024
DEV_PORT ?= 3000
export OGI_DOCS_PORT ?= 3001

.PHONY: run test test-ui test-fast lint dev docs bench bench-e2e fuzz install manifest sample dagster-home clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# dagster-dbt reads dbt/target/manifest.json when the definitions load: parse first, always.
# The calendar (first year, last complete year) reaches dbt as vars from its one home, ingest/calendar.py.
manifest: install
	cd dbt && ../$(BIN)/dbt parse --profiles-dir . --quiet --vars "$$(../$(BIN)/python -m ingest.calendar --dbt-vars)"

dagster-home:
	mkdir -p $(DAGSTER_HOME)
	cp scripts/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

sample: install
	$(BIN)/python scripts/sample_data.py --n $(SAMPLE_N) --seed $(SAMPLE_SEED) --years $(SAMPLE_YEARS)

# The whole warehouse, every year partition, in process; then a summary and an example query.
run: manifest sample dagster-home
	$(BIN)/python scripts/build_warehouse.py

# Lint, format and types: ruff (Python), sqlfluff (dbt SQL), mypy (the parser library).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	cd dbt && ../$(BIN)/sqlfluff lint models analyses --disable-progress-bar

# Everything CI runs: lint, the definitions, then every test (the slow ones are marked `slow`).
test: lint manifest dagster-home
	$(BIN)/dg check defs
	$(BIN)/python -m pytest --durations=15

# The Dagster UI as a user sees it (tests/test_ui.py, marker `ui`, which `make test` leaves out):
# dg dev on a free port of 127.0.0.1 over the test sample, a backfill launched from the Materialize
# dialog in headless Chromium, its gates per year, a failing gate; screenshots in data/docs/ui/.
test-ui: manifest dagster-home
	$(BIN)/python -m pytest -m ui --durations=5

# The development loop: parser, GX, pure functions; no dbt or Dagster runs, 200 round-trip examples.
test-fast: manifest
	OGI_ROUNDTRIP_EXAMPLES=200 $(BIN)/python -m pytest -m "not slow" -q --durations=5

# The Dagster UI on http://127.0.0.1:3000 and the Data Docs on http://127.0.0.1:3001 (local only;
# DEV_PORT, OGI_DOCS_PORT). `dg dev` reads the project from [tool.dg] in pyproject.toml; the docs
# server starts before the UI and is stopped when the UI exits.
dev: manifest dagster-home
	@$(BIN)/python -m dagster_project.docs_server & docs=$$!; \
	trap 'kill $$docs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/dg dev -h 127.0.0.1 -p $(DEV_PORT)

# The dbt docs site as one static page, data/docs/dbt/index.html (beside the GX Data Docs in
# data/docs/gx/): models, columns (English and Chinese), lineage, the published marts' catalog. Offline.
docs: manifest
	$(BIN)/python scripts/dbt_docs.py

bench: install
	$(BIN)/python -m synth.bench

# The whole build on N generated reports, then unchanged: per-step wall time, reports/s, cores, peak RSS
N ?= 1000
bench-e2e: manifest
	$(BIN)/python scripts/bench_e2e.py --n $(N)

# 10,000 mangled reports through the parse workers: crashes, timeouts, peak memory (FUZZ_N to change)
FUZZ_N ?= 10000
fuzz: install
	$(BIN)/python -m synth.fuzz --n $(FUZZ_N) --seed 1

clean:
	rm -rf dbt/target dbt/logs .dagster_home data/raw data/parsed data/docs data/export data/synth data/sensor data/warehouse.duckdb
