"""Grading the example class end to end with nbgrader, and the grader's input handling."""

from __future__ import annotations

import csv
import json
import os
import re
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from conftest import SOURCE

from hamlet import course, course_folder, examples, outputs, pipeline, run_state, submissions

SESSION = "06_backpropagation"
FOLDER = examples.folder(SESSION)
STUDENTS = examples.students(SESSION)
from hamlet.release import HIDDEN_REGION


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    out = tmp_path_factory.mktemp("graded")
    results = pipeline.grade(FOLDER / "submissions", out, jobs=2, timeout=120, log=lambda *a: None)
    return out, {result.student: result for result in results}


@pytest.mark.grading
def test_example_class_gets_the_expected_scores(graded):
    _, results = graded
    expected = examples.read_expected(SESSION)
    assert set(results) == set(expected)
    for student, scores in expected.items():
        assert examples.autograded_scores(results[student]) == scores, student


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
def test_diagnoses_csv_lists_every_failed_task_with_a_registered_code(graded):
    """A row per autograded task the outside verdicts failed (not excused, not to review), with the
    misconception code of the check that failed it; the tutor page counts them."""
    from hamlet_utils.misconceptions import CODES

    out, results = graded
    with open(out / "diagnoses.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    failed = {(row["student"], row["task"]) for row in rows}
    expected = examples.read_expected(SESSION)
    reviewed = {(name, task) for name, result in results.items() for task in result.review_tasks()}
    zero = {(name, task) for name, scores in expected.items() for task, score in scores.items() if score == 0}
    assert failed == zero - reviewed
    assert not [row for row in rows if row["student"] == "ada_complete"]
    coded = [row for row in rows if row["code"]]
    assert coded and all(row["code"] in CODES and row["misconception"] == CODES[row["code"]] for row in coded)
    ben = {row["task"]: row["code"] for row in rows if row["student"] == "ben_typical_bugs"}
    assert all(ben.values()), ben  # typical bugs are each diagnosed by a check
    page = (out / SESSION / "report.html").read_text()
    assert 'id="reteach"' in page and CODES[next(iter(ben.values()))] in page


@pytest.mark.grading
def test_each_feedback_page_shows_the_totals_of_totals_csv_and_no_hidden_test_words(graded):
    """The page the tutor page links, one per graded student: its totals are totals.csv's, every
    task of the notebook is on it, and a hidden test's failure message is not."""
    out, results = graded
    with open(out / "totals.csv", newline="") as handle:
        totals = {row["student"]: row for row in csv.DictReader(handle) if row["session"] == SESSION}
    state = run_state.load(out).session(SESSION).students
    tutor_page = (out / SESSION / "report.html").read_text()
    hidden_words = 0
    for name, result in results.items():
        page = (out / SESSION / "students" / f"{name}.html").read_text()
        shown = dict(re.findall(r'data-([\w-]+)="([^"]*)"', page.split('id="totals"')[1].split(">")[0]))
        row = totals[name]
        assert (shown["score"], shown["max-score"], shown["bonus"], shown["bonus-max"], shown["penalty"],
                shown["total"]) == (row["score"], row["max_score"], row["bonus"], row["bonus_max"], row["penalty"],
                                    row["total"]), name
        assert re.findall(r'id="task-(\w+)"', page) == list(result.task_scores()), name
        for task in state[name].outside.get("hidden", []):
            words = state[name].outside["verdicts"][task][1]
            if "not implemented yet" not in words:  # that much the page says itself
                hidden_words += 1
                assert words not in page, (name, task)
        assert f'href="students/{name}.html"' in tutor_page
    assert hidden_words  # some hidden test failed in the example class, and its words stayed hidden


@pytest.mark.grading
def test_no_one_holds_a_slot_longer_than_the_default_budget(graded):
    """The example class is graded with the default budget (hamlet.budget): the endless loop
    costs task 5 alone (the expected scores above) and no more time than the budget, but
    nbgrader's bookkeeping after the deadline."""
    out, _ = graded
    state = run_state.load(out)
    (budget,) = [run["budgets"][SESSION] for run in state.runs]
    assert budget is not None and budget > 0
    seconds = {name: record.seconds for name, record in state.session(SESSION).students.items()}
    assert max(seconds.values()) < budget + 15, (budget, seconds)


@pytest.mark.grading
def test_training_is_judged_on_the_networks_the_kernel_trained(graded):
    """No network is trained twice where the kernel's runs are good; where one is not
    (the untouched notebook, the endless loop), a worker trains them outside."""
    out, _ = graded
    students = json.loads((out / run_state.RUN_FILE).read_text())["sessions"][SESSION]["students"]
    in_kernel = {student for student, facts in students.items() if facts["outside"]["trained_in_kernel"]}
    assert {"ada_complete", "gia_unusual", "finn_edits_tests"} <= in_kernel
    assert not {"cleo_untouched", "dan_endless_loop"} & in_kernel
    left = out / "trained" / SESSION / "ada_complete"
    assert sorted(path.name for path in left.iterdir()) == ["history_task4.npz", "history_task5.npz",
                                                            "history_task6e.npz"]


@pytest.mark.grading
def test_the_logs_warn_of_edited_test_cells_only(graded):
    """nbgrader's checksum warning fires for every test cell with hidden tests (nbgrader
    #1961); the log keeps it only for a cell the student changed."""
    out, _ = graded
    changed = re.compile(r"Attribute 'checksum' for cell (\S+) has changed")
    assert not changed.findall((out / "logs" / SESSION / "ada_complete.log").read_text())
    assert changed.findall((out / "logs" / SESSION / "finn_edits_tests.log").read_text()) == ["task2d_linear_backward"]


@pytest.mark.grading
def test_manual_cells_wait_for_the_tutor(graded):
    _, results = graded
    manual = [cell for cell in results["ada_complete"].cells if cell.manual]
    assert [cell.grade_id for cell in manual] == ["task1a_formulas", "task5_discussion"]
    assert all(cell.score is None for cell in manual)


@pytest.mark.grading
def test_grades_csv_has_a_row_per_student_and_graded_cell(graded):
    out, results = graded
    with open(out / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["student", "session", "task", "grade_id", "score", "max_score"]
    graded_cells = [cell for cell in nbformat.read(str(SOURCE), as_version=4).cells
                    if cell.metadata.get("nbgrader", {}).get("grade")]
    assert len(rows) == len(results) * len(graded_cells)
    ada = {row["grade_id"]: row for row in rows if row["student"] == "ada_complete"}
    assert ada["task2d_linear_backward"]["score"] == "3" and ada["task2d_linear_backward"]["task"] == "2d"
    assert ada["task1a_formulas"]["score"] == ""
    with open(out / "totals.csv", newline="") as handle:
        totals = {row["student"]: row for row in csv.DictReader(handle)}
    assert totals["ada_complete"]["score"] == "17" and totals["ada_complete"]["bonus"] == "6"
    assert totals["cleo_untouched"]["total"] == "0"


@pytest.mark.grading
def test_feedback_shows_no_hidden_test(graded):
    out, results = graded
    source = nbformat.read(str(SOURCE), as_version=4)
    hidden = {line.strip() for cell in source.cells for region in HIDDEN_REGION.findall(cell.source)
              for line in region.splitlines() if line.strip()}
    assert len(hidden) > 15
    pages = sorted((out / SESSION / "feedback").glob("*.html"))
    assert {page.stem for page in pages} == set(results)  # every student gets feedback
    for page in pages:
        text = page.read_text()
        for line in hidden:
            assert line not in text, (page.name, line)
        assert "hidden_tests" not in text


@pytest.mark.grading
def test_feedback_tells_what_is_wrong(graded):
    out, _ = graded
    text = (out / SESSION / "feedback" / "ben_typical_bugs.html").read_text()
    assert "averaged over the batch" in text


@pytest.mark.grading
def test_tutor_page_has_every_student_and_their_curves(graded):
    out, results = graded
    page = (out / SESSION / "report.html").read_text()
    for student in results:
        assert student in page
    assert page.count("data:image/png;base64,") >= 4  # complete, bugs, edits, unusual: all plotted
    assert results["ada_complete"].curves_png and results["cleo_untouched"].curves_png is None


@pytest.mark.grading
def test_the_tutor_page_shows_the_curves_each_student_trained_beside_the_grading_runs(graded):
    """The example class is handed in executed (``make examples``): each student's own log, all its
    epochs, is drawn over the grading run's; finn's made-up task 4 log is flagged, no honest one."""
    from hamlet import training_logs
    from hamlet.examples import RUN_EPOCHS

    out, results = graded
    page = (out / SESSION / "report.html").read_text()
    drawn = {name for name, result in results.items() if result.trained_png}
    assert {"ada_complete", "ben_typical_bugs", "finn_edits_tests", "gia_unusual"} <= drawn
    assert page.count('class="curves trained"') == len(drawn)
    contradicted = {name for name, result in results.items()
                    if any(training_logs.CONTRADICTED in flag for flag in result.flags)}
    assert contradicted == {"finn_edits_tests"}
    handed_in = nbformat.read(str(FOLDER / "submissions" / "ada_complete.ipynb"), as_version=4)
    logs = training_logs.logs_in(handed_in, course.declaration(SESSION))
    assert {task: len(log) for task, log in logs.items()} == {"4": RUN_EPOCHS, "5": RUN_EPOCHS, "6e": RUN_EPOCHS}
    assert not any(flag.startswith(training_logs.MISSING_NOTE) for flag in results["ada_complete"].flags)
    dan = results["dan_endless_loop"].flags  # interrupted before an epoch of task 5
    assert any(flag.startswith(training_logs.MISSING_NOTE) and "task 5" in flag for flag in dan), dan


# ----------------------------------------------------------------------------- input handling

def write(path, notebook=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook or nbformat.v4.new_notebook(), str(path))
    return path


def test_collect_flat_folder_nbgrader_layout_and_zip(tmp_path):
    flat = tmp_path / "flat"
    write(flat / "anna.ipynb"), write(flat / "bo b.ipynb")
    found = {s.student: s for s in submissions.collect_submissions(flat, "06_backpropagation", tmp_path)}
    assert set(found) == {"anna", "bo_b"} and all(s.problem is None for s in found.values())

    layout = tmp_path / "course" / "submitted"
    write(layout / "carl" / "06_backpropagation" / "06_backpropagation.ipynb")
    (layout / "dora" / "06_backpropagation").mkdir(parents=True)
    found = {s.student: s for s in submissions.collect_submissions(tmp_path / "course", "06_backpropagation", tmp_path)}
    assert found["carl"].notebook.name == "06_backpropagation.ipynb"
    assert found["dora"].notebook is None and "no notebook" in found["dora"].problem

    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(flat / "anna.ipynb", "export/anna.ipynb")
    found = submissions.collect_submissions(archive, "06_backpropagation", tmp_path / "scratch")
    assert [s.student for s in found] == ["anna"]


def test_collect_refuses_zip_entries_outside_the_folder(tmp_path):
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("../../escaped.ipynb", json.dumps({}))
    with pytest.raises(ValueError, match="outside the folder"):
        submissions.collect_submissions(archive, "06_backpropagation", tmp_path / "scratch")


def test_duplicate_student_is_flagged(tmp_path):
    write(tmp_path / "in" / "anna.ipynb")
    write(tmp_path / "in" / "anna" / "06_backpropagation.ipynb")
    (found,) = submissions.collect_submissions(tmp_path / "in", "06_backpropagation", tmp_path)
    assert "more than once" in found.problem


def test_broken_notebook_is_flagged_not_graded(tmp_path):
    broken = tmp_path / "in" / "zed.ipynb"
    broken.parent.mkdir()
    broken.write_text("{ this is not json")
    release = nbformat.read(str(SOURCE), as_version=4)
    (submission,) = submissions.collect_submissions(tmp_path / "in", "06_backpropagation", tmp_path)
    flags, answers = course_folder.place_submission(tmp_path / "course", "06_backpropagation", submission, release)
    assert any(re.match("not a readable notebook", flag) for flag in flags) and answers is None
    assert not (tmp_path / "course" / "submitted" / "zed").exists()


def test_example_class_is_current(tmp_path):
    """The committed examples are what `make examples` makes from the current release."""
    examples.write_examples(SESSION, tmp_path)
    for fresh in sorted((tmp_path / "submissions").glob("*.ipynb")):
        committed = FOLDER / "submissions" / fresh.name
        sources = [[cell.source for cell in nbformat.read(str(path), as_version=4).cells]
                   for path in (fresh, committed)]
        assert sources[0] == sources[1], f"{fresh.name}: run `make examples`"
    assert (tmp_path / "expected_scores.csv").read_text() == (FOLDER / "expected_scores.csv").read_text()


@pytest.mark.grading
def test_report_after_manual_grading(graded):
    """A tutor grades task 1a in the gradebook; `hamlet report` brings it into grades and page."""
    from nbgrader.api import Gradebook

    out, before = graded
    with Gradebook(f"sqlite:///{out / 'gradebook.db'}") as gradebook:
        mark = gradebook.find_grade("task1a_formulas", "06_backpropagation", "06_backpropagation", "ada_complete")
        mark.manual_score = 3.0
        gradebook.db.commit()
    after = {result.student: result for result in outputs.report(out)}
    assert after["ada_complete"].score == before["ada_complete"].score + 3
    assert after["finn_edits_tests"].flags == before["finn_edits_tests"].flags  # kept from the run
    with open(out / "grades.csv", newline="") as handle:
        rows = {(row["student"], row["grade_id"]): row["score"] for row in csv.DictReader(handle)}
    assert rows[("ada_complete", "task1a_formulas")] == "3"
    assert rows[("ben_typical_bugs", "task1a_formulas")] == ""


def test_report_needs_a_grading_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `hamlet grade` first"):
        outputs.report(tmp_path)


def test_the_gradebook_revision_read_in_process_is_alembics(monkeypatch):
    """hamlet's nbgrader processes read the gradebook's schema revision themselves; it must be
    the one nbgrader's own `alembic heads` subprocess names."""
    import nbgrader.api

    from hamlet import nbgrader_server

    monkeypatch.setenv("PATH", os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    monkeypatch.setattr(nbgrader.api, "get_alembic_version", nbgrader.api.get_alembic_version)
    by_alembic = nbgrader.api.get_alembic_version()
    nbgrader_server.start_faster()
    assert nbgrader.api.get_alembic_version is nbgrader_server.alembic_head
    assert nbgrader_server.alembic_head() == by_alembic and len(by_alembic) >= 8
