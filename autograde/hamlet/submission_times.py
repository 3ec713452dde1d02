"""When each hand-in was submitted, and who handed it in, from what the hand-in carries.

Three sources, each read as its makers wrote it (the formats below were read in their
sources -- jupyter/nbgrader 0.9.6, moodle/moodle, instructure/canvas-lms -- not guessed):

**nbgrader's ``timestamp.txt``** -- one line in the submission folder
(``submitted/<student>/<session>/timestamp.txt``), e.g. ``2026-11-20 23:59:00.123456 UTC``
(nbgrader's exchange writes ``%Y-%m-%d %H:%M:%S.%f %Z`` in its ``timezone``, UTC by default).
``nbgrader autograde`` reads it with ``CourseDirectory.get_existing_timestamp``: an empty file
is ignored with a warning, one that ``nbgrader.utils.parse_utc`` cannot parse *aborts the
autograde* (it means to fail with "Invalid timestamp string"; 0.9.6 raises AttributeError, as
``CourseDirectory`` has no ``fail``); a time without a zone is UTC.  nbgrader's late
submission docs (``docs/source/plugins/late-plugin.rst``) give the example
``2015-02-02 14:58:23.948203 America/Los_Angeles``.  :func:`read_timestamp` parses with
``parse_utc`` itself, so HaMLeT and nbgrader agree on every time, and refuses two forms that
``parse_utc`` reads *wrongly* without complaint: a numeric zone as third word
(``2026-11-20 23:59:00 +0100`` -- ``parse_utc`` takes ``int("+0100")`` as 100 *seconds*)
and an unknown zone name (``... Mars/Olympus``: ``dateutil.tz.gettz`` gives None and the
time is taken as UTC).  A refused file is not copied for nbgrader, so both then say
"time unknown".

**Moodle's "Download all submissions"** (``mod/assign/classes/downloader.php`` since 4.1,
``mod/assign/locallib.php::download_submissions`` before): every entry starts with the
prefix ``clean_filename(str_replace('_', ' ', fullname) . '_' . get_uniqueid_for_user(userid))``
followed by ``_<plugin subtype>_<plugin type>``:

* with "Download submissions in folders" (the default since Moodle 3.1) one folder per
  student and plugin: ``Ada Lovelace_123456_assignsubmission_file/06_backpropagation.ipynb``
  (3.x wrote a trailing underscore: ``Ada Lovelace_123456_assignsubmission_file_/...``), and
  ``Ada Lovelace_123456_assignsubmission_onlinetext/onlinetext.html`` for online text;
* without it, flat files: ``Ada Lovelace_123456_assignsubmission_file_06_backpropagation.ipynb``
  (Moodle's own tests: ``Student Name_<id>_assignsubmission_file_My_cool_filename.txt``);
* blind marking writes ``Participant`` for the name (``Participant_123456_assignsubmission_file_...``);
  team submissions the group's name and id (``Team A_42_assignsubmission_file_...``).

Underscores in a name become spaces, so the name part never holds ``_``.  The number is
**not** the user's id: ``get_uniqueid_for_user`` is a row of ``assign_user_mapping``, "Map an
assignment specific id number to a user" (``mod/assign/db/install.xml``; the grading table
calls it "an ID that uniquely identifies this user in this assignment") -- the same person
has a different number in every assignment.  So HaMLeT's student id for Moodle is the *full
name* (cleaned); the number only ties the files of one export to each other and to that
export's grading worksheet.  (Two participants with one name in one export are told apart
by name and number, with a note: that id then holds for one session only.)

Moodle's zip carries no submission time (its ``zip_writer`` streams entries stamped at
download time).  Its **offline grading worksheet** does ("Download grading worksheet";
``mod/assign/feedback/offline``; file ``Grades-<course>-<assignment>-<cmid>.csv``): columns
``Identifier`` (``Participant 123456`` -- the same per-assignment number as in the download
names, which is how ``importgradeslib.php`` reads it back), ``Full name``, ``Email address``,
``Status``, ``Grade``, ..., ``Last modified (submission)``, ``Last modified (grade)``.  The
times are written by ``userdate()`` in the *downloading teacher's* Moodle timezone, with no
zone and to the minute: ``Friday, 20 November 2026, 11:59 PM`` (English pack,
``strftimedaydatetime = '%A, %d %B %Y, %I:%M %p'`` with leading zeros dropped) or
``Friday, November 20, 2026, 11:59 PM`` (``en_us``); ``-`` for no submission.
:func:`read_moodle_worksheet` reads those two forms (and ISO 8601) with the course's timezone;
other language packs write other words -- download the worksheet with English as language.

**Canvas's "Download Submissions"** (``lib/content_zipper.rb``): flat files
``<name>[_LATE]_<user id>_<attachment id>_<file name>``, e.g.
``lovelaceada_12345_6789012_06_backpropagation.ipynb`` and
``lovelaceada_LATE_12345_6789013_06_backpropagation.ipynb`` (from a real download, in the
README of mikewesthad/canvas-unzipper: ``smithbob_340934_208490284_BobsWork.zip``).  The
name is the user's ``sortable_name`` ("Lovelace, Ada") lower-cased with every non-word
character removed (``[^[[:word:]]]``: letters and marks of any script, digits and ``_`` stay,
so ``müllerjürgen``, ``o_brienpat``); ``LATE`` is there when Canvas counts the submission
late (its due date, overrides included).  Text and URL entries are
``<name>[_LATE]_<user id>_text.html`` / ``_link.html``; anonymous grading writes
``[LATE_]anon_<anonymous id>_<attachment id>_<file name>``.  The user id is Canvas's id of the
person -- the same in every assignment -- so HaMLeT's student id for Canvas is
``<name>_<user id>`` (``lovelaceada_12345``): stable, and unique where two students share a
name.  The anonymous id is per submission: no stable id exists under anonymous grading.
Canvas's zip carries no submission time, and no Canvas export does -- only its API's
``submitted_at`` (hence tools such as ssardina-teaching/canvas-submission-time-scraper): a
Canvas time is unknown, and ``LATE`` means "late per Canvas, time unknown".  Canvas zips with
rubyzip, which sets the zip's UTF-8 flag only when told to (``Zip.unicode_names``, false by
default): :mod:`hamlet.submissions` reads names without the flag as UTF-8 when they are.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from pathlib import Path

TIMESTAMP = "timestamp.txt"
UTC = timezone.utc

# ----------------------------------------------------------------------------- nbgrader


def read_timestamp(folder: Path) -> tuple[datetime | None, str | None]:
    """The time in ``folder/timestamp.txt``, as nbgrader reads it: ``(aware UTC time, None)``.

    ``(None, problem)`` for an empty file (nbgrader ignores it) and for one nbgrader cannot
    parse (nbgrader's autograde would abort on it) or would misread (a numeric zone, an
    unknown zone name): the caller must not give such a file to nbgrader.  ``(None, None)``
    when there is no ``timestamp.txt``.
    """
    path = Path(folder) / TIMESTAMP
    if not path.is_file():
        return None, None
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{TIMESTAMP} unreadable ({type(error).__name__}: {error}): time unknown"
    if not text:
        return None, f"{TIMESTAMP} empty: time unknown"
    problem = _misread_by_nbgrader(text)
    if problem:
        return None, f"{TIMESTAMP} unreadable ({problem}): time unknown"
    from nbgrader.utils import parse_utc  # importing nbgrader takes seconds: only when needed

    try:
        when = parse_utc(text)
    except (ValueError, OverflowError, TypeError) as error:  # nbgrader: "Invalid timestamp string"
        return None, f"{TIMESTAMP} unreadable ({text[:60]!r}: {error}): time unknown"
    return when.replace(tzinfo=UTC), None


def _misread_by_nbgrader(text: str) -> str | None:
    """Why ``parse_utc`` would read ``text`` wrongly without complaint, or None."""
    parts = text.split(" ")
    if len(parts) != 3:
        return None
    zone = parts[2]
    try:
        int(zone)
    except ValueError:
        pass
    else:
        return (f"numeric zone {zone!r}, which nbgrader reads as {int(zone)} seconds; "
                f"write a zone name, e.g. '{parts[0]} {parts[1]} UTC'")
    import dateutil.tz

    if dateutil.tz.gettz(zone) is None:
        return f"unknown timezone {zone!r}, which nbgrader would read as UTC"
    return None


def nbgrader_timestamp(when: datetime) -> str:
    """``when`` as nbgrader's exchange writes ``timestamp.txt``: ``2026-11-20 22:59:00.000000 UTC``."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"nbgrader_timestamp needs a time with a zone, got {when!r}")
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


