"""A corpus of student submissions for the Session 6 checks.

Every submission is a *mixin*: a class holding only the methods a student
wrote differently from the reference solution.  :func:`build` combines it with
the reference class of its kind (``type(name, (mixin, reference[kind]), {})``),
so a mixin that overrides ``backward`` keeps the reference ``__init__``,
``forward`` and ``zero_gradients``.

``WRONG`` submissions embody typical mistakes.  Each names the task whose check
must fail, a substring of the failure message, and ``also_fails``: the other
tasks of the same class whose checks fail too (e.g. a broken estimate also
fails the gradient check, which needs the estimate).  Every other task of the
class must pass -- a mistake in ``backward`` must not fail the ``forward`` check.

``CORRECT`` submissions are right but written unusually (loops, einsum, other
stored intermediates, copies, rebinding); they must pass every check of their class.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from hamlet_utils import checks

#: the tasks checked for each class
TASKS = {
    "Linear": ("2a", "2d", "2e"),
    "MeanSquareError": ("2b", "2c"),
    "Network": ("3a",),
    "SoftMax": ("6a", "6d"),
    "CrossEntropy": ("6b", "6c"),
}

CHECKS = {
    "2a": checks.check_linear_forward,
    "2b": checks.check_mse_estimate,
    "2c": checks.check_mse_gradient,
    "2d": checks.check_linear_backward,
    "2e": checks.check_linear_update,
    "3a": checks.check_network,
    "6a": checks.check_softmax_forward,
    "6b": checks.check_cross_entropy_estimate,
    "6c": checks.check_cross_entropy_gradient,
    "6d": checks.check_softmax_backward,
}


def run_check(task: str, cls: type, reference: dict) -> None:
    """Run the check of ``task`` on ``cls``."""
    return CHECKS[task](cls)


@dataclass(frozen=True)
class Submission:
    name: str
    kind: str
    mixin: type
    correct: bool
    task: str | None = None
    message: str | None = None
    also_fails: tuple = ()
    #: the task whose *hidden* test fails, where it is not ``task``: an estimate that keeps stale
    #: data fails its visible check (task 2b / 6b, since issue #12), the hidden tests still judge
    #: it by the gradient (2c / 6c)
    hidden_task: str | None = None

    @property
    def graded_task(self) -> str | None:
        """The task whose hidden test this submission fails."""
        return self.hidden_task or self.task

    @property
    def description(self) -> str:
        return " ".join((self.mixin.__doc__ or self.name).split())

    def build(self, reference: dict) -> type:
        """The submitted class: the mixin's methods on top of the reference class."""
        return type(self.name, (self.mixin, reference[self.kind]), {"__doc__": self.mixin.__doc__})

    def should_fail(self, task: str) -> bool:
        return not self.correct and (task == self.task or task in self.also_fails)


WRONG: list[Submission] = []
CORRECT: list[Submission] = []


def wrong(kind: str, task: str, message: str, also_fails=(), hidden_task=None):
    """Register a mixin as a wrong submission whose ``task`` check fails with ``message``
    (and whose hidden test of ``hidden_task``, by default ``task``, fails)."""
    assert task in TASKS[kind] and all(other in TASKS[kind] for other in also_fails)

    def register(mixin):
        WRONG.append(Submission(mixin.__name__, kind, mixin, False, task, message, tuple(also_fails), hidden_task))
        return mixin
    return register


def correct(kind: str):
    """Register a mixin as a correct submission: every check of ``kind`` passes."""
    def register(mixin):
        CORRECT.append(Submission(mixin.__name__, kind, mixin, True))
        return mixin
    return register


def _softmax(x):
    exponentials = np.exp(x - np.max(x, axis=1, keepdims=True))
    return exponentials / np.sum(exponentials, axis=1, keepdims=True)


# =========================================================================== Linear: wrong

@wrong("Linear", "2a", "uses w where its transpose belongs", also_fails=("2d",))
class LinearForwardUsesW:
    """forward uses w where w.T belongs (only works for square layers)"""
    def forward(self, x_in):
        self.x_in = x_in
        return x_in @ self.w + self.b


@wrong("Linear", "2a", "uses w where its transpose belongs", also_fails=("2d",))
class LinearForwardUsesWWithDot:
    """forward uses np.dot(x_in, w): same mistake, numpy's other error message"""
    def forward(self, x_in):
        self.x_in = x_in
        return np.dot(x_in, self.w) + self.b


@wrong("Linear", "2a", "leaves out the bias b", also_fails=("2d",))
class LinearForwardNoBias:
    """forward forgets the bias"""
    def forward(self, x_in):
        self.x_in = x_in
        return x_in @ self.w.T


@wrong("Linear", "2a", "must remember its input", also_fails=("2d",))
class LinearForwardDoesNotStore:
    """forward forgets self.x_in = x_in"""
    def forward(self, x_in):
        return x_in @ self.w.T + self.b


