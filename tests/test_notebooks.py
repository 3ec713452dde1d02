"""The session notebooks, executed headless on real MNIST (every training run capped)."""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import RELEASE, SESSION, SOURCE, grade_id

from hamlet.execute import cell_errors, execute_notebook
from hamlet.release import filled_in, generate_release, release_differences, release_problems

EPOCHS = 2  # per training run: enough to pass the epoch-dependent thresholds, quick on 2 cores


def graded_cells(notebook) -> list:
    return [cell for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")]


def stdout(cell) -> str:
    return "".join(item.get("text", "") for item in cell.get("outputs", []) if item.get("name") == "stdout")


def assert_every_check_passes(notebook):
    assert cell_errors(notebook) == []
    checks = graded_cells(notebook)
    assert len(checks) == 15
    for cell in checks:
        task = grade_id(cell).split("_")[0].removeprefix("task")
        assert f"Task {task} passed" in stdout(cell), (grade_id(cell), cell.outputs)
        assert not any(item.get("name") == "stderr" for item in cell.outputs), grade_id(cell)


def test_release_is_current_and_holds_no_solution(tmp_path):
    fresh = generate_release(SESSION, tmp_path)
    assert release_differences(RELEASE, fresh) == [], "run `make release` and commit notebooks/"
    assert release_problems(SOURCE, RELEASE) == []
    text = RELEASE.read_text()
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "x_in @ self.w.T", "reversed(self.layers)"):
        assert secret not in text


def test_release_problems_finds_a_leaked_solution(tmp_path):
    leaky = filled_in(RELEASE, SOURCE)
    path = tmp_path / "leaky.ipynb"
    nbformat.write(leaky, str(path))
    problems = release_problems(SOURCE, path)
    assert any("linear: contains the solution line" in problem for problem in problems)


@pytest.mark.notebooks
def test_solution_notebook_passes_every_check(tmp_path):
    notebook, histories, _ = execute_notebook(SOURCE, tmp_path / "executed.ipynb", max_epochs=EPOCHS,
                                              allow_errors=True)
    assert_every_check_passes(notebook)
    assert set(histories) == {"history_task4", "history_task5", "history_task6e"}
    for history in histories.values():
        assert len(history["accuracy"]) == EPOCHS
    # real MNIST after 2 epochs (measured 0.64, 0.95, 0.71): far above chance
    assert histories["history_task4"]["accuracy"][-1] > 0.55
    assert histories["history_task5"]["accuracy"][-1] > 0.93
    assert histories["history_task6e"]["accuracy"][-1] > 0.65
    # the comparison plots are in the executed notebook
    plots = [cell for cell in notebook.cells if grade_id(cell) in ("plot_tasks_4_5", "plot_all")]
    assert all(any("image/png" in item.get("data", {}) for item in cell.outputs) for cell in plots)


@pytest.mark.notebooks
def test_filled_in_release_passes_every_check(tmp_path):
    path = tmp_path / f"{SESSION}.ipynb"
    nbformat.write(filled_in(RELEASE, SOURCE), str(path))
    notebook, _, _ = execute_notebook(path, max_epochs=1, allow_errors=True)
    assert_every_check_passes(notebook)


EXPECTED_UNFILLED = {
    "2f": "nothing has happened yet", "3b": "`network` must be a Network", "4": "`history_task4` must hold what train",
    "5": "`history_task5` must hold what train", "6e": "`history_task6e` must hold what train",
}


@pytest.mark.notebooks
def test_unfilled_release_fails_every_check_clearly():
    notebook, _, _ = execute_notebook(RELEASE, max_epochs=1, allow_errors=True)
    assert notebook.cells[-1].get("execution_count"), "the kernel must survive to the last cell"
    for cell in graded_cells(notebook):
        task = grade_id(cell).split("_")[0].removeprefix("task")
        errors = [item for item in cell.outputs if item["output_type"] == "error"]
        assert len(errors) == 1, grade_id(cell)
        error = errors[0]
        assert error["ename"] == "CheckFailed", (grade_id(cell), error["ename"], error["evalue"])
        assert error["evalue"].startswith(f"Task {task}: ")
        assert EXPECTED_UNFILLED.get(task, "not implemented yet") in error["evalue"], error["evalue"]
        # the traceback shows the check cell and the student's code, not the checker's insides
        traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error["traceback"]))
        assert "gradcheck.py" not in traceback and "def _call" not in traceback, traceback
