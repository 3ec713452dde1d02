"""A Dask worker's part of a grading run: grade one hand-in in a scratch course of its own.

The coordinating ``hamlet grade --cluster`` (:mod:`hamlet.cluster`) sends each hand-in as a
:class:`HandIn`; :func:`grade_hand_in` runs on a worker and returns a :class:`GradedHandIn`.
Everything a worker writes stays in its own scratch course (:class:`ScratchCourse`, one per
session and cell timeout, kept while the worker process lives): its own gradebook, its own
nbgrader, its own slots, leased machine-wide (:mod:`hamlet.slots`) so that two workers on one
machine never share a sandbox user.  The grading is the local one (``pipeline.autograde_and_judge``):
the same sandbox, nbgrader, kernels, outside verdicts and time budget.  Only the coordinator
writes the course's gradebook and outputs, from what comes back.

A worker runs the same checkout of HaMLeT as the coordinator: a hand-in whose grader or engine
differs from the worker's is refused (:class:`WrongGrader`), never graded by another grader.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass(frozen=True)
class HandIn:
    """One student's notebook to grade, as placed in the coordinator's course (the release's
    grading metadata restored), and what it is graded with."""

    session: str
    student: str
    notebook: str  # the placed notebook, JSON
    submitted_at: str | None  # ISO time of the hand-in (nbgrader's timestamp.txt), None: unknown
    grader: str  # hamlet.pipeline.grader_hash of the session, the coordinator's
    engine: str  # hamlet.budget.engine_hash, the coordinator's
    timeout: int  # seconds per cell
    budget_seconds: float | None  # the notebook's time budget (None: no bound)
    budget_why: str = ""


@dataclass(frozen=True)
class GradedHandIn:
    """What a worker hands back: nbgrader's executed notebook (None when nbgrader failed), the
    outside facts (:attr:`hamlet.run_state.StudentRecord.outside`), the flags of grading itself,
    nbgrader's log, and the seconds the hand-in held its slot."""

    student: str
    executed: str | None
    outside: dict
    problems: list = field(default_factory=list)
    log: str = ""
    seconds: float = 0.0
    worker: str = ""


class WrongGrader(RuntimeError):
    """The worker's HaMLeT is not the coordinator's."""


def worker_facts() -> dict:
    """What the coordinator checks of each worker before sending it anything (``Client.run``)."""
    from . import course, sandbox
    from .budget import engine_hash
    from .pipeline import grader_hash

    return {"engine": engine_hash(), "graders": {session: grader_hash(session) for session in course.sessions()},
            "protections": sandbox.describe(), "cpus": os.cpu_count() or 1}


class ScratchCourse:
    """A worker's course for one session: its release made by its own nbgrader, and its slots,
    each started on first need and kept for the next hand-in (nbgrader's import is paid once)."""

    def __init__(self, session: str, timeout: int, tasks_at_once: int):
        from . import course
        from .course_folder import write_course
        from .nbgrader_commands import run_nbgrader

        self.session, self.timeout, self.tasks_at_once = session, timeout, tasks_at_once
        # Dask's nanny sets this for its worker (distributed.nanny.pre-spawn-environ); inherited by the
        # kernels, it has glibc hand NumPy's big temporaries back to the system after every step:
        # training ran about twice as slow
        os.environ.pop("MALLOC_TRIM_THRESHOLD_", None)
        self.declaration = course.declaration(session)
        self.out = Path(tempfile.mkdtemp(prefix=f"hamlet-worker-{session}-"))
        self.root = write_course(self.out, [session], timeout)
        (self.out / "logs" / session).mkdir(parents=True)
        run_nbgrader(self.root, self.declaration, "generate_assignment", session, "--force")
        self.release = nbformat.read(str(self.root / "release" / session / f"{session}.ipynb"), as_version=4)
        self.code_cells = sum(cell.cell_type == "code" for cell in course_source(session).cells)
        self._free: queue.Queue = queue.Queue()
        self._slots: list = []
        self._lock = threading.Lock()

    def settings(self, hand_in: HandIn):
        from .budget import Budget
        from .pipeline import GradingSettings

        # as many slots as the worker runs tasks at once; each kernel's BLAS threads as Dask's nanny sets
        # them for its worker (OMP_NUM_THREADS, 1 by default), else its share of the cores
        return GradingSettings(self.out, self.out, self.declaration, jobs=self.tasks_at_once, timeout=self.timeout,
                               budget=Budget(hand_in.budget_seconds, hand_in.budget_why),
                               blas_threads=_blas_threads())

    def take_slot(self, settings):
        from . import slots
        from .pipeline import Slot

        try:
            return self._free.get_nowait()
        except queue.Empty:
            (lease,) = slots.take(1)
            slot = Slot.start(settings, lease)
            with self._lock:
                self._slots.append(slot)
            return slot

    def give_back(self, slot) -> None:
        self._free.put(slot)

    def close(self) -> None:
        with self._lock:
            for slot in self._slots:
                slot.shutdown(log=lambda *line: None)
            self._slots.clear()
        shutil.rmtree(self.out, ignore_errors=True)