@wrong("Linear", "2a", "Linear.forward changed its input in place", also_fails=("2d",))
class LinearForwardModifiesInput:
    """forward uses x_in as scratch space (x_in -= mean ... x_in += mean)"""
    def forward(self, x_in):
        mean = np.mean(x_in, axis=1, keepdims=True)
        x_in -= mean  # "centre" in place, forget to undo it
        self.x_in = x_in + mean
        return self.x_in @ self.w.T + self.b


@wrong("Linear", "2a", "uses w where its transpose belongs", also_fails=("2d",))
class LinearForwardTransposedOutput:
    """forward returns w @ x_in.T + b.T, shape (n_out, batch)"""
    def forward(self, x_in):
        self.x_in = x_in
        return self.w @ x_in.T + self.b.T


@wrong("Linear", "2a", "returned None", also_fails=("2d",))
class LinearForwardNoReturn:
    """forward stores the output but does not return it"""
    def forward(self, x_in):
        self.x_in = x_in
        self.x_out = x_in @ self.w.T + self.b


@wrong("Linear", "2a", "samples must not mix", also_fails=("2d",))
class LinearForwardMixesSamples:
    """forward adds the batch mean of the input (batch statistics leak between samples)"""
    def forward(self, x_in):
        self.x_in = x_in
        centred = x_in - np.mean(x_in, axis=0, keepdims=True)
        return (centred + np.mean(x_in)) @ self.w.T + self.b


@wrong("Linear", "2d", "dw is transposed")
class LinearBackwardTransposedDw:
    """dw += x_in.T @ d_out: shape (n_in, n_out)"""
    def backward(self, d_out):
        self.dw += self.x_in.T @ d_out
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "dw has the shape of w transposed")
class LinearBackwardTransposedDwRebound:
    """dw = x_in.T @ d_out: transposed, and rebound to shape (n_in, n_out)"""
    def backward(self, d_out):
        self.dw = self.x_in.T @ d_out
        self.db = self.db + np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "accumulate it with `+=`")
class LinearBackwardOverwrites:
    """dw = ..., db = ... instead of +="""
    def backward(self, d_out):
        self.dw = d_out.T @ self.x_in
        self.db = np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "accumulate it with `+=`")
class LinearBackwardOverwritesDbOnly:
    """dw accumulates, db is overwritten"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db = np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "looks averaged over the batch")
class LinearBackwardAveraged:
    """dw and db divided by the batch size"""
    def backward(self, d_out):
        batch = d_out.shape[0]
        self.dw += d_out.T @ self.x_in / batch
        self.db += np.mean(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "dw has the wrong sign")
class LinearBackwardDwWrongSign:
    """dw -= instead of dw +="""
    def backward(self, d_out):
        self.dw -= d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "d_in has the wrong sign")
class LinearBackwardDinWrongSign:
    """d_in = -d_out @ w"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return -d_out @ self.w


@wrong("Linear", "2d", "db sums d_out over every axis")
class LinearBackwardDbSumsEverything:
    """db += np.sum(d_out): one number for every bias"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out)
        return d_out @ self.w


@wrong("Linear", "2d", "not summed over the batch")
class LinearBackwardDbWrongAxis:
    """db += np.sum(d_out, axis=1, keepdims=True)"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=1, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "db after backward has shape (4, 3), expected (1, 3)")
class LinearBackwardDbNotSummed:
    """db = db + d_out: not summed over the batch"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db = self.db + d_out
        return d_out @ self.w


@wrong("Linear", "2d", "d_in uses w transposed")
class LinearBackwardDinUsesWT:
    """d_in = d_out @ w.T (only works for square layers)"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w.T


@wrong("Linear", "2d", "Linear.backward changed its input in place")
class LinearBackwardModifiesDout:
    """clips the upstream gradient in place"""
    def backward(self, d_out):
        np.clip(d_out, -1.0, 1.0, out=d_out)
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "Linear.backward changed its input in place")
class LinearBackwardModifiesStoredInput:
    """rescales the stored x_in (the caller's array) in place"""
    def backward(self, d_out):
        self.x_in /= np.max(np.abs(self.x_in))
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out @ self.w


@wrong("Linear", "2d", "returned None")
class LinearBackwardReturnsNone:
    """computes d_in but forgets to return it"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        self.d_in = d_out @ self.w


@wrong("Linear", "2d", "returns self.d_in but never set it")
class LinearBackwardKeepsStubReturn:
    """computes a local d_in but keeps the template's `return self.d_in`"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        d_in = d_out @ self.w  # noqa: F841
        return self.d_in


@wrong("Linear", "2e", "b moved uphill")
class LinearUpdateWrongSign:
    """w += lr * dw"""
    def update_parameters(self, learning_rate):
        self.w -= learning_rate * self.dw
        self.b += learning_rate * self.db


@wrong("Linear", "2e", "w moved uphill")
class LinearUpdateWrongSignW:
    """w += lr * dw"""
    def update_parameters(self, learning_rate):
        self.w += learning_rate * self.dw
        self.b -= learning_rate * self.db


