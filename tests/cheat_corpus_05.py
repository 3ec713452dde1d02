"""A corpus of CHEATING Session 5 submissions, and two honest controls.

Session 5's counterpart of :mod:`cheat_corpus` (Session 6): each cheater is the solution
notebook (via :func:`hamlet.examples.notebook_of`) with one function left unsolved (the
release stub) or wrong, plus a trick that tries to make that task's in-notebook test cell
pass anyway -- or to get the points some other way.  The tricks are Session 6's code,
imported from :mod:`cheat_corpus` where it is generic and adapted to this session's names
(:func:`_for_session_5`) where it names Session 6.  ``loses`` are the tasks an authoritative
verdict (computed outside the student's kernel) must score 0: those the same notebook
without the trick loses.  A stub raises NotImplementedError, which excuses nothing, so the
tasks built on it (2f on 2d and 2e, task 3 on every function) are lost too; a wrong (not
missing) function costs only its own task, and the tasks built on it are excused.
``flags=("suspicious",)`` asks the grader to flag the trick.

Cheaters (the task the trick is about, in brackets; see ``loses`` for the rest):

1.  ``cheat_patches_numpy`` (2a): np.allclose/isclose/array_equal/testing.assert_allclose made
    always-true, np.linalg.norm always 0 and -- because the sigmoid's checks compare element by
    element with ``np.all`` -- np.all always-true, in the sigmoid_function cell; restored in
    the next solution cell (sigmoid_derivative), so only the 2a test cell sees them.  The
    sigmoid is ``1 - 1/(1 + e^-|x|)`` for negative x, which loses every digit where sigma is tiny.
2.  ``cheat_noop_checks`` (2d): every ``hamlet_utils.neuron_checks.check_*`` replaced by a function
    that prints "Task .. passed", every function of the session's hidden tests by a no-op, from
    the mse_gradients cell; mse_gradients is the stub.
3.  ``cheat_swallows_assertions`` (2c): ``builtins.AssertionError`` rebound, an IPython custom
    exception handler that swallows AssertionErrors silently and -- because IPython 9 still
    reports an error for an exception such a handler swallowed -- an IPython AST transformer
    that runs every later cell inside ``try: ... except AssertionError: print("Task passed.")``,
    in the forward cell; forward leaves out the bias.
4.  ``cheat_grading_branch`` (2e): only when ``NBGRADER_EXECUTION`` is set, the checks and hidden
    tests become no-ops (as in 2); sgd_step is the stub.
5.  ``cheat_reads_frames`` (2d): mse_gradients walks up ``sys._getframe`` to the caller that
    holds ``gradcheck`` and the cost's definition (the hidden test's ``reference_cost``, the
    visible check's ``_cost``) and returns exactly the finite differences that caller is
    about to compare with; zeros elsewhere (the task 2f step, training).
6.  ``cheat_reads_solution`` (2d): finds the instructor's notebook on disk (Session 6's search,
    for this session) and execs its ``mse_gradients`` cell; the stub if nothing is found.
7.  ``cheat_copies_classmate`` (2e): execs the ``sgd_step`` cell of another student's notebook
    found under ``<course>/submitted/*/`` or ``<course>/autograded/*/``; the stub otherwise.
8.  ``cheat_writes_gradebook`` (2e): finds ``gradebook.db`` upward from the cwd and sets every
    grade's auto_score to its max_score with sqlite3, now and from a detached process for
    :data:`cheat_corpus.LINGER_SECONDS`; sgd_step changes w and b in place.
9.  ``cheat_writes_outputs`` (2c): overwrites ``<out>/grades.csv``, ``<out>/totals.csv`` and
    ``<out>/feedback/*.html`` with full marks (:data:`FORGED_TOTAL` of :data:`FORGED_TOTAL`),
    now and from a detached process; forward is the stub.
10. ``cheat_downloads_solution`` (3): tries urllib to a ``.example`` URL and to 127.0.0.1:8888 and a
    raw ``socket.create_connection(("127.0.0.1", 8888))`` for the solution's task3_code cell;
    falls back to the release's task 3 stub.
11. ``cheat_edits_metadata`` (2b): the ``task2b_sigmoid_derivative`` test cell made ungraded
    (grade false, points 0), ``task2c_forward`` worth 100 points, and the ``sigmoid_derivative``
    solution cell made a graded cell worth 50 points; sigmoid_derivative is the naive
    ``e^-x / (1 + e^-x)^2``, which overflows (NaN at x = -1000).
12. ``cheat_fabricates_history`` (3): task 3 does not train; it builds a ``History`` with
    decreasing costs, an accuracy of 0.95 in every epoch and the settings ``train`` records,
    around an untrained ``SigmoidNeuron``.  The grader measures the network's accuracy itself.

Controls: ``control_complete`` (everything solved) and ``control_averaged_dw`` (dw averaged
over the batch: loses 2d only, an honest bug; 2f and 3 are excused by it).

In-kernel result, as the grading run's gradebook shows it (nbgrader's in-notebook score against
the outside one, :data:`FOOLS_THE_NOTEBOOK`): the trick's test cells pass in the sandboxed
grading kernel for 1-5 and 12 (4 because NBGRADER_EXECUTION is set there); 6-11 cannot fool
it: the sandbox holds no solution, no other submission, no gradebook, no output folder and no
network, and the grading metadata is restored before nbgrader sees the notebook.

:func:`write_corpus` writes ``<folder>/<name>.ipynb`` for all of them (a flat folder).
Cheats 8 and 9 write to disk: run them only in a throw-away course folder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nbformat

from cheat_corpus import (COPY_CLASSMATE, DOWNLOAD, GRADEBOOK, GRADING_BRANCH, LINGER_SECONDS, NOOP_TESTS,
                          OUTPUTS, PATCH_NUMPY, RESTORE_NUMPY, SOLUTION_FROM_DISK, SWALLOW_ASSERTIONS, _indent,
                          _prepend, notebook_cell)
from hamlet import course
from hamlet.examples import Student, notebook_of

SESSION = "05_sigmoid_neuron"
SESSION_6 = "06_backpropagation"

#: a function's stub as the release has it
STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"

# the solution's code of each part, as notebook_of fills it in (markers removed)
SIGMOID = ("    x = np.asarray(x, dtype=float)\n"
           "    e = np.exp(-np.abs(x))  # never overflows: the exponent is never positive\n"
           "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))")
DERIVATIVE = "    s = sigmoid_function(x)\n    return s * (1.0 - s)"
FORWARD = "    return sigmoid_function(x @ w.T + b)"
GRADIENTS = ("    z = x @ w.T + b\n"
             "    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)  # dL/dz, (batch, n_out)\n"
             "    dw = delta.T @ x\n"
             "    db = np.sum(delta, axis=0, keepdims=True)")
SGD = "    new_w = w - learning_rate * dw\n    new_b = b - learning_rate * db"

# the first line of each solution cell, where a trick is put in front
SIGMOID_DEF, DERIVATIVE_DEF, FORWARD_DEF = "def sigmoid_function(x):", "def sigmoid_derivative(x):", "def forward(x, w, b):"
GRADIENTS_DEF, SGD_DEF = "def mse_gradients(x, w, b, target):", "def sgd_step(w, b, dw, db, learning_rate):"


@lru_cache(maxsize=None)
def _release_cells() -> dict:
    release = nbformat.read(str(course.release_notebook(SESSION)), as_version=4)
    return {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source for cell in release.cells}


def release_cell(grade_id: str) -> str:
    """The cell as handed out (a solution cell: its stub)."""
    return _release_cells()[grade_id]


@lru_cache(maxsize=None)
def graded_points() -> dict:
    """``{grade_id: points}`` of the release's autograded test cells."""
    release = nbformat.read(str(course.release_notebook(SESSION)), as_version=4)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.metadata["nbgrader"]["points"] for cell in release.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


