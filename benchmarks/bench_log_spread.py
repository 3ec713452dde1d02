"""How far two honest runs of the same notebook lie apart, epoch by epoch: the calibration of
``hamlet.training_logs`` (when a handed-in log contradicts the grading run).

    .venv/bin/python benchmarks/bench_log_spread.py [--seeds 5] [--epochs 3] [--json build/log_spread.json]

Executes each session's reference solution headless (nbclient) once per seed, with
``np.random.seed(seed)`` first -- weights and the data shuffle follow NumPy's global random
state, as a student's runs do -- and ``HAMLET_MAX_EPOCHS`` epochs per training run; parses
each training cell's printed ``cost=..., accuracy=...`` lines with the grader's own parser, and
prints, per task and epoch, the largest difference between two seeds: in accuracy (absolute)
and in cost (relative).  Takes a few minutes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet import course, execute, training_logs  # noqa: E402


def run(session: str, seed: int, epochs: int) -> dict:
    notebook = nbformat.read(str(course.source_notebook(session)), as_version=4)
    notebook.cells.insert(0, nbformat.v4.new_code_cell(f"import numpy as np\nnp.random.seed({seed})"))
    execute.run_cells(notebook, course.source_notebook(session).parent, max_epochs=epochs, timeout=1200)
    return training_logs.logs_in(notebook, course.declaration(session))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--json", default=str(ROOT / "build" / "log_spread.json"))
    args = parser.parse_args(argv)
    found = {}
    for session in course.sessions():
        runs = []
        for seed in range(args.seeds):
            begin = time.perf_counter()
            runs.append(run(session, seed, args.epochs))
            print(f"{session} seed {seed}: {time.perf_counter() - begin:.0f} s", flush=True)
        for task in runs[0]:
            logs = [r[task] for r in runs if r.get(task)]
            rows = []
            for epoch in range(min(len(log.accuracy) for log in logs)):
                accuracy = max(abs(a.accuracy[epoch] - b.accuracy[epoch]) for a, b in itertools.combinations(logs, 2))
                cost = max(abs(a.cost[epoch] - b.cost[epoch]) / max(abs(a.cost[epoch]), abs(b.cost[epoch]))
                           for a, b in itertools.combinations(logs, 2))
                rows.append({"epoch": epoch + 1, "accuracy": accuracy, "cost": cost,
                             "accuracies": [log.accuracy[epoch] for log in logs],
                             "costs": [log.cost[epoch] for log in logs]})
                print(f"  task {task} epoch {epoch + 1}: accuracy {min(rows[-1]['accuracies']):.4f}.."
                      f"{max(rows[-1]['accuracies']):.4f} (spread {accuracy:.4f}), cost spread {100 * cost:.1f} %")
            found[f"{session} {task}"] = rows
    worst_accuracy = max(row["accuracy"] for rows in found.values() for row in rows)
    worst_cost = max(row["cost"] for rows in found.values() for row in rows)
    print(f"\nlargest spread over {args.seeds} seeds: accuracy {worst_accuracy:.4f}, cost {100 * worst_cost:.1f} %; "
          f"the grader's tolerances: accuracy {training_logs.ACCURACY_TOLERANCE}, cost "
          f"{100 * training_logs.COST_TOLERANCE:.0f} %")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(found, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
