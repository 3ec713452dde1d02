"""The curves students trained: the ``cost=..., accuracy=...`` lines their notebook printed as
handed in, beside the curves the grading run verified.

Never used for a score -- a log is only text a student hands in.  It is shown to tutors, all its
epochs, and flagged when it is missing or when the grading run contradicts it: the same code
under the same settings trained its first epochs far from what the log says.

How far is far (:data:`ACCURACY_TOLERANCE`, :data:`COST_TOLERANCE`) is calibrated on the
reference solutions: ``benchmarks/bench_log_spread.py`` runs each session's reference over 5
seeds (weights and the data shuffle follow NumPy's global random state, as a student's runs
do) and measures the largest difference between two honest runs, epoch by epoch.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import numpy as np

#: one epoch of the log that hamlet_utils.training.train prints, as the handout's train did
LOG_LINE = re.compile(r"cost=\s*(?P<cost>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf)),\s*"
                      r"accuracy=\s*(?P<accuracy>[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|nan|inf))")
#: a log contradicts the grading run when an epoch both ran differs by more than this in
#: accuracy (absolute, on 0..1), epoch by epoch: 1.5 x the largest difference between two
#: honest runs (another seed, or the same seed after earlier runs of other lengths) over 5 seeds
#: of both sessions' references -- 0.26, 0.15 and 0.12 in epochs 1-3 (bench_log_spread.py) ...
ACCURACY_TOLERANCES = (0.40, 0.25, 0.20)
#: ... or by more than this share of the larger cost (honest runs: at most 31 %)
COST_TOLERANCE = 0.50
#: the epochs compared: the first ones, which the grading run trains too
COMPARED_EPOCHS = len(ACCURACY_TOLERANCES)
#: a missing log is a note for the tutor (grey on the tutor page), not a sign of cheating
MISSING_NOTE = "note: "
#: the words of a log the grading run contradicts
CONTRADICTED = "the handed-in training log contradicts the grading run"


@dataclass
class TrainingLog:
    """One training run's printed log, epoch by epoch.

    Attributes
    ----------
    task : str
    cost, accuracy : list of float
        One entry per epoch printed, in order.
    cell : str
        The grade id of the cell whose output held it.
    """

    task: str
    cost: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    cell: str = ""

    def __len__(self) -> int:
        return len(self.cost)


def _training_cell(notebook, history: str):
    """The code cell that assigns ``history`` a value other than None (the one that trains)."""
    assignment = re.compile(rf"^\s*{re.escape(history)}\s*(?::[^=\n]*)?=(?!=)\s*+(?!None\b)\S", re.M)
    found = None
    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and assignment.search(cell.get("source", "")):
            found = cell  # the last one: a student may train again further down
    return found


def _printed(cell) -> str:
    return "".join(output.get("text", "") for output in cell.get("outputs", [])
                   if output.get("output_type") == "stream" and output.get("name") == "stdout")


def logs_in(notebook, declaration) -> dict:
    """``{task: TrainingLog or None}`` for each training task of ``declaration`` the notebook
    attempts (a cell assigns its history): the epochs that cell printed in the notebook as handed
    in; None when it printed none (not run, interrupted before an epoch, or its output cleared)."""
    logs = {}
    for training in declaration.training_tasks:
        cell = _training_cell(notebook, training.history)
        if cell is None:  # not attempted: nothing to show, nothing missing
            continue
        log = TrainingLog(training.task, cell=cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", ""))
        for match in LOG_LINE.finditer(_printed(cell)):
            log.cost.append(float(match["cost"]))
            log.accuracy.append(float(match["accuracy"]))
        logs[training.task] = log if len(log) else None
    return logs


def contradiction(log: TrainingLog, verified_cost, verified_accuracy) -> str | None:
    """Why the grading run contradicts ``log`` (its first :data:`COMPARED_EPOCHS` epochs against
    the verified ones), or None when they agree as two honest runs do."""
    for epoch, (cost, accuracy, their_cost, their_accuracy) in enumerate(
            zip(log.cost, log.accuracy, verified_cost, verified_accuracy)):
        if epoch >= COMPARED_EPOCHS:
            break
        values = (cost, accuracy, their_cost, their_accuracy)
        if not all(np.isfinite(values)):
            if np.isfinite(cost) != np.isfinite(their_cost):
                return (f"epoch {epoch + 1}: cost {cost:g} handed in, {their_cost:g} verified")
            continue
        if abs(accuracy - their_accuracy) > ACCURACY_TOLERANCES[epoch]:
            return (f"epoch {epoch + 1}: accuracy {accuracy:.4f} handed in, {their_accuracy:.4f} verified; honest runs "
                    f"differ by less than {ACCURACY_TOLERANCES[epoch]:g}")
        scale = max(abs(cost), abs(their_cost))
        if scale > 0 and abs(cost - their_cost) / scale > COST_TOLERANCE:
            return (f"epoch {epoch + 1}: cost {cost:.6g} handed in, {their_cost:.6g} verified; honest runs differ by "
                    f"less than {100 * COST_TOLERANCE:.0f} %")
    return None


def flags(logs: dict, verified: dict) -> list[str]:
    """The flags of a student's handed-in logs: ``verified`` is ``{task: (cost, accuracy)}`` of the
    grading run's histories (a task the grading run did not train is not compared)."""
    found = []
    for task, log in logs.items():
        if log is None:
            found.append(f"{MISSING_NOTE}task {task}: no training log in the notebook as handed in (not run, "
                         f"interrupted, or its output cleared)")
            continue
        if task in verified:
            why = contradiction(log, *verified[task])
            if why:
                found.append(f"task {task}: {CONTRADICTED} ({why}): a log of another run -- the code changed after "
                             f"it ran, cells run out of order or twice -- or made up")
    return found


def curves_png(logs: dict, verified: dict, student: str) -> bytes | None:
    """A figure of both kinds of curves: each task's handed-in log (solid, all its epochs) and the
    grading run's verified epochs (dashed, markers); None when there is neither."""
    tasks = [task for task in logs if logs[task] is not None or task in verified]
    if not tasks:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.2), dpi=80)
    cost_axes, accuracy_axes = figure.subplots(1, 2)
    colours = matplotlib.colormaps["tab10"]
    for number, task in enumerate(tasks):
        colour = colours(number % 10)
        log = logs.get(task)
        if log is not None:
            epochs = np.arange(1, len(log) + 1)
            cost_axes.plot(epochs, log.cost, color=colour, label=f"task {task}, handed in")
            accuracy_axes.plot(epochs, log.accuracy, color=colour, label=f"task {task}, handed in")
        if task in verified:
            cost, accuracy = verified[task]
            epochs = np.arange(1, len(cost) + 1)
            cost_axes.plot(epochs, cost, "o--", color=colour, label=f"task {task}, verified")
            accuracy_axes.plot(epochs, accuracy, "o--", color=colour, label=f"task {task}, verified")
    if all(line.get_ydata().size and np.all(np.asarray(line.get_ydata(), dtype=float) > 0)
           for line in cost_axes.get_lines()):
        cost_axes.set_yscale("log")  # costs of tasks of different cost functions differ by orders
    cost_axes.set(xlabel="epoch", ylabel="cost", title="cost")
    accuracy_axes.set(xlabel="epoch", ylabel="validation accuracy", title="accuracy")
    accuracy_axes.legend(fontsize=7, loc="lower right")
    figure.suptitle(f"{student}: handed in (solid) and verified by the grading run (dashed)", fontsize=9)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
