"""Finite-difference gradient checking for layers and costs.

Every backward pass is judged against central differences of the *forward* pass,
never against a stored copy of an answer.  A layer is checked through its
upstream gradient: for a random ``d_out`` the scalar

.. math:: L(x, w, b) = \\sum_{ij} d\\_out_{ij} \\; \\mathrm{forward}(x)_{ij}

has the gradients ``backward(d_out)``, ``dw`` and ``db`` -- so no Jacobian is
ever built.  A cost is checked by differentiating ``sum(estimate(target, prediction))``
with respect to ``prediction``.

Tolerance
---------
Central differences in float64 with step ``h`` have a truncation error of order
``h**2 * f'''`` and a rounding error of order ``eps * |L| / h``.  With
``h = 1e-6``, ``eps = 2.2e-16`` and the small, well-scaled problems the checks
use (``|L| < 100``, entries of order one) both stay below about ``1e-8``
relative to the gradient, while the smallest mistake we look for (a factor of
two from a missing ``+=``, a transposed or averaged gradient) gives a relative
error of at least ``1/3``.  ``DEFAULT_TOLERANCE = 1e-6`` sits between the two,
two orders of magnitude from each.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Callable

import numpy as np

DEFAULT_STEP = 1e-6
DEFAULT_TOLERANCE = 1e-6

#: float dtypes too coarse for the checks, and the digits each keeps: the course computes in
#: float64, and finite differences of a float32 forward pass are noise
LOW_PRECISION = {np.dtype(np.float32): 7, np.dtype(np.float16): 3}


def low_precision(value) -> bool:
    """``value`` is an array (or NumPy number) of a float dtype of :data:`LOW_PRECISION`."""
    return isinstance(value, (np.ndarray, np.floating)) and value.dtype in LOW_PRECISION

#: parameter attribute -> gradient attribute, as in a layer of the course
PARAMETER_GRADIENTS = {"w": "dw", "b": "db"}


def numerical_gradient(f: Callable[[], float], x: np.ndarray, step: float = DEFAULT_STEP) -> np.ndarray:
    """Central-difference gradient of a scalar function with respect to ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored afterwards, so
    ``f`` may read it through a closure or as a layer attribute.

    Parameters
    ----------
    f : callable
        Takes no argument and returns a scalar computed from the current ``x``.
    x : ndarray of any shape, float64
        The array to differentiate with respect to.
    step : float
        The finite-difference step ``h``.

    Returns
    -------
    gradient : ndarray of the shape of ``x``, float64
        ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry ``i``.
    """
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs a float64 array, got {x.dtype}")
    gradient = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + step
        f_plus = float(np.sum(f()))
        x[index] = original - step
        f_minus = float(np.sum(f()))
        x[index] = original
        gradient[index] = (f_plus - f_minus) / (2.0 * step)
    return gradient


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Norm-wise relative error ``|a - n| / max(|a|, |n|)``.

    Norm-wise rather than entry-wise so that entries that are zero in both
    arrays do not make the measure explode.  Returns 0 when both are zero,
    ``inf`` when the shapes differ or a value is not finite.
    """
    analytic = np.asarray(analytic, dtype=np.float64)
    numeric = np.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        return float("inf")
    if not (np.all(np.isfinite(analytic)) and np.all(np.isfinite(numeric))):
        return float("inf")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numeric))
    if scale == 0.0:
        return 0.0
    return float(np.linalg.norm(analytic - numeric) / scale)


