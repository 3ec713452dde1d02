"""Each student's feedback page: task by task what counted, the totals of totals.csv, no hidden test's words."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from test_report import EVIL, SESSION, student

from hamlet.results import Diagnosis
from hamlet.student_page import HIDDEN_FAILURE, page_path, task_names, write_page

HIDDEN_WORDS = "estimate for inputs of shape (5, 2)"  # what a hidden test says: never on the page


@pytest.fixture
def page(tmp_path):
    result = student("bob", {"task1a": None, "task2b": 0.0, "task2d": 0.0, "task3b": 0.0, "task6e": 0.0},
                     flags=["timeout in task6e_softmax_training", "suspicious: task 2d scored 3/3 in the notebook",
                            "edited test cell task2a_linear_forward (restored for grading)"],
                     graded="2026-12-01T22:10:00+00:00", run=1)
    result.penalty, result.late = 2.0, "late by 5 h: -10 % (2 points)"
    result.verdicts = {"2a": [True, ""], "2b": [False, HIDDEN_WORDS], "2c": [True, "excused: task 2b: estimate"],
                       "2d": [False, f"Task 2d: dw has the shape of w transposed {EVIL}"],
                       "3b": [False, "the notebook's time budget is used up"], "6e": [False, "ran past 60 s"]}
    result.hidden = frozenset({"2b"})
    result.diagnoses = [Diagnosis("2d", "linear.dw.transposed", result.verdicts["2d"][1])]
    return write_page(tmp_path, result), result


def _task(html: str, task: str) -> str:
    """The section of one task, as a browser shows its text."""
    from html import unescape

    return unescape(html.split(f'id="task-{task}"')[1].split("</section>")[0])


def test_every_task_in_order_with_its_name_points_and_verdict(page):
    path, result = page
    html = path.read_text()
    assert re.findall(r'id="task-(\w+)"', html) == list(result.task_scores())
    assert task_names(SESSION)["2a"] == "Implement the `forward` function for the `Linear` layer"
    assert "Task 2a: Implement the `forward` function for the `Linear` layer" in html
    assert "2 / 2" in _task(html, "2a") and "Passed." in _task(html, "2a")
    assert "0 / 3" in _task(html, "2d") and "dw has the shape of w transposed" in _task(html, "2d")
    assert "not judged on its own" in _task(html, "2c") and "task 2b" in _task(html, "2c")
    assert "time budget is used up" in _task(html, "3b")
    assert "not graded yet" in _task(html, "1a")
    assert "(bonus)" in _task(html, "6a") and "(bonus)" not in _task(html, "5")


def test_a_hidden_test_failure_is_named_without_its_words(page):
    path, _ = page
    html = path.read_text()
    assert HIDDEN_WORDS not in html and "(5, 2)" not in html
    assert "not shown" in _task(html, "2b") and HIDDEN_FAILURE.split(" (")[0] in _task(html, "2b")


def test_the_totals_are_those_of_totals_csv_and_notes_are_the_students(page):
    path, result = page
    html = path.read_text()
    totals = dict(re.findall(r'data-([\w-]+)="([^"]*)"', html.split('id="totals"')[1].split(">")[0]))
    assert totals == {"score": f"{result.score:g}", "max-score": f"{result.max_score:g}",
                      "bonus": f"{result.bonus_score:g}", "bonus-max": f"{result.bonus_max_score:g}",
                      "penalty": "2", "total": f"{result.total:g}"}
    assert "late by 5 h" in html
    assert "timeout in task6e_softmax_training" in html and "edited test cell" in html
    assert "suspicious" not in html  # for tutors, not on the student's page
    assert EVIL not in html and "&lt;script&gt;" in html
    assert "http://" not in html and "https://" not in html and "<link" not in html


@pytest.mark.browser
def test_a_feedback_page_renders_in_chromium(page, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    path, _ = page
    shot = tmp_path / "page.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1000,1400",
                    f"file://{path}"], timeout=60, capture_output=True)
    assert shot.exists() and shot.stat().st_size > 10_000
    from matplotlib.image import imread

    pixels = imread(str(shot))
    assert pixels[..., :3].var() > 1e-3, "the screenshot is a single colour"


def test_the_page_is_where_the_tutor_page_links(tmp_path):
    assert page_path(tmp_path, SESSION, "ada").relative_to(tmp_path / SESSION).as_posix() == "students/ada.html"
