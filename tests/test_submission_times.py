"""Submission times: nbgrader's timestamp.txt, Moodle's and Canvas's download names, Moodle's worksheet."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from hamlet.submission_times import (LmsName, is_moodle_worksheet, nbgrader_timestamp, parse_lms_name,
                                     parse_moodle_time, read_moodle_worksheet, read_timestamp)

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")


def stamp(tmp_path, text: str | bytes):
    (tmp_path / "timestamp.txt").write_bytes(text if isinstance(text, bytes) else text.encode())
    return tmp_path


# ----------------------------------------------------------------------------- timestamp.txt

@pytest.mark.parametrize("text, expected", [
    ("2026-11-20 23:59:00.123456 UTC", datetime(2026, 11, 20, 23, 59, 0, 123456, tzinfo=UTC)),  # nbgrader's own
    ("2015-02-02 14:58:23.948203 America/Los_Angeles",  # the example in nbgrader's docs
     datetime(2015, 2, 2, 22, 58, 23, 948203, tzinfo=UTC)),
    ("2026-11-20 23:59:00 Europe/Berlin", datetime(2026, 11, 20, 22, 59, tzinfo=UTC)),
    ("2026-11-20T23:59:00+01:00", datetime(2026, 11, 20, 22, 59, tzinfo=UTC)),
    ("2026-11-20 23:59:00", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),  # no zone: UTC, as for nbgrader
    ("  2026-11-20 23:59:00 UTC\n\n", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),
])
def test_timestamps_read_as_nbgrader_reads_them(tmp_path, text, expected):
    from nbgrader.coursedir import CourseDirectory

    folder = stamp(tmp_path, text)
    assert read_timestamp(folder) == (expected, None)
    assert CourseDirectory().get_existing_timestamp(str(folder)).replace(tzinfo=UTC) == expected


def test_no_timestamp(tmp_path):
    assert read_timestamp(tmp_path) == (None, None)


@pytest.mark.parametrize("text", ["", "  \n"])
def test_an_empty_timestamp_is_a_problem_nbgrader_ignores(tmp_path, text):
    from nbgrader.coursedir import CourseDirectory

    assert read_timestamp(stamp(tmp_path, text)) == (None, "timestamp.txt empty: time unknown")
    assert CourseDirectory().get_existing_timestamp(str(tmp_path)) is None


def test_an_invalid_timestamp_would_stop_nbgrader(tmp_path):
    from nbgrader.coursedir import CourseDirectory

    when, problem = read_timestamp(stamp(tmp_path, "yesterday evening"))
    assert when is None
    assert problem.startswith("timestamp.txt unreadable ('yesterday evening': ") and problem.endswith(": time unknown")
    with pytest.raises(Exception):  # noqa: B017 -- nbgrader 0.9.6 means self.fail() and has none: AttributeError
        CourseDirectory().get_existing_timestamp(str(tmp_path))


@pytest.mark.parametrize("text, words", [
    ("2026-11-20 23:59:00 +0100", "numeric zone '+0100', which nbgrader reads as 100 seconds"),
    ("2026-11-20 23:59:00 -0500", "numeric zone '-0500', which nbgrader reads as -500 seconds"),
    ("2026-11-20 23:59:00 Mars/Olympus", "unknown timezone 'Mars/Olympus', which nbgrader would read as UTC"),
    ("99999999999999999999", "99999999999999999999"),
    ("2026-13-45 25:61:00", "2026-13-45 25:61:00"),
])
def test_timestamps_nbgrader_cannot_read_or_would_misread_are_problems(tmp_path, text, words):
    when, problem = read_timestamp(stamp(tmp_path, text))
    assert when is None and problem.startswith("timestamp.txt unreadable (") and words in problem, problem


def test_the_misread_forms_are_really_misread_by_nbgrader():
    from nbgrader.utils import parse_utc

    assert parse_utc("2026-11-20 23:59:00 +0100") == datetime(2026, 11, 20, 23, 57, 20)  # 100 s, not 1 h
    assert parse_utc("2026-11-20 23:59:00 Mars/Olympus") == datetime(2026, 11, 20, 23, 59)


def test_a_timestamp_that_is_not_text(tmp_path):
    when, problem = read_timestamp(stamp(tmp_path, b"\xff\xfe2\x00"))
    assert when is None and problem.startswith("timestamp.txt unreadable (UnicodeDecodeError")


def test_nbgrader_timestamp_round_trips(tmp_path):
    when = datetime(2026, 11, 20, 23, 59, 30, 250000, tzinfo=BERLIN)
    assert nbgrader_timestamp(when) == "2026-11-20 22:59:30.250000 UTC"
    assert read_timestamp(stamp(tmp_path, nbgrader_timestamp(when))) == (when.astimezone(UTC), None)
    with pytest.raises(ValueError, match="needs a time with a zone"):
        nbgrader_timestamp(datetime(2026, 11, 20))


# ----------------------------------------------------------------------------- LMS names

@pytest.mark.parametrize("name, expected", [
    # Moodle, "download submissions in folders" (4.x, and 3.x with its trailing underscore)
    ("Ada Lovelace_123456_assignsubmission_file", LmsName("moodle", "Ada Lovelace", "123456", False, "")),
    ("Ada Lovelace_123456_assignsubmission_file_", LmsName("moodle", "Ada Lovelace", "123456", False, "")),
    ("Ada Lovelace_123456_assignsubmission_onlinetext",
     LmsName("moodle", "Ada Lovelace", "123456", False, "")),
    # Moodle, flat files (Moodle's own test name; a session notebook; online text)
    ("Student Name_12_assignsubmission_file_My_cool_filename.txt",
     LmsName("moodle", "Student Name", "12", False, "My_cool_filename.txt")),
    ("Ada Lovelace_123456_assignsubmission_file_06_backpropagation.ipynb",
     LmsName("moodle", "Ada Lovelace", "123456", False, "06_backpropagation.ipynb")),
    ("Ada Lovelace_123456_assignsubmission_onlinetext_onlinetext.html",
     LmsName("moodle", "Ada Lovelace", "123456", False, "onlinetext.html")),
    ("Jürgen Müller-Lüdenscheidt_88_assignsubmission_file_06_backpropagation.ipynb",
     LmsName("moodle", "Jürgen Müller-Lüdenscheidt", "88", False, "06_backpropagation.ipynb")),
    ("José María O'Neill_7_assignsubmission_file_notes (1).ipynb",
     LmsName("moodle", "José María O'Neill", "7", False, "notes (1).ipynb")),
    ("李雷_31_assignsubmission_file_06_backpropagation.ipynb",
     LmsName("moodle", "李雷", "31", False, "06_backpropagation.ipynb")),
    ("Participant_654321_assignsubmission_file_06_backpropagation.ipynb",  # blind marking
     LmsName("moodle", "Participant", "654321", False, "06_backpropagation.ipynb")),
    ("Team Rocket_42_assignsubmission_file_06_backpropagation.ipynb",  # team submission: the group
     LmsName("moodle", "Team Rocket", "42", False, "06_backpropagation.ipynb")),
    # Canvas
    ("lovelaceada_12345_6789012_06_backpropagation.ipynb",
     LmsName("canvas", "lovelaceada", "12345", False, "06_backpropagation.ipynb")),
    ("lovelaceada_LATE_12345_6789013_06_backpropagation.ipynb",
     LmsName("canvas", "lovelaceada", "12345", True, "06_backpropagation.ipynb")),
    ("smithbob_340934_208490284_BobsWork.zip", LmsName("canvas", "smithbob", "340934", False, "BobsWork.zip")),
    ("o_brienpat_4410_99120_06_backpropagation-1.ipynb",  # an underscore in the name; a file handed in again
     LmsName("canvas", "o_brienpat", "4410", False, "06_backpropagation-1.ipynb")),
    ("müllerjürgen_LATE_77_88_2026_06_final.ipynb",
     LmsName("canvas", "müllerjürgen", "77", True, "2026_06_final.ipynb")),
    ("शर्माराज_55_66_06_backpropagation.ipynb",  # marks (virama) are word characters to Canvas too
     LmsName("canvas", "शर्माराज", "55", False, "06_backpropagation.ipynb")),
    ("lovelaceada_12345_text.html", LmsName("canvas", "lovelaceada", "12345", False, "text.html")),
    ("lovelaceada_LATE_12345_link.html", LmsName("canvas", "lovelaceada", "12345", True, "link.html")),
    ("anon_Xk3pq_6789012_06_backpropagation.ipynb",
     LmsName("canvas", "", "anon_Xk3pq", False, "06_backpropagation.ipynb")),
    ("LATE_anon_Xk3pq_6789012_06_backpropagation.ipynb",
     LmsName("canvas", "", "anon_Xk3pq", True, "06_backpropagation.ipynb")),
])
def test_lms_names(name, expected):
    assert parse_lms_name(name) == expected


def test_decomposed_unicode_as_zips_made_on_macos_hold_it():
    assert parse_lms_name("mu\u0308llerju\u0308rgen_77_88_x.ipynb") == LmsName("canvas", "müllerjürgen", "77",
                                                                               False, "x.ipynb")


@pytest.mark.parametrize("name", [
    "ada.ipynb", "ada", "ada/", "bo b.ipynb", "06_backpropagation.ipynb", "ada_complete.ipynb",
    "Ada Lovelace_assignsubmission_file_x.ipynb",  # no number
    "Ada Lovelace_12a_assignsubmission_file_x.ipynb",
    "ada lovelace_12345_678_x.ipynb",  # a space: Canvas removes them
    "lovelace,ada_12345_678_x.ipynb",
    "lovelaceada_12345_x.ipynb",  # no attachment id
    "Grades-DL 2026-Backprop-1234.csv",
])
def test_names_of_neither_lms(name):
    assert parse_lms_name(name) is None


def test_the_key_that_is_the_same_person_in_every_session():
    moodle_06 = parse_lms_name("Ada Lovelace_123456_assignsubmission_file_06_backpropagation.ipynb")
    moodle_05 = parse_lms_name("Ada Lovelace_120007_assignsubmission_file_05_sigmoid_neuron.ipynb")
    assert moodle_06.lms_id != moodle_05.lms_id  # Moodle's number is per assignment
    assert moodle_06.stable_key == moodle_05.stable_key == "Ada Lovelace"
    canvas_06 = parse_lms_name("lovelaceada_LATE_12345_6789013_06_backpropagation.ipynb")
    canvas_05 = parse_lms_name("lovelaceada_12345_6700001_05_sigmoid_neuron.ipynb")
    assert canvas_06.stable_key == canvas_05.stable_key == "lovelaceada_12345"
    assert parse_lms_name("anon_Xk3pq_1_x.ipynb").stable_key == "anon_Xk3pq"


# ----------------------------------------------------------------------------- Moodle's grading worksheet

WORKSHEET = (
    "\ufeffIdentifier,\"Full name\",\"Email address\",Status,Grade,\"Maximum Grade\",\"Grade can be changed\","
    "\"Last modified (submission)\",\"Last modified (grade)\",\"Feedback comments\"\n"
    "\"Participant 123456\",\"Ada Lovelace\",ada@uni.example,\"Submitted for grading\",,100.00,Yes,"
    "\"Friday, 20 November 2026, 11:59 PM\",-,\n"
    "\"Participant 123457\",\"Jürgen Müller\",jm@uni.example,\"Submitted for grading - 1 day 2 hours late\",,100.00,"
    "Yes,\"Sunday, 22 November 2026, 2:05 AM\",-,\n"
    "\"Participant 123458\",\"Cleo Untouched\",,\"No submission\",,100.00,Yes,-,-,\n"
    "\"Participant 123459\",\"Dan Summer\",,\"Submitted for grading\",,100.00,Yes,"
    "\"Saturday, 20 June 2026, 9:00 AM\",-,\n"
)


def worksheet(tmp_path, text: str = WORKSHEET, name: str = "Grades-DL 2026-Backpropagation-4242.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_moodle_worksheet_times_in_the_course_timezone(tmp_path):
    rows = read_moodle_worksheet(worksheet(tmp_path), "Europe/Berlin")
    assert set(rows) == {"123456", "123457", "123458", "123459"}
    ada = rows["123456"]
    assert (ada.full_name, ada.email, ada.status) == ("Ada Lovelace", "ada@uni.example", "Submitted for grading")
    assert ada.submitted_at == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)  # CET = UTC+1
    assert rows["123457"].submitted_at == datetime(2026, 11, 22, 1, 5, tzinfo=UTC)
    assert rows["123457"].full_name == "Jürgen Müller"
    assert rows["123458"].submitted_at is None and rows["123458"].email is None
    assert rows["123459"].submitted_at == datetime(2026, 6, 20, 7, 0, tzinfo=UTC)  # CEST = UTC+2
    assert read_moodle_worksheet(worksheet(tmp_path), BERLIN) == rows


def test_moodle_worksheet_in_us_english(tmp_path):
    text = WORKSHEET.replace("Friday, 20 November 2026, 11:59 PM", "Friday, November 20, 2026, 11:59 PM")
    rows = read_moodle_worksheet(worksheet(tmp_path, text), "America/New_York")
    assert rows["123456"].submitted_at == datetime(2026, 11, 21, 4, 59, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("Friday, 20 November 2026, 11:59 PM", datetime(2026, 11, 20, 22, 59, tzinfo=UTC)),
    ("Monday, 2 March 2026, 9:05 AM", datetime(2026, 3, 2, 8, 5, tzinfo=UTC)),
    ("Monday, 02 March 2026, 12:00 AM", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
    ("Wednesday, September 23, 2020, 9:00 PM", datetime(2020, 9, 23, 19, 0, tzinfo=UTC)),
    ("2026-11-20T23:59:00", datetime(2026, 11, 20, 22, 59, tzinfo=UTC)),
    ("2026-11-20T23:59:00+00:00", datetime(2026, 11, 20, 23, 59, tzinfo=UTC)),
    ("-", None), ("", None), (" - ", None),
])
def test_moodle_times(text, expected):
    assert parse_moodle_time(text, "Europe/Berlin") == expected


def test_moodle_times_in_other_languages_are_refused():
    with pytest.raises(ValueError, match="is not a time as Moodle writes it in English"):
        parse_moodle_time("Freitag, 20. November 2026, 23:59", "Europe/Berlin")


def test_a_worksheet_time_that_cannot_be_read_names_line_and_student(tmp_path):
    text = WORKSHEET.replace("Sunday, 22 November 2026, 2:05 AM", "Sonntag, 22. November 2026, 02:05")
    with pytest.raises(ValueError, match=r"Backpropagation-4242.csv: line 3 \(Jürgen Müller\): "
                                         r"Last modified \(submission\): 'Sonntag"):
        read_moodle_worksheet(worksheet(tmp_path, text), "Europe/Berlin")


def test_a_worksheet_identifier_that_is_not_a_participant(tmp_path):
    text = WORKSHEET.replace("Participant 123457", "Ada")
    with pytest.raises(ValueError, match=r"line 3: Identifier 'Ada' is not 'Participant <number>'"):
        read_moodle_worksheet(worksheet(tmp_path, text), "Europe/Berlin")


def test_a_csv_that_is_not_a_worksheet(tmp_path):
    path = worksheet(tmp_path, "student,email\nada,ada@uni.example\n", "roster.csv")
    assert not is_moodle_worksheet(path)
    assert is_moodle_worksheet(worksheet(tmp_path))
    with pytest.raises(ValueError, match=r"roster.csv: not a Moodle grading worksheet \(no column 'Identifier'"):
        read_moodle_worksheet(path, "Europe/Berlin")
    assert not is_moodle_worksheet(tmp_path / "missing.csv")
    with pytest.raises(ValueError, match="cannot read the grading worksheet"):
        read_moodle_worksheet(tmp_path / "missing.csv", "Europe/Berlin")


def test_a_worksheet_needs_a_real_timezone(tmp_path):
    with pytest.raises(ValueError, match="unknown timezone 'Europe/Berln'"):
        read_moodle_worksheet(worksheet(tmp_path), "Europe/Berln")
