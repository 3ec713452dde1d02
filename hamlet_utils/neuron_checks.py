"""Student-facing checks, one per task of Session 5 (The sigmoid neuron).

Each ``check_*`` function is called from the short check cell right after its
task.  On success it prints one line; on failure it raises
:class:`~hamlet_utils.checks.CheckFailed` naming the wrong quantity, the likely
mistake and the size of the error.  A task whose check cell also hands over the
functions it builds on (e.g. ``check_mse_gradients(mse_gradients,
sigmoid_function, sigmoid_derivative, forward)``) is "not checked yet" while one
of those has a bug its own check finds: the mistake costs the points of its own
task, once.  A function that still raises ``NotImplementedError`` excuses nothing.

No check contains a solution: ``sigmoid_function`` and ``forward`` are judged by
properties that pin them down (the value 1/2 at 0, the symmetry
``sigma(-x) = 1 - sigma(x)``, values at chosen points computed one by one with
``math.exp`` of small numbers, ``sigma(x) = e**x`` to float64 rounding for very
negative ``x``, no overflow warning at +-1000 and +-1e5, the response of the
logit to zero and unit inputs); derivatives and gradients by finite differences
(:mod:`hamlet_utils.gradcheck`) of the student's own sigmoid and of the cost's
definition ``L = 1/2 sum (sigma(x w^T + b) - target)**2``.  The checks use their
own random generator and restore NumPy's global random state (the ``_check``
decorator of :mod:`hamlet_utils.checks`), and write nothing to stderr.

Reference accuracies (task 3)
-----------------------------
The reference -- the solution notebook's ``SigmoidNeuron`` (784 -> 10, weights
``0.1 * randn``, zero bias) trained by ``train`` with ``MeanSquareError``,
batch 600, learning rate 1e-4 -- measured on MNIST (validation accuracy on the
20,000 held-out images; ``np.random.seed(s)`` before building the neuron and
``train(..., seed=s)``; see ``solutions/05_sigmoid_neuron/REFERENCE.md``):

======  =====================  ======  ======  ======  ===========  ==========
epochs  seeds                  min     median  max     median cost  threshold
======  =====================  ======  ======  ======  ===========  ==========
1       20 (0-19)              0.3867  0.5020  0.5839  4.089        0.25
2       20                     0.5383  0.6191  0.6877  2.515        0.40
3       20                     0.6075  0.7035  0.7821  2.080        0.50
5       20                     0.6740  0.7754  0.8341  1.565        0.55
10      5 (0-4)                0.8530  0.8611  0.8676  1.084        0.75
20      5                      0.8831  0.8848  0.8868  0.884        0.80
50      5                      0.8981  0.9004  0.9009  0.762        0.85
100     5                      0.9049  0.9067  0.9087  0.701        0.86
======  =====================  ======  ======  ======  ===========  ==========

(0.17 s per epoch on one core; 100 epochs in about 17 s.)  As in Session 6's task 4
-- the same network -- whose threshold after 100 epochs is 0.895.

:data:`TASK3_MINIMUM_ACCURACY` is the worst seed less a margin of at least 0.1
up to 5 epochs (runs differ most there: other initial weights and data orders),
and less about 0.05 later, where five seeds agree to within 0.015.
"""

from __future__ import annotations

import contextlib
import functools
import io
import math
import warnings

import numpy as np

from . import gradcheck, session_facts
from .checking import (CheckFailed, NotCheckedYet, array as _array, call as _call, check as _check,
                       error as _error, fail as _fail, history as _history, implemented as _implemented,
                       minimum_accuracy, one_hot as _one_hot, rng as _rng, same as _same, step_mistake as _step_mistake,
                       unchanged as _unchanged)
from .misconceptions import fd_code, step_code
from .training import History

#: the session these checks are for; which task builds on which is its declaration's
SESSION = "05_sigmoid_neuron"

#: lowest acceptable final validation accuracy after n epochs (batch 600, learning rate 1e-4):
#: the worst measured seed (table above) less a margin
TASK3_MINIMUM_ACCURACY = {1: 0.25, 2: 0.40, 3: 0.50, 5: 0.55, 10: 0.75, 20: 0.80, 50: 0.85, 100: 0.86}

#: |yours - sigma| allowed: float64 rounding (relative) and a few steps of the subnormal numbers
RELATIVE_ROUNDING = 1e-12
SMALLEST_STEPS = 1e-322

#: points where sigma is computed one by one with math.exp (no overflow possible there)
CHOSEN_POINTS = (-30.0, -12.5, -5.0, -1.0, -0.5, 0.25, 1.0, 2.0, 5.0, 12.5, 30.0)
#: points where np.exp(-x) (or np.exp(x)) overflows
LARGE_POINTS = (-1e5, -1000.0, -720.0, -710.0, 710.0, 1000.0, 1e5)

__all__ = ["TASK3_MINIMUM_ACCURACY", "CheckFailed", "check_sigmoid_function", "check_sigmoid_derivative",
           "check_forward", "check_mse_gradients", "check_sgd_step", "check_single_step", "check_task3"]


# --------------------------------------------------------------------------- helpers

def _sigma(value: float) -> float:
    """sigma at one point: math.exp of a small argument (|value| <= 40), or e**value below -40.

    Below -40, ``1 + e**value`` rounds to 1, so sigma(value) = e**value to float64 rounding;
    above 40 it rounds to 1.
    """
    if value < -40:
        return math.exp(value)
    if value > 40:
        return 1.0
    return 1.0 / (1.0 + math.exp(-value))


def _sigma_array(x: np.ndarray) -> np.ndarray:
    return np.vectorize(_sigma, otypes=[float])(np.asarray(x, dtype=float))


def _exact(values, expected) -> bool:
    """Equal to float64 rounding, element by element (relative, down to the subnormal numbers)."""
    values, expected = np.asarray(values, dtype=float), np.asarray(expected, dtype=float)
    return bool(np.all(np.abs(values - expected) <= RELATIVE_ROUNDING * np.abs(expected) + SMALLEST_STEPS))


def _watched(task: str, description: str, function, *args):
    """Call student code and record NumPy's floating-point warnings: ``(result, [messages])``."""
    __tracebackhide__ = True
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
        warnings.simplefilter("always")
        result = _call(task, description, function, *args)
    return result, [str(warning.message) for warning in caught]


def _earlier_failures(task: str, functions: dict) -> list[tuple[str, str, str]]:
    """``(task, name, failure)`` of each function ``task`` builds on (the session's declaration
    says which) whose own check finds a bug.  ``functions`` maps the notebook's names to
    the student's functions; one not handed over is skipped, one not implemented yet
    excuses nothing."""
    facts = session_facts.load(SESSION)
    found = []
    for earlier in facts.earlier(task):
        name = facts.definitions.get(earlier)
        function, properties = functions.get(name), _PROPERTIES.get(earlier)
        if function is None or properties is None:
            continue
        failure = _failure_of(properties, function, earlier)
        if failure and "not implemented yet" not in failure:
            found.append((earlier, name, failure))
    return found


def _builds_on(task: str, **functions) -> None:
    """Defer ``task`` while a function it builds on has a bug its own check finds."""
    __tracebackhide__ = True
    for earlier, name, failure in _earlier_failures(task, functions)[:1]:
        raise NotCheckedYet(f"{name} (task {earlier}) fails first -- {failure} "
                            f"Fix that, then run this check again.")


