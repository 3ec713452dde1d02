"""The course file, ``course.toml``: due dates, the late policy, extensions -- for the semester.

A full example (every key but ``sessions`` is optional)::

    timezone = "Europe/Berlin"        # for due dates and times written without an offset
    roster = "roster.csv"             # relative to this file; must exist

    [sessions.05_sigmoid_neuron]
    due = 2026-11-13T23:59:00         # Europe/Berlin, as timezone says
    [sessions.06_backpropagation]
    due = 2026-11-20T23:59:00+01:00   # an offset wins over timezone

    [late_policy]
    percent_per_day = 10              # off the session's points earned, per day (24 h) started
    cap_percent = 50                  # never more than this (default 100)
    grace_minutes = 5                 # late by at most this: no penalty (default 0)

    [[extensions]]
    student = "ada_complete"          # the student id HaMLeT grades under (as in the report)
    session = "06_backpropagation"    # without it: every session
    days = 2                          # and/or hours = 12; or until = 2026-11-24T12:00:00
    note = "medical certificate"      # for the tutors; optional

Due dates are TOML datetimes, not strings: with an offset (``2026-11-20T23:59:00+01:00``) or
without one, read in ``timezone`` (a time a DST change skips or repeats must carry an offset).
A session without a due date is never late.  Lateness is counted as nbgrader counts it
(``SubmittedAssignment.total_seconds_late``): the time handed in minus (due date +
extension).  The penalty, ``percent_per_day`` for every 24 hours started past the deadline
up to ``cap_percent``, comes off the points the session's notebook earned; late by no more
than ``grace_minutes``: none.

nbgrader's way to penalise (``docs/source/plugins/late-plugin.rst``) is a
``LateSubmissionPlugin`` whose ``late_submission_penalty(student_id, score,
total_seconds_late)`` returns the points off; its ``AssignLatePenalties`` preprocessor
(already in the grading run's autograde preprocessors) calls it for notebooks with
``total_seconds_late > 0`` and keeps the penalty within ``[0, score]``.  That plugin is
:class:`hamlet.nbgrader_plugins.PercentPerDayStarted` (also reachable as
``hamlet.course_file.PercentPerDayStarted``); it computes with :meth:`LatePolicy.fraction`, so
the report's note and nbgrader's gradebook never disagree.  :meth:`LatePolicy.nbgrader_config`
writes its configuration.  An ``until`` extension is, for nbgrader's
``SubmittedAssignment.extension``, the time from the due date to ``until``.

Student names in ``extensions`` are cleaned as submission names are (``Ada Lovelace`` is
``Ada_Lovelace``), so the name a Moodle download shows also works.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Iterable

UTC = timezone.utc
DAY = 86400.0


class CourseFileError(ValueError):
    """A course file that cannot be used; the message names the file and the key or entry."""


# ----------------------------------------------------------------------------- the late policy


@dataclass(frozen=True)
class LatePolicy:
    """``percent_per_day`` off per day (24 h) started past the deadline, at most ``cap_percent``;
    none when late by no more than ``grace_minutes``."""

    percent_per_day: float
    cap_percent: float = 100.0
    grace_minutes: float = 0.0

    def fraction(self, seconds_late: float) -> float:
        """The fraction (0 to 1) of the points earned that ``seconds_late`` costs.

        0 when not late or late within the grace; else
        ``min(cap_percent, percent_per_day * days started) / 100``, counted from the deadline
        (not from the end of the grace): 1 s to 24 h late is one day started, 24 h + 1 s two.
        """
        if seconds_late is None or not seconds_late > 0 or seconds_late <= self.grace_minutes * 60:
            return 0.0
        days_started = math.ceil(seconds_late / DAY)
        return min(self.cap_percent, self.percent_per_day * days_started) / 100.0

    def capped(self, seconds_late: float) -> bool:
        """Whether ``seconds_late`` reaches the cap (for the note)."""
        return self.fraction(seconds_late) > 0 and \
            self.percent_per_day * math.ceil(seconds_late / DAY) >= self.cap_percent

    def nbgrader_config(self) -> str:
        """Lines for an ``nbgrader_config.py`` that make nbgrader apply this policy."""
        return (f'c.AssignLatePenalties.plugin_class = "hamlet.course_file.PercentPerDayStarted"\n'
                f"c.PercentPerDayStarted.percent_per_day = {float(self.percent_per_day)!r}\n"
                f"c.PercentPerDayStarted.cap_percent = {float(self.cap_percent)!r}\n"
                f"c.PercentPerDayStarted.grace_minutes = {float(self.grace_minutes)!r}\n")


def __getattr__(name):
    # nbgrader's plugin lives with HaMLeT's other nbgrader plugins (importing nbgrader takes
    # seconds, reading a course file should not); ``hamlet.course_file.PercentPerDayStarted``
    # works as an nbgrader ``plugin_class`` all the same.
    if name == "PercentPerDayStarted":
        from .nbgrader_plugins import PercentPerDayStarted

        return PercentPerDayStarted
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ----------------------------------------------------------------------------- the course file


@dataclass(frozen=True)
class Late:
    """How late a hand-in was and what it costs: ``seconds_late`` past the deadline (0 when on
    time, None when the time or the due date is unknown), ``penalty`` in points, ``note`` for a tutor."""

    seconds_late: float | None
    penalty: float
    note: str


def _duration(seconds: float) -> str:
    """``1 day 3 h``, ``2 days``, ``3 h 5 min``, ``40 min``, ``30 s`` (rounded down)."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} day{'s' * (days != 1)}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    if minutes:
        return f"{minutes} min"
    return f"{seconds} s"


