"""hamlet export: totals.csv (or nbgrader's gradebook) as Canvas's and Moodle's grade import CSV, and wide."""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import warnings

import pytest

from hamlet import export as hamlet_export
from hamlet.export import ExportError, export, read_totals

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"
T5, T6 = "05 The sigmoid neuron", "06 Backpropagation"  # the titles the sessions' declarations give

COLUMNS = ["student", "session", "score", "max_score", "bonus", "bonus_max", "penalty", "total", "submitted",
           "late", "needs_manual_grading", "graded", "flags"]

#: (student, session, score, max_score, bonus, penalty, late, needs_manual_grading, flags);
#: total = score + bonus - penalty
CLASS = [
    ("ada", S5, 9, 10, 1, 0, False, 0, ""),
    ("ada", S6, 11.5, 12, 0.5, 0, False, 0, ""),
    ("charles", S5, 7, 10, 0, 2, True, 0, "suspicious: changed the grading metadata of t1 (restored)"),
    # charles handed in no Session 6
    ("grace", S5, 10, 10, 2, 0, False, 1, "timeout in train"),
    ("grace", S6, 12, 12, 0, 1.25, True, 0, ""),
    ("dora", S6, 3.5, 12, 0, 0, False, 0, ""),  # and no Session 5
]
TOTALS = {(student, session): score + bonus - penalty
          for student, session, score, _, bonus, penalty, *_ in CLASS}


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_totals(folder, entries=CLASS, columns=COLUMNS):
    rows = [columns]
    for student, session, score, max_score, bonus, penalty, late, manual, flags in entries:
        values = dict(student=student, session=session, score=f"{score:g}", max_score=f"{max_score:g}",
                      bonus=f"{bonus:g}", bonus_max="2", penalty=f"{penalty:g}",
                      total=f"{score + bonus - penalty:g}", submitted="2026-11-20T22:00:00+00:00",
                      late="late by 1 day 2 h: -10 % (1 point)" if late else "on time",
                      needs_manual_grading=str(manual), graded="2026-11-21T09:00:00+00:00", flags=flags)
        rows.append([values[column] for column in columns])
    write_csv(folder / "totals.csv", rows)
    return folder


def read_back(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def as_number(text):
    return None if text in ("", "-") else float(text)


#: Canvas's gradebook export with the column `student` added by the tutor (last)
CANVAS_ROSTER = [
    ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{T5} (4711)", "Quiz 1 (815)",
     "Current Score", "Final Score", "student"],
    ["    Points Possible", "", "", "", "", "10", "5", "(read only)", "(read only)", ""],
    ["Lovelace, Ada", "1001", "s01", "ada.l", "Tue lab", "3", "4", "70", "70", "ada"],
    ["Babbage, Charles", "1002", "s02", "c.babbage", "Tue lab", "", "5", "100", "50", "charles"],
    ["Hopper, Grace", "1003", "s03", "ghopper", "Wed lab", "", "", "", "", "grace"],
    ["Dora, the Explorer", "1004", "", "dora", "Wed lab", "", "", "", "", "dora"],
]

MOODLE_ROSTER = [
    ["First name", "Surname", "Username", "Email address", "student"],
    ["Ada", "Lovelace", "alovelace", "ada@example.org", "ada"],
    ["Charles", "Babbage", "cbabbage", "charles@example.org", "charles"],
    ["Grace", "Hopper", "ghopper", "grace@example.org", "grace"],
    ["Dora", "Explorer", "dexplorer", "dora@example.org", "dora"],
]


@pytest.fixture
def course(tmp_path):
    return write_totals(tmp_path)


# ---------------------------------------------------------------------- the formats

