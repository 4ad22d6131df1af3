# Two commands do everything on a fresh clone with Python 3.11 and make:
#   make reports   set up .venv and render every report from the bundled synthetic data
#   make test      set up .venv and run lint, format check and the test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup reports test lint format data notebooks clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "lmp needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $(STAMP)

reports: $(STAMP)
	$(BIN)/lmp render --all

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

data: $(STAMP)
	$(BIN)/lmp synth

notebooks: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from lmp.render import sync_notebook; [sync_notebook(p) for p in sorted(Path("notebooks").glob("*.py"))]'

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache outputs/.staging
