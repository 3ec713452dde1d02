"""A corpus of *unseen typical mistakes*: mutants of the reference solution's code.

Route: the unit-task functions and methods of the solution notebooks (Session 5's
five functions, Session 6's Linear, MeanSquareError, Network, SoftMax and
CrossEntropy) are parsed with :mod:`ast`, and every operator of
:mod:`mutation_operators` is applied at every site it fits.  Each edit gives one
:class:`Mutant` -- the reference with that one function or method replaced -- with
its expected label (quantity, kind).  Mutants whose source equals the reference's
or an earlier mutant's are dropped.  :data:`HANDWRITTEN` adds mistakes no operator
makes (state kept across calls, a cleared input, an output never stored, ...).

Every mutant is then run through the independent probe of :mod:`mutant_probes`;
those that behave exactly like the reference are ``equivalent`` (they must pass
every check of their class), the others must fail the check of their task.

:func:`measure` runs a mutant through the visible checks and classifies the
outcome of its own task's check (see :func:`classify`); ``benchmarks/bench_diagnoses.py``
prints the tables.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import hashlib
import importlib
import io
import linecache
import re
import sys
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import mutant_probes  # noqa: E402
import mutation_operators  # noqa: E402
from hamlet.course import solution_namespace, source_notebook  # noqa: E402
from hamlet.declaration import hidden_tests_of  # noqa: E402
from hamlet_utils import checks, neuron_checks  # noqa: E402

S5, S6 = "05_sigmoid_neuron", "06_backpropagation"

#: (session, owning class or None, method or function) -> task; the cell is the owner's grade id
UNITS = {
    (S6, "Linear", "forward"): "2a", (S6, "Linear", "backward"): "2d", (S6, "Linear", "zero_gradients"): "2d",
    (S6, "Linear", "update_parameters"): "2e",
    (S6, "MeanSquareError", "estimate"): "2b", (S6, "MeanSquareError", "gradient"): "2c",
    (S6, "Network", "forward"): "3a", (S6, "Network", "backward"): "3a", (S6, "Network", "zero_gradients"): "3a",
    (S6, "Network", "update_parameters"): "3a",
    (S6, "SoftMax", "forward"): "6a", (S6, "SoftMax", "backward"): "6d",
    (S6, "CrossEntropy", "estimate"): "6b", (S6, "CrossEntropy", "gradient"): "6c",
    (S5, None, "sigmoid_function"): "2a", (S5, None, "sigmoid_derivative"): "2b", (S5, None, "forward"): "2c",
    (S5, None, "mse_gradients"): "2d", (S5, None, "sgd_step"): "2e",
}
CELLS = {"Linear": "linear", "MeanSquareError": "mean_square_error", "Network": "network", "SoftMax": "softmax",
         "CrossEntropy": "cross_entropy"}
#: the checked tasks of each Session 6 class / Session 5 function, and their checks
TASKS = {"Linear": ("2a", "2d", "2e"), "MeanSquareError": ("2b", "2c"), "Network": ("3a",),
         "SoftMax": ("6a", "6d"), "CrossEntropy": ("6b", "6c")}
CHECKS = {S6: {"2a": checks.check_linear_forward, "2b": checks.check_mse_estimate,
               "2c": checks.check_mse_gradient, "2d": checks.check_linear_backward,
               "2e": checks.check_linear_update, "3a": checks.check_network,
               "6a": checks.check_softmax_forward, "6b": checks.check_cross_entropy_estimate,
               "6c": checks.check_cross_entropy_gradient, "6d": checks.check_softmax_backward},
          S5: {"2a": neuron_checks.check_sigmoid_function, "2b": neuron_checks.check_sigmoid_derivative,
               "2c": neuron_checks.check_forward, "2d": neuron_checks.check_mse_gradients,
               "2e": neuron_checks.check_sgd_step}}
FUNCTIONS = {"2a": "sigmoid_function", "2b": "sigmoid_derivative", "2c": "forward", "2d": "mse_gradients",
             "2e": "sgd_step"}
#: which earlier functions each Session 5 check is handed (as the notebook's check cells do)
EARLIER = {"2a": (), "2b": ("sigmoid_function",), "2c": ("sigmoid_function",),
           "2d": ("sigmoid_function", "sigmoid_derivative", "forward"), "2e": ()}


@dataclass
class Mutant:
    id: str
    session: str
    owner: str | None      # the class (Session 6) or None (Session 5)
    method: str            # the method or function replaced
    task: str
    operator: str          # an operator's name, or "handwritten"
    quantity: str
    kind: str
    source: str            # the mutated function's source
    site: str = ""
    equivalent: bool | None = None
    _built: object = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> tuple:
        return (self.quantity, self.kind)

    @property
    def unit(self) -> str:
        """The probe and checks run on this: the class for Session 6, the function for Session 5."""
        return self.owner or self.method

    def build(self):
        """The submission: a subclass of the reference class with the mutated method, or the function."""
        if self._built is None:
            reference = namespace(self.session)
            scope = dict(reference)
            filename = f"<mutant {self.id}>"
            # as IPython does for a cell: tracebacks (and the checks' "line that fails") can show its lines
            linecache.cache[filename] = (len(self.source), None, self.source.splitlines(True), filename)
            exec(compile(self.source, filename, "exec"), scope)
            function = scope[self.method]
            if self.owner is None:
                self._built = function
            else:
                base = reference[self.owner]
                self._built = type(self.owner, (base,), {self.method: function, "__doc__": self.id})
        return self._built


@functools.lru_cache(maxsize=None)
def namespace(session: str) -> dict:
    """The reference solution's namespace (shared: never edited)."""
    return solution_namespace(session)


