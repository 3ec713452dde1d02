"""A semester of grading one course, as an instructor runs it: hand-ins of two sessions into one
gradebook, a tutor's manual grades, late work and extensions, a changed notebook, a regrade of one
student, runs killed at any point, and the export to the LMS.

Every step runs the ``hamlet`` command line on real notebooks (the example classes), in one
course folder, as a user would.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest

from hamlet import backups, examples, run_state

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"
TIMEOUT = 30  # a Session 5 notebook runs in about 5 s
DUE = datetime(2026, 11, 20, 23, 59, tzinfo=timezone.utc)
COURSE_TOML = f"""
# the course file of the tests: due dates, 10 % off per day started (at most 50 %), one extension
[sessions.{S5}]
due = {DUE.isoformat()}
[sessions.{S6}]
due = {(DUE + timedelta(days=7)).isoformat()}
[late_policy]
percent_per_day = 10
cap_percent = 50
[[extensions]]
student = "ben_typical_bugs"
session = "{S5}"
days = 2
"""
MANUAL = "task1a_gradients"

pytestmark = pytest.mark.grading


def hamlet(*arguments, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "hamlet.cli", *map(str, arguments)], capture_output=True, text=True,
                          timeout=1800)
    if check:
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


def hand_in(incoming: Path, student: str, session: str, notebook, submitted: datetime | None) -> None:
    """A hand-in in nbgrader's layout, with nbgrader's timestamp.txt when the time is known."""
    folder = incoming / "submitted" / student / session
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(folder / f"{session}.ipynb"))
    if submitted is not None:
        (folder / "timestamp.txt").write_text(submitted.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))


def notebook(student: str, session: str):
    return examples.notebook_of(next(s for s in examples.students(session) if s.name == student), session)


def graded_now(output: str) -> set:
    return {line.split()[1] for line in output.splitlines() if line.startswith("  graded ")}


def totals(out: Path) -> dict:
    with open(out / "totals.csv", newline="") as handle:
        return {(row["student"], row["session"]): row for row in csv.DictReader(handle)}


def grade_row(out: Path, student: str, grade_id: str, session: str = S5) -> tuple:
    """(manual_score, needs_manual_grade) of one cell in the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(grade_id, session, session, student)
        return grade.manual_score, grade.needs_manual_grade


