"""Session 5 (The sigmoid neuron): visible checks and hidden tests against a corpus of submissions.

``WRONG`` holds typical mistakes, one function each: it must fail the visible check and
the hidden test of its own task with a message naming the quantity and the kind of
mistake, and the later tasks built on it must say "not checked yet" (visible) or be
excused (hidden).  ``CORRECT`` holds right but unusually written functions: they pass
every check and hidden test.  The checks talk to the student only through one printed
line or a CheckFailed: nothing on stderr, no warning escaping, the global RNG untouched.
No MNIST here: the training checks get small made-up Histories.
"""

from __future__ import annotations

import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))

from hamlet import declaration  # noqa: E402
from hamlet.course import solution_namespace  # noqa: E402
from hamlet_utils import neuron_checks as checks  # noqa: E402
from hamlet_utils.training import History  # noqa: E402

SESSION = "05_sigmoid_neuron"
DECLARED = declaration.load(SESSION)
hidden = DECLARED.hidden_tests
NOTEBOOK = ROOT / "solutions" / SESSION / f"{SESSION}.ipynb"
DEFERRED = "DEFERRED: "


@pytest.fixture(scope="module")
def ref() -> dict:
    """The solution notebook's functions and the task 2f objects (one correct step taken)."""
    return solution_namespace(SESSION, DECLARED.definition_cells + ("given_hyperparameters", "task2f_code"))


# --------------------------------------------------------------------------- running a check

def run(check, *args, capsys) -> str | None:
    """None if ``check`` passed, its CheckFailed message, or DEFERRED + why it is not checked yet.

    Asserts the manners: nothing on stderr, no warning escaping, the global RNG restored,
    one line on stdout ("Task .. passed: ..." or "... not checked yet: ...") and nothing on failure.
    """
    capsys.readouterr()
    np.random.seed(1234)
    state = np.random.get_state()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check(*args)
            failure = None
        except checks.CheckFailed as error:
            failure = str(error)
    after = np.random.get_state()
    assert all(np.array_equal(a, b) for a, b in zip(state[1:2], after[1:2])) and state[2:] == after[2:], \
        "the check changed the global random state"
    captured = capsys.readouterr()
    assert captured.err == "", captured.err
    assert not caught, [str(warning.message) for warning in caught]
    task = check.task
    if failure is None and " not checked yet: " in captured.out:
        assert captured.out.startswith(f"Task {task} not checked yet: ") and captured.out.count("\n") == 1
        return DEFERRED + captured.out.split(": ", 1)[1]
    if failure is None:
        assert captured.out.startswith(f"Task {task} passed: ") and captured.out.count("\n") == 1, captured.out
    else:
        assert failure.startswith(f"Task {task}: ") and captured.out == "", (failure, captured.out)
    return failure


def verdict(test, *args, capsys, **kwargs) -> str | None:
    """None if the hidden test passes, else its message; never anything on stderr."""
    capsys.readouterr()
    state = np.random.get_state()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            test(*args, **kwargs)
            failure = None
        except hidden.HiddenTestFailed as error:
            failure = str(error) or "failed"
    assert capsys.readouterr().err == "" and not caught
    assert np.array_equal(state[1], np.random.get_state()[1])
    return failure


# --------------------------------------------------------------------------- the corpus

