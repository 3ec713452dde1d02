"""Hidden tests of Session 6, called from the ``### BEGIN HIDDEN TESTS`` parts of the test cells.

They never ship to students (they live beside the session's declaration, in solutions/).  They use other
shapes and seeds than the visible checks, so code fitted to the visible checks
does not pass them.  Forward passes are compared with the definitions written
here; backward passes only ever with finite differences.

Every function raises ``HiddenTestFailed`` (an AssertionError) with a message
that names the quantity but not the test, and writes nothing to stderr: NumPy
warnings are silenced, since nbgrader scores a test cell that writes to stderr 0.
"""

from __future__ import annotations

import numpy as np

from hamlet.hidden_testing import HiddenTestFailed  # noqa: F401 -- what these tests raise
from hamlet.hidden_testing import class_of as _class_of
from hamlet.hidden_testing import close as _close
from hamlet.hidden_testing import hidden as _hidden
from hamlet.hidden_testing import is_instance as _isinstance
from hamlet.hidden_testing import require as _require
from hamlet_utils import checks, gradcheck
from hamlet_utils.training import History, epoch_cap


def _linear(Linear, n_in, n_out, rng):
    layer = Linear(n_in, n_out)
    layer.w = rng.normal(size=(n_out, n_in))
    layer.b = rng.normal(size=(1, n_out))
    return layer


SHAPES = ((7, 2, 1), (2, 9, 5), (6, 6, 3), (1, 4, 8))  # (n_in, n_out, batch)
EPS = 1e-12


# The definitions the tasks' forward passes and costs must meet.  Backward passes are
# judged by finite differences of these, so a bug in a forward pass or a cost (its own
# task) does not cost the points of the backward pass or gradient built on it.

def reference_linear(x, w, b):
    return np.einsum("bi,oi->bo", x, w) + b


def reference_mse(target, prediction):
    return 0.5 * (prediction - target) ** 2


def reference_softmax(x):
    exponentials = np.exp(x - x.max(axis=1, keepdims=True))
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def reference_cross_entropy(target, prediction):
    return -np.sum(target * np.log(prediction + EPS), axis=1)


def _attempt(function, *args):
    """Call student code for its side effects (stored inputs); its errors are judged elsewhere."""
    try:
        function(*args)
    except Exception:
        pass


def _judge(description, analytic, numeric, batch_size=1):
    comparison = gradcheck.compare(description, analytic, numeric, batch_size)
    _require(comparison.ok, comparison.diagnosis())


@_hidden
def linear_forward(Linear):
    rng = np.random.default_rng(1001)
    for n_in, n_out, batch in SHAPES:
        layer = _linear(Linear, n_in, n_out, rng)
        x = rng.normal(size=(batch, n_in))
        original = x.copy()
        out = layer.forward(x)
        expected = reference_linear(original, layer.w, layer.b)
        _require(np.shape(out) == expected.shape, f"forward output shape {np.shape(out)} for {n_in}->{n_out}, batch {batch}")
        _require(_close(out, expected), f"forward of a {n_in}->{n_out} layer, batch {batch}")
        _require(np.array_equal(x, original), "forward modifies its input")
        _require(np.array_equal(layer.x_in, original), "forward does not store x_in")
        # the same layer on another batch: its output and its x_in, nothing kept from the first call
        other = rng.normal(size=(batch, n_in))
        out = layer.forward(other.copy())
        _require(_close(out, reference_linear(other, layer.w, layer.b)), "forward of a second batch on the same layer")
        _require(np.array_equal(layer.x_in, other), "forward keeps the x_in of an earlier call")


@_hidden
def mse_estimate(MeanSquareError):
    rng = np.random.default_rng(1002)
    for shape in ((1, 1), (5, 2), (3, 10)):
        target, prediction = rng.normal(size=shape), rng.normal(size=shape)
        copies = target.copy(), prediction.copy()
        cost = MeanSquareError().estimate(target, prediction)
        _require(np.shape(cost) == shape, f"estimate shape {np.shape(cost)} for inputs {shape}")
        _require(_close(cost, reference_mse(*copies)), f"estimate for inputs of shape {shape}")
        _require(np.array_equal(target, copies[0]) and np.array_equal(prediction, copies[1]),
                 "estimate modifies its inputs")