def tutor_grades(out: Path, marks: dict, comment: tuple | None = None) -> None:
    """What a tutor does in formgrader, through nbgrader's API: scores (and a comment) saved."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        for student, score in marks.items():
            grade = gradebook.find_grade(MANUAL, S5, S5, student)
            grade.manual_score, grade.needs_manual_grade = score, False
        if comment:
            student, text = comment
            gradebook.find_comment(MANUAL, S5, S5, student).manual_comment = text
        gradebook.db.commit()


def scores_of(out: Path, student: str, session: str = S5) -> dict:
    with open(out / "grades.csv", newline="") as handle:
        return {row["grade_id"]: row["score"] for row in csv.DictReader(handle)
                if row["student"] == student and row["session"] == session}


@pytest.fixture(scope="module")
def semester(tmp_path_factory):
    """The course after each step of the semester: ``{step: (stdout, totals)}``."""
    root = tmp_path_factory.mktemp("semester")
    incoming, out = root / "incoming", root / "course-out"
    out.mkdir()
    (out / "course.toml").write_text(COURSE_TOML)
    hand_in(incoming, "ada_complete", S5, notebook("ada_complete", S5), DUE - timedelta(hours=1))
    hand_in(incoming, "ben_typical_bugs", S5, notebook("ben_typical_bugs", S5), DUE + timedelta(days=3, hours=2))
    hand_in(incoming, "gia_unusual", S5, notebook("gia_unusual", S5), None)
    hand_in(incoming, "ada_complete", S6, notebook("ada_complete", S6), DUE + timedelta(days=6))
    steps = {}
    command = ("grade", incoming, "--out", out, "--jobs", 2, "--timeout", TIMEOUT)

    begin = time.perf_counter()
    first = hamlet(*command)
    steps["first"] = (first.stdout, totals(out), time.perf_counter() - begin)

    tutor_grades(out, {"ada_complete": 2.0, "ben_typical_bugs": 1.0, "gia_unusual": 1.5},
                 comment=("ben_typical_bugs", "the chain rule is right; say where the 2 comes from"))
    hamlet("report", out)
    steps["manual"] = (None, totals(out), 0.0)

    begin = time.perf_counter()
    unchanged = hamlet(*command)
    steps["unchanged"] = (unchanged.stdout, totals(out), time.perf_counter() - begin)

    # ben fixes his sigmoid (his derivation unchanged), gia rewrites her derivation, hal hands in late
    ben = nbformat.read(str(incoming / "submitted" / "ben_typical_bugs" / S5 / f"{S5}.ipynb"), as_version=4)
    ada = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell.source for cell in notebook("ada_complete", S5).cells}
    for cell in ben.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "sigmoid_function":
            cell.source = ada["sigmoid_function"]
    hand_in(incoming, "ben_typical_bugs", S5, ben, DUE + timedelta(days=3, hours=2))
    gia = nbformat.read(str(incoming / "submitted" / "gia_unusual" / S5 / f"{S5}.ipynb"), as_version=4)
    for cell in gia.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == MANUAL:
            cell.source += "\n\nSecond thoughts: the factor 2 comes from the square."
    hand_in(incoming, "gia_unusual", S5, gia, None)
    hand_in(incoming, "hal_late", S5, notebook("ada_complete", S5), DUE + timedelta(days=5, minutes=1))
    begin = time.perf_counter()
    changed = hamlet(*command)
    steps["changed"] = (changed.stdout, totals(out), time.perf_counter() - begin)

    one = hamlet(*command, "--student", "ada_complete", "--session", S5)
    steps["one"] = (one.stdout, totals(out), 0.0)
    return incoming, out, steps


def test_one_gradebook_holds_every_session(semester):
    from nbgrader.api import Gradebook

    _, out, steps = semester
    stdout, first, _ = steps["first"]
    assert graded_now(stdout) == {"ada_complete", "ben_typical_bugs", "gia_unusual"}  # both sessions
    assert set(first) == {("ada_complete", S5), ("ben_typical_bugs", S5), ("gia_unusual", S5), ("ada_complete", S6)}
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        assert sorted(assignment.name for assignment in gradebook.assignments) == [S5, S6]
    overview = (out / "report.html").read_text()
    assert f'href="{S5}/report.html"' in overview and f'href="{S6}/report.html"' in overview
    for session in (S5, S6):
        assert (out / session / "report.html").exists()
        assert (out / session / "feedback" / "ada_complete.html").exists()
    expected = {student: examples.expected_scores(next(s for s in examples.students(S5) if s.name == student), S5)
                for student in ("ada_complete", "ben_typical_bugs", "gia_unusual")}
    for student, scores in expected.items():
        assert float(first[(student, S5)]["score"]) == sum(scores.values()), student


def test_late_work_gets_the_policys_penalty(semester):
    _, out, steps = semester
    _, first, _ = steps["first"]
    ada, ben, gia = (first[(name, S5)] for name in ("ada_complete", "ben_typical_bugs", "gia_unusual"))
    assert ada["penalty"] == "0" and ada["late"] == "on time" and float(ada["total"]) == float(ada["score"])
    # 3 days 2 h after the due date, 2 days' extension: late by 1 day 2 h, 2 days started: 20 %
    earned = float(ben["score"]) + float(ben["bonus"])
    assert float(ben["penalty"]) == pytest.approx(0.2 * earned)
    assert float(ben["total"]) == pytest.approx(earned - float(ben["penalty"]))
    assert "time unknown" in gia["late"] and gia["penalty"] == "0" and gia["submitted"] == ""
    _, changed, _ = steps["changed"]
    hal = changed[("hal_late", S5)]  # 5 days and a minute: 6 days started, capped at 50 %
    assert float(hal["penalty"]) == pytest.approx(0.5 * (float(hal["score"]) + float(hal["bonus"])))
    assert float(hal["penalty"]) > 0
    session_page = (out / S5 / "report.html").read_text()
    assert "time unknown" in session_page and "&minus;" in session_page
    # the feedback says the same: nbgrader's page shows the penalty and the score less it
    page = (out / S5 / "feedback" / "hal_late.html").read_text()
    assert f"Late submission penalty (Score: -{round(float(hal['penalty']), 2)})" in page
    assert f"(Score: {round(float(hal['total']), 2)} / " in page
    # nbgrader's gradebook knows the due date, the extension, the times and the penalty too
    with sqlite3.connect(out / "gradebook.db") as database:
        (penalty,) = database.execute(
            "select submitted_notebook.late_submission_penalty from submitted_notebook join submitted_assignment "
            "on submitted_notebook.assignment_id = submitted_assignment.id join assignment on "
            "submitted_assignment.assignment_id = assignment.id where submitted_assignment.student_id = "
            "'hal_late' and assignment.name = ?", (S5,)).fetchone()
        assert penalty == pytest.approx(float(hal["penalty"]))
        (extension,) = database.execute(
            "select extension from submitted_assignment join assignment on submitted_assignment.assignment_id = "
            "assignment.id where student_id = 'ben_typical_bugs' and assignment.name = ?", (S5,)).fetchone()
        assert extension is not None


def test_a_rerun_with_nothing_new_grades_no_one_and_keeps_the_manual_grades(semester):
    _, out, steps = semester
    stdout, unchanged, _ = steps["unchanged"]
    _, manual, _ = steps["manual"]
    assert graded_now(stdout) == set()
    assert "0 to grade" in stdout and "3 kept as graded before" in stdout
    assert unchanged == manual  # every score, flag and manual grade as the tutor left them
    assert scores_of(out, "ada_complete")[MANUAL] in ("2", "2.0")


def test_only_the_new_and_changed_notebooks_are_graded(semester):
    _, out, steps = semester
    stdout, changed, _ = steps["changed"]
    assert graded_now(stdout) == {"ben_typical_bugs", "gia_unusual", "hal_late"}
    assert "1 new" in stdout and "2 changed" in stdout
    _, manual, _ = steps["manual"]
    assert changed[("ada_complete", S5)] == manual[("ada_complete", S5)]  # kept: scores, flags, time
    assert changed[("ada_complete", S6)] == manual[("ada_complete", S6)]
    # ben's fixed sigmoid now earns 2a; his derivation is unchanged, so the tutor's 1 point stands
    assert float(changed[("ben_typical_bugs", S5)]["score"]) == float(manual[("ben_typical_bugs", S5)]["score"]) + 1
    assert scores_of(out, "ben_typical_bugs")[MANUAL] == "1"
    assert grade_row(out, "ben_typical_bugs", MANUAL) == (1.0, False)
    # gia changed her derivation: to grade again; the tutor's old 1.5 is still in the gradebook
    assert scores_of(out, "gia_unusual")[MANUAL] == ""
    assert grade_row(out, "gia_unusual", MANUAL) == (1.5, True)
    assert any("to grade again" in flag for flag in changed[("gia_unusual", S5)]["flags"].split("; "))
    page = (out / S5 / "report.html").read_text()
    assert "to grade again" in page and "this run" in page and "kept" in page
    state = run_state.load(out)  # runs: 1 first, 2 nothing new, 3 these changes, 4 --student
    assert state.sessions[S6].students["ada_complete"].run == 1
    assert {name: record.run for name, record in state.sessions[S5].students.items() if name != "ada_complete"} == {
        "ben_typical_bugs": 3, "gia_unusual": 3, "hal_late": 3}


def test_the_feedback_follows_the_tutors_grades(semester):
    """After `hamlet report`, a page shows the tutor's points (nbgrader's feedback, made again)."""
    _, out, steps = semester
    _, manual, _ = steps["manual"]
    page = (out / S5 / "feedback" / "ada_complete.html").read_text()
    assert f"(Score: {round(float(manual[('ada_complete', S5)]['total']), 2)} / " in page


def test_the_tutors_comment_survives_every_run(semester):
    from nbgrader.api import Gradebook

    _, out, _ = semester
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        comment = gradebook.find_comment(MANUAL, S5, S5, "ben_typical_bugs")
        assert comment.manual_comment == "the chain rule is right; say where the 2 comes from"


def test_student_regrades_exactly_one(semester):
    _, out, steps = semester
    stdout, one, _ = steps["one"]
    _, changed, _ = steps["changed"]
    assert graded_now(stdout) == {"ada_complete"}
    assert "1 named" in stdout
    for key, row in changed.items():
        if key != ("ada_complete", S5):
            assert one[key] == row, key
    assert one[("ada_complete", S5)]["score"] == changed[("ada_complete", S5)]["score"]
    assert scores_of(out, "ada_complete")[MANUAL] == "2"  # unchanged answer: the tutor's grade stays
    assert run_state.load(out).sessions[S5].students["ada_complete"].run == 4


def test_backups_are_made_before_each_run_and_the_last_few_kept(semester):
    _, out, _ = semester
    kept = backups.backups(out)
    assert 1 <= len(kept) <= backups.KEEP
    with sqlite3.connect(kept[-1]) as database:
        assert database.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert database.execute("select count(*) from assignment").fetchone()[0] == 2


def test_student_names_an_unknown_student_clearly(semester):
    incoming, out, _ = semester
    done = hamlet("grade", incoming, "--out", out, "--session", S5, "--student", "nobody", check=False)
    assert done.returncode == 1 and "--student nobody: no hand-in of 05_sigmoid_neuron" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize("layout", ["canvas", "moodle", "csv"])
def test_the_export_parses_back_to_the_same_totals(semester, layout, tmp_path):
    _, out, steps = semester
    roster = tmp_path / "roster.csv"
    students = sorted({student for student, _ in totals(out)})
    with open(roster, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "Student", "ID", "SIS User ID", "SIS Login ID", "Section", "ID number",
                         "Email address"])
        for number, student in enumerate(students, 1):
            writer.writerow([student, student.replace("_", " ").title(), 1000 + number, f"S{number:04d}",
                             f"{student}@uni.example", "ML 1", f"N{number:05d}", f"{student}@uni.example"])
    target = tmp_path / f"export-{layout}.csv"
    done = hamlet("export", out, "--format", layout, "--roster", roster, "--to", target)
    assert target.exists(), done.stdout
    with open(target, newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], [row for row in rows[1:] if row[0] != "Points Possible"]
    key = {"canvas": "SIS User ID", "moodle": "ID number", "csv": "student"}[layout]
    with open(roster, newline="") as handle:
        student_of = {row[key]: row["student"] for row in csv.DictReader(handle)}
    columns = {session: next(name for name in header if name == session or name.startswith(title(session)))
               for session in (S5, S6)}
    found = {}
    for row in body:
        record = dict(zip(header, row))
        for session, column in columns.items():
            if record[column] not in ("", "-"):  # no hand-in
                found[(student_of[record[key]], session)] = float(record[column])
    assert found == {pair: pytest.approx(float(row["total"])) for pair, row in totals(out).items()}


def title(session: str) -> str:
    from hamlet.export import session_title

    return session_title(session)


def test_bad_roster_lines_are_named(semester, tmp_path):
    _, out, _ = semester
    roster = tmp_path / "roster.csv"
    roster.write_text("student,ID number\nada_complete,N1\nada_complete,N2\nzed_nobody,N3\n")
    done = hamlet("export", out, "--format", "moodle", "--roster", roster, check=False)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert re.search(r"roster\.csv:3: student 'ada_complete'", done.stdout)  # twice
    assert re.search(r"roster\.csv:4: student 'zed_nobody' matches no graded student", done.stdout)
    assert "ben_typical_bugs" in done.stdout  # handed in, but not on the roster


def test_a_tutor_grading_the_changed_answer_again_counts_it(semester):
    """Last of the semester: gia's changed derivation graded again in formgrader (which clears
    nbgrader's needs_manual_grade); `hamlet report` counts it, and the feedback follows."""
    _, out, _ = semester
    before = totals(out)[("gia_unusual", S5)]
    tutor_grades(out, {"gia_unusual": 2.0})
    hamlet("report", out)
    after = totals(out)[("gia_unusual", S5)]
    assert scores_of(out, "gia_unusual")[MANUAL] == "2"
    assert float(after["total"]) == float(before["total"]) + 2
    assert "to grade again" not in after["flags"] and "to grade again" in before["flags"]
    page = (out / S5 / "feedback" / "gia_unusual.html").read_text()
    assert f"(Score: {round(float(after['total']), 2)} / " in page


