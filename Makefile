# The two commands: `make serve` runs Bulletin with demo content; `make test` runs what CI runs.
.DEFAULT_GOAL := help
PY := .venv/bin/python
BULLETIN := .venv/bin/bulletin
# Where `make serve` listens, and so every address it prints: make serve PORT=8123 HOST=...
# Set on make's command line only (a shell's own HOST or PORT must not move the server).
HOST := 127.0.0.1
PORT := 8000
SITE_URL = http://$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT)
# The lock files are made by uv (from PyPI) for Python 3.11 on Linux: see `make lock`.
LOCK_TOOL := uv==0.13.8
UV := .venv/bin/uv
# The PostgreSQL pass of the test suite (trust auth on loopback, as on the CI machine).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/bulletin

.PHONY: help serve test services lint typecheck test-sqlite test-postgres bench lock clean editor

help:
	@echo "make serve   run Bulletin on http://127.0.0.1:8000 with a demo live blog (SQLite);"
	@echo "             make serve PORT=8123 to listen on another port"
	@echo "make test    what CI runs: start the services, lint, type-check, then the whole suite"
	@echo "             on SQLite and on PostgreSQL (a missing service fails it, never skips)"
	@echo "make lock    remake requirements/*.txt from pyproject.toml (UPGRADE=django or UPGRADE=all)"
	@echo "make bench   the fan-out benchmark against nchan and sse-starlette (see docs/benchmarks.md)"

# Installed from the lock files: a changed lock (or pyproject.toml) reinstalls.
.venv/.runtime: requirements/runtime.txt pyproject.toml scripts/venv.sh
	scripts/venv.sh runtime
	touch $@

# The dev lock holds the runtime set at the same versions, so it serves `make serve` as well.
.venv/.dev: requirements/dev.txt requirements/runtime.txt pyproject.toml scripts/venv.sh
	scripts/venv.sh dev
	touch $@ .venv/.runtime

# Absolute links and the demo's sign-in lines name the address the server listens on.
serve: export BULLETIN_SITE_URL = $(SITE_URL)
# The demo's newsroom (search engines' publisher), unless the environment names another.
serve: export BULLETIN_PUBLISHER_NAME ?= The Halloway Courier
serve: export BULLETIN_PUBLISHER_LOGO_URL ?= /static/reader/demo-newsroom-logo.png
serve: .venv/.runtime
	@mkdir -p var
	$(BULLETIN) migrate --no-input -v 0
	$(BULLETIN) demo
	$(BULLETIN) serve --host $(HOST) --port $(PORT)

lint: .venv/.dev
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

typecheck: .venv/.dev
	.venv/bin/mypy src tests

# Both passes in parallel (pytest-xdist; the suite waits on servers and sockets more than it
# computes, so more workers than cores); -n0 runs one process, for pdb and -x.
test-sqlite: .venv/.dev
	.venv/bin/pytest -q -n 4 --dist worksteal

# Only what could differ on PostgreSQL (the rule: tests/conftest.py); SQLite ran everything.
test-postgres: .venv/.dev
	BULLETIN_DATABASE_URL=$(TEST_POSTGRES_URL) .venv/bin/pytest -q -p no:cacheprovider \
	  -n 4 --dist worksteal -m db_sensitive

# PostgreSQL, Redis, Chromium, nginx, openssl and systemd-analyze, as CI has them (installed from
# Debian's packages when run as root); it stops with one line naming what is missing otherwise.
services:
	scripts/services.sh

# CI=true for every step: a test whose service is missing fails instead of skipping.
test: export CI = true
test: services lint typecheck test-sqlite test-postgres

# The desk editor's vendored ProseMirror bundle, from frontend/editor/ (needs Node and npm; the
# built files are committed, so only someone changing the editor's packages or schema runs it).
editor:
	scripts/build-editor.sh

# nginx with the nchan module is the reference; it comes from Debian's packages.
bench: .venv/.dev
	@command -v nginx >/dev/null && [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light libnginx-mod-nchan)
	.venv/bin/python bench/fanout.py --readers $(or $(READERS),10000) --messages 5 \
	  --targets nchan,sse-starlette,bulletin --mode memory --workers 1

# UPGRADE=django,nh3 lets those packages move to their newest allowed release, UPGRADE=all every
# package; without it the pins stay as they are and only pyproject.toml's changes are resolved.
# The dev set is constrained to the runtime lock, so both name the same versions.
LOCK_UPGRADE = $(if $(filter all,$(UPGRADE)),--upgrade,$(foreach p,$(subst $(comma), ,$(UPGRADE)),--upgrade-package $(p)))
comma := ,
LOCK_COMPILE = $(UV) pip compile pyproject.toml --quiet --generate-hashes --python-version 3.11 \
  --python-platform linux --custom-compile-command "make lock" $(LOCK_UPGRADE)
lock:
	scripts/venv.sh bare
	$(PY) -m pip install --quiet $(LOCK_TOOL)
	@mkdir -p requirements
	$(LOCK_COMPILE) -o requirements/runtime.txt
	$(LOCK_COMPILE) --extra dev --extra bench -c requirements/runtime.txt -o requirements/dev.txt

clean:
	rm -rf .venv .mypy_cache .pytest_cache .ruff_cache .hypothesis
