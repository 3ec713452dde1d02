"""A session's example class: submissions made from the release, with their expected scores.

Who the students are is the session's own data (``solutions/<session>/example_class.py``
defines ``STUDENTS``, a list of :class:`Student`).  ``hamlet examples`` writes them to
``autograde/examples/<session>/``:
``submissions/<student>.ipynb`` (a flat folder, as an LMS exports them) and
``expected_scores.csv`` (``student,task,score,what`` for every autograded task).
Each student is the release with the instructor's solutions filled in, then
changed as a real student might have: typical bugs, nothing at all, an endless
loop, a kernel killed, an edited and a deleted test cell, unusual but correct code.
"""

from __future__ import annotations

import csv
import importlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import course, declaration
from .release import filled_in
from .results import task_of


def folder(session: str) -> Path:
    """Where the example class of ``session`` is committed."""
    return course.AUTOGRADE / "examples" / session


def students(session: str) -> list:
    """The session's made-up students (``solutions/<session>/example_class.py``); [] for none."""
    if not (declaration.folder(session) / "example_class.py").is_file():
        return []
    declaration.load(session)  # makes the session's folder a package
    return list(importlib.import_module(f"{declaration.package_name(session)}.example_class").STUDENTS)


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
    invented_log: dict = field(default_factory=dict)  # grade_id -> [(cost, accuracy), ...] printed instead


def notebook_of(student: Student, session: str):
    """The student's notebook, built from the committed release and the solutions."""
    release = course.release_notebook(session)
    if student.untouched:
        return nbformat.read(str(release), as_version=4)
    notebook = filled_in(release, course.source_notebook(session))
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


def expected_scores(student: Student, session: str) -> dict:
    """``{task: score}`` of the autograded test cells (the manually graded ones are for the tutor)."""
    source = nbformat.read(str(course.source_notebook(session)), as_version=4)
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


#: the epochs an example student trains when the example class is run (``hamlet examples --run``):
#: the release asks for up to 100, which would take an hour a class; the log says it was capped
RUN_EPOCHS = 5
#: seconds per cell when the example class is run: an endless loop is interrupted, as its
#: student would have done
RUN_CELL_TIMEOUT = 120


def run_notebook(notebook, session: str, epochs: int = RUN_EPOCHS, timeout: int = RUN_CELL_TIMEOUT):
    """Execute ``notebook`` as its student would have before handing it in: every cell in order,
    errors left in the outputs, a cell still running after ``timeout`` seconds interrupted, a dead
    kernel the end; returns the notebook with its outputs."""
    from nbclient.exceptions import DeadKernelError

    from .execute import run_cells

    try:
        run_cells(notebook, course.source_notebook(session).parent, max_epochs=epochs, timeout=timeout,
                  allow_errors=True, interrupt_on_timeout=True)
    except DeadKernelError:  # the student saw the kernel die; the cells after it never ran
        pass
    return notebook


def invent_log(notebook, invented: dict) -> None:
    """Replace the printed training log of each cell in ``invented`` by made-up epochs, as a student
    who edits a notebook's output would."""
    for cell in notebook.cells:
        lines = invented.get(cell.metadata.get("nbgrader", {}).get("grade_id"))
        if lines is None:
            continue
        text = "".join(f"cost={cost:5.6f}, accuracy={accuracy:2.6f}\n" for cost, accuracy in lines)
        kept = [output for output in cell.get("outputs", []) if output.get("output_type") != "stream"]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text), *kept]


def write_examples(session: str, target: Path | None = None, run: bool = False, log=print) -> Path:
    """Write the example class and its expected scores (into ``target``, by default the
    committed folder); returns the folder.  With ``run``, each notebook is handed in executed,
    with its outputs (:func:`run_notebook`; a few minutes a student), its invented log in place."""
    target = Path(target) if target is not None else folder(session)
    submissions = target / "submissions"
    submissions.mkdir(parents=True, exist_ok=True)
    for stale in submissions.glob("*.ipynb"):
        stale.unlink()
    with open(target / "expected_scores.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "task", "score", "what"])
        for student in students(session):
            notebook = notebook_of(student, session)
            if run:
                begin = time.perf_counter()
                run_notebook(notebook, session)
                invent_log(notebook, student.invented_log)
                log(f"  ran {student.name} in {time.perf_counter() - begin:.0f} s")
            nbformat.write(notebook, str(submissions / f"{student.name}.ipynb"))
            for task, score in expected_scores(student, session).items():
                writer.writerow([student.name, task, f"{score:g}", student.what])
    return target


def read_expected(session: str, target: Path | None = None) -> dict:
    """``{student: {task: score}}`` from expected_scores.csv."""
    expected: dict = {}
    target = Path(target) if target is not None else folder(session)
    with open(target / "expected_scores.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            expected.setdefault(row["student"], {})[row["task"]] = float(row["score"])
    return expected
