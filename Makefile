# Löfte: the two commands a newcomer needs.
#   make run    install, create the embedded SQLite database, load the demo region, serve
#   make test   install and run the whole test suite (SQLite, and PostgreSQL when reachable)
#   make test-fast  only the fast, pure tests (no database, Prefect or browser): seconds

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test test-fast install lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/lofte init
	$(BIN)/lofte demo
	$(BIN)/lofte serve

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The modules marked `pytestmark = pytest.mark.fast`, named so that pytest imports only them.
FAST_TESTS = $(shell grep -rlE --include='test_*.py' '^pytestmark = .*pytest\.mark\.fast' tests)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m fast $(FAST_TESTS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
