# The two commands of the README: `make demo` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# uv installs the pinned set (constraints.txt, every package at one version) in seconds where
# pip takes minutes; pip installs only uv itself, from the same pins.
PIP := $(BIN)/uv pip install --quiet --python $(BIN)/python -c constraints.txt
# Python may cache the bytecode it compiles (some machines set PYTHONDONTWRITEBYTECODE for
# everything): each `kasasu` process of `make demo` otherwise compiles ibis, pandas, scipy and
# the rest again, 2-3 s a start (docs/benchmarks.md, "make demo").
unexport PYTHONDONTWRITEBYTECODE
DEMO_EMAIL ?= admin@example.com
DEMO_PASSWORD ?= kasasu-demo

.PHONY: demo test test-fast bench bench-scale lint install dev clean-demo

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Kasasu needs Python 3.11 or newer (PYTHON=$(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt uv

# htmx 2 for the pages, from its npm package at build time (never committed; DESIGN.md §6).
HTMX_VERSION := 2.0.8
HTMX := src/kasasu/web/static/vendor/htmx.min.js

$(HTMX):
	@command -v npm >/dev/null || { echo "npm is needed once, to fetch htmx.org@$(HTMX_VERSION)"; exit 1; }
	@mkdir -p $(dir $@) .cache/npm
	cd .cache/npm && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null
	tar -xzf .cache/npm/htmx.org-$(HTMX_VERSION).tgz -C .cache/npm package/dist/htmx.min.js
	cp .cache/npm/package/dist/htmx.min.js $@

# uv tries its cache alone first (--offline), then the index: a package index that answers
# every revalidation with "modified" (seen on these machines) would otherwise have uv fetch
# and build PySpark's 300 MB source package again for each new .venv (~25 s of `make dev`).
$(VENV)/.installed: $(BIN)/uv pyproject.toml constraints.txt $(HTMX)
	$(PIP) --offline -e . 2>/dev/null || $(PIP) -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) --offline -e '.[dev]' 2>/dev/null || $(PIP) -e '.[dev]'
	@touch $@

install: $(VENV)/.installed
dev: $(VENV)/.dev-installed

demo: install
	$(BIN)/kasasu init
	$(BIN)/kasasu demo --if-empty
	@# A year of health history (every 14 days, then today), for trends and backtests. The
	@# pages computed ahead are left to the server, which stores them once it answers.
	$(BIN)/kasasu refresh --backfill --every 14 --skip-done --no-pages \
	  --from $$($(BIN)/python -c 'import datetime as d; print(d.date.today() - d.timedelta(days=364))')
	$(BIN)/kasasu user create --email $(DEMO_EMAIL) --name "Demo Admin" --role admin \
	  --password $(DEMO_PASSWORD) --if-missing
	@key=$$($(BIN)/kasasu apikey create --name make-demo --role admin | tail -n 1); \
	echo ""; \
	echo "  Kasasu demo:  http://127.0.0.1:8000"; \
	echo "  User:         $(DEMO_EMAIL) / $(DEMO_PASSWORD) (admin)"; \
	echo "  API key:      $$key"; \
	echo "  Try:          curl -H 'Authorization: Bearer $$key' http://127.0.0.1:8000/api/v1/accounts"; \
	echo "  API docs:     http://127.0.0.1:8000/api/v1/docs"; \
	echo "  Portal:       http://127.0.0.1:8000/portal/sign-in as $$($(BIN)/python -c 'import sqlite3; print(sqlite3.connect("kasasu-data/kasasu.db").execute("SELECT email FROM contacts WHERE email IS NOT NULL AND left_on IS NULL ORDER BY id LIMIT 1").fetchone()[0])')"; \
	echo "                (the link: newest kasasu-data/outbox/portal-link-*.eml)"; \
	echo ""
	KASASU_DEV_MODE=true $(BIN)/kasasu serve --host 127.0.0.1 --port 8000

lint: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# --dist loadgroup: the tests of one xdist_group (the browser's demo server, Spark) share a
# worker, so what they start once per worker starts once. Bytecode is written even where the
# environment says not to: each worker and each server a test starts would otherwise compile
# (and pytest rewrite) every module again, ~3 s a process.
PYTEST = $(BIN)/pytest -n 2 --dist loadgroup

# ruff first (seconds); mypy and import-linter, a minute of one core from a clean clone, run
# beside the tests so that the first test starts within seconds. Any failure fails the run.
test: dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	@mkdir -p .cache
	@{ $(BIN)/mypy && $(BIN)/lint-imports; } > .cache/typecheck.log 2>&1 & checks=$$!; \
	$(PYTEST); tests=$$?; \
	wait $$checks; checked=$$?; \
	echo "mypy and lint-imports:"; cat .cache/typecheck.log; \
	[ $$tests -eq 0 ] && [ $$checked -eq 0 ]

# The local loop: everything but the tests marked slow (real processes, Spark, the browser,
# demo companies) or needing PostgreSQL. `make test` still runs them all.
test-fast: dev
	$(PYTEST) -m "not slow and not postgres"

bench: dev
	$(BIN)/python benchmarks/events.py
	$(BIN)/python benchmarks/demo.py
	$(BIN)/python benchmarks/export.py
	$(BIN)/python benchmarks/metrics.py
	$(BIN)/python benchmarks/health.py
	$(BIN)/python benchmarks/playbooks.py
	$(BIN)/python benchmarks/web.py
	$(BIN)/python benchmarks/sdk.py
	$(BIN)/python benchmarks/intake.py
	$(BIN)/python benchmarks/intake_clients.py
	$(BIN)/python benchmarks/stripe_webhooks.py
	$(BIN)/python benchmarks/guides.py
	$(BIN)/python benchmarks/churn.py
	$(BIN)/python benchmarks/voice.py
	$(BIN)/python benchmarks/community_search.py
	$(BIN)/python benchmarks/hostile_files.py
	$(BIN)/python benchmarks/budget.py
	$(BIN)/python benchmarks/api_throughput.py

# 20,000 then 200,000 accounts with a year of usage events (10M, 100M): the daily refresh on
# DuckDB and Spark, the KPIs, the account pages; hours, so not part of `make bench`.
bench-scale: dev
	$(BIN)/python benchmarks/scale.py

clean-demo:
	rm -rf kasasu-data