def _s(x):
    """A correct sigmoid for the corpus's own functions."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _ds(x):
    return _s(x) * (1 - _s(x))


def _delta(x, w, b, target):
    z = x @ w.T + b
    return (_s(z) - target) * _ds(z)


@dataclass(frozen=True)
class Submission:
    name: str
    task: str
    function: object
    message: str = ""        # a phrase of the visible check's message
    hidden_message: str = ""  # a phrase of the hidden test's message

    @property
    def kind(self) -> str:
        return KINDS[self.task]


KINDS = {"2a": "sigmoid_function", "2b": "sigmoid_derivative", "2c": "forward", "2d": "mse_gradients",
         "2e": "sgd_step"}
CHECKS = {"2a": checks.check_sigmoid_function, "2b": checks.check_sigmoid_derivative, "2c": checks.check_forward,
          "2d": checks.check_mse_gradients, "2e": checks.check_sgd_step}
HIDDEN = {"2a": hidden.sigmoid_function, "2b": hidden.sigmoid_derivative, "2c": hidden.forward,
          "2d": hidden.mse_gradients, "2e": hidden.sgd_step}


def _in_place_sigmoid(x):
    e = np.exp(-np.abs(x))
    negative = x < 0
    x[negative] = (e / (1 + e))[negative]
    x[~negative] = (1 / (1 + e))[~negative]
    return x


def _in_place_sgd(w, b, dw, db, learning_rate):
    w -= learning_rate * dw
    b -= learning_rate * db
    return w, b


def _no_return_sgd(w, b, dw, db, learning_rate):
    w -= learning_rate * dw
    b -= learning_rate * db


def _one_minus_for_negative(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), 1 - 1 / (1 + e))


def _mse(delta_of, dw_of=lambda delta, x: delta.T @ x,
         db_of=lambda delta: np.sum(delta, axis=0, keepdims=True), swap=False):
    def mse_gradients(x, w, b, target):
        delta = delta_of(x, w, b, target)
        dw, db = dw_of(delta, x), db_of(delta)
        return (db, dw) if swap else (dw, db)
    return mse_gradients


WRONG = [
    # task 2a
    Submission("sigmoid_overflows", "2a", lambda x: 1 / (1 + np.exp(-x)), "overflow", "warns"),
    Submission("sigmoid_sign_flipped", "2a", lambda x: 1 / (1 + np.exp(x)), "sign of the exponent", "sigmoid values"),
    Submission("sigmoid_is_tanh", "2a", lambda x: np.tanh(x), "must be 1/2", "sigmoid values"),
    Submission("sigmoid_clipped_to_10", "2a", lambda x: 1 / (1 + np.exp(-np.clip(x, -10, 10))),
               "do not clip", "sigmoid values"),
    Submission("sigmoid_clipped_to_500", "2a", lambda x: 1 / (1 + np.exp(-np.clip(x, -500, 500))),
               "Do not clip", "not exact"),
    Submission("sigmoid_one_minus_for_negative", "2a", _one_minus_for_negative, "Only negative x", "sigmoid values"),
    Submission("sigmoid_float32", "2a", lambda x: 1 / (1 + np.exp(-np.asarray(x, dtype=np.float32))),
               "float32", "sigmoid values"),
    Submission("sigmoid_in_place", "2a", _in_place_sigmoid, "in place", "modifies its input"),
    Submission("sigmoid_flattens", "2a", lambda x: np.ravel(_s(x)), "has shape", "has shape"),
    # task 2b
    Submission("derivative_of_output", "2b", lambda x: x * (1 - x), "x (1 - x)", "derivative values"),
    Submission("derivative_sign", "2b", lambda x: -_s(x) * (1 - _s(x)), "wrong sign", "derivative values"),
    Submission("derivative_is_sigmoid", "2b", lambda x: _s(x), "sigma(x) itself", "derivative values"),
    Submission("derivative_squared", "2b", lambda x: (1 - _s(x)) ** 2, "square", "derivative values"),
    Submission("derivative_overflows", "2b", lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2, "warns", "large |x|"),
    Submission("derivative_of_sigmoid_twice", "2b", lambda x: _ds(_s(x)), "sigma'(", "derivative values"),
    # task 2c
    Submission("forward_w_not_transposed", "2c", lambda x, w, b: _s(x @ w + b), "transpose", "forward of a"),
    Submission("forward_missing_bias", "2c", lambda x, w, b: _s(x @ w.T), "bias b is not added", "forward of a"),
    Submission("forward_bias_after_sigmoid", "2c", lambda x, w, b: _s(x @ w.T) + b, "sigma(x w^T + b)",
               "forward of a"),
    Submission("forward_no_sigmoid", "2c", lambda x, w, b: x @ w.T + b, "between 0 and 1", "forward of a"),
    Submission("forward_tanh", "2c", lambda x, w, b: np.tanh(x @ w.T + b), "tanh", "forward of a"),
    Submission("forward_batch_last", "2c", lambda x, w, b: _s(w @ x.T + b.T), "transposed", "has shape"),
    # task 2d
    Submission("gradients_averaged", "2d", _mse(_delta, lambda d, x: d.T @ x / len(x),
                                                lambda d: np.sum(d, axis=0, keepdims=True) / len(d)),
               "averaged over the batch", "averaged"),
    Submission("gradients_missing_sigma_prime", "2d", _mse(lambda x, w, b, t: _s(x @ w.T + b) - t),
               "misses the factor sigma'", "differs"),
    Submission("gradients_sign", "2d", _mse(lambda x, w, b, t: -_delta(x, w, b, t)), "wrong sign", "wrong sign"),
    Submission("gradients_dw_transposed", "2d", _mse(_delta, dw_of=lambda d, x: x.T @ d), "transposed",
               "transposed"),
    Submission("gradients_half_dropped", "2d", _mse(lambda x, w, b, t: 2 * _delta(x, w, b, t)), "1/2",
               "constant factor"),
    Submission("gradients_db_not_summed", "2d", _mse(_delta, db_of=lambda d: d), "db is not summed over the batch", "shape"),
    Submission("gradients_db_without_keepdims", "2d", _mse(_delta, db_of=lambda d: np.sum(d, axis=0)),
               "keepdims", "shape"),
    Submission("gradients_swapped", "2d", _mse(_delta, swap=True), "returns (db, dw)", "shape"),
    Submission("gradients_sigma_prime_of_output", "2d",
               _mse(lambda x, w, b, t: (_s(x @ w.T + b) - t) * _ds(_s(x @ w.T + b))), "of the output", "differs"),
    Submission("gradients_without_bias", "2d", _mse(lambda x, w, b, t: (_s(x @ w.T) - t) * _ds(x @ w.T)),
               "leaves out the bias", "differs"),
    # task 2e
    Submission("sgd_in_place", "2e", _in_place_sgd, "in place", "in place"),
    Submission("sgd_uphill", "2e", lambda w, b, dw, db, lr: (w + lr * dw, b + lr * db), "uphill", "learning_rate"),
    Submission("sgd_without_learning_rate", "2e", lambda w, b, dw, db, lr: (w - dw, b - db), "whole gradient",
               "learning_rate"),
    Submission("sgd_swapped", "2e", lambda w, b, dw, db, lr: (b - lr * db, w - lr * dw), "returns (b, w)",
               "has shape"),
    Submission("sgd_only_w", "2e", lambda w, b, dw, db, lr: (w - lr * dw, b), "new b equals the old one",
               "learning_rate"),
    Submission("sgd_returns_none", "2e", _no_return_sgd, "None", "pair"),
]


def _loop_sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for index, value in np.ndenumerate(x):
        out[index] = 1 / (1 + math.exp(-value)) if value >= 0 else math.exp(value) / (1 + math.exp(value))
    return out


def _mask_sigmoid(x):
    out = np.empty(np.shape(x))
    positive = x >= 0
    out[positive] = 1 / (1 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    out[~positive] = exp_x / (1 + exp_x)
    return out


def _loop_forward(x, w, b):
    return np.array([_s(w @ sample + b[0]) for sample in x])


def _loop_gradients(x, w, b, target):
    dw, db = np.zeros_like(w), np.zeros_like(b)
    for sample, label in zip(x, target):
        p = _s(w @ sample + b[0])
        delta = (p - label) * p * (1 - p)
        dw += np.outer(delta, sample)
        db[0] += delta
    return dw, db


def _einsum_gradients(x, w, b, target):
    p = _s(np.einsum("bi,oi->bo", x, w) + b)
    delta = np.einsum("bo,bo,bo->bo", p - target, p, 1 - p)
    return np.einsum("bo,bi->oi", delta, x), delta.sum(axis=0)[np.newaxis, :]


def _copying_sgd(w, b, dw, db, learning_rate):
    new_w, new_b = w.copy(), b.copy()
    new_w -= learning_rate * dw
    new_b -= learning_rate * db
    return [new_w, new_b]


CORRECT = [
    Submission("sigmoid_logaddexp", "2a", lambda x: np.exp(-np.logaddexp(0, -x))),
    Submission("sigmoid_exp_of_minimum", "2a",
               lambda x: np.exp(np.minimum(x, 0)) / (np.exp(np.minimum(x, 0)) + np.exp(np.minimum(-x, 0)))),
    Submission("sigmoid_boolean_masks", "2a", _mask_sigmoid),
    Submission("sigmoid_python_loop", "2a", _loop_sigmoid),
    Submission("sigmoid_where_with_exp_x", "2a",
               lambda x: np.where(x < 0, np.exp(np.minimum(x, 0)) / (1 + np.exp(np.minimum(x, 0))),
                                  1 / (1 + np.exp(-np.maximum(x, 0))))),
    Submission("derivative_symmetric", "2b", lambda x: _s(x) * _s(-x)),
    Submission("derivative_from_exp_of_abs", "2b", lambda x: np.exp(-np.abs(x)) / (1 + np.exp(-np.abs(x))) ** 2),
    Submission("forward_einsum", "2c", lambda x, w, b: _s(np.einsum("bi,oi->bo", x, w) + b[0])),
    Submission("forward_loop_over_samples", "2c", _loop_forward),
    Submission("forward_dot_transposed", "2c", lambda x, w, b: _s(np.dot(w, x.T).T + b)),
    Submission("gradients_loop_over_samples", "2d", _loop_gradients),
    Submission("gradients_einsum", "2d", _einsum_gradients),
    Submission("sgd_copies_then_in_place", "2e", _copying_sgd),
    Submission("sgd_numpy_subtract", "2e", lambda w, b, dw, db, lr: (np.subtract(w, lr * dw), np.subtract(b, lr * db))),
]


def by_name(submissions):
    return pytest.mark.parametrize("submission", submissions, ids=[s.name for s in submissions])


def _own_check(submission, ref, capsys):
    """The visible check of the submission's task, with the correct earlier functions handed over."""
    function, task = submission.function, submission.task
    earlier = {"2a": (), "2b": (ref["sigmoid_function"],), "2c": (ref["sigmoid_function"],),
               "2d": (ref["sigmoid_function"], ref["sigmoid_derivative"], ref["forward"]), "2e": ()}[task]
    return run(CHECKS[task], function, *earlier, capsys=capsys)


