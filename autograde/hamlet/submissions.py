"""Collecting a class's submissions: every student's notebook, when it was handed in, or why there is none.

:func:`collect_submissions` takes a folder or a zip of

* nbgrader's layout ``submitted/<student>/<session>/`` (with or without ``submitted``), its
  ``timestamp.txt`` read as nbgrader reads it (:func:`hamlet.submission_times.read_timestamp`);
* ``<student>/<notebook>.ipynb`` folders, with a ``<student>/timestamp.txt`` if there is one;
* a flat folder of ``<student>.ipynb`` files;
* a Moodle or Canvas "download all submissions" zip or folder, as the LMS names its files
  and folders (:func:`hamlet.submission_times.parse_lms_name`; the formats, and which id in
  them is the same person in every session, are in :mod:`hamlet.submission_times`): one
  student per person however many files and folders the LMS made, under the id that
  stays the same all semester (Moodle: the full name; Canvas: ``<name>_<user id>``).  A
  Moodle grading worksheet (``Grades-...csv``) in the folder or zip gives Moodle's
  submission times; Canvas's names give none (only its ``LATE`` marker).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from . import course
from .submission_times import (LmsName, WorksheetRow, is_moodle_worksheet, parse_lms_name, read_moodle_worksheet,
                               read_timestamp)


@dataclass
class Submission:
    """One student's hand-in: the notebook, or why there is none; when it was handed in.

    ``submitted_at`` is aware (UTC) or None when unknown; ``time_source`` says where the time
    (or what is known of it) comes from: ``timestamp.txt``, ``Moodle grading worksheet``,
    ``Canvas: LATE, time unknown``, ...  ``lms_id`` is the id in the LMS's name of the file
    (see :class:`~hamlet.submission_times.LmsName`).  ``timestamp_file`` is a valid nbgrader
    ``timestamp.txt`` to copy beside the notebook (None when there is none or it is invalid).
    """

    student: str
    notebook: Path | None
    problem: str | None = None
    submitted_at: datetime | None = None
    time_source: str | None = None
    lms_id: str | None = None
    timestamp_file: Path | None = None


# letters NFKD does not take apart
_LATIN = str.maketrans({"ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O",
                        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
                        "ı": "i", "ħ": "h", "Ħ": "H"})


def _student_id(name: str) -> str:
    """A folder- and database-safe student id: ``bo b`` -> ``bo_b``, ``Jürgen Müller`` -> ``Jurgen_Muller``.

    Accents are dropped; a name with letters that have no Latin form (``李雷``, ``Σοφία``)
    keeps a short hash of itself, so two such names stay two students.
    """
    name = unicodedata.normalize("NFC", name)
    latin = "".join(char for char in unicodedata.normalize("NFKD", name.translate(_LATIN))
                    if not unicodedata.combining(char))
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", latin).strip("._")
    if any(unicodedata.category(char).startswith("L") and not char.isascii() for char in latin):
        digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
        cleaned = f"{cleaned}_{digest}" if cleaned else f"u{digest}"
    return cleaned or "unnamed"


def _zip_name(member: zipfile.ZipInfo) -> str:
    """The member's name; a UTF-8 name stored without the zip's UTF-8 flag (as Canvas's
    rubyzip writes them) read as UTF-8, not as the cp437 the zip standard assumes."""
    if member.flag_bits & 0x800:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("utf-8")
    except UnicodeError:
        return member.filename


def _safe_extract(archive: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    with zipfile.ZipFile(archive) as bundle:
        members = bundle.infolist()
        for member in members:
            target = (folder / _zip_name(member)).resolve()
            if target != root and not target.is_relative_to(root):
                raise ValueError(f"{archive}: refusing the entry {member.filename!r} (outside the folder)")
        for member in members:
            target = folder / _zip_name(member)
            if member.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with bundle.open(member) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink)
    return folder


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") or part == "__MACOSX" for part in path.relative_to(root).parts)


def _notebooks(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.ipynb") if not path.name.startswith("."))


def _named(filename: str, session: str) -> bool:
    """Whether ``filename`` is the session's notebook (Canvas renames a file handed in again
    ``06_backpropagation-1.ipynb``)."""
    stem = Path(filename).stem
    return stem == session or re.fullmatch(re.escape(session) + r"-\d+", stem) is not None


@dataclass
class _LmsHandIn:
    """Everything one person handed in, as an LMS export names it (one or more files and folders)."""

    lms: LmsName
    notebooks: list[tuple[Path, str]] = field(default_factory=list)  # (path, the name the student gave it)
    others: list[str] = field(default_factory=list)


def _worksheet(path: Path, places: list[Path], worksheet, timezone) -> tuple[Path | None, dict | None]:
    """The Moodle grading worksheet given, or found at the top of ``places``, and its rows
    (None without a worksheet, or without a timezone to read its times in)."""
    if worksheet is not None and timezone is None:
        raise ValueError(f"{worksheet}: a Moodle grading worksheet's times need a timezone (course.toml: timezone)")
    if worksheet is None:
        found = sorted({candidate for place in places for candidate in place.glob("*.csv")
                        if not candidate.name.startswith(".") and is_moodle_worksheet(candidate)})
        if len(found) > 1:
            raise ValueError(f"{path}: more than one Moodle grading worksheet ({', '.join(f.name for f in found)}); "
                             f"keep the one of this assignment")
        if not found:
            return None, None
        worksheet = found[0]
    return Path(worksheet), read_moodle_worksheet(worksheet, timezone) if timezone is not None else None


def collect_submissions(path, session: str, scratch: Path, *, timezone: str | tzinfo | None = None,
                        worksheet=None) -> list[Submission]:
    """Find every student's notebook in ``path``, and when it was handed in.

    Accepts nbgrader's ``submitted/<student>/<session>/`` layout (with or without the
    ``submitted`` folder), ``<student>/<notebook>.ipynb``, a flat folder of
    ``<student>.ipynb`` files, or a Moodle or Canvas download -- or a zip of any of these.
    ``timezone`` (the course file's) is needed to read the times of a Moodle grading
    worksheet, given as ``worksheet`` or found at the top of the folder or zip; without it the
    worksheet is not read.  An invalid ``timestamp.txt`` is a problem of its submission
    ("timestamp.txt unreadable (...): time unknown"), not given to nbgrader.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no submissions at {path}")
    given = path
    if path.is_file() and zipfile.is_zipfile(path):
        path = _safe_extract(path, scratch / "incoming")
        entries = [entry for entry in path.iterdir() if not entry.name.startswith((".", "__MACOSX"))]
        if len(entries) == 1 and entries[0].is_dir() and not _notebooks(path):
            path = entries[0]
    elif path.is_file():
        raise ValueError(f"{path} is neither a folder nor a zip file")
    places = [path]
    if (path / "submitted").is_dir():
        path = path / "submitted"
        places.append(path)
    worksheet_path, rows = _worksheet(given, places, worksheet, timezone)

    submissions: dict[str, Submission] = {}

    def add(name: str, notebook: Path | None, problem: str | None = None, **times):
        student = _student_id(name)
        if student in submissions:
            submissions[student].problem = _joined(
                submissions[student].problem, f"handed in more than once ({submissions[student].notebook} "
                                              f"and {notebook}); graded the first")
            return
        submissions[student] = Submission(student, notebook, problem, **times)

    lms: dict[tuple[str, str], _LmsHandIn] = {}  # (lms, id in the name) -> what that person handed in

    def lms_entry(parsed: LmsName) -> _LmsHandIn:
        return lms.setdefault((parsed.lms, parsed.lms_id), _LmsHandIn(parsed))

    for entry in sorted(entry for entry in path.iterdir() if entry.is_file() and not entry.name.startswith(".")):
        parsed = parse_lms_name(entry.name)
        if parsed is not None:
            hand_in = lms_entry(parsed)
            if entry.suffix == ".ipynb":
                hand_in.notebooks.append((entry, parsed.filename))
            else:
                hand_in.others.append(parsed.filename)
        elif entry.suffix == ".ipynb":  # flat: <student>.ipynb
            add(entry.stem, entry)
    folders = sorted(entry for entry in path.iterdir() if entry.is_dir() and not entry.name.startswith(".")
                     and entry.name != "__MACOSX")
    others = set(course.sessions()) - {session}
    for folder in folders:
        parsed = parse_lms_name(folder.name)
        if parsed is not None and parsed.lms == "moodle":  # Moodle: <name>_<id>_assignsubmission_<plugin>/...
            hand_in = lms_entry(parsed)
            for item in sorted(item for item in folder.rglob("*") if item.is_file() and _visible(item, folder)):
                if item.suffix == ".ipynb":
                    hand_in.notebooks.append((item, item.name))
                else:
                    hand_in.others.append(item.name)
            continue
        if not (folder / session).is_dir() and any((folder / other).is_dir() for other in others):
            continue  # nbgrader's layout: this student handed in other sessions, not this one (yet)
        here = folder / session if (folder / session).is_dir() else folder
        candidates = _notebooks(here)
        preferred = [candidate for candidate in candidates if _named(candidate.name, session)]
        times = _timestamp(here)
        if preferred or len(candidates) == 1:
            add(folder.name, (preferred or candidates)[0], times.pop("problem"), **times)
        elif candidates:
            add(folder.name, candidates[0], _joined(f"{len(candidates)} notebooks and none named {session}.ipynb; "
                                                    f"graded {candidates[0].name}", times.pop("problem")), **times)
        else:
            times.pop("problem")
            add(folder.name, None, "no notebook handed in", **times)
    for hand_in, student, note in _lms_students(lms.values()):
        notebook, problem = _choose(hand_in, session)
        add(student, notebook, _joined(problem, note),
            **_lms_time(hand_in.lms, rows, worksheet_path))
    return list(submissions.values())


def _joined(*problems: str | None) -> str | None:
    problems = [problem for problem in problems if problem]
    return "; ".join(problems) if problems else None


def _timestamp(folder: Path) -> dict:
    """The time fields of a submission folder, from its ``timestamp.txt``, and its problem."""
    when, problem = read_timestamp(folder)
    if when is not None:
        return dict(problem=None, submitted_at=when, time_source="timestamp.txt",
                    timestamp_file=folder / "timestamp.txt")
    return dict(problem=problem, time_source="timestamp.txt unreadable" if problem else None)


def _lms_students(hand_ins) -> list[tuple[_LmsHandIn, str, str | None]]:
    """Each LMS hand-in with the student id it is graded under, and a note when that id is
    not the person's usual one: two Moodle participants of one name (blind marking: all of
    them) are told apart by their per-assignment numbers."""
    hand_ins = list(hand_ins)
    numbers: dict[str, set[str]] = {}
    for hand_in in hand_ins:
        if hand_in.lms.lms == "moodle":
            numbers.setdefault(_student_id(hand_in.lms.student), set()).add(hand_in.lms.lms_id)
    named = []
    for hand_in in hand_ins:
        key = hand_in.lms.stable_key
        note = None
        if hand_in.lms.lms == "moodle" and len(numbers[_student_id(key)]) > 1:
            key = f"{key}_{hand_in.lms.lms_id}"
            note = (f"{len(numbers[_student_id(hand_in.lms.student)])} Moodle participants named "
                    f"{hand_in.lms.student!r}: graded as {_student_id(key)} by Moodle's number for this "
                    f"assignment, which changes from session to session")
        elif hand_in.lms.lms == "canvas" and not hand_in.lms.student:
            note = "Canvas anonymous grading: the id is this submission's, not the student's"
        named.append((hand_in, key, note))
    return named


def _choose(hand_in: _LmsHandIn, session: str) -> tuple[Path | None, str | None]:
    """The notebook of one LMS hand-in to grade, and the problem with it."""
    candidates = sorted(hand_in.notebooks, key=lambda candidate: candidate[1])
    preferred = [candidate for candidate in candidates if _named(candidate[1], session)]
    if preferred or len(candidates) == 1:
        return (preferred or candidates)[0][0], None
    if candidates:
        return candidates[0][0], (f"{len(candidates)} notebooks and none named {session}.ipynb; "
                                  f"graded {candidates[0][1]}")
    others = f" (handed in: {', '.join(sorted(set(hand_in.others)))})" if hand_in.others else ""
    return None, f"no notebook handed in{others}"


def _lms_time(name: LmsName, rows: dict[str, WorksheetRow] | None, worksheet: Path | None) -> dict:
    """What is known of when an LMS hand-in was handed in."""
    times: dict = {"lms_id": name.lms_id}
    if name.lms == "canvas":
        times["time_source"] = "Canvas: LATE, time unknown" if name.late else "Canvas: not marked LATE, time unknown"
    elif worksheet is not None and rows is None:
        times["time_source"] = f"Moodle grading worksheet {worksheet.name} not read (no timezone given)"
    elif rows is not None:
        row = rows.get(name.lms_id)
        if row is None:
            times["time_source"] = f"not in the Moodle grading worksheet {worksheet.name}: time unknown"
        elif row.submitted_at is None:
            times["time_source"] = f"Moodle grading worksheet {worksheet.name}: no submission time"
        else:
            times.update(submitted_at=row.submitted_at, time_source="Moodle grading worksheet")
    return times


def sessions_in(path, known: list[str]) -> list[str]:
    """The sessions a folder (or zip) of nbgrader's layout ``[submitted/]<student>/<session>/`` holds.

    In the order of ``known``; ``[]`` when it is not that layout.
    """
    path = Path(path)
    found: set[str] = set()
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            names = [Path(_zip_name(member)).parts for member in bundle.infolist()]
        for parts in names:
            for index in range(1, len(parts)):
                prefix, student = parts[:index - 1], parts[index - 1]
                # [<folder>/][submitted/]<student>/<session>/...
                if parts[index] in known and not student.startswith((".", "__MACOSX")) and (
                        len(prefix) <= 1 or (len(prefix) == 2 and prefix[1] == "submitted")):
                    found.add(parts[index])
    elif path.is_dir():
        if (path / "submitted").is_dir():
            path = path / "submitted"
        found = {entry.name for student in path.iterdir() if student.is_dir() and not student.name.startswith(".")
                 for entry in student.iterdir() if entry.is_dir() and entry.name in known}
    return [session for session in known if session in found]