def _cost_gradient(cost_class, target, prediction, earlier, reference, stored, what):
    """The cost's gradient at (target, prediction) against finite differences of ``reference``.

    The student's estimate runs on ``earlier`` data first and then on these, so the
    gradient must use the latest.  If the estimate raises (its own task, 2b/6b), the
    handout's attributes are set instead, so the gradient is still judged on its own.
    """
    values = target.copy(), prediction.copy()
    cost = cost_class()
    _attempt(cost.estimate, *earlier)
    try:
        cost.estimate(target, prediction)
    except Exception:
        setattr(cost, "target", target)
        setattr(cost, stored, prediction)
    given = target.copy(), prediction.copy()  # as estimate left them
    gradient = cost.gradient(reference(*values))
    probe = values[1].copy()
    numeric = gradcheck.numerical_gradient(lambda: np.sum(reference(values[0], probe)), probe)
    _judge(what, None if gradient is None else np.array(gradient, dtype=float), numeric, target.shape[0])
    _require(np.array_equal(target, given[0]) and np.array_equal(prediction, given[1]),
             f"{what}: gradient modifies the arrays given to estimate")
    # the same object after an estimate on the earlier data: its gradient there, nothing kept
    again = tuple(array.copy() for array in earlier)
    try:
        cost.estimate(*(array.copy() for array in again))
    except Exception:
        setattr(cost, "target", again[0].copy())
        setattr(cost, stored, again[1].copy())
    gradient = cost.gradient(reference(*again))
    probe = again[1].copy()
    numeric = gradcheck.numerical_gradient(lambda: np.sum(reference(again[0], probe)), probe)
    _judge(f"{what}, after an estimate on other data", None if gradient is None else np.array(gradient, dtype=float),
           numeric, target.shape[0])


@_hidden
def mse_gradient(MeanSquareError):
    rng = np.random.default_rng(1003)
    for shape in ((1, 1), (5, 2), (2, 7)):
        earlier = rng.normal(size=shape), rng.normal(size=shape)
        _cost_gradient(MeanSquareError, rng.normal(size=shape), rng.normal(size=shape), earlier, reference_mse,
                       "prediction", f"gradient for shape {shape}")


