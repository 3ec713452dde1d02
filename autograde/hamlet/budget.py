"""The time budget of one submission: its kernel and its outside verdicts together.

No submission holds a grading slot longer than its budget.  The grading kernel gives
each cell at most what is left of it (and at most ``--timeout``); once a cell ran past
its time, the cells after it are not run in the kernel, each waiting in turn, but
judged by the outside verdicts in what is left (:mod:`hamlet.nbgrader_plugins`).  The
outside verdicts share the same deadline (:class:`hamlet.remote.RemoteWorker`).

By default the budget is :data:`REFERENCE_FACTOR` times the reference solution's own
grading time, plus :data:`MARGIN_SECONDS`.  The reference's time is measured here, the
way a class is graded: ``--jobs`` copies of the solution notebook graded at once into a
scratch course, through the same nbgrader, kernels, sandbox and outside verdicts.  The
measurement is kept in the user's cache (``HAMLET_CACHE``) for :data:`CACHE_DAYS` days,
per session, grader, engine, ``--jobs`` and machine; ``--budget SECONDS`` sets the budget
instead.  The reference must score full marks: if it does not, the grader itself is
broken, and the run says so.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hamlet_utils.mnist import cache_root

#: the budget is this many times the reference solution's grading time (a correct notebook written
#: unusually, e.g. with a loop over the samples, may train several times slower) ...
REFERENCE_FACTOR = 3.0
#: ... plus this (a kernel's start and nbgrader's bookkeeping vary by a few seconds)
MARGIN_SECONDS = 10.0
#: a measurement of the reference older than this is taken again (the machine's load changes)
CACHE_DAYS = 7
CACHE_FILE = "reference-grading-times.json"


@dataclass(frozen=True)
class Budget:
    """Seconds one submission may take, kernel and outside verdicts together (None: no bound),
    and where the number comes from, in words."""

    seconds: float | None
    why: str = ""

    @classmethod
    def unbounded(cls) -> "Budget":
        return cls(None, "no budget")

    @classmethod
    def given(cls, seconds: float) -> "Budget":
        if not seconds > 0 or math.isinf(seconds):
            raise ValueError(f"--budget must be a positive number of seconds, got {seconds!r}")
        return cls(float(seconds), "--budget")

    @classmethod
    def from_reference(cls, reference_seconds: float, where: str) -> "Budget":
        seconds = REFERENCE_FACTOR * reference_seconds + MARGIN_SECONDS
        return cls(round(seconds, 1), f"{REFERENCE_FACTOR:g} x {reference_seconds:.1f} s, the reference solution's "
                                      f"grading time ({where}), + {MARGIN_SECONDS:g} s")

    def deadline(self, start: float) -> float:
        """The ``time.monotonic()`` by which a submission started at ``start`` is done."""
        return math.inf if self.seconds is None else start + self.seconds

    def describe(self) -> str:
        if self.seconds is None:
            return "no time budget per notebook"
        return f"a budget of {self.seconds:g} s per notebook ({self.why})"


def engine_hash() -> str:
    """Of the grading engine's own code: a change of it may change the reference's time."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _cache_key(session: str, jobs: int, cluster: str | None = None) -> str:
    from .pipeline import grader_hash
    from .sandbox import bubblewrap

    where = (f"cluster={cluster}" if cluster else
             f"cpus={os.cpu_count()} sandbox={'bwrap' if bubblewrap() else 'none'}")
    return f"{session} grader={grader_hash(session)[:16]} engine={engine_hash()} jobs={jobs} {where}"


def _read_cache(path: Path) -> dict:
    try:
        cached = json.loads(path.read_text())
        return cached if isinstance(cached, dict) else {}
    except (OSError, ValueError):  # none yet, or unreadable: measured again
        return {}


def _write_cache(path: Path, cached: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(cached, indent=1, sort_keys=True) + "\n")
    os.replace(partial, path)


