"""Session 5's example class graded by the same engine as Session 6's: scores, flags, outputs.

Nothing here is special to the engine: the session is its folder and its declaration.
"""

from __future__ import annotations

import csv
import re

import nbformat
import pytest

from hamlet import course, examples, pipeline, run_state
from hamlet.release import HIDDEN_REGION

SESSION = "05_sigmoid_neuron"
DECLARATION = course.declaration(SESSION)
FOLDER = examples.folder(SESSION)
STUDENTS = examples.students(SESSION)
SOURCE = course.source_notebook(SESSION)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded05")
    # no --session: the engine tells the session from the notebooks handed in
    # 30 s per cell: a Session 5 notebook runs in about 5 s; the endless loop costs the least
    results = pipeline.grade(FOLDER / "submissions", out, jobs=2, timeout=30, log=lambda *a: None)
    return out, {result.student: result for result in results}


@pytest.mark.grading
def test_example_class_gets_the_expected_scores(graded):
    _, results = graded
    expected = examples.read_expected(SESSION)
    assert set(results) == set(expected) == {student.name for student in STUDENTS}
    for student, scores in expected.items():
        assert examples.autograded_scores(results[student]) == scores, (student, results[student].flags)


@pytest.mark.grading
def test_faults_and_edits_are_flagged_and_only_there(graded):
    _, results = graded
    for student in STUDENTS:
        flags = "; ".join(results[student.name].flags)
        for flag in student.flags:
            assert flag in flags, (student.name, flags)
        if not student.flags:
            assert flags == "", (student.name, flags)
        if not any("suspicious" in flag for flag in student.flags):  # timeouts, dead kernels, bugs: no cheat
            assert "suspicious" not in flags, (student.name, flags)


@pytest.mark.grading
def test_training_is_judged_on_the_network_the_kernel_trained(graded):
    out, _ = graded
    students = run_state.load(out).sessions[SESSION].students
    in_kernel = {name for name, record in students.items() if record.outside["trained_in_kernel"]}
    assert {"ada_complete", "gia_unusual"} <= in_kernel
    assert not {"cleo_untouched", "dan_endless_loop"} & in_kernel
    left = out / "trained" / SESSION / "ada_complete"
    assert sorted(path.name for path in left.iterdir()) == [f"{name}.npz" for name in DECLARATION.histories]
    assert "measured test accuracy" in students["ada_complete"].outside["verdicts"]["3"][1]


@pytest.mark.grading
def test_manual_cells_wait_for_the_tutor(graded):
    _, results = graded
    manual = [cell.grade_id for cell in results["ada_complete"].cells if cell.manual]
    assert manual == list(DECLARATION.manual_cells)
    assert all(cell.score is None for cell in results["ada_complete"].cells if cell.manual)


@pytest.mark.grading
def test_grades_and_totals_follow_the_declaration(graded):
    out, results = graded
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    graded_cells = [cell for cell in nbformat.read(str(SOURCE), as_version=4).cells
                    if cell.metadata.get("nbgrader", {}).get("grade")]
    assert len(rows) == len(results) * len(graded_cells)
    assert {row["session"] for row in rows} == {SESSION}
    automatic = sum(task.points for task in DECLARATION.tasks) - sum(
        float(cell.metadata["nbgrader"]["points"]) for cell in graded_cells
        if cell.metadata["nbgrader"]["grade_id"] in DECLARATION.manual_cells)
    with open(out / "totals.csv", newline="") as handle:
        totals = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(totals["ada_complete"]["score"]) == automatic  # every automatic point, no bonus task
    assert totals["ada_complete"]["bonus_max"] == "0"
    assert totals["cleo_untouched"]["total"] == "0"


@pytest.mark.grading
def test_feedback_shows_no_hidden_test_and_tells_what_is_wrong(graded):
    out, results = graded
    source = nbformat.read(str(SOURCE), as_version=4)
    hidden = {line.strip() for cell in source.cells for region in HIDDEN_REGION.findall(cell.source)
              for line in region.splitlines() if line.strip()}
    assert len(hidden) > 5
    pages = sorted((out / SESSION / "feedback").glob("*.html"))
    assert {page.stem for page in pages} == set(results)
    for page in pages:
        text = page.read_text()
        assert not [line for line in hidden if line in text], page.name
        assert "hidden_tests" not in text
    assert re.search(r"Task 2[ade]", (out / SESSION / "feedback" / "ben_typical_bugs.html").read_text())


@pytest.mark.grading
def test_tutor_page_has_every_student_and_their_curves(graded):
    out, results = graded
    page = (out / SESSION / "report.html").read_text()
    assert all(student in page for student in results)
    assert SESSION in page
    assert results["ada_complete"].curves_png and results["cleo_untouched"].curves_png is None


def test_the_session_is_told_from_the_notebooks():
    assert course.session_of(FOLDER / "submissions") == SESSION
    assert course.session_of(examples.folder("06_backpropagation") / "submissions") == "06_backpropagation"


def test_example_class_is_current(tmp_path):
    """The committed examples are what `make examples` makes from the current release."""
    examples.write_examples(SESSION, tmp_path)
    for fresh in sorted((tmp_path / "submissions").glob("*.ipynb")):
        committed = FOLDER / "submissions" / fresh.name
        sources = [[cell.source for cell in nbformat.read(str(path), as_version=4).cells]
                   for path in (fresh, committed)]
        assert sources[0] == sources[1], f"{fresh.name}: run `make examples`"
    assert (tmp_path / "expected_scores.csv").read_text() == (FOLDER / "expected_scores.csv").read_text()