@dataclass
class GradientComparison:
    """One analytic gradient next to its finite-difference estimate.

    Attributes
    ----------
    name : str
        What the gradient is of, e.g. ``"d_in"``, ``"dw"``, ``"db"``.
    analytic : ndarray or object
        What the student's code produced (may have a wrong shape or type).
    numeric : ndarray
        Central differences.
    error : float
        :func:`relative_error` of the two (``inf`` if shapes differ).
    tolerance : float
    batch_size : int
        Used to recognise gradients averaged instead of summed over the batch.
    """

    name: str
    analytic: object
    numeric: np.ndarray
    error: float
    tolerance: float = DEFAULT_TOLERANCE
    batch_size: int = 1
    #: ``(kind, sentence)`` found by :meth:`explain` for a plain mismatch, or None
    explained: tuple | None = None

    @property
    def ok(self) -> bool:
        # float32 can come within the tolerance, yet is not checked to float64's digits: never credited
        return self.error <= self.tolerance and not low_precision(self.analytic)

    def diagnosis(self) -> str:
        """A sentence naming the likely mistake, without showing the answer."""
        if self.explained:
            return self.explained[1]
        return diagnose(self.name, self.analytic, self.numeric, self.batch_size, self.tolerance)

    def kind(self) -> str:
        """The kind of mistake :meth:`diagnosis` names, one of :data:`KINDS`."""
        if self.explained:
            return self.explained[0]
        return diagnose_kind(self.name, self.analytic, self.numeric, self.batch_size, self.tolerance)[0]

    def explain(self, terms: dict | None = None, samples: list | None = None) -> "GradientComparison":
        """Look closer at a plain mismatch (kind ``mismatch``) and keep what explains it:

        ``terms`` -- ``{words: array}``, ingredients of the derivative computed from the inputs
        (e.g. the prediction, the target): which of them the gradient has too few or too many of
        (:func:`term_mistake`);
        ``samples`` -- the finite-difference gradient of each sample of the batch alone: whether
        the batch is summed (:func:`sample_mistake`).  Returns ``self``."""
        if self.ok or self.explained or self.kind() != "mismatch":
            return self
        analytic = np.asarray(self.analytic, dtype=np.float64)
        found = None
        if samples:
            found = sample_mistake(self.name, analytic, samples)
        if found is None and terms:
            found = term_mistake(self.name, analytic, self.numeric, terms)
        self.explained = found
        return self


def compare(name: str, analytic, numeric: np.ndarray, batch_size: int = 1,
            tolerance: float = DEFAULT_TOLERANCE) -> GradientComparison:
    """Build a :class:`GradientComparison`, tolerating a non-array ``analytic``."""
    try:
        error = relative_error(analytic, numeric)
    except (TypeError, ValueError):
        error = float("inf")
    return GradientComparison(name, analytic, numeric, error, tolerance, batch_size)


#: the kinds of mistake :func:`diagnose_kind` tells apart ("mismatch": none of them)
KINDS = ("none", "not_numeric", "transposed", "shape", "keepdims", "not_finite", "zeros", "not_used", "sign",
         "averaged", "summed", "factor", "sign_lost", "term_missing", "term_sign", "term_factor", "term_averaged",
         "extra_term", "overwritten", "one_sample", "one_left_out", "sample_weights", "low_precision", "mismatch")


def diagnose(name: str, analytic, numeric: np.ndarray, batch_size: int = 1,
             tolerance: float = DEFAULT_TOLERANCE) -> str:
    """Name the likely mistake behind a gradient that disagrees with finite differences."""
    return diagnose_kind(name, analytic, numeric, batch_size, tolerance)[1]