def _number(value: float) -> str:
    """``2.3``, ``10``, ``0.25`` -- no float noise."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


@dataclass(frozen=True)
class CourseFile:
    """A course's due dates, late policy and extensions (:data:`NO_COURSE_FILE` when it has none).

    ``due``: session -> aware UTC datetime.  ``extensions``: (student, session or None for
    every session) -> timedelta, or an aware UTC datetime for ``until``; read them with
    :meth:`extension_of` and :meth:`deadline_of`.  ``timezone``: the course file's timezone
    (None when it names none), e.g. to read a Moodle grading worksheet.
    """

    path: Path | None
    due: dict
    late_policy: LatePolicy | None
    extensions: dict
    roster: Path | None
    timezone: tzinfo | None = None

    def due_of(self, session: str) -> datetime | None:
        """The session's due date (aware, UTC), or None."""
        return self.due.get(session)

    def extension_of(self, student: str, session: str) -> timedelta:
        """The student's extension for the session; ``timedelta(0)`` if none.

        A session's own extension wins over one for every session; an ``until`` extension is
        the time from the due date to ``until``.
        """
        from .submissions import _student_id

        student = _student_id(student)
        extension = self.extensions.get((student, session), self.extensions.get((student, None)))
        if extension is None:
            return timedelta(0)
        if isinstance(extension, datetime):
            due = self.due_of(session)
            return extension - due if due is not None else timedelta(0)
        return extension

    def deadline_of(self, student: str, session: str) -> datetime | None:
        """Due date plus the student's extension (aware, UTC), or None without a due date."""
        due = self.due_of(session)
        return None if due is None else due + self.extension_of(student, session)

    def penalty(self, student: str, session: str, submitted_at: datetime | None, points: float) -> Late:
        """How late ``student``'s hand-in of ``session`` was and the points it costs of ``points``."""
        deadline = self.deadline_of(student, session)
        if deadline is None:
            return Late(None, 0.0, "no due date")
        if submitted_at is None:
            return Late(None, 0.0, "time unknown: no penalty applied")
        if submitted_at.tzinfo is None or submitted_at.utcoffset() is None:
            raise ValueError(f"penalty: submitted_at must carry a timezone, got {submitted_at!r}")
        extension = self.extension_of(student, session)
        extended = f" (deadline extended by {_duration(extension.total_seconds())})" if extension > timedelta(0) else ""
        seconds_late = max(0.0, (submitted_at - deadline).total_seconds())
        if seconds_late == 0:
            return Late(0.0, 0.0, f"on time{extended}")
        late = f"late by {_duration(seconds_late)}{extended}"
        policy = self.late_policy
        if policy is None:
            return Late(seconds_late, 0.0, f"{late}: no late policy, no penalty")
        if seconds_late <= policy.grace_minutes * 60:
            return Late(seconds_late, 0.0, f"{late}, within the {_number(policy.grace_minutes)} min grace: no penalty")
        fraction = policy.fraction(seconds_late)
        penalty = fraction * max(0.0, points)
        capped = ", the cap" if policy.capped(seconds_late) else ""
        unit = "point" if penalty == 1 else "points"
        return Late(seconds_late, penalty, f"{late}: -{_number(fraction * 100)} %{capped} ({_number(penalty)} {unit})")

    def unmatched_extensions(self, session: str, students: Iterable[str]) -> list[str]:
        """Warnings for this session's extensions whose student is none of ``students``
        (most likely a misspelt student id: the extension would never apply)."""
        from .submissions import _student_id

        known = {_student_id(student) for student in students}
        return [f"{self.path}: the extension for {student!r} ({'every session' if extended is None else extended}) "
                f"names no student of this run" for student, extended in self.extensions
                if extended in (session, None) and student not in known]


#: a course without a course file: no due dates, no late policy, no extensions
NO_COURSE_FILE = CourseFile(None, {}, None, {}, None)