def _functions(session: str):
    """(owner, FunctionDef) of every unit-task method/function in the solution cells."""
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell
             for cell in nbformat.read(str(source_notebook(session)), as_version=4).cells}
    for (unit_session, owner, method) in UNITS:
        if unit_session != session:
            continue
        tree = ast.parse(cells[CELLS[owner] if owner else method].source)
        scope = tree.body if owner is None else next(
            node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == owner).body
        yield owner, next(node for node in scope if isinstance(node, ast.FunctionDef) and node.name == method)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def generated() -> list[Mutant]:
    """Every operator at every site of every unit task, deduplicated by source."""
    mutants, seen = [], set()
    for session in (S5, S6):
        for owner, function in _functions(session):
            seen.add(ast.unparse(function))
            task = UNITS[(session, owner, function.name)]
            context = (owner, function.name)
            for operator in mutation_operators.OPERATORS:
                for number, edit in enumerate(operator(function, context)):
                    try:
                        source = ast.unparse(edit.function)
                        compile(source, "<mutant>", "exec")
                    except (SyntaxError, ValueError, TypeError):
                        continue
                    if source in seen:
                        continue
                    seen.add(source)
                    where = f"{owner}.{function.name}" if owner else function.name
                    mutants.append(Mutant(f"s{session[:2]}.{where}.{operator.__name__}.{number}", session, owner,
                                          function.name, task, operator.__name__, edit.quantity, edit.kind,
                                          source, edit.site))
    return mutants


# --------------------------------------------------------------------------- hand-written mutants

