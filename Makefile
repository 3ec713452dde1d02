# HaMLeT: `make demo` and `make test` are all a newcomer needs; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_EPOCHS ?= 3

.PHONY: install test release check-release solution demo bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

install: $(STAMP)

test: install
	$(BIN)/python -m pytest

release: install
	$(BIN)/hamlet release

check-release: install
	$(BIN)/hamlet check-release

solution: install
	$(BIN)/hamlet solution

demo: install
	$(BIN)/hamlet release
	$(BIN)/hamlet solution --max-epochs $(DEMO_EPOCHS) --out build/demo

bench: install
	$(BIN)/python benchmarks/bench_mnist.py

clean:
	rm -rf build .pytest_cache