# ----------------------------------------------------------------------------- LMS names


@dataclass(frozen=True)
class LmsName:
    """What an LMS download's file or folder name says about its hand-in.

    ``student`` is the name part as the LMS wrote it (Moodle: the full name, ``Ada Lovelace``;
    Canvas: ``lovelaceada``; empty under Canvas's anonymous grading); ``lms_id`` the id in the
    name (Moodle: the per-assignment participant number; Canvas: the user id, or
    ``anon_<id>``); ``late`` Canvas's ``LATE`` marker (always False for Moodle);
    ``filename`` the original file name (``""`` for a Moodle folder).
    """

    lms: str
    student: str
    lms_id: str
    late: bool
    filename: str

    @property
    def stable_key(self) -> str:
        """The part of the name that is the same person in every assignment (see the module doc):
        Moodle's full name, Canvas's ``<name>_<user id>`` (``anon_<id>`` when anonymous: not stable)."""
        if self.lms == "moodle":
            return self.student
        return f"{self.student}_{self.lms_id}" if self.student else self.lms_id


_MOODLE = re.compile(r"(?P<name>[^_/]+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)(?:_(?P<file>.*))?", re.S)
_CANVAS = re.compile(r"(?P<name>.+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<file>.+)", re.S)
_CANVAS_TEXT = re.compile(r"(?P<name>.+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<file>text\.html|link\.html)", re.S)
_CANVAS_ANON = re.compile(r"(?P<late>LATE_)?(?P<id>anon_[^\W_]+)_(?:(?P<attachment>\d+)_(?P<file>.+)|"
                          r"(?P<entry>text\.html|link\.html))", re.S)


