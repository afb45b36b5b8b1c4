# The two commands: `make serve` runs Bulletin with demo content; `make test` runs what CI runs.
.DEFAULT_GOAL := help
PY := .venv/bin/python
BULLETIN := .venv/bin/bulletin
# The PostgreSQL pass of the test suite (trust auth on loopback, as on the CI machine).
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/bulletin

.PHONY: help serve test lint typecheck test-sqlite test-postgres bench clean

help:
	@echo "make serve   run Bulletin on http://127.0.0.1:8000 with a demo live blog (SQLite)"
	@echo "make test    lint, type-check and run the whole suite on SQLite and PostgreSQL"
	@echo "make bench   the fan-out benchmark against nchan and sse-starlette (see docs/benchmarks.md)"

.venv/.runtime: pyproject.toml scripts/venv.sh
	scripts/venv.sh runtime
	touch $@

.venv/.dev: pyproject.toml scripts/venv.sh
	scripts/venv.sh dev
	touch $@ .venv/.runtime

serve: .venv/.runtime
	@mkdir -p var
	$(BULLETIN) migrate --no-input -v 0
	$(BULLETIN) demo
	$(BULLETIN) serve --host 127.0.0.1 --port 8000

lint: .venv/.dev
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench

typecheck: .venv/.dev
	.venv/bin/mypy src tests

test-sqlite: .venv/.dev
	.venv/bin/pytest -q

test-postgres: .venv/.dev
	BULLETIN_DATABASE_URL=$(TEST_POSTGRES_URL) .venv/bin/pytest -q -p no:cacheprovider

test: lint typecheck test-sqlite test-postgres

# nginx with the nchan module is the reference; it comes from Debian's packages.
bench: .venv/.dev
	@command -v nginx >/dev/null && [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ] || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light libnginx-mod-nchan)
	.venv/bin/python bench/fanout.py --readers $(or $(READERS),10000) --messages 5 \
	  --targets nchan,sse-starlette,bulletin --mode memory --workers 1

clean:
	rm -rf .venv .mypy_cache .pytest_cache .ruff_cache .hypothesis