# ----------------------------------------------------------------------------- killed runs

def _kill_when(command, out: Path, pattern: str | None, after: float | None) -> str:
    """Start ``hamlet`` in a session of its own and kill it with SIGKILL when its output so far
    matches ``pattern`` or ``after`` seconds passed; its output."""
    import threading

    process = subprocess.Popen([sys.executable, "-m", "hamlet.cli", *map(str, command)], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)
    reader.start()
    begin = time.monotonic()
    while process.poll() is None and time.monotonic() - begin < 900:
        if (pattern and re.search(pattern, "".join(lines), re.M)) or (after is not None
                                                                      and time.monotonic() - begin > after):
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # hamlet itself; its nbgrader processes have sessions of their own
    process.wait()
    reader.join(timeout=10)
    assert process.returncode == -signal.SIGKILL, "".join(lines)  # killed, not finished before
    return "".join(lines)


def _usable(out: Path) -> None:
    from nbgrader.api import Gradebook

    backups.check(out / "gradebook.db")
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        assert gradebook.find_grade(MANUAL, S5, S5, "ada_complete").manual_score == 2.0
    state = run_state.load(out)  # never half written
    assert state is not None and S5 in state.sessions


@pytest.mark.parametrize("where", ["starting", "backed up", "while grading", "after the first student",
                                   "writing the outputs"])
