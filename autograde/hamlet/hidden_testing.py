"""What every session's hidden tests share: their failure, their wrapper, and questions about proxies.

A hidden test is a function decorated with :func:`hidden`.  It raises
:class:`HiddenTestFailed` (an AssertionError) with a message that names the quantity
but not the test, and writes nothing to stderr: NumPy warnings are silenced, since
nbgrader scores a test cell that writes to stderr 0.  It restores NumPy's global
random state.  The student's objects may be proxies of objects in the grading
sandbox (:mod:`hamlet.remote`): :func:`class_of` and :func:`is_instance` ask the
sandbox where they are.
"""

from __future__ import annotations

import functools
import warnings

import numpy as np

from hamlet_utils import gradcheck

#: relative error allowed between a student's values and the definition's
TOLERANCE = 1e-7


class HiddenTestFailed(AssertionError):
    pass


def hidden(function):
    """Decorator: a hidden test's failures, a stub's "not implemented yet", and anything
    student code raises become one HiddenTestFailed; no warnings; random state kept."""
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        __tracebackhide__ = True
        state = np.random.get_state()
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                function(*args, **kwargs)
        except HiddenTestFailed:
            raise
        except NotImplementedError:
            raise HiddenTestFailed("not implemented yet") from None
        except Exception as error:  # student code may raise anything
            raise HiddenTestFailed(f"your code raised {type(error).__name__}: {error}") from None
        finally:
            np.random.set_state(state)
    return wrapper


def require(condition, message):
    if not condition:
        raise HiddenTestFailed(message)


def close(a, b, tolerance=TOLERANCE) -> bool:
    """``a`` and ``b`` agree to ``tolerance`` (relative); False for what is no numeric array, or
    one of float32 or float16 (the visible checks do not credit those either)."""
    if gradcheck.low_precision(a) or gradcheck.low_precision(b):
        return False
    try:
        return gradcheck.relative_error(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) <= tolerance
    except (TypeError, ValueError):
        return False


def class_of(obj):
    """The class of ``obj`` -- for a proxy of an object in the grading sandbox, a proxy of its class."""
    ask = getattr(type(obj), "__hamlet_class__", None)
    return ask(obj) if ask else type(obj)


def is_instance(obj, cls) -> bool:
    ask = getattr(type(obj), "__hamlet_isinstance__", None)
    if ask:
        return ask(obj, cls)
    if getattr(type(cls), "__hamlet_isinstance__", None):
        return False  # an object here is no instance of a class in the sandbox
    return isinstance(obj, cls)
