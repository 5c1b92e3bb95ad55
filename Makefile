# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv and installs
# what it needs (Python 3.11+, PyPI). `make bench` runs the benchmarks, `make bench-detection` the
# detection head-to-head against presidio; `make lint` runs ruff.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint bench bench-tabular bench-corpus bench-scaling bench-detection bench-redaction bench-logs bench-watch bench-notices bench-web bench-gate fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	touch $@ $(VENV)/.run

demo: $(VENV)/.run
	$(BIN)/spillguard demo spillguard-demo

test: $(VENV)/.dev
	tools/debian-packages
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests bench fuzz tools

bench: $(VENV)/.dev
	$(BIN)/python -m bench

bench-tabular: $(VENV)/.dev
	$(BIN)/python -m bench --tabular

bench-corpus: $(VENV)/.dev
	$(BIN)/python -m bench.corpus

bench-scaling: $(VENV)/.dev
	$(BIN)/python -m bench.scaling

# mutational fuzzing of every reader; FUZZ_SECONDS per reader (600 for the issue's figures)
FUZZ_SECONDS ?= 60
fuzz: $(VENV)/.dev
	$(BIN)/python -W ignore -m fuzz --seconds $(FUZZ_SECONDS)

$(VENV)/.presidio: pyproject.toml $(VENV)/.dev
	$(BIN)/python -m pip install -q -e '.[test,bench,presidio]'
	touch $@

bench-detection: $(VENV)/.presidio
	$(BIN)/python -m bench.detection

$(VENV)/.redaction: pyproject.toml $(VENV)/.dev
	$(BIN)/python -m pip install -q -e '.[test,bench,redaction]'
	touch $@

bench-redaction: $(VENV)/.redaction
	$(BIN)/python -m bench.redaction

bench-logs: $(VENV)/.dev
	$(BIN)/python -m bench.logs

bench-watch: $(VENV)/.dev
	$(BIN)/python -m bench.watch

bench-notices: $(VENV)/.dev
	$(BIN)/python -m bench.notices

bench-web: $(VENV)/.dev
	$(BIN)/python -m bench.web

# the web-server gate: nginx + gate against nginx alone (needs nginx: tools/debian-packages)
bench-gate: $(VENV)/.dev
	tools/debian-packages
	$(BIN)/python -m bench.gate

clean:
	rm -rf $(VENV) spillguard-demo bench/out .pytest_cache