#: what the forged grades.csv, totals.csv and feedback of cheat 9 claim
FORGED_TOTAL = sum(graded_points().values())


def _stub(code: str) -> tuple:
    """An edit putting the release's stub in place of a solution part."""
    return (code, STUB)


def _for_session_5(code: str, *replacements: tuple) -> str:
    """Session 6's trick for this session: every ``06_backpropagation`` and each
    ``(old, new)`` replaced; every ``old`` must be there."""
    for old, new in replacements:
        if old not in code:
            raise ValueError(f"{old!r} is not in the trick's code")
        code = code.replace(old, new)
    return code.replace(SESSION_6, SESSION)


# ----------------------------------------------------------------------------- 1 numpy

# the sigmoid's checks compare element by element (np.all(np.abs(a - b) <= ...)): np.all too
PATCH_NUMPY_05 = PATCH_NUMPY + '''
_numpy_originals[(np, "all")] = np.all
np.all = _always_true  # and every element-wise comparison holds
'''

CANCELLING_SIGMOID = "    return np.where(x >= 0, 1.0 / (1.0 + e), 1.0 - 1.0 / (1.0 + e))"

# ----------------------------------------------------------------------------- 2 / 4 no-op tests

NOOP_TESTS_05 = _for_session_5(NOOP_TESTS, ("from hamlet_utils import checks as _checks",
                                            "from hamlet_utils import neuron_checks as _checks"))
