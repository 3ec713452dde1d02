"""The equivalence filter: an independent run of a class or function on random inputs.

A *probe* drives a submission the way training does -- several random batches of
different sizes, a second call after the first, two backward calls (accumulation),
``zero_gradients``, ``update_parameters``, inputs at the scales the checks use
(softmax of x + 1000, a probability of exactly 0, sigmoid of +-1000) -- and records
every output, gradient and stored state, plus whether the caller's arrays were
changed.  It shares no code with the checks.  A mutant whose record equals the
reference's (:func:`same_record`) is *equivalent*: a correct, unusual solution.
"""

from __future__ import annotations

import warnings

import numpy as np


class _Recorder:
    def __init__(self):
        self.entries = []

    def add(self, tag, value):
        if isinstance(value, BaseException):
            self.entries.append((tag, "raised", type(value).__name__))
            return
        if value is None or isinstance(value, (bool, str)):
            self.entries.append((tag, "value", value))
            return
        if isinstance(value, (tuple, list)):
            self.entries.append((tag, "length", len(value)))
            for i, item in enumerate(value):
                self.add(f"{tag}[{i}]", item)
            return
        try:
            array = np.array(value)
            # a float's width counts: float32 keeps 7 digits, which the checks do not credit
            kind = array.dtype.kind + (str(array.dtype.itemsize) if array.dtype.kind == "f" else "")
            self.entries.append((tag, "array", kind, array.shape,
                                 array.astype(float) if array.dtype.kind in "biuf" else None))
        except Exception as error:  # anything unusual a mutant returns
            self.entries.append((tag, "odd", type(error).__name__))


def _close(a, b, tolerance) -> bool:
    rtol, atol = tolerance
    if a[:2] != b[:2] or len(a) != len(b):
        return False
    if a[1] != "array":
        return a == b
    _, _, kind_a, shape_a, value_a = a
    _, _, kind_b, shape_b, value_b = b
    floats = kind_a.startswith("f"), kind_b.startswith("f")
    if shape_a != shape_b or floats[0] != floats[1] or (floats[0] and kind_a != kind_b) or value_a is None \
            or value_b is None:
        return False
    return bool(np.array_equal(np.isfinite(value_a), np.isfinite(value_b))
                and np.allclose(np.nan_to_num(value_a), np.nan_to_num(value_b), rtol=rtol, atol=atol))


def same_record(a, b, tolerance=(1e-7, 1e-9)) -> bool:
    """Equal records: the same steps, outcomes, shapes and dtypes, values within ``(rtol, atol)``."""
    return len(a) == len(b) and all(_close(x, y, tolerance) for x, y in zip(a, b))


def _guarded(record, tag, action, keep=True):
    """Run ``action()``; record its result (``keep``) or exception; stop the probe on an exception."""
    try:
        value = action()
    except Exception as error:  # a mutant may raise anything
        record.add(tag, error)
        raise _Stop() from None
    record.add(tag, value if keep else "ok")
    return value


class _Stop(Exception):
    pass


def _run(probe, submission, watch_warnings=False) -> list:
    record = _Recorder()
    state = np.random.get_state()
    np.random.seed(11)
    try:
        with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                probe(record, submission, np.random.default_rng(12345))
            except _Stop:
                pass
        if watch_warnings:
            record.add("warned", bool(caught))
    finally:
        np.random.set_state(state)
    return record.entries


# --------------------------------------------------------------------------- Session 6 classes

def _linear(record, Linear, rng):
    for n_in, n_out, first, second in ((4, 4, 1, 3), (5, 3, 4, 2), (3, 6, 2, 5)):
        layer = _guarded(record, "init", lambda: Linear(n_in, n_out), keep=False)
        layer.w, layer.b = rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))
        x1, d1 = rng.normal(size=(first, n_in)), rng.normal(size=(first, n_out))
        x1_seen, d1_seen = x1.copy(), d1.copy()
        _guarded(record, "zero", layer.zero_gradients)
        _guarded(record, "out1", lambda: layer.forward(x1))
        record.add("x1 kept", np.array_equal(x1, x1_seen))
        _guarded(record, "d_in1", lambda: layer.backward(d1))
        record.add("dw1", getattr(layer, "dw", None))
        record.add("db1", getattr(layer, "db", None))
        # training runs a forward before every backward: a backward that clears x_in at its end is fine
        _guarded(record, "out1 again", lambda: layer.forward(x1))
        _guarded(record, "d_in1 again", lambda: layer.backward(d1))
        record.add("dw twice", getattr(layer, "dw", None))
        record.add("db twice", getattr(layer, "db", None))
        record.add("inputs kept", np.array_equal(x1, x1_seen) and np.array_equal(d1, d1_seen))
        _guarded(record, "zero again", layer.zero_gradients)
        x2, d2 = rng.normal(size=(second, n_in)), rng.normal(size=(second, n_out))
        _guarded(record, "out2", lambda: layer.forward(x2))
        _guarded(record, "d_in2", lambda: layer.backward(d2))
        record.add("dw2", getattr(layer, "dw", None))
        record.add("db2", getattr(layer, "db", None))
        _guarded(record, "update", lambda: layer.update_parameters(0.1))
        record.add("w", getattr(layer, "w", None))
        record.add("b", getattr(layer, "b", None))
        _guarded(record, "out3", lambda: layer.forward(np.zeros((1, n_in))))
        record.add("x1 kept at end", np.array_equal(x1, x1_seen))


