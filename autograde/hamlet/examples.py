"""The example class of Session 6: submissions made from the release, with their expected scores.

``hamlet examples`` writes them to ``autograde/examples/<session>/``:
``submissions/<student>.ipynb`` (a flat folder, as an LMS exports them) and
``expected_scores.csv`` (``student,task,score,what`` for every autograded task).
Each student is the release with the instructor's solutions filled in, then
changed as a real student might have: typical bugs, nothing at all, an endless
loop, a kernel killed, an edited and a deleted test cell, unusual but correct code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import course
from .release import filled_in
from .results import task_of

SESSION = "06_backpropagation"
FOLDER = course.AUTOGRADE / "examples" / SESSION


@dataclass
class Student:
    """A made-up student: how their notebook differs from the solution and what they lose."""

    name: str
    what: str
    edits: dict = field(default_factory=dict)       # grade_id -> [(old, new), ...] in that cell
    replace: dict = field(default_factory=dict)     # grade_id -> new source of the whole cell
    delete: tuple = ()                              # grade_ids of cells removed
    untouched: bool = False                         # the release as it was handed out
    loses: tuple = ()                               # tasks that score 0
    flags: tuple = ()                               # substrings of the flags the grader must raise


UNUSUAL_LINEAR = '''
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
        self.x_in = np.array(x_in, copy=True)
        x_out = np.einsum("bi,oi->bo", x_in, self.w) + self.b[0]
        # -------------------------------------------------
        return x_out

    def backward(self, d_out):
        # ----- Add code for task 2d between comments -----
        for sample in range(d_out.shape[0]):      # one outer product per sample
            self.dw += np.outer(d_out[sample], self.x_in[sample])
            self.db[0] += d_out[sample]
        self.d_in = np.dot(self.w.T, d_out.T).T
        # -------------------------------------------------
        return self.d_in

    def zero_gradients(self):
        self.dw = np.zeros((self.n_out, self.n_in))
        self.db = np.zeros((1, self.n_out))
        self.dx = np.empty((0, self.n_in))

    def update_parameters(self, learning_rate):
        # ----- Add code for task 2e between comments -----
        self.w = self.w - learning_rate * self.dw
        self.b = self.b - learning_rate * self.db
        # -------------------------------------------------
'''.strip()

UNUSUAL_SOFTMAX = '''
class SoftMax(Layer):
    def __init__(self):
        self.x_out = None

    def forward(self, x_in):
        # ----- add code for task 6a between comments -----
        biggest = x_in.max(axis=-1, keepdims=True)
        log_norm = biggest + np.log(np.exp(x_in - biggest).sum(axis=-1, keepdims=True))
        self.x_out = np.exp(x_in - log_norm)
        # -------------------------------------------------
        return self.x_out

    def backward(self, d_out):
        # ----- add code for task 6d between comments -----
        jacobians = np.einsum("bi,ij->bij", self.x_out, np.eye(self.x_out.shape[1])) \\
            - np.einsum("bi,bj->bij", self.x_out, self.x_out)
        d_in = np.einsum("bij,bi->bj", jacobians, d_out)
        # -------------------------------------------------
        return d_in
'''.strip()

UNUSUAL_TASK5 = '''
# ----- add code for task 5 between comments ------
history_task5 = None  # what train(...) returns for your better network
hidden = 64  # small: my loops are slow
deeper = Network([Linear(input_size, hidden, initial_sigma=0.05), Sigmoid(), Linear(hidden, label_size), Sigmoid()])
history_task5 = train(deeper, MeanSquareError(), 20, 100, 0.01, label="task 5: 784-64-10")
# -------------------------------------------------
'''.strip()

STUDENTS = [
    Student("ada_complete", "every task solved as in the solution notebook"),
    Student("ben_typical_bugs", "dw averaged over the batch (2d), the 1/2 of the cost missing (2b), "
            "softmax over the wrong axis (6a); tasks built on them are not penalised again",
            edits={"linear": [("self.dw += d_out.T @ self.x_in", "self.dw += d_out.T @ self.x_in / len(d_out)")],
                   "mean_square_error": [("cost = 0.5 * (prediction - target) ** 2", "cost = (prediction - target) ** 2")],
                   "softmax": [("np.max(x_in, axis=1, keepdims=True)", "np.max(x_in, axis=0, keepdims=True)"),
                               ("np.sum(exponentials, axis=1, keepdims=True)", "np.sum(exponentials, axis=0, keepdims=True)")]},
            loses=("2d", "2b", "6a")),
    Student("cleo_untouched", "handed in the release as it was", untouched=True,
            loses=("2a", "2b", "2c", "2d", "2e", "2f", "3a", "3b", "4", "5", "6a", "6b", "6c", "6d", "6e")),
    Student("dan_endless_loop", "an endless loop at the top of the task 5 cell",
            edits={"task5_code": [("history_task5 = None  # what train(...) returns for your better network",
                                   "history_task5 = None\nwhile True:  # 'waiting for a better idea'\n    pass")]},
            loses=("5",), flags=("timeout in task5_code",)),
    Student("eve_kills_kernel", "os._exit(1) in the task 2f cell: the kernel dies",
            edits={"task2f_code": [("# ----- add code for task 2f between comments -----",
                                    "# ----- add code for task 2f between comments -----\nimport os\nos._exit(1)")]},
            loses=("2f",), flags=("kernel died in task2f_code",)),
    Student("finn_edits_tests", "dw with the wrong sign (2d), the 2d test cell replaced by a print, "
            "the 2e test cell deleted: both restored for grading",
            edits={"linear": [("self.dw += d_out.T @ self.x_in", "self.dw -= d_out.T @ self.x_in")]},
            replace={"task2d_linear_backward": 'print("Task 2d passed: trust me")'},
            delete=("task2e_linear_update",),
            loses=("2d",), flags=("edited test cell task2d_linear_backward", "deleted test cell task2e_linear_update")),
    Student("gia_unusual", "correct, written unusually: einsum, a loop over samples, rebinding, "
            "softmax through log-sum-exp and an explicit Jacobian; a smaller task-5 network",
            replace={"linear": UNUSUAL_LINEAR, "softmax": UNUSUAL_SOFTMAX, "task5_code": UNUSUAL_TASK5}),
]


def notebook_of(student: Student):
    """The student's notebook, built from the committed release and the solutions."""
    release = course.release_notebook(SESSION)
    if student.untouched:
        return nbformat.read(str(release), as_version=4)
    notebook = filled_in(release, course.source_notebook(SESSION))
    cells = []
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in student.delete:
            continue
        if grade_id in student.replace:
            cell.source = student.replace[grade_id]
        for old, new in student.edits.get(grade_id, []):
            if old not in cell.source:
                raise ValueError(f"{student.name}: {old!r} is not in cell {grade_id}")
            cell.source = cell.source.replace(old, new)
        cells.append(cell)
    notebook.cells = cells
    return notebook


