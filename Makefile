# Two commands for a newcomer: `make run` and `make test`. Both install into .venv when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The official deprivation files, when this checkout sits beside the project's shared folder.
IMD_DIR := $(wildcard ../shared/data/imd2019)
ifneq ($(IMD_DIR),)
export LAC_IMD_FILE ?= $(abspath $(IMD_DIR)/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz)
export LAC_POPULATION_FILE ?= $(abspath $(IMD_DIR)/File_6_-_IoD2019_Population_Denominators.csv.gz)
endif

.PHONY: run test lint audit bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/lac demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

# Known vulnerabilities in the installed dependencies, from PyPI's advisory data. --strict: a
# dependency that cannot be looked up fails the audit, rather than being skipped while the
# audit still reports "No known vulnerabilities found". No vulnerability is ignored so far;
# to ignore one with no fixed release, add `--ignore-vuln ID` here with the reason beside it.
audit: $(STAMP)
	$(BIN)/pip-audit --skip-editable --progress-spinner off --strict

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache .ruff_cache