@wrong("Linear", "2e", "multiply it by the learning rate")
class LinearUpdateNoLearningRate:
    """w -= dw"""
    def update_parameters(self, learning_rate):
        self.w -= self.dw
        self.b -= self.db


@wrong("Linear", "2d", "Linear.backward returns its argument d_out itself, not d_in")
class LinearBackwardReturnsDOut:
    """dw and db accumulated, d_in never computed: d_out is passed through"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        return d_out


@wrong("Linear", "2d", "accumulates into self.d_in (`self.d_in += d_out @ self.w`) before anything set it")
class LinearBackwardAccumulatesDIn:
    """d_in added up with += like dw, but nothing ever set it"""
    def backward(self, d_out):
        self.dw += d_out.T @ self.x_in
        self.db += np.sum(d_out, axis=0, keepdims=True)
        self.d_in += d_out @ self.w
        return self.d_in


@wrong("Linear", "2e", "averaged over the batch of 4 the layer last saw")
class LinearUpdateAveragedOverBatch:
    """the step divided by the batch size of the last forward pass (dw is a sum already)"""
    def update_parameters(self, learning_rate):
        n = len(self.x_in)
        self.w = self.w - learning_rate * self.dw / n
        self.b = self.b - learning_rate * self.db / n


@wrong("Linear", "2e", "the old value times a factor (the learning rate)")
class LinearUpdateBrackets:
    """(w - dw) * lr: the brackets scale the old value too"""
    def update_parameters(self, learning_rate):
        self.w = (self.w - self.dw) * learning_rate
        self.b = (self.b - self.db) * learning_rate


@wrong("Linear", "2e", "b did not change")
class LinearUpdateOnlyW:
    """b is never updated"""
    def update_parameters(self, learning_rate):
        self.w -= learning_rate * self.dw


@wrong("Linear", "2e", "w did not change")
class LinearUpdateZeroesFirst:
    """zeroes the gradients before using them"""
    def update_parameters(self, learning_rate):
        self.zero_gradients()
        self.w -= learning_rate * self.dw
        self.b -= learning_rate * self.db


@wrong("Linear", "2e", "w moved by the gradient divided by the learning rate")
class LinearUpdateDividesByLearningRate:
    """w -= dw / lr"""
    def update_parameters(self, learning_rate):
        self.w -= self.dw / learning_rate
        self.b -= self.db / learning_rate


# =========================================================================== Linear: correct

@correct("Linear")
class LinearLoops:
    """explicit Python loops everywhere"""
    def forward(self, x_in):
        self.x_in = x_in
        batch, n_in = x_in.shape
        n_out = self.w.shape[0]
        x_out = np.zeros((batch, n_out))
        for s in range(batch):
            for o in range(n_out):
                total = self.b[0, o]
                for i in range(n_in):
                    total += self.w[o, i] * x_in[s, i]
                x_out[s, o] = total
        return x_out

    def backward(self, d_out):
        batch, n_out = d_out.shape
        n_in = self.w.shape[1]
        d_in = np.zeros((batch, n_in))
        for s in range(batch):
            for o in range(n_out):
                self.db[0, o] += d_out[s, o]
                for i in range(n_in):
                    self.dw[o, i] += d_out[s, o] * self.x_in[s, i]
                    d_in[s, i] += d_out[s, o] * self.w[o, i]
        return d_in

    def update_parameters(self, learning_rate):
        for index in np.ndindex(self.w.shape):
            self.w[index] -= learning_rate * self.dw[index]
        for index in np.ndindex(self.b.shape):
            self.b[index] -= learning_rate * self.db[index]


@correct("Linear")
class LinearEinsum:
    """np.einsum for every product"""
    def forward(self, x_in):
        self.x_in = x_in
        return np.einsum("bi,oi->bo", x_in, self.w) + self.b

    def backward(self, d_out):
        self.dw += np.einsum("bo,bi->oi", d_out, self.x_in)
        self.db += np.einsum("bo->o", d_out)
        return np.einsum("bo,oi->bi", d_out, self.w)


@correct("Linear")
class LinearDotTransposes:
    """np.dot with the transposes in other places"""
    def forward(self, x_in):
        self.x_in = x_in
        return np.dot(self.w, x_in.T).T + self.b

    def backward(self, d_out):
        self.dw += np.dot(self.x_in.T, d_out).T
        self.db += np.dot(np.ones((1, d_out.shape[0])), d_out)
        return np.dot(self.w.T, d_out.T).T


@correct("Linear")
class LinearAddReduce:
    """np.add.reduce and np.matmul, a 1-d bias sum broadcast into db"""
    def forward(self, x_in):
        self.x_in = x_in
        return np.add(np.matmul(x_in, self.w.T), self.b[0])

    def backward(self, d_out):
        self.dw += np.matmul(d_out.T, self.x_in)
        self.db += np.add.reduce(d_out, axis=0)
        return np.matmul(d_out, self.w)


@correct("Linear")
class LinearCopies:
    """stores a copy of x_in, returns copies, keeps d_in as an attribute"""
    def forward(self, x_in):
        self.x_in = np.array(x_in, copy=True)
        self.x_out = self.x_in @ self.w.T + self.b
        return self.x_out.copy()

    def backward(self, d_out):
        d_out = d_out.copy()
        self.dw += d_out.T @ self.x_in
        self.db += d_out.sum(axis=0)
        self.d_in = d_out @ self.w
        return self.d_in.copy()


@correct("Linear")
class LinearRebinding:
    """rebinds instead of updating in place: dw = dw + ..., w = w - lr * dw"""
    def backward(self, d_out):
        self.dw = self.dw + d_out.T @ self.x_in
        self.db = self.db + d_out.sum(axis=0, keepdims=True)
        return d_out @ self.w

    def update_parameters(self, learning_rate):
        self.w = self.w - learning_rate * self.dw
        self.b = self.b - learning_rate * self.db


@correct("Linear")
class LinearTensordot:
    """np.tensordot, np.subtract(..., out=...)"""
    def forward(self, x_in):
        self.x_in = x_in
        return np.tensordot(x_in, self.w, axes=(1, 1)) + self.b

    def backward(self, d_out):
        self.dw += np.tensordot(d_out, self.x_in, axes=(0, 0))
        self.db += np.tensordot(np.ones(d_out.shape[0]), d_out, axes=(0, 0))
        return np.tensordot(d_out, self.w, axes=(1, 0))

    def update_parameters(self, learning_rate):
        np.subtract(self.w, learning_rate * self.dw, out=self.w)
        np.subtract(self.b, learning_rate * self.db, out=self.b)


@correct("Linear")
class LinearOuterProducts:
    """dw as a sum of per-sample outer products, d_in before the parameter gradients"""
    def backward(self, d_out):
        d_in = d_out @ self.w
        for d_sample, x_sample in zip(d_out, self.x_in):
            self.dw += np.outer(d_sample, x_sample)
            self.db += d_sample
        return d_in


# =========================================================================== MeanSquareError: wrong

@wrong("MeanSquareError", "2b", "factor 1/2", also_fails=("2c",))
class MSEMissingHalf:
    """(prediction - target)**2 without the 1/2"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return (prediction - target) ** 2


