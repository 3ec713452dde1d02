"""The hidden tests against the same corpus as the visible checks.

A wrong submission fails the hidden test of its own task; the hidden tests of the
other tasks of its class pass -- they judge each task on its own, so a mistake
costs one task's points.  Correct but unusual submissions pass every hidden test.
"""

from __future__ import annotations

import warnings

import corpus
import pytest

from hamlet.declaration import hidden_tests_of

hidden_tests = hidden_tests_of("06_backpropagation")

HIDDEN = {
    "2a": hidden_tests.linear_forward,
    "2b": hidden_tests.mse_estimate,
    "2c": hidden_tests.mse_gradient,
    "2d": hidden_tests.linear_backward,
    "2e": hidden_tests.linear_update,
    "3a": hidden_tests.network,
    "6a": hidden_tests.softmax_forward,
    "6b": hidden_tests.cross_entropy_estimate,
    "6c": hidden_tests.cross_entropy_gradient,
    "6d": hidden_tests.softmax_backward,
}


def verdict(task, cls, capsys) -> str | None:
    """None if the hidden test of ``task`` passes on ``cls``, else its message; never stderr."""
    capsys.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            HIDDEN[task](cls)
            failure = None
        except hidden_tests.HiddenTestFailed as error:
            failure = str(error) or "failed"
    assert capsys.readouterr().err == "" and not caught
    return failure


def by_name(submissions):
    return pytest.mark.parametrize("submission", submissions, ids=[s.name for s in submissions])


@by_name(corpus.WRONG)
def test_wrong_submission_fails_its_hidden_test_only(submission, reference, capsys):
    cls = submission.build(reference)
    assert verdict(submission.graded_task, cls, capsys) is not None, submission.name
    for task in corpus.TASKS[submission.kind]:
        if task != submission.graded_task:
            assert verdict(task, cls, capsys) is None, (task, submission.name)


@by_name(corpus.CORRECT)
def test_correct_submission_passes_every_hidden_test(submission, reference, capsys):
    cls = submission.build(reference)
    for task in corpus.TASKS[submission.kind]:
        assert verdict(task, cls, capsys) is None, (task, submission.name)


@pytest.mark.parametrize("task", sorted(HIDDEN))
def test_reference_passes_hidden_test(task, reference, capsys):
    kind = next(kind for kind, tasks in corpus.TASKS.items() if task in tasks)
    assert verdict(task, reference[kind], capsys) is None