def diagnose_kind(name: str, analytic, numeric: np.ndarray, batch_size: int = 1,
                  tolerance: float = DEFAULT_TOLERANCE) -> tuple[str, str]:
    """``(kind, sentence)``: the likely mistake behind a gradient that disagrees with finite
    differences, one of :data:`KINDS`, and a sentence naming it without showing the answer.

    Tries the typical slips in turn -- missing value, wrong shape, transposed,
    wrong sign, averaged or multiplied by the batch size, a constant factor --
    and falls back to the size of the error (kind ``mismatch``).
    """
    if analytic is None:
        return "none", f"{name} is None: is it computed, stored and returned?"
    coarse = getattr(analytic, "dtype", None) if low_precision(analytic) else None
    try:
        analytic = np.asarray(analytic, dtype=np.float64)
    except (TypeError, ValueError):
        return "not_numeric", f"{name} is a {type(analytic).__name__}, not a numeric array"
    expected = numeric.shape
    if analytic.shape != expected:
        if analytic.ndim == 2 and analytic.shape == expected[::-1] and expected[0] != expected[1]:
            return "transposed", (f"{name} has shape {analytic.shape} but must have shape {expected}: "
                                  f"it looks transposed")
        if analytic.size == numeric.size and analytic.ndim == len(expected) - 1 and 1 in expected:
            return "keepdims", (f"{name} has shape {analytic.shape} but must have shape {expected}: the same "
                                f"entries with one axis fewer -- a sum that lost its axis (keepdims)?")
        if analytic.size == numeric.size:
            return "shape", (f"{name} has shape {analytic.shape} but must have shape {expected} "
                             f"(same entries, wrong layout?)")
        if one_row(analytic.shape, expected):
            row = analytic.reshape(-1)
            for kind, what, value in (
                    ("overwritten", "the last sample's row only: overwritten for each sample in a loop (`=` where each "
                                    "sample's row must be kept)", numeric[-1]),
                    ("shape", "the sum over the batch", numeric.sum(axis=0)),
                    ("averaged", "the mean over the batch (averaged)", numeric.mean(axis=0))):
                if relative_error(row, value) <= tolerance:
                    return kind, (f"{name} has shape {analytic.shape} but must have shape {expected}: it is {what} "
                                  f"-- each sample keeps its own row")
            return "shape", (f"{name} has shape {analytic.shape} but must have shape {expected}: one row where the "
                             f"batch has {expected[0]} -- summed or averaged over the batch? Each sample keeps its "
                             f"own row")
        if len(expected) == 2 and analytic.shape == (expected[0], 1) and expected[1] > 1:
            for how, value in (("sum", numeric.sum(axis=1, keepdims=True)), ("mean", numeric.mean(axis=1, keepdims=True))):
                if relative_error(analytic, value) <= tolerance:
                    return "shape", (f"{name} has shape {analytic.shape} but must have shape {expected}: it is the "
                                     f"{how} over axis 1 of the gradient -- each entry keeps its own derivative")
        if batch_size > 1 and analytic.shape == (batch_size, *expected):
            return "not_summed", (f"{name} has shape {analytic.shape} but must have shape {expected}: one {name} per "
                                  f"sample, not summed over the batch")
        return "shape", f"{name} has shape {analytic.shape} but must have shape {expected}"
    if not np.all(np.isfinite(analytic)):
        return "not_finite", f"{name} contains NaN or inf"

    def close(candidate: np.ndarray) -> bool:
        return relative_error(candidate, numeric) <= tolerance

    if np.any(numeric) and np.max(np.abs(analytic)) <= 1e-12 * np.max(np.abs(numeric)):
        return "zeros", f"{name} is all zeros: is the gradient computed and accumulated into it?"
    if not np.any(numeric):
        return "not_used", (f"{name} must be all zeros: the finite differences show that the forward pass "
                            f"does not depend on this quantity (is it used in forward?)")
    if close(-analytic):
        return "sign", f"{name} has the wrong sign"
    if analytic.ndim == 2 and analytic.shape[0] == analytic.shape[1] and close(analytic.T):
        return "transposed", f"{name} is transposed"
    if analytic.ndim == 2 and analytic.shape[0] != analytic.shape[1] and \
            relative_error(analytic, numeric.T.reshape(analytic.shape)) <= tolerance:
        return "transposed", (f"{name} is the transpose reshaped to {analytic.shape}: reshape keeps the order of the "
                              f"entries, where a transpose (.T) swaps the axes")
    if batch_size > 1 and close(analytic * batch_size):
        return "averaged", (f"{name} is {batch_size} times too small: it looks averaged over the batch, "
                            f"but gradients are summed over the batch here")
    if batch_size > 1 and close(analytic / batch_size):
        return "summed", f"{name} is {batch_size} times too large: a factor of the batch size crept in"
    norm = float(np.vdot(analytic, analytic))
    if norm > 0:
        factor = float(np.vdot(analytic, numeric)) / norm
        if analytic.ndim > 1 and analytic.size > max(analytic.shape) and abs(factor - analytic.size) < 1e-6 * \
                analytic.size and close(factor * analytic):
            return "averaged", (f"{name} is {analytic.size} times too small: it looks averaged over all its "
                                f"{analytic.size} entries, where nothing is averaged")
        size = averaged_over(1 / factor, analytic.shape, exclude=(batch_size,)) if batch_size > 1 and factor else None
        if size and close(factor * analytic):
            axis = analytic.shape.index(size)
            return "averaged", (f"{name} is {size} times too small: it looks averaged over the {size} "
                                f"entries of axis {axis}, where nothing is averaged")
        if factor != 0.0 and close(factor * analytic):
            return "factor", (f"{name} is off by a constant factor: yours is {1 / factor:.4g} times "
                              f"the finite-difference value")
    if coarse is not None:
        return "low_precision", (f"{name} has dtype {coarse}, which keeps only about {LOW_PRECISION[coarse]} "
                                 f"digits: compute in float64 (NumPy's default) -- a float32 buffer or .astype?")
    if np.allclose(np.abs(analytic), np.abs(numeric), rtol=1e-6, atol=1e-9 * float(np.max(np.abs(numeric)))):
        return "sign_lost", (f"{name} has the right size everywhere but the wrong sign at some entries: is the "
                             f"sign lost somewhere (a square root, abs, or a square)?")
    return "mismatch", (f"{name} differs from the finite-difference estimate "
                        f"(relative error {relative_error(analytic, numeric):.2e}, tolerance {tolerance:.0e})")


