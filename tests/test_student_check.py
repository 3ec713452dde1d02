"""``hamlet check NOTEBOOK``: a student's own check, headless, one line per task, and its exit status."""

from __future__ import annotations

import nbformat
import pytest

from hamlet import course, examples
from hamlet.cli import main
from hamlet.student_check import ERROR, FAILED, NOT_YET, PASSED, TIMEOUT, TUTOR, _results, exit_status, summary
from hamlet_utils import checks, neuron_checks
from hamlet_utils.checking import minimum_accuracy

#: the smallest training budget; the solution still passes every training task with it
EPOCHS = 1


def _lines(output: str) -> dict:
    """``{task: line}`` of the task lines ``hamlet check`` printed."""
    lines = {}
    for line in output.splitlines()[1:-1]:
        task, _, rest = line.partition(" ")
        lines[task.rstrip("*")] = rest.strip()  # a bonus task is marked *
    return lines


def _graded(source: str, grade_id: str, *, solution=False, cell_type="code", outputs=()):
    cell = (nbformat.v4.new_code_cell(source, outputs=list(outputs)) if cell_type == "code"
            else nbformat.v4.new_markdown_cell(source))
    cell.metadata["nbgrader"] = {"grade": True, "solution": solution, "grade_id": grade_id, "points": 1}
    return cell


def test_the_budget_reaches_every_threshold():
    """With EPOCHS the thresholds the checks ask for are ones the reference reaches (not 0: a real check)."""
    for table in (checks.TASK4_MINIMUM_ACCURACY, checks.TASK6E_MINIMUM_ACCURACY, neuron_checks.TASK3_MINIMUM_ACCURACY):
        assert 0 < minimum_accuracy(table, EPOCHS) < 0.5


@pytest.mark.parametrize("make", [
    lambda folder: folder / "absent.ipynb",
    lambda folder: (folder / "06_backpropagation.ipynb").write_text("not json") and folder / "06_backpropagation.ipynb",
    lambda folder: (nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]),
                                   str(folder / "mine.ipynb")), folder / "mine.ipynb")[1],
], ids=["missing", "not-a-notebook", "no-known-session"])
def test_bad_input_exits_2_with_one_line(make, tmp_path, capsys):
    path = make(tmp_path)
    assert main(["check", str(path)]) == 2
    captured = capsys.readouterr()
    message = captured.err.strip()
    assert message.startswith("hamlet check: ") and "\n" not in message and str(path) in message
    assert captured.out == ""


def test_results_from_outputs():
    """Each kind of output becomes its result; tasks without a check cell are the tutor's."""
    stream = lambda text: nbformat.v4.new_output("stream", name="stdout", text=text)  # noqa: E731
    error = lambda ename, evalue: nbformat.v4.new_output("error", ename=ename, evalue=evalue,  # noqa: E731
                                                         traceback=[])
    notebook = nbformat.v4.new_notebook(cells=[
        _graded("", "task1a_formulas", solution=True, cell_type="markdown"),
        _graded("", "task2a_x", outputs=[stream("Task 2a passed: fine.\n")]),
        _graded("", "task2b_x", outputs=[error("CheckFailed", "Task 2b: wrong sign")]),
        _graded("", "task2c_x", outputs=[stream("Task 2c not checked yet: task 2b fails first\n")]),
        _graded("", "task2d_x", outputs=[error("NameError", "name 'Linear' is not defined")]),
        _graded("", "task2e_x", outputs=[]),
        _graded("", "task4_x"),
        _graded("", "task5_x", outputs=[stream("Task 5 passed: better.\n")]),
        _graded("", "task5_discussion", solution=True, cell_type="markdown"),
    ])
    results = _results(notebook, {6: (TIMEOUT, "the cell ran longer than 5 s")})
    assert [(result.task, result.status) for result in results] == [
        ("1a", TUTOR), ("2a", PASSED), ("2b", FAILED), ("2c", NOT_YET), ("2d", ERROR), ("2e", ERROR),
        ("4", TIMEOUT), ("5", PASSED)]
    assert results[2].line() == "2b  FAILED    Task 2b: wrong sign"
    assert results[3].line() == "2c  not checked yet (task 2b fails first)"
    assert "NameError: name 'Linear' is not defined" in results[4].line()
    assert exit_status(results) == 1
    assert exit_status([results[0], results[1], results[-1]]) == 0


@pytest.mark.notebooks
def test_untouched_release_fails(capsys):
    session = "06_backpropagation"
    assert main(["check", str(course.release_notebook(session)), "--epochs", str(EPOCHS)]) == 1
    lines = _lines(capsys.readouterr().out)
    declared = [task.id for task in course.declaration(session).tasks]
    assert list(lines) == declared  # one line per task, in notebook order
    assert lines["1a"] == TUTOR
    assert lines["2a"].startswith("FAILED    Task 2a: Linear.forward is not implemented yet")
    assert not any(line.startswith(PASSED) for line in lines.values())


