# HaMLeT: `make demo` and `make test` are all a newcomer needs; both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install test test-fast release check-release solution demo examples bundle bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

install: $(STAMP)

# the whole suite (CI): every tier, about 20 minutes on 2 cores
test: install
	$(BIN)/python -m pytest

# everything but the slow tiers (whole-class grading, notebooks on MNIST, sandbox, browser): under 90 s
test-fast: install
	$(BIN)/python -m pytest -m "not grading and not notebooks and not sandbox and not browser"

release: install
	$(BIN)/hamlet release

check-release: install
	$(BIN)/hamlet check-release

solution: install
	$(BIN)/hamlet solution

# the instructor's main job, on every session's example class: release, grade in parallel into one
# course (build/demo: one gradebook, the course overview build/demo/report.html), report
demo: install
	$(BIN)/hamlet release
	set -e; for folder in autograde/examples/*/; do \
	    session=$$(basename $$folder); \
	    $(BIN)/hamlet grade $$folder/submissions --session $$session --out build/demo --jobs 2 --timeout 120; \
	done

# the example classes, each notebook executed as its student would hand it in (outputs, plots, logs): minutes
examples: install
	$(BIN)/hamlet examples --run

bundle: install
	$(BIN)/hamlet bundle

# e.g. `make bench BENCH_GRADING="--sizes 20 --jobs 2"` for a shorter grading benchmark
bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
	$(BIN)/python benchmarks/bench_mnist.py
	$(BIN)/python benchmarks/bench_training.py
	$(BIN)/python benchmarks/bench_checks.py
	$(BIN)/python benchmarks/bench_diagnoses.py
	$(BIN)/python benchmarks/bench_grading.py $(BENCH_GRADING)
	$(BIN)/python benchmarks/bench_rerun.py
	$(BIN)/python benchmarks/bench_cluster.py

clean:
	rm -rf build .pytest_cache