@wrong("MeanSquareError", "2b", "estimate returned a single number", also_fails=("2c",))
class MSEScalarMean:
    """returns the mean over everything"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return np.mean(0.5 * (prediction - target) ** 2)


@wrong("MeanSquareError", "2b", "one cost per sample", also_fails=("2c",))
class MSEPerSampleSum:
    """sums over the classes: one cost per sample"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return np.sum(0.5 * (prediction - target) ** 2, axis=1)


@wrong("MeanSquareError", "2b", "changed its input in place", also_fails=("2c",))
class MSEModifiesInput:
    """prediction -= target, then squares it"""
    def estimate(self, target, prediction):
        self.target = np.zeros_like(target)
        prediction -= target
        self.prediction = prediction
        return 0.5 * prediction ** 2


@wrong("MeanSquareError", "2b", "estimate is off by a constant factor: yours is 0.25 times", also_fails=("2c",))
class MSEDividedByBatch:
    """per element, but divided by the batch size"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return 0.5 * (prediction - target) ** 2 / prediction.shape[0]


@wrong("MeanSquareError", "2b", "square of (prediction - target)", also_fails=("2c",))
class MSEAbsolute:
    """1/2 |prediction - target|"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return 0.5 * np.abs(prediction - target)


@wrong("MeanSquareError", "2c", "has the wrong sign")
class MSEGradientWrongSign:
    """gradient = target - prediction"""
    def gradient(self, cost):
        return self.target - self.prediction


@wrong("MeanSquareError", "2c", "yours is 2 times the finite-difference value")
class MSEGradientFactorTwo:
    """gradient = 2 (prediction - target), forgetting the 1/2 of the cost"""
    def gradient(self, cost):
        return 2 * (self.prediction - self.target)


@wrong("MeanSquareError", "2c", "looks averaged over the batch")
class MSEGradientDividedByBatch:
    """gradient divided by the batch size"""
    def gradient(self, cost):
        return (self.prediction - self.target) / self.prediction.shape[0]


@wrong("MeanSquareError", "2b", "keeps the target of its first call", also_fails=("2c",), hidden_task="2c")
class MSEStalePrediction:
    """stores prediction and target only on the first estimate"""
    def estimate(self, target, prediction):
        if self.prediction is None:
            self.target, self.prediction = target, prediction
        return 0.5 * (prediction - target) ** 2


@wrong("MeanSquareError", "2c", "order of the arguments estimate(target, prediction)")
class MSESwappedArguments:
    """def estimate(self, prediction, target): the cost is symmetric, the gradient flips sign"""
    def estimate(self, prediction, target):
        self.target, self.prediction = target, prediction
        return 0.5 * (prediction - target) ** 2


@wrong("MeanSquareError", "2c", "MeanSquareError.gradient changed the prediction given to estimate in place")
class MSEGradientModifiesPrediction:
    """gradient does self.prediction -= self.target: the caller's prediction is destroyed"""
    def gradient(self, cost):
        self.prediction -= self.target
        return self.prediction