# --------------------------------------------------------------------------- the corpus itself

def test_corpus_is_large_enough():
    assert len(WRONG) >= 25 and len(CORRECT) >= 8
    assert {s.task for s in WRONG} == set(KINDS) and {s.task for s in CORRECT} == set(KINDS)
    assert len({s.name for s in WRONG + CORRECT}) == len(WRONG + CORRECT)


def test_declaration_matches_notebook():
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    assert declaration.problems_with(DECLARED, notebook) == []
    assert sum(task.points for task in DECLARED.tasks) == 15


def test_hidden_regions_call_this_session():
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            assert meta["grade_id"].startswith("task") and "checks.check_" in cell.source
            assert f'hidden_tests_of("{SESSION}")' in cell.source and "### END HIDDEN TESTS" in cell.source


# --------------------------------------------------------------------------- the reference

@pytest.mark.parametrize("task", sorted(KINDS))
def test_reference_passes(task, ref, capsys):
    submission = Submission("reference", task, ref[KINDS[task]])
    assert _own_check(submission, ref, capsys) is None
    assert run(CHECKS[task], ref[KINDS[task]], capsys=capsys) is None  # as the outside verdicts call it
    assert verdict(HIDDEN[task], ref[KINDS[task]], capsys=capsys) is None


def _step_objects(ref) -> tuple:
    return tuple(ref[name] for name in ("w", "b", "w_initial", "b_initial", "random_input", "random_label",
                                        "learning_rate"))


