# Two commands matter: `make demo` serves the demo, `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
# What `make test` installs; CI's version corners install fewer extras plus a pinned Django.
TEST_EXTRAS ?= dev
PIP_EXTRA ?=
PYTEST_ARGS ?=
# pytest-xdist processes for the tests not marked timed, each with its own databases, files and
# ports: one a core. The timed tests (deadlines, p99s, changes in one second) run in one process
# at normal priority, and the others behind them at the lowest (nice 19): the timed ones mostly
# wait on their deadlines and servers, and the others take the CPU they leave. 0 runs the whole
# suite in one process (output with -s, a debugger).
PYTEST_WORKERS ?= 2
# Tests left out, as a marker expression: CI's PostgreSQL run leaves out own_database, which
# its SQLite run has run as they are (.ci/run).
LEAVE_OUT ?=
KEEP := $(if $(LEAVE_OUT), and not ($(LEAVE_OUT)))
# Python writes the bytecode of the project's own modules (and pytest its rewritten test
# modules) even where the environment says not to (PYTHONDONTWRITEBYTECODE): otherwise every
# xdist process and every server a test starts compiles them again (about 50 ms a server).
# __pycache__ is ignored by git.
unexport PYTHONDONTWRITEBYTECODE

BIN := $(VENV)/bin
# What installs into the venvs: pip, or uv's pip interface where UV names a uv (CI's does: the
# same packages in a fraction of the time). Compiled at install, as pip does: where Python
# writes no bytecode of its own (PYTHONDONTWRITEBYTECODE), every process would compile Django.
UV ?=
ifeq ($(UV),)
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
else
PIP := $(UV) pip install --quiet --compile-bytecode --python $(BIN)/python
endif

.PHONY: demo demo-reset test lint dist docs docs-build check bench bench-peers bench-instructions clean

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

# The demo's database back to what seed_demo makes (the default SQLite file; .venv is kept).
demo-reset: $(VENV)/.installed-demo,postgres
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

# pytest's status 5 is "no test selected": PYTEST_ARGS may name files of one kind only. The
# timed tests run in front; behind them, at nice 19, all the others in one xdist run, where the
# in-process tests take the CPU the server tests leave as they wait. Its output is shown after
# the timed ones', whole. The two runs share one directory for the demo's seeded SQLite files
# (tests/conftest.py), made once for both. bash, not sh: a command sh puts in the background
# ignores Ctrl-C, which would leave those tests running.
test: SHELL := bash
test: $(VENV)/.installed-$(TEST_EXTRAS)
ifeq ($(PYTEST_WORKERS),0)
	$(BIN)/python -m pytest $(if $(LEAVE_OUT),-m "not ($(LEAVE_OUT))") $(PYTEST_ARGS)
else
	@echo "the other tests run behind the timed ones, at nice 19; their output comes after"
	@export DEMO_SEEDED_DIR=$$(mktemp -d); trap 'rm -rf "$$DEMO_SEEDED_DIR"' EXIT; \
	behind=$$(mktemp); \
	(trap - INT; exec nice -n 19 $(BIN)/python -m pytest -n $(PYTEST_WORKERS) \
		-m "not timed$(KEEP)" $(PYTEST_ARGS)) >"$$behind" 2>&1 & \
	$(BIN)/python -m pytest -m "timed$(KEEP)" $(PYTEST_ARGS) || [ $$? = 5 ]; timed=$$?; \
	wait $$!; status=$$?; cat "$$behind"; rm -f "$$behind"; \
	[ $$timed = 0 ] && { [ $$status = 0 ] || [ $$status = 5 ]; }
endif

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# An sdist and a wheel in dist/, checked: metadata renders (twine), the wheel holds only the package.
dist: $(VENV)/.installed-release
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*
	$(BIN)/python .ci/check_dist.py dist