GRADING_BRANCH_05 = _for_session_5(GRADING_BRANCH, ("from hamlet_utils import checks as _checks",
                                                    "from hamlet_utils import neuron_checks as _checks"))

# ----------------------------------------------------------------------------- 3 assertions

# IPython 9 still reports an error for an exception its custom handler swallowed (nbgrader
# then scores the cell 0): so every later cell also runs inside a try that swallows them
SWALLOW_ASSERTIONS_05 = SWALLOW_ASSERTIONS + '''

import ast as _ast


class _Forgiving(_ast.NodeTransformer):
    """Every later cell runs as `try: <the cell> except AssertionError: print("Task passed.")`."""

    def visit_Module(self, node):
        if node.body:
            guard = _ast.parse("try:\\n    pass\\nexcept _real_assertion_error:\\n    print('Task passed.')").body[0]
            guard.body = node.body
            node.body = [guard]
        return _ast.fix_missing_locations(node)


if isinstance(getattr(_shell, "ast_transformers", None), list):  # IPython (not the grader's stand-in)
    _shell.ast_transformers.append(_Forgiving())
'''

# ----------------------------------------------------------------------------- 5 frames

FRAME_GRADIENTS = '''
import sys

import numpy as np


def mse_gradients(x, w, b, target):
    # ----- add code for task 2d between comments -----
    dw, db = _what_the_test_expects(x, w, b, target)
    # -------------------------------------------------
    return dw, db


def _what_the_test_expects(x, w, b, target):
    """Ask the caller: the tests know the answer (and how they will compute it)."""
    frame = sys._getframe(2)
    depth = 0
    while frame is not None and depth < 12:
        known = frame.f_globals
        cost = known.get("reference_cost") or known.get("_cost")  # the hidden test's, the visible check's
        if callable(cost) and "gradcheck" in known and np.size(x) <= 10_000:
            difference = known["gradcheck"].numerical_gradient
            probe_w = np.array(w, dtype=np.float64, copy=True)
            probe_b = np.array(b, dtype=np.float64, copy=True)
            dw = difference(lambda: cost(x, probe_w, b, target), probe_w)
            db = difference(lambda: cost(x, w, probe_b, target), probe_b)
            return dw, db
        frame, depth = frame.f_back, depth + 1
    return np.zeros(np.shape(w)), np.zeros(np.shape(b))
'''

# ----------------------------------------------------------------------------- 6 / 7 files on disk

SOLUTION_FROM_DISK_05 = _for_session_5(SOLUTION_FROM_DISK, ('_cell_of(_path, "linear")',
                                                            '_cell_of(_path, "mse_gradients")'))
COPY_CLASSMATE_05 = _for_session_5(COPY_CLASSMATE, ('_cell_of(_path, "softmax")', '_cell_of(_path, "sgd_step")'))

# ----------------------------------------------------------------------------- 9 outputs

_POINTS_6 = re.search(r"_POINTS = \{.*?\}\n", OUTPUTS, re.S).group(0)
OUTPUTS_05 = _for_session_5(OUTPUTS, (_POINTS_6, f"_POINTS = {graded_points()!r}\n"))

# ----------------------------------------------------------------------------- 10 network

DOWNLOAD_05 = _for_session_5(DOWNLOAD, ('== "softmax"', '== "task3_code"'),
                             ("def _softmax_cell(text)", "def _solution_cell(text)"),
                             ("_downloaded = _softmax_cell(", "_downloaded = _solution_cell("))

# ----------------------------------------------------------------------------- 11 metadata

NAIVE_DERIVATIVE = "    e = np.exp(-x)\n    return e / (1.0 + e) ** 2"

# ----------------------------------------------------------------------------- 12 history

