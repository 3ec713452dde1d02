"""Outside verdicts: every autograded task of a session judged in a process that never runs student code.

The student's code -- the given cells of the *release* (not the student's copy of
them), the student's solution cells and any cells they added -- runs in sandboxed
workers (:mod:`hamlet.remote`, :mod:`hamlet.sandbox`).  This process holds proxies of
the student's classes and objects and runs the checks on them:

* definitions (the declaration's ``definition_tasks``: classes and functions): the
  visible check and the hidden test, as in the notebook, but here -- a worker that
  only *defines* them answers the calls, in the declared order.
* steps (``step_tasks``): the hidden tests, on the objects a worker left after running
  the notebook's code cells in order (training capped at the grading budget).
* training (``training_tasks``): the accuracy of the trained network is measured *here*, on
  MNIST's 10,000 test images, from the network's parameters and the layers'
  definitions; a History the student built by hand earns nothing.  The parameters
  are those the grading kernel left (:mod:`hamlet.trained`): arrays, which the student
  could have chosen in a worker as well, so nothing is trained twice.  Where they are
  missing or a layer is of the student's own kind, a worker trains the network.

A mistake in a class that a later task builds on costs only its own task, as in the
notebook: the later task is excused when a class it uses fails *its own outside*
verdict with a bug (not with "not implemented yet").
"""

from __future__ import annotations

import ast
import functools
import re
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from hamlet_utils import checks
from hamlet_utils.mnist import MNIST, cache_root
from hamlet_utils.training import normalisation_table

from . import trained
from .declaration import Declaration, DefinitionTask, StepTask, task_of
from .remote import RemoteObject, RemoteWorker, StudentError, WorkerDied, WorkerTimeout
from .sandbox import Limits

NOT_WRITTEN = "not implemented yet"


@dataclass
class Verdict:
    """One task, judged outside: passed, or why not."""

    task: str
    passed: bool
    message: str = ""


@dataclass
class Cell:
    name: str
    source: str
    defines_only: bool  # only imports, functions and classes: safe to run in the class worker
    task: str | None = None  # a test cell: the task judged at this point of the notebook


@dataclass
class OutsideResult:
    verdicts: dict = field(default_factory=dict)   # task -> Verdict
    seconds: float = 0.0  # working, not waiting for the grading kernel
    problems: list = field(default_factory=list)   # what went wrong running the code outside
    trained_in_kernel: bool = False  # the training tasks were judged on the networks the kernel trained


# ----------------------------------------------------------------------------- the program

def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _defines_only(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) for node in tree.body)