@_hidden
def linear_backward(Linear):
    rng = np.random.default_rng(1004)
    for n_in, n_out, batch in SHAPES:
        layer = _linear(Linear, n_in, n_out, rng)
        x, d_out = rng.normal(size=(batch, n_in)), rng.normal(size=(batch, n_out))
        probe, w, b = x.copy(), layer.w.copy(), layer.b.copy()

        def loss():
            return np.sum(d_out * reference_linear(probe, w, b))
        numeric = {"d_in": gradcheck.numerical_gradient(loss, probe),
                   "dw": gradcheck.numerical_gradient(loss, w),
                   "db": gradcheck.numerical_gradient(loss, b)}
        layer.zero_gradients()
        _attempt(layer.forward, x.copy())
        stored = x.copy()
        layer.x_in = stored  # the handout's attribute: a wrong forward (task 2a) does not matter here
        d_in = layer.backward(d_out.copy())
        _require(np.array_equal(stored, x), "backward modifies the stored input x_in")
        analytic = {"d_in": d_in, "dw": layer.dw, "db": layer.db}
        for name, value in analytic.items():
            _judge(f"{name} of a {n_in}->{n_out} layer, batch {batch}",
                   None if value is None else np.array(value, dtype=float), numeric[name], batch)
        # two backward calls with different upstream gradients add up; zero_gradients resets. As in
        # training, the input is in place before each backward (a backward may clear it at its end)
        other = rng.normal(size=(batch, n_out))

        def backward(gradient):
            layer.x_in = x.copy()
            layer.backward(gradient)
        layer.zero_gradients()
        backward(d_out)
        first = np.array(layer.dw, dtype=float), np.array(layer.db, dtype=float)
        layer.zero_gradients()
        backward(other)
        second = np.array(layer.dw, dtype=float), np.array(layer.db, dtype=float)
        layer.zero_gradients()
        backward(d_out)
        backward(other)
        _require(_close(layer.dw, first[0] + second[0]) and _close(layer.db, first[1] + second[1]),
                 "gradients do not accumulate over backward calls")
        layer.zero_gradients()
        _require(not np.any(layer.dw) and not np.any(layer.db), "zero_gradients does not reset dw and db")
        _require(not np.shares_memory(layer.dw, layer.w) and not np.shares_memory(layer.db, layer.b),
                 "zero_gradients makes a gradient the very array of its parameter")
        # d_in is each call's own (it does not add up), d_out is left alone, and a second batch on the
        # same layer is differentiated afresh (nothing kept from the first)
        given = d_out.copy()
        backward(given)
        _require(np.array_equal(given, d_out), "backward modifies d_out")
        _require(_close(layer.backward(d_out.copy()) if _restored(layer, x) else None, numeric["d_in"]),
                 "d_in of a second backward call on the same batch")
        x_next, d_next = rng.normal(size=(batch, n_in)), rng.normal(size=(batch, n_out))
        probe_next = x_next.copy()
        numeric_next = {"d_in": gradcheck.numerical_gradient(
            lambda: np.sum(d_next * reference_linear(probe_next, w, b)), probe_next),
            "dw": gradcheck.numerical_gradient(lambda: np.sum(d_next * reference_linear(x_next, w, b)), w)}
        layer.zero_gradients()
        _attempt(layer.forward, x_next.copy())
        layer.x_in = x_next.copy()
        d_in = layer.backward(d_next.copy())
        for name, value in (("d_in", d_in), ("dw", layer.dw)):
            _judge(f"{name} of a second batch on the same {n_in}->{n_out} layer",
                   None if value is None else np.array(value, dtype=float), numeric_next[name], batch)


def _restored(layer, x) -> bool:
    """Put the input back, as a forward before each backward does in training."""
    layer.x_in = x.copy()
    return True


@_hidden
def linear_update(Linear):
    rng = np.random.default_rng(1005)
    for learning_rate in (0.5, 1e-3, 0.0):
        layer = _linear(Linear, 4, 6, rng)
        w, b = layer.w.copy(), layer.b.copy()
        dw, db = rng.normal(size=w.shape), rng.normal(size=b.shape)
        layer.dw, layer.db = dw.copy(), db.copy()
        layer.update_parameters(learning_rate)
        _require(np.shape(layer.w) == w.shape and np.shape(layer.b) == b.shape, "update changes shapes")
        _require(np.allclose(layer.w - w, -learning_rate * dw, rtol=1e-12, atol=1e-15)
                 and np.allclose(layer.b - b, -learning_rate * db, rtol=1e-12, atol=1e-15),
                 f"update with learning_rate={learning_rate}")


def _one_step_consistent(layer, x, y, learning_rate, cost_class, activation_class):
    """dw of the stored step equals a fresh step from the reconstructed parameters."""
    dw, db = np.array(layer.dw, dtype=float), np.array(layer.db, dtype=float)
    fresh = _class_of(layer)(layer.w.shape[1], layer.w.shape[0])
    fresh.w, fresh.b = layer.w + learning_rate * dw, layer.b + learning_rate * db
    fresh.zero_gradients()
    activation, cost = activation_class(), cost_class()
    prediction = activation.forward(fresh.forward(x))
    fresh.backward(activation.backward(cost.gradient(cost.estimate(y, prediction))))
    return np.any(dw) and _close(fresh.dw, dw, 1e-7) and _close(fresh.db, db, 1e-7)


@_hidden
def single_step(linear_layer, sigmoid_layer, cost_function, random_input, random_label, learning_rate,
                excused=None):
    """``excused(net=..., cost_function=...)`` says whether a class's bug is to blame (default: its checks fail)."""
    if (excused or _excused)(task="2f", net=linear_layer, cost_function=cost_function):
        return  # the step is judged once its classes work
    _require(np.shape(linear_layer.w) == (10, 784), "linear_layer.w changed shape")
    _require(np.shape(getattr(sigmoid_layer, "x_in", None)) == (600, 10), "sigmoid_layer saw no batch of 600")
    _require(_one_step_consistent(linear_layer, random_input, random_label, learning_rate,
                                  _class_of(cost_function), _class_of(sigmoid_layer)),
             "linear_layer did not take exactly one gradient step")