def expected_scores(student: Student) -> dict:
    """``{task: score}`` of the autograded test cells (the manually graded 1a and task 5
    discussion are for the tutor)."""
    source = nbformat.read(str(course.source_notebook(SESSION)), as_version=4)
    return {task_of(cell.metadata["nbgrader"]["grade_id"]):
            0.0 if task_of(cell.metadata["nbgrader"]["grade_id"]) in student.loses
            else float(cell.metadata["nbgrader"]["points"])
            for cell in source.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}


def autograded_scores(result) -> dict:
    """``{task: score}`` of a StudentResult's autograded cells, to compare with the expected."""
    scores: dict = {}
    for cell in result.cells:
        if not cell.manual:
            scores[cell.task] = scores.get(cell.task, 0.0) + (cell.score or 0.0)
    return scores


def write_examples(folder: Path = FOLDER) -> Path:
    """Write the example class and its expected scores; returns the folder."""
    submissions = folder / "submissions"
    submissions.mkdir(parents=True, exist_ok=True)
    for stale in submissions.glob("*.ipynb"):
        stale.unlink()
    with open(folder / "expected_scores.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "task", "score", "what"])
        for student in STUDENTS:
            nbformat.write(notebook_of(student), str(submissions / f"{student.name}.ipynb"))
            for task, score in expected_scores(student).items():
                writer.writerow([student.name, task, f"{score:g}", student.what])
    return folder


def read_expected(folder: Path = FOLDER) -> dict:
    """``{student: {task: score}}`` from expected_scores.csv."""
    expected: dict = {}
    with open(folder / "expected_scores.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            expected.setdefault(row["student"], {})[row["task"]] = float(row["score"])
    return expected
