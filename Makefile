# Two commands matter: `make demo` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
# What `make test` installs; CI's version corners install fewer extras plus a pinned Django.
TEST_EXTRAS ?= dev
PIP_EXTRA ?=
PYTEST_ARGS ?=

BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check

.PHONY: demo test lint check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras: `.installed-test,demo` installs '.[test,demo]'.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[$*]' $(foreach requirement,$(PIP_EXTRA),'$(requirement)')
	@touch $@

demo: $(VENV)/.installed-demo,postgres
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "Serving on http://127.0.0.1:$(PORT)/api/  Try:"
	@echo "  curl -i http://127.0.0.1:$(PORT)/api/articles/"
	@echo "  curl -i -X POST http://127.0.0.1:$(PORT)/api/articles/ -H 'Content-Type: application/json' -d '{\"title\": \"Hi\"}'"
	@echo "  curl -i -u alice:alice-password -X POST http://127.0.0.1:$(PORT)/api/articles/ -H 'Content-Type: application/json' -d '{\"title\": \"\"}'"
	@echo "  curl -i -u bob:bob-password http://127.0.0.1:$(PORT)/api/articles/2/"
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-$(TEST_EXTRAS)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# In-process figures on SQLite; load and faults need PostgreSQL (BENCH_DATABASE_URL).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
bench: $(VENV)/.installed-dev,bench
	$(BIN)/python -m bench.run
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.concurrency
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.faults
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.idempotency_race

clean:
	rm -rf .venv .venv-* db.sqlite3 .test-db* *.egg-info
