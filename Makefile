# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PIP_INSTALL := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test lint format migrate demo clean mutation audit
.DEFAULT_GOAL := run

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python requirements.txt constraints.txt
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.runtime
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo load --if-empty

# gunicorn (scripts/gunicorn.conf.py) with the scheduler beside it; FLASK_DEBUG=1 make run for Flask's
# development server. PORT=8000 make run to change the port.
run: demo
	@bash scripts/serve.sh

test: $(VENV)/.dev
	$(BIN)/pytest

$(VENV)/.mutation: $(VENV)/.dev requirements-mutation.txt
	$(PIP_INSTALL) -r requirements-mutation.txt
	touch $@

# Mutation testing of the pure rules and the SQL conditions (what and with which tests: [tool.mutmut] in
# pyproject.toml). Not part of `make test`: ~15-25 minutes on two cores. Fails under 90 % killed on the rules.
mutation: $(VENV)/.mutation
	rm -rf mutants
	TRACKER_HYPOTHESIS_PROFILE=mutation $(BIN)/mutmut run --max-children 2 > mutants.log 2>&1 || (tail -c 3000 mutants.log; exit 1)
	$(BIN)/python tests/mutation_score.py

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/codespell --toml pyproject.toml

# bandit over the code, pip-audit over the installed packages (NOT AUDITED, not failed, when offline).
audit: $(VENV)/.dev
	@bash scripts/audit.sh

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
