"""The tutor page: self-contained, escaped, sortable, and it renders in a real browser."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import numpy as np
import pytest

from hamlet.report import write_report
from hamlet.results import CellScore, Diagnosis, StudentResult

SESSION = "06_backpropagation"
#: the graded cells of session 6: (grade_id, points, manual)
CELLS = [("task1a_formulas", 4, True), ("task2a_linear_forward", 2, False), ("task2b_mse_estimate", 1, False),
         ("task2c_mse_gradient", 1, False), ("task2d_linear_backward", 3, False),
         ("task2e_linear_update", 1, False), ("task2f_single_step", 1, False), ("task3a_network", 3, False),
         ("task3b_network_step", 1, False), ("task4_training", 2, False), ("task5_better_network", 2, False),
         ("task5_discussion", 2, True), ("task6a_softmax_forward", 1, False),
         ("task6b_cross_entropy_estimate", 1, False), ("task6c_cross_entropy_gradient", 1, False),
         ("task6d_softmax_backward", 2, False), ("task6e_softmax_training", 1, False)]
EVIL = "<script>alert('x')</script>"


def curves_png(seed: int = 0) -> bytes:
    """A small real loss/accuracy plot, as the grader would take from a notebook."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    epochs = np.arange(1, 31)
    figure, (loss, accuracy) = plt.subplots(1, 2, figsize=(6, 2.4), dpi=80)
    loss.plot(epochs, 0.7 + 2 / epochs + rng.normal(0, 0.02, 30))
    loss.set_title("cost")
    accuracy.plot(epochs, 0.91 - 0.3 / epochs + rng.normal(0, 0.003, 30), color="tab:orange")
    accuracy.set_title("accuracy")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def student(name, scores=None, **fields) -> StudentResult:
    """A student with full marks except where ``scores`` says otherwise (grade_id prefix -> score)."""
    scores = scores or {}
    cells = [CellScore(grade_id, scores.get(grade_id, scores.get(grade_id.split("_")[0], points)), points, manual)
             for grade_id, points, manual in CELLS]
    return StudentResult(student=name, session=SESSION, cells=cells, **fields)


def fake_results() -> list[StudentResult]:
    return [
        student("ada", curves_png=curves_png(0), feedback="feedback/ada/06_backpropagation.html", seconds=61),
        student("bob", {"task1a": None, "task2d": 1.0, "task4": 0.0, "task6d": 1.0, "task6e": 0.0},
                flags=["timeout in task5_code", "edited test cell task2a_linear_forward"],
                curves_png=curves_png(1), feedback="feedback/bob/06_backpropagation.html",
                diagnoses=[Diagnosis("2d", "linear.dw.transposed", "Task 2d: dw has the shape of w transposed"),
                           Diagnosis("6a", "softmax.x_out.axis", "Task 6a: ...")]),
        student("carla", {"task3a": 0.0, "task3b": 0.0, "task5": 0.0, "task6a": 0.0, "task6b": 0.0,
                          "task6c": 0.0, "task6d": 0.0, "task6e": 0.0, "task5_discussion": 1},
                diagnoses=[Diagnosis("2d", "linear.dw.transposed", "Task 2d: dw ..."),
                           Diagnosis("6a", "", "hidden test failed")]),
        student(EVIL, {"task2a": 0.0}, flags=[f"kernel died in {EVIL}"], feedback="feedback/x y/<b>.html",
                diagnoses=[Diagnosis("2d", "linear.dw.averaged", f"Task 2d: {EVIL}")]),
        StudentResult(student="dan", session=SESSION, flags=["not a notebook: dan.ipynb.zip"]),
    ]


@pytest.fixture
def report(tmp_path):
    return write_report(tmp_path / "report.html", SESSION, fake_results(), generated="2026-11-29 14:00")


def test_self_contained(report):
    html = report.read_text()
    assert "http://" not in html and "https://" not in html
    assert 'src="http' not in html and 'href="http' not in html
    assert "<link" not in html and "@import" not in html
    assert "<style>" in html and "<script>" in html