def fitted(value: np.ndarray, terms: dict, most: int = 3, spare: int = 3) -> dict | None:
    """``{words: coefficient}`` with ``value == sum(coefficient * term)`` to rounding, using as
    few of the ``terms`` (arrays of ``value``'s shape) as possible, at most ``most``; the others
    get 0; each fit needs ``spare`` more entries than terms.  None when no such combination makes up
    ``value``.  The fewest terms, not a least-squares
    fit of all: ingredients such as 1/x and log(x) are nearly dependent, and a fit of all of them
    would spread any value over every one."""
    names = [words for words, term in terms.items() if term is not None and np.shape(term) == np.shape(value)]
    target = np.asarray(value, dtype=np.float64).ravel()
    if not names or not np.all(np.isfinite(target)):
        return None
    columns = {words: np.asarray(terms[words], dtype=np.float64).ravel() for words in names}
    if not np.any(target):
        return dict.fromkeys(names, 0.0)
    for size in range(1, min(most, len(names)) + 1):
        if target.size < size + spare:  # too few entries for an exact fit to mean anything
            break
        for chosen in itertools.combinations(names, size):
            basis = np.stack([columns[words] for words in chosen], axis=1)
            if not np.all(np.isfinite(basis)) or np.linalg.matrix_rank(basis) < size:
                continue
            coefficients, *_ = np.linalg.lstsq(basis, target, rcond=None)
            if relative_error(basis @ coefficients, target) <= 1e-7:
                found = dict.fromkeys(names, 0.0)
                found.update({words: float(c) for words, c in zip(chosen, coefficients) if abs(c) > 1e-9})
                return found
    return None


def monomial(value: np.ndarray, factors: dict, powers=(-1, 0, 1, 2)) -> tuple[float, dict] | None:
    """``(constant, {words: power})`` with ``value == constant * prod(factor ** power)`` entry by
    entry, to rounding, the simplest such product (fewest factors, then lowest powers) of the
    ``factors`` (arrays of ``value``'s shape, no zeros); None when no product makes up ``value``.
    Recognises a product formula with a factor left out, squared, inverted or added."""
    columns = {words: np.asarray(f, dtype=np.float64).ravel() for words, f in factors.items()
               if f is not None and np.shape(f) == np.shape(value)}
    columns = {words: c for words, c in columns.items() if np.all(np.isfinite(c)) and np.all(c)}
    names, columns = list(columns), list(columns.values())
    target = np.asarray(value, dtype=np.float64).ravel()
    if not names or target.size < 3 or not np.all(np.isfinite(target)) or not np.all(target):
        return None
    best = None
    with np.errstate(all="ignore"):
        for chosen in itertools.product(powers, repeat=len(names)):
            rank = (sum(p != 0 for p in chosen), sum(abs(p) for p in chosen))
            if best is not None and rank >= best[0]:
                continue
            product = np.prod([c ** p for c, p in zip(columns, chosen)], axis=0)
            ratio = target / product
            if not np.all(np.isfinite(ratio)):
                continue
            constant = float(np.median(ratio))
            if constant and relative_error(constant * product, target) <= 1e-8:
                best = (rank, constant, dict(zip(names, chosen)))
    return None if best is None else (best[1], best[2])