@pytest.mark.notebooks
@pytest.mark.parametrize("session", ["06_backpropagation", "05_sigmoid_neuron"])
def test_filled_in_release_passes(session, tmp_path, capsys):
    """The release with the solutions filled in (only its own check cells, no hidden tests) passes."""
    path = tmp_path / f"{session}.ipynb"
    nbformat.write(examples.notebook_of(examples.Student("ada", ""), session), str(path))
    assert "HIDDEN" not in path.read_text()
    status = main(["check", str(path), "--epochs", str(EPOCHS)])
    output = capsys.readouterr().out
    assert status == 0, output
    lines = _lines(output)
    assert list(lines) == [task.id for task in course.declaration(session).tasks]
    manual = {task for task, line in lines.items() if line == TUTOR}
    assert "1a" in manual
    assert all(line.startswith(PASSED) for task, line in lines.items() if task not in manual), output


@pytest.mark.notebooks
def test_timeout_and_dead_kernel(tmp_path, capsys):
    """A cell past its time is a timeout, the kernel dying an error for it and every later check."""
    notebook = nbformat.v4.new_notebook(cells=[
        # tasks the release has not (its own check cells count as missing, lines of their own)
        _graded("import time\ntime.sleep(60)", "task9a_x"),
        _graded("print('Task 9b passed: ok')", "task9b_x"),
        _graded("import os\nos._exit(1)", "task9c_x"),
        _graded("print('Task 9d passed: ok')", "task9d_x"),
    ])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "05_sigmoid_neuron.ipynb"
    nbformat.write(notebook, str(path))
    assert main(["check", str(path), "--timeout", "3"]) == 1
    lines = _lines(capsys.readouterr().out)
    assert lines["9a"].startswith(TIMEOUT) and "ran longer than 3 s" in lines["9a"]
    assert lines["9b"].startswith(PASSED)  # the kernel was interrupted and goes on
    assert lines["9c"].startswith(ERROR) and "the kernel died in task9c_x" in lines["9c"]
    assert lines["9d"].startswith(ERROR) and "not run" in lines["9d"]
    assert "is missing" in lines["2a"]


def test_changed_and_missing_check_cells_are_errors():
    """Against the release: a check cell edited to pass or deleted does not pass."""
    passed = nbformat.v4.new_output("stream", name="stdout", text="Task 2a passed: trust me\n")
    release = nbformat.v4.new_notebook(cells=[_graded("checks.check_a(A)", "task2a_x"),
                                              _graded("checks.check_b(B)", "task2b_x")])
    notebook = nbformat.v4.new_notebook(cells=[_graded("print('Task 2a passed: trust me')", "task2a_x",
                                                       outputs=[passed])])
    results = _results(notebook, {}, release)
    assert [(result.task, result.status) for result in results] == [("2a", ERROR), ("2b", ERROR)]
    assert "was changed" in results[0].detail and "is missing" in results[1].detail


def test_a_stalled_solution_cell_names_itself():
    """A check that fails after its task's code cell timed out says so (the timeout is the cause)."""
    failed = nbformat.v4.new_output("error", ename="CheckFailed", evalue="Task 5: no history", traceback=[])
    code = nbformat.v4.new_code_cell("while True: pass")
    code.metadata["nbgrader"] = {"grade": False, "solution": True, "grade_id": "task5_code"}
    notebook = nbformat.v4.new_notebook(cells=[code, _graded("checks.check_task5(h)", "task5_x", outputs=[failed])])
    [result] = _results(notebook, {0: (TIMEOUT, "task5_code ran longer than 20 s")})
    assert result.status == TIMEOUT and result.detail == "task5_code ran longer than 20 s; then: Task 5: no history"


def test_a_bonus_task_left_out_does_not_fail_the_check():
    """The bonus tasks are optional: listed (marked *), but they decide the exit status only with --bonus."""
    stream = lambda text: nbformat.v4.new_output("stream", name="stdout", text=text)  # noqa: E731
    error = nbformat.v4.new_output("error", ename="CheckFailed", evalue="Task 6a: not implemented yet", traceback=[])
    notebook = nbformat.v4.new_notebook(cells=[
        _graded("", "task2a_x", outputs=[stream("Task 2a passed: fine.\n")]),
        _graded("", "task6a_x", outputs=[error]),
    ])
    results = _results(notebook, {}, bonus_tasks={"6a"})
    assert results[1].bonus and results[1].line().startswith("6a* FAILED")
    assert exit_status(results) == 0
    assert exit_status(results, bonus=True) == 1
    assert "bonus: 0 of 1 passed" in summary(results)