def canvas_header_problem(header):
    """Canvas's importer's check of the header row (gradebook_importer.rb: row_has_student_headers?,
    update_column_count, last_student_info_column), rewritten: None when it accepts it."""
    if not (len(header) > 3 and "Student" in header[0] and "ID" in header[1]):
        return "no Student, ID"
    columns = 3
    if "SIS Login ID" in header[2]:
        columns += 1
    elif "SIS User ID" in header[2] and "SIS Login ID" in header[3]:
        extra = 1 if "Integration ID" in header[4] else 0
        columns += 2 + extra + (1 if "Root Account" in header[4 + extra] else 0)
    return None if "Section" in header[columns - 1] else f"column {columns} is not Section"


def test_canvas_file_reads_back_to_the_totals(course):
    roster = write_csv(course / "roster.csv", CANVAS_ROSTER)
    result = export(course, "canvas", roster=roster)
    assert result.path == course / "export" / "canvas.csv" and (result.students, result.sessions) == (4, 2)
    rows = read_back(result.path)
    header, points, students = rows[0], rows[1], rows[2:]
    # the identifying columns, the id Canvas's export gave Session 5, a new assignment for Session 6; nothing else
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{T5} (4711)", T6]
    assert canvas_header_problem(header) is None
    assert points == ["Points Possible", "", "", "", "", "10", "12"]
    assert [row[:5] for row in students] == [row[:5] for row in CANVAS_ROSTER[2:]]
    ids = {"1001": "ada", "1002": "charles", "1003": "grace", "1004": "dora"}
    got = {(ids[row[1]], session): as_number(cell) for row in students for session, cell in zip((S5, S6), row[5:])}
    assert {key: value for key, value in got.items() if value is not None} == TOTALS
    assert got[("charles", S6)] is None and got[("dora", S5)] is None  # blank: no grade
    assert students[0][5:] == ["10", "12"] and students[1][5:] == ["5", ""]  # plain numbers
    assert result.warnings == ["1 hand-in(s) with answers still to grade by hand: exported without them "
                               "(grade them, then `hamlet report` and export again)"]  # grace's Session 5

    points_8 = [row[:] for row in CANVAS_ROSTER]
    points_8[1][5] = "8"  # Canvas's assignment 4711 is worth 8
    result = export(course, "canvas", roster=write_csv(course / "roster.csv", points_8))
    assert f"{S5}: Canvas's '{T5} (4711)' has 8 points possible, HaMLeT's 10" in result.warnings


def test_canvas_assignment_ids_from_the_argument_and_a_minimal_roster(course):
    roster = write_csv(course / "roster.csv", [["student", "ID"], ["ada", "1"], ["charles", "2"], ["grace", "3"],
                                                ["dora", "4"]])
    result = export(course, "canvas", roster=roster, to=course / "up.csv", assignment_ids={S6: 99},
                    titles={S5: "Neuron"})
    header = read_back(course / "up.csv")[0]
    assert header == ["Student", "ID", "Section", "Neuron", f"{T6} (99)"] and canvas_header_problem(header) is None
    assert read_back(result.path)[2] == ["", "1", "", "10", "12"]


def test_canvas_refuses_a_title_it_would_read_as_an_id_or_a_total(course):
    roster = write_csv(course / "roster.csv", CANVAS_ROSTER)
    with pytest.raises(ExportError) as error:
        export(course, "canvas", roster=roster, titles={S5: "Neurons (2024)", S6: "Final Score"})
    assert len(error.value.problems) == 2 and "number in brackets" in str(error.value)


def test_moodle_file_reads_back_to_the_totals(course):
    roster = write_csv(course / "roster.csv", MOODLE_ROSTER)
    result = export(course, "moodle", roster=roster)
    rows = read_back(result.path)
    assert result.mapping == "Email address"  # the first of ID number, Email address, Username there
    assert rows[0] == ["Email address", T5, T6]
    assert {len(row) for row in rows} == {3}  # Moodle refuses rows of another length than the header
    emails = {row[3]: row[4] for row in MOODLE_ROSTER[1:]}
    got = {(emails[row[0]], session): as_number(cell) for row in rows[1:] for session, cell in zip((S5, S6), row[1:])}
    assert {key: value for key, value in got.items() if value is not None} == TOTALS
    assert rows[2] == ["charles@example.org", "5", "-"]  # '-': no grade, for a new grade item too

    by_username = export(course, "moodle", roster=roster, id_column="username", to=course / "m.csv")
    assert read_back(by_username.path)[0][0] == "Username" and read_back(by_username.path)[1][0] == "alovelace"


