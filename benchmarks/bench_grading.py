"""Grading wall time: the example class with --jobs 1 and --jobs 2, against plain execution,
and what the outside verdicts (hamlet.verdicts) add per submission.

    .venv/bin/python benchmarks/bench_grading.py [--repeat N]

Prints, for each --jobs, the whole class's wall time and the median time per
submission (as seen by its worker), and the median time to simply execute one
complete submission once with nbclient under the same 3-epoch budget.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet import examples, grade  # noqa: E402
from hamlet.execute import execute_notebook  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1, help="grading runs per --jobs value")
    parser.add_argument("--timeout", type=int, default=120)
    arguments = parser.parse_args()
    submissions = examples.FOLDER / "submissions"
    complete = submissions / "ada_complete.ipynb"

    plain = []
    for _ in range(3):
        _, _, seconds = execute_notebook(complete, max_epochs=grade.GRADING_EPOCHS, allow_errors=True)
        plain.append(seconds)
    print(f"plain nbclient execution of one complete submission: median {statistics.median(plain):.1f} s "
          f"(runs {', '.join(f'{s:.1f}' for s in plain)})")

    for jobs in (1, 2):
        for run in range(arguments.repeat):
            with tempfile.TemporaryDirectory() as out:
                start = time.perf_counter()
                results = grade.grade(submissions, out, jobs=jobs, timeout=arguments.timeout, log=lambda *a: None)
                total = time.perf_counter() - start
                students = grade._load_run(Path(out))["students"]
            outside = [facts["outside"]["seconds"] for facts in students.values() if facts.get("outside")]
            per_student = [result.seconds for result in results if result.seconds]
            complete_seconds = next(result.seconds for result in results if result.student == "ada_complete")
            print(f"--jobs {jobs}: class of {len(results)} in {total:.0f} s; per submission median "
                  f"{statistics.median(per_student):.1f} s (min {min(per_student):.1f}, max "
                  f"{max(per_student):.1f}); the complete one {complete_seconds:.1f} s = "
                  f"{complete_seconds / statistics.median(plain):.2f} x plain execution (goal <= 1.3); the outside "
                  f"verdicts took a median {statistics.median(outside):.1f} s per submission of that")


if __name__ == "__main__":
    main()
