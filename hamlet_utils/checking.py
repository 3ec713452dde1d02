"""The machinery every session's checks share: one decorator, clear failures, careful calls.

A check function is decorated with :func:`check`; it returns the line printed on
success, raises :class:`CheckFailed` (through :func:`fail`) naming the wrong quantity
and the likely mistake, or :class:`NotCheckedYet` when a task it builds on fails first.
Student code is only ever called through :func:`call`, so whatever it raises becomes
a clear failure of the task.
"""

from __future__ import annotations

import contextlib
import functools
import io
import warnings

import numpy as np

from . import gradcheck
from .training import History


#: equality of values that the student's code and the check compute in different orders
VALUE_TOLERANCE = 1e-9


class CheckFailed(AssertionError):
    """A task check failed; the message says what is wrong and how far off it is.

    ``code`` names the kind of mistake, stable across wordings of the message:
    ``<unit>.<quantity>.<kind>`` (e.g. ``linear.dw.transposed``), a key of
    :data:`hamlet_utils.misconceptions.CODES`.  ``str(failure)`` is the message alone, as before.
    """

    def __init__(self, message: str = "", code: str = ""):
        super().__init__(message)
        self.code = code


class NotCheckedYet(Exception):
    """This task cannot be judged while an earlier task it builds on fails.

    The check then prints why and does not fail: the mistake costs the points of
    the task it is in, once, and the autograder's hidden tests judge this task on
    its own.
    """


def check(task: str):
    """Decorator: own random generator, global random state restored, quiet NumPy warnings."""
    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            __tracebackhide__ = True  # IPython hides this frame in tracebacks
            state = np.random.get_state()
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    message = function(*args, **kwargs)
            except NotCheckedYet as deferred:
                print(f"Task {task} not checked yet: {deferred}")
                return
            finally:
                np.random.set_state(state)
            print(f"Task {task} passed: {message}")
        wrapper.task = task
        return wrapper
    return decorate


def fail(task: str, message: str, cause: BaseException | None = None, *, code: str):
    """Raise a CheckFailed ``Task <task>: <message>`` with the misconception ``code``."""
    __tracebackhide__ = True
    error = CheckFailed(f"Task {task}: {message}", code)
    if cause is None:
        raise error from None
    raise error from cause


def call(task: str, description: str, function, *args, shape_hint: str = ""):
    """Call student code; turn whatever it raises into a clear CheckFailed.

    ``shape_hint`` is added to a shape error (e.g. the shapes of a layer's arrays).
    """
    __tracebackhide__ = True
    try:
        return function(*args)
    except CheckFailed:
        raise
    except NotImplementedError:
        fail(task, f"{description} is not implemented yet (it raises NotImplementedError).", code="call.not_implemented")
    except Exception as error:  # student code may raise anything
        hint = ""
        text = str(error)
        if isinstance(error, ValueError) and any(
                word in text for word in ("shape", "broadcast", "align", "mismatch")):
            hint = f" Check the shapes: the batch is the first dimension{shape_hint}."
        elif isinstance(error, TypeError) and "NoneType" in text:
            hint = (" Something is None: is every attribute stored before it is used (e.g. in "
                    "forward or estimate), and every result returned?")
        fail(task, f"{description} raised {type(error).__name__}: {text}.{hint}", error, code="call.raised")


def array(task: str, description: str, value, shape) -> np.ndarray:
    """``value`` as a float64 array of ``shape``, or a CheckFailed saying how it differs."""
    __tracebackhide__ = True
    if value is None:
        fail(task, f"{description} returned None: is there a `return` with the result?", code="result.none")
    if isinstance(value, (complex, np.complexfloating)) or (isinstance(value, np.ndarray) and value.dtype.kind == "c"):
        fail(task, f"{description} returned complex numbers; the result must be real.", code="result.complex")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        fail(task, f"{description} returned a {type(value).__name__}, not a numeric array.", code="result.not_numeric")
    if array.shape != tuple(shape):
        hint = ""
        if array.shape == tuple(shape)[::-1]:
            hint = " It looks transposed: the batch must be the first dimension."
        elif array.ndim == 0:
            hint = " It is a single number; one value per element of the batch is needed."
        fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}.{hint}", code="result.shape")
    if not np.all(np.isfinite(array)):
        fail(task, f"{description} contains NaN or inf.", code="result.not_finite")
    return array


def error(a, b) -> float:
    return gradcheck.relative_error(a, b)


def same(a, b, tolerance: float = VALUE_TOLERANCE) -> bool:
    return error(a, b) <= tolerance


def unchanged(task: str, description: str, original: np.ndarray, now: np.ndarray, what: str = "its input"):
    __tracebackhide__ = True
    if not np.array_equal(original, now):
        fail(task, f"{description} changed {what} in place. Compute new arrays instead "
                    f"(e.g. `a = a - b`, not `a -= b`): the caller still needs the input.", code="argument.in_place")


def rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def implemented(task: str, description: str, function, *args):
    """Fail if ``function`` is still the template's stub; ignore any other error (checked later)."""
    __tracebackhide__ = True
    try:
        function(*args)
    except NotImplementedError:
        fail(task, f"{description} is not implemented yet (it raises NotImplementedError).", code="call.not_implemented")
    except Exception:  # e.g. missing state on a fresh object: the real check comes later
        pass


def one_hot(rng, n_samples: int, n_classes: int) -> np.ndarray:
    target = np.zeros((n_samples, n_classes))
    target[np.arange(n_samples), rng.integers(0, n_classes, n_samples)] = 1.0
    return target


def minimum_accuracy(table: dict, epochs: int) -> float:
    """The threshold of the largest epoch count in ``table`` not above ``epochs``."""
    reached = [count for count in table if count <= epochs]
    return table[max(reached)] if reached else 0.0


def quietly(check, *args) -> str | None:
    """Run a check without printing; its failure message, or None when it passes."""
    try:
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            check(*args)
    except CheckFailed as failure:
        return str(failure)
    except Exception as error:  # a class so broken that even building it fails
        return f"{type(error).__name__}: {error}"
    text = printed.getvalue()
    return text.strip() if "not checked yet" in text else None


def history(task: str, history, name: str, blame=None) -> History:
    """The History in ``name``, or a failure -- or a deferral when an earlier task is to blame:
    ``blame(problem)`` raises NotCheckedYet when one is."""
    __tracebackhide__ = True
    if not isinstance(history, History):
        fail(task, f"`{name}` must hold what train(...) returns, e.g. `{name} = train(...)`; "
                    f"it is a {type(history).__name__}.", code="training.history.missing")
    problem = None
    if history.failure:
        problem = f"training stopped ({history.failure})"
    elif len(history) == 0:
        fail(task, f"`{name}` has no epochs: was training run?", code="training.history.empty")
    elif not all(np.isfinite(history.cost)):
        problem = f"the training cost of `{name}` became NaN or inf"
    if problem:
        if blame is not None:
            blame(problem)
        fail(task, f"{problem}: the learning rate may be too large, or the layers do not fit together.", code="training.cost.diverged")
    return history
