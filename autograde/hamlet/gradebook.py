"""The course gradebook: the outside verdicts' scores, tutors' grades kept, late penalties; every
cell's score read back.

Everything here changes only what grading computes (``auto_score``, the late penalty, the due
date, the hand-in time).  What a tutor entered (``manual_score``, comments) is never written.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from .declaration import task_of
from .results import CellScore


@contextmanager
def opened(out: Path):
    """nbgrader's Gradebook of the course in ``out``."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(out) / 'gradebook.db'}") as gradebook:
        yield gradebook


def _test_cells(source) -> list[tuple[str, float]]:
    return [(cell.metadata["nbgrader"]["grade_id"], float(cell.metadata["nbgrader"]["points"]))
            for cell in source.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")]


def apply_outside_verdicts(out: Path, session: str, student: str, outside: dict, source) -> list[str]:
    """Write one student's outside scores into the gradebook, just after nbgrader autograded
    them (and before anything reads them); return the disagreement flags.

    ``outside`` is :attr:`hamlet.run_state.StudentRecord.outside`.  A task it could not judge
    (``outside["review"]``; one it lacks is added there) scores 0 whatever the notebook scored,
    and its cells are marked as needing a manual grade: a tutor grants or confirms it in formgrader.
    """
    from nbgrader.api import MissingEntry

    flags = []
    review = outside.setdefault("review", {})
    with opened(out) as gradebook:
        for grade_id, points in _test_cells(source):
            task = task_of(grade_id)
            if task not in outside["verdicts"]:  # never judged: recorded as to review, so the pages list it
                review[task] = "not judged"
            passed, message = outside["verdicts"].get(task, [False, "not judged"])
            score = points if passed and task not in review else 0.0
            try:
                grade = gradebook.find_grade(grade_id, session, session, student)
            except MissingEntry:
                continue
            in_notebook = grade.auto_score
            if task in review:  # 0 until a tutor grades it (formgrader lists it as needing a manual grade)
                grade.auto_score = 0.0
                if grade.manual_score is None:
                    grade.needs_manual_grade = True
                continue
            if grade.manual_score is None:
                grade.needs_manual_grade = False  # judged (again): no longer to review
            # only a notebook that scored higher is what a cheat gains; lower is a note
            if in_notebook is not None and in_notebook > score + 1e-9:
                flags.append(f"suspicious: task {task_of(grade_id)} scored {in_notebook:g}/{points:g} in the notebook "
                             f"but {score:g}/{points:g} outside it ({message[:160] or 'passed'})")
            elif in_notebook is not None and in_notebook < score - 1e-9:
                flags.append(f"note: task {task_of(grade_id)} scored {in_notebook:g}/{points:g} in the notebook; judged "
                             f"on its own outside it: {score:g}/{points:g} ({message[:160] or 'passed'})")
            grade.auto_score = score
        gradebook.db.commit()
    return flags


def keep_manual_grades(out: Path, session: str, student: str, unchanged: set) -> list[str]:
    """After nbgrader autograded a student again, the tutor's grades of the cells in
    ``unchanged`` (their answers are as graded) stand as before.

    nbgrader marks every cell with a manual score "needs manual grade" when it grades again;
    a cell whose answer changed keeps that mark, and its old manual score, until a tutor
    grades it again (formgrader clears the mark).  Returns the cells to grade again.
    """
    from nbgrader.api import MissingEntry

    again = []
    with opened(out) as gradebook:
        try:
            notebook = gradebook.find_submission_notebook(session, session, student)
        except MissingEntry:
            return again
        for grade in notebook.grades:
            if grade.manual_score is None:
                continue
            if grade.name in unchanged:
                grade.needs_manual_grade = False
            else:
                grade.needs_manual_grade = True
                again.append(grade.name)
        gradebook.db.commit()
    return again


def read_scores(gradebook, session: str, student: str, source, regrade=(), review=None) -> list[CellScore]:
    """Every graded cell's score from an open nbgrader Gradebook, in notebook order
    (0 where nothing was saved).  A manual cell nobody has graded yet, or one of ``regrade``
    (its answer changed since a tutor graded it, :func:`keep_manual_grades`) that no tutor
    has graded again since (nbgrader's ``needs_manual_grade`` still set), has score None; such
    a test cell counts its new verdict until reviewed.  A test cell of a task in ``review``
    (``{task: why}``, tasks the outside verdicts could not judge) that no tutor has graded
    since carries ``review=why`` (its score is 0)."""
    from nbgrader.api import MissingEntry

    grades = {}
    try:
        grades = {grade.name: grade for grade in gradebook.find_submission_notebook(session, session, student).grades}
    except MissingEntry:
        pass
    scores = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        manual = meta.get("solution", False) or cell.cell_type == "markdown"
        grade = grades.get(meta["grade_id"])
        again = bool(grade and meta["grade_id"] in regrade and grade.needs_manual_grade
                     and grade.manual_score is not None)
        if grade is None:  # nothing handed in (or not gradable): nothing to grade by hand either
            score = 0.0
        elif again:
            score = None if manual else (grade.auto_score or 0.0)
        elif manual and grade.manual_score is None and grade.auto_score is None:
            score = None  # nobody has graded it yet (nbgrader would say 0)
        else:
            score = grade.score
        maximum = grade.max_score if grade is not None else meta.get("points", 0)
        why = (review or {}).get(task_of(meta["grade_id"]), "") if not manual else ""
        waiting = bool(why and grade is not None and grade.needs_manual_grade and grade.manual_score is None)
        scores.append(CellScore(meta["grade_id"], score, float(maximum), manual, regrade=again,
                                review=why if waiting else ""))
    return scores
