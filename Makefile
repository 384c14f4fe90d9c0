# The two commands that matter: `make run` and `make test`. Everything else supports them.
SHELL := /bin/bash
# The interpreter for .venv: Debian's /usr/bin/python3 when it is 3.11+ and has venv (built
# with profile-guided optimisation, the interpreter linked into the executable; a pyenv
# build without --enable-optimizations had p95 latencies up to 36 % higher in make bench, see
# docs/performance.md), else the first python3 on PATH. `make clean` to switch a .venv.
SYSTEM_PYTHON_OK := $(shell /usr/bin/python3 -c 'import sys, ensurepip, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && echo yes)
PYTHON ?= $(if $(SYSTEM_PYTHON_OK),/usr/bin/python3,python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
STAMP := $(VENV)/.installed-stamp
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: help install run serve test test-sqlite test-postgres check lint typecheck architecture bench translations extract mail-sink migration clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $(STAMP)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -f -i $< -o $@

install: $(STAMP) $(MO_FILES)  ## Create .venv and install the pinned dependencies

translations: $(MO_FILES)  ## Compile the translation catalogues

extract: $(STAMP)  ## Extract messages and update the catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

run: install  ## Migrate the SQLite database, seed demo data when empty, serve on 127.0.0.1:$(PORT) with the search indexer beside it
	$(FLASK) db upgrade
	$(FLASK) demo seed --if-empty
	$(FLASK) search indexer & indexer=$$!; \
	trap 'kill $$indexer 2>/dev/null; wait $$indexer 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	HELPDESK_BASE_URL="$${HELPDESK_BASE_URL:-http://127.0.0.1:$(PORT)}" $(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: install  ## Production on one server: db upgrade, gunicorn (gthread 2x4), mail worker, search indexer on 127.0.0.1:$(PORT); Ctrl-C stops all
	$(FLASK) db upgrade
	$(BIN)/python -m helpdesk.ops.serve --port $(PORT)

mail-sink: install  ## A local SMTP server on 127.0.0.1:1025 that prints every email (for make run)
	$(BIN)/python -m aiosmtpd -n -c aiosmtpd.handlers.Debugging stdout -l 127.0.0.1:1025

# The suite, two workers; PYTEST_ARGS adds options (e.g. PYTEST_ARGS="-x --lf").
PYTEST := $(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# The PostgreSQL run leaves out the tests marked postgres: the SQLite run has run them on
# PostgreSQL already (pg_app, any_app's postgres case). It runs with the library patches off
# (HELPDESK_LIBRARY_PATCHES=0: helpdesk/speedups/ and the Whoosh speed-ups), so the suite is
# checked once against the stock libraries without a third run; the SQLite run has them on,
# and the search contract suite runs both ways in each run (its whoosh-stock backend).
test: install  ## The whole suite on SQLite, then on PostgreSQL when HELPDESK_TEST_POSTGRES_URL is set (CI=true: must be)
	HELPDESK_TEST_DATABASE=sqlite $(PYTEST)
	@if [ -n "$$HELPDESK_TEST_POSTGRES_URL" ]; then \
	  echo "make test: the suite again on PostgreSQL, with the library patches off"; \
	  HELPDESK_TEST_DATABASE=postgres HELPDESK_LIBRARY_PATCHES=0 $(PYTEST) -m "not postgres"; \
	elif [ "$$CI" = true ]; then \
	  echo "make test: HELPDESK_TEST_POSTGRES_URL is not set; CI runs the suite on PostgreSQL too" >&2; \
	  exit 1; \
	else \
	  echo "make test: PostgreSQL run skipped: set HELPDESK_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres"; \
	fi

test-sqlite: install  ## The whole suite on SQLite only (and the PostgreSQL-only tests when HELPDESK_TEST_POSTGRES_URL is set)
	HELPDESK_TEST_DATABASE=sqlite $(PYTEST)

test-postgres: install  ## The whole suite on PostgreSQL only (HELPDESK_TEST_POSTGRES_URL)
	HELPDESK_TEST_DATABASE=postgres $(PYTEST)

lint: install  ## ruff lint and format check, and the import contracts (pyproject.toml, docs/architecture.md)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-logo --no-cache

typecheck: install  ## mypy (strict on domain, services, search)
	$(BIN)/mypy helpdesk

check: lint typecheck test  ## Lint, type-check and test

architecture: install  ## Redraw the package map in docs/architecture.md from the imports and the layers contract
	$(BIN)/python -m helpdesk.ops.architecture

bench: install  ## Seed 100,000 complaints; measure search, inbox, case and tracking pages, submissions
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[bench]'
	$(BIN)/python bench/run.py $(BENCH_ARGS)

migration: install  ## A new migration from the models' changes: make migration MESSAGE="what changes"
	@test -n "$(MESSAGE)" || { echo 'make migration: say what changes, e.g. MESSAGE="add a hold flag"'; exit 2; }
	$(FLASK) db upgrade
	$(FLASK) db revision --autogenerate --rev-id "$$(printf '%04d' $$(( $$(ls migrations/versions/[0-9]*.py | wc -l) + 1 )))" -m "$(MESSAGE)"

clean:  ## Remove the virtualenv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
