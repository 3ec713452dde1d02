"""A definition task built on a broken one is judged on its own, with the declared stand-in for it:
one mistake costs one task's points, and a later task passes only if it is right itself."""

from __future__ import annotations

import nbformat
import pytest

from hamlet import course, examples, verdicts
from hamlet.examples import Student

SESSION = "05_sigmoid_neuron"
DECLARATION = course.declaration(SESSION)
BROKEN_DERIVATIVE = ("return s * (1.0 - s)", "return s * (1.0 + s)")
AVERAGED_DW = ("dw = delta.T @ x", "dw = delta.T @ x / len(x)")


def _judged(edits: dict) -> dict:
    release = nbformat.read(str(course.release_notebook(SESSION)), as_version=4)
    submission = examples.notebook_of(Student("probe", "", edits=edits), SESSION)
    result = verdicts.outside_verdicts(release, submission, DECLARATION, timeout=60,
                                       tasks=["2a", "2b", "2c", "2d", "2e"])
    return result.verdicts


@pytest.mark.sandbox
def test_a_function_that_calls_a_broken_one_is_judged_with_a_working_one():
    judged = _judged({"sigmoid_derivative": [BROKEN_DERIVATIVE]})
    assert not judged["2b"].passed
    assert judged["2d"].passed and judged["2d"].message.startswith("excused: task 2b"), judged["2d"]
    assert all(judged[task].passed and not judged[task].message for task in ("2a", "2c", "2e"))


@pytest.mark.sandbox
def test_a_function_wrong_itself_is_not_excused_by_an_earlier_mistake():
    judged = _judged({"sigmoid_derivative": [BROKEN_DERIVATIVE], "mse_gradients": [AVERAGED_DW]})
    assert not judged["2b"].passed and not judged["2d"].passed
    assert "excused" not in judged["2d"].message, judged["2d"]


@pytest.mark.sandbox
def test_without_an_earlier_mistake_nothing_is_judged_twice():
    judged = _judged({"mse_gradients": [AVERAGED_DW]})
    assert [task for task, verdict in judged.items() if not verdict.passed] == ["2d"]