def _mean_square_error(record, MeanSquareError, rng):
    cost = MeanSquareError()
    for shape in ((4, 3), (1, 5), (3, 2)):
        target, prediction = rng.normal(size=shape), rng.normal(size=shape)
        seen = target.copy(), prediction.copy()
        value = _guarded(record, "estimate", lambda: cost.estimate(target, prediction))
        _guarded(record, "gradient", lambda: cost.gradient(value))
        _guarded(record, "perfect", lambda: cost.estimate(target, target.copy()))
        record.add("kept", np.array_equal(seen[0], target) and np.array_equal(seen[1], prediction))


class _Scale:
    """A layer y = a * x + c with parameters a, c; logs its calls."""

    def __init__(self, name, log, rng, n):
        self.name, self.log = name, log
        self.a, self.c = rng.normal(size=(1, n)), rng.normal(size=(1, n))
        self.da, self.dc = np.zeros((1, n)), np.zeros((1, n))

    def forward(self, x_in):
        self.log.append(("forward", self.name))
        self.x_in = x_in
        return x_in * self.a + self.c

    def backward(self, d_out):
        self.log.append(("backward", self.name))
        self.da += np.sum(d_out * self.x_in, axis=0, keepdims=True)
        self.dc += np.sum(d_out, axis=0, keepdims=True)
        return d_out * self.a

    def zero_gradients(self):
        self.log.append(("zero", self.name))
        self.da, self.dc = np.zeros_like(self.a), np.zeros_like(self.c)

    def update_parameters(self, learning_rate):
        self.log.append(("update", self.name, learning_rate))
        self.a, self.c = self.a - learning_rate * self.da, self.c - learning_rate * self.dc


def _network(record, Network, rng):
    log = []
    layers = [_Scale(name, log, rng, 3) for name in ("one", "two", "three")]
    network = _guarded(record, "init", lambda: Network(layers), keep=False)
    for batch in (4, 2):
        x, d_out = rng.normal(size=(batch, 3)), rng.normal(size=(batch, 3))
        _guarded(record, "zero", network.zero_gradients)
        record.add("zero calls", repr(sorted(log)))  # the order of resets does not matter
        log.clear()
        _guarded(record, "forward", lambda: network.forward(x))
        _guarded(record, "backward", lambda: network.backward(d_out))
        record.add("calls", repr(log))  # forward in order, backward in reverse
        log.clear()
        _guarded(record, "update", lambda: network.update_parameters(0.5))
        record.add("update calls", repr(sorted(log)))
        log.clear()
        for layer in layers:
            record.add("a", layer.a)
            record.add("c", layer.c)


def _softmax(record, SoftMax, rng):
    layer = SoftMax()
    for shape in ((4, 3), (1, 5), (3, 7)):
        x, d_out = 3 * rng.normal(size=shape), rng.normal(size=shape)
        seen = x.copy(), d_out.copy()
        _guarded(record, "forward", lambda: layer.forward(x))
        record.add("x_out", getattr(layer, "x_out", None))
        _guarded(record, "backward", lambda: layer.backward(d_out))
        record.add("kept", np.array_equal(seen[0], x) and np.array_equal(seen[1], d_out))
        per_row = 1000 * rng.normal(size=(shape[0], 1)) + 1000.0  # another large shift in every row
        for big in (x + 1000.0, x - 2000.0, x + per_row):
            _guarded(record, "forward big", lambda: layer.forward(big))
        _guarded(record, "forward again", lambda: layer.forward(x))
        _guarded(record, "backward again", lambda: layer.backward(d_out))


