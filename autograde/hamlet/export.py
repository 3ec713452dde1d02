"""Grades for the learning platform: ``hamlet export DIR --format canvas|moodle|csv``.

The totals come from ``DIR/totals.csv`` (written by ``hamlet grade`` and ``hamlet report``:
one row per student and session, ``total`` = score + bonus - penalty), the one place
that holds the totals the tutor sees.  A roster CSV (``--roster FILE``) maps HaMLeT's
student id (the name of the student's submission folder or file; column ``student``)
to the platform's own ids.  One writer per format (:func:`canvas_rows`,
:func:`moodle_rows`, :func:`wide_rows`) serves both ways in: ``hamlet export`` feeds it
the totals of totals.csv, and nbgrader's ``nbgrader export --exporter=hamlet.export.CanvasExport``
(:class:`CanvasExport`, :class:`MoodleExport`, :class:`CsvExport`) feeds it the gradebook's
scores minus ``late_submission_penalty`` (nbgrader knows nothing of bonus points or of
what still waits for a tutor).  Every problem with the input is collected and raised
together as one :class:`ExportError`, each as ``FILE:LINE: what``.

What the platforms import (and where that is written)
=====================================================

Canvas: Grades > Import, a CSV file
-----------------------------------
From Canvas's importer, ``app/models/gradebook_importer.rb`` in instructure/canvas-lms
(``process_header``, ``update_column_count``, ``process_student``, ``process_pp``,
``check_for_non_student_row``) and ``Assignment.title_and_id`` in
``app/models/assignment.rb``; the course guides (e.g. Ohio State's "Import a CSV file
into Carmen grades", VCU's "Gradebook action menu") say the same for users:

* The header row must begin ``Student``, ``ID`` (Canvas's user id), optionally
  ``SIS User ID``, ``SIS Login ID`` (both, in that order; an ``Integration ID`` and a
  ``Root Account`` column may follow), then ``Section``; otherwise the file is refused
  ("Invalid header row").  A student row is matched by ``ID`` first, then by the SIS
  ids, then by name.
* Every later column is an assignment: ``Title (1234)`` is the existing assignment
  with id 1234 (the regex is ``\\A(.*)\\s\\((\\d+)\\)\\z``, so a title of our own must not end
  in a number in brackets); a plain ``Title`` is the assignment of that exact title, and
  when there is none, a *new assignment* is created with that title.
* A row whose first cell holds ``Points Possible`` gives each column's points (the points
  of a new assignment); ``read only`` there marks a read-only column.  Columns whose
  header contains ``Current Score``, ``Final Score``, ``Current Points``, ``Final Grade``,
  ``Override Score`` ... (and their ``Unposted`` variants) are read-only totals that are
  ignored; rows of ``Muted`` / ``Manual Posting`` are skipped.
* A blank cell or ``-`` is "no score".  Numbers may use a decimal comma; both ``,`` and
  ``;`` separators are recognised.  Scores above the points possible are extra credit.

What this module writes (``canvas``)::

    Student,ID,SIS User ID,SIS Login ID,Section,05 The sigmoid neuron (4711),06 Backpropagation
    Points Possible,,,,,10,12
    "Lovelace, Ada",1001,s01,ada,Tue lab,9.5,12.5
    "Babbage, Charles",1002,s02,charles,Tue lab,7,

The identifying columns are copied from the roster (Canvas's own gradebook export with a
``student`` column added is the natural roster); ``SIS User ID``/``SIS Login ID`` only
when the roster has them.  One column per session, titled ``NN Title`` from the session's
declaration (``Title (id)`` when the id is known: from the roster's own header, where
Canvas's export writes ``Title (id)``, or from ``assignment_ids``); the ``Points
Possible`` row holds the session's regular points (``max_score``); a student with no
hand-in gets a blank cell (``--absent zero``: 0).  Nothing else of the roster (other
assignments, totals) is written back.

Moodle: Grades > Import > CSV file
----------------------------------
From Moodle's ``grade/import/csv/classes/load_data.php`` (``map_user_data_with_value``,
``update_grade_item``, ``import_new_grade_item``, ``prepare_import_grade_data``),
``grade/import/grade_import_form.php`` (``grade_import_mapping_form``), the tests in
``grade/import/csv/tests/load_data_test.php`` and MoodleDocs "Grade import":

* The first row names the columns; every row must have as many cells as the header.
* Nothing is matched by column name.  On the preview page the tutor picks one column to
  "Identify user by" (*Map from*) and which user field it holds (*Map to*: ``userid``
  (Moodle's internal id), ``username``, ``useridnumber`` ("ID number") or ``useremail``
  ("Email address"; case sensitive)).  A row whose user is not found aborts the whole
  import; a row with a blank identifier is skipped without resetting the user, so its
  grades could land on the previous row's student (hence: an empty id is an error here).
* Each other column is mapped to "ignore", "new grade item" (named after the header),
  an existing grade item, or "feedback for" a grade item.  ``-`` is "no grade" for both
  new and existing items; a blank cell is "no grade" only for an existing item (for a
  new item it is stored as a grade), so this module writes ``-``.  Grades above 100 are
  refused unless the site allows unlimited grades (``gradepointmax``).
* Feedback: importing a feedback column also rewrites the item's grades, so its grade
  column must be mapped in the same import (MoodleDocs "Grade import", note 3); feedback
  is shown to students.

What this module writes (``moodle``)::

    Email address,05 The sigmoid neuron,06 Backpropagation
    ada@example.org,9.5,12.5
    charles@example.org,7,-

The identifier column is ``--id-column`` or the first of ``ID number``, ``Email address``,
``Username`` the roster has; one grade column per session.  With ``feedback=True``
(``--feedback``) a ``Feedback: <title>`` column follows each grade column, holding only
what a student may read: ``late: -2 points``, ``bonus: +1``, ``provisional: 1 answer still
to be graded by hand``.  It is off by default: mapping it rewrites the grades (so map
both), and HaMLeT's flags (``suspicious: ...``) are for the tutor, never in it.

HaMLeT's own wide CSV (``csv``)
-------------------------------
::

    student,ID,SIS Login ID,05_sigmoid_neuron,06_backpropagation,total
    ada,1001,ada,9.5,12.5,22
    charles,1002,charles,7,,7

``student``, the roster's id columns (those of ``ID``, ``SIS User ID``, ``SIS Login ID``,
``Integration ID``, ``ID number``, ``Email address``, ``Username`` and ``--id-column``
it has; none without a roster), one column per session (its name), and the course
total (the sum of the session totals).

nbgrader's ExportPlugin
-----------------------
From ``nbgrader/plugins/export.py`` (0.9.6) and the docs page "Export plugins" /
"Exporting grades": a plugin subclasses ``nbgrader.plugins.ExportPlugin`` and implements
``export(self, gradebook)``; ``nbgrader export --exporter=module.Class`` instantiates it
with the app as parent and calls it with an open ``nbgrader.api.Gradebook``.  Its traits
``to`` (``--to``; empty: the plugin's default), ``student`` and ``assignment``
(``--student``, ``--assignment``: lists that limit the export) come from
``ExportPlugin``; nbgrader's own ``CsvExportPlugin`` scores a submission
``max(0, score - late_submission_penalty)`` and a missing one 0.  The plugins here add
``roster``, ``id_column``, ``absent``, ``assignment_ids``, ``titles`` and ``feedback``
(``--CanvasExport.roster=roster.csv`` or ``c.CanvasExport.roster`` in nbgrader_config.py);
without ``to`` they write ``<format>.csv`` in the working folder.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("canvas", "moodle", "csv")
ABSENT = ("blank", "zero")

#: the columns of totals.csv, as ``hamlet grade``/``hamlet report`` write them
TOTALS_COLUMNS = ("student", "session", "score", "max_score", "bonus", "bonus_max", "penalty", "total",
                  "submitted", "late", "needs_manual_grading", "graded", "flags")

#: Canvas's student columns, in the order its importer requires (``Student`` and ``ID`` first, ``Section`` last)
CANVAS_SIS_COLUMNS = ("SIS User ID", "SIS Login ID")
CANVAS_AFTER_SIS = ("Integration ID", "Root Account")
#: header names Canvas's importer treats as student columns or ignores as read-only totals
CANVAS_RESERVED = ("Student", "LastName", "FirstName", "ID", "SIS User ID", "SIS Login ID", "Section",
                   "Integration ID", "Root Account")
CANVAS_NOT_ASSIGNMENTS = ("Current Score", "Current Points", "Current Grade", "Final Score", "Final Points",
                          "Final Grade", "Override Score", "Override Grade", "Override Status")
#: Canvas's ``Assignment.title_and_id``
CANVAS_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.S)

#: Moodle's identifier columns, in the order the default is chosen; each is the name of its "Map to" field
MOODLE_ID_COLUMNS = ("ID number", "Email address", "Username")
#: the roster's columns that identify a student, copied into HaMLeT's wide CSV
ID_COLUMNS = ("ID", "SIS User ID", "SIS Login ID", "Integration ID", "ID number", "Email address", "Username")
#: Moodle refuses grades above this unless the site allows unlimited grades
MOODLE_GRADE_POINT_MAX = 100.0



class ExportError(ValueError):
    """Bad input to an export: every problem found, one per line, each ``FILE:LINE: what``."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(self.problems[0] if len(self.problems) == 1 else
                         f"{len(self.problems)} problems:\n" + "\n".join(f"  {p}" for p in self.problems))