#: correct layers, the building blocks of the task-3a test; source text, so that the
#: outside verdict can create them in the grading sandbox as well as here
BUILDING_BLOCKS = """
class ReferenceLinear:
    def __init__(self, w, b):
        self.w, self.b = np.array(w, dtype=float), np.array(b, dtype=float)
        self.zero_gradients()

    def forward(self, x_in):
        self.x_in = x_in
        return x_in @ self.w.T + self.b

    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += d_out.sum(axis=0, keepdims=True)
        return d_out @ self.w

    def zero_gradients(self):
        self.dw, self.db = np.zeros_like(self.w), np.zeros_like(self.b)

    def update_parameters(self, learning_rate):
        self.w = self.w - learning_rate * self.dw
        self.b = self.b - learning_rate * self.db


class ReferenceSigmoid:
    def forward(self, x_in):
        self.x_out = 1 / (1 + np.exp(-x_in))
        return self.x_out

    def backward(self, d_out):
        return d_out * self.x_out * (1 - self.x_out)

    def zero_gradients(self):
        pass

    def update_parameters(self, learning_rate):
        pass
"""
BUILDING_BLOCK_NAMES = ("ReferenceLinear", "ReferenceSigmoid")


def building_blocks() -> tuple:
    """``(ReferenceLinear, ReferenceSigmoid)`` defined here."""
    namespace = {"np": np}
    exec(BUILDING_BLOCKS, namespace)
    return tuple(namespace[name] for name in BUILDING_BLOCK_NAMES)


@_hidden
def network(Network, blocks=None):
    """Task 3a with correct layers inside the student's Network.

    ``blocks`` are the classes of the layers handed to the Network (default: made
    here; the outside verdict passes proxies of ones made in the sandbox).  The
    expected values always come from a second, local copy of the same layers.
    """
    rng = np.random.default_rng(1006)
    parameters = [(rng.normal(size=(n_out, n_in)), rng.normal(size=(1, n_out))) for n_in, n_out in
                  ((6, 5), (5, 4), (4, 3))]

    def build(linear_class, sigmoid_class):
        layers = []
        for index, (w, b) in enumerate(parameters):
            layers += [linear_class(w.copy(), b.copy())] + ([sigmoid_class()] if index < 2 else [])
        return layers

    blocks = blocks or building_blocks()
    layers, reference = build(*blocks), build(*building_blocks())

    def composed(x_in):
        for layer in reference:
            x_in = layer.forward(x_in)
        return x_in

    net = Network(layers)
    x, d_out = rng.normal(size=(3, 6)), rng.normal(size=(3, 3))
    _require(_close(net.forward(x.copy()), composed(x)), "forward of a five-layer network")
    net.zero_gradients()
    net.forward(x.copy())
    d_in = net.backward(d_out.copy())
    probe = x.copy()
    comparison = gradcheck.compare("d_in", None if d_in is None else np.array(d_in, dtype=float),
                                   gradcheck.numerical_gradient(lambda: np.sum(d_out * composed(probe)), probe))
    _require(comparison.ok, f"backward of a five-layer network: {comparison.diagnosis()}")
    for index in (0, 2, 4):
        for parameter, gradient in gradcheck.PARAMETER_GRADIENTS.items():
            numeric = gradcheck.numerical_gradient(lambda: np.sum(d_out * composed(x)),
                                                   getattr(reference[index], parameter))  # perturbed in place
            comparison = gradcheck.compare(f"layers[{index}].{gradient}", getattr(layers[index], gradient), numeric)
            _require(comparison.ok, f"five-layer network: {comparison.diagnosis()}")
    before = [np.array(layer.w) for layer in layers[::2]]
    gradients = [np.array(layer.dw) for layer in layers[::2]]
    net.update_parameters(0.1)
    for layer, w, dw in zip(layers[::2], before, gradients):
        _require(_close(layer.w - w, -0.1 * dw, 1e-10), "update_parameters is not delegated to every layer")
    net.zero_gradients()
    _require(all(not np.any(layer.dw) for layer in layers[::2]), "zero_gradients is not delegated to every layer")
    single = Network([blocks[0](rng.normal(size=(2, 3)), rng.normal(size=(1, 2)))])
    _require(np.shape(single.forward(rng.normal(size=(1, 3)))) == (1, 2), "a one-layer network")


