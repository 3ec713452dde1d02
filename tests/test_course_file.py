"""The course file: due dates, late policy and extensions; its errors; the nbgrader late plugin."""

from __future__ import annotations

import re
import textwrap
from datetime import datetime, timedelta, timezone

import pytest

from hamlet import course_file
from hamlet.course_file import NO_COURSE_FILE, CourseFileError, LatePolicy, load_course_file

UTC = timezone.utc
SESSIONS = ["05_sigmoid_neuron", "06_backpropagation"]
DAY = 86400


def write(tmp_path, text: str, name: str = "course.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load(tmp_path, text: str):
    return load_course_file(write(tmp_path, text), SESSIONS)


def fails(tmp_path, text: str, message: str):
    """The course file fails to load with ``message`` (a plain string, not a pattern)."""
    path = write(tmp_path, text)
    with pytest.raises(CourseFileError) as caught:
        load_course_file(path, SESSIONS)
    assert str(caught.value).startswith(f"{path}: "), caught.value
    assert message in str(caught.value), caught.value
    return str(caught.value)


BASIC = """\
    timezone = "Europe/Berlin"
    [sessions.06_backpropagation]
    due = 2026-11-20T23:59:00
    [late_policy]
    percent_per_day = 10
    cap_percent = 50
    grace_minutes = 5
"""


# ----------------------------------------------------------------------------- the documented example

def test_the_example_in_the_module_docstring_loads(tmp_path):
    example = re.search(r"A full example.*?::\n\n(.*?)\n\n[A-Z]", course_file.__doc__, re.S)[1]
    (tmp_path / "roster.csv").write_text("student\nada_complete\n")
    course = load(tmp_path, example)
    assert course.due_of("05_sigmoid_neuron") == datetime(2026, 11, 13, 22, 59, tzinfo=UTC)  # CET = UTC+1
    assert course.due_of("06_backpropagation") == datetime(2026, 11, 20, 22, 59, tzinfo=UTC)
    assert course.late_policy == LatePolicy(10, 50, 5)
    assert course.extension_of("ada_complete", "06_backpropagation") == timedelta(days=2)
    assert course.roster == (tmp_path / "roster.csv").resolve()
    assert str(course.timezone) == "Europe/Berlin"


def test_due_dates_are_aware_utc(tmp_path):
    course = load(tmp_path, """\
        timezone = "Europe/Berlin"
        [sessions.05_sigmoid_neuron]
        due = 2026-06-20T23:59:00
        [sessions.06_backpropagation]
        due = 2026-11-20T23:59:00-05:00
    """)
    assert course.due_of("05_sigmoid_neuron") == datetime(2026, 6, 20, 21, 59, tzinfo=UTC)  # summer: CEST = UTC+2
    assert course.due_of("05_sigmoid_neuron").tzinfo == UTC
    assert course.due_of("06_backpropagation") == datetime(2026, 11, 21, 4, 59, tzinfo=UTC)  # an offset wins


def test_a_file_of_offsets_needs_no_timezone_and_a_session_may_have_no_due_date(tmp_path):
    course = load(tmp_path, """\
        [sessions.06_backpropagation]
        due = 2026-11-20T23:59:00Z
        [sessions.05_sigmoid_neuron]
    """)
    assert course.due_of("06_backpropagation") == datetime(2026, 11, 20, 23, 59, tzinfo=UTC)
    assert course.due_of("05_sigmoid_neuron") is None and course.timezone is None and course.late_policy is None


def test_an_empty_course_file_is_like_none(tmp_path):
    course = load(tmp_path, "")
    assert (course.due, course.late_policy, course.extensions, course.roster) == ({}, None, {}, None)
    assert NO_COURSE_FILE.path is None and NO_COURSE_FILE.due_of("06_backpropagation") is None
    assert NO_COURSE_FILE.penalty("ada", "06_backpropagation", datetime.now(UTC), 20).note == "no due date"


# ----------------------------------------------------------------------------- policy arithmetic

@pytest.mark.parametrize("seconds, fraction", [
    (None, 0), (-3600, 0), (0, 0),
    (1, 0), (299, 0), (300, 0),  # within the 5 min grace
    (301, 0.10), (DAY - 1, 0.10), (DAY, 0.10),  # a day started
    (DAY + 1, 0.20), (2 * DAY, 0.20), (2 * DAY + 0.5, 0.30),
    (4 * DAY + 1, 0.50), (30 * DAY, 0.50),  # the cap
])
def test_percent_per_day_started_with_grace_and_cap(seconds, fraction):
    assert LatePolicy(10, cap_percent=50, grace_minutes=5).fraction(seconds) == pytest.approx(fraction)


def test_policy_defaults_no_grace_and_at_most_everything():
    policy = LatePolicy(30)
    assert policy.fraction(1) == pytest.approx(0.30)
    assert policy.fraction(3 * DAY + 1) == pytest.approx(1.0)
    assert LatePolicy(10, cap_percent=0).fraction(5 * DAY) == 0
    assert LatePolicy(0).fraction(5 * DAY) == 0


def test_the_grace_is_counted_from_the_deadline_not_added_to_it():
    policy = LatePolicy(10, grace_minutes=60)
    assert policy.fraction(3601) == pytest.approx(0.10)
    assert policy.fraction(DAY + 1) == pytest.approx(0.20)  # not DAY + 1 h


# ----------------------------------------------------------------------------- the nbgrader plugin

def test_nbgrader_applies_the_same_policy_through_its_late_penalty_preprocessor():
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config

    from hamlet.nbgrader_plugins import PercentPerDayStarted

    policy = LatePolicy(10, cap_percent=50, grace_minutes=5)
    c = Config()
    exec(policy.nbgrader_config(), {"c": c})
    assert c.AssignLatePenalties.plugin_class == "hamlet.course_file.PercentPerDayStarted"
    preprocessor = AssignLatePenalties(config=c)
    preprocessor.init_plugin()
    plugin = preprocessor.plugin_inst
    assert isinstance(plugin, PercentPerDayStarted) and course_file.PercentPerDayStarted is PercentPerDayStarted
    for seconds in (1, 300, 301, DAY, DAY + 1, 9 * DAY):
        assert plugin.late_submission_penalty("ada", 23.0, seconds) == pytest.approx(23.0 * policy.fraction(seconds))
    assert plugin.late_submission_penalty("ada", 23.0, 9 * DAY) == pytest.approx(11.5)


def test_the_plugin_refuses_impossible_settings():
    from traitlets import TraitError

    from hamlet.nbgrader_plugins import PercentPerDayStarted

    with pytest.raises(TraitError, match="percent_per_day must be from 0 to 100"):
        PercentPerDayStarted(percent_per_day=-1)
    with pytest.raises(TraitError, match="cap_percent must be from 0 to 100"):
        PercentPerDayStarted(cap_percent=150)
    with pytest.raises(TraitError, match="grace_minutes must be 0 or more"):
        PercentPerDayStarted(grace_minutes=-5)
    assert PercentPerDayStarted().late_submission_penalty("ada", 10, DAY) == 0  # no policy set: no penalty


def test_no_such_attribute_in_the_course_file_module():
    with pytest.raises(AttributeError, match="PercentPerDay"):
        course_file.PercentPerDay  # noqa: B018


# ----------------------------------------------------------------------------- extensions and penalties

EXTENSIONS = BASIC + """\
    [[extensions]]
    student = "ada_complete"
    days = 1
    [[extensions]]
    student = "ada_complete"
    session = "06_backpropagation"
    days = 2
    [[extensions]]
    student = "Ben Typical"
    session = "06_backpropagation"
    hours = 12
    note = "doctor's note"
    [[extensions]]
    student = "cleo"
    session = "06_backpropagation"
    until = 2026-11-23T12:00:00
    [[extensions]]
    student = "dan"
    session = "05_sigmoid_neuron"
    days = 3
    [[extensions]]
    student = "eve"
    days = 1
    hours = 6
"""
DUE = datetime(2026, 11, 20, 22, 59, tzinfo=UTC)


def test_a_sessions_own_extension_wins_over_one_for_every_session(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    assert course.extension_of("ada_complete", "06_backpropagation") == timedelta(days=2)
    assert course.extension_of("ada_complete", "05_sigmoid_neuron") == timedelta(days=1)
    assert course.extension_of("nobody", "06_backpropagation") == timedelta(0)
    assert course.extension_of("eve", "06_backpropagation") == timedelta(days=1, hours=6)


def test_an_until_extension_is_the_time_from_the_due_date(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    until = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 12:00 in Berlin
    assert course.extension_of("cleo", "06_backpropagation") == until - DUE
    assert course.deadline_of("cleo", "06_backpropagation") == until


def test_names_in_extensions_are_cleaned_like_student_ids(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    assert course.extension_of("Ben_Typical", "06_backpropagation") == timedelta(hours=12)
    assert course.extension_of("Ben Typical", "06_backpropagation") == timedelta(hours=12)


def test_an_extension_for_a_session_without_due_date_is_fine(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    assert course.extension_of("dan", "05_sigmoid_neuron") == timedelta(days=3)
    assert course.deadline_of("dan", "05_sigmoid_neuron") is None
    late = course.penalty("dan", "05_sigmoid_neuron", DUE + timedelta(days=30), 10)
    assert (late.seconds_late, late.penalty, late.note) == (None, 0, "no due date")


def test_deadline_is_due_plus_extension(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    assert course.deadline_of("ada_complete", "06_backpropagation") == DUE + timedelta(days=2)
    assert course.deadline_of("nobody", "06_backpropagation") == DUE


@pytest.mark.parametrize("student, after, seconds_late, penalty, note", [
    ("x", timedelta(seconds=-1), 0, 0, "on time"),
    ("x", timedelta(0), 0, 0, "on time"),
    ("x", timedelta(minutes=3), 180, 0, "late by 3 min, within the 5 min grace: no penalty"),
    ("x", timedelta(minutes=5), 300, 0, "late by 5 min, within the 5 min grace: no penalty"),
    ("x", timedelta(minutes=6), 360, 2.3, "late by 6 min: -10 % (2.3 points)"),
    ("x", timedelta(hours=23, minutes=59), 86340, 2.3, "late by 23 h 59 min: -10 % (2.3 points)"),
    ("x", timedelta(days=1), DAY, 2.3, "late by 1 day: -10 % (2.3 points)"),
    ("x", timedelta(days=1, hours=3), DAY + 3 * 3600, 4.6, "late by 1 day 3 h: -20 % (4.6 points)"),
    ("x", timedelta(days=3, seconds=1), 3 * DAY + 1, 9.2, "late by 3 days: -40 % (9.2 points)"),
    ("x", timedelta(days=9), 9 * DAY, 11.5, "late by 9 days: -50 %, the cap (11.5 points)"),
    ("x", timedelta(seconds=30), 30, 0, "late by 30 s, within the 5 min grace: no penalty"),
    ("ada_complete", timedelta(days=2), 0, 0, "on time (deadline extended by 2 days)"),
    ("ada_complete", timedelta(days=2, hours=2), 7200, 2.3,
     "late by 2 h (deadline extended by 2 days): -10 % (2.3 points)"),
    ("Ben Typical", timedelta(hours=13), 3600, 2.3, "late by 1 h (deadline extended by 12 h): -10 % (2.3 points)"),
])
def test_penalty_notes_for_a_tutor(tmp_path, student, after, seconds_late, penalty, note):
    course = load(tmp_path, EXTENSIONS)
    late = course.penalty(student, "06_backpropagation", DUE + after, 23)
    assert late.seconds_late == pytest.approx(seconds_late)
    assert late.penalty == pytest.approx(penalty)
    assert late.note == note


def test_penalty_is_off_the_points_earned_and_says_point_for_one(tmp_path):
    course = load(tmp_path, BASIC)
    assert course.penalty("x", "06_backpropagation", DUE + timedelta(hours=1), 10).note == \
        "late by 1 h: -10 % (1 point)"
    assert course.penalty("x", "06_backpropagation", DUE + timedelta(hours=1), 0).penalty == 0
    assert course.penalty("x", "06_backpropagation", DUE + timedelta(hours=1), 7.5).note == \
        "late by 1 h: -10 % (0.75 points)"


def test_penalty_when_the_time_is_unknown_or_there_is_no_policy(tmp_path):
    course = load(tmp_path, BASIC)
    assert course.penalty("x", "06_backpropagation", None, 23) == \
        course_file.Late(None, 0.0, "time unknown: no penalty applied")
    no_policy = load(tmp_path, "[sessions.06_backpropagation]\ndue = 2026-11-20T23:59:00Z\n")
    late = no_policy.penalty("x", "06_backpropagation", datetime(2026, 11, 22, tzinfo=UTC), 23)
    assert (late.penalty, late.note) == (0, "late by 1 day: no late policy, no penalty")


def test_penalty_refuses_a_time_without_zone(tmp_path):
    with pytest.raises(ValueError, match="must carry a timezone"):
        load(tmp_path, BASIC).penalty("x", "06_backpropagation", datetime(2026, 11, 21), 23)


def test_unmatched_extensions_warn_of_misspelt_students(tmp_path):
    course = load(tmp_path, EXTENSIONS)
    warnings = course.unmatched_extensions("06_backpropagation", ["ada_complete", "Ben_Typical", "cleo"])
    assert warnings == [f"{course.path}: the extension for 'eve' (every session) names no student of this run"]
    assert course.unmatched_extensions("05_sigmoid_neuron", ["ada_complete", "eve"]) == [
        f"{course.path}: the extension for 'dan' (05_sigmoid_neuron) names no student of this run"]


# ----------------------------------------------------------------------------- errors: the file

def test_missing_file(tmp_path):
    with pytest.raises(CourseFileError, match=r"course.toml: no such course file"):
        load_course_file(tmp_path / "course.toml", SESSIONS)


def test_unreadable_file(tmp_path):
    (tmp_path / "course.toml").mkdir()
    with pytest.raises(CourseFileError, match=r"course.toml: cannot read it"):
        load_course_file(tmp_path / "course.toml", SESSIONS)


def test_bad_toml_names_the_line(tmp_path):
    message = fails(tmp_path, """\
        timezone = "Europe/Berlin"
        [sessions.06_backpropagation]
        due = 2026-11-20 23:59
    """, "not valid TOML")
    assert "line 3" in message


def test_not_utf8(tmp_path):
    path = tmp_path / "course.toml"
    path.write_bytes(b'timezone = "Europe/Berl\xefn"\n')
    with pytest.raises(CourseFileError, match="not valid TOML"):
        load_course_file(path, SESSIONS)


# ----------------------------------------------------------------------------- errors: keys and sessions

def test_unknown_top_level_key_suggests_the_right_one(tmp_path):
    fails(tmp_path, 'timezon = "Europe/Berlin"\n', "unknown key 'timezon' (did you mean 'timezone'?)")
    fails(tmp_path, 'deadline = 2026-11-20T23:59:00Z\n',
          "unknown key 'deadline' (known: timezone, roster, sessions, late_policy, extensions)")


def test_unknown_session_names_the_known_ones(tmp_path):
    fails(tmp_path, "[sessions.06_backprop]\ndue = 2026-11-20T23:59:00Z\n",
          "sessions: unknown session '06_backprop' (did you mean '06_backpropagation'? "
          "known: 05_sigmoid_neuron, 06_backpropagation)")
    fails(tmp_path, "[sessions.07_convolutions]\ndue = 2026-11-20T23:59:00Z\n",
          "unknown session '07_convolutions' (known: 05_sigmoid_neuron, 06_backpropagation)")


def test_unknown_key_in_a_session(tmp_path):
    fails(tmp_path, "[sessions.06_backpropagation]\ndue_date = 2026-11-20T23:59:00Z\n",
          "sessions.06_backpropagation: unknown key 'due_date' (known: due)")


def test_sessions_must_be_tables(tmp_path):
    fails(tmp_path, "[sessions]\n06_backpropagation = 2026-11-20T23:59:00Z\n",
          "sessions.06_backpropagation: must be a table (due = 2026-11-20T23:59:00), got")
    fails(tmp_path, 'sessions = "06_backpropagation"\n', "sessions: must be a table")


# ----------------------------------------------------------------------------- errors: dates and timezones

def test_due_date_as_a_string(tmp_path):
    fails(tmp_path, '[sessions.06_backpropagation]\ndue = "2026-11-20 23:59"\n',
          "sessions.06_backpropagation: 'due' must be a TOML date and time, without quotes "
          "(e.g. 2026-11-20T23:59:00), got the string '2026-11-20 23:59'")


def test_due_date_without_time_or_without_date(tmp_path):
    fails(tmp_path, "[sessions.06_backpropagation]\ndue = 2026-11-20\n",
          "'due' must be a date and a time (e.g. 2026-11-20T23:59:00), got only the date 2026-11-20")
    fails(tmp_path, "[sessions.06_backpropagation]\ndue = 23:59:00\n",
          "'due' must be a date and a time, got only the time 23:59:00")
    fails(tmp_path, "[sessions.06_backpropagation]\ndue = 20261120\n",
          "'due' must be a date and time (e.g. 2026-11-20T23:59:00), got 20261120")


def test_naive_due_date_without_timezone(tmp_path):
    fails(tmp_path, "[sessions.06_backpropagation]\ndue = 2026-11-20T23:59:00\n",
          "sessions.06_backpropagation: 'due' 2026-11-20T23:59:00 has no UTC offset: set timezone at the top")


def test_unknown_timezone(tmp_path):
    fails(tmp_path, 'timezone = "Europe/Berln"\n',
          "unknown timezone 'Europe/Berln' (an IANA name such as 'Europe/Berlin')")
    fails(tmp_path, "timezone = 1\n", "'timezone' must be a non-empty string, got 1")


def test_due_dates_the_clocks_skip_or_repeat_need_an_offset(tmp_path):
    fails(tmp_path, 'timezone = "Europe/Berlin"\n[sessions.06_backpropagation]\ndue = 2026-03-29T02:30:00\n',
          "'due' 2026-03-29T02:30:00 does not exist in Europe/Berlin (the clocks skip it): write it with an offset")
    fails(tmp_path, 'timezone = "Europe/Berlin"\n[sessions.06_backpropagation]\ndue = 2026-10-25T02:30:00\n',
          "'due' 2026-10-25T02:30:00 happens twice in Europe/Berlin (the clocks go back): write it with an "
          "offset, e.g. 2026-10-25T02:30:00+02:00")


# ----------------------------------------------------------------------------- errors: the late policy

def test_late_policy_typo(tmp_path):
    fails(tmp_path, "[late_policy]\npercent_per_days = 10\n",
          "late_policy: unknown key 'percent_per_days' (did you mean 'percent_per_day'?)")


def test_late_policy_needs_percent_per_day(tmp_path):
    fails(tmp_path, "[late_policy]\ncap_percent = 50\n", "late_policy: 'percent_per_day' is missing")


@pytest.mark.parametrize("line, message", [
    ('percent_per_day = "ten"', "late_policy: 'percent_per_day' must be a number, got 'ten'"),
    ("percent_per_day = true", "late_policy: 'percent_per_day' must be a number, got True"),
    ("percent_per_day = -10", "late_policy: 'percent_per_day' must not be negative, got -10"),
    ("percent_per_day = 120", "late_policy: 'percent_per_day' must be at most 100, got 120"),
    ("percent_per_day = nan", "late_policy: 'percent_per_day' must be a finite number, got nan"),
    ("percent_per_day = 10\ncap_percent = 101", "late_policy: 'cap_percent' must be at most 100, got 101"),
    ("percent_per_day = 10\ngrace_minutes = -1", "late_policy: 'grace_minutes' must not be negative, got -1"),
    ("percent_per_day = 10\ngrace_minutes = inf", "late_policy: 'grace_minutes' must be a finite number, got inf"),
])
def test_late_policy_numbers(tmp_path, line, message):
    fails(tmp_path, f"[late_policy]\n{line}\n", message)


def test_late_policy_must_be_a_table(tmp_path):
    fails(tmp_path, "late_policy = 10\n", "late_policy: must be a table (percent_per_day = 10), got 10")


def test_fractional_numbers_are_fine(tmp_path):
    course = load(tmp_path, "[late_policy]\npercent_per_day = 2.5\ngrace_minutes = 0.5\n")
    assert course.late_policy == LatePolicy(2.5, 100, 0.5)


# ----------------------------------------------------------------------------- errors: extensions

def extension(tmp_path, lines: str, message: str):
    return fails(tmp_path, BASIC + '[[extensions]]\nstudent = "x"\ndays = 1\n[[extensions]]\n' + lines + "\n",
                 message)


def test_extension_days_must_be_a_number(tmp_path):
    extension(tmp_path, 'student = "ada"\ndays = "two"', "extensions[1]: 'days' must be a number, got 'two'")


@pytest.mark.parametrize("lines, message", [
    ('student = "ada"\nhours = -2', "extensions[1]: 'hours' must not be negative, got -2"),
    ('student = "ada"\nhours = false', "extensions[1]: 'hours' must be a number, got False"),
    ("days = 2", "extensions[1]: 'student' is missing"),
    ('student = ""\ndays = 2', "extensions[1]: 'student' must be a non-empty string, got ''"),
    ("student = 7\ndays = 2", "extensions[1]: 'student' must be a non-empty string, got 7"),
    ('student = "ada"\nsession = "06_backprop"\ndays = 2',
     "extensions[1]: unknown session '06_backprop' (did you mean '06_backpropagation'? known: "),
    ('student = "ada"\nsession = 6\ndays = 2', "extensions[1]: 'session' must be a non-empty string, got 6"),
    ('student = "ada"\nday = 2', "extensions[1]: unknown key 'day' (did you mean 'days'?)"),
    ('student = "ada"', "extensions[1]: give the extension as days = ..., hours = ... or until = <date and time>"),
    ('student = "ada"\nnote = 3\ndays = 1', "extensions[1]: 'note' must be a non-empty string, got 3"),
    ('student = "ada"\nsession = "06_backpropagation"\nuntil = 2026-11-23T12:00:00\ndays = 1',
     "extensions[1]: give 'until' or 'days', not both"),
    ('student = "ada"\nuntil = 2026-11-23T12:00:00',
     "extensions[1]: an 'until' extension needs a 'session' (each session has its own due date)"),
    ('student = "ada"\nsession = "06_backpropagation"\nuntil = 2026-11-19T12:00:00',
     "extensions[1]: 'until' 2026-11-19T11:00:00+00:00 is before the due date of 06_backpropagation "
     "(2026-11-20T22:59:00+00:00)"),
    ('student = "ada"\nsession = "06_backpropagation"\nuntil = "2026-11-23"',
     "extensions[1]: 'until' must be a TOML date and time, without quotes"),
    ('student = "x"\nhours = 5', "extensions[1]: a second extension for 'x' in every session (the first is "
                                 "extensions[0])"),
])
def test_extension_errors(tmp_path, lines, message):
    extension(tmp_path, lines, message)


def test_a_second_extension_for_one_student_and_session(tmp_path):
    fails(tmp_path, BASIC + """\
        [[extensions]]
        student = "ada"
        session = "06_backpropagation"
        days = 1
        [[extensions]]
        student = "ada"
        session = "06_backpropagation"
        hours = 5
    """, "extensions[1]: a second extension for 'ada' in 06_backpropagation (the first is extensions[0])")


def test_extensions_must_be_a_list_of_tables(tmp_path):
    fails(tmp_path, 'extensions = "ada"\n', "extensions: must be a list of [[extensions]] tables, got 'ada'")
    fails(tmp_path, 'extensions = ["ada"]\n', "extensions[0]: must be a table")


def test_an_until_extension_without_offset_needs_the_timezone(tmp_path):
    fails(tmp_path, '[[extensions]]\nstudent = "ada"\nsession = "06_backpropagation"\n'
                    'until = 2026-11-23T12:00:00\n',
          "extensions[0]: 'until' 2026-11-23T12:00:00 has no UTC offset")


# ----------------------------------------------------------------------------- errors: the roster

def test_roster_is_relative_to_the_course_file_and_must_exist(tmp_path):
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "roster.csv").write_text("student\n")
    assert load(tmp_path, 'roster = "lists/roster.csv"\n').roster == (tmp_path / "lists" / "roster.csv").resolve()
    fails(tmp_path, 'roster = "roster.csv"\n', "roster 'roster.csv' not found (looked for ")
    fails(tmp_path, "roster = []\n", "'roster' must be a non-empty string, got []")


# ----------------------------------------------------------------------------- finding it

def test_find_the_given_file_else_the_one_in_the_folder_else_the_remembered_one(tmp_path):
    from hamlet.course_file import find

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir(), elsewhere.mkdir()
    given = write(elsewhere, BASIC, "given.toml")
    remembered = write(elsewhere, "[late_policy]\npercent_per_day = 5\n", "last.toml")
    assert find(out) is NO_COURSE_FILE
    assert find(out, None, str(remembered)).late_policy == LatePolicy(5)
    beside = write(out, "[late_policy]\npercent_per_day = 7\n")
    assert find(out, None, str(remembered)).path == beside
    assert find(out, given, str(remembered)).path == given
    with pytest.raises(CourseFileError, match="no such course file"):
        find(out, elsewhere / "missing.toml")
    beside.unlink()
    remembered.unlink()
    with pytest.raises(CourseFileError, match="the course file of the last run is gone"):
        find(out, None, str(remembered))