def _current(key: str, entry, now: datetime) -> bool:
    """A cached measurement still worth keeping: of this engine, and not older than CACHE_DAYS."""
    try:
        return f"engine={engine_hash()} " in key and now - datetime.fromisoformat(entry["measured"]) < timedelta(
            days=CACHE_DAYS)
    except (KeyError, TypeError, ValueError):
        return False


def measure_reference(session: str, jobs: int, timeout: int, cluster: str | None = None) -> tuple[float, list[str]]:
    """Grade ``jobs`` copies of the session's solution at once, without a budget, in a scratch
    course (on ``cluster``'s workers, when given); the slowest copy's seconds, and what was wrong
    with the reference's grades."""
    import nbformat

    from . import course, pipeline, run_state
    from .release import filled_in

    scratch = Path(tempfile.mkdtemp(prefix="hamlet-reference-"))
    try:
        submissions = scratch / "submissions"
        submissions.mkdir()
        # what a student who solved everything hands in: the release, the solution's code in it
        reference = filled_in(course.release_notebook(session), course.source_notebook(session))
        for number in range(max(1, jobs)):
            nbformat.write(reference, str(submissions / f"reference-{number + 1}.ipynb"))
        results = pipeline.grade(submissions, scratch / "out", sessions=[session], jobs=jobs, timeout=timeout,
                                 budget=Budget.unbounded(), log=lambda *line: None, cluster=cluster)
        state = run_state.load(scratch / "out")
        seconds = max(record.seconds for record in state.session(session).students.values())
        wrong = [f"{result.student}: {cell.grade_id} scored {cell.score:g} of {cell.max_score:g}"
                 for result in results for cell in result.cells
                 if not cell.manual and cell.score != cell.max_score]
        wrong += [f"{result.student}: {flag}" for result in results for flag in result.flags]
        return seconds, wrong
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def default_budget(session: str, jobs: int, timeout: int, log=print, cluster: str | None = None) -> Budget:
    """The budget from the reference's grading time here (on ``cluster``, as many copies at once as
    its workers have threads): cached, or measured now (and said so)."""
    if cluster:
        from . import cluster as dask_cluster

        jobs = max(1, sum(dask_cluster.connect(cluster).nthreads().values()))
    where = f"on the cluster {cluster}" if cluster else "here"
    path = cache_root() / CACHE_FILE
    key = _cache_key(session, jobs, cluster)
    cached = _read_cache(path)
    entry = cached.get(key)
    now = datetime.now(timezone.utc)
    try:
        fresh = entry is not None and now - datetime.fromisoformat(entry["measured"]) < timedelta(days=CACHE_DAYS)
        seconds = float(entry["seconds"]) if fresh else None
    except (KeyError, TypeError, ValueError):
        seconds = None
    if seconds is not None and seconds > 0:
        return Budget.from_reference(seconds, f"measured {where} at --jobs {jobs} on {entry['measured'][:10]}")
    log(f"{session}: measuring the time budget: grading {max(1, jobs)} copies of the reference solution "
        f"(once a week; --budget SECONDS skips this) ...")
    begin = time.perf_counter()
    seconds, wrong = measure_reference(session, jobs, timeout, cluster)
    for line in wrong[:5] + ([f"... and {len(wrong) - 5} more"] if len(wrong) > 5 else []):
        log(f"ERROR: the reference solution of {session} did not score full marks -- the grader itself is "
            f"broken: {line}")
    log(f"{session}: the reference solution graded in {seconds:.1f} s ({time.perf_counter() - begin:.0f} s "
        f"in all)")
    if not wrong:  # a broken grader's time is no measure: measured again next time
        cached = {name: entry for name, entry in _read_cache(path).items() if _current(name, entry, now)}
        cached[key] = {"seconds": round(seconds, 2), "measured": now.isoformat(timespec="seconds")}
        try:
            _write_cache(path, cached)
        except OSError as error:
            log(f"warning: could not keep the reference's grading time in {path}: {error}")
    return Budget.from_reference(seconds, f"measured {where} at --jobs {jobs} just now")
