# Löfte: the two commands a newcomer needs.
#   make run    install, create the embedded SQLite database, load the demo region, serve
#   make test   install and run the whole test suite (SQLite, and PostgreSQL when reachable)
#   make test-fast  only the fast, pure tests (no database, Prefect or browser): seconds

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed
# uv installs the packages in about a quarter of pip's time (docs/performance.md). It comes
# from PyPI into the venv; USE_UV=0, or uv failing for any reason, installs with plain pip.
USE_UV ?= 1
# uv does not read pip's configuration: hand it the local wheel folder pip is told about.
UV_ENV  = $(if $(PIP_FIND_LINKS),UV_FIND_LINKS="$(PIP_FIND_LINKS)",)
# The suite on every core, one database and one Prefect harness per worker (tests/conftest.py);
# PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test test-fast install lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if [ "$(USE_UV)" = 1 ] && $(BIN)/pip install --quiet uv \
	    && $(UV_ENV) $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'; then \
	  echo "installed with uv"; \
	else \
	  echo "installing with pip"; \
	  $(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e '.[dev]'; \
	fi
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/lofte init
	$(BIN)/lofte demo
	$(BIN)/lofte serve

test: $(STAMP)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

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