def test_reference_step_passes(ref, capsys):
    objects = _step_objects(ref) + (ref["mse_gradients"], ref["sgd_step"])
    assert run(checks.check_single_step, *objects, capsys=capsys) is None
    assert verdict(hidden.single_step, *objects, capsys=capsys) is None


# --------------------------------------------------------------------------- wrong submissions

@by_name(WRONG)
def test_wrong_submission_fails_its_check(submission, ref, capsys):
    failure = _own_check(submission, ref, capsys)
    assert failure is not None and not failure.startswith(DEFERRED), (submission.name, failure)
    assert submission.message in failure, (submission.name, failure)
    assert submission.kind in failure or "sigma" in failure or submission.task in failure


@by_name(WRONG)
def test_wrong_submission_fails_its_hidden_test(submission, capsys):
    failure = verdict(HIDDEN[submission.task], submission.function, capsys=capsys)
    assert failure is not None and "not implemented" not in failure, submission.name
    assert submission.hidden_message in failure, (submission.name, failure)


@by_name(WRONG)
def test_wrong_submission_fails_only_its_own_hidden_test(submission, ref, capsys):
    for task, kind in KINDS.items():
        if task != submission.task:
            assert verdict(HIDDEN[task], ref[kind], capsys=capsys) is None


def _low_history(epochs=3, accuracy=0.2) -> History:
    return History(cost=[5.0 - 0.1 * e for e in range(epochs)], accuracy=[accuracy] * epochs,
                   seconds=[1.0] * epochs,
                   settings={"number_epochs": 100, "batch_size": 600, "learning_rate": 1e-4, "seed": None,
                             "epoch_cap": 3})


def _built_on_calls(submission, ref) -> list:
    """(check, args) of the later tasks' check cells, with the buggy function in its place."""
    functions = {kind: ref[kind] for kind in KINDS.values()}
    functions[submission.kind] = submission.function
    f = functions
    calls = []
    if submission.task == "2a":
        calls += [(checks.check_sigmoid_derivative, (ref["sigmoid_derivative"], f["sigmoid_function"])),
                  (checks.check_forward, (ref["forward"], f["sigmoid_function"]))]
    if submission.task in ("2a", "2b", "2c"):
        calls.append((checks.check_mse_gradients,
                      (ref["mse_gradients"], f["sigmoid_function"], f["sigmoid_derivative"], f["forward"])))
    if submission.task in ("2d", "2e"):
        calls.append((checks.check_single_step, _step_objects(ref) + (f["mse_gradients"], f["sgd_step"])))
    if submission.task in ("2a", "2c", "2d", "2e"):
        calls.append((checks.check_task3, (_low_history(), f["sigmoid_function"], f["forward"],
                                           f["mse_gradients"], f["sgd_step"])))
    return calls