def test_a_run_killed_anywhere_leaves_a_usable_gradebook(killable, where):
    incoming, out, expected = killable
    command = ("grade", incoming, "--out", out, "--jobs", 2, "--timeout", TIMEOUT, "--force")
    pattern, after = {"starting": (None, 1.5), "backed up": (r"^gradebook backed up", None),
                      "while grading": (r"^grading \d+ notebooks", None),
                      "after the first student": (r"^  graded ", None),
                      "writing the outputs": (r"^  graded .*\n(.*\n)*  graded ", None)}[where]
    output = _kill_when(command, out, pattern, after)
    _usable(out)
    assert not _graders_left(out), output  # no orphan goes on writing into the gradebook
    rerun = hamlet("grade", incoming, "--out", out, "--jobs", 2, "--timeout", TIMEOUT)
    _usable(out)
    assert _without_times(totals(out)) == _without_times(expected), (output, rerun.stdout)


def _without_times(rows: dict) -> dict:
    return {key: {column: value for column, value in row.items() if column != "graded"} for key, row in rows.items()}


def _graders_left(out: Path, wait: float = 10.0) -> list:
    """nbgrader processes of the course still alive after ``wait`` seconds."""
    end = time.monotonic() + wait
    while True:
        left = []
        for process in Path("/proc").iterdir():
            try:
                if (b"hamlet.nbgrader_server" in (process / "cmdline").read_bytes()
                        and str(out) in os.readlink(process / "cwd")):
                    left.append(process.name)
            except OSError:
                continue
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.5)


