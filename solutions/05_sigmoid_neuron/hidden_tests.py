"""Hidden tests of Session 5, called from the ``### BEGIN HIDDEN TESTS`` parts of the test cells.

They never ship to students (they live beside the session's declaration, in solutions/).  They use other
shapes, points and seeds than the visible checks, so code fitted to the visible
checks does not pass them.  Function values are compared with the definitions
written here; gradients only ever with finite differences of the cost's
definition, never with a formula for the answer.

Every function raises ``HiddenTestFailed`` (an AssertionError) with a message
that names the quantity but not the test, and writes nothing to stderr: NumPy
warnings are silenced (nbgrader scores a test cell that writes to stderr 0), but
recorded where the student's code runs in this process -- an overflowing sigmoid
fails.  The student's objects may be proxies of objects in the grading sandbox:
the tests only call them, read their attributes and use NumPy on what they return.
"""

from __future__ import annotations

import warnings

import numpy as np

from hamlet.hidden_testing import HiddenTestFailed
from hamlet.hidden_testing import close as _close
from hamlet.hidden_testing import hidden as _hidden
from hamlet.hidden_testing import require as _require
from hamlet_utils import gradcheck
from hamlet_utils.checking import minimum_accuracy
from hamlet_utils.training import History, epoch_cap

#: |yours - sigma| allowed: float64 rounding (relative), and a few steps of the subnormal numbers
RELATIVE_ROUNDING = 1e-12
SMALLEST_STEPS = 1e-322


def _float_array(value, description, shape=None) -> np.ndarray:
    _require(value is not None, f"{description} is None")
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise HiddenTestFailed(f"{description} is not a numeric array") from None
    if shape is not None:
        _require(array.shape == tuple(shape), f"{description} has shape {array.shape}, expected {tuple(shape)}")
    return array


def _pair(value, description):
    _require(isinstance(value, (tuple, list)) and len(value) == 2, f"{description} does not return a pair")
    return value[0], value[1]


def _quietly(function, *args):
    """Call student code, recording NumPy's floating-point warnings: ``(result, warned)``.

    A proxy's call runs in the sandbox, where nothing is recorded; the values are judged anyway.
    """
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        result = function(*args)
    return result, bool(caught)


# The definitions the tasks must meet, written here once.

def reference_sigmoid(x):
    x = np.asarray(x, dtype=float)
    small = np.exp(np.minimum(x, -x))  # e^-|x|
    return np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def reference_forward(x, w, b):
    return reference_sigmoid(np.einsum("bi,oi->bo", x, w) + b)


#: correct definitions of tasks 2a-2c, each on its own, which the outside verdicts run instead of a
#: student's broken one to judge a later task that calls it (the declaration's ``stand_ins``)
STAND_INS = {
    "2a": """
def sigmoid_function(x):
    x = np.asarray(x, dtype=float)
    small = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
""",
    "2b": """
def sigmoid_derivative(x):
    x = np.asarray(x, dtype=float)
    small = np.exp(-np.abs(x))
    s = np.where(x >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
    return s * (1.0 - s)
""",
    "2c": """
def forward(x, w, b):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float).T + b
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))
""",
}


def reference_cost(x, w, b, target) -> float:
    """The cost of task 1a: 1/2 sum over the batch and the outputs of (sigma(x w^T + b) - target)^2."""
    return 0.5 * float(np.sum((reference_forward(x, w, b) - target) ** 2))


def _exact(values, expected) -> bool:
    values, expected = np.asarray(values, dtype=float), np.asarray(expected, dtype=float)
    return values.shape == expected.shape and bool(
        np.all(np.abs(values - expected) <= RELATIVE_ROUNDING * np.abs(expected) + SMALLEST_STEPS))


# --------------------------------------------------------------------------- task 2a