@wrong("MeanSquareError", "2c", "wrong sign at some entries")
class MSEGradientFromCostWithoutSign:
    """gradient = sqrt(2 cost): right size, sign lost"""
    def gradient(self, cost):
        return np.sqrt(2 * cost)


@wrong("MeanSquareError", "2b", "does not store its argument target", also_fails=("2c",), hidden_task="2c")
class MSEDoesNotStore:
    """estimate does not store prediction and target: gradient computes None - None"""
    def estimate(self, target, prediction):
        return 0.5 * (prediction - target) ** 2


# =========================================================================== MeanSquareError: correct

@correct("MeanSquareError")
class MSEStoresDifference:
    """stores only the difference, in another attribute"""
    def __init__(self):
        self.difference = None

    def estimate(self, target, prediction):
        self.difference = prediction - target
        return 0.5 * self.difference ** 2

    def gradient(self, cost):
        return self.difference


@correct("MeanSquareError")
class MSETargetMinusPrediction:
    """(target - prediction)**2 / 2: the square makes the order irrelevant"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return (target - prediction) ** 2 / 2


@correct("MeanSquareError")
class MSELoops:
    """explicit loops"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        cost = np.empty(prediction.shape)
        for i in range(prediction.shape[0]):
            for j in range(prediction.shape[1]):
                cost[i, j] = 0.5 * (prediction[i, j] - target[i, j]) * (prediction[i, j] - target[i, j])
        return cost

    def gradient(self, cost):
        gradient = np.empty(self.prediction.shape)
        for index in np.ndindex(gradient.shape):
            gradient[index] = self.prediction[index] - self.target[index]
        return gradient


@correct("MeanSquareError")
class MSEGradientFromCost:
    """the gradient rebuilt from the cost argument: sign(p - t) sqrt(2 cost)"""
    def gradient(self, cost):
        return np.sign(self.prediction - self.target) * np.sqrt(2 * cost)


@correct("MeanSquareError")
class MSECopies:
    """np.square/np.subtract, stores copies, returns a fresh array"""
    def estimate(self, target, prediction):
        self.target, self.prediction = np.copy(target), np.copy(prediction)
        return 0.5 * np.square(np.subtract(prediction, target))

    def gradient(self, cost):
        return np.subtract(self.prediction, self.target).copy()


@correct("MeanSquareError")
class MSEPower:
    """np.power and np.multiply"""
    def estimate(self, target, prediction):
        self.target, self.prediction = target, prediction
        return np.multiply(0.5, np.power(prediction - target, 2))

    def gradient(self, cost):
        return np.multiply(-1.0, self.target - self.prediction)


# =========================================================================== Network: wrong

@wrong("Network", "3a", "forward must call each layer's forward once, in order")
class NetworkForwardReversed:
    """forward runs the layers in reverse order"""
    def forward(self, x_in):
        for layer in reversed(self.layers):
            x_in = layer.forward(x_in)
        return x_in


@wrong("Network", "3a", "forward must pass each layer's output on to the next layer")
class NetworkForwardNoChain:
    """forward gives every layer the network's input"""
    def forward(self, x_in):
        for layer in self.layers:
            x_out = layer.forward(x_in)
        return x_out


@wrong("Network", "3a", "Network.forward returned None")
class NetworkForwardNoReturn:
    """forward forgets to return"""
    def forward(self, x_in):
        for layer in self.layers:
            x_in = layer.forward(x_in)


@wrong("Network", "3a", "backward must call each layer's backward once, in reverse order")
class NetworkBackwardForwardOrder:
    """backward runs the layers in forward order"""
    def backward(self, d_out):
        for layer in self.layers:
            d_out = layer.backward(d_out)
        return d_out


@wrong("Network", "3a", "backward must call each layer's backward once, in reverse order")
class NetworkBackwardSkipsFirst:
    """backward skips the first layer ('it has no input gradient to compute')"""
    def backward(self, d_out):
        for layer in reversed(self.layers[1:]):
            d_out = layer.backward(d_out)
        return d_out


@wrong("Network", "3a", "backward must pass each layer's d_in on to the layer before it")
class NetworkBackwardNoChain:
    """backward passes the network's d_out to every layer"""
    def backward(self, d_out):
        for layer in reversed(self.layers):
            layer.backward(d_out)
        return d_out


@wrong("Network", "3a", "Network.backward returned None")
class NetworkBackwardNoReturn:
    """backward forgets to return"""
    def backward(self, d_out):
        for layer in reversed(self.layers):
            d_out = layer.backward(d_out)


@wrong("Network", "3a", "zero_gradients must call zero_gradients() of every layer once")
class NetworkZeroGradientsFirstOnly:
    """zero_gradients of the first layer only"""
    def zero_gradients(self):
        self.layers[0].zero_gradients()


@wrong("Network", "3a", "update_parameters must call update_parameters(0.25) of every layer once")
class NetworkUpdateNotDelegated:
    """update_parameters does nothing"""
    def update_parameters(self, learning_rate):
        pass


