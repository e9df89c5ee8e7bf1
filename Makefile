# Two commands for a fresh machine with Python 3.11 and make: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install lint bench-install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON) 未找到）；可用 make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

# Serve the platform with demo data on the embedded SQLite database (var/gongkai.sqlite3).
run: $(STAMP)
	GONGKAI_DEBUG=$${GONGKAI_DEBUG:-True} $(BIN)/gongkai migrate --no-input
	GONGKAI_DEBUG=$${GONGKAI_DEBUG:-True} $(BIN)/gongkai load_demo
	GONGKAI_DEBUG=$${GONGKAI_DEBUG:-True} $(BIN)/gongkai runserver $(HOST):$(PORT)

# The whole suite: the layer contract (docs/architecture.md), then unit, contract and browser
# tests (browser tests skip without chromium).
test: $(STAMP)
	$(BIN)/lint-imports --no-cache
	GONGKAI_SECRET_KEY=$${GONGKAI_SECRET_KEY:-test-secret} $(BIN)/python -m pytest $(PYTEST_ARGS)

# The Whoosh baseline for the benchmarks in bench/ (tantivy is a dependency of the platform).
bench-install: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,bench]'

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