def _failure_of(properties, function, task: str) -> str | None:
    """The message of the CheckFailed ``properties(function, task)`` raises (without 'Task ..: '), or None."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            properties(function, task)
    except CheckFailed as failure:
        return str(failure).split(": ", 1)[1]
    except Exception as error:  # so broken that even the check's own calls fail
        return f"{type(error).__name__}: {error}"
    return None


def _pair(task: str, description: str, value, first: str, second: str):
    """``value`` as a pair (first, second), or a CheckFailed."""
    __tracebackhide__ = True
    if value is None:
        _fail(task, f"{description} returned None: it must return the pair ({first}, {second}).", code="result.none")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        _fail(task, f"{description} must return the pair ({first}, {second}), e.g. "
                    f"`return {first}, {second}`; it returned a {type(value).__name__}"
                    f"{f' of length {len(value)}' if isinstance(value, (tuple, list)) else ''}.", code="result.not_pair")
    return value


def _keeps_state(task: str, name: str, function, *args) -> None:
    """After a failure: fail saying so if ``function`` gives another result when called again with
    the same arguments (copies each time) -- state kept between calls, a global or an attribute of the
    function, is the cause then, whatever the first symptom was."""
    __tracebackhide__ = True
    results = []
    other = tuple(a + 0.375 if isinstance(a, np.ndarray) else a for a in args)  # other values, the same shapes
    for arguments in (args, args, other):
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = function(*(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in arguments))
            results.append([np.asarray(part, dtype=float) for part in (value if isinstance(value, tuple) else (value,))])
        except Exception:  # noqa: BLE001 - the failure's own message stands
            return
    first, second, third = results
    constant = all(a.size and np.ptp(a) == 0 for a in first)  # one value throughout: no kept array, a formula
    if not constant and len(first) == len(third) and all(
            a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, third)):
        _fail(task, f"{name} gives the very same result for other arguments of the same shape: the result is kept from "
                    f"an earlier call (a cache, a global variable or an attribute of the function), not computed from "
                    f"the arguments of each call.", code="call.keeps_state")
    if len(first) == len(second) and all(a.shape == b.shape for a, b in zip(first, second)) and any(
            not np.array_equal(a, b, equal_nan=True) for a, b in zip(first, second)):
        parts = _RESULT_PARTS.get(name, ())
        changed = [part for part, a, b in zip(parts, first, second) if not np.array_equal(a, b, equal_nan=True)]
        which = f" (its {' and '.join(changed)})" if len(parts) == len(first) and changed else ""
        _fail(task, f"{name} gives another result{which} when it is called again with the same arguments: it keeps "
                    f"state between calls, and something accumulates into it (a global variable, or an attribute of "
                    f"the function, from an earlier call). Compute everything from the arguments of each call.",
              code="call.keeps_state")


#: the parts of a Session 5 function's result that is a pair
_RESULT_PARTS = {"mse_gradients": ("dw", "db"), "sgd_step": ("new w", "new b")}


def _state_probed(task: str, name: str, *args):
    """Decorate the check of task ``task`` (beneath ``@_check``): after its failure,
    :func:`_keeps_state` of the student's function ``name`` (the check's first argument) at ``args``."""
    def decorate(check):
        @functools.wraps(check)
        def probed(function, *rest):
            __tracebackhide__ = True
            try:
                return check(function, *rest)
            except CheckFailed as failure:
                # not where the result's form is wrong (None, not a pair, the wrong order): state shows in values
                if failure.code not in ("call.not_implemented", "call.keeps_state") and not (
                        failure.code.startswith("result.") or ".result." in failure.code):
                    _keeps_state(task, name, function, *args)
                raise
        return probed
    return decorate


def _grid(*shape) -> np.ndarray:
    """A fixed array of ``shape`` with distinct entries of both signs (arguments of a probe)."""
    return np.sin(np.arange(1.0, 1.0 + math.prod(shape))).reshape(shape)


# --------------------------------------------------------------------------- task 2a

def _sigmoid_properties(sigmoid_function, task: str):
    """Fail unless ``sigmoid_function`` is sigma, element-wise, exact, and quiet for large |x|."""
    __tracebackhide__ = True
    rng = _rng(50)
    half, _ = _watched(task, "sigmoid_function(np.zeros(1))", sigmoid_function, np.zeros(1))
    half = _array(task, "sigmoid_function(np.zeros(1))", half, (1,))
    if not _same(half, [0.5], 1e-15):
        at_zero = (" Is x = 0 left out of both conditions (x > 0 and x < 0)? The condition of one branch must include 0."
                   if half[0] == 0 else "")
        _fail(task, f"sigmoid_function(0) must be 1/2, yours is {half[0]:.6g}.{at_zero}", code="sigmoid.x_out.wrong_at_zero")

    points = np.array(CHOSEN_POINTS)
    out, _ = _watched(task, "sigmoid_function", sigmoid_function, points.copy())
    out = _array(task, f"sigmoid_function(x) for x of shape {points.shape}", out, points.shape)
    expected = _sigma_array(points)
    if not _exact(out, expected):
        wrong = int(np.argmax(np.abs(out - expected) / (np.abs(expected) + 1e-300)))
        hint = ""
        if _same(out, 1 - expected, 1e-9):
            hint = " That is sigma(-x) = 1 - sigma(x): check the sign of the exponent, sigma(x) = 1 / (1 + e^-x)."
        elif _same(out, np.tanh(points), 1e-9):
            hint = " That is tanh(x), not the sigmoid."
        elif points[wrong] < 0 and np.all(np.abs(out - expected)[points > 0] <= 1e-12 * expected[points > 0]) \
                and np.all(np.abs(out - expected)[expected > 1e-6] <= 1e-9):
            hint = (" Only negative x are wrong: 1 - sigma(-x) loses all digits when sigma(x) is tiny; use "
                    "e^x / (1 + e^x) there.")
        elif np.all(np.abs(out - expected) < 1e-6):
            hint = (" It is close but not exact: compute in float64 (not float32), and do not clip x to a small "
                    "range (clipping to keep exp from an overflow changes sigma) or round.")
        elif np.all(np.abs(out - expected)[np.abs(points) <= 5] < 1e-12):
            hint = (" Only large |x| are wrong: do not clip or approximate x (clipping to keep exp from an overflow "
                    "changes sigma there); take np.exp only of numbers that "
                    "are not positive instead.")
        _fail(task, f"sigmoid_function({points[wrong]:g}) must be {expected[wrong]:.10g}, yours is "
                    f"{out[wrong]:.10g}.{hint}", code="sigmoid.x_out.wrong_value")

    for shape in ((5,), (2, 3), (2, 3, 4), (1, 1)):
        x = 4 * rng.normal(size=shape)
        original = x.copy()
        out, _ = _watched(task, "sigmoid_function", sigmoid_function, x)
        out = _array(task, f"sigmoid_function(x) for x of shape {shape}", out, shape)
        _unchanged(task, "sigmoid_function", original, x)
        if not _exact(out, _sigma_array(original)):
            _fail(task, f"sigmoid_function works element by element on arrays of any shape; for x of shape "
                        f"{shape} some values are wrong (largest difference "
                        f"{np.max(np.abs(out - _sigma_array(original))):.2e}).", code="sigmoid.x_out.not_elementwise")

    x = 6 * rng.normal(size=(3, 4))
    mirrored = _array(task, "sigmoid_function(-x)", _call(task, "sigmoid_function", sigmoid_function, -x), x.shape)
    direct = _array(task, "sigmoid_function(x)", _call(task, "sigmoid_function", sigmoid_function, x), x.shape)
    if np.max(np.abs(mirrored - (1 - direct))) > 1e-15:
        _fail(task, "sigmoid_function must be symmetric: sigma(-x) = 1 - sigma(x).", code="sigmoid.x_out.not_symmetric")

    large = np.array(LARGE_POINTS)
    out, caught = _watched(task, "sigmoid_function", sigmoid_function, large.copy())
    if caught:
        signs = [_watched(task, "sigmoid_function", sigmoid_function, large[part].copy())[1]
                 for part in (large > 0, large < 0)]
        if not any(signs):  # quiet on either sign alone: one formula is chosen for the whole array
            _fail(task, f"sigmoid_function warns {caught[0]!r} for x in {list(LARGE_POINTS)}, though it is quiet for "
                        f"the positive and the negative values alone: the formula is chosen once for the whole array "
                        f"(a Python `if` on np.all or np.any), not for each element -- choose element by element, "
                        f"with np.where on the condition x >= 0.", code="sigmoid.x_out.condition")
        _fail(task, f"sigmoid_function warns {caught[0]!r} for x in {list(LARGE_POINTS)}: for large |x| "
                    f"np.exp(-x) or np.exp(x) overflows. Take np.exp only of numbers that are not positive "
                    f"(e.g. e^-|x|) and choose the formula by the sign of x.", code="sigmoid.x_out.overflow")
    if out is not None and np.shape(out) == large.shape and not np.all(np.isfinite(np.asarray(out, dtype=float))):
        _fail(task, f"sigmoid_function gives NaN or inf for x in {list(LARGE_POINTS)}: it must be 0 for very "
                    f"negative and 1 for very positive x.", code="sigmoid.x_out.overflow")
    out = _array(task, f"sigmoid_function(x) for x = {list(LARGE_POINTS)}", out, large.shape)
    expected = _sigma_array(large)
    if not _exact(out, expected):
        wrong = int(np.argmax(np.abs(out - expected) > RELATIVE_ROUNDING * np.abs(expected) + SMALLEST_STEPS))
        _fail(task, f"sigmoid_function({large[wrong]:g}) must be {expected[wrong]:.6g} (to float64 rounding; "
                    f"below -40, sigma(x) = e^x), yours is {out[wrong]:.6g}. Do not clip x: compute e^-|x| and "
                    f"choose the formula by the sign of x.", code="sigmoid.x_out.large_x_wrong")
    mixed = np.array([[-1000.0, 0.0, 1000.0], [3.0, -720.0, -3.0]])
    out, caught = _watched(task, "sigmoid_function", sigmoid_function, mixed.copy())
    out = _array(task, "sigmoid_function(x) for x mixing large and small values", out, mixed.shape)
    if caught or not _exact(out, _sigma_array(mixed)):
        _fail(task, "sigmoid_function must handle an array that mixes large negative, small and large "
                    "positive values, element by element.", code="sigmoid.x_out.mixed_values")


def _sigmoid_diagnosed(sigmoid_function, task: str):
    """:func:`_sigmoid_properties`; a wrong value is then probed for the kind of mistake."""
    __tracebackhide__ = True
    try:
        _sigmoid_properties(sigmoid_function, task)
    except CheckFailed as failure:
        if failure.code in ("sigmoid.x_out.wrong_at_zero", "sigmoid.x_out.wrong_value", "result.not_finite"):
            _sigmoid_probe(task, sigmoid_function)
        raise


def _sigmoid_probe(task: str, sigmoid_function):
    """Compare sigmoid_function at the chosen points, x >= 0 and x < 0 apart (a formula per sign
    is common), with typical wrong variants of sigma -- wrong answers, only to recognise them."""
    __tracebackhide__ = True
    points = np.array([x for x in CHOSEN_POINTS if abs(x) <= 12.5] + [0.0])
    try:
        out = np.asarray(sigmoid_function(points.copy()), dtype=float)
    except Exception:  # the failure's own message stands
        return
    if out.shape != points.shape:
        return
    sigma = _sigma_array(points)
    if _same(out, sigma, 1e-9):  # close: a matter of rounding, which the failure itself explains
        return
    e = np.exp(-np.abs(points))
    whole = {
        "wrong_return": (points, "returns x itself: is the value that is stored and returned the sigmoid?"),
        "wrong_return ": (e, "returns e^-|x| itself: is the value that is stored and returned the sigmoid?"),
        "reciprocal": (1 / sigma, "is upside down: it gives 1 / sigma(x), the reciprocal"),
    }
    for kind, (candidate, words) in whole.items():
        if _same(out, candidate, 1e-9):
            _fail(task, f"sigmoid_function {words}.", code=_SIGMOID_CODES[kind.strip()])
    factor = float(np.vdot(sigma, out) / np.vdot(sigma, sigma)) if np.all(np.isfinite(out)) else 0.0
    if factor and _same(out, factor * sigma, 1e-9):
        if abs(factor + 1) < 1e-9:
            _fail(task, "sigmoid_function has the wrong sign: -sigma(x), negative where sigma is between 0 and 1.",
                  code=_SIGMOID_CODES["sign"])
        _fail(task, f"sigmoid_function is off by a constant factor: {factor:.4g} times sigma(x).",
              code=_SIGMOID_CODES["factor"])
    with np.errstate(all="ignore"):  # sigma(k x): x scaled inside the exponential
        inside = np.log(out / (1 - out)) / points
    nonzero = points != 0
    if np.all(np.isfinite(inside[nonzero])) and np.ptp(inside[nonzero]) < 1e-6 and abs(inside[nonzero][0] + 1) < 1e-6:
        _fail(task, "sigmoid_function has the sign of the exponent wrong: it is sigma(-x) = 1 - sigma(x). (With a "
                    "formula for each sign of x, the same comes from the two formulas swapped: is the condition that "
                    "chooses between them the right way round?)", code=_SIGMOID_CODES["sign"])
    if np.all(np.isfinite(inside[nonzero])) and np.ptp(inside[nonzero]) < 1e-6 and abs(inside[nonzero][0] - 1) > 1e-6:
        halved = (" In the form (1 + tanh(x / 2)) / 2, is the 1/2 inside tanh missing?"
                  if abs(inside[nonzero][0] - 2) < 1e-6 else "")
        _fail(task, f"sigmoid_function scales x by a constant factor ({inside[nonzero][0]:.4g}){halved} before the "
                    f"exponential: it is sigma({inside[nonzero][0]:.4g} x).", code=_SIGMOID_CODES["factor"])
    _sigmoid_branches(task, sigmoid_function)
    with np.errstate(all="ignore"):  # what the formulas 1 / (1 + u) and u / (1 + u) were given for e^-|x|
        used = np.where(points >= 0, 1 / out - 1, out / (1 - out))
    for candidate, words, kind in ((-np.abs(points), "-|x| itself where e^-|x| belongs: np.exp is missing",
                                    "exp_missing"),
                                   (-e, "-e^-|x|: the exponential has the wrong sign", "sign"),
                                   (np.exp(-points), "e^-x for every x: for x < 0 that overflows and the sign of "
                                                     "the exponent is wrong -- is |x| missing?", "sign")):
        finite = np.isfinite(used) & np.isfinite(out)  # a formula given -|x| divides by 0 at |x| = 1
        if finite.sum() >= 3 and _same(used[finite], candidate[finite], 1e-9):
            _fail(task, f"sigmoid_function uses {words}.", code=_SIGMOID_CODES[kind])
    with np.errstate(all="ignore"):  # the ratio of a sigmoid of the form 1 / (1 + k e^-x) to sigma
        scale = used / e
    if np.all(np.isfinite(scale)) and np.ptp(scale) < 1e-9 and abs(scale[0] - 1) > 1e-9:
        _fail(task, f"sigmoid_function multiplies the exponential by a constant factor ({scale[0]:.4g}): it is "
                    f"not 1/2 at 0.", code=_SIGMOID_CODES["factor"])
    for branch, where in ((points >= 0, "x >= 0"), (points < 0, "x < 0")):
        other = ~branch
        if not _exact(out[other], sigma[other]):
            continue  # only one branch wrong is judged here
        mine, right, exponential = out[branch], sigma[branch], e[branch]
        with np.errstate(all="ignore"):
            ratio = (1 / mine - 1) / exponential if where == "x >= 0" else mine / (exponential * (1 - mine))
            added = 1 / mine - exponential if where == "x >= 0" else exponential / mine - exponential
        if _same(mine, exponential, 1e-9) or _same(mine, 1 / exponential, 1e-9):
            _fail(task, f"sigmoid_function is the exponential alone for {where}: the 1 + in the denominator is "
                        f"missing there.", code=_SIGMOID_CODES["term_missing"])
        if _same(mine, 1 - right, 1e-9):
            _fail(task, f"sigmoid_function is sigma(-x) for {where}: the sign of the exponent is wrong there "
                        f"(is |x| used where it belongs, and e^-|x| in that branch's formula?).",
                  code=_SIGMOID_CODES["sign"])
        if np.all(np.isfinite(added)) and np.ptp(added) < 1e-9 and abs(added[0]) < 1e-9:
            _fail(task, f"sigmoid_function is the exponential alone for {where}: the 1 + in the denominator is "
                        f"missing there.", code=_SIGMOID_CODES["term_missing"])
        if np.all(np.isfinite(added)) and np.ptp(added) < 1e-9 and abs(added[0] - 1) > 1e-9:
            _fail(task, f"sigmoid_function is off by a constant for {where}: the denominator adds {added[0]:.4g} "
                        f"to the exponential, not 1.", code=_SIGMOID_CODES["factor"])
        if np.all(mine == 1):
            _fail(task, f"sigmoid_function gives 1 for every {where}: a term with e^-|x| is missing from the "
                        f"formula for {where}.", code=_SIGMOID_CODES["term_missing"])
        if _same(mine, 1 / right, 1e-9):
            _fail(task, f"sigmoid_function is upside down for {where}: it gives the reciprocal 1 / sigma(x) "
                        f"there.", code=_SIGMOID_CODES["reciprocal"])
        if np.all(np.isfinite(ratio)) and np.ptp(ratio) < 1e-9 and abs(ratio[0] - 1) > 1e-9:
            _fail(task, f"sigmoid_function is wrong for {where}: there the exponential is multiplied by a "
                        f"constant factor ({ratio[0]:.4g}).", code=_SIGMOID_CODES["factor"])
        factor = float(np.vdot(right, mine) / np.vdot(right, right))
        if _same(mine, factor * right, 1e-9):
            _fail(task, f"sigmoid_function is off by a constant factor for {where}: {factor:.4g} times sigma(x).",
                  code=_SIGMOID_CODES["factor"])


def _quotient(u: np.ndarray, values: np.ndarray) -> np.ndarray | None:
    """``(a, b, c, d)`` with ``values == (a + b u) / (c + d u)`` at every point, scaled so that c
    is 1 (d where c is 0), coefficients near a multiple of 1/2 rounded to it;
    None when no such quotient fits."""
    matrix = np.stack([np.ones_like(u), u, -values, -values * u], axis=1)
    if not np.all(np.isfinite(matrix)) or len(u) < 6:
        return None
    _, singular, vectors = np.linalg.svd(matrix)
    if singular[-1] > 1e-9 * singular[0] or singular[-2] < 1e-6 * singular[0]:
        return None  # no quotient fits, or many do
    c, d = vectors[-1][2:]
    coefficients = vectors[-1] / (c if abs(c) > 1e-9 * abs(d) else d)  # the denominator's constant 1 where it has one
    rounded = np.round(2 * coefficients) / 2
    return np.where(np.abs(coefficients - rounded) < 1e-6, rounded, coefficients) + 0.0


def _quotient_words(a, b, c, d) -> str:
    """(a + b u) / (c + d u) in words, u = e^-|x|."""
    def linear(constant, slope):
        parts = [f"{constant:g}"] if constant else []
        if slope:
            term = "e^-|x|" if abs(slope) == 1 else f"{abs(slope):g} e^-|x|"
            parts.append(("- " if slope < 0 else "+ " if parts else "") + term)
        return " ".join(parts) or "0"
    def bracketed(words):
        return f"({words})" if " " in words.strip("-") else words
    numerator, denominator = linear(a, b), linear(c, d)
    return numerator if denominator == "1" else f"{bracketed(numerator)} / {bracketed(denominator)}"


#: sigma as a quotient (a + b u) / (c + d u) of u = e^-|x|, per sign of x
_SIGMA_QUOTIENTS = {"x >= 0": (1.0, 0.0, 1.0, 1.0), "x < 0": (0.0, 1.0, 1.0, 1.0)}


def _sigmoid_branches(task: str, sigmoid_function):
    """After a failure: sigmoid_function as a quotient of e^-|x| on each sign of x (the stable
    formula), compared with sigma's -- the formula of the other sign, a sign or a 1 + missing in
    the denominator, or another quotient, each named for the sign of x where it is wrong."""
    __tracebackhide__ = True
    size = np.array([0.1, 0.3, 0.7, 1.3, 2.1, 3.4, 5.0])
    points = np.concatenate([size, -size])
    try:
        with np.errstate(all="ignore"):
            out = np.asarray(sigmoid_function(points.copy()), dtype=float)
    except Exception:  # noqa: BLE001 - the failure's own message stands
        return
    if out.shape != points.shape:
        return
    u = np.exp(-size)
    halves = {"x >= 0": (out[:len(size)], size), "x < 0": (out[len(size):], -size)}
    for where, (values, x) in halves.items():
        if np.all(np.isfinite(values)) and np.ptp(values) < 1e-12 and not _same(values, _sigma_array(x), 1e-9):
            _fail(task, f"sigmoid_function gives {values[0]:.4g} for every {where}: the term with e^-|x| is missing "
                        f"from that formula, or cancels out.", code=_SIGMOID_CODES["term_missing"])
    found = {where: _quotient(u, values) for where, (values, _) in halves.items()}
    if any(value is None for value in found.values()):
        return
    wrong = {where: value for where, value in found.items() if not np.allclose(value, _SIGMA_QUOTIENTS[where])}
    other = {"x >= 0": "x < 0", "x < 0": "x >= 0"}
    swapped = [where for where, value in wrong.items() if np.allclose(value, _SIGMA_QUOTIENTS[other[where]])]
    if len(swapped) == 2:
        _fail(task, "sigmoid_function uses for each sign of x the formula of the other: the two formulas are swapped "
                    "-- is the condition that chooses between them the right way round?", code=_SIGMOID_CODES["condition"])
    if swapped:
        where = swapped[0]
        _fail(task, f"sigmoid_function uses for {where} the formula that belongs to {other[where]}: it gives sigma(-x) "
                    f"there. The sign of the exponent is wrong there (e^-x where e^-|x| belongs?), or the condition "
                    f"that chooses the formula is reversed.", code=_SIGMOID_CODES["condition"])
    for where, (a, b, c, d) in wrong.items():
        right = _SIGMA_QUOTIENTS[where]
        yours = f"for {where} it is {_quotient_words(a, b, c, d)}"
        if (a, b) == right[:2] and (c, d) == (1.0, -1.0):
            _fail(task, f"sigmoid_function has a wrong sign in the denominator: {yours}, where the denominator is "
                        f"1 + e^-|x|.", code=_SIGMOID_CODES["sign"])
        if (a, b) == right[:2] and c == 0:
            _fail(task, f"sigmoid_function: {yours} -- the 1 + in the denominator is missing there.",
                  code=_SIGMOID_CODES["term_missing"])
        if (c, d) == (1.0, 1.0) and (a, b) == (-right[0], -right[1]):
            _fail(task, f"sigmoid_function has the wrong sign for {where}: {yours}.", code=_SIGMOID_CODES["sign"])


#: kinds of a wrong sigmoid_function that :func:`_sigmoid_probe` names -> codes
_SIGMOID_CODES = {"wrong_return": "sigmoid.x_out.wrong_return", "reciprocal": "sigmoid.x_out.reciprocal",
                  "sign": "sigmoid.x_out.sign", "exp_missing": "sigmoid.x_out.exp_missing",
                  "factor": "sigmoid.x_out.factor", "term_missing": "sigmoid.x_out.term_missing",
                  "condition": "sigmoid.x_out.condition"}


@_check("2a")
@_state_probed("2a", "sigmoid_function", np.array(CHOSEN_POINTS))
def check_sigmoid_function(sigmoid_function):
    """Task 2a: sigma element-wise, exact to float64 rounding, no overflow for large |x|."""
    _sigmoid_diagnosed(sigmoid_function, "2a")
    return ("sigmoid_function is sigma element by element, exact to float64 rounding, and quiet and "
            "finite for x = +-1000 and +-1e5.")


# --------------------------------------------------------------------------- task 2b

def _derivative_hint(out, points, sigma, slope) -> tuple[str, str]:
    """``(hint, code)`` naming the mistake if ``out``, sigmoid_derivative at ``points``, is a typical
    wrong variant of the slope (the variants are wrong answers, only to recognise them)."""
    factor = float(np.vdot(slope, out) / np.vdot(slope, slope))
    scaled = {k: (k * sigma) * (1 - k * sigma) for k in (2.0, 0.5, -1.0)}
    candidates = [
        (-slope, " It has the wrong sign: sigma is increasing, its slope is positive.",
         "sigmoid_derivative.x_out.sign"),
        (points * (1 - points), " That is x (1 - x): the formula sigma (1 - sigma) needs sigma(x), not x -- x is "
         "the input of the sigmoid here, not its output; is the sigmoid applied to x first?",
         "sigmoid_derivative.x_out.sigmoid_missing"),
        (sigma, " That is sigma(x) itself, not its derivative: a factor of the derivative is missing -- is the "
         "right value stored and returned?", "sigmoid_derivative.x_out.wrong_return"),
        (points, " That is x itself: is the right value stored and returned?", "sigmoid_derivative.x_out.wrong_return"),
        (sigma ** 2, " That is sigma(x) squared: the 1 - of the second factor is missing, or its sigma has the wrong "
         "sign of x (sigma(-x) = 1 - sigma(x)).", "sigmoid_derivative.x_out.term_missing"),
        (sigma * (1 - points), " That is sigma(x) (1 - x): the second factor needs sigma(x), not x -- is the sigmoid "
         "applied there too?", "sigmoid_derivative.x_out.sigmoid_missing"),
        ((1 - sigma) ** 2, " That is a square of 1 - sigma(x): check the two factors of the product.",
         "sigmoid_derivative.x_out.power"),
        (sigma * (1 + sigma), " The second factor has the wrong sign inside: sigma (1 + sigma).",
         "sigmoid_derivative.x_out.sign"),
        (_sigma_array(sigma) * (1 - _sigma_array(sigma)), " That is the sigmoid applied twice: sigma(s) (1 - sigma(s)) "
         "with s = sigma(x) -- the formula takes s = sigma(x) as it is.", "sigmoid_derivative.x_out.sigmoid_twice"),
        (1 - sigma, " That is 1 - sigma(x) = e^-x / (1 + e^-x) alone: a factor of the derivative is missing -- "
                    "written with e^-x, the denominator must be a square of (1 + e^-x).",
         "sigmoid_derivative.x_out.term_missing"),
        (factor * slope, f" It is off by a constant factor: {factor:.4g} times the slope of sigma.",
         "sigmoid_derivative.x_out.factor"),
    ] + [(_sigma_array(k * points) * (1 - _sigma_array(k * points)),
          f" It is sigma'({k:g} x): x is multiplied by a constant factor ({k:g}) inside -- in the form "
          f"(1 - tanh^2(x / 2)) / 4, is x halved?", "sigmoid_derivative.x_out.factor") for k in (2.0, 0.5)
    ] + [(value, " sigma enters with the wrong sign (a factor -1) before the product is taken." if k == -1 else
          f" sigma is scaled by a constant factor ({k:g}) before the product is taken.",
          "sigmoid_derivative.x_out.sign" if k == -1 else "sigmoid_derivative.x_out.factor")
         for k, value in scaled.items()]
    finite = np.isfinite(out)  # a formula that overflows far out is judged where it is finite
    for candidate, hint, code in candidates:
        if code == "sigmoid_derivative.x_out.factor" and abs(factor - 1) < 1e-9:
            continue  # right at these points: the failure lies elsewhere (at 0)
        if np.shape(candidate) == np.shape(out) and finite.sum() >= 3 and _same(out[finite], np.asarray(
                candidate)[finite], 1e-9):
            return hint, code
    single = sigma.astype(np.float32)
    if _same(out, (single * (1 - single)).astype(float), 1e-6):
        return (" That is sigma (1 - sigma) rounded to float32: compute in float64 (np.float32 keeps about 7 "
                "digits).", "sigmoid_derivative.x_out.float32")
    kept = np.abs(points) <= 12.5  # where sigma and 1 - sigma both keep their digits
    right = {"sigma(x)": 1, "1 - sigma(x)": 1}
    yours = gradcheck.monomial(out[kept], {"sigma(x)": sigma[kept], "1 - sigma(x)": 1 - sigma[kept]})
    if yours is not None and yours[1] != right:
        kind, sentence = gradcheck.product_mistake("yours", yours, (1.0, right))
        return (f" sigma' = sigma(x) (1 - sigma(x)); in {sentence}.",
                _DERIVATIVE_CODES[kind])
    # sigma' = e / (1 + e)^2 with e = e^-x, and with e = e^-|x| too (it is even): the same quotient with
    # other powers of its two parts
    for exponential in (np.exp(-points[kept]), np.exp(-np.abs(points[kept]))):
        written = gradcheck.monomial(out[kept], {"e": exponential, "1 + e": 1 + exponential}, powers=(-2, -1, 0, 1, 2))
        if written is None or written[1] == {"e": 1, "1 + e": -2} or abs(written[0] - 1) > 1e-6:
            continue
        numerator, denominator = written[1]["e"], -written[1]["1 + e"]
        if numerator == -1 and denominator == 2:
            return (" Yours is e^x / (1 + e^-x)^2: the exponential in the numerator has the wrong sign -- sigma' = "
                    "e^-x / (1 + e^-x)^2.", "sigmoid_derivative.x_out.sign")
        if numerator == 1:
            return (f" Yours is e^-x / (1 + e^-x)^{denominator}: sigma' = e^-x / (1 + e^-x)^2 needs a square of "
                    f"(1 + e^-x) in the denominator.", "sigmoid_derivative.x_out.power")
    if np.all(np.isfinite(out)) and np.allclose(out, slope, rtol=1e-2, atol=1e-300):
        return (" It is close but not exact: compute in float64 (not float32), and where sigma(x) is close to 1, "
                "1 - sigma(x) loses digits -- take it from sigma(-x).", "sigmoid_derivative.x_out.rounding")
    with np.errstate(all="ignore"):  # sigma (k - sigma) with another constant k
        constant = out / sigma + sigma
    if np.all(np.isfinite(constant)) and np.ptp(constant) < 1e-9 and abs(constant[0] - 1) > 1e-9:
        return (" It is off by a constant inside the product: check the number in its second factor.",
                "sigmoid_derivative.x_out.factor")
    return "", "sigmoid_derivative.x_out.wrong_value"


#: kinds of :func:`gradcheck.product_mistake` -> a sigmoid_derivative code
_DERIVATIVE_CODES = {"term_missing": "sigmoid_derivative.x_out.term_missing",
                     "extra_factor": "sigmoid_derivative.x_out.extra_factor", "power": "sigmoid_derivative.x_out.power",
                     "reciprocal": "sigmoid_derivative.x_out.reciprocal", "sign": "sigmoid_derivative.x_out.sign",
                     "factor": "sigmoid_derivative.x_out.factor", "averaged": "sigmoid_derivative.x_out.factor",
                     "factors": "sigmoid_derivative.x_out.wrong_factors"}


def _derivative_properties(sigmoid_derivative, task: str, sigmoid_function=None):
    __tracebackhide__ = True
    rng = _rng(51)
    quarter = _array(task, "sigmoid_derivative(np.zeros(1))",
                     _call(task, "sigmoid_derivative", sigmoid_derivative, np.zeros(1)), (1,))
    points = np.array(CHOSEN_POINTS)
    sigma = _sigma_array(points)
    slope = sigma * (1 - sigma)  # the definition, sigma' = sigma (1 - sigma)
    x = points.copy()
    out = _array(task, f"sigmoid_derivative(x) for x of shape {points.shape}",
                 _call(task, "sigmoid_derivative", sigmoid_derivative, x), points.shape)
    _unchanged(task, "sigmoid_derivative", points, x)
    close = bool(np.all(np.abs(out - slope) <= 1e-14 + 1e-10 * slope))
    if not close or not _same(quarter, [0.25], 1e-12):
        hint, code = _derivative_hint(out, points, sigma, slope)
        wrong = int(np.argmax(np.abs(out - slope)))
        _fail(task, f"sigmoid_derivative({points[wrong]:g}) must be sigma'({points[wrong]:g}) = "
                    f"{slope[wrong]:.8g}, yours is {out[wrong]:.8g} (and at 0 it must be 1/4, yours is "
                    f"{quarter[0]:.6g}).{hint}", code=code)

    # two arrays of each shape: a result kept from an earlier call of the same shape shows
    for shape in ((2, 3), (2, 3), (4,), (2, 1, 3)):
        x = 3 * rng.normal(size=shape)
        out = _array(task, f"sigmoid_derivative(x) for x of shape {shape}",
                     _call(task, "sigmoid_derivative", sigmoid_derivative, x.copy()), shape)
        # the slope of the definition, by central differences
        probe = x.copy()
        numeric = np.zeros(shape)
        for index in np.ndindex(shape):
            numeric[index] = (_sigma(probe[index] + 1e-6) - _sigma(probe[index] - 1e-6)) / 2e-6
        if not _same(out, numeric, 1e-6):
            _fail(task, f"sigmoid_derivative for x of shape {shape} differs from the slope of sigma by finite "
                        f"differences (relative error {_error(out, numeric):.2e}).", code="sigmoid_derivative.x_out.fd_mismatch")
        if sigmoid_function is not None:
            # and the slope of the student's own sigmoid
            values = [_array(task, "sigmoid_function(x)", _call(task, "sigmoid_function", sigmoid_function,
                                                               x + sign * 1e-6), shape) for sign in (1, -1)]
            own = (values[0] - values[1]) / 2e-6
            if not _same(out, own, 1e-6):
                _fail(task, f"sigmoid_derivative does not match the slope of your sigmoid_function by finite "
                            f"differences (relative error {_error(out, own):.2e}).", code="sigmoid_derivative.x_out.not_own_slope")

    large = np.array(LARGE_POINTS)
    out, caught = _watched(task, "sigmoid_derivative", sigmoid_derivative, large.copy())
    if caught:
        _fail(task, f"sigmoid_derivative warns {caught[0]!r} for x in {list(LARGE_POINTS)}: compute it from "
                    f"your sigmoid_function, which must not overflow.", code="sigmoid_derivative.x_out.overflow")
    out = _array(task, f"sigmoid_derivative(x) for x = {list(LARGE_POINTS)}", out, large.shape)
    if np.max(np.abs(out)) > 1e-300:
        _fail(task, f"sigmoid_derivative must be (about) 0 for x in {list(LARGE_POINTS)}; yours gives up to "
                    f"{np.max(np.abs(out)):.3g}.", code="sigmoid_derivative.x_out.large_x_wrong")


@_check("2b")
@_state_probed("2b", "sigmoid_derivative", np.array(CHOSEN_POINTS))
def check_sigmoid_derivative(sigmoid_derivative, sigmoid_function=None):
    """Task 2b: sigma' = sigma (1 - sigma) of the input, against the definition and finite differences.

    With ``sigmoid_function`` (the check cell hands it over), the derivative must also be
    the slope of the student's sigmoid, and the task waits while task 2a has a bug.
    """
    task = "2b"
    _implemented(task, "sigmoid_derivative", sigmoid_derivative, np.zeros(1))
    _builds_on(task, sigmoid_function=sigmoid_function)
    if sigmoid_function is not None and _failure_of(_sigmoid_properties, sigmoid_function, "2a"):
        sigmoid_function = None  # not implemented yet: judge the derivative on its own
    _derivative_properties(sigmoid_derivative, task, sigmoid_function)
    return ("sigmoid_derivative is sigma(x) (1 - sigma(x)): it matches the definition and the slope of "
            "sigma by finite differences, and is 0 for large |x|.")


# --------------------------------------------------------------------------- task 2c

def _logit(task: str, description: str, p) -> np.ndarray:
    """log(p / (1 - p)): the input of the sigmoid that gave ``p``."""
    __tracebackhide__ = True
    if np.any(p <= 0) or np.any(p >= 1):
        hint = " Is forward sigma(x w^T + b), with the sigmoid applied last?"
        if np.any(p < 0) and np.all(p > -1) and np.all(p < 1):
            hint += " Values between -1 and 1 look like tanh."
        _fail(task, f"{description} must lie strictly between 0 and 1 (it is a sigmoid), yours range from "
                    f"{np.min(p):.4g} to {np.max(p):.4g}.{hint}", code="neuron.x_out.not_sigmoid")
    return np.log(p) - np.log1p(-p)


def _forward_properties(forward, task: str):
    """Fail unless ``forward(x, w, b)`` is sigma(x w^T + b) with batch first."""
    __tracebackhide__ = True
    rng = _rng(52)
    # the square layer first: there, w in place of w.T gives a wrong value, not a shape error
    for n_in, n_out, batch in ((4, 4, 1), (5, 3, 4), (3, 6, 2), (784, 10, 3)):
        scale = 1.0 / math.sqrt(n_in)
        w, b = scale * rng.normal(size=(n_out, n_in)), 0.5 * rng.normal(size=(1, n_out))
        x = rng.normal(size=(batch, n_in))
        originals = x.copy(), w.copy(), b.copy()
        description = f"forward(x, w, b) for x of shape {x.shape}, w {w.shape}, b {b.shape}"
        out = _array(task, description, _call(task, "forward", forward, x, w, b), (batch, n_out))
        for name, original, now in zip(("x", "w", "b"), originals, (x, w, b)):
            _unchanged(task, "forward", original, now, f"its argument {name}")
        logit = _logit(task, "the outputs of forward", out)

        zero = _array(task, "forward(zeros, w, b)", _call(task, "forward", forward, np.zeros((1, n_in)), w, b),
                      (1, n_out))
        zero_logit = _logit(task, "the outputs of forward", zero)
        if not _same(zero_logit, b, 1e-9):
            if _same(zero, b + 0.5, 1e-9):
                _fail(task, "forward adds b after the sigmoid: it must be sigma(x w^T + b), b inside.", code="neuron.x_out.bias_outside")
            larger = b + 2.5  # whole parts a truncation keeps: told apart from a bias left out
            try:
                cut = _logit(task, "the outputs of forward", np.asarray(forward(np.zeros((1, n_in)), w.copy(),
                                                                                larger.copy()), dtype=float))
            except Exception:  # noqa: BLE001 - the plain failure below stands
                cut = None
            if cut is not None and np.shape(cut) == larger.shape and _same(cut, np.trunc(larger), 1e-9):
                _fail(task, "forward of an all-zero input gives sigma of b cut to whole numbers: x w^T + b is written "
                            "into an integer array (dtype int), which truncates it. Look at the dtype of the buffer.",
                      code="neuron.x_out.integer_buffer")
            if _same(zero_logit, -b, 1e-9):
                _fail(task, "forward of an all-zero input gives sigma(-b): the bias enters with the wrong sign, "
                            "z = x w^T + b.", code="neuron.x_out.bias_sign")
            if np.allclose(zero, 0.5, atol=1e-12):
                _fail(task, "the bias b is not added: forward of an all-zero input must give sigma(b).", code="neuron.x_out.bias_missing")
            _fail(task, f"forward of an all-zero input must give sigma(b) (relative error of its logit "
                        f"{_error(zero_logit, b):.2e}).", code="neuron.x_out.bias_wrong")
        if n_in <= 8:
            units = _array(task, "forward(identity matrix, w, b)",
                           _call(task, "forward", forward, np.eye(n_in), w, b), (n_in, n_out))
            response = _logit(task, "the outputs of forward", units) - zero_logit
            if not _same(response, w.T, 1e-8):
                hint = ""
                if n_in == n_out and _same(response, w, 1e-8):
                    hint = " Your forward uses w where its transpose belongs (works only by luck of shapes)."
                elif _same(response, 2 * w.T, 1e-8):
                    hint = " It is twice w: is the sigmoid 1 / (1 + e^-z), not 1 / (1 + e^-2z)?"
                elif _same(response, w.T, 1e-5):
                    hint = (" It is close but not exact: compute in float64 -- a float32 array or .astype(np.float32) "
                            "keeps only about 7 digits.")
                _fail(task, f"forward: for a unit input in component j, sigma^-1(output) - b must be column j of w "
                            f"(w has shape (n_out, n_in)); relative error {_error(response, w.T):.2e}.{hint}", code="neuron.x_out.weights_wrong")
        for i in range(batch):  # samples in a batch are independent
            single = _call(task, "forward", forward, x[i:i + 1], w, b)
            if not _same(np.asarray(single, dtype=float).reshape(-1), out[i], 1e-12):
                _fail(task, f"sample {i} of a batch gives another result than the same sample alone: "
                            f"samples must not mix.", code="neuron.x_out.samples_mix")
        twice = _logit(task, "the outputs of forward", _array(
            task, description, _call(task, "forward", forward, 2 * x, w, b), (batch, n_out)))
        if not _same(twice - zero_logit, 2 * (logit - zero_logit), 1e-8):
            _fail(task, "sigma^-1(forward(x, w, b)) must be affine in x (x w^T + b): doubling x must double "
                        "x w^T.", code="neuron.x_out.not_affine")
        other = np.array(w) * -1.0
        flipped = _logit(task, "the outputs of forward", _array(
            task, description, _call(task, "forward", forward, x, other, b), (batch, n_out)))
        if not _same(flipped - zero_logit, -(logit - zero_logit), 1e-8):
            _fail(task, "forward must use the weights w it is given (not a global variable): negating w must "
                        "negate x w^T.", code="neuron.x_out.global_w")


def _forward_diagnosed(forward, task: str):
    """:func:`_forward_properties`; a failure is then probed for the kind of mistake."""
    __tracebackhide__ = True
    try:
        _forward_properties(forward, task)
    except CheckFailed as failure:
        if failure.code not in ("argument.in_place", "call.not_implemented"):
            _forward_probe(task, forward)
        raise


def _forward_probe(task: str, forward):
    """After a failure: compare forward on a square problem (n_in = n_out = batch, every product
    fits) with typical wrong variants of sigma(x w^T + b) -- wrong answers, only to recognise them."""
    __tracebackhide__ = True
    rng = _rng(56)
    x, w, b = rng.normal(size=(4, 4)), 0.5 * rng.normal(size=(4, 4)), 0.5 * rng.normal(size=(1, 4))
    try:
        out = np.asarray(forward(x.copy(), w.copy(), b.copy()), dtype=float)
    except Exception:  # the failure's own message stands
        return
    z = x @ w.T + b
    correct = _sigma_array(z)
    if out.shape == b.shape:  # one row whatever the batch: made of b alone?
        out = np.broadcast_to(out, correct.shape)
    if out.shape != correct.shape or _same(out, correct, 1e-9):
        return
    variants = {
        ("forward.sign", "has the wrong sign: its outputs are -sigma(x w^T + b)"): -correct,
        ("forward.transposed", "uses w where its transpose belongs (works only by luck of shapes)"):
            _sigma_array(x @ w + b),
        ("forward.wrong_return", "returns its argument w, not the sigmoid: is the right value returned "
                                 "(stored and returned)?"): w,
        ("forward.wrong_return", "returns its argument x, not the sigmoid: is the right value returned "
                                 "(stored and returned)?"): x,
        ("forward.sigmoid_missing", "returns x w^T + b, not the sigmoid of it: is the right value stored and "
                                    "returned -- the sigmoid applied last, so that every output lies between 0 and 1?"): z,
        ("forward.bias_outside", "adds b after the sigmoid, sigma(x w^T) + b: it must be sigma(x w^T + b), b "
                                 "inside -- the sigmoid's input leaves out the bias"): _sigma_array(x @ w.T) + b,
        ("forward.sigmoid_of_input", "applies the sigmoid to the input x, not to z = x w^T + b: the sigmoid comes "
                                     "last"): _sigma_array(x) @ w.T + b,
        ("forward.term_missing", "returns sigma(b): the product x w^T is missing from z = x w^T + b"):
            np.broadcast_to(_sigma_array(b), correct.shape),
        ("forward.wrong_return", "returns its argument b, not the sigmoid: is the right value stored and "
                                 "returned?"): np.broadcast_to(b, correct.shape),
        ("forward.bias_transposed", "adds b as a column (b transposed, b.T): b has shape (1, n_out) and is added "
                                    "to every row as it is"): _sigma_array(x @ w.T + b.T),
        ("forward.transposed", "computes w x^T + b, with w x^T the transpose of x w^T: the batch must be the first "
                               "dimension, z = x w^T + b"): _sigma_array(w @ x.T + b),
        ("forward.axis", "sums x_j w_kj over the outputs k where the sum over the inputs j belongs -- the wrong axis "
                         "of x[:, None, :] * w[None, :, :]"): _sigma_array(x * w.sum(axis=0) + b),
    }
    for (kind, words), candidate in variants.items():
        if np.shape(candidate) == out.shape and _same(out, candidate, 1e-9):
            _fail(task, f"forward {words}" + ("" if words.endswith(("?", ".")) else "."), code=_NEURON_CODES[kind])
    factor = float(np.vdot(correct, out) / np.vdot(correct, correct))
    if _same(out, factor * correct, 1e-9):
        _fail(task, f"forward is off by a constant factor: its outputs are {factor:.4g} times sigma(x w^T + b).",
              code="neuron.x_out.factor")
    for inner in (1 / x.shape[1], 1 / x.shape[0], 2.0, 0.5):
        if _same(out, _sigma_array(inner * (x @ w.T) + b), 1e-9):
            _fail(task, f"forward scales x w^T by a constant factor ({inner:.4g}) inside the sigmoid.",
                  code="neuron.x_out.factor")


#: the kinds of wrong forward that :func:`_forward_probe` recognises -> their codes
_NEURON_CODES = {"forward.sign": "neuron.x_out.sign", "forward.transposed": "neuron.x_out.transposed",
                 "forward.wrong_return": "neuron.x_out.wrong_return",
                 "forward.sigmoid_missing": "neuron.x_out.sigmoid_missing",
                 "forward.bias_outside": "neuron.x_out.bias_outside", "forward.sigmoid_of_input": "neuron.x_out.sigmoid_of_input",
                 "forward.term_missing": "neuron.x_out.product_missing",
                 "forward.bias_transposed": "neuron.x_out.bias_transposed", "forward.axis": "neuron.x_out.axis"}


@_check("2c")
@_state_probed("2c", "forward", _grid(3, 4), 0.5 * _grid(2, 4), 0.5 * _grid(1, 2))
def check_forward(forward, sigmoid_function=None):
    """Task 2c: ``forward(x, w, b)`` is sigma(x w^T + b), batch first."""
    task = "2c"
    _implemented(task, "forward", forward, np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 1)))
    _builds_on(task, sigmoid_function=sigmoid_function)
    _forward_diagnosed(forward, task)
    return "forward(x, w, b) is sigma(x w^T + b) for a batch of samples, one row each."


# --------------------------------------------------------------------------- task 2d

def _cost(x, w, b, target) -> float:
    """The cost of task 1a, as defined there: 1/2 sum (sigma(x w^T + b) - target)^2 (|z| small here)."""
    return 0.5 * float(np.sum((1.0 / (1.0 + np.exp(-(x @ w.T + b))) - target) ** 2))


def _gradient_hint(name: str, value, x, w, b, target) -> tuple[str, str]:
    """Name a typical mistake behind a wrong ``dw`` or ``db`` (the candidates are wrong answers)."""
    try:
        value = np.asarray(value, dtype=float)
        z = x @ w.T + b
        p = 1.0 / (1.0 + np.exp(-z))

        def sigma(values):
            return 1.0 / (1.0 + np.exp(-values))
        slope = p * (1 - p)
        candidates = {
            ("the target is left out of the difference prediction - target", "mse_gradients.delta.term_missing"):
                p * slope,
            ("x w^T is left out of z = x w^T + b", "mse_gradients.delta.term_missing"):
                (sigma(b + 0 * z) - target) * sigma(b + 0 * z) * (1 - sigma(b + 0 * z)),
            ("the factor sigma'(z) of the chain rule is replaced by z itself -- the derivative is missing",
             "mse_gradients.delta.derivative_missing"): (p - target) * z,
            ("the prediction is z itself: is the sigmoid applied to z?", "mse_gradients.delta.sigmoid_missing"):
                (z - target) * slope,
            ("z = x w^T + b has the wrong sign", "mse_gradients.delta.sign"):
                (sigma(-z) - target) * sigma(-z) * (1 - sigma(-z)),
            (f"x w^T inside z is divided by a constant factor (n_in = {x.shape[1]}) -- it looks averaged",
             "mse_gradients.delta.factor"):
                (sigma(x @ w.T / x.shape[1] + b) - target) * sigma(x @ w.T / x.shape[1] + b)
                * (1 - sigma(x @ w.T / x.shape[1] + b)),
            ("it misses the factor sigma'(z) = sigma(z) (1 - sigma(z)) of the chain rule",
             "mse_gradients.delta.derivative_missing"): p - target,
            ("the factor sigma'(z) of the chain rule is replaced by sigma(z) itself -- the derivative is missing",
             "mse_gradients.delta.derivative_missing"): (p - target) * p,
            ("the factor sigma'(z) is computed as z (1 - z): the formula needs sigma(z), not z -- is the sigmoid "
             "applied there?", "mse_gradients.delta.sigmoid_missing"): (p - target) * z * (1 - z),
            ("the error prediction - target is left out: only the factor sigma'(z) is left",
             "mse_gradients.delta.term_missing"): slope,
            ("a square of (prediction - target) where its derivative belongs: the cost itself, not its slope",
             "mse_gradients.delta.power"): (p - target) ** 2 * slope,
            ("half a square of (prediction - target) where its derivative belongs: the cost itself, not its slope",
             "mse_gradients.delta.power"): 0.5 * (p - target) ** 2 * slope,
            ("sigma' is taken of the output p = sigma(z); it belongs to the input z = x w^T + b",
             "mse_gradients.delta.derivative_of_output"):
                (p - target) * (1 / (1 + np.exp(-p))) * (1 - 1 / (1 + np.exp(-p))),
            ("it leaves out the bias b: z = x w^T + b", "mse_gradients.delta.bias_missing"):
                (1 / (1 + np.exp(-(x @ w.T))) - target) * (1 / (1 + np.exp(-(x @ w.T))))
                * (1 - 1 / (1 + np.exp(-(x @ w.T)))),
        }
        candidates[("p changed in place to sigma'(z) = p (1 - p) before the error p - target is taken (ds = p; "
                    "ds *= 1 - p makes ds and p one array -- use ds = p * (1 - p), a new array)",
                    "mse_gradients.delta.in_place")] = (slope - target) * slope
        candidates[("prediction - target summed over each sample's outputs (axis 1): each output keeps its own "
                    "error", "mse_gradients.delta.error_summed")] = np.sum(p - target, axis=1, keepdims=True) * slope
        for k in (2.0, 0.5):  # z scaled inside the sigmoid: sigma(k z)
            scaled = sigma(k * z)
            candidates[(f"z = x w^T + b is multiplied by a constant factor ({k:g}) inside the sigmoid",
                        "mse_gradients.delta.z_scaled")] = (scaled - target) * scaled * (1 - scaled)
        for (mistake, code), delta in candidates.items():
            wrong = delta.T @ x if name == "dw" else np.sum(delta, axis=0, keepdims=True)
            if wrong.shape == value.shape and _same(value, wrong, 1e-8):
                return f" {name} looks like {mistake}.", code
        if name == "dw" and len(x) > 1 and value.shape == w.shape and _same(
                value, np.outer(((p - target) * slope).sum(axis=0), x.sum(axis=0)), 1e-8):
            return (" dw is the product of two sums over the batch, (sum of delta)^T (sum of x): each sample's own "
                    "product delta_i^T x_i must be summed -- the batch index belongs to both factors of one product.",
                    "mse_gradients.dw.product_of_sums")
        delta = (p - target) * slope
        if name == "dw" and value.shape == w.shape and _same(value, delta.reshape(delta.shape[::-1]) @ x, 1e-8) \
                and len(x) > 1:
            return (" dw uses delta reshaped to (n_out, batch) where its transpose belongs: reshape keeps the order of "
                    "the entries and mixes the samples -- delta.T is the transpose.", "mse_gradients.dw.reshaped")
        if name == "dw" and value.shape == w.shape and _same(value, np.broadcast_to(
                (delta.T @ x).sum(axis=1, keepdims=True), w.shape), 1e-8):
            return (" each row of dw is one number, the sum over the batch and over the inputs too: the wrong axis -- "
                    "each entry of dw keeps its input, dw = delta^T x sums over the batch only.",
                    "mse_gradients.dw.axis")
        if name == "db" and value.shape == b.shape and _same(value, np.full(b.shape, delta.sum()), 1e-8):
            return (" every entry of db is the sum of delta over the whole batch and every output: sum over the batch "
                    "only (axis 0), one value per output -- the wrong axis.", "mse_gradients.db.axis")
        if name == "dw":  # delta^T times another array than x
            for words, other in (("z = x w^T + b", z), ("the prediction p", p), ("the target", target)):
                wrong = delta.T @ other
                if wrong.shape == value.shape and _same(value, wrong, 1e-8):
                    return (f" dw looks like delta^T times {words}, where x belongs: dw = delta^T x, the error signal "
                            f"times the input.", "mse_gradients.dw.wrong_input")
        if name == "db":
            for (mistake, code), wrong in {
                    ("sums over the outputs (axis 1), the wrong axis: sum over the batch", "mse_gradients.db.axis"):
                        np.sum(delta, axis=1, keepdims=True),
                    ("sums over every axis: sum over the batch only (axis 0) -- the wrong axis",
                     "mse_gradients.db.axis"): np.sum(delta),
                    ("sums over every axis (shape (1, 1)): sum over the batch only (axis 0) -- the wrong axis",
                     "mse_gradients.db.axis"): np.sum(delta, keepdims=True),
                    ("is not summed over the batch: one row per sample", "mse_gradients.db.not_summed"): delta,
            }.items():
                if np.shape(wrong) == value.shape and _same(value, wrong, 1e-8):
                    return f" db {mistake}.", code
        if name == "dw":
            found = _delta_mistake(value, x, p, target, z)
            if found:
                return found
    except (TypeError, ValueError):
        pass
    return "", ""


def _delta_of(dw: np.ndarray, x: np.ndarray) -> np.ndarray | None:
    """The per-sample error signal delta, (batch, n_out), with ``dw == delta^T x``, where x (batch,
    n_in) determines it (batch <= n_in, full rank) and dw has that form; else None."""
    if dw.ndim != 2 or dw.shape[1] != x.shape[1] or x.shape[0] > x.shape[1] \
            or np.linalg.matrix_rank(x) < x.shape[0]:
        return None
    delta = (dw @ np.linalg.pinv(x)).T
    return delta if _same(delta.T @ x, dw, 1e-9) else None


def _delta_mistake(dw, x, p, target, z) -> tuple[str, str] | None:
    """``(hint, code)`` when ``dw`` is delta^T x for a delta that is a product of the chain rule's
    factors, prediction - target, p and 1 - p (or z), differing from (p - t) p (1 - p): a factor
    left out, squared, inverted or added, a constant, or p changed in place before its use."""
    delta = _delta_of(dw, x)
    if delta is None:
        return None
    error = p - target
    factors = {"prediction - target": error, "p": p, "1 - p": 1 - p, "z": z, "1 - (prediction - target)": 1 - error,
               "target": target}
    yours = gradcheck.monomial(delta, factors)
    if yours is None:
        return None
    constant, powers = yours
    if powers["prediction - target"] == 2 and powers["1 - (prediction - target)"] == 1 and \
            not any(powers[words] for words in ("p", "1 - p", "z")) and abs(constant - 1) < 1e-6:
        return (" dw = delta^T x with sigma'(z) = p (1 - p) computed from prediction - target, not from p: p itself "
                "was changed in place before sigma'(z) was computed (err = p; err -= target changes p too -- "
                "use err = p - target, a new array).", "mse_gradients.delta.in_place")
    wanted = {"prediction - target": 1, "p": 1, "1 - p": 1}
    if all(powers[words] == wanted.get(words, 0) for words in powers):
        return None  # only a constant: the comparison itself names it
    kind, sentence = gradcheck.product_mistake("your delta", yours, (1.0, wanted), x.shape[0])
    return (f" dw = delta^T x, with delta the derivative of the cost with respect to z (task 1a): in {sentence}.",
            _DELTA_CODES[kind])


#: kinds of :func:`gradcheck.product_mistake` -> the misconception code
_DELTA_CODES = {"term_missing": "mse_gradients.delta.factor_missing", "extra_factor": "mse_gradients.delta.factor_extra",
                "power": "mse_gradients.delta.factor_power", "reciprocal": "mse_gradients.delta.factor_inverted",
                "averaged": "mse_gradients.delta.averaged", "sign": "mse_gradients.delta.wrong_sign",
                "factor": "mse_gradients.delta.constant", "factors": "mse_gradients.delta.wrong_factors"}


GRADIENT_HINTS = {
    "dw": "dw has the shape of w, (n_out, n_in), summed over the batch.",
    "db": "db has the shape of b, (1, n_out): sum over the batch, e.g. np.sum(..., axis=0, keepdims=True).",
}


def _gradient_properties(mse_gradients, task: str):
    """Fail unless ``mse_gradients`` returns (dw, db) of the cost, by finite differences."""
    __tracebackhide__ = True
    rng = _rng(53)
    worst = 0.0
    # the square layer with a batch of its size: transposed and averaged gradients show as values
    for n_in, n_out, batch in ((5, 3, 4), (3, 5, 1), (4, 4, 4), (6, 2, 3)):
        x = rng.normal(size=(batch, n_in))
        w, b = 0.5 * rng.normal(size=(n_out, n_in)), 0.5 * rng.normal(size=(1, n_out))
        target = _one_hot(rng, batch, n_out) if batch % 2 else rng.uniform(size=(batch, n_out))
        originals = x.copy(), w.copy(), b.copy(), target.copy()
        description = f"mse_gradients(x, w, b, target) for x {x.shape}, w {w.shape}, b {b.shape}"
        result = _pair(task, description, _call(task, "mse_gradients", mse_gradients, x, w, b, target,
                                                diagnose=_square_gradient_probe(task, mse_gradients)), "dw", "db")
        for name, original, now in zip(("x", "w", "b", "target"), originals, (x, w, b, target)):
            _unchanged(task, "mse_gradients", original, now, f"its argument {name}")
        dw, db = result
        if np.shape(dw) == b.shape and np.shape(db) == w.shape:
            _fail(task, "mse_gradients returns (db, dw), in reverse order: return dw first, then db.",
                  code="mse_gradients.result.order")
        probes = {"dw": w.copy(), "db": b.copy()}
        numeric = {"dw": gradcheck.numerical_gradient(lambda: _cost(x, probes["dw"], b, target), probes["dw"]),
                   "db": gradcheck.numerical_gradient(lambda: _cost(x, w, probes["db"], target), probes["db"])}
        for name, value in (("dw", dw), ("db", db)):
            comparison = gradcheck.compare(name, None if value is None else _as_array(value), numeric[name], batch)
            if not comparison.ok:
                hint, hint_code = _gradient_hint(name, value, x, w, b, target)
                if not hint and batch > 1:  # the batch summed? each sample's gradient alone
                    parameter = probes[name]
                    comparison.explain(samples=gradcheck.sample_gradients(
                        lambda i: _cost(x[i:i + 1], parameter if name == "dw" else w, parameter if name == "db" else b,
                                        target[i:i + 1]), parameter, batch))
                diagnosis = comparison.diagnosis()
                if not hint and "constant factor" in diagnosis and _same(_as_array(value), 2 * numeric[name], 1e-6):
                    hint = (" Twice the gradient: is the 1/2 of the cost forgotten? d/dp 1/2 (p - t)^2 = p - t.")
                    hint_code = "mse_gradients.dw.half_missing"
                if not hint and "wrong sign" in diagnosis:
                    hint = " The cost's derivative is prediction - target, not target - prediction."
                    hint_code = "mse_gradients.dw.arguments_swapped"
                if not hint and "shape" in diagnosis:
                    hint = " " + GRADIENT_HINTS[name]
                    hint_code = "mse_gradients.result.shape"
                end = "" if diagnosis.endswith("?") else "."
                _fail(task, f"{description}: {diagnosis}{end}{hint}", code=hint_code or fd_code(
                    "mse_gradients", name, comparison.kind()))
            worst = max(worst, comparison.error)
    return worst


def _square_gradient_probe(task: str, mse_gradients):
    """A probe for a shape error in mse_gradients: with n_in = n_out = batch every product fits,
    so finite differences there tell whether dw or db is transposed (or otherwise wrong).
    Returns ``diagnose(error)`` for :func:`hamlet_utils.checking.call`."""
    def diagnose(error):
        __tracebackhide__ = True
        if not (isinstance(error, ValueError) and any(word in str(error) for word in ("shape", "mismatch",
                                                                                      "broadcast", "align"))):
            return
        rng = _rng(55)
        x, w, b = rng.normal(size=(4, 4)), 0.5 * rng.normal(size=(4, 4)), 0.5 * rng.normal(size=(1, 4))
        target = rng.uniform(size=(4, 4))
        try:
            dw, db = mse_gradients(x.copy(), w.copy(), b.copy(), target.copy())
        except Exception:  # no fit even here: the error's own message stands
            return
        probes = {"dw": w.copy(), "db": b.copy()}
        numeric = {"dw": gradcheck.numerical_gradient(lambda: _cost(x, probes["dw"], b, target), probes["dw"]),
                   "db": gradcheck.numerical_gradient(lambda: _cost(x, w, probes["db"], target), probes["db"])}
        z = x @ w.T + b
        delta = (1 / (1 + np.exp(-z)) - target) * np.exp(-z) / (1 + np.exp(-z)) ** 2
        if _same(_as_array(dw), np.einsum("ji,kj->ik", delta, x), 1e-8):  # x used transposed
            _fail(task, f"mse_gradients: the shapes do not fit (NumPy: {error}). With n_in = n_out = batch, where "
                        f"every product fits, dw uses x transposed: dw has the shape of w, (n_out, n_in) -- check "
                        f"the order and transposes of its product.", code="mse_gradients.dw.transposed", cause=error)
        for name, value in (("dw", dw), ("db", db)):
            comparison = gradcheck.compare(name, _as_array(value), numeric[name], 4)
            if not comparison.ok and comparison.kind() != "mismatch":
                _fail(task, f"mse_gradients: the shapes do not fit (NumPy: {error}). With n_in = n_out = batch, "
                            f"where every product fits, {comparison.diagnosis()}: check the order and transposes "
                            f"in the product that computes {name}.",
                      code=fd_code("mse_gradients", name, comparison.kind()), cause=error)
    return diagnose


def _as_array(value):
    try:
        return np.array(value, dtype=float)
    except (TypeError, ValueError):
        return value


@_check("2d")
@_state_probed("2d", "mse_gradients", _grid(3, 4), 0.5 * _grid(2, 4), 0.5 * _grid(1, 2), np.abs(_grid(3, 2)))
def check_mse_gradients(mse_gradients, sigmoid_function=None, sigmoid_derivative=None, forward=None):
    """Task 2d: ``(dw, db)`` of the summed mean square error, against finite differences of its definition."""
    task = "2d"
    _implemented(task, "mse_gradients", mse_gradients, np.zeros((1, 2)), np.zeros((1, 2)), np.zeros((1, 1)),
          np.zeros((1, 1)))
    _builds_on(task, sigmoid_function=sigmoid_function, sigmoid_derivative=sigmoid_derivative, forward=forward)
    worst = _gradient_properties(mse_gradients, task)
    return (f"mse_gradients matches finite differences of the cost for dw and db (relative error "
            f"{worst:.1e}), summed over the batch, and leaves its inputs alone.")


# --------------------------------------------------------------------------- task 2e

def _sgd_properties(sgd_step, task: str):
    __tracebackhide__ = True
    rng = _rng(54)
    for learning_rate in (0.1, 0.0):
        w, b = rng.normal(size=(3, 5)), rng.normal(size=(1, 3))
        dw, db = rng.normal(size=(3, 5)), rng.normal(size=(1, 3))
        originals = w.copy(), b.copy(), dw.copy(), db.copy()
        description = "sgd_step(w, b, dw, db, learning_rate)"
        result = _pair(task, description, _call(task, "sgd_step", sgd_step, w, b, dw, db, learning_rate),
                       "new w", "new b")
        for name, original, now in zip(("w", "b", "dw", "db"), originals, (w, b, dw, db)):
            _unchanged(task, "sgd_step", original, now, f"its argument {name}")
        if np.shape(result[0]) == b.shape and np.shape(result[1]) == w.shape:
            _fail(task, "sgd_step returns (b, w), in reverse order: return the new w first, then the new b.",
                  code="sgd_step.result.order")
        for name, value, before, gradient in (("w", result[0], originals[0], originals[2]),
                                              ("b", result[1], originals[1], originals[3])):
            after = _array(task, f"the new {name} of sgd_step", value, before.shape)
            step, wanted = after - before, -learning_rate * gradient
            if _same(step, wanted, 1e-12) or (learning_rate == 0 and np.array_equal(after, before)):
                continue
            mistake = _step_mistake(step, wanted, after, learning_rate)
            if mistake:
                kind, words = mistake
                if kind == "not_updated":
                    words = ("equals the old one (it did not change): the step -learning_rate * gradient is missing"
                             + (" -- sgd_step leaves out the bias's step" if name == "b" else ""))
                _fail(task, f"the new {name} {words} (sgd_step).", code=step_code("sgd_step", name, kind))
            _fail(task, f"the new {name} must be {name} - learning_rate * d{name} (learning_rate={learning_rate}); "
                        f"relative error of the step {_error(step, wanted):.2e}.",
                  code=step_code("sgd_step", name, "wrong_step"))


@_check("2e")
@_state_probed("2e", "sgd_step", _grid(3, 5), _grid(1, 3), _grid(3, 5)[::-1].copy(), _grid(1, 3)[:, ::-1].copy(), 0.1)
def check_sgd_step(sgd_step):
    """Task 2e: the new ``(w, b)`` is ``(w - learning_rate dw, b - learning_rate db)``, inputs unchanged."""
    _sgd_properties(sgd_step, "2e")
    return "sgd_step returns w - learning_rate dw and b - learning_rate db, and leaves its inputs alone."


# --------------------------------------------------------------------------- task 2f

@_check("2f")
def check_single_step(w, b, w_initial, b_initial, random_input, random_label, learning_rate,
                      mse_gradients=None, sgd_step=None):
    """Task 2f: ``w, b`` are one gradient descent step from ``w_initial, b_initial`` on the random batch.

    The expected step is computed with the student's ``mse_gradients`` (checked by task
    2d); while it or ``sgd_step`` has a bug, the task is not checked yet.
    """
    task = "2f"
    _builds_on(task, mse_gradients=mse_gradients, sgd_step=sgd_step)
    w_initial, b_initial = np.asarray(w_initial, dtype=float), np.asarray(b_initial, dtype=float)
    w = _array(task, "w", w, w_initial.shape)
    b = _array(task, "b", b, b_initial.shape)
    if np.array_equal(w, w_initial) and np.array_equal(b, b_initial):
        _fail(task, "w and b still hold the initial parameters: compute the gradients with mse_gradients, "
                    "then assign what sgd_step returns, `w, b = sgd_step(...)` (it returns new arrays).", code="step.w.not_updated")
    if mse_gradients is None:
        _fail(task, "the check needs mse_gradients: run the check cell as given.", code="step.check_cell_edited")
    x, y = np.asarray(random_input, dtype=float), np.asarray(random_label, dtype=float)
    dw, db = _pair(task, "mse_gradients(random_input, w_initial, b_initial, random_label)",
                   _call(task, "mse_gradients", mse_gradients, x, w_initial.copy(), b_initial.copy(), y), "dw", "db")
    dw = _array(task, "dw", dw, w_initial.shape)
    db = _array(task, "db", db, b_initial.shape)
    steps = {"w": (w - w_initial, -learning_rate * dw), "b": (b - b_initial, -learning_rate * db)}
    if all(_same(step, wanted, 1e-7) for step, wanted in steps.values()):
        return "w and b took one gradient descent step on random_input and random_label."
    for name, (step, wanted) in steps.items():
        if not np.any(step):
            _fail(task, f"{name} did not change: update both w and b, `w, b = sgd_step(w, b, dw, db, learning_rate)`.", code="step.w.not_updated")
    if all(_same(step, -wanted, 1e-7) for step, wanted in steps.values()):
        _fail(task, "w and b moved uphill: step against the gradient (sgd_step subtracts it).", code="step.w.sign")
    try:  # two steps: the cell ran twice without the hyperparameter cell in between
        w_one, b_one = w_initial - learning_rate * dw, b_initial - learning_rate * db
        dw_one, db_one = (np.asarray(part, dtype=float) for part in mse_gradients(x, w_one, b_one, y))
        if _same(w, w_one - learning_rate * dw_one, 1e-7) and _same(b, b_one - learning_rate * db_one, 1e-7):
            _fail(task, "w and b took two steps: run the hyperparameter cell again, then the task 2f cell once.", code="step.w.two_steps")
    except CheckFailed:
        raise
    except Exception:  # the diagnosis below stands on its own
        pass
    _fail(task, f"w and b are not one step of gradient descent from w_initial and b_initial on random_input "
                f"and random_label with learning_rate (relative error of the step of w "
                f"{_error(*steps['w']):.2e}). Use mse_gradients(random_input, w, b, random_label) and sgd_step, "
                f"and run the hyperparameter cell again before this task.", code="step.w.not_one_step")


# --------------------------------------------------------------------------- task 3

def earlier_task_bugs(sigmoid_function=None, forward=None, mse_gradients=None, sgd_step=None,
                      task: str = "3") -> list[str]:
    """Failures of the visible checks of the functions a run of ``task`` is built of.

    Functions still raising NotImplementedError are left out: an unfinished notebook does
    not get the later tasks' points for free.
    """
    functions = {"sigmoid_function": sigmoid_function, "forward": forward, "mse_gradients": mse_gradients,
                 "sgd_step": sgd_step}
    return [f"{name} (task {earlier}): {failure}" for earlier, name, failure in _earlier_failures(task, functions)]


@_check("3")
def check_task3(history_task3, sigmoid_function=None, forward=None, mse_gradients=None, sgd_step=None):
    """Task 3: the sigmoid neuron trained on MNIST with the given hyperparameters."""
    task, name = "3", "history_task3"
    functions = (sigmoid_function, forward, mse_gradients, sgd_step)
    if not isinstance(history_task3, History):
        _fail(task, f"`{name}` must hold what train(...) returns, e.g. `{name} = train(...)`; it is a "
                    f"{type(history_task3).__name__}.", code="training.history.missing")
    settings = history_task3.settings
    if len(history_task3) or history_task3.failure:
        if (settings.get("batch_size") != 600 or not np.isclose(settings.get("learning_rate", 0), 1e-4)
                or settings.get("number_epochs") != 100):
            _fail(task, f"train with the given hyperparameters (number_epochs=100, batch_size=600, "
                        f"learning_rate=0.0001); `{name}` used number_epochs={settings.get('number_epochs')}, "
                        f"batch_size={settings.get('batch_size')}, learning_rate={settings.get('learning_rate')}.", code="training.settings.wrong")
    problem = None
    if history_task3.failure:
        problem = f"training stopped ({history_task3.failure})"
    elif len(history_task3) and not all(np.isfinite(history_task3.cost)):
        problem = f"the training cost of `{name}` became NaN or inf"
    elif len(history_task3):
        wanted = minimum_accuracy(TASK3_MINIMUM_ACCURACY, len(history_task3))
        if history_task3.final_accuracy < wanted:
            problem = (f"validation accuracy {history_task3.final_accuracy:.4f} after {len(history_task3)} "
                       f"epochs is below the {wanted:.2f} the reference reaches")
    if problem:
        failures = earlier_task_bugs(*functions)
        if failures:
            raise NotCheckedYet(f"{problem}, because an earlier task fails -- {failures[0]} "
                                 f"Fix that and train again.")
        _fail(task, f"{problem}: is `neuron` a fresh SigmoidNeuron(input_size, label_size), trained with "
                    f"MeanSquareError() and the given hyperparameters?", code="training.accuracy.too_low")
    history = _history(task, history_task3, name)
    wanted = minimum_accuracy(TASK3_MINIMUM_ACCURACY, len(history))
    return (f"{len(history)} epochs, validation accuracy {history.final_accuracy:.4f} "
            f"(at least {wanted:.2f} expected).")


#: the properties each function task's check is made of, for the checks of the tasks built on it
_PROPERTIES = {"2a": _sigmoid_diagnosed, "2b": _derivative_properties, "2c": _forward_diagnosed,
               "2d": _gradient_properties, "2e": _sgd_properties}