# ---------------------------------------------------------------------- the grades

@dataclass(frozen=True)
class SessionTotal:
    """One student's hand-in of one session, as the platform gets it."""

    total: float
    max_score: float
    bonus: float = 0.0
    penalty: float = 0.0
    submitted: bool = True
    late: bool = False
    needs_manual_grading: int = 0
    graded: bool = True
    flags: str = ""
    line: int | None = None  # in totals.csv


@dataclass
class Grades:
    """The totals of a course: ``sessions`` ``{name: regular points}`` in order, ``students``
    ``{id: line first seen}`` (every student the course knows), ``totals`` ``{(student,
    session): SessionTotal}``; ``source`` names where they come from in messages."""

    source: str
    sessions: dict = field(default_factory=dict)
    students: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)
    left_out: set = field(default_factory=set)  # known, but not asked for (nbgrader's --student): not exported

    def where(self, line) -> str:
        return f"{self.source}:{line}" if line else self.source


def _csv_rows(path: Path, *, sniff: bool = False):
    """``(header, [(line, row)])`` of a CSV file; ``line`` is where the record starts.
    ExportError when it is missing or not text."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ExportError(f"{path} is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"{path}: cannot be read as UTF-8 text: {error}") from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count) if sniff and first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows, start = [], 1
    try:
        for row in reader:
            rows.append((start, [cell.strip() for cell in row]))
            start = reader.line_num + 1
    except csv.Error as error:
        raise ExportError(f"{path}:{start}: not CSV: {error}") from None
    rows = [(line, row) for line, row in rows if any(row)]
    if not rows:
        raise ExportError(f"{path} is empty")
    return rows[0][1], rows[1:]


def _number(text: str, what: str, where: str, problems: list) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(f"{where}: {what} {text!r} is not a number")
        return 0.0
    return value


def read_totals(folder) -> Grades:
    """The totals of ``folder/totals.csv``; ExportError naming every bad line."""
    path = Path(folder) / "totals.csv"
    if not path.is_file():
        raise ExportError(f"{path} is missing: run `hamlet grade` first")
    try:
        header, rows = _csv_rows(path)
    except ExportError as error:
        raise ExportError([f"{problem} (run `hamlet grade` first)" for problem in error.problems]) from None
    missing = [column for column in TOTALS_COLUMNS if column not in header]
    if missing:
        raise ExportError(f"{path}:1: the columns {', '.join(missing)} are missing (not a totals.csv of this "
                          f"hamlet: run `hamlet grade` or `hamlet report` first)")
    index = {column: header.index(column) for column in TOTALS_COLUMNS}
    grades = Grades(str(path))
    problems: list = []
    session_points: dict = {}
    for line, row in rows:
        where = f"{path}:{line}"
        if len(row) != len(header):
            problems.append(f"{where}: {len(row)} cells, the header has {len(header)}")
            continue
        cell = {column: row[index[column]] for column in TOTALS_COLUMNS}
        student, session = cell["student"], cell["session"]
        if not student or not session:
            problems.append(f"{where}: empty {'student' if not student else 'session'}")
            continue
        numbers = {column: _number(cell[column], column, where, problems)
                   for column in ("total", "max_score", "bonus", "penalty")}
        manual = _number(cell["needs_manual_grading"] or "0", "needs_manual_grading", where, problems)
        # every row is a hand-in; ``submitted`` is its time (empty: unknown), ``late`` the policy's
        # words ("on time", "late by 1 day: ..."), ``graded`` the time it was graded (empty: not yet)
        total = SessionTotal(numbers["total"], numbers["max_score"], numbers["bonus"], numbers["penalty"],
                             submitted=True, late=bool(numbers["penalty"]) or cell["late"].startswith("late"),
                             needs_manual_grading=int(manual), graded=bool(cell["graded"].strip()),
                             flags=cell["flags"], line=line)
        key = (student, session)
        if key in grades.totals:
            problems.append(f"{where}: student {student!r}, session {session!r} again "
                            f"(first on line {grades.totals[key].line})")
            continue
        if session in session_points and session_points[session][0] != total.max_score:
            points, first = session_points[session]
            problems.append(f"{where}: max_score {total.max_score:g} of session {session!r} disagrees with "
                            f"{points:g} on line {first}")
        session_points.setdefault(session, (total.max_score, line))
        grades.students.setdefault(student, line)
        grades.totals[key] = total
    if problems:
        raise ExportError(problems)
    if not grades.totals:
        raise ExportError(f"{path} holds no grades: run `hamlet grade` first")
    grades.sessions = {session: session_points[session][0] for session in sorted(session_points)}
    return grades


def grades_from_gradebook(gradebook, students=(), assignments=()) -> Grades:
    """The totals of an nbgrader gradebook: each submission's score minus its late penalty
    (never below 0, as nbgrader's own CSV export); a missing submission is no hand-in."""
    from nbgrader.api import MissingEntry

    grades = Grades(str(gradebook.engine.url))
    wanted_students, wanted_assignments = {str(s) for s in students}, {str(a) for a in assignments}
    known = sorted(student.id for student in gradebook.students)
    grades.students = dict.fromkeys(student for student in known if not wanted_students or student in wanted_students)
    grades.left_out = set(known) - set(grades.students)
    for assignment in sorted(gradebook.assignments, key=lambda assignment: assignment.name):
        if wanted_assignments and assignment.name not in wanted_assignments:
            continue
        grades.sessions[assignment.name] = float(assignment.max_score)
        for student in grades.students:
            try:
                submission = gradebook.find_submission(assignment.name, student)
            except MissingEntry:
                continue
            penalty = float(submission.late_submission_penalty or 0.0)
            manual = sum(bool(grade.needs_manual_grade) for notebook in submission.notebooks
                         for grade in notebook.grades)
            grades.totals[(student, assignment.name)] = SessionTotal(
                max(0.0, float(submission.score) - penalty), float(assignment.max_score), penalty=penalty,
                late=(submission.total_seconds_late or 0) > 0, needs_manual_grading=manual)
    return grades


# ---------------------------------------------------------------------- the roster

@dataclass
class RosterRow:
    student: str
    values: dict
    line: int


@dataclass
class Roster:
    path: Path
    columns: list
    rows: list
    points_possible: dict = field(default_factory=dict)  # Canvas's "Points Possible" row, by column

    def column(self, name: str) -> str | None:
        """The roster's header for ``name`` (exact, else ignoring case; never ``student``, HaMLeT's id,
        for Canvas's ``Student``), or None."""
        if name in self.columns:
            return name
        return next((column for column in self.columns
                     if column.casefold() == name.casefold() and column != "student"), None)


def _skipped_row(row: list, values: dict) -> str | None:
    """Canvas's own rows that are no student: ``Points Possible``, ``Muted``/``Manual Posting``."""
    first = values.get("Student", row[0] if row else "")
    if "Points Possible" in first or (row and "Points Possible" in row[0]):
        return "points"
    if all(re.fullmatch(r"\s*(Muted|Manual Posting.*)\s*", cell, re.I) for cell in row if cell):
        return "muted"
    return None


def read_roster(path) -> Roster:
    """The roster CSV at ``path``: a header with a ``student`` column (HaMLeT's id); Canvas's
    ``Points Possible`` and ``Muted`` rows are skipped.  ExportError for a missing file or column."""
    path = Path(path)
    header, rows = _csv_rows(path, sniff=True)
    problems = []
    duplicates = sorted({column for column in header if column and header.count(column) > 1})
    if duplicates:
        problems.append(f"{path}:1: the columns {', '.join(duplicates)} appear twice")
    if "student" not in header:
        problems.append(f"{path}:1: no column `student` (HaMLeT's id of each student: the name of their "
                        f"submission folder or file; lower case; `Student` is Canvas's name column)")
    if problems:
        raise ExportError(problems)
    roster = Roster(path, header, [])
    for line, row in rows:
        if len(row) > len(header) and any(row[len(header):]):
            problems.append(f"{path}:{line}: {len(row)} cells, the header has {len(header)}")
            continue
        values = {column: row[number] if number < len(row) else "" for number, column in enumerate(header)}
        skipped = _skipped_row(row, values)
        if skipped == "points":
            roster.points_possible = values
            continue
        if skipped:
            continue
        roster.rows.append(RosterRow(values["student"], values, line))
    if problems:
        raise ExportError(problems)
    return roster


# ---------------------------------------------------------------------- matching

def _match(grades: Grades, roster: Roster | None, id_columns, absent: str | None, *, unique=(),
           casefold=()) -> list:
    """The students to export, in the roster's order: ``[(student, roster row or None)]``.

    ``id_columns`` must be filled in every row and ``unique`` columns (and ``student``)
    may not repeat.  Collects every problem into one ExportError.
    """
    if roster is None:
        return [(student, None) for student in sorted(grades.students)]
    problems = []
    seen: dict = {}
    values_seen: dict = {column: {} for column in unique}
    matched = []
    for row in roster.rows:
        where = f"{roster.path}:{row.line}"
        if row.student in grades.left_out:
            continue
        if not row.student:
            problems.append(f"{where}: empty student (HaMLeT's id; delete the row if it is no student, "
                            f"e.g. Canvas's Test Student)")
            continue
        for column in id_columns:
            if not row.values.get(column):
                problems.append(f"{where}: empty {column} of student {row.student!r}")
        if row.student in seen:
            problems.append(f"{where}: student {row.student!r} again (first on line {seen[row.student]})")
            continue
        seen[row.student] = row.line
        for column in unique:
            value = row.values.get(column, "")
            key = value.casefold() if column in casefold else value
            if not value:
                continue
            if key in values_seen[column]:
                line, other = values_seen[column][key]
                problems.append(f"{where}: {column} {value!r} of student {row.student!r} again "
                                f"(first on line {line}, student {other!r})")
            else:
                values_seen[column][key] = (row.line, row.student)
        if row.student not in grades.students:
            if absent is None:
                problems.append(f"{where}: student {row.student!r} matches no graded student in {grades.source} "
                                f"(a typo? to export them as not handed in, give --absent blank or zero)")
                continue
        matched.append((row.student, row))
    for student, line in grades.students.items():
        if student not in seen:
            problems.append(f"{grades.where(line)}: student {student!r} is graded but has no row in {roster.path}")
    if problems:
        raise ExportError(problems)
    return matched


# ---------------------------------------------------------------------- the writers

def number(value: float) -> str:
    """A plain number: no exponent, at most 4 decimals, no trailing zeros (``7``, ``9.5``)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _cell(grades: Grades, student: str, session: str, absent: str | None, blank: str) -> str:
    total = grades.totals.get((student, session))
    if total is not None and total.submitted:
        return number(total.total)
    return "0" if absent == "zero" else blank


def session_title(session: str, titles=None) -> str:
    """The platform's name of a session: ``titles[session]``, else ``NN Title`` from its
    declaration (``05 The sigmoid neuron``), else the session's name."""
    if titles and session in titles:
        return str(titles[session])
    try:
        from . import course

        title = course.declaration(session).title
    except Exception:  # noqa: BLE001 -- a session this checkout does not declare keeps its name
        return session
    number_part = session.split("_", 1)[0]
    return f"{number_part} {title}" if number_part.isdigit() else title


def canvas_rows(grades: Grades, roster: Roster, *, absent=None, titles=None, assignment_ids=None) -> list:
    """The rows of Canvas's gradebook import (see the module's docstring)."""
    if roster is None:
        raise ExportError("canvas needs a roster: give --roster FILE (Canvas's gradebook export, Grades > "
                          "Export, with a column `student` added)")
    if roster.column("ID") is None:
        raise ExportError(f"{roster.path}:1: no column `ID` (Canvas's user id: the roster is Canvas's gradebook "
                          f"export, Grades > Export, with a column `student` added)")
    id_column = roster.column("ID")
    matched = _match(grades, roster, [id_column], absent, unique=[id_column])
    sis = [roster.column(name) for name in CANVAS_SIS_COLUMNS]
    columns = [("Student", roster.column("Student")), ("ID", id_column)]
    if any(sis):
        columns += list(zip(CANVAS_SIS_COLUMNS, sis))
        columns += [(name, roster.column(name)) for name in CANVAS_AFTER_SIS if roster.column(name)]
    columns.append(("Section", roster.column("Section")))

    ids = {str(key): str(value) for key, value in (assignment_ids or {}).items()}
    known = {}  # title -> (header, id) of the assignments Canvas's export names in the roster's header
    for header in roster.columns:
        found = CANVAS_TITLE_AND_ID.match(header)
        if found:
            known.setdefault(found.group(1).strip(), (header, found.group(2)))
    problems, headers, points_possible = [], [], []
    warnings = []
    for session, points in grades.sessions.items():
        title = session_title(session, titles)
        if session in ids:
            if not ids[session].isdigit():
                problems.append(f"the Canvas assignment id {ids[session]!r} of {session} is not a number")
            header = f"{title} ({ids[session]})"
        elif title in known or session in known:
            header, _ = known.get(title) or known[session]
        else:
            header = title
            if CANVAS_TITLE_AND_ID.match(title):
                problems.append(f"the Canvas title {title!r} of {session} ends in a number in brackets, which "
                                f"Canvas reads as an assignment id: give another title or its id")
        if header in CANVAS_RESERVED or any(name in header for name in CANVAS_NOT_ASSIGNMENTS):
            problems.append(f"the Canvas title {header!r} of {session} is one Canvas reads as a student or total "
                            f"column, not an assignment")
        listed = roster.points_possible.get(header, "")
        with contextlib.suppress(ValueError):
            if listed and abs(float(listed.replace(",", ".")) - points) > 1e-9:
                warnings.append(f"{session}: Canvas's {header!r} has {listed} points possible, HaMLeT's "
                                f"{number(points)}")
        headers.append(header)
        points_possible.append(number(points))
    if problems:
        raise ExportError(problems)
    rows = [[name for name, _ in columns] + headers,
            ["Points Possible"] + [""] * (len(columns) - 1) + points_possible]
    for student, row in matched:
        rows.append([row.values.get(column, "") if column else "" for _, column in columns]
                    + [_cell(grades, student, session, absent, "") for session in grades.sessions])
    return _Rows(rows, warnings)


def moodle_id_column(roster: Roster, id_column=None) -> str:
    """The roster's column that identifies students to Moodle: ``id_column``, else the first
    of ``ID number``, ``Email address``, ``Username`` it has."""
    if id_column:
        column = roster.column(id_column)
        if column is None:
            raise ExportError(f"{roster.path}:1: no column {id_column!r} (--id-column); the columns are "
                              f"{', '.join(roster.columns)}")
        return column
    for name in MOODLE_ID_COLUMNS:
        if roster.column(name):
            return roster.column(name)
    raise ExportError(f"{roster.path}:1: no column to identify students to Moodle: none of "
                      f"{', '.join(MOODLE_ID_COLUMNS)} (name another with --id-column)")


def _feedback(total: SessionTotal | None) -> str:
    """What a student may read about one total: late penalty, bonus, what still waits for a tutor."""
    if total is None or not total.submitted:
        return ""
    notes = []
    if total.late or total.penalty:
        notes.append(f"late: -{number(total.penalty)} points" if total.penalty else "late")
    if total.bonus:
        notes.append(f"bonus: +{number(total.bonus)}")
    if total.needs_manual_grading:
        many = total.needs_manual_grading != 1
        notes.append(f"provisional: {total.needs_manual_grading} answer{'s' if many else ''} still to be "
                     f"graded by hand")
    return "; ".join(notes)


def moodle_rows(grades: Grades, roster: Roster, *, id_column=None, absent=None, titles=None,
                feedback=False) -> list:
    """The rows of Moodle's CSV grade import (see the module's docstring)."""
    if roster is None:
        raise ExportError("moodle needs a roster: give --roster FILE (Moodle's participants or grade export, "
                          "with a column `student` added)")
    column = moodle_id_column(roster, id_column)
    matched = _match(grades, roster, [column], absent, unique=[column],
                     casefold=[column] if "mail" in column.casefold() else [])
    header = [column]
    for session in grades.sessions:
        title = session_title(session, titles)
        header += [title, f"Feedback: {title}"] if feedback else [title]
    rows = [header]
    warnings = []
    for student, row in matched:
        cells = [row.values[column]]
        for session in grades.sessions:
            total = grades.totals.get((student, session))
            cells.append(_cell(grades, student, session, absent, "-"))
            if feedback:
                cells.append(_feedback(total))
            if total is not None and total.total > MOODLE_GRADE_POINT_MAX:
                warnings.append(f"{student}, {session}: {number(total.total)} is above 100, which Moodle refuses "
                                f"unless the site allows unlimited grades (gradepointmax)")
        rows.append(cells)
    return _Rows(rows, warnings, mapping=column)


def wide_rows(grades: Grades, roster: Roster | None, *, id_column=None, absent=None) -> list:
    """HaMLeT's own wide CSV: student, the roster's id columns, a total per session, the course total."""
    columns = []
    if roster is not None:
        names = list(ID_COLUMNS) + ([id_column] if id_column else [])
        for name in names:
            column = roster.column(name)
            if column is None and name == id_column:
                raise ExportError(f"{roster.path}:1: no column {id_column!r} (--id-column); the columns are "
                                  f"{', '.join(roster.columns)}")
            if column and column not in columns and column != "student":
                columns.append(column)
    matched = _match(grades, roster, [], absent, unique=columns,
                     casefold=[column for column in columns if "mail" in column.casefold()])
    rows = [["student"] + columns + list(grades.sessions) + ["total"]]
    for student, row in matched:
        cells = [_cell(grades, student, session, absent, "") for session in grades.sessions]
        present = [float(cell) for cell in cells if cell]
        rows.append([student] + [row.values.get(column, "") if row else "" for column in columns] + cells
                    + [number(sum(present)) if present else ""])
    return _Rows(rows, [])


class _Rows(list):
    """A writer's rows, with its warnings (and for Moodle the identifier column)."""

    def __init__(self, rows, warnings, mapping=None):
        super().__init__(rows)
        self.warnings = warnings
        self.mapping = mapping


def write_rows(path, rows) -> Path:
    """Write ``rows`` as CSV to ``path`` atomically: a temporary file in the same folder, then os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return path


@dataclass
class ExportResult:
    path: Path
    format: str
    students: int
    sessions: int
    warnings: list = field(default_factory=list)
    mapping: str | None = None  # Moodle: the column to "Identify user by"


def write_export(format: str, grades: Grades, to, *, roster=None, id_column=None, absent=None,
                 assignment_ids=None, titles=None, feedback=False) -> ExportResult:
    """Write ``grades`` in ``format`` to ``to``; the one writer of each format, for both ways in.

    ``roster`` is a path or a :class:`Roster` (required for canvas and moodle); ``absent``
    None (not given: a blank cell, and a roster row of no graded student is an error),
    ``"blank"`` or ``"zero"``.
    """
    if format not in FORMATS:
        raise ExportError(f"no format {format!r}: the formats are {', '.join(FORMATS)}")
    if absent not in (None, *ABSENT):
        raise ExportError(f"--absent {absent!r}: give blank or zero")
    if roster is not None and not isinstance(roster, Roster):
        roster = read_roster(roster)
    if format == "canvas":
        rows = canvas_rows(grades, roster, absent=absent, titles=titles, assignment_ids=assignment_ids)
        students = len(rows) - 2
    elif format == "moodle":
        rows = moodle_rows(grades, roster, id_column=id_column, absent=absent, titles=titles, feedback=feedback)
        students = len(rows) - 1
    else:
        rows = wide_rows(grades, roster, id_column=id_column, absent=absent)
        students = len(rows) - 1
    warnings = list(rows.warnings)
    pending = [total for total in grades.totals.values() if total.submitted and total.needs_manual_grading]
    if pending:
        warnings.insert(0, f"{len(pending)} hand-in(s) with answers still to grade by hand: exported without "
                           f"them (grade them, then `hamlet report` and export again)")
    ungraded = [total for total in grades.totals.values() if total.submitted and not total.graded]
    if ungraded:
        warnings.insert(0, f"{len(ungraded)} hand-in(s) not graded yet: exported as totals.csv has them")
    path = write_rows(to, rows)
    return ExportResult(path, format, students, len(grades.sessions), warnings, rows.mapping)


def export(folder, format: str, *, roster=None, to=None, id_column=None, absent=None, assignment_ids=None,
           titles=None, feedback=False) -> ExportResult:
    """``hamlet export``: the totals of ``folder/totals.csv`` in ``format``, by default to
    ``folder/export/<format>.csv``.  ExportError for bad input (every problem at once)."""
    folder = Path(folder)
    grades = read_totals(folder)
    to = Path(to) if to else folder / "export" / f"{format}.csv"
    return write_export(format, grades, to, roster=roster, id_column=id_column, absent=absent,
                        assignment_ids=assignment_ids, titles=titles, feedback=feedback)


# ---------------------------------------------------------------------- nbgrader's ExportPlugin

def _plugin_classes() -> dict:
    """CanvasExport, MoodleExport, CsvExport (made on first use: importing nbgrader takes seconds,
    and the ``hamlet`` command imports this module for every subcommand)."""
    global _PLUGINS
    if _PLUGINS:
        return _PLUGINS
    from nbgrader.plugins import ExportPlugin
    from traitlets import Bool, Dict, Enum, Unicode

    class HamletExport(ExportPlugin):
        """The gradebook's totals (score minus late penalty) in one of HaMLeT's export formats."""

        format = "csv"
        roster = Unicode("", help="roster CSV: a column `student` (nbgrader's student id) and the "
                                  "platform's ids").tag(config=True)
        id_column = Unicode("", help="the roster's column that identifies students (Moodle; default: the first "
                                     "of ID number, Email address, Username)").tag(config=True)
        absent = Enum(["", *ABSENT], default_value="",
                      help="a student with no submission: blank (no grade) or zero; given, a roster row of "
                           "no known student is exported instead of refused").tag(config=True)
        assignment_ids = Dict(help="Canvas: {assignment: Canvas assignment id}").tag(config=True)
        titles = Dict(help="{assignment: title on the platform}").tag(config=True)
        feedback = Bool(False, help="Moodle: a feedback column per assignment").tag(config=True)

        def export(self, gradebook) -> None:
            grades = grades_from_gradebook(gradebook, self.student, self.assignment)
            result = write_export(self.format, grades, self.to or f"{self.format}.csv",
                                  roster=self.roster or None, id_column=self.id_column or None,
                                  absent=self.absent or None, assignment_ids=dict(self.assignment_ids),
                                  titles=dict(self.titles), feedback=self.feedback)
            self.log.info("Exported %d students, %d assignments to %s", result.students, result.sessions,
                          result.path)
            for warning in result.warnings:
                self.log.warning(warning)

    class CanvasExport(HamletExport):
        """Canvas's gradebook import CSV (``nbgrader export --exporter=hamlet.export.CanvasExport``)."""

        format = "canvas"

    class MoodleExport(HamletExport):
        """Moodle's CSV grade import (``nbgrader export --exporter=hamlet.export.MoodleExport``)."""

        format = "moodle"

    class CsvExport(HamletExport):
        """HaMLeT's wide CSV (``nbgrader export --exporter=hamlet.export.CsvExport``)."""

        format = "csv"

    for plugin in (HamletExport, CanvasExport, MoodleExport, CsvExport):
        plugin.__module__ = __name__
        plugin.__qualname__ = plugin.__name__
    _PLUGINS = {plugin.__name__: plugin for plugin in (HamletExport, CanvasExport, MoodleExport, CsvExport)}
    return _PLUGINS


_PLUGINS: dict = {}


def __getattr__(name):
    if name in ("HamletExport", "CanvasExport", "MoodleExport", "CsvExport"):
        return _plugin_classes()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------- the command

def _assignment_ids(pairs) -> dict:
    ids = {}
    for pair in pairs or ():
        session, separator, value = pair.partition("=")
        if not separator or not session or not value:
            raise ExportError(f"--assignment-id {pair!r}: give SESSION=ID, e.g. 05_sigmoid_neuron=4711")
        ids[session] = value
    return ids


def command_export(arguments) -> int:
    """``hamlet export``: print the file written and what it holds; on bad input the problems, and 1."""
    try:
        result = export(arguments.dir, arguments.format, roster=arguments.roster, to=arguments.to,
                        id_column=arguments.id_column, absent=arguments.absent,
                        assignment_ids=_assignment_ids(getattr(arguments, "assignment_id", None)),
                        feedback=getattr(arguments, "feedback", False))
    except ExportError as error:
        print(f"hamlet export: {error}")
        return 1
    except OSError as error:  # the destination cannot be written
        print(f"hamlet export: cannot write {error.filename or arguments.to}: {error.strerror or error}")
        return 1
    print(f"wrote {result.path}: {result.students} student{'s' if result.students != 1 else ''}, "
          f"{result.sessions} session{'s' if result.sessions != 1 else ''} ({result.format})")
    if result.mapping:
        field_name = next((name for name in MOODLE_ID_COLUMNS if name.casefold() == result.mapping.casefold()),
                          "the user field it holds")
        print(f"in Moodle (Grades > Import > CSV file), Identify user by: Map from {result.mapping!r}, "
              f"Map to {field_name!r}; map each session's column to its grade item (or a new one)")
    for warning in result.warnings:
        print(f"warning: {warning}")
    return 0


def add_command(subparsers) -> None:
    """Register ``hamlet export`` on the ``hamlet`` command's subparsers."""
    parser = subparsers.add_parser(
        "export", help="the totals as a CSV file to import into Canvas or Moodle, or as one wide CSV",
        description="Write DIR/totals.csv as the CSV a learning platform imports. canvas: Grades > Import "
                    "(the roster: Canvas's gradebook export with a column `student`); moodle: Grades > Import > "
                    "CSV file (the roster: a participants export with a column `student`); csv: one row per "
                    "student, a column per session and the course total.")
    parser.add_argument("dir", help="the folder holding totals.csv (the --out folder of `hamlet grade`)")
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--roster", default=None,
                        help="CSV with a column `student` (HaMLeT's id) and the platform's id columns")
    parser.add_argument("--to", default=None, help="file to write (default: DIR/export/<format>.csv)")
    parser.add_argument("--id-column", default=None,
                        help="Moodle: the roster's column that identifies students (default: the first of "
                             "'ID number', 'Email address', 'Username')")
    parser.add_argument("--absent", choices=ABSENT, default=None,
                        help="a roster student with no hand-in of a session: blank (no grade; the default) or "
                             "zero; given, roster students with no grades at all are exported too")
    parser.add_argument("--assignment-id", action="append", default=None, metavar="SESSION=ID",
                        help="Canvas: the assignment id of a session (repeat for each)")
    parser.add_argument("--feedback", action="store_true",
                        help="Moodle: a feedback column per session (late penalty, bonus, provisional)")
    parser.set_defaults(run=command_export)
