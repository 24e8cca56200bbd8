# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/cdplatform
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test install install-dev lint typecheck test-sqlite test-postgres test-browser bench messages clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make run: migrate, seed the demo, serve console + API on 127.0.0.1:$(PORT) (embedded mode)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --base-url http://127.0.0.1:$(PORT)
	$(BIN)/python manage.py serve --port $(PORT) --demo

## make test: lint, import contracts, types, then the suite on SQLite and on PostgreSQL + Redis
test: install-dev
	$(MAKE) --no-print-directory lint typecheck test-sqlite test-postgres

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck:
	$(BIN)/mypy engine apps cdplatform sandbox

test-sqlite:
	@$(BIN)/python -m tests.prerequisites
	CDP_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest -q

test-postgres:
	@if $(BIN)/python -m tests.backends $(PG_URL) $(REDIS_TEST_URL); then \
	  CDP_DATA_DIR=$(CURDIR)/var/test DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) \
	  CDP_ENGINE=celery CDP_SWEEP_INTERVAL_SECONDS=2 $(BIN)/pytest -q -m "not browser and not kubectl"; \
	fi

test-browser: install-dev
	$(BIN)/pytest -q -m browser

bench: install-dev
	$(BIN)/python -m bench all

messages: install-dev
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore '.venv/*' --ignore 'var/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf var/test .pytest_cache .mypy_cache .ruff_cache