@wrong("Network", "3a", "raised TypeError")
class NetworkUpdateWithoutLearningRate:
    """calls layer.update_parameters() without the learning rate"""
    def update_parameters(self, learning_rate):
        for layer in self.layers:
            layer.update_parameters()


@wrong("Network", "3a", "update_parameters must call update_parameters(0.25) of every layer once")
class NetworkUpdateTwice:
    """update_parameters delegates twice (copy-paste)"""
    def update_parameters(self, learning_rate):
        for layer in self.layers:
            layer.update_parameters(learning_rate)
        for layer in self.layers:
            layer.update_parameters(learning_rate)


# =========================================================================== Network: correct

@correct("Network")
class NetworkIndexLoop:
    """index loops, the backward one counting down"""
    def forward(self, x_in):
        for i in range(len(self.layers)):
            x_in = self.layers[i].forward(x_in)
        return x_in

    def backward(self, d_out):
        for i in range(len(self.layers) - 1, -1, -1):
            d_out = self.layers[i].backward(d_out)
        return d_out

    def zero_gradients(self):
        i = 0
        while i < len(self.layers):
            self.layers[i].zero_gradients()
            i += 1

    def update_parameters(self, learning_rate):
        for i in range(len(self.layers)):
            self.layers[i].update_parameters(learning_rate)


@correct("Network")
class NetworkReduce:
    """functools.reduce and slicing with [::-1]; keeps the layers as a tuple"""
    def __init__(self, layers):
        self.layers = tuple(layers)

    def forward(self, x_in):
        return functools.reduce(lambda x, layer: layer.forward(x), self.layers, x_in)

    def backward(self, d_out):
        return functools.reduce(lambda d, layer: layer.backward(d), self.layers[::-1], d_out)

    def zero_gradients(self):
        for layer in self.layers[::-1]:
            layer.zero_gradients()

    def update_parameters(self, learning_rate):
        list(map(lambda layer: layer.update_parameters(learning_rate), self.layers))


@correct("Network")
class NetworkStoresActivations:
    """keeps every layer's output and gradient in lists"""
    def forward(self, x_in):
        self.activations = [x_in]
        for layer in self.layers:
            self.activations.append(layer.forward(self.activations[-1]))
        return self.activations[-1]

    def backward(self, d_out):
        self.gradients = [d_out]
        for layer in self.layers[::-1]:
            self.gradients.append(layer.backward(self.gradients[-1]))
        return self.gradients[-1]


# =========================================================================== SoftMax: wrong

@wrong("SoftMax", "6a", "softmax is taken over the wrong axis", also_fails=("6d",))
class SoftMaxWrongAxis:
    """normalises over axis 0"""
    def forward(self, x_in):
        exponentials = np.exp(x_in - np.max(x_in, axis=0, keepdims=True))
        self.x_out = exponentials / np.sum(exponentials, axis=0, keepdims=True)
        return self.x_out


@wrong("SoftMax", "6a", "softmax overflows or underflows for large inputs", also_fails=("6d",))
class SoftMaxUnstable:
    """no maximum subtracted: exp(1000) overflows"""
    def forward(self, x_in):
        exponentials = np.exp(x_in)
        self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
        return self.x_out


@wrong("SoftMax", "6a", "must be taken over each row (axis 1), not over the whole batch", also_fails=("6d",))
class SoftMaxGlobalMax:
    """subtracts the maximum of the whole batch, not of each row"""
    def forward(self, x_in):
        exponentials = np.exp(x_in - np.max(x_in))
        self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
        return self.x_out


@wrong("SoftMax", "6a", "normalised over the whole batch", also_fails=("6d",))
class SoftMaxWholeBatch:
    """divides by the sum over the whole batch"""
    def forward(self, x_in):
        exponentials = np.exp(x_in - np.max(x_in))
        self.x_out = exponentials / np.sum(exponentials)
        return self.x_out


@wrong("SoftMax", "6a", "SoftMax.forward changed its input in place", also_fails=("6d",))
class SoftMaxModifiesInput:
    """x_in -= max in place"""
    def forward(self, x_in):
        x_in -= np.max(x_in, axis=1, keepdims=True)
        exponentials = np.exp(x_in)
        self.x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
        return self.x_out


@wrong("SoftMax", "6a", "store its output in self.x_out", also_fails=("6d",))
class SoftMaxDoesNotStore:
    """returns the softmax without storing it"""
    def forward(self, x_in):
        return _softmax(x_in)


@wrong("SoftMax", "6a", "each row of the softmax must sum to 1", also_fails=("6d",))
class SoftMaxSigmoid:
    """a sigmoid instead of a softmax"""
    def forward(self, x_in):
        self.x_out = 1.0 / (1.0 + np.exp(-x_in))
        return self.x_out


@wrong("SoftMax", "6a", "proportional to exp(x_in)", also_fails=("6d",))
class SoftMaxSquares:
    """normalises squares instead of exponentials"""
    def forward(self, x_in):
        squares = x_in ** 2 + 1e-3
        self.x_out = squares / np.sum(squares, axis=1, keepdims=True)
        return self.x_out