def _canvas_word(name: str) -> bool:
    """Whether Canvas could have written ``name``: nothing but Ruby's ``[[:word:]]`` (letters,
    marks, numbers of any script, ``_``) -- everything else it removes."""
    return bool(name) and all(char == "_" or unicodedata.category(char)[0] in "LMN" for char in name)


def parse_lms_name(name: str) -> LmsName | None:
    """The Moodle or Canvas download name ``name`` (a file or folder name, not a path), or None.

    None for any other name, e.g. ``ada.ipynb`` or ``ada``.
    """
    name = unicodedata.normalize("NFC", name)  # zips made on macOS hold decomposed names
    match = _MOODLE.fullmatch(name)
    if match and match["name"].strip():
        return LmsName("moodle", match["name"], match["id"], False, match["file"] or "")
    match = _CANVAS_ANON.fullmatch(name)
    if match:
        return LmsName("canvas", "", match["id"], bool(match["late"]), match["file"] or match["entry"])
    for pattern in (_CANVAS, _CANVAS_TEXT):
        match = pattern.fullmatch(name)
        if match and _canvas_word(match["name"]):
            return LmsName("canvas", match["name"], match["id"], bool(match["late"]), match["file"])
    return None


# ----------------------------------------------------------------------------- Moodle worksheet