def product_mistake(name: str, yours: tuple[float, dict], wanted: tuple[float, dict],
                    batch_size: int = 1) -> tuple[str, str] | None:
    """``(kind, sentence)``: how the product ``yours`` differs from ``wanted`` (both from
    :func:`monomial`) -- a factor left out, squared, inverted or one that does not belong, or a
    constant factor -- or None when they are the same.  Names factors, not the whole formula."""
    (constant, powers), (right_constant, right_powers) = yours, wanted
    changed = [(words, powers.get(words, 0), right_powers.get(words, 0))
               for words in {**right_powers, **powers} if powers.get(words, 0) != right_powers.get(words, 0)]
    parts, kinds = [], []
    for words, power, right in changed:
        if power == 0:
            parts.append(f"the factor {words} is missing")
            kinds.append("term_missing")
        elif right == 0:
            parts.append(f"it has a factor {words} that does not belong" + (" (squared)" if power == 2 else ""))
            kinds.append("extra_factor")
        elif power == 2 * right:
            parts.append(f"it has a square of {words} where {words} belongs (a factor twice)")
            kinds.append("power")
        elif power == -right:
            parts.append(f"{words} divides where it multiplies (upside down)")
            kinds.append("reciprocal")
        else:
            parts.append(f"{words} has the wrong power")
            kinds.append("power")
    ratio = constant / right_constant
    if abs(ratio - 1) > 1e-6:
        size = averaged_over(ratio, (batch_size,))
        if size:
            parts.append(f"it is {size} times too small: it looks averaged over the batch of {size}")
            kinds.append("averaged")
        elif abs(ratio + 1) < 1e-6:
            parts.append("it has the wrong sign")
            kinds.append("sign")
        else:
            parts.append(f"it is off by a constant factor ({factor_words(ratio, 1e-6)} what it must be)")
            kinds.append("factor")
    if not parts:
        return None
    return (kinds[0] if len(set(kinds)) == 1 else "factors"), f"{name} " + "; and ".join(parts)


def factor_words(factor: float, tolerance: float = 1e-9) -> str:
    """``factor`` in words: "twice", "half", "-1 times (the wrong sign)", "3 times"; ``tolerance``
    wider for a factor fitted to finite differences."""
    names = {2.0: "twice", 0.5: "half", -1.0: "-1 times (the wrong sign)"}
    for value, words in names.items():
        if abs(factor - value) < tolerance:
            return words
    return f"{factor:.4g} times"


def averaged_over(ratio: float, shape, exclude=()) -> int | None:
    """The size of an axis of ``shape`` (not 1, not in ``exclude``) that ``ratio`` is one over: a
    value ``ratio`` times the right one looks averaged over that axis.  None if there is none."""
    for size in sorted(set(shape) - {1} - set(exclude)):
        if abs(ratio * size - 1) < 1e-6:
            return size
    return None


def one_row(shape, expected) -> bool:
    """``shape`` is one row of the ``expected`` (batch, n): a batch summed, or a loop's last row."""
    return (len(expected) == 2 and expected[0] > 1 and tuple(shape) != tuple(expected)
            and tuple(shape) in ((expected[1],), (1, expected[1])))