@wrong("SoftMax", "6d", "only the diagonal of the softmax Jacobian")
class SoftMaxBackwardDiagonal:
    """d_in = d_out * s * (1 - s)"""
    def backward(self, d_out):
        return d_out * self.x_out * (1 - self.x_out)


@wrong("SoftMax", "6d", "samples must not mix")
class SoftMaxBackwardWrongAxis:
    """sums over axis 0"""
    def backward(self, d_out):
        return self.x_out * (d_out - np.sum(d_out * self.x_out, axis=0, keepdims=True))


@wrong("SoftMax", "6d", "a sum or maximum over each row lost its axis -- keep it (keepdims)")
class SoftMaxBackwardNoKeepdims:
    """sums over axis 1 without keepdims: (batch,) does not broadcast against (batch, n)"""
    def backward(self, d_out):
        return self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1))


@wrong("SoftMax", "6d", "has the wrong sign")
class SoftMaxBackwardWrongSign:
    """d_in = s * (sum - d_out)"""
    def backward(self, d_out):
        return self.x_out * (np.sum(d_out * self.x_out, axis=1, keepdims=True) - d_out)


@wrong("SoftMax", "6d", "differs from the finite-difference estimate")
class SoftMaxBackwardPassThrough:
    """passes the gradient through unchanged"""
    def backward(self, d_out):
        return d_out


@wrong("SoftMax", "6d", "returned None")
class SoftMaxBackwardNoReturn:
    """stores d_in, forgets the return"""
    def backward(self, d_out):
        self.d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True))


# =========================================================================== SoftMax: correct

@correct("SoftMax")
class SoftMaxLogSumExp:
    """exp(x - logsumexp(x)), the logsumexp itself made stable"""
    def forward(self, x_in):
        maximum = np.max(x_in, axis=1, keepdims=True)
        log_sum = maximum + np.log(np.sum(np.exp(x_in - maximum), axis=1, keepdims=True))
        self.x_out = np.exp(x_in - log_sum)
        return self.x_out


@correct("SoftMax")
class SoftMaxLoops:
    """a loop over the rows, a loop over the Jacobian in backward"""
    def forward(self, x_in):
        self.x_out = np.empty(x_in.shape)
        for i, row in enumerate(x_in):
            exponentials = np.exp(row - row.max())
            self.x_out[i] = exponentials / exponentials.sum()
        return self.x_out

    def backward(self, d_out):
        batch, n = d_out.shape
        d_in = np.zeros((batch, n))
        for i in range(batch):
            for j in range(n):
                for k in range(n):
                    jacobian = self.x_out[i, k] * ((j == k) - self.x_out[i, j])
                    d_in[i, j] += d_out[i, k] * jacobian
        return d_in


@correct("SoftMax")
class SoftMaxJacobian:
    """builds diag(s) - s s^T per sample, applied with einsum"""
    def backward(self, d_out):
        s = self.x_out
        jacobians = np.einsum("bi,ij->bij", s, np.eye(s.shape[1])) - np.einsum("bi,bj->bij", s, s)
        return np.einsum("bij,bi->bj", jacobians, d_out)


@correct("SoftMax")
class SoftMaxStoresInput:
    """stores x_in and a copy of the output, recomputes in backward, returns copies"""
    def forward(self, x_in):
        self.x_in = x_in.copy()
        self.x_out = _softmax(x_in)
        return self.x_out.copy()

    def backward(self, d_out):
        s = _softmax(self.x_in)
        weighted = (d_out * s).sum(axis=1)[:, np.newaxis]
        return s * d_out - s * weighted


@correct("SoftMax")
class SoftMaxPairwise:
    """s_j = 1 / sum_k exp(x_k - x_j): overflow gives inf and 1/inf = 0, which is right"""
    def forward(self, x_in):
        self.x_out = 1.0 / np.sum(np.exp(x_in[:, np.newaxis, :] - x_in[:, :, np.newaxis]), axis=2)
        return self.x_out


# =========================================================================== CrossEntropy: wrong

@wrong("CrossEntropy", "6b", "add self.eps inside the log", also_fails=("6c",))
class CrossEntropyNoEps:
    """log(x_in) without eps"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -np.sum(target * np.log(x_in), axis=1)


@wrong("CrossEntropy", "6b", "the cross-entropy has the wrong sign", also_fails=("6c",))
class CrossEntropyWrongSign:
    """forgets the minus"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return np.sum(target * np.log(x_in + self.eps), axis=1)


@wrong("CrossEntropy", "6b", "estimate returned a single number", also_fails=("6c",))
class CrossEntropyScalarMean:
    """the mean over the batch"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return np.mean(-np.sum(target * np.log(x_in + self.eps), axis=1))


@wrong("CrossEntropy", "6b", "the cross-entropy leaves out the target", also_fails=("6c",))
class CrossEntropyWithoutTarget:
    """-log(x_in).sum(axis=1): the target is not used"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -np.log(x_in + self.eps).sum(axis=1)