def test_moodle_feedback_tells_students_only_what_is_theirs(course):
    roster = write_csv(course / "roster.csv", MOODLE_ROSTER)
    rows = read_back(export(course, "moodle", roster=roster, feedback=True).path)
    assert rows[0] == ["Email address", T5, f"Feedback: {T5}", T6, f"Feedback: {T6}"]
    feedback = {row[0]: (row[2], row[4]) for row in rows[1:]}
    assert feedback["ada@example.org"] == ("bonus: +1", "bonus: +0.5")
    assert feedback["charles@example.org"] == ("late: -2 points", "")
    assert feedback["grace@example.org"] == ("bonus: +2; provisional: 1 answer still to be graded by hand",
                                             "late: -1.25 points")
    assert not any("suspicious" in cell or "timeout" in cell for row in rows for cell in row)  # the tutor's flags


def test_wide_csv_reads_back_to_the_totals(course):
    rows = read_back(export(course, "csv").path)  # no roster: the students, sorted
    assert rows[0] == ["student", S5, S6, "total"]
    got = {(row[0], session): as_number(cell) for row in rows[1:] for session, cell in zip((S5, S6), row[1:3])}
    assert {key: value for key, value in got.items() if value is not None} == TOTALS
    assert {row[0]: float(row[3]) for row in rows[1:]} == {
        student: sum(total for (who, _), total in TOTALS.items() if who == student)
        for student in ("ada", "charles", "grace", "dora")}
    assert [row[0] for row in rows[1:]] == ["ada", "charles", "dora", "grace"]

    roster = write_csv(course / "roster.csv", CANVAS_ROSTER)
    rows = read_back(export(course, "csv", roster=roster, to=course / "wide.csv").path)
    assert rows[0] == ["student", "ID", "SIS User ID", "SIS Login ID", S5, S6, "total"]
    assert rows[1] == ["ada", "1001", "s01", "ada.l", "10", "12", "22"]
    assert [row[0] for row in rows[1:]] == ["ada", "charles", "grace", "dora"]  # the roster's order


def test_absent_zero_and_roster_students_with_no_grades(course):
    rows = MOODLE_ROSTER + [["Eve", "Absent", "eabsent", "eve@example.org", "eve"]]
    roster = write_csv(course / "roster.csv", rows)
    with pytest.raises(ExportError, match=r"roster.csv:6: student 'eve' matches no graded student"):
        export(course, "moodle", roster=roster)
    blank = read_back(export(course, "moodle", roster=roster, absent="blank").path)
    assert blank[2] == ["charles@example.org", "5", "-"] and blank[5] == ["eve@example.org", "-", "-"]
    zero = read_back(export(course, "moodle", roster=roster, absent="zero", to=course / "z.csv").path)
    assert zero[2] == ["charles@example.org", "5", "0"] and zero[5] == ["eve@example.org", "0", "0"]
    canvas = read_back(export(course, "canvas", roster=write_csv(course / "c.csv", CANVAS_ROSTER),
                              absent="zero").path)
    assert canvas[3][5:] == ["5", "0"]


def test_a_hand_in_not_graded_yet_is_exported_with_a_warning(tmp_path):
    write_totals(tmp_path)
    rows = read_back(tmp_path / "totals.csv")
    rows[1][COLUMNS.index("graded")] = ""
    rows[1][COLUMNS.index("submitted")] = ""  # time unknown: still a hand-in
    write_csv(tmp_path / "totals.csv", rows)
    result = export(tmp_path, "csv")
    assert read_back(result.path)[1] == ["ada", "10", "12", "22"]
    assert any("not graded yet" in warning for warning in result.warnings)


