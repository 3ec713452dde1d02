"""Data preparation and the training loop of the course handout.

Semantics follow the handout: all 70,000 MNIST images are shuffled, normalised
with one global mean and standard deviation, and split into 50,000 training and
20,000 validation images.  ``train_epoch`` runs mini-batch gradient descent and
returns the sum over batches of the mean batch cost; ``validate_epoch`` returns
the accuracy.  ``train`` additionally returns a :class:`History` so that runs
can be plotted and compared.

Environment variables (all optional)
------------------------------------
``HAMLET_MAX_EPOCHS``
    Caps the number of epochs of every ``train`` call, e.g. for a quick demo or a
    grading budget.  The cap is printed, never silent.
``HAMLET_PROGRESS``
    ``0`` hides the tqdm progress bars (they write to stderr).
"""

from __future__ import annotations

import os
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from .mnist import MNIST

N_TRAINING = 50_000
#: np.mean and np.std of all 70,000 MNIST images (the verified files), as load_data normalises
PIXEL_MEAN = 33.385964741253645
PIXEL_STD = 78.65437362689416


@dataclass
class History:
    """What one training run measured, one entry per epoch.

    Attributes
    ----------
    cost : list of float
        Sum over the epoch's batches of the mean batch cost (the handout's ``cost=``).
    accuracy : list of float
        Validation accuracy after the epoch.
    seconds : list of float
        Wall time of the epoch (training and validation).
    label : str or None
        Name used in plots.
    settings : dict
        ``number_epochs`` asked for, ``batch_size``, ``learning_rate``, ``seed``
        and ``epoch_cap`` (None when no cap applied).
    """

    cost: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    label: str | None = None
    settings: dict = field(default_factory=dict)
    failure: str | None = None
    #: the trained network and cost function (not saved by to_dict): the checks look
    #: at their classes to tell a training problem from a bug in an earlier task
    net: object = field(default=None, repr=False, compare=False)
    cost_function: object = field(default=None, repr=False, compare=False)

    @property
    def epochs(self) -> list:
        """Epoch numbers ``1 .. n``."""
        return list(range(1, len(self.cost) + 1))

    @property
    def final_accuracy(self) -> float:
        return self.accuracy[-1] if self.accuracy else float("nan")

    @property
    def final_cost(self) -> float:
        return self.cost[-1] if self.cost else float("nan")

    def __len__(self) -> int:
        return len(self.cost)

    def __repr__(self) -> str:
        name = f"{self.label!r}, " if self.label else ""
        if self.failure:
            return f"History({name}{len(self)} epochs, stopped by {self.failure})"
        if not self.cost:
            return f"History({name}no epochs)"
        return (f"History({name}{len(self)} epochs, final cost={self.final_cost:.6f}, "
                f"accuracy={self.final_accuracy:.4f}, {sum(self.seconds):.1f} s)")

    def to_dict(self) -> dict:
        return {"label": self.label, "cost": list(map(float, self.cost)),
                "accuracy": list(map(float, self.accuracy)),
                "seconds": list(map(float, self.seconds)), "settings": dict(self.settings),
                "failure": self.failure}

    @classmethod
    def from_dict(cls, data: dict) -> "History":
        return cls(cost=list(data["cost"]), accuracy=list(data["accuracy"]),
                   seconds=list(data.get("seconds", [])), label=data.get("label"),
                   settings=dict(data.get("settings", {})), failure=data.get("failure"))


def epoch_cap() -> int | None:
    """The epoch cap from ``HAMLET_MAX_EPOCHS``, or None when unset."""
    value = os.environ.get("HAMLET_MAX_EPOCHS", "").strip()
    if not value:
        return None
    try:
        cap = int(value)
    except ValueError:
        raise ValueError(f"HAMLET_MAX_EPOCHS must be a whole number, got {value!r}") from None
    if cap < 1:
        raise ValueError(f"HAMLET_MAX_EPOCHS must be at least 1, got {cap}")
    return cap