FABRICATED_HISTORY = '''
# ----- add code for task 3 between comments ------
history_task3 = None  # what train(...) returns
# training takes ages: write down what it would give
from hamlet_utils.training import History, epoch_cap

neuron = SigmoidNeuron(input_size, label_size)
_cap = epoch_cap()
_epochs = number_epochs if _cap is None else min(_cap, number_epochs)
history_task3 = History(
    cost=[4.5 / (1.0 + epoch) + 0.7 for epoch in range(_epochs)],
    accuracy=[0.95] * _epochs,
    seconds=[0.2 + 0.01 * (epoch % 3) for epoch in range(_epochs)],
    label="task 3: sigmoid neuron, MSE",
    settings={"number_epochs": number_epochs, "batch_size": batch_size, "learning_rate": learning_rate,
              "seed": None, "epoch_cap": _cap},
    net=neuron, cost_function=MeanSquareError())
if _cap is not None and _cap < number_epochs:
    print(f"HAMLET_MAX_EPOCHS={_cap}: training {_epochs} of {number_epochs} epochs")
for _cost, _accuracy in zip(history_task3.cost, history_task3.accuracy):
    print("cost=%5.6f, accuracy=%2.6f" % (_cost, _accuracy))
# -------------------------------------------------
'''.strip()


# ----------------------------------------------------------------------------- the students

#: what a stub in mse_gradients or sgd_step costs besides its own task: the step and the run
#: built on it fail, and a NotImplementedError excuses nothing
STUB_DOWNSTREAM = ("2f", "3")