# ---------------------------------------------------------------------- bad input

def test_every_roster_problem_is_named_with_its_line_at_once(course):
    roster = write_csv(course / "roster.csv", [
        ["Student", "ID", "Section", "student"],
        ["Lovelace, Ada", "1001", "", "ada"],
        ["Babbage, Charles", "1002", "", "charles"],
        ["Lovelace, Ada", "1009", "", "ada"],       # line 4: ada again
        ["Hopper, Grace", "1002", "", "grace"],     # line 5: Charles's Canvas id
        ["Nobody", "1005", "", "zed"],              # line 6: no graded student zed
        ["Test Student", "1006", "", ""],           # line 7: empty student
        ["Someone", "", "", "someone"],             # line 8: empty ID (and no graded student)
    ])                                              # dora: graded, no roster row (totals.csv line 7)
    with pytest.raises(ExportError) as error:
        export(course, "canvas", roster=roster)
    problems = error.value.problems
    expected = [f"{roster}:4: student 'ada' again (first on line 2)",
                f"{roster}:5: ID '1002' of student 'grace' again (first on line 3, student 'charles')",
                f"{roster}:6: student 'zed' matches no graded student",
                f"{roster}:7: empty student",
                f"{roster}:8: empty ID of student 'someone'",
                f"{course / 'totals.csv'}:7: student 'dora' is graded but has no row in {roster}"]
    assert len(problems) == len(expected) + 1  # someone also matches no graded student
    for message in expected:
        assert any(problem.startswith(message) for problem in problems), (message, problems)
    assert str(error.value).startswith(f"{len(problems)} problems:\n")
    assert len(str(error.value).splitlines()) == len(problems) + 1  # one per line


def test_roster_without_the_needed_columns(course):
    no_student = write_csv(course / "a.csv", [["Student", "ID", "Section"], ["Lovelace, Ada", "1001", ""]])
    with pytest.raises(ExportError, match=r"a.csv:1: no column `student`"):
        export(course, "canvas", roster=no_student)
    no_id = write_csv(course / "b.csv", [["student", "Section"], ["ada", ""]])
    with pytest.raises(ExportError, match=r"b.csv:1: no column `ID`"):
        export(course, "canvas", roster=no_id)
    no_moodle_id = write_csv(course / "c.csv", [["student", "First name"], ["ada", "Ada"]])
    with pytest.raises(ExportError, match=r"c.csv:1: no column to identify students to Moodle"):
        export(course, "moodle", roster=no_moodle_id)
    with pytest.raises(ExportError, match=r"roster.csv:1: no column 'Matrikel' \(--id-column\)"):
        export(course, "moodle", roster=write_csv(course / "roster.csv", MOODLE_ROSTER), id_column="Matrikel")
    with pytest.raises(ExportError, match="canvas needs a roster"):
        export(course, "canvas")
    with pytest.raises(ExportError, match=r"missing\.csv is missing"):
        export(course, "canvas", roster=course / "missing.csv")


def test_moodle_duplicate_and_empty_ids(course):
    rows = [row[:] for row in MOODLE_ROSTER]
    rows[2][3] = "ADA@example.org"  # emails are one address whatever their case
    rows[3][3] = ""
    roster = write_csv(course / "roster.csv", rows)
    with pytest.raises(ExportError) as error:
        export(course, "moodle", roster=roster)
    assert error.value.problems == [
        f"{roster}:3: Email address 'ADA@example.org' of student 'charles' again (first on line 2, student 'ada')",
        f"{roster}:4: empty Email address of student 'grace'"]


