"""Hostile return values cost their own tasks and break nothing else (issue #14, item 1).

The corpus is :mod:`hostile_values`: each kind of hostile value at the places of both
sessions' reference solutions, in submissions whose hostile places cannot change each
other's verdicts.  Every submission the selected tests need is judged once by
``outside_verdicts`` (no training task), two at a time on sandbox slots 0 and 1; the tests
only read the verdicts:

* a hostile value costs its task: ``outside_verdicts`` returns, and the task's verdict is
  judged (no ``review``), not passed, with a message;
* it costs no other task: the judged tasks it cannot reach still pass;
* the right data in disguise (a trivial ndarray subclass, an object whose ``__array__`` is
  the right array) is judged like the right value: its tasks pass.
"""

from __future__ import annotations

import queue
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from hamlet import course, sandbox, verdicts
from hamlet.remote import WorkerDied, WorkerTimeout
from hostile_values import Place, Submission, control_submissions, hostile_submissions

pytestmark = [pytest.mark.sandbox,
              pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is needed to run student code")]

#: per cell and per task: nothing in the corpus takes a second unless the judge hangs
TIMEOUT = 10
SLOTS = (0, 1)


@dataclass(frozen=True)
class Case:
    """One place of one submission: the task there must score 0 (or, for a control, pass)."""

    submission: Submission
    place: Place

    @property
    def id(self) -> str:
        return f"{self.submission.session[:2]}-{self.submission.kind.name}-{self.place.label}"

    def describe(self) -> str:
        return f"task {self.place.task}, {self.submission.kind.what}, at {self.place.label}"


HOSTILE = hostile_submissions()
CONTROLS = control_submissions()
HOSTILE_CASES = [Case(submission, place) for submission in HOSTILE for place in submission.places]
CONTROL_CASES = [Case(submission, place) for submission in CONTROLS for place in submission.places]


# --------------------------------------------------------------------------- judging

@dataclass(frozen=True)
class Broke:
    """What outside_verdicts raised: the judge broke."""

    error: str    # type and message
    task: str     # the task being judged when it did ("" if none was)
    where: str    # the innermost frames of the grader's code it came through

    @classmethod
    def of(cls, error: BaseException) -> "Broke":
        task, tb = "", error.__traceback__
        while tb is not None:  # a judge's frame knows its task
            if tb.tb_frame.f_code.co_name == "judge" and isinstance(tb.tb_frame.f_locals.get("task"), str):
                task = tb.tb_frame.f_locals["task"]
            tb = tb.tb_next
        grader = [frame for frame in traceback.extract_tb(error.__traceback__)
                  if ("/hamlet" in frame.filename or "/solutions/" in frame.filename)
                  and not frame.filename.endswith(("remote.py", "worker_session.py", "verdicts.py"))]
        where = " <- ".join(f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
                            for frame in reversed(grader[-3:]))
        return cls(f"{type(error).__name__}: {error}", task, where)


def _judge(submission: Submission, slot: int):
    """The OutsideResult, or how outside_verdicts broke."""
    release = nbformat.read(str(course.release_notebook(submission.session)), as_version=4)
    try:
        return verdicts.outside_verdicts(release, submission.notebook(), course.declaration(submission.session),
                                         timeout=TIMEOUT, slot=slot, tasks=submission.tasks)
    except (Exception, WorkerTimeout, WorkerDied) as error:
        return Broke.of(error)


def _needed(request) -> list[Submission]:
    """The submissions the selected tests of this module read (all of them in a full run)."""
    found: dict = {}
    for item in request.session.items:
        if item.module is not request.module or not hasattr(item, "callspec"):
            continue
        for value in item.callspec.params.values():
            submission = value.submission if isinstance(value, Case) else value
            found[submission.name] = submission
    return list(found.values())


@pytest.fixture(scope="module")
def judged(request) -> dict:
    """``{submission name: OutsideResult or Broke}``, judged two at a time, one sandbox slot each."""
    slots: queue.Queue = queue.Queue()
    for slot in SLOTS:
        slots.put(slot)

    def judge(submission):
        slot = slots.get()
        try:
            return submission.name, _judge(submission, slot)
        finally:
            slots.put(slot)
    with ThreadPoolExecutor(len(SLOTS)) as pool:
        return dict(pool.map(judge, _needed(request)))


# --------------------------------------------------------------------------- reading the verdicts

def _result(judged: dict, submission: Submission):
    result = judged[submission.name]
    if isinstance(result, Broke):
        hostile = {place.task: place.label for place in submission.places}
        judging = (f"while judging task {result.task} (hostile there: {hostile.get(result.task, 'nothing')})"
                   if result.task else "outside any task's judge")
        pytest.fail(f"outside_verdicts raised {result.error} {judging}, at {result.where} -- submission "
                    f"{submission.name}: {submission.kind.what}, at {', '.join(hostile.values())}", pytrace=False)
    return result


def _problems(verdict, task: str, should_pass: bool) -> list[str]:
    """What is wrong with ``verdict``: [] for a judged pass (``should_pass``), or a judged failure with a message."""
    if verdict is None:
        return [f"no verdict for task {task}"]
    problems = []
    review = getattr(verdict, "review", "")
    if review:
        problems.append(f"not judged (review: {review!r})")
    if verdict.passed != should_pass:
        problems.append("passed" if verdict.passed else f"failed: {verdict.message!r}")
    if not should_pass and not (isinstance(verdict.message, str) and verdict.message):
        problems.append(f"no message ({verdict.message!r})")
    return problems


@pytest.mark.parametrize("case", HOSTILE_CASES, ids=lambda case: case.id)
def test_a_hostile_value_costs_its_task(judged, case):
    result = _result(judged, case.submission)
    problems = _problems(result.verdicts.get(case.place.task), case.place.task, should_pass=False)
    assert not problems, f"{case.describe()}: {'; '.join(problems)}"


@pytest.mark.parametrize("submission", HOSTILE + CONTROLS, ids=lambda submission: submission.name)
def test_a_hostile_value_costs_no_other_task(judged, submission):
    result = _result(judged, submission)
    problems = {task: _problems(result.verdicts.get(task), task, should_pass=True)
                for task in sorted(submission.untouched_tasks())}
    problems = {task: found for task, found in problems.items() if found}
    assert not problems, (f"{submission.kind.what}, at {', '.join(place.label for place in submission.places)}, "
                          f"cost tasks it cannot reach: "
                          + "; ".join(f"task {task}: {', '.join(found)}" for task, found in problems.items()))


@pytest.mark.parametrize("case", CONTROL_CASES, ids=lambda case: case.id)
def test_the_right_value_in_disguise_is_judged_right(judged, case):
    result = _result(judged, case.submission)
    problems = _problems(result.verdicts.get(case.place.task), case.place.task, should_pass=True)
    assert not problems, f"{case.describe()}: {'; '.join(problems)}"
