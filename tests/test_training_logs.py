"""The curves students trained (hamlet.training_logs): the printed logs of a notebook as handed
in, compared with the grading run's, flagged when missing or contradicted, drawn for tutors.
The example class graded end to end, with an invented log: test_grading.py."""

from __future__ import annotations

import nbformat
import pytest

from hamlet import course, training_logs
from hamlet.training_logs import ACCURACY_TOLERANCES, COMPARED_EPOCHS, COST_TOLERANCE, TrainingLog

SESSION = "06_backpropagation"
DECLARATION = course.declaration(SESSION)
#: what hamlet_utils.training.train prints after each epoch (the handout's format)
EPOCH = "cost=%5.6f, accuracy=%2.6f\n"
#: a made-up run: cost falling, accuracy rising
RUN = [(4.257650, 0.480400), (2.631974, 0.585800), (2.234602, 0.665700), (1.939012, 0.722750),
       (1.633267, 0.790350)]


def notebook(**printed):
    """The solution notebook with the given stdout in the cells named by grade id (``None``: run,
    printed nothing), every other cell with an output (it was run)."""
    book = nbformat.read(str(course.source_notebook(SESSION)), as_version=4)
    for cell in book.cells:
        if cell.cell_type != "code":
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        text = printed.get(grade_id, "done\n")
        cell.outputs = [] if text is None else [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return book


def log_text(run, before="", between=""):
    return before + between.join(EPOCH % epoch for epoch in run)


def test_each_training_cell_s_printed_epochs_are_read_in_order():
    text = log_text(RUN, before="HAMLET_MAX_EPOCHS=5: training 5 of 100 epochs\n", between="a student's print\n")
    logs = training_logs.logs_in(notebook(task4_code=text), DECLARATION)
    assert logs["4"].cost == [cost for cost, _ in RUN] and logs["4"].accuracy == [accuracy for _, accuracy in RUN]
    assert logs["4"].cell == "task4_code"
    assert logs["5"] is None and logs["6e"] is None  # attempted (the solution trains them), printed no epoch


def test_a_task_not_attempted_has_no_log_and_no_missing_one():
    release = nbformat.read(str(course.release_notebook(SESSION)), as_version=4)  # history_task4 = None only
    assert training_logs.logs_in(release, DECLARATION) == {}
    assert training_logs.flags({}, {}) == []


def test_a_stopped_run_keeps_the_epochs_it_printed_and_odd_numbers_parse():
    text = EPOCH % RUN[0] + "cost=nan, accuracy=0.098000\ntraining stopped: ValueError in epoch 2\n"
    log = training_logs.logs_in(notebook(task4_code=text), DECLARATION)["4"]
    assert len(log) == 2 and log.accuracy == [RUN[0][1], 0.098] and log.cost[1] != log.cost[1]  # nan


@pytest.mark.parametrize("accuracy_shift, cost_factor", [(0.0, 1.0), (0.9 * min(ACCURACY_TOLERANCES), 1.0),
                                                         (0.0, 1 - 0.9 * COST_TOLERANCE)])
def test_runs_as_far_apart_as_honest_runs_agree(accuracy_shift, cost_factor):
    log = TrainingLog("4", [cost * cost_factor for cost, _ in RUN], [accuracy + accuracy_shift for _, accuracy in RUN])
    verified = ([cost for cost, _ in RUN[:3]], [accuracy for _, accuracy in RUN[:3]])
    assert training_logs.contradiction(log, *verified) is None


def test_an_invented_log_is_contradicted_by_the_grading_run():
    invented = TrainingLog("4", [1.9, 1.4, 1.2, 1.1, 1.0], [0.95, 0.96, 0.965, 0.97, 0.975])
    verified = ([cost for cost, _ in RUN[:3]], [accuracy for _, accuracy in RUN[:3]])
    why = training_logs.contradiction(invented, *verified)
    assert why.startswith("epoch 1: accuracy 0.9500 handed in, 0.4804 verified; honest runs differ by less than 0.4")
    (flag,) = training_logs.flags({"4": invented}, {"4": verified})
    assert training_logs.CONTRADICTED in flag and not flag.startswith(("suspicious", "note:"))


def test_only_the_first_epochs_are_compared_and_a_cost_far_off_counts():
    later = TrainingLog("4", [cost for cost, _ in RUN], [accuracy for _, accuracy in RUN])
    later.accuracy[COMPARED_EPOCHS] = 0.99  # the grading run never trains that far
    verified = ([cost for cost, _ in RUN], [accuracy for _, accuracy in RUN])
    assert training_logs.contradiction(later, *verified) is None
    costly = TrainingLog("4", [3 * RUN[0][0]], [RUN[0][1]])
    assert "cost" in training_logs.contradiction(costly, *verified)


def test_a_missing_log_is_a_note_and_a_task_the_grading_run_did_not_train_is_not_compared():
    log = TrainingLog("5", [1.0], [0.99])
    flags = training_logs.flags({"4": None, "5": log}, {})
    assert flags == [f"{training_logs.MISSING_NOTE}task 4: no training log in the notebook as handed in (not run, "
                     f"interrupted, or its output cleared)"]


def test_the_figure_shows_both_kinds_of_curves():
    log = TrainingLog("4", [cost for cost, _ in RUN], [accuracy for _, accuracy in RUN])
    png = training_logs.curves_png({"4": log, "5": None}, {"4": ([RUN[0][0]], [RUN[0][1]])}, "ada")
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert training_logs.curves_png({}, {}, "ada") is None


@pytest.mark.notebooks
def test_an_example_notebook_is_run_as_its_student_would_hand_it_in():
    """hamlet examples --run: every cell in order, an error left in its cell, a cell still running
    after the timeout interrupted and the cells after it run, the printed log kept."""
    from hamlet.examples import invent_log, run_notebook

    cells = [nbformat.v4.new_code_cell("print('cost=%5.6f, accuracy=%2.6f' % (4.25, 0.48))"),
             nbformat.v4.new_code_cell("1 / 0"),
             nbformat.v4.new_code_cell("while True:\n    pass"),
             nbformat.v4.new_code_cell("print('after')")]
    for number, cell in enumerate(cells):
        cell.metadata["nbgrader"] = {"grade_id": f"cell{number}"}
    book = run_notebook(nbformat.v4.new_notebook(cells=cells), SESSION, timeout=5)
    assert book.cells[0].outputs[0].text == "cost=4.250000, accuracy=0.480000\n"
    assert book.cells[1].outputs[0].ename == "ZeroDivisionError"
    assert any(output.get("output_type") == "error" for output in book.cells[2].outputs)
    assert book.cells[3].outputs[0].text == "after\n"
    invent_log(book, {"cell0": [(1.0, 0.9), (0.5, 0.95)]})
    assert book.cells[0].outputs[0].text == "cost=1.000000, accuracy=0.900000\ncost=0.500000, accuracy=0.950000\n"