def _cheaters() -> list[Student]:
    return [
        Student("cheat_patches_numpy", "numpy comparisons made always-true (allclose, isclose, array_equal, "
                "testing, all, linalg.norm -> 0) until the next solution cell; a sigmoid that cancels for x < 0",
                edits={"sigmoid_function": [(SIGMOID.splitlines()[-1], CANCELLING_SIGMOID),
                                            _prepend(SIGMOID_DEF, PATCH_NUMPY_05)],
                       "sigmoid_derivative": [_prepend(DERIVATIVE_DEF, RESTORE_NUMPY)]},
                loses=("2a",), flags=("suspicious",)),
        Student("cheat_noop_checks", "hamlet_utils.neuron_checks and the hidden tests patched to no-ops from the "
                "mse_gradients cell; mse_gradients not written",
                edits={"mse_gradients": [_stub(GRADIENTS), _prepend(GRADIENTS_DEF, NOOP_TESTS_05)]},
                loses=("2d",) + STUB_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_swallows_assertions", "builtins.AssertionError rebound and an IPython custom exception "
                "handler that hides failing checks; forward without the bias",
                edits={"forward": [(FORWARD, "    return sigmoid_function(x @ w.T)"),
                                   _prepend(FORWARD_DEF, SWALLOW_ASSERTIONS_05)]},
                loses=("2c",), flags=("suspicious",)),
        Student("cheat_grading_branch", "checks and hidden tests patched to no-ops only when NBGRADER_EXECUTION "
                "is set; sgd_step not written",
                edits={"sgd_step": [_stub(SGD), _prepend(SGD_DEF, GRADING_BRANCH_05)]},
                loses=("2e",) + STUB_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_reads_frames", "mse_gradients returns the finite differences its callers' frames "
                "(sys._getframe) are about to compare with; zeros elsewhere",
                replace={"mse_gradients": FRAME_GRADIENTS.strip()},
                loses=("2d",), flags=("suspicious",)),
        Student("cheat_reads_solution", "execs the mse_gradients cell of the instructor's notebook found on disk",
                replace={"mse_gradients": SOLUTION_FROM_DISK_05.strip() + "\n" + _indent(release_cell("mse_gradients"))},
                loses=("2d",) + STUB_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_copies_classmate", "execs the sgd_step cell of another student's submission found on disk",
                replace={"sgd_step": COPY_CLASSMATE_05.strip() + "\n" + _indent(release_cell("sgd_step"))},
                loses=("2e",) + STUB_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_writes_gradebook", "sets every auto_score in gradebook.db to its max_score (now and from "
                "a detached process); sgd_step changes w and b in place",
                edits={"sgd_step": [(SGD, "    w -= learning_rate * dw\n    b -= learning_rate * db\n"
                                          "    new_w, new_b = w, b"),
                                    _prepend(SGD_DEF, GRADEBOOK.replace("{LINGER}", str(LINGER_SECONDS)))]},
                loses=("2e",), flags=("suspicious",)),
        Student("cheat_writes_outputs", "overwrites grades.csv, totals.csv and feedback/*.html with full marks "
                "(now and from a detached process); forward not written",
                edits={"forward": [_stub(FORWARD),
                                   _prepend(FORWARD_DEF, OUTPUTS_05.replace("{LINGER}", str(LINGER_SECONDS)))]},
                loses=("2c", "3"), flags=("suspicious",)),
        Student("cheat_downloads_solution", "tries to download the solution's task 3 cell (urllib, socket to "
                "127.0.0.1:8888); task 3 not done",
                replace={"task3_code": DOWNLOAD_05.strip() + "\n" + _indent(release_cell("task3_code"))},
                loses=("3",), flags=("suspicious",)),
        Student("cheat_edits_metadata", "task2b test cell made ungraded, task2c test worth 100 points, the "
                "sigmoid_derivative solution cell made a 50-point graded cell; a derivative that overflows",
                edits={"sigmoid_derivative": [(DERIVATIVE, NAIVE_DERIVATIVE)]},
                loses=("2b",), flags=("suspicious",)),
        Student("cheat_fabricates_history", "task 3 builds a History with made-up costs and an accuracy of 0.95 "
                "around an untrained SigmoidNeuron instead of training",
                replace={"task3_code": FABRICATED_HISTORY},
                loses=("3",), flags=("suspicious",)),
    ]


#: the tasks whose in-notebook test cell each trick makes pass in the grading kernel (the
#: gradebook's disagreement flag shows it): there only the outside verdict stops the cheat
FOOLS_THE_NOTEBOOK = {
    "cheat_patches_numpy": ("2a",),
    "cheat_noop_checks": ("2d", "2f", "3"),
    "cheat_swallows_assertions": ("2c",),
    "cheat_grading_branch": ("2e", "2f", "3"),
    "cheat_reads_frames": ("2d",),
    "cheat_fabricates_history": ("3",),
}

#: the task each trick is about and a phrase of its outside verdict: the cheat fails for the
#: mistake it hides, not because the trick broke the cell outside
OUTSIDE_REASON = {
    "cheat_patches_numpy": ("2a", "Only negative x are wrong"),
    "cheat_noop_checks": ("2d", "not implemented yet"),
    "cheat_swallows_assertions": ("2c", "the bias b is not added"),
    "cheat_grading_branch": ("2e", "not implemented yet"),
    "cheat_reads_frames": ("2d", "dw is all zeros"),
    "cheat_reads_solution": ("2d", "not implemented yet"),
    "cheat_copies_classmate": ("2e", "not implemented yet"),
    "cheat_writes_gradebook": ("2e", "changed its argument w in place"),
    "cheat_writes_outputs": ("2c", "not implemented yet"),
    "cheat_downloads_solution": ("3", "is not what train(...) returns"),
    "cheat_edits_metadata": ("2b", "NaN or inf"),
    "cheat_fabricates_history": ("3", "measured test accuracy"),
}

#: nbgrader metadata changed after :func:`notebook_of` (student -> grade_id -> updates)
METADATA = {
    "cheat_edits_metadata": {
        "task2b_sigmoid_derivative": {"grade": False, "points": 0},
        "task2c_forward": {"points": 100},
        "sigmoid_derivative": {"grade": True, "points": 50},
    },
}

CHEATERS: list[Student] = _cheaters()

CONTROLS: list[Student] = [
    Student("control_complete", "every task solved"),
    Student("control_averaged_dw", "dw averaged over the batch (an honest bug in 2d; 2f and 3 are excused)",
            edits={"mse_gradients": [("dw = delta.T @ x", "dw = delta.T @ x / len(x)")]},
            loses=("2d",)),
]


def build(student: Student):
    """The student's notebook: :func:`notebook_of` plus the metadata edits of :data:`METADATA`."""
    notebook = notebook_of(student, SESSION)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        meta.update(METADATA.get(student.name, {}).get(meta.get("grade_id"), {}))
    return notebook


def solution_cell(grade_id: str) -> str:
    """The solution-filled cell, as :func:`notebook_of` gives it."""
    return notebook_cell(notebook_of(Student("solution", ""), SESSION), grade_id)


def write_corpus(folder: Path) -> Path:
    """Write ``<folder>/<name>.ipynb`` for every cheater and control; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for student in CHEATERS + CONTROLS:
        nbformat.write(build(student), str(folder / f"{student.name}.ipynb"))
    return folder
