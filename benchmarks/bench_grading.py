"""Grading wall time: one correct submission against plain execution, and generated classes of
20 and 100 with --jobs 1 and --jobs 2.

    .venv/bin/python benchmarks/bench_grading.py [--sizes 20 100] [--jobs 1 2] [--repeat 3]

Plain execution is the complete example submission run once with nbclient under the
same 3-epoch budget as grading.  "One submission" is the time ``hamlet grade`` spends
on that submission (nbgrader and the outside verdicts, as its slot sees it) in a class
of one; the two take turns, and the ratio of their medians has the goal <= 1.3 (the whole run
of that class of one, with preparing the course, feedback and report, is printed beside it).  The classes are made from
the example class (:mod:`hamlet.examples`) in the mix of :data:`CLASS_MIX`, which has
no endless loop: a loop costs its cell timeout whatever the grader does.  Goal: 100
submissions in at most 15 minutes on this machine's 2 cores.
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

from hamlet import course, examples, pipeline, run_state  # noqa: E402

SESSION = "06_backpropagation"
from hamlet.execute import execute_notebook  # noqa: E402

#: ten students in a typical class: most complete, some with bugs, one handing in nothing,
#: one editing tests, one whose kernel dies, one solving it unusually (a smaller task-5 network)
CLASS_MIX = ("ada_complete", "ben_typical_bugs", "ada_complete", "gia_unusual", "ada_complete",
             "finn_edits_tests", "ben_typical_bugs", "cleo_untouched", "ada_complete", "eve_kills_kernel")
CLASS_GOAL = (100, 15 * 60)  # submissions, seconds
RATIO_GOAL = 1.3


def write_class(folder: Path, size: int) -> Path:
    """``size`` submissions in the mix of CLASS_MIX, as an LMS exports them (a flat folder)."""
    students = {student.name: student for student in examples.students(SESSION)}
    notebooks = {name: examples.notebook_of(students[name], SESSION) for name in set(CLASS_MIX)}
    for number, name in zip(range(1, size + 1), itertools.cycle(CLASS_MIX)):
        nbformat.write(notebooks[name], str(folder / f"student{number:03d}_{name}.ipynb"))
    return folder


def grade_class(submissions: Path, jobs: int, timeout: int):
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        results = pipeline.grade(submissions, out, SESSION, jobs=jobs, timeout=timeout, log=lambda *a: None)
        total = time.perf_counter() - start
        students = {name: vars(record) for name, record in run_state.load(Path(out)).sessions[SESSION].students.items()}
    return total, results, students


def one_submission(complete: Path, repeat: int, timeout: int) -> None:
    """Plain execution and grading of the complete submission, in turn, ``repeat`` times each."""
    plain, graded, outside, whole = [], [], [], []
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / complete.name).write_bytes(complete.read_bytes())
        for _ in range(repeat):
            plain.append(execute_notebook(complete, max_epochs=course.declaration(SESSION).grading_epochs,
                                          allow_errors=True)[2])
            total, results, students = grade_class(Path(folder), 1, timeout)
            graded.append(results[0].seconds)
            whole.append(total)
            outside.append(next(iter(students.values()))["outside"]["seconds"])
    ratio = statistics.median(graded) / statistics.median(plain)
    print(f"plain nbclient execution of one complete submission: median {statistics.median(plain):.1f} s "
          f"(runs {', '.join(f'{seconds:.1f}' for seconds in plain)})")
    print(f"grading it (--jobs 1), in turn with plain execution: median {statistics.median(graded):.1f} s "
          f"(runs {', '.join(f'{seconds:.1f}' for seconds in graded)}) = {ratio:.2f} x plain execution "
          f"(goal <= {RATIO_GOAL}: {'MET' if ratio <= RATIO_GOAL else 'NOT MET'}); "
          f"outside verdicts' own work median {statistics.median(outside):.1f} s", flush=True)
    print(f"the whole `hamlet grade` run of that class of one (preparing the course, feedback, report): median "
          f"{statistics.median(whole):.1f} s (runs {', '.join(f'{seconds:.1f}' for seconds in whole)}) = "
          f"{statistics.median(whole) / statistics.median(plain):.2f} x plain execution", flush=True)


def classes(sizes, jobs_values, timeout: int) -> None:
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            submissions = write_class(Path(folder), size)
            for jobs in jobs_values:
                total, results, students = grade_class(submissions, jobs, timeout)
                per_student = [result.seconds for result in results if result.seconds]
                outside = [facts["outside"]["seconds"] for facts in students.values() if facts.get("outside")]
                in_kernel = sum(bool(facts.get("outside", {}).get("trained_in_kernel")) for facts in students.values())
                goal = ""
                if size == CLASS_GOAL[0]:
                    goal = (f" (goal <= {CLASS_GOAL[1] / 60:.0f} min: "
                            f"{'MET' if total <= CLASS_GOAL[1] else 'NOT MET'})")
                print(f"class of {size}, --jobs {jobs}: {total:.0f} s = {total / 60:.1f} min{goal}; per submission "
                      f"median {statistics.median(per_student):.1f} s (min {min(per_student):.1f}, max "
                      f"{max(per_student):.1f}); outside verdicts' own work median "
                      f"{statistics.median(outside):.1f} s; training judged on the kernel's networks for "
                      f"{in_kernel} of {len(students)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[20, 100], help="class sizes to grade")
    parser.add_argument("--jobs", type=int, nargs="*", default=[1, 2], help="--jobs values for each class")
    parser.add_argument("--repeat", type=int, default=5, help="runs of plain execution and of one submission")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per cell, as hamlet grade")
    arguments = parser.parse_args()
    complete = examples.folder(SESSION) / "submissions" / "ada_complete.ipynb"
    one_submission(complete, arguments.repeat, arguments.timeout)
    classes(arguments.sizes, arguments.jobs, arguments.timeout)


if __name__ == "__main__":
    main()