# The documentation site (MkDocs Material) on http://127.0.0.1:$(DOCS_PORT)/; docs-build as CI.
DOCS_PORT ?= 8001
# The configuration sits in docs/mkdocs/: MkDocs refuses a docs_dir that holds its config file.
MKDOCS := NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs
docs: $(VENV)/.installed-docs
	$(MKDOCS) serve --config-file docs/mkdocs/mkdocs.yml --dev-addr 127.0.0.1:$(DOCS_PORT)

docs-build: $(VENV)/.installed-docs
	$(MKDOCS) build --strict --config-file docs/mkdocs/mkdocs.yml

# In-process figures and slow clients on SQLite; load and faults need PostgreSQL
# (BENCH_DATABASE_URL). Then the demo against the peer demos of bench/peers/, each installed in
# a venv of its own, on SQLite and on PostgreSQL (BENCH_PEERS_DATABASE_URL: each run creates and
# drops a database named after it). BENCH_QUICK=1: a smoke test, small runs of bench.run and
# bench.compare only.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
BENCH_PEERS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
BENCH_PEERS := drf-assembly drf-canon
BENCH_QUICK ?=
PEER_VENVS := bench/.venvs
PEER_STAMPS := $(foreach peer,$(BENCH_PEERS),$(PEER_VENVS)/$(peer)/.installed) \
	$(PEER_VENVS)/ours/.installed

$(PEER_VENVS)/%/.installed: bench/peers/%/requirements.txt
	$(PYTHON) -m venv $(PEER_VENVS)/$*
	$(PEER_VENVS)/$*/bin/python -m pip install --quiet --disable-pip-version-check -r $<
	@touch $@

# Our side of the comparison in a venv of its own too, with what the demo installs (its and
# PostgreSQL's extras) and nothing of the dev venv's: DRF imports markdown and pygments where
# they are installed, and no peer has them. Editable: it runs this tree.
OURS_PYTHON := $(PEER_VENVS)/ours/bin/python
$(PEER_VENVS)/ours/.installed: pyproject.toml
	$(PYTHON) -m venv $(PEER_VENVS)/ours
	$(OURS_PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[demo,postgres]'
	@touch $@

bench: $(VENV)/.installed-dev,bench $(PEER_STAMPS)
ifeq ($(BENCH_QUICK),1)
	$(BIN)/python -m bench.run --rounds 1 --number 5
else
	$(BIN)/python -m bench.run
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.concurrency
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.faults
	$(BIN)/python -m bench.slow_clients
	$(BIN)/python -m bench.preload_memory
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python -m bench.idempotency_race
endif
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python -m bench.compare --python $(OURS_PYTHON) \
		--database-url $(BENCH_PEERS_DATABASE_URL)

# Only the comparison with the peer demos.
bench-peers: $(VENV)/.installed-dev $(PEER_STAMPS)
	BENCH_QUICK=$(BENCH_QUICK) $(BIN)/python -m bench.compare --python $(OURS_PYTHON) \
		--database-url $(BENCH_PEERS_DATABASE_URL)

# The same request types' instructions per request, counted by callgrind (valgrind) on SQLite:
# a figure that a busy machine's noise does not move (bench/peers/instructions.py). As shipped,
# then on the same connection settings, as bench-peers times both.
INSTRUCTION_SIDES := --a ours=.=$(OURS_PYTHON) \
	$(foreach peer,$(BENCH_PEERS),--b $(peer)=bench/peers/$(peer)=$(PEER_VENVS)/$(peer)/bin/python)
bench-instructions: $(VENV)/.installed-dev $(PEER_STAMPS)
	$(BIN)/python bench/peers/instructions.py $(INSTRUCTION_SIDES)
	$(BIN)/python bench/peers/instructions.py $(INSTRUCTION_SIDES) --conn-max-age none

clean:
	rm -rf .venv .venv-* bench/.venvs db.sqlite3 db.sqlite3-wal db.sqlite3-shm .test-db* *.egg-info dist build site .test-cache
