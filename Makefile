# graphsvc — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test lint seed bench clean

## run: create .venv, install, load the demo data into the embedded store, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/graphsvc seed
	$(BIN)/graphsvc users ensure-admin
	$(BIN)/graphsvc serve --host $(HOST) --port $(PORT)

## test: install the development dependencies and run the whole suite
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: install the development dependencies; ruff and mypy on the code, then check the files that only run
## elsewhere: the Dockerfile (hadolint), docker-compose.yml (the compose specification's schema) and the
## workflow (actionlint)
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check graphsvc tests bench
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml
	$(BIN)/actionlint

seed: $(VENV)/.installed
	$(BIN)/graphsvc seed

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench.bench_metrics

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
