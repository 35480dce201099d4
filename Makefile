# Every check in one command: `make check` (what .ci/run runs, less PostgreSQL and the fresh
# virtual environment). VENV=... points at another environment; `make -k check` goes on past a
# failing step to show every one.
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: check test test-fast lint imports typecheck snapshots-update bench

check: lint imports test typecheck

# the whole suite (a worker per core and one more; PostgreSQL's tests skip without SPR_DESK_TEST_POSTGRES_URL)
test:
	$(PY) -m pytest

# the domain's rules alone: seconds
test-fast:
	$(PY) -m pytest tests/domain

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# who may import whom: pyproject.toml's [tool.importlinter] contracts
imports:
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy

# redraw the snapshot SVGs: look at snapshot_report.html from a failing run first
snapshots-update:
	$(PY) -m pytest tests/app --snapshot-update

# every benchmark, one table (about 6 minutes on 2 cores; BENCH_ARGS="--quick" for a smoke run)
bench:
	$(PY) -m bench $(BENCH_ARGS)