@_hidden
def sigmoid_function(sigmoid_function):
    rng = np.random.default_rng(5001)
    for shape, scale in (((7,), 3.0), ((4, 5), 10.0), ((3, 1, 2), 20.0), ((2, 2), 0.01)):
        x = scale * rng.normal(size=shape)
        original = x.copy()
        out, warned = _quietly(sigmoid_function, x)
        out = _float_array(out, f"sigmoid of shape {shape}", shape)
        _require(np.array_equal(x, original), "sigmoid_function modifies its input")
        _require(_exact(out, reference_sigmoid(original)), f"sigmoid values, scale {scale:g}")
        _require(not warned, "sigmoid_function warns")
        other = -0.5 * original  # other values of the same shape: computed anew, nothing kept
        again, _ = _quietly(sigmoid_function, other.copy())
        _require(_exact(_float_array(again, f"sigmoid of shape {shape}", shape), reference_sigmoid(other)),
                 f"sigmoid values of a second array of shape {shape}")
    for values in ((-800.0, -730.0, -745.5, 0.0, 730.0, 800.0), (-1e4, -1e300, 1e4, 1e300), (-37.5, -60.0, 60.0)):
        x = np.array(values)
        out, warned = _quietly(sigmoid_function, x.copy())
        out = _float_array(out, f"sigmoid of {list(values)}", x.shape)
        _require(np.all(np.isfinite(out)), f"sigmoid of {list(values)} is not finite")
        _require(not warned, f"sigmoid_function warns (overflows) for {list(values)}")
        _require(_exact(out, reference_sigmoid(x)), f"sigmoid of {list(values)} is not exact")


# --------------------------------------------------------------------------- task 2b

@_hidden
def sigmoid_derivative(sigmoid_derivative):
    rng = np.random.default_rng(5002)
    for shape, scale in (((6,), 2.0), ((3, 4), 6.0), ((2, 3, 1), 15.0)):
        x = scale * rng.normal(size=shape)
        original = x.copy()
        out = _float_array(sigmoid_derivative(x), f"sigmoid derivative of shape {shape}", shape)
        _require(np.array_equal(x, original), "sigmoid_derivative modifies its input")
        s = reference_sigmoid(original)
        _require(np.all(np.abs(out - s * (1 - s)) <= 1e-14 + 1e-10 * s * (1 - s)),
                 f"sigmoid derivative values, scale {scale:g}")
        # the slope of the definition, by central differences
        numeric = (reference_sigmoid(original + 1e-6) - reference_sigmoid(original - 1e-6)) / 2e-6
        _require(_close(out, numeric, 1e-6), f"sigmoid derivative against finite differences, scale {scale:g}")
        other = original + 0.75  # other values of the same shape: computed anew, nothing kept
        s = reference_sigmoid(other)
        again = _float_array(sigmoid_derivative(other.copy()), f"sigmoid derivative of shape {shape}", shape)
        _require(np.all(np.abs(again - s * (1 - s)) <= 1e-14 + 1e-10 * s * (1 - s)),
                 f"sigmoid derivative of a second array of shape {shape}")
    # finite and (about) 0 for large |x|; warnings are not held against it here: they come from
    # the student's sigmoid (task 2a) when the derivative is built on it, as it should be
    x = np.array([-900.0, -1e4, 900.0, 1e4])
    out = _float_array(sigmoid_derivative(x.copy()), "sigmoid derivative of large values", x.shape)
    _require(np.all(np.isfinite(out)) and np.max(np.abs(out)) <= 1e-300, "sigmoid derivative of large |x|")


# --------------------------------------------------------------------------- task 2c

SHAPES = ((7, 2, 1), (2, 9, 5), (6, 6, 3), (1, 4, 8))  # (n_in, n_out, batch)


@_hidden
def forward(forward):
    rng = np.random.default_rng(5003)
    # the square layer first: there, w in place of w.T gives a wrong value, not a shape error
    for n_in, n_out, batch in ((6, 6, 3), (7, 2, 1), (2, 9, 5), (1, 4, 8), (784, 10, 2)):
        x = rng.normal(size=(batch, n_in))
        w, b = rng.normal(size=(n_out, n_in)) / np.sqrt(n_in), rng.normal(size=(1, n_out))
        originals = x.copy(), w.copy(), b.copy()
        out = _float_array(forward(x, w, b), f"forward of a {n_in}->{n_out} layer, batch {batch}", (batch, n_out))
        _require(np.array_equal(x, originals[0]) and np.array_equal(w, originals[1])
                 and np.array_equal(b, originals[2]), "forward modifies its arguments")
        _require(_close(out, reference_forward(*originals), 1e-10), f"forward of a {n_in}->{n_out} layer, batch {batch}")


