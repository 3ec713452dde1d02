"""Do the hidden tests (which score) and the visible checks (which teach) agree on the mutation corpora?

    .venv/bin/python benchmarks/bench_hidden_agreement.py [--corpus all|unseen|unseen2|...]

For every mutant of ``tests/mutants.py`` (or of a corpus held apart): its own task's visible check
and hidden test.  Lists

* correct code a hidden test fails (an equivalent mutant: the probe cannot tell it from the
  reference) -- points lost for right code;
* wrong code whose own hidden test passes although its visible check fails it, and of those the
  ones that no hidden test of their class fails -- a wrong unit that earns all its points.

A measurement, not a test (tests/test_mutants.py holds what is asserted).  Takes a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import mutants  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", default="all", choices=("all", *mutants.HELD_APART))
    args = parser.parse_args(argv)
    pool = mutants.corpus() if args.corpus == "all" else mutants.held_apart(args.corpus)
    visible = {r["id"]: r for r in mutants.measure_all(pool)}
    right_code_failed, lenient, open_units = [], [], []
    for mutant in pool:
        own = mutants.hidden_verdict(mutant, mutant.task)
        if mutant.equivalent:
            if own is not None:
                right_code_failed.append((mutant.id, own))
            continue
        if visible[mutant.id]["status"] != "passed" and own is None:
            lenient.append(mutant.id)
            if all(mutants.hidden_verdict(mutant, task) is None for task in mutants.tasks_of(mutant)):
                open_units.append((mutant.id, visible[mutant.id]["message"]))
    print(f"[{args.corpus}] {len(pool)} mutants, {sum(m.equivalent for m in pool)} equivalent")
    print(f"  correct code that a hidden test fails: {len(right_code_failed)}")
    for mutant_id, failure in right_code_failed:
        print(f"    {mutant_id}: {failure}")
    print(f"  wrong code whose own hidden test passes though its visible check fails: {len(lenient)}")
    print(f"  ... and that no hidden test of its class fails: {len(open_units)}")
    for mutant_id, message in open_units:
        print(f"    {mutant_id}: {message[:150]}")
    return 0


if __name__ == "__main__":
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.exit(main())
