# Two commands set everything up on a fresh machine:
#   make tour   - install into .venv and run the guided tour (the main job)
#   make test   - install into .venv and run the test suite (what CI runs)
# Installs come from requirements.lock: exact versions with hashes, so every machine tests the
# same set. pyproject.toml keeps ranges (calcml is a library); `make lock` re-resolves them and
# `make test-latest` tests the newest releases in a separate venv, so drift shows up early.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements.lock
LATEST := .venv-latest

$(STAMP): pyproject.toml $(LOCK)
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

.PHONY: install tour test test-slow test-latest lint lock serve
install: $(STAMP)

tour: $(STAMP)
	$(BIN)/calcml tour

serve: $(STAMP)
	$(BIN)/calcml serve

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -n 2

test-slow: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m slow

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache

# Re-resolve the lock from pyproject.toml's ranges (uv, run from the venv so nothing global is needed).
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
		--generate-hashes --upgrade -o $(LOCK)

# The newest releases that pyproject.toml admits, in their own venv: drift shows up here first.
test-latest:
	$(PY) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST)/bin/python -m pytest -n 2