def test_content(report):
    html = report.read_text()
    assert SESSION in html and "2026-11-29 14:00" in html
    assert "<b>5</b> students" in html and "<b>3</b> flagged" in html
    body = html.split('<table id="grades">')[1].split("<tbody>")[1].split("</tbody>")[0]
    assert body.count("<tr") == 5
    assert len(re.findall(r'<img class="curves"[^>]* src="data:image/png;base64,iVBOR', html)) == 2
    assert html.count("no plot") == 3
    assert "6a\u2605" in html and "2d<small>/3</small>" in html
    assert "to grade" in html and 'class="todo"' in html
    assert 'class="badge">timeout in task5_code<' in html
    assert 'href="feedback/ada/06_backpropagation.html"' in html
    assert 'href="feedback/x%20y/%3Cb%3E.html"' in html


def test_what_to_reteach_counts_each_mistake_per_task_most_frequent_first(report):
    from hamlet_utils.misconceptions import describe

    html = report.read_text()
    panel = html.split('id="reteach"')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(?:<td rowspan=\"\d+\">(\w+)</td>)?<td>(\d+)</td><td class=\"mistake\">(.*?)</td></tr>",
                      panel)
    assert [(task, count) for task, count, _ in rows] == [("2d", "2"), ("", "1"), ("6a", "1"), ("", "1")]
    assert "failed without a diagnosis" in rows[3][2]  # among equals, the undiagnosed come last
    assert describe("linear.dw.transposed") in rows[0][2] and "linear.dw.transposed" in rows[0][2]
    assert describe("linear.dw.averaged") in rows[1][2]
    assert "failed without a diagnosis" in panel
    assert EVIL not in panel  # messages are not shown there, only the kinds


def test_escaping(report):
    html = report.read_text()
    assert EVIL not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the page's own sorting script


def test_sortable(report):
    html = report.read_text()
    assert "localeCompare" in html and "th.onclick" in html and "data-sort=" in html
    names = re.findall(r'<td class="id" data-sort="([^"]*)"', html)
    assert names == sorted(names)  # default order: by student id


@pytest.mark.browser
def test_renders_in_chromium(report, tmp_path):
    chromium = shutil.which("chromium") or ("/usr/bin/chromium" if shutil.os.path.exists("/usr/bin/chromium")
                                             else None)
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium) - cannot render the page headless")
    shot = tmp_path / "shot.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1400,900",
                    f"file://{report}"], timeout=60, capture_output=True)
    assert shot.exists(), "chromium wrote no screenshot"
    assert shot.stat().st_size > 10_000
    from matplotlib.image import imread

    pixels = imread(str(shot))
    assert pixels.shape[0] >= 800 and pixels.shape[1] >= 1300
    assert pixels[..., :3].var() > 1e-3, "the screenshot is a single colour"


# ----------------------------------------------------------------------------- the course overview

@pytest.fixture
def overview(tmp_path):
    from datetime import datetime, timezone

    from hamlet.course_file import CourseFile
    from hamlet.report import write_course_overview

    session6 = fake_results()
    session6[0].penalty, session6[0].late = 4.0, "late by 1 day 2 h: -20 % (4 points)"
    session5 = [StudentResult("ada", "05_sigmoid_neuron", [CellScore("task2a_sigmoid_function", 1.0, 1.0)],
                              late="time unknown: no penalty applied", feedback="feedback/ada.html"),
                StudentResult(EVIL, "05_sigmoid_neuron", [CellScore("task2a_sigmoid_function", 0.0, 1.0)],
                              flags=["suspicious: task 2a scored 1/1 in the notebook but 0/1 outside it"])]
    due = {"06_backpropagation": datetime(2026, 11, 20, 22, 59, tzinfo=timezone.utc)}
    return write_course_overview(tmp_path / "report.html", {"05_sigmoid_neuron": session5, SESSION: session6},
                                 generated="2026-12-01 12:00", course_file=CourseFile(None, due, None, {}, None))


def test_the_overview_has_a_row_per_student_and_a_column_per_session(overview):
    html = overview.read_text()
    assert html.count('<td class="id">') == len({result.student for result in fake_results()} | {"ada", EVIL})
    assert 'href="05_sigmoid_neuron/report.html"' in html and f'href="{SESSION}/report.html"' in html
    assert 'href="05_sigmoid_neuron/feedback/ada.html"' in html
    assert "late &minus;4" in html and "time unknown" in html and "due 2026-11-20 22:59 UTC" in html
    assert '<span class="badge suspicious">suspicious</span>' in html
    assert EVIL not in html


@pytest.mark.browser
def test_the_overview_renders_in_chromium(overview, tmp_path):
    test_renders_in_chromium(overview, tmp_path)