#: (id, session, owner, method, quantity, kind, source): mistakes the operators cannot make
HANDWRITTEN = [
    ("linear_forward_stores_first_input", S6, "Linear", "forward", "x_in", "stale_state", """
def forward(self, x_in):
    \"\"\"stores x_in only on the first call (if self.x_in is None)\"\"\"
    if self.x_in is None:
        self.x_in = x_in
    return x_in @ self.w.T + self.b
"""),
    ("linear_backward_clears_x_in", S6, "Linear", "backward", "x_in", "cleared", """
def backward(self, d_out):
    \"\"\"sets self.x_in = None at its end, so a second backward has no input\"\"\"
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    self.x_in = None
    return d_out @ self.w
"""),
    ("linear_backward_dw_stored_transposed", S6, "Linear", "backward", "dw", "transposed", """
def backward(self, d_out):
    \"\"\"dw computed as x_in.T @ d_out, shape (n_in, n_out), stored into a buffer made to fit\"\"\"
    if self.dw.shape != (self.n_in, self.n_out):
        self.dw = np.zeros((self.n_in, self.n_out))
    self.dw += self.x_in.T @ d_out
    self.db += np.sum(d_out, axis=0, keepdims=True)
    return d_out @ self.w
"""),
    ("linear_zero_gradients_integer_buffers", S6, "Linear", "zero_gradients", "dw", "integer_buffer", """
def zero_gradients(self):
    \"\"\"integer buffers np.zeros(..., dtype=int) for dw and db\"\"\"
    self.dw = np.zeros((self.n_out, self.n_in), dtype=int)
    self.db = np.zeros((1, self.n_out), dtype=int)
"""),
    ("linear_zero_gradients_scalar_zero", S6, "Linear", "zero_gradients", "dw", "not_reset", """
def zero_gradients(self):
    \"\"\"resets the gradients to the number 0 (broadcasts, but dw is no array of w's shape)\"\"\"
    self.dw = 0
    self.db = 0
"""),
    ("linear_backward_scales_d_out_in_place", S6, "Linear", "backward", "d_out", "in_place", """
def backward(self, d_out):
    \"\"\"divides d_out by the batch size in place, then multiplies back into dw and db only\"\"\"
    n = len(d_out)
    d_out /= n
    self.dw += n * d_out.T @ self.x_in
    self.db += n * np.sum(d_out, axis=0, keepdims=True)
    return n * d_out @ self.w
"""),
    ("linear_backward_d_in_first_call_only", S6, "Linear", "backward", "d_in", "stale_state", """
def backward(self, d_out):
    \"\"\"computes d_in once and keeps returning it\"\"\"
    self.dw += d_out.T @ self.x_in
    self.db += np.sum(d_out, axis=0, keepdims=True)
    if getattr(self, "d_in", None) is None:
        self.d_in = d_out @ self.w
    return self.d_in
"""),
    ("linear_forward_stores_transposed_input", S6, "Linear", "forward", "x_in", "transposed", """
def forward(self, x_in):
    \"\"\"stores x_in.T (n_in, batch) and uses it as such\"\"\"
    self.x_in = x_in.T
    return (self.w @ self.x_in).T + self.b
"""),
    ("linear_update_transposed_step", S6, "Linear", "update_parameters", "w", "transposed", """
def update_parameters(self, learning_rate):
    \"\"\"subtracts dw.T from w (works only for square layers)\"\"\"
    self.w = self.w - learning_rate * self.dw.T
    self.b = self.b - learning_rate * self.db
"""),
    ("linear_update_then_resets", S6, "Linear", "update_parameters", "w", "reordered", """
def update_parameters(self, learning_rate):
    \"\"\"a new w instead of an in-place one, and the gradients reset after the step\"\"\"
    self.w = self.w - learning_rate * self.dw
    self.b = self.b - learning_rate * self.db
    self.zero_gradients()
"""),
    ("mse_estimate_keeps_copies", S6, "MeanSquareError", "estimate", "estimate", "reordered", """
def estimate(self, target, prediction):
    \"\"\"stores copies of target and prediction\"\"\"
    self.target, self.prediction = np.array(target), np.array(prediction)
    return 0.5 * np.square(prediction - target)
"""),
    ("mse_gradient_divided_by_size", S6, "MeanSquareError", "gradient", "gradient", "averaged", """
def gradient(self, cost):
    \"\"\"the gradient of the mean, not the sum, of the cost\"\"\"
    return (self.prediction - self.target) / self.prediction.size
"""),
    ("mse_gradient_from_cost", S6, "MeanSquareError", "gradient", "gradient", "sign", """
def gradient(self, cost):
    \"\"\"recovers |prediction - target| from the cost and loses the sign\"\"\"
    return np.sqrt(2 * cost)
"""),
    ("mse_estimate_summed_per_sample", S6, "MeanSquareError", "estimate", "estimate", "shape", """
def estimate(self, target, prediction):
    \"\"\"one cost per sample, summed over the outputs\"\"\"
    self.target, self.prediction = target, prediction
    return 0.5 * np.sum((prediction - target) ** 2, axis=1)
"""),
    ("softmax_forward_never_stores", S6, "SoftMax", "forward", "x_out", "not_stored", """
def forward(self, x_in):
    \"\"\"softmax in a local variable; self.x_out never set\"\"\"
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    return x_out
"""),
    ("softmax_forward_whole_batch", S6, "SoftMax", "forward", "x_out", "axis", """
def forward(self, x_in):
    \"\"\"normalised over the whole batch\"\"\"
    exponentials = np.exp(x_in - np.max(x_in))
    self.x_out = exponentials / np.sum(exponentials)
    return self.x_out
"""),
    ("softmax_forward_first_call_only", S6, "SoftMax", "forward", "x_out", "stale_state", """
def forward(self, x_in):
    \"\"\"stores x_out only on the first call\"\"\"
    exponentials = np.exp(x_in - np.max(x_in, axis=1, keepdims=True))
    x_out = exponentials / np.sum(exponentials, axis=1, keepdims=True)
    if self.x_out is None:
        self.x_out = x_out
    return x_out
"""),
    ("softmax_backward_diagonal", S6, "SoftMax", "backward", "d_in", "diagonal", """
def backward(self, d_out):
    \"\"\"only the diagonal of the Jacobian\"\"\"
    return d_out * self.x_out * (1 - self.x_out)
"""),
    ("softmax_backward_loop_jacobian", S6, "SoftMax", "backward", "d_in", "reordered", """
def backward(self, d_out):
    \"\"\"the full Jacobian per sample, in a loop\"\"\"
    d_in = np.empty_like(d_out, dtype=float)
    for i, p in enumerate(self.x_out):
        d_in[i] = (np.diag(p) - np.outer(p, p)) @ d_out[i]
    return d_in
"""),
    ("cross_entropy_gradient_combined", S6, "CrossEntropy", "gradient", "gradient", "combined", """
def gradient(self, d_out):
    \"\"\"the gradient of softmax and cross-entropy combined\"\"\"
    return self.x_in - self.target
"""),
    ("cross_entropy_estimate_mean", S6, "CrossEntropy", "estimate", "estimate", "shape", """
def estimate(self, target, x_in):
    \"\"\"one number: the mean over the batch\"\"\"
    self.target, self.x_in = target, x_in
    return -np.mean(np.sum(target * np.log(x_in + self.eps), axis=1))
"""),
    ("cross_entropy_estimate_eps_in_place", S6, "CrossEntropy", "estimate", "x_in", "in_place", """
def estimate(self, target, x_in):
    \"\"\"stores a reference to x_in, then adds eps to it in place\"\"\"
    self.target = target
    self.x_in = x_in
    self.x_in += self.eps
    return -np.sum(target * np.log(self.x_in), axis=1)
"""),
    ("network_forward_input_to_every_layer", S6, "Network", "forward", "forward", "not_chained", """
def forward(self, x_in):
    \"\"\"gives every layer the network's input\"\"\"
    out = x_in
    for layer in self.layers:
        out = layer.forward(x_in)
    return out
"""),
    ("network_zero_gradients_first_layer_only", S6, "Network", "zero_gradients", "zero_gradients", "not_called", """
def zero_gradients(self):
    \"\"\"resets only the first layer\"\"\"
    self.layers[0].zero_gradients()
"""),
    ("sigmoid_naive_overflows", S5, None, "sigmoid_function", "sigmoid", "overflow", """
def sigmoid_function(x):
    \"\"\"1 / (1 + exp(-x)): overflows for very negative x\"\"\"
    return 1 / (1 + np.exp(-x))
"""),
    ("sigmoid_in_place", S5, None, "sigmoid_function", "x", "in_place", """
def sigmoid_function(x):
    \"\"\"writes the result into x\"\"\"
    e = np.exp(-np.abs(x))
    x[...] = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    return x
"""),
    ("forward_without_sigmoid", S5, None, "forward", "forward", "sigmoid_missing", """
def forward(x, w, b):
    \"\"\"the affine map only\"\"\"
    return x @ w.T + b
"""),
    ("mse_gradients_averaged", S5, None, "mse_gradients", "dw", "averaged", """
def mse_gradients(x, w, b, target):
    \"\"\"dw and db averaged over the batch\"\"\"
    z = x @ w.T + b
    delta = (sigmoid_function(z) - target) * sigmoid_derivative(z)
    return delta.T @ x / len(x), np.mean(delta, axis=0, keepdims=True)
"""),
    ("sgd_step_in_place", S5, None, "sgd_step", "w", "in_place", """
def sgd_step(w, b, dw, db, learning_rate):
    \"\"\"updates w and b in place\"\"\"
    w -= learning_rate * dw
    b -= learning_rate * db
    return w, b
"""),
]


