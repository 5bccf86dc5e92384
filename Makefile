# One venv per checkout; every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-unit test-integration lint format demo dev bench bench-quick examples clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP)
	$(BIN)/python -m pytest -q tests/integration

lint: $(STAMP)
	$(BIN)/ruff check temporal_runtime tests examples benchmarks
	$(BIN)/ruff format --check temporal_runtime tests examples benchmarks
	$(BIN)/pyright
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format temporal_runtime tests examples benchmarks
	$(BIN)/ruff check --fix temporal_runtime tests examples benchmarks

# Starts the embedded dev server (Web UI on loopback), runs a worker and a workflow, stops.
demo: $(STAMP)
	$(BIN)/python -m examples.demo

# temporal_runtime against raw temporalio on one dev server (issue 6); results in
# benchmarks/results/latest.{json,md,png}. The chart needs the `bench` extra (matplotlib).
bench: $(STAMP)
	@$(BIN)/python -c "import matplotlib" 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]' \
		|| echo "matplotlib is unavailable: the chart will be skipped"
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .temporal