def test_missing_or_corrupt_totals(tmp_path):
    with pytest.raises(ExportError, match=r"totals.csv is missing: run `hamlet grade` first"):
        export(tmp_path, "csv")
    write_totals(tmp_path, columns=[column for column in COLUMNS if column not in ("penalty", "late")])
    with pytest.raises(ExportError, match=r"totals.csv:1: the columns penalty, late are missing .*hamlet grade"):
        export(tmp_path, "csv")
    write_csv(tmp_path / "totals.csv", [COLUMNS])
    with pytest.raises(ExportError, match=r"holds no grades: run `hamlet grade` first"):
        read_totals(tmp_path)
    write_totals(tmp_path)
    rows = read_back(tmp_path / "totals.csv")
    rows[2][COLUMNS.index("total")] = "lots"
    rows[4][COLUMNS.index("penalty")] = "maybe"
    rows[5][COLUMNS.index("max_score")] = "11"   # Session 6 is worth 12 on line 3
    rows.append(rows[1][:])                      # line 8: ada's Session 5 again
    rows.append(["ada", S5])                     # line 9: short
    write_csv(tmp_path / "totals.csv", rows)
    with pytest.raises(ExportError) as error:
        read_totals(tmp_path)
    path = tmp_path / "totals.csv"
    assert error.value.problems == [
        f"{path}:3: total 'lots' is not a number",
        f"{path}:5: penalty 'maybe' is not a number",
        f"{path}:6: max_score 11 of session '{S6}' disagrees with 12 on line 3",
        f"{path}:8: student 'ada', session '{S5}' again (first on line 2)",
        f"{path}:9: 2 cells, the header has 13"]


# ---------------------------------------------------------------------- the command