#: corpora written after a measurement, to work on (by hand, or by helpers who read neither the checks
#: nor the other corpora): part of :func:`corpus`, always ``dev``
DEV_CORPORA = ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7")
#: corpora held apart, each written by a helper who read neither the checks nor the other corpora:
#: measured once, before the checks are worked on with it; never part of :func:`corpus`
HELD_APART = ("unseen", "unseen2", "unseen3", "unseen4")


def _module_entries(origin: str) -> list:
    """The entries of ``tests/mutants_<origin>.py`` (its list ``<ORIGIN>``)."""
    return getattr(importlib.import_module(f"mutants_{origin}"), origin.upper())


def handwritten() -> list[Mutant]:
    return _entries("handwritten", HANDWRITTEN) + [mutant for origin in DEV_CORPORA
                                                   for mutant in _entries(origin, _module_entries(origin))]


def _entries(origin: str, entries) -> list[Mutant]:
    """Mutants of a list of ``(name, session, owner, method, quantity, kind, source)``, ids
    ``s05.<origin>.<name>``."""
    return [Mutant(f"s{session[:2]}.{origin}.{name}", session, owner, method, UNITS[(session, owner, method)], origin,
                   quantity, kind, source.strip() + "\n", name)
            for name, session, owner, method, quantity, kind, source in entries]


