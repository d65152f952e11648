# graphsvc — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test seed bench clean

## run: create .venv, install, load the demo data into the embedded store, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/graphsvc seed
	$(BIN)/graphsvc users ensure-admin
	$(BIN)/graphsvc serve --host $(HOST) --port $(PORT)

## test: install the development dependencies and run the whole suite
test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
	rm -rf $(VENV) instance .pytest_cache
