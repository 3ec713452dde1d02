"""Grading that cannot be fooled or broken: the cheat corpus and the fault corpus, each graded in one run.

Every cheat must score 0 on the tasks it is about (and what depends on them) and be
flagged; every fault must be survived and reported; the honest students graded in
the same run must score exactly what they score alone.
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import corpus_budget

from cheat_corpus import CHEATERS, CONTROLS, SESSION, write_corpus
from fault_corpus import FAULTS, FILE_FAULTS, write_faults
from hamlet import outputs, pipeline, run_state, sandbox
from hamlet.examples import autograded_scores, expected_scores

pytestmark = [pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is needed to grade untrusted code"),
              pytest.mark.grading]
#: seconds per cell: the slowest cell of these notebooks (the fast task-5 network) takes a few
#: seconds, so 30 s leaves a wide margin, and each endless loop costs half of nbgrader's 60
TIMEOUT = 30


def _sandbox_processes(wait: float = 10.0) -> list[str]:
    """Processes still running as one of the grading users, after giving them ``wait``
    seconds to go (a kernel dies when its nbgrader does, a moment later)."""
    deadline = time.monotonic() + wait
    while True:
        output = subprocess.run(["ps", "-eo", "uid=,pid=,args="], capture_output=True, text=True).stdout
        left = [line for line in output.splitlines()
                if line.split() and sandbox.SLOT_UID_BASE <= int(line.split()[0]) < sandbox.SLOT_UID_BASE + 1000]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


@pytest.fixture(scope="module")
def cheat_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cheats")
    results = pipeline.grade(write_corpus(folder / "submissions"), folder / "out", jobs=2, timeout=TIMEOUT,
                             budget=corpus_budget(SESSION, TIMEOUT), log=lambda *args: None)
    return {result.student: result for result in results}, folder / "out"


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    results = pipeline.grade(write_faults(folder / "submissions", CONTROLS), folder / "out", jobs=2, timeout=TIMEOUT,
                             budget=corpus_budget(SESSION, TIMEOUT), log=lambda *args: None)
    return {result.student: result for result in results}, folder / "out"


@pytest.mark.parametrize("student", CHEATERS, ids=lambda student: student.name)
def test_a_cheat_earns_nothing_and_is_flagged(cheat_run, student):
    results, _ = cheat_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    assert any(flag.startswith("suspicious") for flag in result.flags), result.flags


@pytest.mark.parametrize("student", CONTROLS, ids=lambda student: student.name)
def test_honest_students_beside_cheaters_are_unaffected(cheat_run, student):
    results, _ = cheat_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION)
    assert not [flag for flag in result.flags if flag.startswith("suspicious")]


def test_cheats_left_no_trace_in_the_results(cheat_run):
    results, out = cheat_run
    with sqlite3.connect(out / "gradebook.db") as database:
        total = dict(database.execute(
            "select submitted_assignment.student_id, sum(coalesce(grade.manual_score, grade.auto_score, 0)) "
            "from grade join submitted_notebook on grade.notebook_id = submitted_notebook.id "
            "join submitted_assignment on submitted_notebook.assignment_id = submitted_assignment.id "
            "group by submitted_assignment.student_id"))
    for student, result in results.items():
        assert total[student] == pytest.approx(result.total), student
    assert "23/23" not in (out / "grades.csv").read_text() + (out / "totals.csv").read_text()
    assert not _sandbox_processes()  # nothing a student started outlives grading


@pytest.mark.parametrize("student", FAULTS, ids=lambda student: student.name)
def test_a_fault_is_survived_and_reported(fault_run, student):
    results, _ = fault_run
    result = results[student.name]
    assert autograded_scores(result) == expected_scores(student, SESSION), result.flags
    for expected in student.flags:
        assert any(expected in flag for flag in result.flags), (expected, result.flags)
    # a timeout, a dead kernel, a memory or fork bomb is no cheat: never "suspicious"
    assert not [flag for flag in result.flags if flag.startswith("suspicious")], result.flags


@pytest.mark.parametrize("name", sorted(FILE_FAULTS))
def test_a_broken_submission_is_reported(fault_run, name):
    results, _ = fault_run
    assert any(FILE_FAULTS[name] in flag for flag in results[name].flags), results[name].flags


@pytest.mark.parametrize("student", CONTROLS, ids=lambda student: student.name)
def test_honest_students_beside_faults_are_unaffected(fault_run, student):
    results, _ = fault_run
    assert autograded_scores(results[student.name]) == expected_scores(student, SESSION)
    assert not _sandbox_processes()


def test_an_interrupted_run_resumes(tmp_path):
    """Ctrl-C during grading, then the same command again: every student graded once, none lost."""
    submissions = write_corpus(tmp_path / "submissions")
    for extra in submissions.glob("*.ipynb"):
        if not extra.stem.startswith("control"):
            extra.unlink()
    for copy in ("control_complete_2", "control_complete_3"):
        (submissions / f"{copy}.ipynb").write_bytes((submissions / "control_complete.ipynb").read_bytes())
    command = [sys.executable, "-m", "hamlet.cli", "grade", str(submissions), "--out", str(tmp_path / "out"),
               "--jobs", "1", "--timeout", str(TIMEOUT),
               "--budget", str(corpus_budget(SESSION, TIMEOUT))]  # resuming, not the budget, is tested
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    run_file = tmp_path / "out" / run_state.RUN_FILE
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            run = run_state.load(tmp_path / "out")
        except run_state.BrokenState:  # caught while it is replaced: cannot happen (os.replace), but say so
            raise
        if run is not None and SESSION in run.sessions and len(run.sessions[SESSION].done) >= 1:
            break
        time.sleep(1)
    first.send_signal(signal.SIGINT)
    output, _ = first.communicate(timeout=120)
    assert first.returncode != 0 and "run the same command again" in output, output
    assert run_file.exists()
    done_before = run_state.load(tmp_path / "out").sessions[SESSION].done
    assert 1 <= len(done_before) < 4
    assert not _sandbox_processes()
    with sqlite3.connect(tmp_path / "out" / "gradebook.db") as database:
        assert database.execute("pragma integrity_check").fetchone()[0] == "ok"

    second = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    assert second.returncode == 0, second.stdout + second.stderr
    assert f"; {len(done_before)} kept as graded before" in second.stdout, second.stdout
    graded_again = {line.split()[1] for line in second.stdout.splitlines() if line.startswith("  graded ")}
    assert graded_again and not graded_again & done_before
    expected = {student.name: expected_scores(student, SESSION) for student in CONTROLS}
    run = run_state.load(tmp_path / "out")
    assert run.runs[-1]["finished"] and len(run.sessions[SESSION].students) == 4
    assert run.sessions[SESSION].done == set(run.sessions[SESSION].students)
    results = {result.student: result for result in outputs.report(tmp_path / "out")}
    for name, result in results.items():
        assert autograded_scores(result) == expected[name if name in expected else "control_complete"], name