@functools.lru_cache(maxsize=None)
def _held_apart(origin: str) -> tuple:
    mutants = _entries(origin, _module_entries(origin))
    for mutant in mutants:
        mark_equivalent(mutant)
    return tuple(mutants)


def held_apart(origin: str) -> list[Mutant]:
    """The corpus ``origin`` of :data:`HELD_APART` (``tests/mutants_<origin>.py``), equivalence marked."""
    if origin not in HELD_APART:
        raise ValueError(f"no corpus held apart is called {origin!r}; there are {HELD_APART}")
    return list(_held_apart(origin))


def unseen() -> list[Mutant]:
    """The first corpus held apart, :mod:`mutants_unseen`."""
    return held_apart("unseen")


def unseen2() -> list[Mutant]:
    """The second corpus held apart, :mod:`mutants_unseen2`."""
    return held_apart("unseen2")


@functools.lru_cache(maxsize=None)
def _reference_record(session: str, unit: str):
    reference = namespace(session)
    return mutant_probes.record_of(unit, reference[unit])


def mark_equivalent(mutant: Mutant) -> bool:
    """Set and return ``mutant.equivalent``: the probe cannot tell it from the reference."""
    try:
        built = mutant.build()
    except Exception:  # noqa: BLE001 - a mutant that does not even define cleanly
        mutant.equivalent = False
        return False
    record = mutant_probes.record_of(mutant.unit, built)
    mutant.equivalent = mutant_probes.same_record(record, _reference_record(mutant.session, mutant.unit),
                                                  mutant_probes.TOLERANCE.get(mutant.unit, mutant_probes.DEFAULT_TOLERANCE))
    return mutant.equivalent


@functools.lru_cache(maxsize=1)
def _corpus() -> tuple:
    mutants = generated() + handwritten()
    for mutant in mutants:
        mark_equivalent(mutant)
    return tuple(mutants)


def corpus() -> list[Mutant]:
    """The whole corpus, equivalence marked (built once per process)."""
    return list(_corpus())


#: the halves of the corpus: work is judged on ``dev``; ``held-out`` measures it honestly; each corpus
#: of :data:`HELD_APART` is a split of its own (never part of ``all``'s corpus)
SPLITS = ("dev", "held-out", *HELD_APART, "all")


def half(mutant_id: str) -> str:
    """``dev`` or ``held-out`` -- a fixed hash of the id (not Python's salted hash), so the split is
    the same in every process and does not move when other mutants come or go -- or the name of
    the corpus held apart the mutant is from; a dev corpus's mutants are always ``dev``."""
    origin = mutant_id.split(".")[1]
    if origin in HELD_APART:
        return origin
    if origin in DEV_CORPORA:
        return "dev"
    return "dev" if hashlib.sha256(mutant_id.encode()).digest()[0] % 2 == 0 else "held-out"


def split(mutants, which: str = "all") -> list:
    """The mutants (or results, dicts with an ``id``) of one half, or all of them."""
    if which not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {which!r}")
    ids = (lambda m: m["id"]) if mutants and isinstance(mutants[0], dict) else (lambda m: m.id)
    return [m for m in mutants if which == "all" or half(ids(m)) == which]


