# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# `make run` is for development and demos: DEBUG on unless the environment says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-1}

.PHONY: help setup db run test lint bench soak worker clean

help:
	@echo "make run    set up everything, load places and demo data, serve on http://127.0.0.1:8000"
	@echo "make test   set up everything, then ruff, import contracts, makemigrations --check and the tests"
	@echo "make bench  benchmarks on PostgreSQL (needs DATABASE_URL)"
	@echo "make soak   mixed traffic for SOAK_SECONDS (default 600) through gunicorn on PostgreSQL"

setup: $(VENV)/.installed node_modules/.installed
	@$(RUN_ENV) $(MANAGE) compilemessages --ignore=$(VENV) --ignore=node_modules -v 0

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

db: setup
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(RUN_ENV) $(MANAGE) load_divisions
	$(RUN_ENV) $(MANAGE) seed_demo

run: db
	$(RUN_ENV) $(MANAGE) runserver 127.0.0.1:8000

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(RUN_ENV) $(MANAGE) makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

worker: setup
	$(BIN)/celery -A config worker --beat --loglevel=info

# make bench: generate the province-scale data once (BENCH_RECORDS, default 5 million), then
# measure. Needs DATABASE_URL to a PostgreSQL database; the method is in docs/performance.md.
bench: setup
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make bench needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/NAME"; exit 2;; esac
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(BIN)/python -W ignore -m bench generate --if-empty --records $${BENCH_RECORDS:-5000000}
	$(BIN)/python -W ignore -m bench --json=bench-results.json

# make soak: volunteers recording, a leader reading the dashboard and a secretary listing, through
# gunicorn on loopback for SOAK_SECONDS (default 600); prints errors, p50/p95 per minute and the
# workers' memory. Needs DATABASE_URL to PostgreSQL; makes small benchmark data if there is none.
soak: setup
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "make soak needs PostgreSQL: set DATABASE_URL=postgres://USER@HOST:PORT/NAME"; exit 2;; esac
	$(RUN_ENV) $(MANAGE) migrate --noinput -v 0
	$(BIN)/python -W ignore -m bench generate --if-empty --records $${SOAK_RECORDS:-20000}
	$(BIN)/python -W ignore -m bench.soak

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 media
