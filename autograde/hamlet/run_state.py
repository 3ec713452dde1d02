"""A grading run's state, kept beside the gradebook: who is graded, their flags and outside verdicts.

Saved atomically after every student (``grading-run.json``), so a run stopped at any
point resumes where it stopped, and ``hamlet report`` keeps the run's flags.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: what a grading run keeps beside the gradebook (flags, times), for `hamlet report`
RUN_FILE = "grading-run.json"


@dataclass
class StudentRecord:
    """One student of a run.

    ``outside`` is what the outside verdicts found (``verdicts``: ``{task: [passed,
    message]}``, ``problems``, ``seconds``, ``trained_in_kernel``, ``suspicious``), or
    None when they could not judge; ``done`` once the student's grading is recorded.
    """

    flags: list = field(default_factory=list)
    seconds: float = 0.0
    done: bool = False
    outside: dict | None = None

    def flag(self, *flags: str) -> None:
        """Add each flag once."""
        self.flags.extend(flag for flag in flags if flag and flag not in self.flags)


@dataclass
class RunState:
    session: str
    submissions: str  # the resolved path the submissions came from
    complete: bool = False
    protections: list = field(default_factory=list)
    students: dict = field(default_factory=dict)  # name -> StudentRecord

    def resumes(self, session: str, submissions: str) -> bool:
        """This unfinished run was of the same session and submissions."""
        return not self.complete and self.session == session and self.submissions == submissions

    @property
    def done(self) -> set:
        return {name for name, record in self.students.items() if record.done}


def load(out) -> RunState | None:
    """The run saved in ``out``; None when there is none or it is unreadable."""
    try:
        data = json.loads((Path(out) / RUN_FILE).read_text())
        students = {name: StudentRecord(**record) for name, record in data.pop("students").items()}
        return RunState(**data, students=students)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def save(out, state: RunState) -> None:
    """Atomically: an interrupted write leaves the previous file, never half of one."""
    partial = Path(out) / (RUN_FILE + ".partial")
    partial.write_text(json.dumps(asdict(state), indent=1))
    os.replace(partial, Path(out) / RUN_FILE)