# --------------------------------------------------------------------------- running the checks

def checks_of(mutant: Mutant) -> dict:
    """task -> zero-argument callable running that visible check on the mutant's class / function set."""
    built = mutant.build()
    if mutant.session == S6:
        return {task: functools.partial(CHECKS[S6][task], built) for task in TASKS[mutant.owner]}
    functions = {name: namespace(S5)[name] for name in FUNCTIONS.values()}
    functions[mutant.method] = built
    return {task: functools.partial(CHECKS[S5][task], functions[FUNCTIONS[task]],
                                    *(functions[name] for name in EARLIER[task]))
            for task in FUNCTIONS}


#: the hidden test of each task (Session 6: given the class; Session 5: given the function)
HIDDEN_TESTS = {S6: {"2a": "linear_forward", "2b": "mse_estimate", "2c": "mse_gradient", "2d": "linear_backward",
                     "2e": "linear_update", "3a": "network", "6a": "softmax_forward", "6b": "cross_entropy_estimate",
                     "6c": "cross_entropy_gradient", "6d": "softmax_backward"},
                S5: {"2a": "sigmoid_function", "2b": "sigmoid_derivative", "2c": "forward", "2d": "mse_gradients",
                     "2e": "sgd_step"}}


def tasks_of(mutant: Mutant) -> tuple:
    """The tasks whose hidden tests use the mutated unit: its class's (Session 6), its own (Session 5)."""
    return TASKS[mutant.owner] if mutant.session == S6 else (mutant.task,)


def hidden_verdict(mutant: Mutant, task: str) -> str | None:
    """None if the hidden test of ``task`` passes the mutant, else why it fails."""
    test = getattr(hidden_tests_of(mutant.session), HIDDEN_TESTS[mutant.session][task])
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            test(mutant.build())
    except Exception as failure:  # noqa: BLE001 - HiddenTestFailed, or what the test let through
        return f"{type(failure).__name__}: {failure}"
    return None


def run_check(check) -> tuple[str, str]:
    """(status, message): ``passed``, ``failed`` (the CheckFailed message), ``deferred`` or
    ``raised`` (the last line of the traceback of what escaped the check)."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            check()
    except (checks.CheckFailed, neuron_checks.CheckFailed) as failure:
        return "failed", str(failure)
    except Exception:  # noqa: BLE001 - a crash of the check is what is measured
        return "raised", traceback.format_exc().strip().splitlines()[-1]
    printed = out.getvalue().strip()
    if " not checked yet: " in printed:
        return "deferred", printed
    return "passed", printed


def failure_code(check) -> str | None:
    """The misconception code of the CheckFailed ``check()`` raises; None when it does not fail."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check()
    except (checks.CheckFailed, neuron_checks.CheckFailed) as failure:
        return failure.code
    except Exception:  # noqa: BLE001 - crashes are tested on their own
        return None
    return None


# --------------------------------------------------------------------------- classifying a failure

