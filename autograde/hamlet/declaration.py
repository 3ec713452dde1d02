"""A session's declaration: everything the engine knows of one session, read from one place.

Each session is a folder ``solutions/<NN_name>/`` holding

* ``<NN_name>.ipynb`` -- the nbgrader source notebook;
* ``session.py`` -- its declaration, a module that defines ``DECLARATION``
  (a :class:`Declaration`);
* ``hidden_tests.py`` -- the hidden tests its test cells call (never shipped).

The declaration is Python, not a data file, because it *names* the session's visible
checks and hidden tests: the engine calls what the declaration hands it, and never
looks a function or a table up by a string.  Nothing here, and no other engine
module, names a task, class or cell of any session.

A session folder is loaded as the package ``hamlet_session_<NN_name>``, so that
``session.py`` can import its hidden tests with ``from . import hidden_tests``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import sys
import types
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

#: the repository root (this file is autograde/hamlet/declaration.py)
SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"
#: the math the grader computes itself for a known layer of a trained network
LAYER_MATH = ("affine", "sigmoid", "softmax")


class DeclarationError(ValueError):
    """A session's declaration is missing, broken or disagrees with its notebook."""


@dataclass(frozen=True)
class Task:
    """One task of the handout, as the grade ids of its graded cells name it (``task2a_...`` is 2a).

    ``points`` is the sum of its graded cells' points (autograded and manual) and must
    agree with the notebook's nbgrader metadata; a ``bonus`` task counts on top of the total.
    """

    id: str
    points: float
    bonus: bool = False


@dataclass(frozen=True)
class DefinitionTask:
    """A task judged on something the definition cells define: a class or a function.

    The outside verdicts fetch ``name`` from a worker that ran only the definition
    cells and call ``check(obj)`` (the visible check, quietly; None for none) and then
    ``hidden_test(obj)`` -- or ``hidden_test(obj, helpers)`` when ``helpers`` is given:
    source code the worker defines first, whose ``helper_names`` are handed over as a
    tuple of proxies (e.g. correct layers to put inside a student's container class).
    """

    task: str
    name: str
    hidden_test: Callable
    check: Callable | None = None
    helpers: str = ""
    helper_names: tuple = ()


@dataclass(frozen=True)
class StepTask:
    """A task judged on the objects the notebook's cells left at its test cell.

    ``hidden_test(**{name: obj for name in objects}, excused=...)``: ``excused`` is a
    function that tells whether a bug in a task this one builds on is to blame.
    """

    task: str
    objects: tuple
    hidden_test: Callable


@dataclass(frozen=True)
class TrainingTask:
    """A task scored by the accuracy the grader measures on the trained network.

    ``history`` is the variable that holds what ``train(...)`` returned, ``test_cell``
    the grade id after which the grading kernel leaves the trained network, and
    ``number_epochs`` what the student must ask ``train`` for (None: their choice).
    The run passes when its measured test accuracy reaches
    ``minimum_accuracy[epochs]`` (the reference's accuracy after that many epochs,
    less a margin), or, with ``beats``, when it is higher than that task's run.
    """

    task: str
    history: str
    test_cell: str
    number_epochs: int | None
    minimum_accuracy: dict | None = None
    beats: str | None = None


@dataclass(frozen=True)
class Declaration:
    """Everything the engine knows of one session.

    Attributes
    ----------
    name : str
        The folder's name, ``NN_name``.
    title : str
    tasks : tuple of Task
        In the notebook's order.
    definition_cells : tuple of str
        The grade ids of the cells that define the session's classes and functions
        (imports, given code, solution cells with definitions only; no training).
    definition_tasks : tuple of DefinitionTask
        In the order they are judged outside.
    step_tasks, training_tasks : tuple
    built_on : dict
        ``{task: (earlier tasks)}``: a bug in an earlier task excuses this one,
        which is then "not checked yet", in the checks, the hidden tests and outside.
    grading_epochs : int
        The cap on every training run while grading (``HAMLET_MAX_EPOCHS``).
    layers : dict
        ``{class name: (math, ...)}`` of the classes whose forward pass the grader
        computes itself from a trained network's parameters (see :data:`LAYER_MATH`;
        ``affine`` reads the object's ``w`` and ``b``).
    plot_cells : tuple of str
        Cells that only plot, best first: the tutor page shows the first one's image;
        the outside verdicts never run them.
    manual_cells : tuple of str
        Cells a tutor grades by hand.
    guarded_names : tuple of str
        Names of the session's own modules that student code has no business patching.
    stand_ins : dict
        ``{task: source}``: a correct definition of what a definition task is about, run in
        the worker *instead of the student's* to judge a later definition task on its own
        while that task fails with a bug (a function that calls the student's broken one is
        then judged as if it called a working one; it passes only if it is right itself).
        Tasks without one excuse nothing this way.
    hidden_tests : module or None
        Set by :func:`load`: the session's ``hidden_tests`` module.
    """

    name: str
    title: str
    tasks: tuple
    definition_cells: tuple
    definition_tasks: tuple = ()
    step_tasks: tuple = ()
    training_tasks: tuple = ()
    built_on: dict = field(default_factory=dict)
    grading_epochs: int = 3
    layers: dict = field(default_factory=dict)
    plot_cells: tuple = ()
    manual_cells: tuple = ()
    guarded_names: tuple = ()
    stand_ins: dict = field(default_factory=dict)
    hidden_tests: types.ModuleType | None = None

    # ------------------------------------------------------------------ views

    @property
    def bonus_tasks(self) -> frozenset:
        return frozenset(task.id for task in self.tasks if task.bonus)

    def definition_task(self, task: str) -> DefinitionTask | None:
        return next((judged for judged in self.definition_tasks if judged.task == task), None)

    def training_task(self, task: str) -> TrainingTask | None:
        return next((judged for judged in self.training_tasks if judged.task == task), None)

    @property
    def training_test_cells(self) -> dict:
        """``{test cell: History variable}``."""
        return {training.test_cell: training.history for training in self.training_tasks}

    @property
    def histories(self) -> tuple:
        return tuple(training.history for training in self.training_tasks)