@by_name(WRONG)
def test_tasks_built_on_a_wrong_submission_are_not_checked_yet(submission, ref, capsys):
    calls = _built_on_calls(submission, ref)
    assert calls or submission.task == "2b"
    for check, args in calls:
        outcome = run(check, *args, capsys=capsys)
        assert outcome is not None and outcome.startswith(DEFERRED), (submission.name, check.task, outcome)
        assert f"task {submission.task}" in outcome, outcome


@by_name([s for s in WRONG if s.task in ("2d", "2e")])
def test_hidden_step_is_excused_by_a_wrong_function(submission, ref, capsys):
    functions = {"mse_gradients": ref["mse_gradients"], "sgd_step": ref["sgd_step"]}
    functions[submission.kind] = submission.function
    w_initial, b_initial = ref["w_initial"], ref["b_initial"]
    objects = (w_initial.copy(), b_initial.copy(), w_initial, b_initial, ref["random_input"], ref["random_label"],
               ref["learning_rate"])  # w and b never moved: not judged while 2d/2e have a bug
    assert verdict(hidden.single_step, *objects, functions["mse_gradients"], functions["sgd_step"],
                   capsys=capsys) is None


@by_name([s for s in WRONG if s.task in ("2a", "2c", "2d", "2e")])
def test_hidden_training_is_excused_by_a_wrong_function(submission, ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    functions = {kind: ref[kind] for kind in ("sigmoid_function", "forward", "mse_gradients", "sgd_step")}
    functions[submission.kind] = submission.function
    assert verdict(hidden.training, _low_history(), "history_task3", *functions.values(), capsys=capsys,
                   ) is None


# --------------------------------------------------------------------------- correct submissions

@by_name(CORRECT)
def test_correct_submission_passes_check_and_hidden_test(submission, ref, capsys):
    assert _own_check(submission, ref, capsys) is None, submission.name
    assert run(CHECKS[submission.task], submission.function, capsys=capsys) is None
    assert verdict(HIDDEN[submission.task], submission.function, capsys=capsys) is None


@by_name(CORRECT)
def test_correct_submission_does_not_hold_up_later_tasks(submission, ref, capsys):
    """Plugged into the later check cells in place of the reference, nothing is deferred."""
    for check, args in _built_on_calls(submission, ref):
        if check is checks.check_task3:
            args = (_low_history(3, 0.66),) + args[1:]
        assert run(check, *args, capsys=capsys) is None, (submission.name, check.task)


# --------------------------------------------------------------------------- stubs excuse nothing

def _stub(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("task", sorted(KINDS))
def test_stub_is_not_implemented_yet(task, capsys):
    args = {"2a": (), "2b": (None,), "2c": (None,), "2d": (None, None, None), "2e": ()}[task]
    failure = run(CHECKS[task], _stub, *args, capsys=capsys)
    assert failure is not None and "not implemented yet" in failure
    assert verdict(HIDDEN[task], _stub, capsys=capsys) == "not implemented yet"


def test_stub_of_an_earlier_task_defers_nothing(ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    assert run(checks.check_forward, ref["forward"], _stub, capsys=capsys) is None
    assert run(checks.check_mse_gradients, ref["mse_gradients"], _stub, _stub, _stub, capsys=capsys) is None
    low = _low_history()
    failure = run(checks.check_task3, low, ref["sigmoid_function"], ref["forward"], _stub, ref["sgd_step"],
                  capsys=capsys)
    assert failure is not None and not failure.startswith(DEFERRED) and "below the 0.50" in failure
    assert verdict(hidden.training, low, "history_task3", ref["sigmoid_function"], ref["forward"], _stub,
                   ref["sgd_step"], capsys=capsys) is not None


# --------------------------------------------------------------------------- task 2f

def _step_mistakes(ref) -> dict:
    x, y, rate = ref["random_input"], ref["random_label"], ref["learning_rate"]
    w0, b0 = ref["w_initial"], ref["b_initial"]
    dw, db = ref["mse_gradients"](x, w0, b0, y)
    w1, b1 = w0 - rate * dw, b0 - rate * db
    dw1, db1 = ref["mse_gradients"](x, w1, b1, y)
    other_dw, other_db = ref["mse_gradients"](x, w0, b0, 1 - y)
    return {  # name: (w, b, phrase of the visible check's message)
        "not_assigned": (w0.copy(), b0.copy(), "still hold the initial parameters"),
        "two_steps": (w1 - rate * dw1, b1 - rate * db1, "two steps"),
        "only_w": (w1, b0.copy(), "b did not change"),
        "uphill": (w0 + rate * dw, b0 + rate * db, "uphill"),
        "wrong_target": (w0 - rate * other_dw, b0 - rate * other_db, "not one step of gradient descent"),
        "learning_rate_ten_times": (w0 - 10 * rate * dw, b0 - 10 * rate * db, "not one step of gradient descent"),
    }


@pytest.mark.parametrize("mistake", ["not_assigned", "two_steps", "only_w", "uphill", "wrong_target",
                                     "learning_rate_ten_times"])
def test_step_mistakes_fail(mistake, ref, capsys):
    w, b, phrase = _step_mistakes(ref)[mistake]
    objects = (w, b) + _step_objects(ref)[2:] + (ref["mse_gradients"], ref["sgd_step"])
    failure = run(checks.check_single_step, *objects, capsys=capsys)
    assert failure is not None and phrase in failure, failure
    assert verdict(hidden.single_step, *objects, capsys=capsys) is not None


def test_hidden_step_needs_no_student_function(ref, capsys):
    """The hidden test judges the step by finite differences alone (and its ``excused`` hook)."""
    assert verdict(hidden.single_step, *_step_objects(ref), None, None, excused=lambda **_: False,
                   capsys=capsys) is None
    w, b, _ = _step_mistakes(ref)["two_steps"]
    assert verdict(hidden.single_step, w, b, *_step_objects(ref)[2:], excused=lambda **_: True,
                   capsys=capsys) is None


# --------------------------------------------------------------------------- task 3

def _history(accuracies, number_epochs=100, batch_size=600, learning_rate=1e-4, failure=None, costs=None):
    return History(cost=costs or [4.0 - 0.5 * e for e in range(len(accuracies))], accuracy=list(accuracies),
                   seconds=[0.2] * len(accuracies), failure=failure,
                   settings={"number_epochs": number_epochs, "batch_size": batch_size,
                             "learning_rate": learning_rate, "seed": None, "epoch_cap": 3})


def _training_functions(ref):
    return ref["sigmoid_function"], ref["forward"], ref["mse_gradients"], ref["sgd_step"]


def test_training_passes_at_the_reference_accuracy(ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    good = _history([0.40, 0.56, 0.66])
    assert run(checks.check_task3, good, *_training_functions(ref), capsys=capsys) is None
    assert verdict(hidden.training, good, "history_task3", *_training_functions(ref), capsys=capsys) is None


@pytest.mark.parametrize("case, phrase, hidden_phrase", [
    ("not_a_history", "must hold what train(...) returns", "not a training History"),
    ("too_few_epochs_asked", "number_epochs=100", "number_epochs"),
    ("other_learning_rate", "learning_rate=0.0001", "learning_rate"),
    ("low_accuracy", "below the 0.50", "accuracy"),
    ("diverged", "NaN or inf", "finite"),
    ("stopped", "training stopped", "training stopped"),
])
def test_training_mistakes_fail(case, phrase, hidden_phrase, ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    history = {"not_a_history": None,
               "too_few_epochs_asked": _history([0.4, 0.56, 0.66], number_epochs=3),
               "other_learning_rate": _history([0.4, 0.56, 0.66], learning_rate=1e-2),
               "low_accuracy": _history([0.2, 0.3, 0.4]),
               "diverged": _history([0.1, 0.1, 0.1], costs=[4.0, float("nan"), float("nan")]),
               "stopped": _history([], failure="ValueError in epoch 0: shapes")}[case]
    failure = run(checks.check_task3, history, *_training_functions(ref), capsys=capsys)
    assert failure is not None and phrase in failure, failure
    message = verdict(hidden.training, history, "history_task3", *_training_functions(ref), capsys=capsys)
    assert message is not None and hidden_phrase in message, message


def test_hidden_training_wants_every_epoch(ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    short = _history([0.40, 0.56])
    assert "not every epoch" in verdict(hidden.training, short, "history_task3", *_training_functions(ref),
                                        capsys=capsys)


def test_minimum_accuracy_table_is_below_the_reference():
    table = checks.TASK3_MINIMUM_ACCURACY
    measured_worst = {1: 0.3583, 2: 0.5383, 3: 0.6075, 5: 0.6740, 10: 0.8530, 20: 0.8831, 50: 0.8981, 100: 0.9049}
    assert sorted(table) == sorted(measured_worst)
    for epochs, accuracy in measured_worst.items():
        assert table[epochs] <= accuracy - (0.1 if epochs <= 5 else 0.04)
    assert list(table.values()) == sorted(table.values())
    assert DECLARED.training_task("3").minimum_accuracy is table


# --------------------------------------------------------------------------- the example class

def _students():
    import importlib
    return importlib.import_module(f"{declaration.package_name(SESSION)}.example_class").STUDENTS


def _filled_cells() -> dict:
    """The source notebook's cells, solutions filled in without their markers (as the example class sees them)."""
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    cells = {}
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            cells[grade_id] = "\n".join(line for line in cell.source.splitlines()
                                        if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return cells


def test_example_class_edits_match_the_solutions():
    cells = _filled_cells()
    students = _students()
    assert {s.name for s in students} >= {"ada_complete", "cleo_untouched", "dan_endless_loop", "eve_kills_kernel",
                                          "finn_edits_tests", "gia_unusual"}
    notebook = nbformat.read(str(NOTEBOOK), as_version=4)
    autograded = {declaration.task_of(cell.metadata["nbgrader"]["grade_id"]) for cell in notebook.cells
                  if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")}
    for student in students:
        for grade_id, edits in student.edits.items():
            for old, _ in edits:
                assert old in cells[grade_id], (student.name, grade_id, old)
        assert set(student.replace) | set(student.delete) <= set(cells), student.name
        assert set(student.loses) <= autograded, student.name
    assert set(next(s for s in students if s.untouched).loses) == autograded  # loses everything autograded


@pytest.mark.parametrize("student", [s for s in _students() if not s.untouched], ids=lambda s: s.name)
def test_example_students_lose_exactly_their_definition_tasks(student, capsys):
    """Run the student's definition cells; the hidden tests of tasks 2a-2e fail exactly where they lose."""
    cells = _filled_cells()
    namespace: dict = {}
    for grade_id in DECLARED.definition_cells:
        source = student.replace.get(grade_id, cells[grade_id])
        for old, new in student.edits.get(grade_id, []):
            source = source.replace(old, new)
        exec(compile(source, f"<{student.name}:{grade_id}>", "exec"), namespace)
    for judged in DECLARED.definition_tasks:
        failure = verdict(judged.hidden_test, namespace[judged.name], capsys=capsys)
        assert (failure is not None) == (judged.task in student.loses), (student.name, judged.task, failure)


# --------------------------------------------------------------------------- proxies

class _Proxy:
    """Stands in for a proxy of a function in the grading sandbox: arguments and results travel as copies,
    and warnings stay there."""

    def __init__(self, function):
        self._function = function

    def __call__(self, *args):
        copies = [np.array(arg, copy=True) if isinstance(arg, np.ndarray) else arg for arg in args]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            result = self._function(*copies)
        if isinstance(result, tuple):
            return tuple(np.array(part, copy=True) for part in result)
        return None if result is None else np.array(result, copy=True)


@pytest.mark.parametrize("task", sorted(KINDS))
def test_hidden_tests_take_proxies(task, ref, capsys):
    assert verdict(HIDDEN[task], _Proxy(ref[KINDS[task]]), capsys=capsys) is None
    for submission in WRONG:
        if submission.task == task and submission.name not in ("sigmoid_in_place", "sgd_in_place"):
            # even without its warnings, an overflowing sigmoid is wrong: sigma(-730) is not 0
            assert verdict(HIDDEN[task], _Proxy(submission.function), capsys=capsys) is not None, submission.name


def test_hidden_step_and_training_take_proxies(ref, capsys, monkeypatch):
    monkeypatch.setenv("HAMLET_MAX_EPOCHS", "3")
    objects = _step_objects(ref) + (_Proxy(ref["mse_gradients"]), _Proxy(ref["sgd_step"]))
    assert verdict(hidden.single_step, *objects, capsys=capsys) is None
    functions = tuple(_Proxy(f) for f in _training_functions(ref))
    assert verdict(hidden.training, _history([0.40, 0.56, 0.66]), "history_task3", *functions, capsys=capsys) is None
    assert verdict(hidden.training, _history([0.2, 0.3, 0.4]), "history_task3", *functions, capsys=capsys)
    bad = (functions[0], functions[1], _Proxy(next(s for s in WRONG if s.name == "gradients_averaged").function), functions[3])
    assert verdict(hidden.training, _history([0.2, 0.3, 0.4]), "history_task3", *bad, capsys=capsys) is None


# --------------------------------------------------------------------------- a raised error points at its line

def _sgd_step_with_transposed_gradient(w, b, dw, db, learning_rate):
    new_w = w - learning_rate * dw.T
    return new_w, b - learning_rate * db


def test_shape_error_names_the_transposed_arrays_and_the_line(capsys):
    failure = run(checks.check_sgd_step, _sgd_step_with_transposed_gradient, capsys=capsys)
    assert "an array of shape (5, 3) meets one of shape (3, 5), its transpose" in failure
    assert "(w (3, 5), dw (3, 5))" in failure  # the arguments of that shape, by name
    assert "The line that fails: `new_w = w - learning_rate * dw.T`." in failure


def test_mse_gradients_names_the_factor_left_out(ref, capsys):
    def mse_gradients(x, w, b, target):
        p = ref["forward"](x, w, b)
        delta = (p - target) * (1 - p)  # sigma'(z) = p (1 - p) without its p
        return delta.T @ x, np.sum(delta, axis=0, keepdims=True)

    failure = run(checks.check_mse_gradients, mse_gradients, capsys=capsys)
    assert "in your delta the factor p is missing" in failure


def test_mse_gradients_names_p_changed_in_place(ref, capsys):
    def mse_gradients(x, w, b, target):
        p = ref["forward"](x, w, b)
        error = p
        error -= target  # p and error are one array: p is now p - target
        delta = error * p * (1 - p)
        return delta.T @ x, np.sum(delta, axis=0, keepdims=True)

    failure = run(checks.check_mse_gradients, mse_gradients, capsys=capsys)
    assert "changed in place" in failure


def test_sigmoid_derivative_names_the_missing_square(capsys):
    def sigmoid_derivative(x):
        e = np.exp(-np.abs(x))
        return e / (1 + e)

    failure = run(checks.check_sigmoid_derivative, sigmoid_derivative, capsys=capsys)
    assert "a square of (1 + e^-x)" in failure


def test_sigmoid_derivative_in_float32_is_named(ref, capsys):
    def sigmoid_derivative(x):
        s = ref["sigmoid_function"](x).astype(np.float32)
        return s * (1 - s)

    failure = run(checks.check_sigmoid_derivative, sigmoid_derivative, capsys=capsys)
    assert "has dtype float32, which keeps only about 7 digits" in failure

    def sigmoid_derivative_back_in_float64(x):
        s = ref["sigmoid_function"](x).astype(np.float32)
        return (s * (1 - s)).astype(np.float64)  # the digits are lost all the same

    failure = run(checks.check_sigmoid_derivative, sigmoid_derivative_back_in_float64, capsys=capsys)
    assert "rounded to float32" in failure


def test_a_float32_result_is_not_credited(ref, capsys):
    """float32 comes within a 1e-6 tolerance, yet keeps 7 digits: neither the check nor the hidden
    test credits it (finite differences of a float32 forward pass are noise)."""
    def forward(x, w, b):
        return ref["forward"](x, w, b).astype(np.float32)

    assert "has dtype float32" in run(checks.check_forward, forward, ref["sigmoid_function"], capsys=capsys)
    assert verdict(hidden.forward, forward, capsys=capsys) is not None


def test_step_that_scales_the_old_value_is_named(capsys):
    def sgd_step(w, b, dw, db, learning_rate):
        return (w - dw) * learning_rate, b - learning_rate * db

    failure = run(checks.check_sgd_step, sgd_step, capsys=capsys)
    assert "the old value times a factor (the learning rate)" in failure


def test_a_function_that_keeps_state_is_named(capsys):
    def sgd_step(w, b, dw, db, learning_rate):  # momentum kept in an attribute of the function
        velocity = getattr(sgd_step, "velocity", 0.0)
        sgd_step.velocity = 0.9 * velocity + learning_rate * dw
        return w - sgd_step.velocity, b - learning_rate * db

    failure = run(checks.check_sgd_step, sgd_step, capsys=capsys)
    assert "sgd_step gives another result (its new w) when it is called again with the same arguments" in failure


@pytest.mark.parametrize("negative_branch, words", [
    ("1 / (1 + e)", "uses for x < 0 the formula that belongs to x >= 0"),      # one formula for both signs
    ("e / (1 - e)", "a wrong sign in the denominator: for x < 0 it is e^-|x| / (1 - e^-|x|)"),
    ("e / e", "gives 1 for every x < 0"),
])
def test_a_wrong_branch_of_the_stable_sigmoid_is_named(negative_branch, words, capsys):
    def sigmoid_function(x):
        x = np.asarray(x, dtype=float)
        e = np.exp(-np.abs(x))
        with np.errstate(all="ignore"):
            return np.where(x >= 0, 1 / (1 + e), eval(negative_branch))

    failure = run(checks.check_sigmoid_function, sigmoid_function, capsys=capsys)
    assert words in failure


@pytest.mark.parametrize("body, words", [
    ("sigmoid_function(x @ w.T) + b", "adds b after the sigmoid"),
    ("sigmoid_function(x) @ w.T + b", "applies the sigmoid to the input x"),
    ("sigmoid_function(x @ w.T + b.T)", "adds b as a column (b transposed, b.T)"),
    ("sigmoid_function(b)", "the product x w^T is missing"),
])
def test_a_wrong_forward_is_named(body, words, ref, capsys):
    def forward(x, w, b):
        return eval(body, {"sigmoid_function": ref["sigmoid_function"], "x": x, "w": w, "b": b})

    failure = run(checks.check_forward, forward, ref["sigmoid_function"], capsys=capsys)
    assert words in failure
