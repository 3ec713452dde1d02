"""The machinery every session's checks share: one decorator, clear failures, careful calls.

A check function is decorated with :func:`check`; it returns the line printed on
success, raises :class:`CheckFailed` (through :func:`fail`) naming the wrong quantity
and the likely mistake, or :class:`NotCheckedYet` when a task it builds on fails first.
Student code is only ever called through :func:`call`, so whatever it raises becomes
a clear failure of the task.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import inspect
import io
import itertools
import linecache
import os
import re
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


def call(task: str, description: str, function, *args, shape_hint: str = "", diagnose=None):
    """Call student code; turn whatever it raises into a clear CheckFailed.

    ``shape_hint`` is added to a shape error (e.g. the shapes of a layer's arrays).
    ``diagnose(error)``, if given, is a probe run after an error: it raises a more specific
    CheckFailed (e.g. "dw is transposed", found on a square layer where the shapes fit) or
    returns to leave the error's own message.
    """
    __tracebackhide__ = True
    try:
        return function(*args)
    except CheckFailed:
        raise
    except NotImplementedError:
        fail(task, f"{description} is not implemented yet (it raises NotImplementedError).", code="call.not_implemented")
    except Exception as error:  # student code may raise anything
        if diagnose is not None:
            diagnose(error)
        message, code = student_error(description, error, getattr(function, "__self__", None), shape_hint,
                                      _arguments(function, args))
        fail(task, message, error, code=code)


def _arguments(function, args) -> dict:
    """``{parameter: array}`` of the array arguments of a call, for messages (none where the
    signature cannot be read)."""
    try:
        bound = inspect.signature(function).bind(*args)
    except (TypeError, ValueError):
        return {}
    return {name: value for name, value in bound.arguments.items() if isinstance(value, np.ndarray)}


#: folders whose frames are not the student's (NumPy, the standard library, these checks)
_NOT_STUDENT = tuple(os.path.dirname(os.path.dirname(module.__file__)) + os.sep for module in (np, os)) + (
    os.path.dirname(os.path.abspath(__file__)) + os.sep,)


def _failing_frame(error: BaseException) -> tuple:
    """``(line, frame)``: the line of student code where ``error`` was raised (the innermost frame
    that is neither NumPy's, the standard library's nor these checks'), as the notebook shows it,
    and its frame; ``(None, None)`` if unknown."""
    found, traceback = (None, None), error.__traceback__
    while traceback is not None:
        code = traceback.tb_frame.f_code
        if not os.path.abspath(code.co_filename).startswith(_NOT_STUDENT) or code.co_filename.startswith("<"):
            line = linecache.getline(code.co_filename, traceback.tb_lineno).strip()
            if line:
                found = (line, traceback.tb_frame)
        traceback = traceback.tb_next
    return found


def _kept_across_calls(line: str | None, frame) -> str | None:
    """What the failing ``line`` accumulates into that outlives the call: an attribute of another
    object than self (``f.total += ...``), or a global container (``cache[k] = cache.get(k, 0) + ...``)."""
    if not line:
        return None
    attribute = re.search(r"\b(?!self\b)([A-Za-z_]\w*)\.(\w+)\s*[-+*/]=", line)
    if attribute:
        return f"{attribute.group(1)}.{attribute.group(2)}"
    item = re.search(r"\b([A-Za-z_]\w*)\[[^\]]+\]\s*(?:[-+*/]=|=\s*\1\s*(?:\.get\(|\[))", line)
    if item and frame is not None:
        name, code = item.group(1), frame.f_code
        if name in frame.f_globals and name not in frame.f_locals:
            return f"the global {name}"
        if name in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount] and isinstance(
                frame.f_locals.get(name), (dict, list)):
            return f"{name}, a mutable default argument (created once, when the function is defined)"
    return None


def _shapes_in(text: str) -> list[tuple[int, ...]]:
    """The shapes NumPy names in an error message, e.g. ``(3,5) (5,3)``."""
    return [tuple(int(n) for n in found.split(",") if n.strip())
            for found in re.findall(r"\((\d+(?:,\s*\d+)*),?\)", text)]


def _attributes_of(owner) -> dict:
    """The attributes of ``owner``, for messages; none where they cannot be read (no ``__dict__``,
    or a proxy of an object in another process, as the autograder's outside verdicts hold)."""
    try:
        return dict(vars(owner))
    except TypeError:
        return {}


def _arrays_of(owner) -> dict:
    """``{name: array}`` of the array attributes of ``owner`` (a layer or cost), for messages."""
    return {name: value for name, value in _attributes_of(owner).items() if isinstance(value, np.ndarray)}


def student_error(description: str, error: BaseException, owner=None, shape_hint: str = "",
                  arguments: dict | None = None) -> tuple[str, str]:
    """``(message, code)`` for an error student code raised: NumPy's own words, and what kind of
    slip usually causes it.  ``owner`` is the object whose method raised (or None), ``arguments``
    the call's array arguments by name."""
    text = str(error).strip()
    arrays = _arrays_of(owner)
    shapes = ", ".join(f"{name} {value.shape}" for name, value in arrays.items())
    line, frame = _failing_frame(error)
    at = f" The line that fails: `{line}`." if line else ""
    kept = _kept_across_calls(line, frame)
    if kept and isinstance(error, (ValueError, TypeError)):
        return (f"{description} fails ({type(error).__name__}: {text}): it accumulates into {kept}, which outlives "
                f"the call, so what an earlier call left is added in. Each call must compute its result anew from its "
                f"arguments.{at}", "call.accumulates_across_calls")
    if isinstance(error, ValueError) and any(word in text for word in ("shape", "broadcast", "align", "mismatch",
                                                                        "dimension")):
        met = _shapes_in(text)
        named = {**(arguments or {}), **arrays}
        for first, second in itertools.permutations(met, 2):
            if len(first) == 2 and first[0] != first[1] and second == first[::-1]:
                holders = [name for name, value in named.items() if value.shape in (first, second)]
                which = f" ({', '.join(f'{n} {named[n].shape}' for n in holders)})" if holders else ""
                return (f"{description} fails: an array of shape {second} meets one of shape {first}, its transpose "
                        f"(NumPy: {text}): one of them is used transposed{which}.{at} Check each `.T` and the order "
                        f"of the product{shape_hint}.", "call.transposed")
        pair = re.search(r"shapes \((\d+),\s*(\d+)\)\s*\((\d+),?\)", text)
        if pair and pair.group(1) == pair.group(3):
            return (f"{description} fails: the shapes do not broadcast (NumPy: {text}). An array of shape "
                    f"({pair.group(1)},) meets one of shape ({pair.group(1)}, {pair.group(2)}): a sum or maximum "
                    f"over each row lost its axis -- keep it (keepdims) so that it lines up with the rows.",
                    "call.keepdims")
        into = re.search(r"output operand with shape \(([\d, ]*)\) doesn't match the broadcast shape \(([\d, ]*)\)", text)
        if into:
            buffer = tuple(int(n) for n in into.group(1).split(",") if n.strip())
            named = [name for name, value in arrays.items() if value.shape == buffer]
            added = tuple(int(n) for n in into.group(2).split(",") if n.strip())
            if buffer and len(buffer) == len(added) and buffer[0] == added[0]:
                return (f"{description} fails: it adds an array of shape ({into.group(2)}) into "
                        f"{' / '.join(named) or 'an array'} of shape ({into.group(1)}) (NumPy: {text}): the array "
                        f"added into has the wrong shape -- it must have shape ({into.group(2)}): was it made with "
                        f"the wrong sizes?{at}", "call.buffer_shape")
            if buffer and buffer[0] == 1:
                return (f"{description} fails: it adds an array of shape ({into.group(2)}) into "
                        f"{' / '.join(named) or 'an array'} of shape ({into.group(1)}) (NumPy: {text}): what is "
                        f"added is not summed over the batch -- the sum runs over the wrong axis, or none.{at}",
                        "call.not_summed")
        batch = arrays["x_in"].shape[0] if np.ndim(arrays.get("x_in")) == 2 else None
        outputs = arrays["b"].shape[-1] if np.ndim(arrays.get("b")) == 2 else None
        if batch and outputs and batch != outputs and (1, batch) in met and (1, outputs) in met:
            return (f"{description} fails: an array of shape (1, {batch}) meets one of shape (1, {outputs}) (NumPy: "
                    f"{text}): {batch} is the batch size -- a sum over the outputs (axis 1) where the sum over the "
                    f"batch (axis 0) belongs, the wrong axis?{at}", "call.batch_axis")
        where = f" The layer holds {shapes}." if shapes else ""
        if not shapes and arguments:  # name the arguments of the shapes NumPy mentions
            given = [f"{name} {value.shape}" for name, value in arguments.items() if value.shape in met]
            where = f" Of those shapes: {', '.join(given)} -- is one used in another's place?" if given else ""
        return (f"{description} fails: the shapes of the arrays do not fit together (NumPy: {text}).{where}{at} "
                f"Check whether an array is used transposed, or a product taken in the wrong order; the batch "
                f"is the first dimension{shape_hint}.", "call.shapes")
    if isinstance(error, TypeError) and "NoneType" in text:
        missing = [name for name, value in _attributes_of(owner).items() if value is None]
        for name in missing:  # the value stored under a misspelt name?
            similar = difflib.get_close_matches(name, list(arrays), n=1, cutoff=0.8)
            if similar:
                return (f"{description} computes with None: self.{name} is None, but self.{similar[0]} holds an array "
                        f"({text}). One method stores it as self.{similar[0]}, another reads self.{name}: it must "
                        f"store it under the name that is read -- the names must match.{at}", "call.name_mismatch")
        held = [f"self.{name} {value.shape}" for name, value in arrays.items()]
        which = f" (here {', '.join('self.' + name for name in missing)} is None" + (
            f"; the object holds {', '.join(held)}" if held and missing else "") + ")" if missing else ""
        return (f"{description} computes with None{which}: {text}. An attribute is used before it is set, or a "
                f"result is not returned -- `+=` adds to what an earlier call left, `=` stores the latest "
                f"value.", "call.none_used")
    if isinstance(error, ValueError) and "truth value of an array" in text:
        return (f"{description} fails: a Python `if` (or `and`, `or`) was given an array ({text}): the condition, "
                f"e.g. x >= 0, holds for some entries and not others -- choose element by element with "
                f"np.where(condition, value_if_true, value_if_false).{at}", "call.truth_value")
    if isinstance(error, OverflowError) and "math range" in text:
        return (f"{description} overflows: math.exp gives OverflowError ({text}) for a large argument. Take exp only "
                f"of numbers that are not positive (e^-|x|) and choose the formula by the sign of x -- and use "
                f"np.exp, which works on whole arrays.{at}", "call.math_overflow")
    if isinstance(error, AttributeError) and "has no attribute" in text:
        name = re.search(r"attribute '(\w+)'", text)
        if name and line and re.fullmatch(rf"return\s+self\.{name.group(1)}", line):
            return (f"{description} returns self.{name.group(1)} but never set it ({text}): it must store its result "
                    f"in self.{name.group(1)} -- a local variable {name.group(1)} is not the attribute.{at}",
                    "call.result_not_stored")
        if name and line and re.search(rf"\bself\.{name.group(1)}\s*[-+*/]=", line):
            return (f"{description} accumulates into self.{name.group(1)} (`{line}`) before anything set it "
                    f"({text}): a value computed anew by each call is set with `=`; `+=` only adds to what is "
                    f"already there.", "call.accumulates_unset")
        held = [f"self.{attribute} {value.shape}" for attribute, value in arrays.items()]
        if name and held and not (line and re.search(rf"\bself\.{name.group(1)}\s*[-+*/]?=", line)):
            return (f"{description} reads self.{name.group(1)}, which nothing stored ({text}): a method can use only "
                    f"what an earlier call stored -- here the object holds {', '.join(held)}.{at}",
                    "call.attribute_missing")
        return (f"{description} reads the attribute `{name.group(1) if name else '?'}` before it was ever set "
                f"({text}): set it with `=` first (e.g. in __init__ or zero_gradients) -- `+=` adds to what an "
                f"earlier call left, and there is none yet.", "call.attribute_missing")
    if type(error).__name__ == "UFuncTypeError" and "Cannot cast" in text and "int" in text:
        integers = [name for name, value in arrays.items() if value.dtype.kind in "biu"]
        which = f" ({', '.join(integers)} of dtype int)" if integers else ""
        return (f"{description} adds floating-point numbers into an integer array{which} (NumPy: {text}): the "
                f"values would be truncated to whole numbers. Look at the dtype of the buffer.",
                "call.integer_buffer")
    if isinstance(error, TypeError) and re.search(r"only (0-dimensional|length-1|size-1) arrays can be converted", text):
        return (f"{description} raised TypeError: {text}. A function of the math module (math.exp, math.log, ...) "
                f"or float() was given an array: use NumPy's np.exp, np.log, ..., which work element by element.",
                "call.math_on_array")
    if isinstance(error, TypeError) and re.search(r"Cannot interpret '.*' as a data type", text):
        return (f"{description} raised TypeError: {text}. np.zeros, np.ones and np.empty take the shape as one "
                f"tuple, np.zeros((rows, columns)): the shape must be one argument -- the second is the dtype.",
                "call.shape_arguments")
    if isinstance(error, TypeError) and "'float' object cannot be interpreted as an integer" in text:
        return (f"{description} raised TypeError: {text}. An array's shape must be whole numbers (int): is a size "
                f"computed with `/`, which gives a float, or taken from a float?", "call.float_shape")
    return f"{description} raised {type(error).__name__}: {text}.", "call.raised"


def array(task: str, description: str, value, shape, transposed: tuple[str, str] | None = None,
          batch: int | None = None) -> np.ndarray:
    """``value`` as a float64 array of ``shape``, or a CheckFailed saying how it differs.

    ``transposed`` -- ``(hint, code)`` for a value of the reversed shape; by default the batch is
    taken to be the first dimension (right for outputs; gradients of parameters have no batch).
    ``batch`` -- the batch size, for a sum over the batch of shape (1, n): one row per sample is named.
    """
    __tracebackhide__ = True
    if value is None:
        fail(task, f"{description} returned None: is there a `return` with the result?", code="result.none")
    if isinstance(value, (complex, np.complexfloating)) or (isinstance(value, np.ndarray) and value.dtype.kind == "c"):
        fail(task, f"{description} returned complex numbers; the result must be real.", code="result.complex")
    if isinstance(value, (tuple, list)) and len(value) > 1 and all(np.ndim(part) > 0 for part in value):
        fail(task, f"{description} returned a {type(value).__name__} of {len(value)} arrays, not one array of shape "
                   f"{tuple(shape)}: is the right value stored and returned?", code="result.sequence")
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        fail(task, f"{description} returned a {type(value).__name__}, not a numeric array.", code="result.not_numeric")
    if gradcheck.one_row(array.shape, tuple(shape)):
        fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}: one row where the batch has "
                   f"{shape[0]}. A loop over the samples whose result is overwritten for each one instead of filling "
                   f"a row per sample, or a sum over the batch where each sample keeps its own row?", code="result.one_row")
    if array.shape != tuple(shape):
        if batch and batch > 1 and array.shape == (batch, *shape):
            fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}: one for each sample of the "
                       f"batch of {batch}, not summed over the batch (a sum over axis 0 is missing).",
                 code="result.per_sample")
        if batch and batch > 1 and len(shape) == 2 and shape[0] == 1 and array.shape == (batch, shape[1]):
            fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}: one row per sample where one "
                       f"row belongs -- is it summed over the batch (np.sum(..., axis=0, keepdims=True))?",
                 code="result.not_summed")
        if len(shape) == 2 and shape[0] == 1 and shape[1] > 1 and array.shape == (shape[1], shape[1]):
            fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}: a column of shape "
                       f"({shape[1]}, 1) met a row of shape {tuple(shape)} and broadcast to a square -- is an array "
                       f"used transposed (a .T too many)?", code="result.column_broadcast")
        if array.shape == tuple(shape)[::-1] and array.ndim == 2:
            hint, code = transposed or ("It looks transposed: the batch must be the first dimension.",
                                        "result.transposed")
            fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}. {hint}", code=code)
        if array.ndim == 0:
            fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}. It is a single number; "
                       f"one value per element of the batch is needed.", code="result.scalar")
        fail(task, f"{description} has shape {array.shape}, expected {tuple(shape)}.", code="result.shape")
    if not np.all(np.isfinite(array)):
        fail(task, f"{description} contains NaN or inf.", code="result.not_finite")
    if isinstance(value, np.ndarray) and value.dtype.kind in "biu" and array.size:
        fail(task, f"{description} is an integer array (dtype {value.dtype}): its values are truncated to whole "
                   f"numbers. Look at the dtype of the buffer the result is written into.", code="result.integer")
    if gradcheck.low_precision(value):
        fail(task, f"{description} has dtype {value.dtype}, which keeps only about "
                   f"{gradcheck.LOW_PRECISION[value.dtype]} digits: compute in float64, NumPy's default (look for "
                   f"float32 or float16 arrays, or .astype).", code="result.low_precision")
    return array