#: per kind: phrases (lower-case regular expressions) of a message that names that kind of mistake
KIND_WORDS = {
    "transposed": r"transpos",
    "shape": r"has shape|must have shape|wrong layout|one cost per sample;|a single number|shape must|"
             r"shapes of the arrays do not fit",
    "bias_missing": r"bias b is not added|leaves out the bias",
    "eps_missing": r"\beps\b|nan or inf where a probability is 0",
    "overflow": r"overflow|underflow",
    "term_missing": r"left out|leaves out|is missing|misses",
    "sign": r"wrong sign|uphill|sign of the exponent",
    "reciprocal": r"reciprocal|upside down",
    "averaged": r"averaged|times too small",
    # a value that *is* a sum where none belongs ("summed over" alone is also the advice of not_summed)
    "summed": r"times too large|factor of the batch size|it is the sum over|, the sum over the batch|"
              r"cost summed over each|summed over each sample|the sum of delta over the whole",
    "factor": r"constant factor|\ba factor\b|off by a constant",
    "half_missing": r"factor 1/2|the 1/2|twice the gradient",
    "power": r"a square of|square of \(prediction",
    "axis": r"wrong axis|whole batch|samples must not mix|sum over the batch",
    "keepdims": r"keepdims",
    "overwritten": r"overwritten|accumulate it",
    "accumulating": r"twice that of one call|earlier estimate|latest|accumulates (into|across)",
    "integer_buffer": r"integer|dtype|\bint\b",
    "in_place": r"in place|changed its input|changed the",
    "stale_state": r"earlier (estimate|call)|latest|every call|first call|stale",
    "not_reset": r"zero_gradients|reset",
    "cleared": r"x_in is none|set to none|cleared",
    "not_stored": r"must remember|must store|store its",
    "not_computed": r"is all zeros|is none:|returned none|did not change",
    "not_called": r"must call",
    "not_chained": r"pass each layer's|on to the",
    "order": r"in reverse order|, in order|product of two sums",
    "wrong_return": r"returned none|is there a `return`|returns \(|stored and returned|must return the pair",
    "exp_missing": r"proportional to exp|np\.exp is missing|exponential is missing",
    "log_missing": r"-log|\blog\b",
    "not_summed": r"summed over|sum over",
    "sigmoid_missing": r"between 0 and 1|sigmoid applied",
    "derivative_missing": r"misses the factor sigma'|chain rule",
    "dtype": r"dtype|float32|float64",
    "condition": r"only negative x|only large|\bcondition\b|formulas are swapped",
    "diagonal": r"diagonal",
    "combined": r"combined",
    "reordered": r"$^",
}
#: phrases that name a mistake no operator label stands for (they make a message *misdiagnosed*
#: when they are not the labelled kind)
OTHER_MISTAKES = r"loses all digits|sigma\(x\) itself|looks like tanh|that is tanh|do not clip|learning rate|" \
                 r"whole gradient|of the output p|x \(1 - x\)|in the wrong order"
#: kinds whose phrases describe a symptom (a wrong shape, a None) rather than a cause: naming
#: one of them for another kind of mistake is not a misdiagnosis
SYMPTOMS = ("shape", "not_computed", "wrong_return")
#: a label's kind is also named by the phrases of these more specific kinds (doubling 1/2 x^2
#: *is* the 1/2 missing)
ALSO_NAMED_BY = {"factor": ("half_missing",),
                 # softmax backward without the row sum *is* the diagonal of the Jacobian only
                 "not_summed": ("diagonal",)}
#: hints a check appends to every failure of a quantity whatever the mistake: not a diagnosis
BOILERPLATE = tuple(hint.lower() for hint in (*checks.LINEAR_HINTS.values(), *neuron_checks.GRADIENT_HINTS.values()))
#: per quantity: how a message names it
QUANTITY_WORDS = {
    "x_out": r"forward|output|x_out|softmax|response", "d_in": r"\bd_in\b|backward\(d_out\)", "dw": r"\bdw\b", "db": r"\bdb\b",
    "x_in": r"\bx_in\b|input", "d_out": r"\bd_out\b|input", "w": r"\bw\b", "b": r"\bb\b",
    "estimate": r"estimate|cost|cross-entropy", "gradient": r"gradient",
    "target": r"target|estimate", "prediction": r"prediction|estimate",
    "forward": r"forward", "backward": r"backward", "zero_gradients": r"zero_gradients",
    "update_parameters": r"update_parameters", "sigmoid": r"sigmoid_function|sigma", "x": r"\bx\b|input",
    "derivative": r"sigmoid_derivative|derivative|sigma'", "delta": r"\bdw\b|\bdb\b|gradient",
}
#: a raw NumPy/Python error passed on (its shape/None hints are boilerplate): always generic
RAW_ERROR = r"\braised [a-z]*(error|exception|warning)\b"
#: the student's line a check quotes (checking._failing_frame)
QUOTED_LINE = r"the line that fails: `[^`]*`\.?"
#: a finite-difference mismatch: generic unless the rest of the message names a mistake
MISMATCH = r"differs from the finite-difference estimate"


