"""A grading run's outputs: grades.csv, totals.csv and the tutor page, from the gradebook and the run's facts.

:func:`report` writes them all; it runs at the end of ``hamlet grade`` and again as
``hamlet report`` after a tutor has graded the manual cells.
"""

from __future__ import annotations

import base64
import csv
from pathlib import Path

import nbformat

from . import course, run_state
from .course_folder import executed_notebook
from .execute import TIMED_OUT, cell_errors
from .gradebook import read_scores
from .nbgrader_plugins import KERNEL_DIED, OUTPUT_CUT
from .report import write_report
from .results import StudentResult


def write_grades(out: Path, results: list[StudentResult]) -> None:
    with open(out / "grades.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "session", "task", "grade_id", "score", "max_score"])
        for result in results:
            for cell in result.cells:
                writer.writerow([result.student, result.session, cell.task, cell.grade_id,
                                 "" if cell.score is None else f"{cell.score:g}", f"{cell.max_score:g}"])
    with open(out / "totals.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "session", "score", "max_score", "bonus", "bonus_max", "total",
                         "needs_manual_grading", "flags"])
        for result in results:
            writer.writerow([result.student, result.session, f"{result.score:g}", f"{result.max_score:g}",
                             f"{result.bonus_score:g}", f"{result.bonus_max_score:g}", f"{result.total:g}",
                             sum(cell.score is None for cell in result.cells), "; ".join(result.flags)])


def execution_flags(notebook) -> list[str]:
    """Timeouts and dead kernels recorded in an executed notebook."""
    flags = []
    for name, ename, _ in cell_errors(notebook):
        if ename in TIMED_OUT:
            flag = f"timeout in {name}"
        elif ename == KERNEL_DIED:
            flag = f"kernel died in {name}"
        elif ename == "MemoryError":
            flag = f"out of memory in {name}"
        else:
            continue
        if flag not in flags:  # a timeout leaves two errors: the interrupt and the timeout
            flags.append(flag)
    for number, cell in enumerate(notebook.cells):
        if any(OUTPUT_CUT in output.get("text", "") for output in cell.get("outputs", [])):
            flags.append(f"gigantic output in {cell.metadata.get('nbgrader', {}).get('grade_id', f'cell {number}')} "
                         f"(cut at 1 MiB)")
    return flags


def curves_png(notebook, plot_cells) -> bytes | None:
    """The image of the first of ``plot_cells`` (best first) that drew one."""
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    for name in plot_cells:
        for output in cells.get(name, {}).get("outputs", []):
            if "image/png" in output.get("data", {}):
                return base64.b64decode(output["data"]["image/png"])
    return None


def report(out) -> list[StudentResult]:
    """grades.csv, totals.csv and report.html from the gradebook of a grading run in ``out``.

    Run again after a tutor has graded the manual cells (nbgrader's formgrader on
    ``out/course``): the scores come from the gradebook, flags and times from the run.
    """
    out = Path(out).resolve()
    run = run_state.load(out)
    if run is None:
        raise FileNotFoundError(f"{out} holds no grading run ({run_state.RUN_FILE} is missing or broken): "
                                f"run `hamlet grade` first")
    session = run.session
    declaration = course.declaration(session)
    root = out / "course"
    source = nbformat.read(str(course.source_notebook(session)), as_version=4)
    from nbgrader.api import Gradebook

    results = []
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        for student, record in sorted(run.students.items()):
            result = StudentResult(student, session, read_scores(gradebook, session, student, source),
                                   flags=list(record.flags), seconds=record.seconds)
            executed = executed_notebook(root, session, student)
            if executed is not None:
                result.curves_png = curves_png(executed, declaration.plot_cells)
            if (out / "feedback" / f"{student}.html").exists():
                result.feedback = f"feedback/{student}.html"
            results.append(result)
    write_grades(out, results)
    write_report(out / "report.html", session, results, protections=run.protections)
    return results