def course_source(session: str):
    from . import course

    return nbformat.read(str(course.source_notebook(session)), as_version=4)


_COURSES: dict = {}
_COURSES_LOCK = threading.Lock()


def _close_courses() -> None:
    for scratch in list(_COURSES.values()):
        scratch.close()
    _COURSES.clear()


atexit.register(_close_courses)  # a worker run without Dask's nanny; under it, the plugin below


try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # Dask is optional: only --cluster needs it
    WorkerPlugin = object


class ScratchCourses(WorkerPlugin):
    """Registered on every worker by the coordinator: a worker that closes ends its slots' nbgrader
    and removes its scratch courses (Dask's worker processes end without running ``atexit``)."""

    name = "hamlet-scratch-courses"

    def teardown(self, worker) -> None:
        _close_courses()


def _threads_per_task() -> int:
    """The worker's tasks at once (its ``--nthreads``); 1 outside a Dask worker."""
    try:
        from distributed import get_worker

        return max(1, get_worker().state.nthreads)
    except (ImportError, ValueError, AttributeError):
        return 1


def _blas_threads() -> int | None:
    try:
        return max(1, int(os.environ["OMP_NUM_THREADS"]))
    except (KeyError, ValueError):
        return None


def _scratch_course(session: str, timeout: int) -> ScratchCourse:
    key = (session, timeout)
    with _COURSES_LOCK:
        if key not in _COURSES:
            _COURSES[key] = ScratchCourse(session, timeout, _threads_per_task())
        return _COURSES[key]


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def grade_hand_in(hand_in: HandIn) -> GradedHandIn:
    """Grade one hand-in on this worker (the task ``hamlet grade --cluster`` submits)."""
    import threading as threads_module
    from datetime import datetime

    from .budget import engine_hash
    from .course_folder import executed_path, placed_path, write_timestamp
    from .pipeline import autograde_and_judge, grader_hash

    if engine_hash() != hand_in.engine or grader_hash(hand_in.session) != hand_in.grader:
        raise WrongGrader(f"the worker {_worker_address()} runs another HaMLeT than the coordinator "
                          f"(engine {engine_hash()} vs {hand_in.engine}; {hand_in.session}'s grader differs: "
                          f"{grader_hash(hand_in.session) != hand_in.grader}): install the same checkout on every worker")
    scratch = _scratch_course(hand_in.session, hand_in.timeout)
    settings = scratch.settings(hand_in)
    placed = placed_path(scratch.root, hand_in.session, hand_in.student)
    placed.parent.mkdir(parents=True, exist_ok=True)
    placed.write_text(hand_in.notebook)
    write_timestamp(placed.parent, datetime.fromisoformat(hand_in.submitted_at) if hand_in.submitted_at else None)
    executed_path(scratch.root, hand_in.session, hand_in.student).unlink(missing_ok=True)  # a retry's leftover
    slot = scratch.take_slot(settings)
    try:
        begin = time.perf_counter()
        problems, outside = autograde_and_judge(settings, slot, hand_in.student, scratch.release, scratch.code_cells,
                                                threads_module.Event(), settings.budget)
        seconds = time.perf_counter() - begin
        if outside is None:  # only an interrupted run has none: never on a worker, but never credited either
            raise RuntimeError(f"the outside verdicts of {hand_in.student} were interrupted")
    finally:
        scratch.give_back(slot)
    executed = executed_path(scratch.root, hand_in.session, hand_in.student)
    log = settings.logs / f"{hand_in.student}.log"
    return GradedHandIn(hand_in.student, executed.read_text() if executed.exists() else None, outside, problems,
                        log.read_text() if log.exists() else "", round(seconds, 2), _worker_address())
