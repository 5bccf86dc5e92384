# One venv per checkout; every target installs what it needs first.
# Resolved before PATH gains the venv, so the venv is always made from the system Python.
ifndef PYTHON
PYTHON := $(shell command -v python3)
endif
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pyright finds the project's packages through the active virtualenv, as after `activate`.
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
# Material for MkDocs prints a notice about MkDocs 2 on every build.
export NO_MKDOCS_2_WARNING := 1

.PHONY: install test test-unit test-integration test-pythons lint format demo dev bench bench-quick soak examples docs docs-serve browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,docs]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

test-integration: $(STAMP) browser
	$(BIN)/python -m pytest -q tests/integration

# The unit and typing tests and one integration test on every Python that pyproject.toml's
# classifiers claim, each in its own .venv-3.X; a claimed Python that is not installed fails.
test-pythons: $(STAMP)
	$(BIN)/python -m scripts.pythons

lint: $(STAMP)
	$(BIN)/ruff check temporal_runtime tests examples benchmarks scripts
	$(BIN)/ruff format --check temporal_runtime tests examples benchmarks scripts
	$(BIN)/pyright --pythonpath $(BIN)/python
	$(BIN)/python -m mypy
	# The typing contract (tests/typing): exact signatures in both checkers, and 100% type completeness.
	$(BIN)/pyright -p tests/typing/pyrightconfig.json --pythonpath $(BIN)/python
	$(BIN)/python -m mypy --strict --config-file tests/typing/mypy.ini \
		tests/typing/check_common.py tests/typing/check_errors.py tests/typing/check_mypy.py examples
	PYTHONPATH=$(CURDIR) $(BIN)/pyright --pythonpath $(BIN)/python --verifytypes temporal_runtime --ignoreexternal
	# The documentation site, strict: a broken link or a reference to a missing name fails.
	# (Not --quiet: that hides the warnings from strict mode too.)
	$(BIN)/mkdocs build --strict

format: $(STAMP)
	$(BIN)/ruff format temporal_runtime tests examples benchmarks scripts
	$(BIN)/ruff check --fix temporal_runtime tests examples benchmarks scripts

# Runs a worker and a workflow on the embedded dev server; the run stays in .temporal/dev.db,
# which `make dev` serves with the Web UI.
demo: $(STAMP)
	$(BIN)/python -m examples.demo

# The dev server with SQLite under .temporal/ and the Web UI, until Ctrl-C.
dev: $(STAMP)
	$(BIN)/python -m temporal_runtime dev

# temporal_runtime against raw temporalio on one dev server (issue 6); results in
# benchmarks/results/latest.{json,md,png}. The chart needs the `bench` extra (matplotlib).
bench: $(STAMP)
	@$(BIN)/python -c "import matplotlib" 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]' \
		|| echo "matplotlib is unavailable: the chart will be skipped"
	$(BIN)/python -m benchmarks

bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks --quick

# Thousands of workflows while workers and the dev server are killed; the counts (completed,
# failed cleanly, stuck, lost, duplicated) go to benchmarks/results/soak.md. Fails on any loss.
soak: $(STAMP)
	$(BIN)/python -m scripts.soak $(SOAK_ARGS)

# The documentation site (mkdocs.yml) into site/; docs-serve rebuilds it on every change.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

# Debian's Chromium and ChromeDriver, for the docs site's browser test; installed when missing.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "The docs site test needs Debian's Chromium: sudo apt-get install chromium chromium-driver" >&2; \
			exit 1; \
		fi; }

clean:
	rm -rf $(VENV) .venv-3.* .pytest_cache .mypy_cache .ruff_cache .temporal site