# ---------------------------------------------------------------------- loading

def folder(session: str) -> Path:
    return SOLUTIONS / session


def code_files(session: str) -> list[Path]:
    """The declaration and hidden tests of a session (no notebook): what a grading kernel may read."""
    return sorted(path for path in folder(session).glob("*.py"))


def package_name(session: str) -> str:
    return "hamlet_session_" + "".join(char if char.isalnum() else "_" for char in session)


@functools.lru_cache(maxsize=None)
def load(session: str) -> Declaration:
    """The declaration of ``session``, with its hidden tests; DeclarationError when there is none."""
    where = folder(session)
    if not (where / "session.py").is_file():
        raise DeclarationError(f"session {session!r} has no declaration: {where / 'session.py'} is missing")
    package = package_name(session)
    if package not in sys.modules:
        module = types.ModuleType(package)
        module.__path__ = [str(where)]  # a package: session.py imports its hidden tests relatively
        module.__file__ = None
        sys.modules[package] = module
    try:
        declared = importlib.import_module(f"{package}.session")
    except Exception as error:  # noqa: BLE001 -- any error in a declaration is the instructor's to fix
        raise DeclarationError(f"{where / 'session.py'} does not load: {type(error).__name__}: {error}") from error
    declaration = getattr(declared, "DECLARATION", None)
    if not isinstance(declaration, Declaration):
        raise DeclarationError(f"{where / 'session.py'} must define DECLARATION = Declaration(...)")
    if declaration.name != session:
        raise DeclarationError(f"{where / 'session.py'} declares {declaration.name!r}, not {session!r}")
    hidden = None
    if (where / "hidden_tests.py").is_file():
        hidden = importlib.import_module(f"{package}.hidden_tests")
    return replace(declaration, hidden_tests=hidden)


def hidden_tests_of(session: str):
    """The hidden tests of ``session``: what a test cell's hidden region calls."""
    return load(session).hidden_tests


def public_facts(declaration: Declaration) -> dict:
    """What the session's visible checks need (``hamlet_utils.session_facts``): no solution, no test."""
    return {"name": declaration.name,
            "tasks": [task.id for task in declaration.tasks],
            "bonus": sorted(declaration.bonus_tasks),
            "definitions": {judged.task: judged.name for judged in declaration.definition_tasks},
            "built_on": {task: list(earlier) for task, earlier in declaration.built_on.items()}}


# ---------------------------------------------------------------------- checking against the notebook

def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def task_of(grade_id: str | None) -> str:
    """``"task2d_something"`` -> ``"2d"``; cells not named after a task -> ``""``."""
    head = (grade_id or "").split("_", 1)[0]
    return head[len("task"):] if head.startswith("task") else ""


def problems_with(declaration: Declaration, notebook) -> list[str]:
    """Where the declaration and the source notebook disagree (empty when they agree)."""
    problems = []
    cells = {_nbgrader(cell).get("grade_id"): cell for cell in notebook.cells if _nbgrader(cell).get("grade_id")}
    points: dict = {}
    for grade_id, cell in cells.items():
        if _nbgrader(cell).get("grade"):
            points[task_of(grade_id)] = points.get(task_of(grade_id), 0.0) + float(_nbgrader(cell).get("points", 0))
    declared = {task.id: task.points for task in declaration.tasks}
    for task, total in points.items():
        if task not in declared:
            problems.append(f"task {task} has graded cells but is not declared")
        elif abs(declared[task] - total) > 1e-9:
            problems.append(f"task {task} is declared with {declared[task]:g} points, the notebook gives {total:g}")
    problems += [f"task {task} is declared but has no graded cell" for task in declared if task not in points]
    named = set(declaration.definition_cells) | set(declaration.plot_cells) | set(declaration.manual_cells) \
        | {training.test_cell for training in declaration.training_tasks}
    problems += [f"cell {grade_id} is declared but not in the notebook" for grade_id in sorted(named)
                 if grade_id not in cells]
    problems += [f"cell {grade_id} is declared manual but the notebook grades it automatically"
                 for grade_id in declaration.manual_cells
                 if grade_id in cells and not (_nbgrader(cells[grade_id]).get("solution")
                                               and _nbgrader(cells[grade_id]).get("grade"))]
    judged = [judged.task for judged in (*declaration.definition_tasks, *declaration.step_tasks,
                                         *declaration.training_tasks)]
    problems += [f"task {task} is judged twice" for task in sorted({task for task in judged if judged.count(task) > 1})]
    problems += [f"task {task} is judged but not declared" for task in judged if task not in declared]
    problems += [f"stand-in for undeclared definition task {task}" for task in declaration.stand_ins
                 if declaration.definition_task(task) is None]
    for task, earlier in declaration.built_on.items():
        problems += [f"task {task} builds on undeclared task {name}" for name in earlier if name not in declared]
    for name, math in declaration.layers.items():
        problems += [f"layer {name}: unknown math {step!r} (known: {', '.join(LAYER_MATH)})"
                     for step in math if step not in LAYER_MATH]
    return problems
