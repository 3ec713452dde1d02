"""The accuracy of a trained network, measured by the grader on MNIST's 10,000 test images.

From the network's parameters and the math the session declares for each of its
layers; a network with a layer of the student's own kind is run by its own forward
pass in the worker.  A History's claims are checked first (:func:`refused_claims`),
the same for a worker's objects and for the file the grading kernel left.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import numpy as np

from hamlet_utils.mnist import MNIST
from hamlet_utils.training import normalisation_table

from . import trained
from .declaration import Declaration
from .remote import RemoteObject, RemoteWorker, StudentError


_EVALUATION_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _evaluation_set() -> tuple[np.ndarray, np.ndarray]:
    """MNIST's 10,000 test images, normalised as ``load_data`` does (one global mean and
    standard deviation of all 70,000 images), and their labels."""
    mnist = MNIST()
    return normalisation_table()[mnist.data[-10_000:]], np.argmax(mnist.target[-10_000:], axis=1)


def evaluation_set():
    with _EVALUATION_LOCK:
        return _evaluation_set()


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + exp(-x)), without overflow warnings


def _softmax(x):
    exponentials = np.exp(x - np.max(x, axis=1, keepdims=True))
    return exponentials / np.sum(exponentials, axis=1, keepdims=True)


def accuracy_of_layers(layers, layer_math: dict) -> float | None:
    """Accuracy on the test images of the layers ``[(kind, w, b)]``, computed here with the
    math the session declares for each kind (``layer_math``, see
    :data:`hamlet.declaration.LAYER_MATH`; w and b for affine ones); None when a layer is
    of another kind or its parameters do not fit."""
    images, labels = evaluation_set()
    x = images
    with np.errstate(all="ignore"):
        for kind, w, b in layers:
            if kind not in layer_math:
                return None
            for step in layer_math[kind]:
                if step == "affine":
                    if w is None or w.ndim != 2 or w.shape[1] != x.shape[1] or b.size != w.shape[0]:
                        return None
                    x = x @ w.T + b.reshape(1, -1)
                elif step == "sigmoid":
                    x = _sigmoid(x)
                elif step == "softmax":
                    x = _softmax(x)
                else:
                    return None
    return _accuracy(x, labels)


def measured_accuracy(worker: RemoteWorker, net, layer_math: dict) -> tuple[float, str]:
    """Accuracy of a trained network on the test images, computed here from its parameters.

    Layers are recognised by their class: the notebook's classes the session declares
    (``layer_math``).  A network with any other layer is run by its own ``forward`` in the
    worker instead, and the note says so.
    """
    known = {}
    for name in layer_math:
        try:
            known[name] = worker.global_(name)
        except (StudentError, NotImplementedError):
            pass
    layers = []
    for layer in list(net.layers) if isinstance(net, RemoteObject) and _has(net, "layers") else [net]:
        kind = next((name for name, cls in known.items()
                     if isinstance(layer, RemoteObject) and worker.class_of(layer) is cls), None)
        if kind is not None and trained.WITH_PARAMETERS in layer_math[kind]:
            layers.append((kind, np.asarray(layer.w, dtype=float), np.asarray(layer.b, dtype=float)))
        else:
            layers.append((kind, None, None))
    accuracy = accuracy_of_layers(layers, layer_math)
    if accuracy is not None:
        return accuracy, ""
    # a layer of its own kind: the student's forward pass, on the test images, gives the outputs
    images, labels = evaluation_set()
    outputs = net.forward(images.copy())
    return _accuracy(np.asarray(outputs, dtype=float), labels), "measured with your network's own forward pass"


def _has(obj, name) -> bool:
    try:
        getattr(obj, name)
        return True
    except (AttributeError, StudentError, NotImplementedError):
        return False


def _accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    if outputs.shape != (len(labels), 10) or not np.all(np.isfinite(outputs)):
        return 0.0
    return float(np.mean(np.argmax(outputs, axis=1) == labels))


@dataclass
class Run:
    """A training run as the grader sees it: the History's claims and the measured accuracy."""

    ok: bool
    message: str = ""
    accuracy: float = float("nan")
    note: str = ""
    ran: bool = True  # a History exists: a bug in a class may be to blame for a bad one


def refused_claims(name: str, facts: trained.TrainedRun, wanted_epochs: int | None) -> Run | None:
    """The checks of a History before its network is measured, the same for a worker's
    objects and the kernel's file: the refusing Run, or None when it passes them."""
    if not facts.defined:
        return Run(False, f"`{name}` is not defined", ran=False)
    if not facts.is_history:
        return Run(False, f"`{name}` is not what train(...) returns", ran=False)
    if facts.failure:
        return Run(False, f"training stopped ({facts.failure[:200]})")
    if not facts.costs or None in facts.costs:
        return Run(False, f"`{name}` has no finite training costs")
    if wanted_epochs and facts.number_epochs != wanted_epochs:
        return Run(False, f"train for the given number_epochs ({wanted_epochs})")
    return None


def examine_run(worker: RemoteWorker, name: str, wanted_epochs: int | None, layer_math: dict) -> Run:
    try:
        history = worker.global_(name)
        history_class = worker.define("from hamlet_utils.training import History", ["History"])["History"]
    except (StudentError, NotImplementedError) as error:
        return Run(False, f"`{name}` is not defined ({error})", ran=False)
    facts = trained.TrainedRun(name, defined=True, is_history=isinstance(history, RemoteObject)
                               and worker.isinstance(history, history_class))
    if facts.is_history:
        failure, costs, settings = history.failure, list(history.cost or []), history.settings
        facts.failure = str(failure) if failure else None
        facts.costs = [cost if isinstance(cost, (int, float)) and np.isfinite(cost) else None for cost in costs]
        facts.number_epochs = settings.get("number_epochs") if isinstance(settings, dict) else None
    refused = refused_claims(name, facts, wanted_epochs)
    if refused is not None:
        return refused
    accuracy, note = measured_accuracy(worker, history.net, layer_math)
    return Run(True, accuracy=accuracy, note=note)


def run_from_kernel(left: trained.TrainedRun, wanted_epochs: int | None, layer_math: dict) -> Run | None:
    """:func:`examine_run` for the run the grading kernel left (:mod:`hamlet.trained`);
    None when its network is not one whose accuracy is computed here."""
    refused = refused_claims(left.name, left, wanted_epochs)
    if refused is not None:
        return refused
    accuracy = accuracy_of_layers(left.layers, layer_math)
    return None if accuracy is None else Run(True, accuracy=accuracy)


def kernel_runs(left: dict, declaration: Declaration) -> dict | None:
    """``{task: Run}`` for the training tasks from the kernel's files ``{name: TrainedRun}``;
    None unless every training task's run is there, computable here and good.

    A run that failed in the kernel is tried again in a worker: it may have failed for a
    fault in an earlier cell of the notebook (memory a cell kept, a kernel restarted),
    which outside the kernel costs only that cell's own task.
    """
    runs = {}
    for training in declaration.training_tasks:
        found = left.get(training.history)
        run = run_from_kernel(found, training.number_epochs, declaration.layers) if found is not None else None
        if run is None or not run.ok:
            return None
        runs[training.task] = run
    return runs
