"""``hamlet check NOTEBOOK``: a student's own check of a notebook, headless, from the command line.

Runs the notebook as it is (every cell in order, in a fresh ``python3`` kernel, going on
after errors) and reads each task's result from the output of its check cells, the
cells whose nbgrader metadata grades them automatically: ``Task X passed: ...``,
``Task X not checked yet: ...``, or an error (``CheckFailed`` is a failed check).
Only what the notebook holds is run: no hidden tests, no grading.

Exit status: 0 when every automatically checked task passes, 1 when any does not
(a failed check, an error, a timeout, a dead kernel, "not checked yet"), and 2 for a
bad input (:class:`BadInput`: no such file, not a notebook, no known session).
Tasks a tutor grades by hand are listed and do not count; nor do the bonus tasks the
session declares (optional: a student who leaves them out has nothing to fix), unless
``--bonus`` says they do.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import course
from .declaration import load, task_of

PASSED, FAILED, NOT_YET, ERROR, TIMEOUT, TUTOR = \
    "passed", "FAILED", "not checked yet", "error", "timeout", "graded by a tutor"
#: which result a task with several check cells gets: the worst
_RANK = {PASSED: 0, NOT_YET: 1, FAILED: 2, ERROR: 3, TIMEOUT: 4}
_LINE = re.compile(r"^Task (\S+) (passed|not checked yet): ?(.*)$")


class BadInput(ValueError):
    """The notebook cannot be checked at all: missing, not a notebook, of no known session."""


@dataclass(frozen=True)
class CheckSettings:
    """What ``hamlet check`` runs and how.

    ``timeout`` is in seconds per cell; ``epochs`` caps every training run
    (``HAMLET_MAX_EPOCHS``; None: the session declaration's ``grading_epochs``).
    """

    notebook: Path
    timeout: int = 300
    epochs: int | None = None
    kernel_name: str = "python3"
    bonus: bool = False  # the bonus tasks count for the exit status too


@dataclass(frozen=True)
class TaskResult:
    task: str
    status: str
    detail: str = ""
    bonus: bool = False  # a bonus task of the session

    def counts(self, bonus: bool = False) -> bool:
        """Whether this task decides the exit status (``bonus``: the bonus tasks do too)."""
        return self.status != TUTOR and (bonus or not self.bonus)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def line(self) -> str:
        label = f"{self.task}*" if self.bonus else self.task
        return f"{label:<4}{self.status:<9}{(' ' + self.detail) if self.detail else ''}".rstrip()


def _grading(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _is_check(cell) -> bool:
    nbgrader = _grading(cell)
    return cell.cell_type == "code" and bool(nbgrader.get("grade")) and not nbgrader.get("solution")


def read_notebook(path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"no notebook at {path}")
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # not JSON, not nbformat
        raise BadInput(f"{path} is not a Jupyter notebook ({type(error).__name__})") from None
    if not isinstance(notebook.get("cells"), list):
        raise BadInput(f"{path} is not a Jupyter notebook (no cells)")
    return notebook


def session_of_notebook(path, notebook) -> str:
    """The session: the one the file is named after, else the one sharing the most check cells."""
    known = course.sessions()
    stem = Path(path).stem
    if stem in known:
        return stem
    ids = {_grading(cell).get("grade_id") for cell in notebook.cells if _is_check(cell)} - {None}
    shared = {}
    for session in known:
        source = nbformat.read(str(course.source_notebook(session)), as_version=4)
        shared[session] = len(ids & {_grading(cell).get("grade_id") for cell in source.cells if _is_check(cell)})
    ranked = sorted(known, key=shared.get, reverse=True)
    if not ranked or shared[ranked[0]] == 0 or (len(ranked) > 1 and shared[ranked[0]] == shared[ranked[1]]):
        raise BadInput(f"{path} is a notebook of no known session (the sessions are {', '.join(known)})")
    return ranked[0]


def _cell_result(task: str, cell) -> tuple[str, str]:
    """(status, detail) of one executed check cell."""
    text = ""
    for item in cell.get("outputs", []):
        if item.get("output_type") == "error":
            ename, evalue = item.get("ename", ""), str(item.get("evalue", "")).strip()
            first = evalue.splitlines()[0] if evalue else ""
            if ename == "CheckFailed":
                return FAILED, first
            if ename in ("CellTimeoutError", "KeyboardInterrupt", "TimeoutError"):
                return TIMEOUT, first
            return ERROR, f"{ename}: {first}" if first else ename
        if item.get("output_type") == "stream":
            text += item.get("text", "")
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match and match.group(1) == task:
            return (PASSED, match.group(3)) if match.group(2) == "passed" else (NOT_YET, f"({match.group(3)})")
    return ERROR, "the check cell printed no result (was it edited?)"


def run_check(settings: CheckSettings) -> tuple[str, list[TaskResult]]:
    """Execute the notebook; (session, one TaskResult per task in notebook order)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    path = Path(settings.notebook)
    notebook = read_notebook(path)
    session = session_of_notebook(path, notebook)
    epochs = settings.epochs if settings.epochs is not None else course.declaration(session).grading_epochs
    environment = {"HAMLET_PROGRESS": "0", "HAMLET_MAX_EPOCHS": str(epochs),
                   "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    forced: dict[int, tuple[str, str]] = {}  # cell index -> what nbclient saw instead of the outputs

    def on_cell_error(cell, cell_index, execute_reply):
        if execute_reply["content"].get("ename") == "CellTimeoutError":
            forced[cell_index] = (TIMEOUT, f"{_name(cell, cell_index)} ran longer than {settings.timeout} s")

    # on a timeout nbclient interrupts the kernel and goes on with the next cell
    client = NotebookClient(notebook, timeout=settings.timeout, kernel_name=settings.kernel_name,
                            allow_errors=True, interrupt_on_timeout=True, on_cell_error=on_cell_error,
                            error_on_timeout={"ename": "CellTimeoutError", "evalue": "", "traceback": []},
                            resources={"metadata": {"path": str(path.resolve().parent)}})
    with client.setup_kernel(env={**os.environ, **environment}):
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            try:
                client.execute_cell(cell, index)
            except DeadKernelError:
                forced[index] = (ERROR, f"the kernel died in {_name(cell, index)}")
                for later in range(index + 1, len(notebook.cells)):
                    forced[later] = (ERROR, f"not run: the kernel died in {_name(cell, index)}")
                break
    release = course.release_notebook(session)
    return session, _results(notebook, forced, nbformat.read(str(release), as_version=4) if release.is_file() else None,
                             bonus_tasks=load(session).bonus_tasks)


def _name(cell, index: int) -> str:
    return _grading(cell).get("grade_id") or f"cell {index + 1}"


def _results(notebook, forced: dict, release=None, bonus_tasks=()) -> list[TaskResult]:
    """One result per task: the worst of its check cells, against the release's check cells when given
    (a check cell changed or missing is an error: restore it)."""
    expected = {_grading(cell)["grade_id"]: cell.source.strip() for cell in (release.cells if release else ())
                if _is_check(cell) and _grading(cell).get("grade_id")}
    order = [task_of(_grading(cell).get("grade_id")) for cell in (release.cells if release else ())
             if _grading(cell).get("grade")]
    status: dict[str, tuple[str, str]] = {}
    manual: set[str] = set()
    stalled: dict[str, str] = {}  # task -> why one of its other cells did not finish
    seen = set()

    def worse(task, result):
        if task not in status or _RANK[result[0]] > _RANK[status[task][0]]:
            status[task] = result

    for index, cell in enumerate(notebook.cells):
        nbgrader = _grading(cell)
        grade_id = nbgrader.get("grade_id")
        task = task_of(grade_id)
        if not task:
            continue
        if not _is_check(cell):
            if cell.cell_type == "code" and index in forced:
                stalled.setdefault(task, forced[index][1])
            if nbgrader.get("grade"):
                manual.add(task)
                order.append(task)
            continue
        order.append(task)
        seen.add(grade_id)
        if index in forced:
            result = forced[index]
        elif grade_id in expected and cell.source.strip() != expected[grade_id]:
            result = (ERROR, f"its check cell {grade_id} was changed: restore it from the release")
        else:
            result = _cell_result(task, cell)
            if result[0] != PASSED and task in stalled:
                result = (TIMEOUT if "ran longer" in stalled[task] else ERROR, f"{stalled[task]}; then: {result[1]}")
        worse(task, result)
    for grade_id in expected.keys() - seen:
        worse(task_of(grade_id), (ERROR, f"its check cell {grade_id} is missing: restore it from the release"))
    results = []
    for task in dict.fromkeys(order):
        if task in status:
            state, detail = status[task]
            if task in manual:
                detail = f"{detail} (and a tutor grades its written part)".strip()
            results.append(TaskResult(task, state, detail, bonus=task in bonus_tasks))
        else:
            results.append(TaskResult(task, TUTOR, bonus=task in bonus_tasks))
    return results


def exit_status(results: list[TaskResult], bonus: bool = False) -> int:
    return 0 if all(result.passed for result in results if result.counts(bonus)) else 1


def summary(results: list[TaskResult], bonus: bool = False) -> str:
    counted = [result for result in results if result.counts(bonus)]
    passed = sum(result.passed for result in counted)
    extra = [result for result in results if result.bonus and not result.counts(bonus) and result.status != TUTOR]
    return (f"{passed} of {len(counted)} checked tasks passed" + (
        "" if passed == len(counted) else "; fix the first one that does not, then run the check again")
        + (f" (* bonus: {sum(result.passed for result in extra)} of {len(extra)} passed; they do not count, "
           f"--bonus makes them)" if extra else ""))