def term_mistake(name: str, analytic: np.ndarray, numeric: np.ndarray, terms: dict) -> tuple[str, str] | None:
    """``(kind, sentence)``: how ``analytic`` and the finite differences ``numeric`` differ in
    the ``terms`` that make up both (see :func:`fitted`) -- a term missing, of the wrong sign or
    factor, or one that does not belong -- or None.  Names terms, never their coefficients in
    the answer."""
    wanted, yours = fitted(numeric, terms), fitted(analytic, terms)
    if wanted is None or yours is None:
        return None
    close = lambda a, b: abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))  # noqa: E731
    missing = [words for words, c in wanted.items() if c != 0.0 and yours[words] == 0.0]
    wrong = [words for words, c in wanted.items() if c != 0.0 and yours[words] != 0.0 and not close(yours[words], c)]
    extra = [words for words, c in wanted.items() if c == 0.0 and yours[words] != 0.0]
    listed = lambda names: " and ".join(names)  # noqa: E731
    if missing:
        instead = f"; yours has {listed(extra)} instead" if extra else ""
        off = f"; and the term in {listed(wrong)} is off" if wrong else ""
        return "term_missing", (f"{name} is missing the term{'s' * (len(missing) > 1)} in {listed(missing)}"
                                f"{instead}{off}")
    if len(wrong) == 1 and not extra:
        words = wrong[0]
        ratio = yours[words] / wanted[words]
        if close(ratio, -1.0):
            return "term_sign", f"{name}: the term in {words} has the wrong sign"
        size = averaged_over(ratio, np.shape(analytic))
        if size:
            return "term_averaged", (f"{name}: the term in {words} is {size} times too small: it looks "
                                     f"averaged (a mean over {size} entries where a sum belongs)")
        return "term_factor", (f"{name}: the term in {words} is off by a constant factor (yours has "
                               f"{factor_words(ratio, 5e-7)} what it needs)")
    if extra:
        off = f"; and the term in {listed(wrong)} is off" if wrong else ""
        return "extra_term", f"{name} has a term in {listed(extra)} that does not belong there{off}"
    return None


def sample_mistake(name: str, analytic: np.ndarray, samples: list) -> tuple[str, str] | None:
    """``(kind, sentence)`` if ``analytic``, a gradient summed over a batch, is instead made of the
    ``samples`` (each sample's finite-difference gradient alone) in other proportions: only the
    last one (overwritten in a loop), only the first, or weighted unequally; else None."""
    if len(samples) < 2:
        return None
    # each sample's part is a whole gradient, not an ingredient: one entry more than parts will do
    weights = fitted(analytic, {f"sample {i}": sample for i, sample in enumerate(samples)}, most=len(samples), spare=1)
    if weights is None:
        return None
    values = list(weights.values())
    used = [i for i, w in enumerate(values) if w != 0.0]
    if len(used) == 1 and abs(values[used[0]] - 1.0) < 1e-6:
        if used[0] == len(values) - 1:
            return "overwritten", (f"{name} holds the last sample of the batch only: it is overwritten for each "
                                   f"sample (`=`) where every sample's part must be added up (`+=`)")
        return "one_sample", (f"{name} holds sample {used[0]} of the batch only: it must be summed over the "
                              f"batch, every sample counted once")
    left_out = [i for i, w in enumerate(values) if w == 0.0]
    if len(left_out) == 1 and all(abs(w - 1.0) < 1e-6 for i, w in enumerate(values) if i != left_out[0]):
        which = "the last one" if left_out[0] == len(values) - 1 else ("the first one" if left_out[0] == 0 else
                                                                       f"sample {left_out[0]}")
        return "one_left_out", (f"{name} leaves out one sample of the batch, {which}: a loop that stops one short or "
                                f"starts one late (its range or condition off by one)? Every sample counts once")
    if max(values) - min(values) > 1e-6:
        return "sample_weights", (f"{name} weighs the samples of the batch unequally (sample by sample, yours has "
                                  f"{', '.join(f'{w:.3g}' for w in values)} times each one's part): summed over "
                                  f"the batch, every sample counts once")
    return None