def program(release, submission, declaration: Declaration) -> list[Cell]:
    """The code cells to run, in order: the release's given cells, the student's solution
    cells (the release's stub where one is missing) and the cells the student added.
    Test cells stay as the points where their task is judged (no source); the declared
    plot cells are left out, and so are the student's copies of given cells."""
    released = {_grade_id(cell): cell for cell in release.cells if _grade_id(cell)}
    solutions = {_grade_id(cell): cell.source for cell in submission.cells
                 if cell.cell_type == "code" and _grade_id(cell) in released
                 and released[_grade_id(cell)].metadata["nbgrader"].get("solution")}
    added: dict = {}  # the release cell a student's own cell follows -> [(name, source)]
    anchor = None
    for number, cell in enumerate(submission.cells):
        if cell.cell_type != "code":
            continue
        if _grade_id(cell) in released:
            anchor = _grade_id(cell)
        elif cell.source.strip():
            added.setdefault(anchor, []).append((f"cell {number}", cell.source))
    cells = [Cell(name, source, _defines_only(source)) for name, source in added.get(None, [])]
    for cell in release.cells:
        grade_id = _grade_id(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            cells.append(Cell(grade_id, "", False, task=task_of(grade_id)))
        elif cell.cell_type == "code" and grade_id not in declaration.plot_cells:
            source = solutions.get(grade_id, cell.source) if meta.get("solution") else cell.source
            cells.append(Cell(grade_id, source, _defines_only(source) or not meta.get("solution")))
        cells.extend(Cell(name, source, _defines_only(source)) for name, source in added.get(grade_id, []))
    return cells


def definition_cells(cells: list[Cell], declaration: Declaration) -> list[Cell]:
    """What the definitions' worker runs: the declared definition cells and the student's
    own cells that only define things; no training."""
    return [cell for cell in cells if cell.task is None and
            (cell.name in declaration.definition_cells or (cell.name.startswith("cell ") and cell.defines_only))]


# ----------------------------------------------------------------------------- sessions

class Session:
    """A worker that runs the cells in order; restarted (and the cells so far replayed, less
    the ones that timed out or killed it) whenever a cell or a probe takes it down."""

    def __init__(self, make_worker, deadline: float):
        self.make_worker, self.deadline = make_worker, deadline
        self.done: list[Cell] = []
        self.fatal: dict[str, str] = {}
        self.worker: RemoteWorker | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.worker:
            self.worker.close()

    def _exec(self, cell: Cell) -> bool:
        """Run one cell; False when it took the worker down."""
        try:
            self.worker.exec_cell(cell.name, cell.source)
        except (StudentError, NotImplementedError):
            pass  # the cell raised, as it would in the notebook; the tasks judge the rest
        except (WorkerTimeout, WorkerDied) as error:
            self.fatal[cell.name] = str(error)
            self.worker.close()
            return False
        return True

    def ready(self) -> RemoteWorker:
        while self.worker is None or not self.worker.alive:
            if time.monotonic() > self.deadline:
                raise WorkerTimeout("the time for this submission is used up")
            self.worker = self.make_worker().start()
            for cell in self.done:
                if cell.name not in self.fatal and not self._exec(cell):
                    break
        return self.worker

    def run(self, cell: Cell) -> None:
        try:
            self.ready()
        except (WorkerTimeout, WorkerDied) as error:
            self.fatal[cell.name] = str(error)
            return
        self.done.append(cell)
        self._exec(cell)

    def probe(self, task: str, judge) -> Verdict:
        """``judge(worker)`` -> Verdict, where a worker that hangs or dies fails only ``task``."""
        try:
            worker = self.ready()
        except (WorkerTimeout, WorkerDied) as error:
            return Verdict(task, False, f"your code could not be run: {error}")
        try:
            return judge(worker)
        except WorkerTimeout as error:
            worker.close()
            return Verdict(task, False, f"timed out ({error})")
        except WorkerDied as error:
            return Verdict(task, False, f"{error}")


# ----------------------------------------------------------------------------- judges

def _quietly(check, *args):
    """A visible check without its printed lines (redirecting stdout is not thread-safe):
    the function under the decorator; "not checked yet" is no failure."""
    try:
        with np.errstate(all="ignore"):
            check.__wrapped__(*args)
    except checks.NotCheckedYet:
        pass


def _failure_text(error: BaseException) -> str:
    return str(error) or type(error).__name__


def judge_definition_task(judged: DefinitionTask):
    """The verdict of a class or function task: its visible check, then its hidden test."""
    task, name = judged.task, judged.name

    def judge(worker: RemoteWorker) -> Verdict:
        try:
            obj = worker.global_(name)
        except (StudentError, NotImplementedError) as error:
            return Verdict(task, False, f"{name} is not defined ({error})")
        try:
            if judged.check is not None:
                _quietly(judged.check, obj)
            if judged.helpers:
                helpers = worker.define(judged.helpers, judged.helper_names)
                judged.hidden_test(obj, tuple(helpers[helper] for helper in judged.helper_names))
            else:
                judged.hidden_test(obj)
        except AssertionError as failure:  # CheckFailed or HiddenTestFailed
            return Verdict(task, False, _failure_text(failure))
        return Verdict(task, True)
    return judge


def _bugs(verdicts: dict, task: str, built_on: dict) -> list[str]:
    """The earlier tasks' bugs (not "not implemented yet") that excuse ``task``."""
    return [f"task {earlier}: {verdicts[earlier].message}" for earlier in built_on.get(task, ())
            if earlier in verdicts and not verdicts[earlier].passed and NOT_WRITTEN not in verdicts[earlier].message]


def judge_step_task(step: StepTask, verdicts: dict, built_on: dict):
    """The verdict of a step task, on the objects the notebook's cells left in the worker."""
    task = step.task

    def judge(worker: RemoteWorker) -> Verdict:
        try:
            values = {name: worker.global_(name) for name in step.objects}
        except (StudentError, NotImplementedError) as error:
            return Verdict(task, False, f"{error}")
        bugs = _bugs(verdicts, task, built_on)
        try:
            step.hidden_test(**values, excused=lambda **_: bool(bugs))
        except AssertionError as failure:
            return Verdict(task, False, _failure_text(failure))
        return Verdict(task, True, "excused: " + bugs[0] if bugs else "")
    return judge


# ----------------------------------------------------------------------------- training

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


def judge_training_task(task: str, verdicts: dict, declaration: Declaration, runs: dict):
    """The verdict of a training task on the runs a worker left."""
    def judge(worker: RemoteWorker) -> Verdict:
        return training_verdict(task, verdicts, declaration, runs,
                                lambda name, wanted: examine_run(worker, name, wanted, declaration.layers))
    return judge


def training_verdict(task: str, verdicts: dict, declaration: Declaration, runs: dict, examine) -> Verdict:
    """``examine(name, wanted_epochs)`` -> Run: from a worker's objects or the kernel's files."""
    bugs = _bugs(verdicts, task, declaration.built_on)
    training = declaration.training_task(task)

    def failed(run: Run, message: str) -> Verdict:
        # as in the notebook: a run that happened may be excused by a class's bug, a missing one not
        return Verdict(task, True, f"excused: {bugs[0]}") if bugs and run.ran else Verdict(task, False, message)
    if training.beats:
        first = declaration.training_task(training.beats)
        run, baseline = (runs.get(task) or examine(training.history, training.number_epochs),
                         runs.get(first.task) or examine(first.history, first.number_epochs))
        runs[task] = run
        if not run.ok:
            return failed(run, run.message)
        if not baseline.ok:
            return Verdict(task, False, f"task {first.task}'s run is needed to compare with: {baseline.message}")
        if run.accuracy <= baseline.accuracy:
            return failed(run, f"measured test accuracy {run.accuracy:.4f} does not beat task {first.task}'s "
                               f"{baseline.accuracy:.4f}")
        return Verdict(task, True, f"measured test accuracy {run.accuracy:.4f} > {baseline.accuracy:.4f}"
                                   + (f" ({run.note})" if run.note else ""))
    wanted = training.number_epochs
    run = runs.get(task) or examine(training.history, wanted)
    runs[task] = run
    if not run.ok:
        return failed(run, run.message)
    epochs = declaration.grading_epochs if wanted is None else min(declaration.grading_epochs, wanted)
    minimum = checks.minimum_accuracy(training.minimum_accuracy, epochs)
    if run.accuracy < minimum:
        return failed(run, f"measured test accuracy {run.accuracy:.4f} < {minimum:.2f}")
    return Verdict(task, True, f"measured test accuracy {run.accuracy:.4f} >= {minimum:.2f}"
                               + (f" ({run.note})" if run.note else ""))


# ----------------------------------------------------------------------------- all tasks

def outside_verdicts(release, submission, declaration: Declaration, *, timeout: float, slot: int = 0,
                     threads: int = 1, limits: Limits = Limits(), tasks=None, left=None) -> OutsideResult:
    """Judge every autograded task of ``submission`` (a NotebookNode) outside its kernel.

    ``timeout`` bounds each cell and each task's checks, like nbgrader's cell timeout.
    ``left`` -- a function returning ``{history name: TrainedRun}``, what the grading
    kernel left (:mod:`hamlet.trained`); it is called once the step tasks are judged, so
    it may wait for the kernel.  When every training run is there and computable here,
    the training tasks are judged on them; otherwise the worker goes on through the
    notebook and trains the networks itself.  The class tasks are judged in a thread of
    their own, beside the notebook's worker.
    """
    start = time.monotonic()
    tasks = list(tasks or [task_of(_grade_id(cell)) for cell in release.cells
                           if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")])
    environment = {"HAMLET_MAX_EPOCHS": str(declaration.grading_epochs), "HAMLET_PROGRESS": "0",
                   "MPLBACKEND": "Agg", "HOME": "/tmp", "HAMLET_CACHE": str(cache_root()), "PYTHONDONTWRITEBYTECODE": "1",
                   **{name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}}

    def make_worker():
        return RemoteWorker(slot=slot, limits=limits, environment=environment, timeout=timeout)

    cells = program(release, submission, declaration)
    # every cell and every task may use its time once, and workers restart
    deadline = start + timeout * (len(cells) + len(tasks)) + 120
    result = OutsideResult()
    verdicts = result.verdicts
    class_verdicts: dict = {}
    class_errors: list = []

    def judge_classes():
        try:
            with Session(make_worker, deadline) as session:
                for cell in definition_cells(cells, declaration):
                    session.run(cell)
                for judged in [judged for judged in declaration.definition_tasks if judged.task in tasks]:
                    class_verdicts[judged.task] = session.probe(judged.task, judge_definition_task(judged))
        except BaseException as error:  # noqa: BLE001 -- raised again in the calling thread
            class_errors.append(error)
    classes = threading.Thread(target=judge_classes, name="class-tasks", daemon=True)
    classes.start()

    def classes_judged():
        """The class verdicts, which the later tasks' excuses need."""
        classes.join()
        if class_errors:
            raise class_errors[0]
        verdicts.update(class_verdicts)

    runs: dict = {}
    from_kernel, waited = None, 0.0
    step_tasks = {step.task: step for step in declaration.step_tasks}
    definition_tasks = {judged.task for judged in declaration.definition_tasks}
    last_step = max((index for index, cell in enumerate(cells) if cell.task in step_tasks and cell.task in tasks),
                    default=-1)
    with Session(make_worker, deadline) as session:  # the notebook in order, each task at its test cell
        for index, cell in enumerate(cells):
            if index > last_step and from_kernel is None and left is not None:
                waiting = time.monotonic()
                left_runs, left = left(), None
                waited = time.monotonic() - waiting
                from_kernel = kernel_runs(left_runs, declaration) if left_runs is not None else None
                if from_kernel is not None:  # nothing after the step tasks needs to run
                    runs.update(from_kernel)
                    break
            if cell.task is None:
                session.run(cell)
            elif cell.task in tasks and cell.task not in definition_tasks:
                classes_judged()
                verdicts[cell.task] = session.probe(
                    cell.task, judge_step_task(step_tasks[cell.task], verdicts, declaration.built_on)
                    if cell.task in step_tasks else judge_training_task(cell.task, verdicts, declaration, runs))
        result.problems = [f"{name}: {problem}" for name, problem in session.fatal.items()]
    classes_judged()
    result.trained_in_kernel = from_kernel is not None
    for task in [training.task for training in declaration.training_tasks if from_kernel is not None
                 and training.task in tasks]:
        verdicts[task] = training_verdict(task, verdicts, declaration, runs, examine=None)
    result.verdicts = {task: verdicts[task] for task in tasks if task in verdicts}
    result.seconds = time.monotonic() - start - waited  # not the time spent waiting for the kernel
    return result


# ----------------------------------------------------------------------------- suspicious code

SUSPICIOUS_NAMES = {
    "_getframe": "reads the caller's frame", "currentframe": "reads the caller's frame",
    "f_back": "reads the caller's frame", "f_locals": "reads another frame's variables",
    "get_referrers": "searches the interpreter's objects", "get_objects": "searches the interpreter's objects",
    "NBGRADER_EXECUTION": "branches on the grading environment", "environ": "reads environment variables",
    "getenv": "reads environment variables", "sqlite3": "opens a database", "socket": "opens network connections",
    "urllib": "opens network connections", "requests": "opens network connections", "http": "opens network connections",
    "subprocess": "starts programs", "system": "starts programs", "fork": "starts processes", "builtins": "changes Python's builtins",
    "__builtins__": "changes Python's builtins", "settrace": "traces the interpreter",
    "setprofile": "traces the interpreter", "hamlet": "uses the grader's package",
}
SUSPICIOUS_TEXT = re.compile(r"gradebook|\bsolutions?/|submitted/|autograded/|grades\.csv|feedback/|\.ipynb")
#: modules whose attributes student code has no business replacing (and a session's own, declared)
GUARDED_MODULES = ("np", "numpy", "hamlet_utils", "sys", "builtins", "os", "math", "warnings")


def suspicious_code(submission, release, guarded_names=()) -> list[str]:
    """What the student's own code does that a solution never needs: replacing functions of
    modules, reading frames, the environment or files of the grading, the network."""
    released = {_grade_id(cell): cell for cell in release.cells if _grade_id(cell)}
    findings = []
    for number, cell in enumerate(submission.cells):
        grade_id = _grade_id(cell)
        if cell.cell_type != "code" or (grade_id in released and not released[grade_id].metadata.get(
                "nbgrader", {}).get("solution")):
            continue  # given and test cells are the release's
        name = grade_id if grade_id in released else f"cell {number}"
        reasons: dict = {}  # one line per cell: each kind of reason once, with its first example
        for what in _suspicious_in(cell.source, GUARDED_MODULES + tuple(guarded_names)):
            reasons.setdefault(what.split(": ")[-1].split(" (")[0], what)
        if reasons:
            findings.append(f"suspicious code in {name}: " + "; ".join(reasons.values())[:300])
    return findings


def _suspicious_in(source: str, guarded: tuple) -> list[str]:
    found = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and _root_name(target) in guarded:
                    found.append(f"replaces {ast.unparse(target)}")
                if isinstance(target, ast.Name) and target.id in ("AssertionError", "Exception", "print",
                                                                  "isinstance", "__import__"):
                    found.append(f"redefines {target.id}")
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) in ("sys.modules",):
                    found.append("replaces a module in sys.modules")
            if isinstance(node, ast.ClassDef) and node.name in ("AssertionError", "CheckFailed"):
                found.append(f"redefines {node.name}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr")
                    and node.args and _root_name(node.args[0]) in guarded):
                found.append(f"replaces attributes of {ast.unparse(node.args[0])}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"imports {module}: {SUSPICIOUS_NAMES[module.split('.')[0]]}" for module in modules
                          if module.split(".")[0] in SUSPICIOUS_NAMES]
            if isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_NAMES:
                found.append(f"uses .{node.attr}: {SUSPICIOUS_NAMES[node.attr]}")
            if isinstance(node, ast.Name) and node.id in SUSPICIOUS_NAMES and node.id != "hamlet":
                found.append(f"uses {node.id}: {SUSPICIOUS_NAMES[node.id]}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value == "NBGRADER_EXECUTION":
                    found.append("branches on the grading environment (NBGRADER_EXECUTION)")
                elif SUSPICIOUS_TEXT.search(node.value):
                    found.append(f"names grading files ({node.value[:60]!r})")
    return found


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
