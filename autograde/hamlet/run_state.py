"""The course's grading state, kept beside the gradebook: per session, who was graded from which
notebook, their flags and outside verdicts; and the runs so far.

Saved atomically after every student (``grading-run.json``).  A later run compares each
hand-in's content hash with the one graded before: unchanged notebooks are kept, new and
changed ones are graded, so a stopped run resumes and a rerun grades only what is new.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

#: what grading keeps beside the gradebook (flags, hashes, times), for reruns and `hamlet report`
RUN_FILE = "grading-run.json"
VERSION = 2


def content_hash(data: bytes | str) -> str:
    """The hash by which a hand-in (or one answer in it) is known to be unchanged."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class StudentRecord:
    """One student's hand-in of one session.

    ``outside`` is what the outside verdicts found (``verdicts``: ``{task: [passed,
    message]}``, ``review``: ``{task: why}`` for the tasks they could not judge, which
    score 0 until a tutor grades them, ``problems``, ``seconds``, ``trained_in_kernel``,
    ``suspicious``), or None before they ran; ``done`` once the grading of
    ``notebook_hash`` is recorded.  ``answers`` maps each graded cell to the hash of the answer it grades (a
    manual cell's own text; for a test cell, every solution cell), so a tutor's grade is
    kept exactly while its answer is unchanged.
    """

    flags: list = field(default_factory=list)
    seconds: float = 0.0
    done: bool = False
    outside: dict | None = None
    notebook_hash: str | None = None
    answers: dict = field(default_factory=dict)
    unchanged: list = field(default_factory=list)  # graded cells whose answers a tutor's grade is of
    regrade: list = field(default_factory=list)  # cells a tutor graded whose answers changed since
    run: int = 0  # the run that graded it
    graded_at: str | None = None
    submitted_at: str | None = None  # ISO time in UTC, when known
    time_source: str | None = None  # where the time came from, or why there is none
    feedback_total: float | None = None  # the total the feedback page shows (None: none made yet)

    def flag(self, *flags: str) -> None:
        """Add each flag once."""
        self.flags.extend(flag for flag in flags if flag and flag not in self.flags)


@dataclass
class SessionRecord:
    """Every hand-in of one session graded into the course."""

    submissions: str = ""  # where they last came from
    grader_hash: str = ""  # of the session's notebook and declaration the grades are from
    students: dict = field(default_factory=dict)  # name -> StudentRecord

    @property
    def done(self) -> set:
        return {name for name, record in self.students.items() if record.done}


@dataclass
class CourseState:
    protections: list = field(default_factory=list)
    sessions: dict = field(default_factory=dict)  # name -> SessionRecord
    runs: list = field(default_factory=list)  # {"number", "started", "finished", "graded": {session: [...]}}
    course_file: str | None = None  # the course.toml last graded with

    def session(self, name: str) -> SessionRecord:
        return self.sessions.setdefault(name, SessionRecord())

    def begin_run(self) -> int:
        number = len(self.runs) + 1
        self.runs.append({"number": number, "started": now(), "finished": None, "graded": {}})
        return number

    @property
    def current_run(self) -> dict | None:
        return self.runs[-1] if self.runs else None

    def run_time(self, number: int) -> str | None:
        for run in self.runs:
            if run["number"] == number:
                return run["started"]
        return None


class Busy(RuntimeError):
    """Another ``hamlet`` command is writing to the same course."""


@contextmanager
def exclusive(out):
    """Hold the course in ``out`` for one command: two runs at once would each grade and write over
    the other's state.  The lock goes with the process, however it ends (``kill -9`` too)."""
    path = Path(out) / ".hamlet.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise Busy(f"another hamlet command is working on {out} ({handle.read().strip() or 'a process'}); "
                       f"wait for it to end") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, since {now()}")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class BrokenState(ValueError):
    """grading-run.json exists but cannot be read."""


def _from_version_1(data: dict) -> CourseState:
    """A run file of a single-session HaMLeT: its records have no hash, so they are graded again."""
    students = {name: StudentRecord(**record) for name, record in data["students"].items()}
    return CourseState(protections=data.get("protections", []),
                       sessions={data["session"]: SessionRecord(data["submissions"], "", students)})


def load(out) -> CourseState | None:
    """The state saved in ``out``; None when there is none; :class:`BrokenState` when it is unreadable."""
    path = Path(out) / RUN_FILE
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
        if data.get("version") != VERSION:
            return _from_version_1(data)
        sessions = {name: SessionRecord(session["submissions"], session["grader_hash"],
                                        {student: StudentRecord(**record)
                                         for student, record in session["students"].items()})
                    for name, session in data["sessions"].items()}
        return CourseState(data["protections"], sessions, data["runs"], data.get("course_file"))
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        raise BrokenState(f"{path} is unreadable ({type(error).__name__}: {error})") from error


def save(out, state: CourseState) -> None:
    """Atomically: an interrupted write leaves the previous file, never half of one."""
    partial = Path(out) / (RUN_FILE + ".partial")
    with open(partial, "w") as handle:
        json.dump({"version": VERSION, **asdict(state)}, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, Path(out) / RUN_FILE)