def run(argv):
    parser = argparse.ArgumentParser(prog="hamlet")
    hamlet_export.add_command(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(argv)
    return arguments.run(arguments)


def test_command_prints_the_file_and_what_it_holds(course, capsys):
    roster = write_csv(course / "roster.csv", MOODLE_ROSTER)
    assert run(["export", str(course), "--format", "moodle", "--roster", str(roster)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {course / 'export' / 'moodle.csv'}: 4 students, 2 sessions (moodle)" in out
    assert "Map from 'Email address', Map to 'Email address'" in out
    assert run(["export", str(course), "--format", "canvas", "--roster", str(roster), "--to",
                str(course / "x.csv")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("hamlet export: ") and "no column `ID`" in out and "Traceback" not in out
    assert not (course / "x.csv").exists()
    assert run(["export", str(course), "--format", "canvas", "--roster", str(roster), "--assignment-id", "x"]) == 1
    assert "give SESSION=ID" in capsys.readouterr().out
    assert run(["export", str(course / "nowhere"), "--format", "csv"]) == 1
    assert "run `hamlet grade` first" in capsys.readouterr().out


def test_writes_are_atomic(course, monkeypatch):
    target = course / "export" / "csv.csv"
    export(course, "csv")
    before = target.read_bytes()

    def fail(source, destination):
        raise OSError(28, "No space left on device", str(destination))

    monkeypatch.setattr(hamlet_export.os, "replace", fail)
    with pytest.raises(OSError):
        export(course, "csv", absent="zero")
    assert target.read_bytes() == before and os.listdir(target.parent) == ["csv.csv"]


def test_importing_the_module_leaves_nbgrader_unimported():
    """The `hamlet` command imports this module for every subcommand; nbgrader takes seconds."""
    code = "import sys, hamlet.export; print('nbgrader' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


# ---------------------------------------------------------------------- nbgrader's ExportPlugin

@pytest.fixture
def gradebook(tmp_path, monkeypatch):
    """A real nbgrader gradebook: Session 5 (cells of 4 and 6 points), Session 6 (12 points); ada hands in
    both (Session 5 late: penalty 1.5), charles Session 5 only, grace nothing."""
    import nbgrader.api
    from hamlet.nbgrader_server import alembic_head

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", alembic_head)  # no `alembic` subprocess
    scores = {("ada", S5): ((4, 6), 1.5), ("ada", S6): ((10.5,), 0.0), ("charles", S5): ((3, 0), 0.0)}
    with nbgrader.api.Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as book:
        for session, points in ((S5, (4, 6)), (S6, (12,))):
            book.add_assignment(session)
            book.add_notebook(session, session)
            for number, maximum in enumerate(points):
                book.add_grade_cell(f"test_{number}", session, session, max_score=maximum, cell_type="code")
        for student in ("ada", "charles", "grace"):
            book.add_student(student)
        for (student, session), (cell_scores, penalty) in scores.items():
            with warnings.catch_warnings():  # nbgrader's own add_submission warns of SQLAlchemy's autoflush
                warnings.simplefilter("ignore")
                notebook = book.add_submission(session, student).notebooks[0]
            for number, score in enumerate(cell_scores):
                grade = book.find_grade(f"test_{number}", session, session, student)
                grade.auto_score, grade.needs_manual_grade = score, False
            notebook.late_submission_penalty = penalty
        book.db.commit()
        yield book


def test_export_plugins_write_the_gradebook_totals_minus_late_penalty(gradebook, tmp_path):
    from nbgrader.plugins import CsvExportPlugin, ExportPlugin

    from hamlet.export import CanvasExport, CsvExport, MoodleExport

    assert all(issubclass(plugin, ExportPlugin) for plugin in (CanvasExport, MoodleExport, CsvExport))
    CsvExport(to=str(tmp_path / "wide.csv")).export(gradebook)
    rows = read_back(tmp_path / "wide.csv")
    assert rows == [["student", S5, S6, "total"], ["ada", "8.5", "10.5", "19"], ["charles", "3", "", "3"],
                    ["grace", "", "", ""]]

    # the same as nbgrader's own CSV export's score, where there is a submission
    CsvExportPlugin(to=str(tmp_path / "nbgrader.csv")).export(gradebook)
    with open(tmp_path / "nbgrader.csv", newline="") as handle:
        theirs = {(row["student_id"], row["assignment"]): float(row["score"]) for row in csv.DictReader(handle)}
    ours = {(row[0], session): float(cell) for row in rows[1:] for session, cell in zip((S5, S6), row[1:3]) if cell}
    assert ours == {key: value for key, value in theirs.items() if key in ours}

    roster = write_csv(tmp_path / "roster.csv", [["student", "ID", "Student"], ["charles", "2", "Charles"],
                                                  ["ada", "1", "Ada"], ["grace", "3", "Grace"]])
    CanvasExport(to=str(tmp_path / "canvas.csv"), roster=str(roster), assignment=[S5], absent="zero",
                 assignment_ids={S5: "4711"}).export(gradebook)
    assert read_back(tmp_path / "canvas.csv") == [
        ["Student", "ID", "Section", f"{T5} (4711)"], ["Points Possible", "", "", "10"],
        ["Charles", "2", "", "3"], ["Ada", "1", "", "8.5"], ["Grace", "3", "", "0"]]

    moodle_roster = write_csv(tmp_path / "moodle.csv", [["student", "ID number"], ["ada", "A1"], ["charles", "C2"],
                                                         ["grace", "G3"]])
    # --student leaves grace out: her roster row is no error
    MoodleExport(to=str(tmp_path / "m.csv"), roster=str(moodle_roster), student=["ada", "charles"]).export(gradebook)
    assert read_back(tmp_path / "m.csv") == [["ID number", T5, T6], ["A1", "8.5", "10.5"], ["C2", "3", "-"]]

    # a roster row of a student the gradebook does not know is refused, as from totals.csv
    stranger = write_csv(tmp_path / "stranger.csv", [["student", "ID number"], ["ada", "A1"], ["charles", "C2"],
                                                      ["grace", "G3"], ["zed", "Z4"]])
    with pytest.raises(ExportError, match=r"stranger.csv:5: student 'zed' matches no graded student in sqlite:///"):
        MoodleExport(to=str(tmp_path / "z.csv"), roster=str(stranger)).export(gradebook)