@wrong("CrossEntropy", "6b", "it takes the log to base 10", also_fails=("6c",))
class CrossEntropyLog10:
    """log10 instead of the natural log"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -np.sum(target * np.log10(x_in + self.eps), axis=1)


@wrong("CrossEntropy", "6b", "changed its input in place", also_fails=("6c",))
class CrossEntropyModifiesInput:
    """x_in += eps in place"""
    def estimate(self, target, x_in):
        x_in += self.eps
        self.target, self.x_in = target, x_in
        return -np.sum(target * np.log(x_in), axis=1)


@wrong("CrossEntropy", "6c", "has the wrong sign")
class CrossEntropyGradientWrongSign:
    """target / x_in"""
    def gradient(self, d_out):
        return self.target / (self.x_in + self.eps)


@wrong("CrossEntropy", "6c", "looks averaged over the batch")
class CrossEntropyGradientDividedByBatch:
    """divides by the batch size"""
    def gradient(self, d_out):
        return -self.target / (self.x_in + self.eps) / self.x_in.shape[0]


@wrong("CrossEntropy", "6c", "softmax and cross-entropy combined")
class CrossEntropyGradientCombined:
    """x_in - target: the gradient of softmax and cross-entropy together"""
    def gradient(self, d_out):
        return self.x_in - self.target


@wrong("CrossEntropy", "6c", "CrossEntropy.gradient changed the prediction given to estimate in place")
class CrossEntropyGradientModifiesPrediction:
    """self.x_in += eps in place: the caller's prediction (the softmax output) changes"""
    def gradient(self, d_out):
        self.x_in += self.eps
        return -self.target / self.x_in


@wrong("CrossEntropy", "6b", "keeps the target of its first call", also_fails=("6c",), hidden_task="6c")
class CrossEntropyStale:
    """stores target and x_in in the first estimate only ('if self.x_in is None')"""
    def estimate(self, target, x_in):
        if self.x_in is None:
            self.target, self.x_in = target, x_in
        return -np.sum(target * np.log(x_in + self.eps), axis=1)


@wrong("CrossEntropy", "6b", "does not store its argument target", also_fails=("6c",), hidden_task="6c")
class CrossEntropyDoesNotStore:
    """estimate does not store the target"""
    def estimate(self, target, x_in):
        self.x_in = x_in
        return -np.sum(target * np.log(x_in + self.eps), axis=1)


# =========================================================================== CrossEntropy: correct

@correct("CrossEntropy")
class CrossEntropyLoops:
    """explicit loops"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        cost = np.zeros(x_in.shape[0])
        for i in range(x_in.shape[0]):
            for j in range(x_in.shape[1]):
                if target[i, j] != 0:
                    cost[i] -= target[i, j] * np.log(x_in[i, j] + self.eps)
        return cost

    def gradient(self, d_out):
        gradient = np.zeros(self.x_in.shape)
        for index in np.ndindex(gradient.shape):
            gradient[index] = -self.target[index] / (self.x_in[index] + self.eps)
        return gradient


@correct("CrossEntropy")
class CrossEntropyEinsum:
    """einsum over the classes, np.divide"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -np.einsum("ij,ij->i", target, np.log(x_in + self.eps))

    def gradient(self, d_out):
        return np.divide(-self.target, np.add(self.x_in, self.eps))


@correct("CrossEntropy")
class CrossEntropyKeepdims:
    """one cost per sample as a column (batch, 1)"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -np.sum(target * np.log(x_in + self.eps), axis=1, keepdims=True)


@correct("CrossEntropy")
class CrossEntropyPerElement:
    """per element, shape (batch, n), like the mean square error"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target, x_in
        return -target * np.log(x_in + self.eps)


@correct("CrossEntropy")
class CrossEntropyGradientNoEps:
    """the gradient without eps"""
    def gradient(self, d_out):
        return -self.target / self.x_in


@correct("CrossEntropy")
class CrossEntropyClip:
    """log of x_in clipped to [eps, inf) instead of x_in + eps; stores copies"""
    def estimate(self, target, x_in):
        self.target, self.x_in = target.copy(), np.clip(x_in, self.eps, None)
        return -np.sum(target * np.log(self.x_in), axis=1)

    def gradient(self, d_out):
        return -self.target / self.x_in


@correct("CrossEntropy")
class CrossEntropyOneHotIndex:
    """picks the true class by its index (valid for one-hot targets)"""
    def estimate(self, target, x_in):
        self.labels = np.argmax(target, axis=1)
        self.x_in = x_in
        rows = np.arange(x_in.shape[0])
        return -np.log(x_in[rows, self.labels] + self.eps)

    def gradient(self, d_out):
        gradient = np.zeros(self.x_in.shape)
        rows = np.arange(self.x_in.shape[0])
        gradient[rows, self.labels] = -1.0 / (self.x_in[rows, self.labels] + self.eps)
        return gradient


ALL = WRONG + CORRECT
assert len({submission.name for submission in ALL}) == len(ALL), "duplicate submission names"
