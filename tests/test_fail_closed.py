"""Grading fails closed: when the outside verdicts cannot be computed, nothing is credited from
the notebook (issue #14, item 1).

The notebook's own test cells run student code, so its scores are ones student code can
reach.  A student whose outside verdicts fail scores 0 on every autograded task, the
tasks are listed "to review" (run summary, tutor page, totals.csv, formgrader), and a
tutor grants them through nbgrader's manual grading.  The failure here is a bug of the
judge's own, simulated by making :func:`hamlet.verdicts.outside_verdicts` raise for one
student; the other student of the run is graded as always.
"""

from __future__ import annotations

import csv
import threading

import nbformat
import pytest

from hamlet import examples, gradebook, outputs, pipeline, verdicts
from hamlet.examples import Student, autograded_scores, expected_scores

pytestmark = pytest.mark.grading

SESSION = "05_sigmoid_neuron"
COMPLETE = Student("ada_complete", "every task solved")
BROKEN_JUDGE = "bob_judge_fails"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fail-closed")
    submissions = folder / "submissions"
    submissions.mkdir()
    notebook = examples.notebook_of(COMPLETE, SESSION)
    for name in (COMPLETE.name, BROKEN_JUDGE):
        nbformat.write(notebook, str(submissions / f"{name}.ipynb"))
    judge = verdicts.outside_verdicts
    lines: list[str] = []
    patch = pytest.MonkeyPatch()

    def outside(release, submission, declaration, **options):
        # the outside verdicts of a student run in a thread named after them (hamlet.pipeline)
        if BROKEN_JUDGE in threading.current_thread().name:
            raise RuntimeError("a bug of the judge's own")
        return judge(release, submission, declaration, **options)
    patch.setattr(verdicts, "outside_verdicts", outside)
    try:
        results = pipeline.grade(submissions, folder / "out", SESSION, jobs=2, timeout=60, log=lines.append)
    finally:
        patch.undo()
    return {result.student: result for result in results}, folder / "out", lines, submissions


def _totals(out):
    with open(out / "totals.csv", newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_a_student_whose_outside_verdicts_fail_scores_nothing_from_the_notebook(graded):
    results, out, lines, _ = graded
    broken = results[BROKEN_JUDGE]
    assert sum(autograded_scores(broken).values()) == 0, broken.flags
    assert set(broken.review_tasks()) == set(autograded_scores(broken)), broken.review_tasks()
    assert any(flag.startswith("ERROR: the outside verdicts failed (RuntimeError: a bug of the judge's own)")
               for flag in broken.flags), broken.flags
    # the notebook scored every task; that is no sign of cheating when nothing could be judged
    assert not [flag for flag in broken.flags if flag.startswith("suspicious")], broken.flags
    assert autograded_scores(results[COMPLETE.name]) == expected_scores(COMPLETE, SESSION)
    assert not results[COMPLETE.name].review_tasks()


def test_the_run_summary_the_tutor_page_and_totals_list_the_tasks_to_review(graded):
    results, out, lines, _ = graded
    tasks = list(results[BROKEN_JUDGE].review_tasks())  # in notebook order
    assert any(line.startswith(f"ERROR: {len(tasks)} tasks could not be judged") for line in lines), lines[-5:]
    assert any(BROKEN_JUDGE in line and "task 2a" in line for line in lines)
    row = _totals(out)[BROKEN_JUDGE]
    assert row["to_review"].startswith(f"{tasks[0]}: the outside verdicts failed")
    assert int(row["needs_manual_grading"]) >= len(tasks)
    assert _totals(out)[COMPLETE.name]["to_review"] == ""
    page = (out / SESSION / "report.html").read_text()
    assert 'id="to-review"' in page and f"{BROKEN_JUDGE}, tasks {', '.join(tasks)}" in page
    assert "tasks to review" in (out / SESSION / "report.html").read_text()
    assert "to review" in (out / "report.html").read_text()


def test_a_tutor_grants_a_task_to_review_through_manual_grading(graded):
    results, out, _, submissions = graded
    with gradebook.opened(out) as book:
        notebook = book.find_submission_notebook(SESSION, SESSION, BROKEN_JUDGE)
        waiting = [grade for grade in notebook.grades if grade.needs_manual_grade and grade.manual_score is None
                   and grade.auto_score == 0.0]
        assert waiting, "formgrader must list the cells to review as needing a manual grade"
        granted = waiting[0]
        # what formgrader's API does when a tutor enters a score
        granted.manual_score, granted.needs_manual_grade = granted.max_score, False
        name = granted.name
        book.db.commit()
    after = {result.student: result for result in outputs.report(out)}[BROKEN_JUDGE]
    cell = next(cell for cell in after.cells if cell.grade_id == name)
    assert cell.score == cell.max_score and not cell.review
    assert cell.task not in after.review_tasks()
    assert after.total == pytest.approx(cell.max_score)

    # graded again with a working judge: judged on its own now, and the tutor's grant stands
    regraded = {result.student: result for result in pipeline.grade(submissions, out, SESSION, students=[BROKEN_JUDGE],
                                                                     jobs=1, timeout=60, log=lambda *args: None)}
    again = regraded[BROKEN_JUDGE]
    assert not again.review_tasks()
    assert autograded_scores(again) == expected_scores(COMPLETE, SESSION)
