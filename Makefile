# MediJourney: two commands do everything on a fresh machine.
#   make run   - set up (venv, npm, migrate, reference data, demo accounts) and serve on :8000
#   make test  - set up test tools and run lint, types, checks and the suite on SQLite and PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PG_URL ?= postgres://postgres@127.0.0.1:5432/medijourney
# pytest-xdist workers per run (each worker gets its own test database: test_<name>_gw0, ...).
PYTEST_WORKERS ?= auto
# The bench scripts are extensionless, so `ruff check .` skips them: every file directly in bench/
# without a dot in its name (bench/*.py modules are found by `.` already), passed to ruff by name.
BENCH_SCRIPTS := $(sort $(filter-out $(wildcard bench/*.*),$(filter-out $(patsubst %/,%,$(wildcard bench/*/)),$(wildcard bench/*))))

.PHONY: run test lint typecheck checks test-sqlite test-postgres test-faults api-fuzz postgres chromium haproxy lock clean

run: $(VENV)/.stamp-base node_modules/.stamp
	@PORT=$${PORT:-8000} ./scripts/run.sh

test: $(VENV)/.stamp-dev node_modules/.stamp chromium lint typecheck checks test-sqlite test-postgres test-faults api-fuzz
	@echo "All checks and both test runs passed."

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.stamp-base: requirements/base.lock | $(VENV)/bin/python
	$(PIP) install -q --disable-pip-version-check --require-hashes -r requirements/base.lock
	@touch $@

$(VENV)/.stamp-dev: requirements/dev.lock | $(VENV)/bin/python
	$(PIP) install -q --disable-pip-version-check --require-hashes -r requirements/dev.lock
	@touch $@ $(VENV)/.stamp-base

node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { echo "Installing Debian's chromium for browser tests"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check . $(BENCH_SCRIPTS)
	$(VENV)/bin/ruff format --check . $(BENCH_SCRIPTS)
	$(VENV)/bin/djlint medijourney --lint
	$(VENV)/bin/djlint medijourney --check
	$(VENV)/bin/bandit -q -r medijourney config -ll -x '*/tests/*,*/migrations/*' 

typecheck: $(VENV)/.stamp-dev
	$(VENV)/bin/mypy

checks: $(VENV)/.stamp-dev node_modules/.stamp
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run

# Browser tests (marker `browser`) run once, in the PostgreSQL pass: they drive the pages through a
# live server, and what differs between the databases is covered by the rest of the suite, which
# runs on both. Running them twice cost about 9 CPU-minutes of a 2-core machine's make test.
test-sqlite: $(VENV)/.stamp-dev node_modules/.stamp
	DATABASE_URL= $(VENV)/bin/pytest -n $(PYTEST_WORKERS) -m "not browser and not faults"

# schemathesis over the whole JSON API, in-process against a fresh test database, anonymously and
# with bearer tokens; fails on any 5xx or answer that breaks the OpenAPI document. Prints its case count.
api-fuzz: $(VENV)/.stamp-dev
	API_FUZZ=1 DATABASE_URL= $(VENV)/bin/pytest tests/api_fuzz -p no:xdist

postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { echo "Starting the local PostgreSQL cluster"; \
	  $(SUDO) pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql | sort -V | tail -1) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; }

test-postgres: $(VENV)/.stamp-dev node_modules/.stamp chromium postgres
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n $(PYTEST_WORKERS)

# Fault tests (tests/faults, marker `faults`): kill workers, restart PostgreSQL, build a streaming
# replica, fill the upload disk. Serial, on a throw-away cluster of their own (port 5440, made with
# pg_createcluster and dropped after; the main cluster on 5432 is never touched). Need root.
test-faults: $(VENV)/.stamp-dev postgres
	$(VENV)/bin/pytest -m faults -p no:xdist tests/faults

# HAProxy in front of several gunicorn processes, for bench/stateless and bench/soak.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || { echo "Installing Debian's haproxy for the scale-out benches"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq haproxy >/dev/null; }

lock: $(VENV)/bin/python
	$(PIP) install -q pip-tools
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o base.lock base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o dev.lock dev.in

clean:
	rm -rf $(VENV) node_modules var
