"""Each student's feedback page: nbgrader's ``generate_feedback`` (hidden tests cleared), copied to
``OUT/<session>/feedback/<student>.html``.

Made again whenever what it shows changed: a new grading, a tutor's grade, a late penalty
(nbgrader's page shows the score less ``late_submission_penalty``), so it always says what
``totals.csv`` says.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import course
from .nbgrader_commands import run_nbgrader


def page(out: Path, session: str, student: str) -> Path:
    return Path(out) / session / "feedback" / f"{student}.html"


def write_feedback(out: Path, session: str, students: list[str]) -> set:
    """Generate the feedback of ``students`` (each graded, with an executed notebook); the
    students whose page was written.  A student nbgrader made no page for has none (an old
    page would mislead)."""
    root = Path(out) / "course"
    if not students:
        return set()
    only = ["--student", students[0]] if len(students) == 1 else []
    logs = Path(out) / "logs" / session
    logs.mkdir(parents=True, exist_ok=True)
    run_nbgrader(root, course.declaration(session), "generate_feedback", session, "--force", *only,
                 log=logs / "feedback.log")
    written = set()
    for student in students:
        html = root / "feedback" / student / session / f"{session}.html"
        target = page(out, session, student)
        if html.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            partial.write_bytes(html.read_bytes())
            os.replace(partial, target)
            written.add(student)
        else:
            target.unlink(missing_ok=True)
    return written