@pytest.fixture(scope="module")
def killable(tmp_path_factory):
    """A graded course of two Session 5 hand-ins with a tutor's grade; its totals."""
    root = tmp_path_factory.mktemp("killable")
    incoming, out = root / "incoming", root / "out"
    for student in ("ada_complete", "ben_typical_bugs"):
        hand_in(incoming, student, S5, notebook(student, S5), DUE)
    hamlet("grade", incoming, "--out", out, "--jobs", 2, "--timeout", TIMEOUT)
    tutor_grades(out, {"ada_complete": 2.0})
    hamlet("report", out)
    return incoming, out, totals(out)


def test_an_unreadable_grading_state_is_set_aside_not_lost(tmp_path):
    incoming, out = tmp_path / "incoming", tmp_path / "out"
    hand_in(incoming, "cleo_untouched", S5, notebook("cleo_untouched", S5), DUE)
    hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT)
    (out / run_state.RUN_FILE).write_text("{ not json")
    again = hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT)
    assert "set aside as" in again.stdout and graded_now(again.stdout) == {"cleo_untouched"}
    assert list(out.glob(f"{run_state.RUN_FILE}.unreadable-*"))


def test_a_damaged_gradebook_stops_the_run_and_names_the_backup(tmp_path):
    incoming, out = tmp_path / "incoming", tmp_path / "out"
    hand_in(incoming, "cleo_untouched", S5, notebook("cleo_untouched", S5), DUE)
    hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT)
    hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT)  # a backup of the first run's gradebook
    database = out / "gradebook.db"
    data = bytearray(database.read_bytes())
    data[100:4000] = os.urandom(3900)
    database.write_bytes(bytes(data))
    done = hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT, check=False)
    assert done.returncode == 1 and "is damaged" in done.stdout and "latest backup is" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    shutil.copy2(backups.backups(out)[-1], database)  # the way back the message names
    hamlet("grade", incoming, "--out", out, "--timeout", TIMEOUT)
