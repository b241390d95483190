# Mithaq: `make demo` (fresh machine to a running demo) and `make test`.
# Python 3.11 to 3.13: the newest of python3.13, python3.12, python3.11 that runs (a pyenv shim for
# a version that is not active does not). PYTHON=/path/to/python overrides.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11; do \
	$$p -c 'import sys' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the machines have two cores (pytest-xdist gives each worker its own test database).
PYTEST_ARGS ?= -n 2

.PHONY: help install messages compile-messages migrate seed demo serve test test-fast test-postgres prod-smoke lint check screenshots bench bench-pages bench-load bench-transitions bench-partitioning worker beat clean

help:
	@echo "make demo          install, migrate, seed the demo and serve on http://$(HOST):$(PORT) (SQLite, no broker)"
	@echo "make test          the whole test suite on SQLite"
	@echo "make test-fast     local runs: the suite without the slow tests, test databases kept (--reuse-db)"
	@echo "make test-postgres the suite on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mithaq)"
	@echo "make lint          ruff and the migrations check"
	@echo "make screenshots   the README's phone views (docs/screenshots/*-phone-ar.png) from the browser journeys"
	@echo "make prod-smoke    production settings on PostgreSQL and Redis: migrate, collectstatic, seed, gunicorn, 20+ pages"
	@echo "make bench         benchmarks under bench/ (bench-pages, bench-load: pages and load at 100,000 cases)"
	@echo "make bench-transitions  a transition against its bare SQL floor (PostgreSQL)"
	@echo "make bench-partitioning the audit entry and signature tables, plain and by year (PostgreSQL)"
	@echo "make worker|beat   a Celery worker / the beat scheduler (needs CELERY_BROKER_URL)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Mithaq needs Python 3.11, 3.12 or 3.13: none found on PATH (install one, or set PYTHON=/path/to/python3.x)" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "Mithaq needs Python 3.11, 3.12 or 3.13; $(PYTHON) is %d.%d (set PYTHON=python3.13, for example)" % v)'
	@echo "Python: $(PYTHON) ($$($(PYTHON) -c 'import platform; print(platform.python_version())'))"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

# Compiled catalogues are committed too; recompiling keeps them in step with the .po files.
compile-messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

# Extract every message of the code into locale/{ar,fr} (one catalogue for the project), then
# compile. New messages arrive empty: translate them; `make lint` fails until they are.
messages: $(STAMP)
	$(PY) manage.py makemessages -l ar -l fr --no-obsolete $(foreach p,.venv tests bench */migrations/* node_modules,--ignore='$(p)') -v 0
	$(PY) manage.py compilemessages --ignore=.venv -v 0

migrate: install compile-messages
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

demo: seed
	@echo "Mithaq demo on http://$(HOST):$(PORT)/ (users: bureau, committee, secretariat, ... password: demo)"
	$(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install compile-messages
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

# Local runs: the tests marked slow (the 10 MB CSV import, the hypothesis properties) left out and
# the test databases kept between runs (--reuse-db; SQLite's in files, tests/conftest.py). Add
# PYTEST_ARGS="-n 2 --create-db" after regenerating migrations. `make test` (and CI) runs them all.
test-fast: install compile-messages
	$(VENV)/bin/pytest -q $(PYTEST_ARGS) -m "not slow" --reuse-db

test-postgres: install compile-messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq} $(VENV)/bin/pytest -q --create-db $(PYTEST_ARGS)

# The README's phone views (Arabic, 390 px), taken by the citizen's browser journey (system Chromium).
screenshots: install compile-messages
	MITHAQ_SCREENSHOTS=docs/screenshots $(VENV)/bin/pytest -q -n 0 -m browser tests/browser/test_journeys.py -k "citizen and ar"

# deploy/smoke.sh: a fresh PostgreSQL database (SMOKE_DB_NAME, dropped after), Redis db 14
# (SMOKE_REDIS_URL), gunicorn with deploy/gunicorn.conf.py on a free port (README: production).
prod-smoke: install compile-messages
	PY=$(PY) deploy/smoke.sh

# The import contract (.importlinter), ruff (lint and format), migrations and catalogues in step.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py messages_check

bench: install compile-messages
	$(PY) bench/run.py
	BENCH_DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench} $(PY) bench/run.py
	$(PY) bench/signatures.py
	BENCH_DATABASE_URL=$${BENCH_SIG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench_sig} $(PY) bench/signatures.py
	BENCH_DATABASE_URL=$${BENCH_RT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench_rt} $(PY) bench/response_times.py
	BENCH_DATABASE_URL=$${BENCH_IND_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench_ind} $(PY) bench/indicators.py
	BENCH_DATABASE_URL=$${BENCH_NAT_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench_national} $(PY) bench/national.py
	$(MAKE) --no-print-directory bench-transitions bench-partitioning bench-pages bench-load

# A transition through cases.services against one UPDATE and two INSERTs by hand, in the same run, with
# a broker, in-process delivery and delivery paused; the desk invariant checked at the end (PostgreSQL).
bench-transitions: install compile-messages
	BENCH_DATABASE_URL=$${BENCH_TR_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_bench_transitions} $(PY) bench/transitions.py

# The audit entries (2.5 million) and signatures (2 million) in one table and partitioned by year: the
# product's queries on both, sizes, VACUUM, dropping a year (PostgreSQL; BENCH_PART_SCALE=0.1 for a quick run).
bench-partitioning: install compile-messages
	BENCH_DATABASE_URL=$${BENCH_PART_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_partition_bench} $(PY) bench/partitioning.py --scale $${BENCH_PART_SCALE:-1}

# Pages at 10,000 and 100,000 cases against their hand-written SQL, then 50 clients on gunicorn for
# 60 s (PostgreSQL; the generated databases are kept and reused: delete them to regenerate).
BENCH_PAGES_URL = $${BENCH_PAGES_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mithaq_scale_bench}
bench-pages: install compile-messages
	BENCH_DATABASE_URL=$(BENCH_PAGES_URL) $(PY) bench/pages.py --cases 10000 --reuse
	BENCH_DATABASE_URL=$(BENCH_PAGES_URL) $(PY) bench/pages.py --cases 100000 --reuse

bench-load: install compile-messages
	BENCH_DATABASE_URL=$(BENCH_PAGES_URL) $(PY) bench/load.py --cases 10000
	BENCH_DATABASE_URL=$(BENCH_PAGES_URL) $(PY) bench/load.py --cases 100000

worker: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(VENV)/bin/celery -A config worker --loglevel=INFO

beat: install
	DJANGO_SETTINGS_MODULE=$${DJANGO_SETTINGS_MODULE:-config.settings.local} $(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