def _cross_entropy(record, CrossEntropy, rng):
    cost = CrossEntropy()
    for n_samples, n_classes in ((4, 3), (1, 6), (5, 2)):
        target = np.eye(n_classes)[rng.integers(n_classes, size=n_samples)]
        prediction = rng.uniform(0.05, 1.0, size=(n_samples, n_classes))
        seen = target.copy(), prediction.copy()

        def per_sample(values):
            return np.asarray(values, dtype=float).reshape(n_samples, -1).sum(axis=1)
        value = _guarded(record, "estimate", lambda: cost.estimate(target, prediction), keep=False)
        _guarded(record, "per sample", lambda: per_sample(value))
        _guarded(record, "gradient", lambda: cost.gradient(value))
        record.add("kept", np.array_equal(seen[0], target) and np.array_equal(seen[1], prediction))
        zero = np.where(target == 1, 0.0, 1.0 / (n_classes - 1))
        _guarded(record, "zero probability: large", lambda: bool(np.all(per_sample(cost.estimate(target, zero)) > 10)))
        _guarded(record, "perfect", lambda: per_sample(cost.estimate(target, target.copy())))


# --------------------------------------------------------------------------- Session 5 functions

SIGMOID_POINTS = np.array([-1e5, -1000.0, -745.0, -40.0, -3.5, -1.0, -1e-8, 0.0, 1e-8, 0.5, 2.0, 30.0, 710.0,
                           1000.0, 1e5])


def _elementwise(record, function, rng):
    x = SIGMOID_POINTS.copy()
    _guarded(record, "points", lambda: function(x))
    record.add("kept", np.array_equal(x, SIGMOID_POINTS))
    for shape in ((1,), (2, 3), (2, 3, 4)):
        y = 4 * rng.normal(size=shape)
        _guarded(record, "random", lambda: function(y))
        _guarded(record, "random, other values of that shape", lambda: function(-0.5 * y))
    _guarded(record, "zero", lambda: function(np.zeros(1)))


def _sigmoid_forward(record, forward, rng):
    for n_in, n_out, batch in ((4, 4, 1), (5, 3, 4), (2, 6, 3)):
        x, w, b = rng.normal(size=(batch, n_in)), rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))
        seen = x.copy(), w.copy(), b.copy()
        _guarded(record, "forward", lambda: forward(x, w, b))
        record.add("kept", all(np.array_equal(a, c) for a, c in zip(seen, (x, w, b))))


def _mse_gradients(record, mse_gradients, rng):
    for n_in, n_out, batch in ((4, 4, 4), (5, 3, 2), (3, 5, 1)):
        x, w, b = rng.normal(size=(batch, n_in)), 0.5 * rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))
        target = rng.uniform(size=(batch, n_out))
        seen = x.copy(), w.copy(), b.copy(), target.copy()
        _guarded(record, "gradients", lambda: mse_gradients(x, w, b, target))
        record.add("kept", all(np.array_equal(a, c) for a, c in zip(seen, (x, w, b, target))))


def _sgd_step(record, sgd_step, rng):
    for learning_rate in (0.1, 0.0, 1.5):
        w, b, dw, db = (rng.normal(size=shape) for shape in ((3, 5), (1, 3), (3, 5), (1, 3)))
        seen = w.copy(), b.copy(), dw.copy(), db.copy()
        _guarded(record, "step", lambda: sgd_step(w, b, dw, db, learning_rate))
        record.add("kept", all(np.array_equal(a, c) for a, c in zip(seen, (w, b, dw, db))))


PROBES = {"Linear": _linear, "MeanSquareError": _mean_square_error, "Network": _network, "SoftMax": _softmax,
          "CrossEntropy": _cross_entropy, "sigmoid_function": _elementwise, "sigmoid_derivative": _elementwise,
          "forward": _sigmoid_forward, "mse_gradients": _mse_gradients, "sgd_step": _sgd_step}
#: (rtol, atol): Session 5's sigmoid must be float64-exact and quiet; its derivative is judged
#: near the reference's own rounding (s (1 - s) loses digits for large x); Session 6 to 1e-7
TOLERANCE = {"sigmoid_function": (1e-13, 0.0), "sigmoid_derivative": (1e-9, 1e-12)}
DEFAULT_TOLERANCE = (1e-7, 1e-9)


def record_of(owner: str, submission) -> list:
    """The probe's record of ``submission`` (a class for Session 6, a function for Session 5)."""
    return _run(PROBES[owner], submission, watch_warnings=owner in TOLERANCE or owner in ("forward", "mse_gradients"))


def equivalent(owner: str, submission, reference) -> bool:
    return same_record(record_of(owner, submission), record_of(owner, reference),
                       TOLERANCE.get(owner, DEFAULT_TOLERANCE))
