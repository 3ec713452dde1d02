"""Student check latency: each visible check cell on the reference solution, median of repeats.

    .venv/bin/python benchmarks/bench_checks.py [--repeat N]

Goal: every check cell answers within 0.5 s.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet.course import solution_namespace  # noqa: E402
from hamlet_utils import checks  # noqa: E402
from hamlet_utils.training import History  # noqa: E402

GOAL = 0.5


def one_step_objects(reference, with_network: bool):
    """The notebook's hyperparameter-cell objects after task 2f's (or 3b's) step."""
    np.random.seed(0)
    x, y = np.random.rand(600, 784), np.random.rand(600, 10)
    linear, sigmoid, cost = reference["Linear"](784, 10), reference["Sigmoid"](), reference["MeanSquareError"]()
    net = reference["Network"]([linear, sigmoid]) if with_network else None
    prediction = sigmoid.forward(linear.forward(x))
    linear.backward(sigmoid.backward(cost.gradient(cost.estimate(y, prediction))))
    linear.update_parameters(1e-4)
    return net, linear, sigmoid, cost, x, y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    arguments = parser.parse_args()
    r = solution_namespace("06_backpropagation")
    net, linear, sigmoid, cost, x, y = one_step_objects(r, True)
    _, linear2, sigmoid2, cost2, _, _ = one_step_objects(r, False)
    run = History(cost=[2.0, 1.0], accuracy=[0.6, 0.7], settings={"batch_size": 600, "learning_rate": 1e-4})
    run6e = History(cost=[2.0, 1.0], accuracy=[0.6, 0.75], settings={"batch_size": 600, "learning_rate": 1e-5})
    better = History(cost=[2.0, 1.0], accuracy=[0.9, 0.95])
    cells = {
        "2a": lambda: checks.check_linear_forward(r["Linear"]),
        "2b": lambda: checks.check_mse_estimate(r["MeanSquareError"]),
        "2c": lambda: checks.check_mse_gradient(r["MeanSquareError"]),
        "2d": lambda: checks.check_linear_backward(r["Linear"]),
        "2e": lambda: checks.check_linear_update(r["Linear"]),
        "2f": lambda: checks.check_single_step(linear2, sigmoid2, cost2, x, y, 1e-4),
        "3a": lambda: checks.check_network(r["Network"]),
        "3b": lambda: checks.check_network_step(net, r["Network"], sigmoid, cost, x, y, 1e-4),
        "4": lambda: checks.check_task4(run),
        "5": lambda: checks.check_task5(better, run),
        "6a": lambda: checks.check_softmax_forward(r["SoftMax"]),
        "6b": lambda: checks.check_cross_entropy_estimate(r["CrossEntropy"]),
        "6c": lambda: checks.check_cross_entropy_gradient(r["CrossEntropy"]),
        "6d": lambda: checks.check_softmax_backward(r["SoftMax"]),
        "6e": lambda: checks.check_task6e(run6e),
    }
    worst = 0.0
    print(f"{'task':<6}{'median s':>10}   goal <= {GOAL} s")
    for task, cell in cells.items():
        times = []
        for _ in range(arguments.repeat):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                cell()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{task:<6}{median:>10.4f}   {'MET' if median <= GOAL else 'NOT MET'}")
    print(f"slowest check: {worst:.4f} s ({'MET' if worst <= GOAL else 'NOT MET'})")


if __name__ == "__main__":
    main()