# --------------------------------------------------------------------------- task 2d

@_hidden
def mse_gradients(mse_gradients):
    rng = np.random.default_rng(5004)
    for n_in, n_out, batch in SHAPES:
        x = rng.normal(size=(batch, n_in))
        w, b = 0.7 * rng.normal(size=(n_out, n_in)), 0.7 * rng.normal(size=(1, n_out))
        target = (np.eye(n_out)[rng.integers(0, n_out, batch)] if batch % 2
                  else rng.uniform(size=(batch, n_out)))
        originals = x.copy(), w.copy(), b.copy(), target.copy()
        dw, db = _pair(mse_gradients(x, w, b, target), "mse_gradients")
        _require(all(np.array_equal(now, original) for now, original in zip((x, w, b, target), originals)),
                 "mse_gradients modifies its arguments")
        probe_w, probe_b = originals[1].copy(), originals[2].copy()
        numeric = {"dw": gradcheck.numerical_gradient(lambda: reference_cost(x, probe_w, b, target), probe_w),
                   "db": gradcheck.numerical_gradient(lambda: reference_cost(x, w, probe_b, target), probe_b)}
        for name, value in (("dw", dw), ("db", db)):
            comparison = gradcheck.compare(name, None if value is None else _float_array(value, name),
                                           numeric[name], batch)
            _require(comparison.ok, f"{n_in}->{n_out} layer, batch {batch}: {comparison.diagnosis()}")


# --------------------------------------------------------------------------- task 2e

@_hidden
def sgd_step(sgd_step):
    rng = np.random.default_rng(5005)
    for (n_out, n_in), learning_rate in (((6, 4), 0.5), ((10, 784), 1e-3), ((2, 3), 0.0), ((1, 1), 7.0)):
        w, b = rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))
        dw, db = rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))
        originals = w.copy(), b.copy(), dw.copy(), db.copy()
        new_w, new_b = _pair(sgd_step(w, b, dw, db, learning_rate), "sgd_step")
        _require(all(np.array_equal(now, original) for now, original in zip((w, b, dw, db), originals)),
                 "sgd_step modifies its arguments in place")
        new_w = _float_array(new_w, "the new w", w.shape)
        new_b = _float_array(new_b, "the new b", b.shape)
        _require(np.allclose(new_w - originals[0], -learning_rate * originals[2], rtol=1e-12, atol=1e-15)
                 and np.allclose(new_b - originals[1], -learning_rate * originals[3], rtol=1e-12, atol=1e-15),
                 f"sgd_step with learning_rate={learning_rate}")


# --------------------------------------------------------------------------- excuses

def earlier_bugs(task: str, **functions) -> list[str]:
    """The hidden tests of the functions ``task`` builds on (the declaration says which) that
    fail with a bug (not with 'not implemented yet').

    ``earlier_bugs("2f", mse_gradients=f, sgd_step=g)``: the task is excused by these; a
    function not handed over is not judged; a stub excuses nothing -- an unfinished
    notebook gets no points for free.
    """
    from hamlet.declaration import load

    declared = load("05_sigmoid_neuron")
    bugs = []
    for earlier in declared.built_on.get(task, ()):
        judged = declared.definition_task(earlier)
        if judged is None or functions.get(judged.name) is None:
            continue
        try:
            judged.hidden_test(functions[judged.name])
        except HiddenTestFailed as failure:
            if "not implemented yet" not in str(failure):
                bugs.append(f"task {earlier} ({judged.name}): {failure}")
    return bugs


def _excused(task: str):
    """``excused(**functions)`` for ``task``: whether a bug in a task it builds on is to blame."""
    return lambda **functions: bool(earlier_bugs(task, **functions))


# --------------------------------------------------------------------------- task 2f