def sample_gradients(loss_of_sample: Callable[[int, np.ndarray], float], x: np.ndarray, n_samples: int,
                     step: float = DEFAULT_STEP) -> list:
    """The finite-difference gradient with respect to ``x`` (perturbed in place) of each of
    ``n_samples`` samples' loss alone, ``loss_of_sample(i)``; see :func:`sample_mistake`."""
    return [numerical_gradient(lambda i=i: loss_of_sample(i), x, step) for i in range(n_samples)]


def layer_gradients(layer, x_in: np.ndarray, d_out: np.ndarray, parameters=("w", "b"),
                    step: float = DEFAULT_STEP) -> dict:
    """Analytic and finite-difference gradients of a layer, through its upstream gradient.

    Runs ``zero_gradients``, ``forward(x_in)`` and ``backward(d_out)`` once for the
    analytic gradients, then differentiates ``sum(d_out * forward(x))`` numerically
    with respect to ``x`` and to each parameter array, which is perturbed in place.

    Parameters
    ----------
    layer : Layer
        Anything with ``forward``, ``backward`` and ``zero_gradients``; parameter
        ``p`` has its gradient in attribute ``"d" + p`` (``w`` -> ``dw``).
    x_in : ndarray of shape (n_samples, n_in), float64
    d_out : ndarray of shape (n_samples, n_out), float64
    parameters : sequence of str
        Names of the parameter attributes to check (empty for a layer without parameters).

    Returns
    -------
    comparisons : dict of str to GradientComparison
        Keyed ``"d_in"`` and ``"dw"``, ``"db"``, ... .  Student code may raise; the
        caller decides how to report it.
    """
    batch_size = x_in.shape[0]
    layer.zero_gradients()
    layer.forward(x_in.copy())
    d_in = layer.backward(d_out.copy())
    analytic = {"d_in": None if d_in is None else np.array(d_in, copy=True)}
    for parameter in parameters:
        gradient = getattr(layer, PARAMETER_GRADIENTS.get(parameter, "d" + parameter), None)
        analytic[PARAMETER_GRADIENTS.get(parameter, "d" + parameter)] = (
            None if gradient is None else np.array(gradient, copy=True))

    probe = np.array(x_in, dtype=np.float64, copy=True)
    results = {"d_in": compare("d_in", analytic["d_in"],
                               # a fresh copy each time: a forward may keep (and recognise) the array it was given
                               numerical_gradient(lambda: np.sum(d_out * layer.forward(probe.copy())), probe, step),
                               batch_size)}
    for parameter in parameters:
        gradient_name = PARAMETER_GRADIENTS.get(parameter, "d" + parameter)
        values = getattr(layer, parameter)

        def loss(parameter=parameter, values=values):
            # perturbed in place; set again in case the layer handed out a copy
            setattr(layer, parameter, values)
            return np.sum(d_out * layer.forward(x_in.copy()))
        numeric = numerical_gradient(loss, values, step)
        results[gradient_name] = compare(gradient_name, analytic[gradient_name], numeric, batch_size)
    # leave the layer as a forward pass on x_in would
    layer.forward(x_in.copy())
    return results


def cost_gradient(cost, target: np.ndarray, prediction: np.ndarray, step: float = DEFAULT_STEP) -> GradientComparison:
    """Analytic and finite-difference gradient of a cost with respect to the prediction.

    The analytic gradient is ``cost.gradient(cost.estimate(target, prediction))``;
    the numeric one differentiates ``sum(cost.estimate(target, prediction))``.

    Parameters
    ----------
    cost : Cost
    target : ndarray of shape (n_samples, n_classes), float64
    prediction : ndarray of shape (n_samples, n_classes), float64

    Returns
    -------
    GradientComparison named ``"gradient"``.
    """
    probe = np.array(prediction, dtype=np.float64, copy=True)
    numeric = numerical_gradient(lambda: np.sum(cost.estimate(target.copy(), probe.copy())), probe, step)
    value = cost.estimate(target.copy(), prediction.copy())
    gradient = cost.gradient(value)
    analytic = None if gradient is None else np.array(gradient, copy=True)
    return compare("gradient", analytic, numeric, prediction.shape[0])