WORKSHEET_ID = "Identifier"
WORKSHEET_SUBMITTED = "Last modified (submission)"
_MOODLE_TIMES = ("%A, %d %B %Y, %I:%M %p",  # en: Friday, 20 November 2026, 11:59 PM
                 "%A, %B %d, %Y, %I:%M %p")  # en_us: Friday, November 20, 2026, 11:59 PM


@dataclass(frozen=True)
class WorksheetRow:
    """One participant of a Moodle grading worksheet."""

    participant_id: str  #: the number of ``Participant 123456``, as in the download names
    full_name: str
    email: str | None  #: ``Email address``, when the site shows it
    status: str
    submitted_at: datetime | None  #: ``Last modified (submission)``, aware UTC; None for ``-``


def is_moodle_worksheet(path: Path) -> bool:
    """Whether ``path`` is a CSV file whose header is a Moodle grading worksheet's."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return WORKSHEET_ID in header and WORKSHEET_SUBMITTED in header


def _zone(timezone_: str | tzinfo) -> tzinfo:
    if isinstance(timezone_, tzinfo):
        return timezone_
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(timezone_)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {timezone_!r} (an IANA name such as 'Europe/Berlin')") from None


def parse_moodle_time(text: str, zone: str | tzinfo) -> datetime | None:
    """A time as Moodle's ``userdate()`` writes it in English, read in ``zone``; None for ``-``.

    ``Friday, 20 November 2026, 11:59 PM``, ``Friday, November 20, 2026, 11:59 PM`` or ISO 8601
    (``2026-11-20T23:59:00``, a zone in it wins).  ValueError for anything else.
    """
    text = " ".join(text.split())
    if text in ("", "-"):
        return None
    for form in _MOODLE_TIMES:
        try:
            local = datetime.strptime(text, form)
            break
        except ValueError:
            continue
    else:
        try:
            local = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not a time as Moodle writes it in English "
                             f"(e.g. 'Friday, 20 November 2026, 11:59 PM')") from None
    if local.tzinfo is None:
        local = local.replace(tzinfo=_zone(zone))
    return local.astimezone(UTC)


def read_moodle_worksheet(path, timezone: str | tzinfo) -> dict[str, WorksheetRow]:
    """A Moodle grading worksheet (CSV), by participant number; times read in ``timezone``.

    ``timezone`` must be the Moodle timezone of the teacher who downloaded it (usually the
    course's): the worksheet's times carry none.  They are to the minute, so a submission is
    up to 59 s later than its time here.  ValueError, naming the file and the row, for a file
    that is not a worksheet or a time that cannot be read.
    """
    path = Path(path)
    zone = _zone(timezone)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"{path}: cannot read the grading worksheet ({type(error).__name__}: {error})") from None
    columns = rows[0].keys() if rows else []
    for column in (WORKSHEET_ID, WORKSHEET_SUBMITTED):
        if rows and column not in columns:
            raise ValueError(f"{path}: not a Moodle grading worksheet (no column {column!r}; "
                             f"download it from Moodle in English)")
    found: dict[str, WorksheetRow] = {}
    for number, row in enumerate(rows, start=2):  # the header is line 1
        identifier = re.search(r"(\d+)\s*$", row.get(WORKSHEET_ID) or "")
        if not identifier:
            raise ValueError(f"{path}: line {number}: {WORKSHEET_ID} {row.get(WORKSHEET_ID)!r} "
                             f"is not 'Participant <number>'")
        name = (row.get("Full name") or "").strip()
        try:
            submitted = parse_moodle_time(row.get(WORKSHEET_SUBMITTED) or "", zone)
        except ValueError as error:
            raise ValueError(f"{path}: line {number} ({name or identifier[1]}): {WORKSHEET_SUBMITTED}: {error}") \
                from None
        found[identifier[1]] = WorksheetRow(identifier[1], name, (row.get("Email address") or "").strip() or None,
                                            (row.get("Status") or "").strip(), submitted)
    return found
