"""Slot time of the slowest kinds of submission under the time budget (hamlet.budget).

    .venv/bin/python benchmarks/bench_budget.py [--budget SECONDS | --no-budget] [--timeout 120] [--jobs 2]

Grades one class of Session 6: the reference (``ada_complete``), the example class's
``dan_endless_loop`` (an endless loop at the top of the task 5 cell), and :data:`STUCK`,
the kinds #13 measured at 362 s to more than 30 minutes each: an endless loop inside
``Linear.forward``, one at the top of the ``Network`` cell, a correct ``Linear`` with
pure-Python loops, and a correct one that sleeps 0.5 s in every ``forward``.  Prints each
submission's slot time (what ``hamlet grade`` spent on it), its ratio to the reference's,
and its score.  ``--no-budget`` grades as before the budget (each cell its ``--timeout``).
Goal: no submission past the budget; ``dan_endless_loop`` at most 2.5 x ``ada_complete``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet import examples, pipeline, run_state  # noqa: E402
from hamlet.budget import Budget  # noqa: E402

SESSION = "06_backpropagation"
LOOPS_FORWARD = """    def forward(self, x_in):
        self.x_in = x_in
        x_out = np.zeros((x_in.shape[0], self.n_out))
        for i in range(x_in.shape[0]):
            for j in range(self.n_out):
                total = self.b[0, j]
                for k in range(self.n_in):
                    total += x_in[i, k] * self.w[j, k]
                x_out[i, j] = total
        return x_out
"""
#: name -> (cell, old text, new text): edits of the reference solution
STUCK = {
    "stuck_loop_in_forward": ("linear", "        self.x_in = x_in\n        x_out = x_in @ self.w.T + self.b",
                              "        while True:\n            pass"),
    "stuck_loop_network_cell": ("network", "class Network(Layer):", "while True:\n    pass\n\n\nclass Network(Layer):"),
    "slow_python_loops": ("linear", None, LOOPS_FORWARD),
    "slow_sleeps_in_forward": ("linear", "        self.x_in = x_in\n        x_out = x_in @ self.w.T + self.b",
                               "        import time\n        time.sleep(0.5)\n        self.x_in = x_in\n"
                               "        x_out = x_in @ self.w.T + self.b"),
}


def _edited(notebook, cell_id: str, old, new: str):
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == cell_id:
            if old is None:  # replace the method: the text from its def to the next def
                start = cell.source.index("    def forward(self, x_in):")
                end = cell.source.index("    def backward(self, d_out):")
                cell.source = cell.source[:start] + new + "\n" + cell.source[end:]
            else:
                assert old in cell.source, (cell_id, old)
                cell.source = cell.source.replace(old, new)
            return notebook
    raise KeyError(cell_id)


def write_class(folder: Path) -> Path:
    students = {student.name: student for student in examples.students(SESSION)}
    for name in ("ada_complete", "dan_endless_loop"):
        nbformat.write(examples.notebook_of(students[name], SESSION), str(folder / f"{name}.ipynb"))
    for name, (cell_id, old, new) in STUCK.items():
        notebook = examples.notebook_of(students["ada_complete"], SESSION)
        nbformat.write(_edited(notebook, cell_id, old, new), str(folder / f"{name}.ipynb"))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=None, help="seconds per notebook (default: hamlet's)")
    parser.add_argument("--no-budget", action="store_true", help="no budget: each cell its --timeout alone")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--jobs", type=int, default=2)
    arguments = parser.parse_args()
    budget = Budget.unbounded() if arguments.no_budget else arguments.budget
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "submissions").mkdir()
        submissions = write_class(Path(scratch) / "submissions")
        lines = []
        start = time.perf_counter()
        results = pipeline.grade(submissions, Path(scratch) / "out", SESSION, jobs=arguments.jobs,
                                 timeout=arguments.timeout, budget=budget, log=lines.append)
        total = time.perf_counter() - start
        records = run_state.load(Path(scratch) / "out").session(SESSION).students
    print(next((line for line in lines if line.startswith("grading ")), ""))
    reference = records["ada_complete"].seconds
    print(f"{'submission':<26}{'slot s':>8}{'x ada':>7}{'score':>7}  flags")
    for result in sorted(results, key=lambda result: -records[result.student].seconds):
        seconds = records[result.student].seconds
        print(f"{result.student:<26}{seconds:>8.1f}{seconds / reference:>7.2f}{result.score:>7g}  "
              f"{'; '.join(result.flags)[:160]}")
    print(f"whole run: {total:.0f} s at --jobs {arguments.jobs}")


if __name__ == "__main__":
    main()