def classify(status: str, message: str, mutant: Mutant) -> str:
    """The outcome of a non-equivalent mutant's own task check:

    ``passed`` (a false pass; a deferral counts too: the check did not fail), ``raised`` (an
    exception escaped the check), ``generic`` (a raw error passed on, a finite-difference mismatch
    with no hint, or a property violated without naming any mistake), ``diagnosed`` (names the labelled kind and
    quantity) or ``misdiagnosed`` (names another kind of mistake, or the right kind of another
    quantity)."""
    if status in ("passed", "deferred"):
        return "passed"
    if status == "raised":
        return "raised"
    text = message.lower().split(": ", 1)[-1]
    if re.search(RAW_ERROR, text):
        return "generic"
    text = re.sub(MISMATCH, "", text)
    for hint in BOILERPLATE:
        text = text.replace(hint, "")
    quoted = text
    text = re.sub(QUOTED_LINE, "", text)  # the student's own line names a quantity, never a kind
    kind_named = any(re.search(KIND_WORDS[kind], text)
                     for kind in (mutant.kind, *ALSO_NAMED_BY.get(mutant.kind, ())))
    quantity_named = re.search(QUANTITY_WORDS.get(mutant.quantity, re.escape(mutant.quantity)), quoted) is not None
    if kind_named and quantity_named:
        return "diagnosed"
    named_by = (mutant.kind, *ALSO_NAMED_BY.get(mutant.kind, ()))
    others = [words for kind, words in KIND_WORDS.items()
              if kind not in named_by and kind not in SYMPTOMS] + [OTHER_MISTAKES]
    if kind_named or any(re.search(words, text) for words in others):
        return "misdiagnosed"
    return "generic"


def measure(mutant: Mutant) -> dict:
    """Run every visible check of the mutant's class (its function set) and classify its own task's."""
    results = {task: run_check(check) for task, check in checks_of(mutant).items()}
    status, message = results[mutant.task]
    if mutant.equivalent:
        verdict = "correct" if all(s == "passed" for s, _ in results.values()) else "false_fail"
    else:
        verdict = classify(status, message, mutant)
    return {"id": mutant.id, "session": mutant.session, "class": mutant.owner, "method": mutant.method,
            "task": mutant.task, "operator": mutant.operator, "quantity": mutant.quantity, "kind": mutant.kind,
            "site": mutant.site, "equivalent": mutant.equivalent, "outcome": verdict, "status": status,
            "message": message, "caught_by": sorted(t for t, (s, _) in results.items() if s == "failed"),
            "checks": {task: {"status": s, "message": m} for task, (s, m) in results.items()},
            "source": mutant.source}


# --------------------------------------------------------------------------- the measurement

OUTCOMES = ("diagnosed", "generic", "misdiagnosed", "passed", "raised")


def measure_all(mutants=None) -> list[dict]:
    """:func:`measure` of every mutant of the corpus (or of ``mutants``)."""
    return [measure(mutant) for mutant in (corpus() if mutants is None else mutants)]


def shares(results) -> dict:
    """Counts and shares of the outcomes of the non-equivalent results, plus false fails."""
    wrong = [r for r in results if not r["equivalent"]]
    counts = {outcome: sum(r["outcome"] == outcome for r in wrong) for outcome in OUTCOMES}
    return {"mutants": len(results), "equivalent": len(results) - len(wrong), "non_equivalent": len(wrong),
            "counts": counts, "shares": {o: (n / len(wrong) if wrong else 0.0) for o, n in counts.items()},
            "false_fails": sum(r["outcome"] == "false_fail" for r in results)}


def _normalised(message: str) -> str:
    """A message with its numbers and shapes blanked, to group mutants that get the same one."""
    return re.sub(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "#", message)


def weakest(results, count: int = 15) -> list[dict]:
    """The ``count`` weakest distinct messages: raw errors, then finite-difference mismatches, then
    other generic ones, then misdiagnoses; the most common first. Each with its mutants' ids."""
    groups: dict = {}
    for r in results:
        if r["equivalent"] or r["outcome"] not in ("generic", "misdiagnosed"):
            continue
        groups.setdefault(_normalised(r["message"]), []).append(r)

    def rank(item):
        message, members = item
        text = message.lower()
        order = 0 if re.search(r"\braised [a-z]*error", text) else 1 if "finite-difference estimate" in text \
            else 2 if members[0]["outcome"] == "generic" else 3
        return order, -len(members), message
    ranked = sorted(groups.items(), key=rank)[:count]
    return [{"message": members[0]["message"], "outcome": members[0]["outcome"], "mutants": len(members),
             "ids": [m["id"] for m in members], "labels": sorted({f"{m['quantity']}/{m['kind']}" for m in members})}
            for _, members in ranked]