@_hidden
def network_step(network, Network, linear_layer, sigmoid_layer, cost_function, random_input, random_label,
                 learning_rate, excused=None):
    _require(_isinstance(network, Network), "network is not a Network")
    layers = list(network.layers)
    _require(len(layers) >= 2 and layers[0] is linear_layer and layers[1] is sigmoid_layer,
             "network does not hold linear_layer and sigmoid_layer")
    if (excused or _excused)(task="3b", net=network, cost_function=cost_function):
        return
    _require(_one_step_consistent(linear_layer, random_input, random_label, learning_rate,
                                  _class_of(cost_function), _class_of(sigmoid_layer)),
             "network did not take exactly one gradient step")


def _history(history, name):
    _require(isinstance(history, History), f"{name} is not a training History")
    _require(len(history) >= 1 and all(np.isfinite(history.cost)), f"{name} has no finite costs")
    return history


def _excused(task, history=None, net=None, cost_function=None) -> bool:
    """The run of ``task`` went wrong because a class it builds on has a bug (that task's loss)."""
    if history is not None:
        net, cost_function = history.net, history.cost_function
    return bool(checks.earlier_task_bugs(net, cost_function, task))


def _stopped_by_earlier_bug(task, history, name) -> bool:
    """A History whose run stopped or diverged because of a bug in an earlier task."""
    _require(isinstance(history, History), f"{name} is not a training History")
    return bool(history.failure or not all(np.isfinite(history.cost))) and _excused(task, history)


@_hidden
def training(history, name, task):
    """The run of training task ``task`` (its History ``history`` in ``name``) under the grading cap."""
    from hamlet.declaration import load

    declared = load("06_backpropagation").training_task(task)
    if _stopped_by_earlier_bug(task, history, name):
        return
    history = _history(history, name)
    cap = epoch_cap()
    wanted_epochs = history.settings.get("number_epochs")
    _require(wanted_epochs == declared.number_epochs,
             f"{name}: train for the given number_epochs ({declared.number_epochs})")
    _require(len(history) == (wanted_epochs if cap is None else min(cap, wanted_epochs)),
             f"{name}: not every epoch was run")
    minimum = checks.minimum_accuracy(declared.minimum_accuracy, len(history))
    if history.final_accuracy < minimum and _excused(task, history):
        return
    _require(history.final_accuracy >= minimum, f"{name}: accuracy {history.final_accuracy:.4f} < {minimum:.2f}")
    if len(history) > 1:
        _require(history.cost[-1] < history.cost[0], f"{name}: the cost does not decrease")


@_hidden
def better_network(history_task5, history_task4):
    if _stopped_by_earlier_bug("5", history_task5, "history_task5"):
        return
    history_task5 = _history(history_task5, "history_task5")
    history_task4 = _history(history_task4, "history_task4")
    if history_task5.final_accuracy <= history_task4.final_accuracy and _excused("5", history_task5):
        return
    _require(history_task5.final_accuracy > history_task4.final_accuracy,
             "the task 5 network does not beat the task 4 network under the same budget")