def _directional_check(x, y, w_initial, b_initial, step_w, step_b, rng) -> bool:
    """``(step_w, step_b)`` is the gradient of the cost at the initial parameters, by finite differences.

    ``db`` entry by entry; ``dw`` (7,840 entries) through directional derivatives along
    random directions and along the step itself: ``(L(W + hV) - L(W - hV)) / 2h = <dW, V>``.
    """
    probe_b = b_initial.copy()
    numeric_b = gradcheck.numerical_gradient(lambda: reference_cost(x, w_initial, probe_b, y), probe_b)
    if not _close(step_b, numeric_b, 1e-6):
        return False
    directions = [rng.normal(size=w_initial.shape) for _ in range(8)]
    if np.any(step_w):
        directions.append(step_w)
    directions = [direction / np.linalg.norm(direction) for direction in directions]
    h = 1e-6
    numeric = np.array([(reference_cost(x, w_initial + h * v, b_initial, y)
                         - reference_cost(x, w_initial - h * v, b_initial, y)) / (2 * h) for v in directions])
    analytic = np.array([np.vdot(step_w, v) for v in directions])
    return _close(analytic, numeric, 1e-6)


@_hidden
def single_step(w, b, w_initial, b_initial, random_input, random_label, learning_rate,
                mse_gradients=None, sgd_step=None, excused=None):
    """Task 2f: ``w, b`` are one gradient descent step from ``w_initial, b_initial``.

    ``excused(mse_gradients=..., sgd_step=...)`` says whether a bug in task 2d or 2e is
    to blame (default: their hidden tests fail with a bug).
    """
    if (excused or _excused("2f"))(mse_gradients=mse_gradients, sgd_step=sgd_step):
        return  # the step is judged once its functions work
    w_initial = _float_array(w_initial, "w_initial")
    b_initial = _float_array(b_initial, "b_initial")
    w = _float_array(w, "w", w_initial.shape)
    b = _float_array(b, "b", b_initial.shape)
    learning_rate = float(learning_rate)
    _require(learning_rate > 0, "learning_rate is not positive")
    _require(not (np.array_equal(w, w_initial) and np.array_equal(b, b_initial)), "w and b did not move")
    x, y = _float_array(random_input, "random_input"), _float_array(random_label, "random_label")
    gradient_w, gradient_b = (w_initial - w) / learning_rate, (b_initial - b) / learning_rate
    _require(_directional_check(x, y, w_initial, b_initial, gradient_w, gradient_b, np.random.default_rng(5006)),
             "w and b are not one gradient step on random_input and random_label")


# --------------------------------------------------------------------------- task 3

def _stopped(history) -> bool:
    return bool(history.failure or not len(history) or not all(np.isfinite(history.cost)))


@_hidden
def training(history, name, sigmoid_function=None, forward=None, mse_gradients=None, sgd_step=None,
             excused=None):
    """Task 3: the run in ``history`` (the variable ``name``) under the grading cap.

    ``excused(sigmoid_function=..., forward=..., mse_gradients=..., sgd_step=...)`` says
    whether a bug in an earlier task is to blame for a run that stopped, diverged or
    stayed below the table (default: their hidden tests fail with a bug).
    """
    from hamlet.declaration import load

    declared = load("05_sigmoid_neuron").training_task("3")
    functions = {"sigmoid_function": sigmoid_function, "forward": forward, "mse_gradients": mse_gradients,
                 "sgd_step": sgd_step}
    _require(isinstance(history, History), f"{name} is not a training History")
    wanted_epochs = history.settings.get("number_epochs")
    _require(wanted_epochs == declared.number_epochs,
             f"{name}: train for the given number_epochs ({declared.number_epochs})")
    _require(history.settings.get("batch_size") == 600 and np.isclose(history.settings.get("learning_rate", 0), 1e-4),
             f"{name}: train with the given batch_size and learning_rate")
    if _stopped(history) and (excused or _excused("3"))(**functions):
        return
    _require(not history.failure, f"{name}: training stopped ({history.failure})")
    _require(len(history) >= 1 and all(np.isfinite(history.cost)), f"{name} has no finite costs")
    cap = epoch_cap()
    _require(len(history) == (wanted_epochs if cap is None else min(cap, wanted_epochs)),
             f"{name}: not every epoch was run")
    minimum = minimum_accuracy(declared.minimum_accuracy, len(history))
    if history.final_accuracy < minimum and (excused or _excused("3"))(**functions):
        return
    _require(history.final_accuracy >= minimum, f"{name}: accuracy {history.final_accuracy:.4f} < {minimum:.2f}")
    if len(history) > 1:
        _require(history.cost[-1] < history.cost[0], f"{name}: the cost does not decrease")