def step_mistake(step: np.ndarray, wanted: np.ndarray, after: np.ndarray, learning_rate: float,
                 batch_size: int | None = None):
    """``(kind, words)`` naming how a parameter's ``step`` (after - before) differs from the
    ``wanted`` one, -learning_rate times its gradient; None when no typical slip explains it.
    ``after`` is the new parameter.  The kinds are those of :data:`misconceptions.STEP_KINDS`."""
    if not np.any(step):
        return "not_updated", "did not change"
    if same(step, -wanted):
        return "sign", "moved uphill: gradient descent steps against the gradient (wrong sign)"
    if learning_rate and same(step, wanted / learning_rate):
        return "learning_rate_missing", ("moved by the whole gradient: the learning rate is missing -- multiply it by "
                                         "the learning rate")
    if same(after, wanted) or same(after, -wanted) or (learning_rate and same(after, wanted / learning_rate)):
        return "overwritten", ("is overwritten by the step, the old value left out: the new value must be the old one "
                               "moved by the step, not the step alone -- is the right value stored and returned?")
    correct = after - step + wanted  # the parameter after the right step
    if same(after, -correct):
        return "sign", "has the wrong sign: the new value is minus the parameter after one step"
    scale = float(np.vdot(correct, after)) / float(np.vdot(correct, correct)) if np.any(correct) else 0.0
    if scale and same(after, scale * correct):
        return "factor", f"is off by a constant factor: the new value is {scale:.4g} times the parameter after one step"
    if step.ndim == 2 and step.shape[0] == step.shape[1] and same(step, wanted.T):
        return "transposed", "moved by the transpose of its gradient"
    norm = float(np.vdot(wanted, wanted))
    factor = float(np.vdot(wanted, step)) / norm if norm else 0.0
    if factor and same(step, factor * wanted):
        if learning_rate and learning_rate != 1 and abs(factor - learning_rate) < 1e-9:
            return "power", ("moved by learning_rate times the step: a square of the learning rate multiplies the "
                             "gradient -- the learning rate is applied twice")
        if learning_rate and abs(factor * learning_rate ** 2 - 1) < 1e-6:
            return "reciprocal", ("moved by the gradient divided by the learning rate: the learning rate is used upside "
                                  "down (multiply by it)")
        if batch_size and gradcheck.averaged_over(factor, (batch_size,)):
            return "averaged", (f"moved {batch_size} times too small a step: the gradient looks averaged over the "
                                f"batch of {batch_size} the layer last saw -- the step uses the gradient as it is")
        size = gradcheck.averaged_over(factor, np.shape(step))
        if size:
            return "averaged", (f"moved {size} times too small a step: the gradient looks averaged over {size} "
                                f"entries of an axis")
        return "factor", f"moved by a constant factor: {factor:.4g} times the step -learning_rate * gradient"
    if learning_rate:  # new = alpha * old + beta * gradient: the old value scaled too, e.g. (w - dw) * learning_rate
        old, gradient = after - step, -wanted / learning_rate
        basis = np.stack([np.ravel(old), np.ravel(gradient)], axis=1)
        if np.linalg.matrix_rank(basis) == 2:
            (alpha, beta), *_ = np.linalg.lstsq(basis, np.ravel(after), rcond=None)
            if same(basis @ [alpha, beta], np.ravel(after)) and abs(alpha - 1) > 1e-6:
                scaled = "the learning rate" if abs(alpha - learning_rate) < 1e-9 else f"{alpha:.4g}"
                return "factor", (f"is the old value times a factor ({scaled}) plus a step: only the step is scaled "
                                  f"by the learning rate, the old value must stay as it is -- check the brackets")
    return None


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
