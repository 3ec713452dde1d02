"""The judges of the outside verdicts: one task each, on proxies of a worker's objects.

* definitions (the declaration's ``definition_tasks``): the visible check and the
  hidden test, on the class or function a worker that only ran the definitions holds;
* steps (``step_tasks``): the hidden test, on the objects the notebook's cells left;
* training (``training_tasks``): the accuracy the grader measures (:mod:`hamlet.accuracy`).

A mistake in a task that a later one builds on costs only its own task, as in the
notebook: the later task is excused when an earlier one fails *its own outside*
verdict with a bug (not with "not implemented yet").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from hamlet_utils.checking import NotCheckedYet, minimum_accuracy

from .accuracy import Run, examine_run
from .declaration import Declaration, DefinitionTask, StepTask
from .hidden_testing import HiddenTestFailed
from .remote import RemoteWorker, StudentError

NOT_WRITTEN = "not implemented yet"


@dataclass
class Verdict:
    """One task, judged outside: passed, or why not.  ``review``: why no verdict could be
    computed (an error of the judge's, not a mistake of the student's); such a task scores
    0 and is listed for a tutor to review, never credited from the notebook."""

    task: str
    passed: bool
    message: str = ""
    review: str = ""
    #: the misconception code of a failed visible check (hamlet_utils.misconceptions), else ""
    code: str = ""
    #: failed by a hidden test: its words stay with the grader, never on a student's page
    hidden: bool = False


def not_judged(task: str, why: str) -> Verdict:
    """A task the outside verdicts could not judge: 0 points, to review."""
    return Verdict(task, False, f"could not be judged: {why}", review=why)


def _quietly(check, *args):
    """A visible check without its printed lines (redirecting stdout is not thread-safe):
    the function under the decorator; "not checked yet" is no failure."""
    try:
        with np.errstate(all="ignore"):
            check.__wrapped__(*args)
    except NotCheckedYet:
        pass


def _failure_text(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _hidden(error: BaseException) -> bool:
    return isinstance(error, HiddenTestFailed)


def _failure_code(error: BaseException) -> str:
    """The misconception code a CheckFailed carries; "" for other failures (hidden tests)."""
    return getattr(error, "code", "") or ""


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
            return Verdict(task, False, _failure_text(failure), code=_failure_code(failure),
                           hidden=_hidden(failure))
        return Verdict(task, True)
    return judge


def earlier_bugs(verdicts: dict, task: str, built_on: dict) -> list[str]:
    """The earlier tasks' bugs (not "not implemented yet") that excuse ``task``."""
    # a task that could not be judged excuses nothing: that would credit what nobody verified
    # a check's message begins "Task 2b: " already: said once
    return [f"task {earlier}: {re.sub(rf'^Task {re.escape(earlier)}: ', '', verdicts[earlier].message)}"
            for earlier in built_on.get(task, ())
            if earlier in verdicts and not verdicts[earlier].passed and not verdicts[earlier].review
            and NOT_WRITTEN not in verdicts[earlier].message]


def judge_step_task(step: StepTask, verdicts: dict, built_on: dict):
    """The verdict of a step task, on the objects the notebook's cells left in the worker."""
    task = step.task

    def judge(worker: RemoteWorker) -> Verdict:
        try:
            values = {name: worker.global_(name) for name in step.objects}
        except (StudentError, NotImplementedError) as error:
            return Verdict(task, False, f"{error}")
        bugs = earlier_bugs(verdicts, task, built_on)
        try:
            step.hidden_test(**values, excused=lambda **_: bool(bugs))
        except AssertionError as failure:
            return Verdict(task, False, _failure_text(failure), code=_failure_code(failure),
                           hidden=_hidden(failure))
        return Verdict(task, True, "excused: " + bugs[0] if bugs else "")
    return judge


def judge_training_task(task: str, verdicts: dict, declaration: Declaration, runs: dict):
    """The verdict of a training task on the runs a worker left."""
    def judge(worker: RemoteWorker) -> Verdict:
        return training_verdict(task, verdicts, declaration, runs,
                                lambda name, wanted: examine_run(worker, name, wanted, declaration.layers))
    return judge


def training_verdict(task: str, verdicts: dict, declaration: Declaration, runs: dict, examine) -> Verdict:
    """``examine(name, wanted_epochs)`` -> Run: from a worker's objects or the kernel's files."""
    bugs = earlier_bugs(verdicts, task, declaration.built_on)
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
    minimum = minimum_accuracy(training.minimum_accuracy, epochs)
    if run.accuracy < minimum:
        return failed(run, f"measured test accuracy {run.accuracy:.4f} < {minimum:.2f}")
    return Verdict(task, True, f"measured test accuracy {run.accuracy:.4f} >= {minimum:.2f}"
                               + (f" ({run.note})" if run.note else ""))
