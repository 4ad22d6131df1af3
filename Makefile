# Two commands do everything on a fresh clone with Python 3.11 and make:
#   make reports   set up .venv and render every report from the bundled synthetic data
#   make test      set up .venv and run lint, format check, the test suite and `lmp check`
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: setup reports pdf test lint format data open-data notebooks git-diff clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "lmp needs Python 3.11, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $(STAMP)

# Renders only the reports whose inputs changed (outputs/manifest.json); `lmp render --all --force`
# renders everything.
reports: $(STAMP)
	$(BIN)/lmp render --all

# PDFs of every rendered report, both sets and languages, printed by headless Chromium into
# build/pdf/<set>/<report>.<lang>.pdf (not committed: they depend on the Chromium version). Needs
# Debian's Chromium (nothing is downloaded); without it `lmp pdf` says so in one line and stops.
pdf: $(STAMP)
	$(BIN)/lmp pdf

# The browser test loads the outputs in headless Chromium. CI (Debian, as root) installs it from
# Debian's packages; elsewhere install it yourself, or the browser test is skipped (not under CI).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "note: no $(CHROMIUM); the browser test is skipped (Debian: apt-get install chromium)"; \
	fi

# `lmp check` fails when code, notebooks or data changed without re-rendered outputs/.
test: $(STAMP) $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest
	$(BIN)/lmp check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

data: $(STAMP)
	$(BIN)/lmp synth

# The real data: the shipped Vektis files imported into the contract (byte for byte the same files
# as committed in data/open/, each with its import report beside it).
VEKTIS := data/vektis/vektis_%_gemeente.csv.gz
open-data: $(STAMP)
	$(BIN)/lmp import vektis $(foreach y,2011 2012 2013 2014 2015 2016 2017 2018,$(subst %,$(y),$(VEKTIS))) \
		--classification 2020 --out data/open/vektis_zvw_2011_2018.parquet
	$(BIN)/lmp import vektis $(foreach y,2011 2012 2013 2014 2015 2016 2017 2018 2019 2020,$(subst %,$(y),$(VEKTIS))) \
		--out data/open/vektis_zvw_2011_2020.parquet

notebooks: $(STAMP)
	$(BIN)/python -c 'from pathlib import Path; from lmp.render import sync_notebook; [sync_notebook(p) for p in sorted(Path("notebooks").glob("*.py"))]'

# A readable `git diff` of notebooks in this clone (.gitattributes maps *.ipynb to this filter).
git-diff: $(STAMP)
	git config diff.ipynb.textconv "$(BIN)/lmp textconv"
	git config diff.ipynb.cachetextconv true

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache outputs/.staging outputs/*.previous
