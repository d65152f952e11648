# graphsvc — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
# The compiled message catalogues the app reads (built here, never by the app): one per language.
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test lint seed bench clean translations messages

## run: create .venv, install, load the demo data into the embedded store, serve on http://$(HOST):$(PORT)
run: $(VENV)/.installed translations
	$(BIN)/graphsvc seed
	$(BIN)/graphsvc users ensure-admin
	$(BIN)/graphsvc serve --host $(HOST) --port $(PORT)

## test: install the development dependencies and run the whole suite
test: $(VENV)/.installed-dev translations
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

## translations: compile the catalogues (translations/<lang>/LC_MESSAGES/messages.po → .mo); fails on a broken one
translations: $(MO)

$(MO): %.mo: %.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $(word 2,$(subst /, ,$<)) -i $< -o $@

## messages: extract every message from the code and templates into messages.pot and merge it into each
## catalogue; then translate the new entries (empty msgstr) in translations/nb/LC_MESSAGES/messages.po
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l --sort-output --no-wrap --omit-header --no-location \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap --ignore-obsolete

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
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache $(MO)
