"""Session 5: grading that cannot be fooled or broken -- the cheat corpus and the fault corpus,
each graded in one run (Session 5's counterpart of test_adversarial.py).

Every cheat must score 0 on the tasks it is about (and what depends on them) and be
flagged; every fault must be survived and reported; the honest students graded in
the same run must score exactly what they score alone.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import subprocess
import time

import pytest
from conftest import corpus_budget

from cheat_corpus_05 import (CHEATERS, CONTROLS, FOOLS_THE_NOTEBOOK, FORGED_TOTAL, OUTSIDE_REASON, SESSION,
                             graded_points, write_corpus)
from fault_corpus_05 import FAULTS, FILE_FAULTS, write_faults
from hamlet import pipeline, run_state, sandbox
from hamlet.declaration import task_of
from hamlet.examples import autograded_scores, expected_scores

pytestmark = [pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is needed to grade untrusted code"),
              pytest.mark.grading]
#: seconds per cell: a Session 5 notebook runs in about 5 s, so half of Session 6's limit
#: still leaves a wide margin, and each endless loop costs half as long
TIMEOUT = 30
#: the command lines of the processes another grading run hangs from (its test run, its nbgrader)
OTHER_GRADERS = ("-m pytest", "hamlet.nbgrader_server", "hamlet.cli", "bin/hamlet ")


def _sandbox_processes(wait: float = 10.0) -> list[str]:
    """test_adversarial's check, for a machine shared with other grading runs: processes still
    running as one of the grading users, after giving them ``wait`` seconds to go -- except
    those of another grading run (a process of the slot users whose ancestors include a
    test run or grader that is not this one).  One that belongs to no grader is counted."""
    deadline = time.monotonic() + wait
    me = os.getpid()
    while True:
        output = subprocess.run(["ps", "-eo", "uid=,pid=,ppid=,args="], capture_output=True, text=True).stdout
        table = {}
        for line in output.splitlines():
            uid, pid, ppid, *args = line.split(None, 3)
            table[int(pid)] = (int(uid), int(ppid), args[0] if args else "")
        slot_users = range(sandbox.SLOT_UID_BASE, sandbox.SLOT_UID_BASE + 1000)

        def foreign(pid: int) -> bool:
            chain, seen = [], set()
            while pid in table and pid not in seen and pid > 1:
                seen.add(pid)
                chain.append(pid)
                pid = table[pid][1]
            if me in chain:
                return False
            return any(any(name in table[ancestor][2] for name in OTHER_GRADERS) for ancestor in chain)
        left = [f"{uid} {pid} {args}" for pid, (uid, _, args) in table.items() if uid in slot_users and not foreign(pid)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def _grade(folder, submissions):
    results = pipeline.grade(submissions, folder / "out", sessions=SESSION, jobs=2, timeout=TIMEOUT,
                             budget=corpus_budget(SESSION, TIMEOUT), log=lambda *args: None)
    return {result.student: result for result in results}, folder / "out"


@pytest.fixture(scope="module")
def cheat_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cheats05")
    return _grade(folder, write_corpus(folder / "submissions"))


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults05")
    return _grade(folder, write_faults(folder / "submissions", CONTROLS))


def _suspicious(result) -> list[str]:
    return [flag for flag in result.flags if flag.startswith("suspicious")]


@pytest.mark.parametrize("student", CHEATERS, ids=lambda student: student.name)
def test_a_cheat_earns_nothing_and_is_flagged(cheat_run, student):
    results, _ = cheat_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    assert _suspicious(result), result.flags


@pytest.mark.parametrize("name", [student.name for student in CHEATERS])
def test_a_cheat_fails_for_the_mistake_it_hides(cheat_run, name):
    """Not because the trick broke its cell outside: the verdict names the mistake."""
    _, out = cheat_run
    task, phrase = OUTSIDE_REASON[name]
    passed, message = run_state.load(out).sessions[SESSION].students[name].outside["verdicts"][task]
    assert not passed and phrase in message, (task, passed, message)


@pytest.mark.parametrize("name", sorted(FOOLS_THE_NOTEBOOK))
def test_only_the_outside_verdict_stops_the_trick(cheat_run, name):
    """The trick does fool the notebook's own test cells (nbgrader gave full points): what
    stops it is the verdict computed outside the kernel, and the flag says so."""
    results, _ = cheat_run
    points = {task_of(grade_id): value for grade_id, value in graded_points().items()}
    for task in FOOLS_THE_NOTEBOOK[name]:
        wanted = f"suspicious: task {task} scored {points[task]:g}/{points[task]:g} in the notebook but 0/{points[task]:g}"
        assert any(flag.startswith(wanted) for flag in results[name].flags), (wanted, results[name].flags)


@pytest.mark.parametrize("student", CONTROLS, ids=lambda student: student.name)
def test_honest_students_beside_cheaters_are_unaffected(cheat_run, student):
    results, _ = cheat_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    assert not _suspicious(result), result.flags


def test_cheats_left_no_trace_in_the_results(cheat_run):
    """The gradebook, grades.csv, totals.csv and the feedback say what the grader decided,
    whatever the kernels wrote; nothing a student started outlives grading."""
    results, out = cheat_run
    with sqlite3.connect(out / "gradebook.db") as database:
        total = dict(database.execute(
            "select submitted_assignment.student_id, sum(coalesce(grade.manual_score, grade.auto_score, 0)) "
            "from grade join submitted_notebook on grade.notebook_id = submitted_notebook.id "
            "join submitted_assignment on submitted_notebook.assignment_id = submitted_assignment.id "
            "group by submitted_assignment.student_id"))
    for student, result in results.items():
        assert total[student] == pytest.approx(result.total), student
    with open(out / "grades.csv", newline="") as handle:
        grades = {(row["student"], row["grade_id"]): row["score"] for row in csv.DictReader(handle)}
    assert grades == {(student, cell.grade_id): "" if cell.score is None else f"{cell.score:g}"
                      for student, result in results.items() for cell in result.cells}
    with open(out / "totals.csv", newline="") as handle:
        totals = {row["student"]: (float(row["score"]), float(row["total"])) for row in csv.DictReader(handle)}
    assert totals == {student: (result.score, result.total) for student, result in results.items()}
    assert set(totals) == {student.name for student in CHEATERS + CONTROLS}  # no forged student rows
    forged = f"{FORGED_TOTAL} / {FORGED_TOTAL}"
    pages = sorted((out / SESSION / "feedback").glob("*.html"))
    assert len(pages) == len(results)
    for page in pages:
        assert forged not in page.read_text(errors="replace"), page.name
    assert not _sandbox_processes()  # nothing a student started outlives grading


@pytest.mark.parametrize("student", FAULTS, ids=lambda student: student.name)
def test_a_fault_is_survived_and_reported(fault_run, student):
    results, _ = fault_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    for expected in student.flags:
        assert any(expected in flag for flag in result.flags), (expected, result.flags)
    assert not _suspicious(result), result.flags  # a fault is no cheat


@pytest.mark.parametrize("name", sorted(FILE_FAULTS))
def test_a_broken_submission_is_reported(fault_run, name):
    results, _ = fault_run
    assert any(FILE_FAULTS[name] in flag for flag in results[name].flags), results[name].flags


@pytest.mark.parametrize("student", CONTROLS, ids=lambda student: student.name)
def test_honest_students_beside_faults_are_unaffected(fault_run, student):
    results, _ = fault_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    assert not result.flags, result.flags
    assert not _sandbox_processes()