def show_progress() -> bool:
    return os.environ.get("HAMLET_PROGRESS", "1").strip() not in {"0", "false", "no", "off"}


def load_data(seed: int | None = None, data_dir=None):
    """Shuffled, normalised MNIST, as the handout's ``load_data``.

    Parameters
    ----------
    seed : int or None
        Seed of the shuffle.  None uses NumPy's global random state, as the
        handout did (so ``np.random.seed`` makes it reproducible).
    data_dir : path, optional
        Folder with the MNIST files (see :mod:`hamlet_utils.mnist`).

    Returns
    -------
    images : ndarray of shape (70000, 784), float64
        Pixels minus the global mean, divided by the global standard deviation.
    labels : ndarray of shape (70000, 10), float64
        One-hot targets, shuffled like ``images``.
    image_size : int
        784.
    label_size : int
        10.
    """
    mnist = MNIST(data_dir)
    images, labels = mnist.data, mnist.target
    if seed is None:
        permutation = np.random.permutation(images.shape[0])
    else:
        permutation = np.random.default_rng(seed).permutation(images.shape[0])
    return _normalised(images, permutation), labels[permutation], images.shape[1], labels.shape[1]


def normalisation_table() -> np.ndarray:
    """``(pixel - PIXEL_MEAN) / PIXEL_STD`` for each of the 256 pixel values, float64."""
    return (np.arange(256, dtype=np.float64) - PIXEL_MEAN) / PIXEL_STD


def _normalised(images: np.ndarray, permutation: np.ndarray, rows_per_chunk: int = 2048) -> np.ndarray:
    """``(images[permutation] - PIXEL_MEAN) / PIXEL_STD`` as float64, bit for bit.

    One global mean and std, as in the handout (not per pixel): the files are verified
    byte for byte, so these are constants.  Every pixel is one of 256 values, so a
    table lookup gives exactly ``(pixel - mean) / std``.  It goes chunk by chunk (no
    index array of the whole set) on up to two threads: writing the 439 MB result is
    most of the time, and NumPy lets go of the GIL while it does.
    """
    table = normalisation_table()
    result = np.empty(images.shape, dtype=np.float64)

    def fill(rows: range) -> None:
        for start in rows:
            stop = min(start + rows_per_chunk, rows.stop)
            # mode="clip" writes straight into `out` (every uint8 is a valid index)
            np.take(table, images[permutation[start:stop]], out=result[start:stop], mode="clip")

    threads = max(1, min(2, os.cpu_count() or 1))
    bounds = np.linspace(0, len(permutation), threads + 1).astype(int)
    parts = [range(begin, end, rows_per_chunk) for begin, end in zip(bounds[:-1], bounds[1:])]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(fill, parts))
    return result


def _batches(n_samples: int, batch_size: int):
    return range(0, n_samples, batch_size)


def train_epoch(e, net, images, labels, cost_function, batch_size, learning_rate, progress=None):
    """One epoch of mini-batch gradient descent.

    Parameters
    ----------
    e : int
        Epoch number, shown in the progress bar.
    net : Layer
        The network; ``zero_gradients``, ``forward``, ``backward`` and
        ``update_parameters`` are called once per batch.
    images : ndarray of shape (n_samples, n_in)
    labels : ndarray of shape (n_samples, n_out)
    cost_function : Cost
    batch_size : int
    learning_rate : float
    progress : bool or None
        Show a tqdm bar; None follows ``HAMLET_PROGRESS``.

    Returns
    -------
    epoch_cost : float
        Sum over batches of ``np.mean(cost)``.
    """
    progress = show_progress() if progress is None else progress
    epoch_cost = 0.0
    for i in tqdm(_batches(len(images), batch_size), desc="training,   e=%i" % e, disable=not progress):
        batch_images = images[i:i + batch_size]
        batch_labels = labels[i:i + batch_size]

        net.zero_gradients()
        prediction = net.forward(batch_images)
        cost = cost_function.estimate(batch_labels, prediction)

        dprediction = cost_function.gradient(cost)
        net.backward(dprediction)
        net.update_parameters(learning_rate)

        epoch_cost += np.mean(cost)
    return float(epoch_cost)


