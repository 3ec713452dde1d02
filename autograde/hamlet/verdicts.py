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
notebook (:mod:`hamlet.judges`).

This module only runs the judges in order; the parts are :mod:`hamlet.outside_program`
(what runs), :mod:`hamlet.worker_session` (a worker that survives the code),
:mod:`hamlet.judges` (one task each), :mod:`hamlet.accuracy` (trained networks) and
:mod:`hamlet.suspicious` (the code scan).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from hamlet_utils.mnist import cache_root

from .accuracy import kernel_runs
from .declaration import Declaration
from .judges import (Verdict, earlier_bugs, judge_definition_task, judge_step_task, judge_training_task,
                     not_judged, training_verdict)
from .outside_program import Cell, autograded_tasks, definition_cells, program
from .remote import RemoteWorker
from .sandbox import Limits
from .worker_session import WorkerSession


@dataclass(frozen=True)
class KernelLeft:
    """What the grading kernel left for the outside verdicts once it is done."""

    runs: dict | None  # {history name: TrainedRun or None} (hamlet.trained); None: nothing readable
    timed_out: frozenset = frozenset()  # grade ids of the cells that ran past the kernel's time limit


@dataclass
class OutsideResult:
    verdicts: dict = field(default_factory=dict)   # task -> Verdict
    seconds: float = 0.0  # working, not waiting for the grading kernel
    problems: list = field(default_factory=list)   # what went wrong running the code outside
    trained_in_kernel: bool = False  # the training tasks were judged on the networks the kernel trained


def outside_verdicts(release, submission, declaration: Declaration, *, timeout: float, slot: int = 0,
                     limits: Limits = Limits(), tasks=None, left=None, deadline: float = math.inf) -> OutsideResult:
    """Judge every autograded task of ``submission`` (a NotebookNode) outside its kernel.

    ``timeout`` bounds each cell and each task's checks, like nbgrader's cell timeout.
    ``left`` -- a function returning a :class:`KernelLeft`, what the grading kernel left;
    it is called once the step tasks are judged, so it may wait for the kernel.  When
    every training run is there and computable here, the training tasks are judged on
    them; otherwise the worker goes on through the notebook and trains the networks
    itself -- but does not run again a cell that ran past the kernel's time limit: its
    tasks fail here too (a timeout only ever costs points, so a forged one gains
    nothing), without a second wait.  The class tasks are judged in a thread of their
    own, beside the notebook's worker.  ``deadline`` (``time.monotonic()``) is the end of the
    submission's time budget (:mod:`hamlet.budget`): no request outlasts it, and a task not
    judged by then fails ("the notebook's time budget is used up").
    """
    start = time.monotonic()
    tasks = list(tasks or autograded_tasks(release))
    environment = {"HAMLET_MAX_EPOCHS": str(declaration.grading_epochs), "HAMLET_PROGRESS": "0",
                   "MPLBACKEND": "Agg", "HOME": "/tmp", "HAMLET_CACHE": str(cache_root()), "PYTHONDONTWRITEBYTECODE": "1"}

    def make_worker():
        return RemoteWorker(slot=slot, limits=limits, environment=environment, timeout=timeout, deadline=deadline)

    cells = program(release, submission, declaration)
    # every cell and every task may use its time once, and workers restart
    deadline = min(deadline, start + timeout * (len(cells) + len(tasks)) + 120)
    result = OutsideResult()
    verdicts = result.verdicts
    class_verdicts: dict = {}
    class_errors: list = []

    def judge_classes():
        try:
            with WorkerSession(make_worker, deadline) as session:
                for cell in definition_cells(cells, declaration):
                    session.run(cell)
                for judged in [judged for judged in declaration.definition_tasks if judged.task in tasks]:
                    class_verdicts[judged.task] = session.probe(judged.task, judge_definition_task(judged))
            for judged in [judged for judged in declaration.definition_tasks if judged.task in class_verdicts]:
                class_verdicts[judged.task] = judge_on_its_own(judged, class_verdicts[judged.task], class_verdicts)
        except BaseException as error:  # noqa: BLE001 -- raised again in the calling thread
            class_errors.append(error)
    classes = threading.Thread(target=judge_classes, name="class-tasks", daemon=True)
    classes.start()

    def judge_on_its_own(judged, verdict, judged_so_far):
        """A failed definition task built on ones that fail with a bug, judged again with the
        declared stand-ins for them (see :attr:`Declaration.stand_ins`)."""
        bugs = earlier_bugs(judged_so_far, judged.task, declaration.built_on)
        failing = [task for task in declaration.built_on.get(judged.task, ())
                   if task in judged_so_far and not judged_so_far[task].passed]
        if verdict.passed or not bugs or not all(task in declaration.stand_ins for task in failing):
            return verdict
        with WorkerSession(make_worker, deadline) as session:
            for cell in definition_cells(cells, declaration):
                session.run(cell)
            session.run(Cell("stand-ins", "\n\n".join(declaration.stand_ins[task] for task in failing), True))
            again = session.probe(judged.task, judge_definition_task(judged))
        return Verdict(judged.task, True, f"excused: {bugs[0]}") if again.passed else verdict

    def classes_judged():
        """The class verdicts, which the later tasks' excuses need."""
        classes.join()
        if class_errors:
            raise class_errors[0]
        verdicts.update(class_verdicts)

    runs: dict = {}
    from_kernel, waited, timed_out = None, 0.0, frozenset()
    step_tasks = {step.task: step for step in declaration.step_tasks}
    definition_tasks = {judged.task for judged in declaration.definition_tasks}
    last_step = max((index for index, cell in enumerate(cells) if cell.task in step_tasks and cell.task in tasks),
                    default=-1)
    with WorkerSession(make_worker, deadline) as session:  # the notebook in order, each task at its test cell
        for index, cell in enumerate(cells):
            if index > last_step and from_kernel is None and left is not None:
                waiting = time.monotonic()
                kernel, left = left(), None
                waited = time.monotonic() - waiting
                timed_out = kernel.timed_out
                from_kernel = kernel_runs(kernel.runs, declaration) if kernel.runs is not None else None
                if from_kernel is not None:  # nothing after the step tasks needs to run
                    runs.update(from_kernel)
                    break
            if cell.task is None and cell.name in timed_out:
                session.fatal[cell.name] = "ran past the time limit in the notebook too; not run again"
            elif cell.task is None:
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
        try:
            verdicts[task] = training_verdict(task, verdicts, declaration, runs, examine=None)
        except Exception as error:  # noqa: BLE001 -- ours, on the kernel's files: never credit, review
            verdicts[task] = not_judged(task, f"{type(error).__name__}: {str(error)[:300]}")
    result.verdicts = {task: verdicts.get(task) or not_judged(task, "the outside verdicts did not reach it")
                       for task in tasks}
    result.seconds = time.monotonic() - start - waited  # not the time spent waiting for the kernel
    return result