@_hidden
def softmax_forward(SoftMax):
    rng = np.random.default_rng(1007)
    for shape, scale in (((1, 10), 1.0), ((6, 2), 5.0), ((3, 4), 1e4)):
        x = scale * rng.normal(size=shape)
        original = x.copy()
        out = np.asarray(SoftMax().forward(x), dtype=float)
        _require(out.shape == shape and np.all(np.isfinite(out)), f"softmax of shape {shape}, scale {scale:g}")
        _require(_close(out, reference_softmax(original), 1e-9), f"softmax values, scale {scale:g}")
        _require(np.allclose(out.sum(axis=1), 1.0, atol=1e-12), "softmax rows do not sum to 1")
        _require(np.array_equal(x, original), "softmax forward modifies its input")
        layer = SoftMax()
        out = layer.forward(original.copy())
        _require(_close(getattr(layer, "x_out", None), out, 1e-12), "softmax forward does not store x_out")
        other = rng.normal(size=original.shape)  # the same layer on other data: nothing kept from before
        _require(_close(layer.forward(other.copy()), reference_softmax(other), 1e-10),
                 "softmax forward of a second batch on the same layer")
        _require(_close(getattr(layer, "x_out", None), reference_softmax(other), 1e-10),
                 "softmax forward keeps the x_out of an earlier call")


@_hidden
def cross_entropy_estimate(CrossEntropy):
    target = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    for prediction, per_sample in ((target.copy(), (0.0, 0.0)),                  # probability exactly 1
                                   (np.array([[0.5, 0.0, 0.5], [0.0, 0.5, 0.5]]), None),  # exactly 0
                                   (np.array([[0.2, 0.5, 0.3], [0.25, 0.5, 0.25]]), (-np.log(0.5), -np.log(0.25)))):
        original = prediction.copy()
        cost = np.asarray(CrossEntropy().estimate(target.copy(), prediction), dtype=float)
        _require(cost.shape in ((2,), (2, 1), (2, 3)), f"estimate shape {cost.shape}")
        cost = cost.reshape(2, -1).sum(axis=1)
        _require(np.all(np.isfinite(cost)), "estimate is not finite at probabilities 0 or 1")
        if per_sample is None:
            _require(np.all(cost > 20), "a probability of 0 for the true class must cost about -log(eps)")
        else:
            _require(np.allclose(cost, per_sample, atol=1e-9), "estimate values")
        _require(np.array_equal(prediction, original), "estimate modifies its input")


@_hidden
def cross_entropy_gradient(CrossEntropy):
    rng = np.random.default_rng(1008)
    for n_samples, n_classes in ((1, 2), (5, 10)):
        target = np.eye(n_classes)[rng.integers(0, n_classes, n_samples)]
        earlier = (np.eye(n_classes)[rng.integers(0, n_classes, n_samples)],
                   reference_softmax(rng.normal(size=(n_samples, n_classes))))
        _cost_gradient(CrossEntropy, target, rng.uniform(0.1, 1.0, size=(n_samples, n_classes)), earlier,
                       reference_cross_entropy, "x_in", f"gradient for {n_samples} samples of {n_classes} classes")


@_hidden
def softmax_backward(SoftMax):
    rng = np.random.default_rng(1009)
    for shape in ((1, 2), (5, 10), (2, 3)):
        layer = SoftMax()
        x, d_out = rng.normal(size=shape), rng.normal(size=shape)
        probe = x.copy()
        numeric = gradcheck.numerical_gradient(lambda: np.sum(d_out * reference_softmax(probe)), probe)
        _attempt(layer.forward, x.copy())
        layer.x_out = reference_softmax(x)  # the handout's attribute: a wrong forward (6a) does not matter
        given = d_out.copy()
        d_in = layer.backward(given)
        _judge(f"softmax backward, shape {shape}", None if d_in is None else np.array(d_in, dtype=float), numeric)
        _require(np.array_equal(given, d_out), "softmax backward modifies d_out")
        # the same layer on another batch: differentiated at that batch's softmax
        x_next, d_next = rng.normal(size=shape), rng.normal(size=shape)
        probe_next = x_next.copy()
        numeric_next = gradcheck.numerical_gradient(lambda: np.sum(d_next * reference_softmax(probe_next)), probe_next)
        _attempt(layer.forward, x_next.copy())
        layer.x_out = reference_softmax(x_next)
        d_in = layer.backward(d_next.copy())
        _judge(f"softmax backward of a second batch on the same layer, shape {shape}",
               None if d_in is None else np.array(d_in, dtype=float), numeric_next)