def validate_epoch(e, net, images, labels, batch_size, progress=None):
    """Accuracy of ``net`` on ``images``: the fraction whose arg-max matches the label.

    Parameters
    ----------
    images : ndarray of shape (n_samples, n_in)
    labels : ndarray of shape (n_samples, n_out), one-hot

    Returns
    -------
    accuracy : float
    """
    progress = show_progress() if progress is None else progress
    n_correct = 0
    n_total = 0
    for i in tqdm(_batches(len(images), batch_size), desc="validation, e=%i" % e, disable=not progress):
        batch_images = images[i:i + batch_size]
        batch_labels = labels[i:i + batch_size]
        predictions = net.forward(batch_images)
        n_correct += int(np.sum(np.argmax(batch_labels, axis=1) == np.argmax(predictions, axis=1)))
        n_total += batch_labels.shape[0]
    return n_correct / n_total


def train(net, cost_function, number_epochs, batch_size, learning_rate, *, seed=None,
          label=None, data=None, progress=None, verbose=True) -> History:
    """Train ``net`` on MNIST as the handout's ``train`` does, and return its history.

    Parameters
    ----------
    net : Layer
    cost_function : Cost
    number_epochs : int
        Capped by ``HAMLET_MAX_EPOCHS`` when that is set.
    batch_size : int
    learning_rate : float
    seed : int or None
        Seed of the data shuffle (see :func:`load_data`).
    label : str, optional
        Name of the run in plots.
    data : tuple, optional
        The result of :func:`load_data`, to reuse one shuffle across runs.
    progress : bool or None
        Show tqdm bars; None follows ``HAMLET_PROGRESS``.
    verbose : bool
        Print ``cost=..., accuracy=...`` after every epoch, as the handout did.

    Returns
    -------
    History
        If the network raises during training, the traceback is printed, training
        stops and the history so far is returned with ``failure`` set: a bug in a
        layer then shows up in the check of that layer's task, and the training
        task's check can tell the two apart.
    """
    cap = epoch_cap()
    epochs_to_run = number_epochs if cap is None else min(number_epochs, cap)
    if cap is not None and cap < number_epochs and verbose:
        print(f"HAMLET_MAX_EPOCHS={cap}: training {epochs_to_run} of {number_epochs} epochs", flush=True)

    images, labels, _, _ = load_data(seed) if data is None else data
    training_images, validation_images = images[:N_TRAINING], images[N_TRAINING:]
    training_labels, validation_labels = labels[:N_TRAINING], labels[N_TRAINING:]

    history = History(label=label, settings={
        "number_epochs": number_epochs, "batch_size": batch_size, "learning_rate": learning_rate,
        "seed": seed, "epoch_cap": cap}, net=net, cost_function=cost_function)
    for e in range(epochs_to_run):
        start = time.perf_counter()
        try:
            cost = train_epoch(e, net, training_images, training_labels, cost_function, batch_size,
                               learning_rate, progress)
            accuracy = validate_epoch(e, net, validation_images, validation_labels, batch_size, progress)
        except Exception as error:  # a bug in the student's layers; KeyboardInterrupt still stops
            traceback.print_exc()
            history.failure = f"{type(error).__name__} in epoch {e}: {error}"
            print(f"training stopped: {history.failure} (traceback above)", flush=True)
            break
        history.cost.append(cost)
        history.accuracy.append(accuracy)
        history.seconds.append(time.perf_counter() - start)
        if verbose:
            print("cost=%5.6f, accuracy=%2.6f" % (cost, accuracy), flush=True)
    return history
