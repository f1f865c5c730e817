# Public Health Performance Workbook
#   make report   set up (virtual environment + install) and run the sample quarter
#   make test     set up (including Debian's chromium for the browser tests) and run every test
#   make lab      open JupyterLab on the workbook
#   make national write the national sample project (152 areas) into national/

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUARTER ?= 2022-23-Q3

.PHONY: setup report test lab browser lint bench bench-scale national clean-outputs

setup: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -c constraints.txt -e '.[test]' \
	  || $(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (phlib)" > /dev/null
	$(BIN)/python -m compileall -q phlib
	touch $(STAMP)

report: setup
	$(BIN)/phreport run $(QUARTER)

browser:
	bash scripts/install-browser.sh

test: setup browser
	$(BIN)/python -m pytest -n 3 --dist loadscope

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

lab: setup
	$(BIN)/jupyter lab

bench: setup
	$(BIN)/python benchmarks/bench_quarter.py

bench-scale: setup
	$(BIN)/python benchmarks/bench_scale.py

national: setup
	$(BIN)/python scripts/national.py --out national

clean-outputs:
	rm -rf outputs/20*
