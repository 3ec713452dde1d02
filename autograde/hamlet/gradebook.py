"""The gradebook: the outside verdicts' scores written into it, every cell's score read from it."""

from __future__ import annotations

from pathlib import Path

from .declaration import task_of
from .results import CellScore


def apply_outside_verdicts(out: Path, session: str, students: dict, source) -> dict:
    """Write the outside scores into the gradebook; ``{student: [disagreement flags]}``.

    ``students`` maps names to :class:`hamlet.run_state.StudentRecord`.

    Run once, after every kernel has ended: whatever a kernel wrote into the
    gradebook is overwritten here.
    """
    from nbgrader.api import Gradebook, MissingEntry

    tests = [(cell.metadata["nbgrader"]["grade_id"], float(cell.metadata["nbgrader"]["points"]))
             for cell in source.cells
             if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")]
    flags: dict = {}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        for student, record in students.items():
            outside = (record.outside or {}).get("verdicts")
            if outside is None:
                continue
            for grade_id, points in tests:
                passed, message = outside.get(task_of(grade_id), [False, "not judged"])
                score = points if passed else 0.0
                try:
                    grade = gradebook.find_grade(grade_id, session, session, student)
                except MissingEntry:
                    continue
                in_notebook = grade.auto_score
                # only a notebook that scored higher is what a cheat gains; lower is a note
                if in_notebook is not None and in_notebook > score + 1e-9:
                    flags.setdefault(student, []).append(
                        f"suspicious: task {task_of(grade_id)} scored {in_notebook:g}/{points:g} in the notebook "
                        f"but {score:g}/{points:g} outside it ({message[:160] or 'passed'})")
                elif in_notebook is not None and in_notebook < score - 1e-9:
                    flags.setdefault(student, []).append(
                        f"note: task {task_of(grade_id)} scored {in_notebook:g}/{points:g} in the notebook; judged "
                        f"on its own outside it: {score:g}/{points:g} ({message[:160] or 'passed'})")
                grade.auto_score = score
            gradebook.db.commit()
    return flags


def read_scores(gradebook, session: str, student: str, source) -> list[CellScore]:
    """Every graded cell's score from an open nbgrader Gradebook, in notebook order
    (0 where nothing was saved)."""
    from nbgrader.api import MissingEntry

    graded = {}
    try:
        submission = gradebook.find_submission_notebook(session, session, student)
        # a manual cell nobody has graded yet has score 0 in nbgrader; it is None here
        graded = {grade.name: (None if grade.needs_manual_grade and grade.manual_score is None
                               and grade.auto_score is None else grade.score, grade.max_score)
                  for grade in submission.grades}
    except MissingEntry:
        pass
    scores = []
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        manual = meta.get("solution", False) or cell.cell_type == "markdown"
        score, maximum = graded.get(meta["grade_id"], (0.0, meta.get("points", 0)))
        scores.append(CellScore(meta["grade_id"], score if (score is not None or manual) else 0.0,
                                float(maximum), manual))
    return scores