# ----------------------------------------------------------------------------- reading it

_TOP = ("timezone", "roster", "sessions", "late_policy", "extensions")
_SESSION = ("due",)
_POLICY = ("percent_per_day", "cap_percent", "grace_minutes")
_EXTENSION = ("student", "session", "days", "hours", "until", "note")


class _Reader:
    """Checks one course file; every error names the file, the table or entry, and the key."""

    def __init__(self, path: Path, known_sessions: list[str]):
        self.path = path
        self.known = known_sessions
        self.zone: tzinfo | None = None

    def error(self, where: str, message: str) -> CourseFileError:
        return CourseFileError(f"{self.path}: {where}: {message}" if where else f"{self.path}: {message}")

    def keys(self, table: dict, allowed: tuple, where: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(allowed)})"
                raise self.error(where, f"unknown key {key!r}{hint}")

    def table(self, value, where: str, example: str) -> dict:
        if not isinstance(value, dict):
            raise self.error(where, f"must be a table ({example}), got {value!r}")
        return value

    def text(self, value, where: str, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(where, f"{key!r} must be a non-empty string, got {value!r}")
        return value.strip()

    def number(self, value, where: str, key: str, most: float | None = None) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(where, f"{key!r} must be a number, got {value!r}")
        if not math.isfinite(value):
            raise self.error(where, f"{key!r} must be a finite number, got {value!r}")
        if value < 0:
            raise self.error(where, f"{key!r} must not be negative, got {value!r}")
        if most is not None and value > most:
            raise self.error(where, f"{key!r} must be at most {most:g}, got {value!r}")
        return float(value)

    def session(self, name: str, where: str) -> str:
        if name not in self.known:
            close = difflib.get_close_matches(name, self.known, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise self.error(where, f"unknown session {name!r} ({hint}known: {', '.join(self.known) or 'none'})")
        return name

    def when(self, value, where: str, key: str) -> datetime:
        """A TOML datetime as aware UTC; one without offset read in the course's timezone."""
        if isinstance(value, str):
            raise self.error(where, f"{key!r} must be a TOML date and time, without quotes "
                                    f"(e.g. 2026-11-20T23:59:00), got the string {value!r}")
        if isinstance(value, time):
            raise self.error(where, f"{key!r} must be a date and a time, got only the time {value}")
        if isinstance(value, date) and not isinstance(value, datetime):
            raise self.error(where, f"{key!r} must be a date and a time (e.g. {value}T23:59:00), "
                                    f"got only the date {value}")
        if not isinstance(value, datetime):
            raise self.error(where, f"{key!r} must be a date and time (e.g. 2026-11-20T23:59:00), got {value!r}")
        if value.tzinfo is not None:
            return value.astimezone(UTC)
        if self.zone is None:
            raise self.error(where, f"{key!r} {value.isoformat()} has no UTC offset: set timezone at the top "
                                    f"(e.g. timezone = \"Europe/Berlin\") or write it with an offset "
                                    f"(e.g. {value.isoformat()}+01:00)")
        earlier, later = value.replace(tzinfo=self.zone, fold=0), value.replace(tzinfo=self.zone, fold=1)
        if earlier.astimezone(UTC).astimezone(self.zone).replace(tzinfo=None) != value:
            raise self.error(where, f"{key!r} {value.isoformat()} does not exist in {self.zone} "
                                    f"(the clocks skip it): write it with an offset")
        if earlier.utcoffset() != later.utcoffset():
            raise self.error(where, f"{key!r} {value.isoformat()} happens twice in {self.zone} (the clocks go "
                                    f"back): write it with an offset, e.g. {earlier.isoformat()}")
        return earlier.astimezone(UTC)

    # ------------------------------------------------------------------ the parts

    def timezone(self, value) -> tzinfo:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        name = self.text(value, "", "timezone")
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise self.error("", f"unknown timezone {name!r} (an IANA name such as 'Europe/Berlin')") from None

    def roster(self, value) -> Path:
        name = self.text(value, "", "roster")
        roster = (self.path.parent / name).resolve()
        if not roster.is_file():
            raise self.error("", f"roster {name!r} not found (looked for {roster})")
        return roster

    def sessions(self, value) -> dict:
        due = {}
        for session, entry in self.table(value, "sessions", "[sessions.06_backpropagation]").items():
            where = f"sessions.{session}"
            self.session(session, "sessions")
            entry = self.table(entry, where, "due = 2026-11-20T23:59:00")
            self.keys(entry, _SESSION, where)
            if "due" in entry:
                due[session] = self.when(entry["due"], where, "due")
        return due

    def late_policy(self, value) -> LatePolicy:
        where = "late_policy"
        policy = self.table(value, where, "percent_per_day = 10")
        self.keys(policy, _POLICY, where)
        if "percent_per_day" not in policy:
            raise self.error(where, "'percent_per_day' is missing (e.g. percent_per_day = 10)")
        return LatePolicy(self.number(policy["percent_per_day"], where, "percent_per_day", 100),
                          self.number(policy.get("cap_percent", 100.0), where, "cap_percent", 100),
                          self.number(policy.get("grace_minutes", 0.0), where, "grace_minutes"))

    def extensions(self, value, due: dict) -> dict:
        if not isinstance(value, list):
            raise self.error("extensions", f"must be a list of [[extensions]] tables, got {value!r}")
        from .submissions import _student_id

        extensions: dict = {}
        first: dict = {}
        for index, entry in enumerate(value):
            where = f"extensions[{index}]"
            entry = self.table(entry, where, 'student = "ada", days = 2')
            self.keys(entry, _EXTENSION, where)
            if "student" not in entry:
                raise self.error(where, "'student' is missing")
            student = _student_id(self.text(entry["student"], where, "student"))
            session = self.session(self.text(entry["session"], where, "session"), where) if "session" in entry \
                else None
            if "note" in entry:
                self.text(entry["note"], where, "note")
            lengths = [key for key in ("days", "hours") if key in entry]
            if "until" in entry:
                if lengths:
                    raise self.error(where, f"give 'until' or {' and '.join(repr(key) for key in lengths)}, not both")
                if session is None:
                    raise self.error(where, "an 'until' extension needs a 'session' (each session has its own "
                                            "due date)")
                extension = self.when(entry["until"], where, "until")
                if session in due and extension < due[session]:
                    raise self.error(where, f"'until' {extension.isoformat()} is before the due date of {session} "
                                            f"({due[session].isoformat()})")
            elif lengths:
                extension = timedelta(days=self.number(entry.get("days", 0), where, "days"),
                                      hours=self.number(entry.get("hours", 0), where, "hours"))
            else:
                raise self.error(where, "give the extension as days = ..., hours = ... or until = <date and time>")
            key = (student, session)
            if key in extensions:
                raise self.error(where, f"a second extension for {student!r} in "
                                        f"{session or 'every session'} (the first is {first[key]})")
            extensions[key], first[key] = extension, where
        return extensions


COURSE_FILE = "course.toml"


def find(out, path=None, remembered=None) -> CourseFile:
    """The course file of a grading folder ``out``, checked against ``hamlet.course.sessions()``.

    ``path`` when given (``--course-file``); else ``out/course.toml`` if there is one; else
    ``remembered`` (the one the last run used); else :data:`NO_COURSE_FILE`.
    :class:`CourseFileError` when the chosen file cannot be used -- also when the remembered
    one is gone (its due dates would silently vanish from the penalties).
    """
    from . import course

    if path is not None:
        return load_course_file(path, course.sessions())
    beside = Path(out) / COURSE_FILE
    if beside.is_file():
        return load_course_file(beside, course.sessions())
    if remembered:
        if not Path(remembered).is_file():
            raise CourseFileError(f"{remembered}: the course file of the last run is gone; give it with "
                                  f"--course-file or put it at {beside}")
        return load_course_file(remembered, course.sessions())
    return NO_COURSE_FILE


def load_course_file(path, known_sessions) -> CourseFile:
    """Read and check a course file against the course's sessions (``hamlet.course.sessions()``).

    :class:`CourseFileError` (naming the file and the key or entry) for a missing or unreadable
    file, bad TOML (with its line), an unknown session or key, a value of the wrong type, a
    negative number, a due date without offset when the file names no timezone, an unknown
    timezone, or a roster that does not exist.
    """
    path = Path(path)
    known = list(known_sessions)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise CourseFileError(f"{path}: no such course file") from None
    except OSError as error:
        raise CourseFileError(f"{path}: cannot read it ({error.strerror or error})") from None
    except tomllib.TOMLDecodeError as error:
        raise CourseFileError(f"{path}: not valid TOML: {error}") from None
    except UnicodeDecodeError as error:
        raise CourseFileError(f"{path}: not valid TOML: not UTF-8 text ({error.reason} at byte {error.start})") \
            from None
    reader = _Reader(path, known)
    reader.keys(data, _TOP, "")
    if "timezone" in data:
        reader.zone = reader.timezone(data["timezone"])
    roster = reader.roster(data["roster"]) if "roster" in data else None
    due = reader.sessions(data["sessions"]) if "sessions" in data else {}
    policy = reader.late_policy(data["late_policy"]) if "late_policy" in data else None
    extensions = reader.extensions(data["extensions"], due) if "extensions" in data else {}
    return CourseFile(path, due, policy, extensions, roster, reader.zone)
