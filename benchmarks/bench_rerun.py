"""Grading again over the same course: the first run of a class, a rerun with nothing new, and a
rerun after one notebook changed, all with ``hamlet grade`` as an instructor runs it.

    .venv/bin/python benchmarks/bench_rerun.py [--session 06_backpropagation] [--size 10] [--repeat 3]

The class is ``--size`` hand-ins made from the session's example class in the mix of
:data:`bench_grading.CLASS_MIX` (no endless loop), in nbgrader's ``submitted/`` layout.
The first run is measured once; each rerun ``--repeat`` times (the changed notebook
alternates between two versions, so every repeat grades exactly one hand-in).  Printed:
the wall time of each and the ratios of the medians against the first run.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_grading import CLASS_MIX  # noqa: E402
from hamlet import examples, pipeline  # noqa: E402


def write_class(folder: Path, session: str, size: int) -> list[Path]:
    students = {student.name: student for student in examples.students(session)}
    paths = []
    for number, name in zip(range(1, size + 1), itertools.cycle(CLASS_MIX)):
        target = folder / "submitted" / f"student{number:03d}_{name}" / session / f"{session}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(examples.notebook_of(students[name], session), str(target))
        paths.append(target)
    return paths


def timed(submissions: Path, out: Path, session: str, timeout: int) -> tuple[float, int]:
    """Seconds of one `hamlet grade` run and the number of hand-ins it graded."""
    lines: list = []
    start = time.perf_counter()
    pipeline.grade(submissions, out, session, jobs=2, timeout=timeout, log=lambda *line: lines.append(" ".join(
        map(str, line))))
    return time.perf_counter() - start, sum(line.startswith("  graded ") for line in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--session", default="06_backpropagation")
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=120)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        submissions, out = Path(folder) / "incoming", Path(folder) / "course"
        paths = write_class(submissions, arguments.session, arguments.size)
        first, graded = timed(submissions, out, arguments.session, arguments.timeout)
        print(f"{arguments.session}, a class of {arguments.size} at --jobs 2: first run {first:.1f} s "
              f"({graded} graded)", flush=True)
        nothing, one = [], []
        changed = paths[0]
        original = changed.read_bytes()
        for repeat in range(arguments.repeat):
            seconds, graded = timed(submissions, out, arguments.session, arguments.timeout)
            assert graded == 0, graded
            nothing.append(seconds)
            notebook = nbformat.read(str(changed), as_version=4)
            if repeat % 2 == 0:
                notebook.cells.append(nbformat.v4.new_markdown_cell("A note of the student's, added later."))
                nbformat.write(notebook, str(changed))
            else:
                changed.write_bytes(original)
            seconds, graded = timed(submissions, out, arguments.session, arguments.timeout)
            assert graded == 1, graded
            one.append(seconds)
            print(f"  repeat {repeat + 1}: nothing new {nothing[-1]:.1f} s, one changed {one[-1]:.1f} s", flush=True)
    print(f"rerun with nothing new: median {statistics.median(nothing):.1f} s "
          f"({statistics.median(nothing) / first:.3f} of the first run)")
    print(f"rerun with one changed notebook: median {statistics.median(one):.1f} s "
          f"({statistics.median(one) / first:.3f} of the first run)")


if __name__ == "__main__":
    main()
