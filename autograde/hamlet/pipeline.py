"""Grade a course's hand-ins, session by session, with nbgrader, in parallel, and report.

``OUT`` is the course: one nbgrader course folder and one gradebook for every session,
graded again and again over the semester.  A run (:func:`grade`) backs the gradebook up
(hamlet.backups), then for each session (:class:`ClassGrading`)::

    prepare          collect the hand-ins (hamlet.submissions); keep every one graded before
                     from the same notebook (content hash, hamlet.run_state), unless named
                     with --student or --force; place the others in the course folder
                     (hamlet.course_folder), test cells checked, while the slots start
    grade_students   per student, in N slots: ``nbgrader autograde`` in the slot's nbgrader
                     (hamlet.nbgrader_server) beside the outside verdicts (hamlet.verdicts);
                     then at once the outside scores replace nbgrader's and the tutors'
                     grades of unchanged answers stand (hamlet.gradebook); a task the outside
                     verdicts could not judge scores 0 "to review", never the notebook's
                     score; the state saved.  With ``--cluster`` each student is a task on
                     Dask workers instead (hamlet.cluster), each grading in a scratch course
                     of its own; the results are written here, as they come, the same way

and last the course's outputs (hamlet.outputs): late penalties (hamlet.course_file), the
feedback of every student whose totals changed (hamlet.feedback), grades.csv, totals.csv,
the course overview and each session's tutor page.

No submission holds a slot longer than its time budget (:mod:`hamlet.budget`), its
kernel and its outside verdicts together: by default three times the reference solution's
own grading time here, plus a margin; ``--budget`` sets it.

During grading every training run is capped at the epochs the session's declaration
gives (``grading_epochs``, the same for every student, so grades are reproducible);
the declaration's accuracy thresholds are those of that budget.

Student code runs only in sandboxed processes (:mod:`hamlet.sandbox`): nbgrader's
kernels through the kernel spec of :mod:`hamlet.kernel_launcher`, the outside
verdicts' workers through :mod:`hamlet.remote`.  Progress is saved after every
student: a run stopped at any point resumes when started again, and whatever a person
entered in the gradebook (manual grades, comments) is never removed.
"""

from __future__ import annotations

import math
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import backups, course, course_file, gradebook, nbgrader_server, outputs, run_state, sandbox, slots, trained, \
    verdicts
from . import cluster
from .budget import Budget, default_budget, engine_hash
from .cluster_worker import GradedHandIn, HandIn
from .course_folder import executed_notebook, place_submission, placed_path, trained_folder, write_course
from .declaration import Declaration
from .execute import timed_out_cells
from .kernel_launcher import RuntimeFolder
from .nbgrader_commands import RUNNING, end_everything, nbgrader_environment, run_nbgrader
from .outside_program import autograded_tasks
from .results import StudentResult
from .run_state import CourseState, StudentRecord, content_hash
from .submissions import collect_submissions, sessions_in
from .suspicious import suspicious_code

#: the outside verdicts' time limits, as a multiple of the kernel's cell timeout
OUTSIDE_TIME_FACTOR = 1.5


@dataclass(frozen=True)
class GradingSettings:
    """The settings of one grading run."""

    submissions: Path  # folder or zip, resolved
    out: Path  # output folder, resolved
    declaration: Declaration
    jobs: int = 2  # grading slots
    timeout: int = 120  # seconds per notebook cell
    students: tuple = ()  # --student: grade these again, and no one else
    force: bool = False  # --force: grade everyone again (tutors' grades of unchanged answers stay)
    timezone: object = None  # the course file's, for LMS times written without one
    budget: Budget | None = None  # seconds per notebook, kernel and outside verdicts (None: from the reference)
    cluster: str | None = None  # --cluster: a Dask scheduler's address or file (hamlet.cluster); None: local slots
    blas_threads: int | None = None  # of each kernel; None: the cores shared among the slots

    @property
    def session(self) -> str:
        return self.declaration.name

    @property
    def slots(self) -> int:
        return max(1, self.jobs)

    @property
    def threads(self) -> int:
        """BLAS threads of each slot's kernel: parallel graders that each start one per core
        slow each other down many times over."""
        return self.blas_threads or max(1, (os.cpu_count() or 1) // self.slots)

    @property
    def outside_timeout(self) -> float:
        # the outside verdict is the one that counts: on a shared machine it gets half as long again
        return OUTSIDE_TIME_FACTOR * self.timeout

    @property
    def course(self) -> Path:
        return self.out / "course"

    @property
    def logs(self) -> Path:
        return self.out / "logs" / self.session

    @property
    def pages(self) -> Path:
        """The session's tutor page and feedback."""
        return self.out / self.session


@dataclass(frozen=True)
class Slot:
    """One grading slot: its number (which picks its sandbox users, leased machine-wide), its
    nbgrader process and that process's runtime folder (its kernels' connection files and sockets)."""

    number: int
    server: nbgrader_server.Server
    runtime: RuntimeFolder
    lease: slots.SlotLease | None = None

    @classmethod
    def start(cls, settings: GradingSettings, lease: slots.SlotLease) -> "Slot":
        """The slot of ``lease``, its nbgrader starting in the background (nbgrader's import while the
        assignment is made: no student waits for it)."""
        runtime = RuntimeFolder(lease.number)
        environment = nbgrader_environment(settings.course, settings.declaration, settings.threads, lease.number,
                                           runtime.path)
        server = nbgrader_server.Server(settings.course, environment,
                                        settings.logs / f"nbgrader-slot{lease.number}.log", RUNNING)
        server.warm_up()
        return cls(lease.number, server, runtime, lease)

    def shutdown(self, log=print) -> None:
        """End the slot's nbgrader, remove its runtime folder, give its number back (idempotent)."""
        self.server.shutdown()
        try:
            self.runtime.remove()
        except OSError as error:  # the grades are saved: say so, and end the run as it would have
            log(f"warning: could not remove the runtime folder {self.runtime.path} of grading slot "
                f"{self.number}: {error}")
        if self.lease is not None:
            self.lease.release()


# ----------------------------------------------------------------------------- one student

def autograde_student(settings: GradingSettings, slot: Slot, student: str, cells: int, budget: Budget,
                      deadline: float) -> list[str]:
    """``nbgrader autograde`` one student through the slot's nbgrader, its kernel's cells bounded by
    ``deadline`` (``time.monotonic()``, the same clock in every process here); flags about what went wrong."""
    # every cell may time out once, or the budget is used up; plus nbgrader's own work and the kernel's start
    limit = min(settings.timeout * cells, budget.seconds or math.inf) + 120
    folder = trained_folder(settings.course, settings.session, student)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        slot.runtime.empty()  # the previous student's kernel could write there: nothing of it reaches this one's
    except OSError as error:
        return [f"grading failed: hamlet: the runtime folder of grading slot {slot.number} could not be emptied "
                f"({error})"]
    # where the kernel leaves its trained networks (hamlet.trained)
    answer = slot.server.request(limit, command="autograde", session=settings.session, student=student,
                                 environment={"HAMLET_TRAINED_DIR": str(folder),
                                              **deadline_environment(budget, deadline)})
    output = "\n".join(part for part in (answer.get("log"), answer.get("error")) if part)
    (settings.logs / f"{student}.log").write_text(output + "\n")
    where = settings.logs.relative_to(settings.out) / f"{student}.log"
    if not answer.get("success"):
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        # the exception nbgrader logged, not its "see the above traceback" summary
        causes = [line for line in lines if re.match(r"[\w.]+(Error|Exception|Exit)\b.*:", line)
                  or line.startswith("hamlet: ")]
        return [f"grading failed: {(causes or lines or ['no output'])[-1][:200]} -- see {where}"]
    return []


def deadline_environment(budget: Budget, deadline: float) -> dict:
    """What tells :class:`hamlet.nbgrader_plugins.RecoveringExecute` the notebook's deadline."""
    if budget.seconds is None:
        return {"HAMLET_DEADLINE": "", "HAMLET_BUDGET": ""}
    return {"HAMLET_DEADLINE": repr(deadline), "HAMLET_BUDGET": f"{budget.seconds:g}"}


def judge_outside(settings: GradingSettings, slot: int, student: str, release, left=None,
                  deadline: float = math.inf) -> dict:
    """The outside verdicts of one student, as saved in the run state; ``left()`` returns the
    trained networks the kernel left (see :func:`hamlet.verdicts.outside_verdicts`)."""
    declaration = settings.declaration
    submission = nbformat.read(str(placed_path(settings.course, settings.session, student)), as_version=4)
    result = verdicts.outside_verdicts(release, submission, declaration, timeout=settings.outside_timeout,
                                       slot=slot, left=left, deadline=deadline)
    return {"verdicts": {task: [verdict.passed, verdict.message] for task, verdict in result.verdicts.items()},
            # beside the verdicts, not in them: readers of [passed, message] stay as they are
            "codes": {task: verdict.code for task, verdict in result.verdicts.items() if verdict.code},
            "hidden": sorted(task for task, verdict in result.verdicts.items() if verdict.hidden),
            "review": {task: verdict.review for task, verdict in result.verdicts.items() if verdict.review},
            "problems": result.problems, "seconds": round(result.seconds, 2),
            "trained_in_kernel": result.trained_in_kernel,
            "suspicious": suspicious_code(submission, release, declaration.guarded_names)}


def not_judged_facts(settings: GradingSettings, student: str, release, error: BaseException) -> dict:
    """The outside facts when the outside verdicts failed as a whole: every autograded task
    scores 0 and waits for a tutor's review -- the in-notebook scores never count."""
    why = f"the outside verdicts failed ({type(error).__name__}: {str(error)[:300]})"
    tasks = autograded_tasks(release)
    try:
        submission = nbformat.read(str(placed_path(settings.course, settings.session, student)), as_version=4)
        findings = suspicious_code(submission, release, settings.declaration.guarded_names)
    except Exception:  # noqa: BLE001 -- the scan is extra; the scores are already closed
        findings = []
    return {"verdicts": {task: [False, f"could not be judged: {why}"] for task in tasks},
            "codes": {}, "review": {task: why for task in tasks}, "problems": [], "seconds": 0.0,
            "trained_in_kernel": False, "suspicious": findings}


def autograde_and_judge(settings: GradingSettings, slot: Slot, student: str, release, cells: int,
                        interrupted: threading.Event, budget: Budget) -> tuple[list, dict | None]:
    """nbgrader's autograde and the outside verdicts of one student, side by side: the
    outside verdicts' definition and step tasks need no kernel, their training tasks wait
    for the networks the kernel leaves.  Returns the flags and the outside facts; when the
    outside verdicts failed, facts that judge every task "to review" (scored 0), and None
    only when the run was interrupted (the student is then graded next time).  Both share the
    deadline of ``budget``."""
    deadline = budget.deadline(time.monotonic())
    autograded = threading.Event()
    outcome: dict = {}

    def left() -> dict:
        autograded.wait()
        if interrupted.is_set():
            raise sandbox.Stopped("grading was interrupted")
        folder = trained_folder(settings.course, settings.session, student)
        executed = executed_notebook(settings.course, settings.session, student)
        return verdicts.KernelLeft(
            {name: trained.load(trained.file_for(folder, name), settings.declaration.layers)
             for name in settings.declaration.histories},
            frozenset(timed_out_cells(executed)) if executed is not None else frozenset())

    def judge():
        try:
            outcome["facts"] = judge_outside(settings, slot.number, student, release, left, deadline)
        except Exception as error:  # noqa: BLE001 -- reported below
            outcome["error"] = error
    judging = threading.Thread(target=judge, name=f"outside-{student}", daemon=True)
    judging.start()
    try:
        problems = autograde_student(settings, slot, student, cells, budget, deadline)
    finally:
        autograded.set()
    judging.join()
    if "error" in outcome:  # ours, not the student's: loudly, and nothing is credited from the notebook
        error = outcome["error"]
        if interrupted.is_set():
            return problems, None
        problems.append(f"ERROR: the outside verdicts failed ({type(error).__name__}: {str(error)[:200]}); "
                        f"every autograded task scores 0 until a tutor reviews it")
        return problems, not_judged_facts(settings, student, release, error)
    return problems, outcome.get("facts")


# ----------------------------------------------------------------------------- the class

def grader_hash(session: str) -> str:
    """Of what a session's grades come from: its notebook, declaration and hidden tests."""
    from .declaration import code_files

    files = [course.source_notebook(session), *(path for path in code_files(session) if path.name != "example_class.py")]
    return content_hash(b"\0".join(path.read_bytes() for path in files))


class ClassGrading:
    """One session's part of a run: :meth:`prepare`, then :meth:`grade_students`."""

    def __init__(self, settings: GradingSettings, state: CourseState, log=print):
        self.settings, self.state, self.log = settings, state, log
        self.record = state.session(settings.session)
        self.run = state.current_run
        self.slots: dict = {}  # number -> Slot
        self.release = None
        self.grader = grader_hash(settings.session)
        self.source = nbformat.read(str(course.source_notebook(settings.session)), as_version=4)
        self.code_cells = sum(cell.cell_type == "code" for cell in self.source.cells)
        self._lock = threading.Lock()
        self._free: queue.Queue = queue.Queue()
        self.interrupted = threading.Event()
        self.budget: Budget = settings.budget or Budget.unbounded()  # the default is measured in prepare
        self.adopter: nbgrader_server.Server | None = None  # on a cluster: the nbgrader that adopts the workers' runs
        self.scratch: Path | None = None

    def save(self) -> None:
        run_state.save(self.settings.out, self.state)

    # ---------------------------------------------------------------- prepare

    def _start_slots(self) -> None:
        settings = self.settings
        if settings.cluster:  # the workers execute; this nbgrader only saves their runs' grades (AdoptExecution)
            environment = dict(nbgrader_environment(settings.course, settings.declaration),
                               HAMLET_EXECUTED_ELSEWHERE="1")
            self.adopter = nbgrader_server.Server(settings.course, environment, settings.logs / "nbgrader-adopt.log",
                                                  RUNNING)
            self.adopter.warm_up()
            return
        for lease in slots.take(self.settings.slots):
            self.slots[lease.number] = Slot.start(self.settings, lease)
            self._free.put(lease.number)

    def _release(self) -> None:
        """The session's assignment in the gradebook and course folder: made again only when its
        notebook changed or it is not there (nbgrader keeps every submission and grade)."""
        settings = self.settings
        released = settings.course / "release" / settings.session / f"{settings.session}.ipynb"
        if not released.exists() or self.record.grader_hash != self.grader:
            run_nbgrader(settings.course, settings.declaration, "generate_assignment", settings.session, "--force")
            self.record.grader_hash = self.grader
        self.release = nbformat.read(str(released), as_version=4)

    def _wanted(self, student: str, previous: StudentRecord | None, digest: str | None, everyone: bool) -> str | None:
        """Why ``student``'s hand-in is graded in this run (None: kept as graded before)."""
        if self.settings.students:
            return "named" if student in self.settings.students else None
        if previous is None:
            return "new"
        if not previous.done:
            return "not graded yet"
        if everyone:
            return "forced"
        return "changed" if digest != previous.notebook_hash else None

    def prepare(self, scratch: Path) -> list[str]:
        """The hand-ins collected and compared with what was graded; the students to grade, placed."""
        settings, students = self.settings, self.record.students
        submissions = collect_submissions(settings.submissions, settings.session, scratch, timezone=settings.timezone)
        unknown = sorted(set(settings.students) - {submission.student for submission in submissions})
        if unknown:
            raise ValueError(f"--student {', '.join(unknown)}: no hand-in of {settings.session} in "
                             f"{settings.submissions}")
        settings.logs.mkdir(parents=True, exist_ok=True)
        everyone = settings.force or bool(self.record.grader_hash and self.record.grader_hash != self.grader)
        if everyone and not settings.force and not settings.students:
            self.log(f"{settings.session}: its notebook, declaration or hidden tests changed since the last run: "
                     f"every hand-in is graded again")
        self.record.submissions = str(settings.submissions)
        plan: dict = {}
        for submission in submissions:
            digest = content_hash(submission.notebook.read_bytes()) if submission.notebook else None
            reason = self._wanted(submission.student, students.get(submission.student), digest, everyone)
            if reason:
                plan[submission.student] = (submission, digest, reason)
            elif students[submission.student].submitted_at is None and submission.submitted_at is not None:
                students[submission.student].submitted_at = submission.submitted_at.isoformat()
                students[submission.student].time_source = submission.time_source
        kept = sorted(set(students) - set(plan))
        reasons = [reason for _, _, reason in plan.values()]
        self.log(f"{settings.session}: {len(submissions)} hand-ins; {len(plan)} to grade"
                 + "".join(f", {reasons.count(reason)} {reason}" for reason in dict.fromkeys(reasons))
                 + f"; {len(kept)} kept as graded before")
        if not plan:
            self.save()
            return []
        self.scratch = scratch
        if settings.budget is None:  # before this run's slots start: the reference is graded in slots of its own
            self.budget = default_budget(settings.session, settings.slots, settings.timeout, self.log,
                                         cluster=settings.cluster)
        self.run.setdefault("budgets", {})[settings.session] = self.budget.seconds  # what this run's grades had
        self._start_slots()
        self._release()
        gradable = []
        for student, (submission, digest, reason) in plan.items():
            previous = students.get(student)
            flags, answers = (place_submission(settings.course, settings.session, submission, self.release)
                              if submission.notebook else ([submission.problem], None))
            if answers is None and previous is not None and previous.done:
                previous.flag(f"a newer hand-in could not be graded ({'; '.join(filter(None, flags))[:200]}); "
                              f"the grades of the one graded before are kept")
                continue
            record = StudentRecord(flags=[flag for flag in flags if flag], notebook_hash=digest, answers=answers or {},
                                   run=self.run["number"], time_source=submission.time_source,
                                   submitted_at=submission.submitted_at.isoformat() if submission.submitted_at else None)
            record.unchanged = self._unchanged_answers(previous, record.answers)
            students[student] = record
            if answers is None:  # nothing to grade: recorded as it is
                self._recorded(student, record)
            else:
                gradable.append(student)
        self.save()
        return gradable

    @staticmethod
    def _unchanged_answers(previous: StudentRecord | None, answers: dict) -> list:
        """The graded cells whose answers are those of the notebook graded last (a tutor's grade of
        them stands); through a run that stopped before grading, relative to the one before it."""
        if previous is None:
            return []
        if previous.done:
            return sorted(grade_id for grade_id, digest in answers.items() if previous.answers.get(grade_id) == digest)
        return sorted(grade_id for grade_id in previous.unchanged
                      if answers.get(grade_id) == previous.answers.get(grade_id))

    def _recorded(self, student: str, record: StudentRecord) -> None:
        record.done, record.graded_at, record.run = True, run_state.now(), self.run["number"]
        self.run["graded"].setdefault(self.settings.session, []).append(student)

    # ---------------------------------------------------------------- grade

    def _into_gradebook(self, student: str, record: StudentRecord, outside: dict | None) -> None:
        """The outside verdicts replace nbgrader's scores; tutors' grades of unchanged answers stand."""
        settings = self.settings
        record.flag(*gradebook.apply_outside_verdicts(settings.out, settings.session, student, outside, self.source))
        again = gradebook.keep_manual_grades(settings.out, settings.session, student, set(record.unchanged))
        record.regrade = again  # the tutor page says so until a tutor grades them again
        executed = executed_notebook(settings.course, settings.session, student)
        if executed is not None:
            record.flag(*outputs.execution_flags(executed))

    def _record_graded(self, student: str, problems: list, outside: dict, seconds: float, where: str = "") -> None:
        """One student's grading into the gradebook and the run state, saved."""
        with self._lock:
            record = self.record.students[student]
            record.flags.extend(problems)
            record.flags.extend(outside["suspicious"])
            record.flags.extend(f"outside: {problem}" for problem in outside["problems"])
            self._into_gradebook(student, record, outside)
            record.outside, record.seconds = outside, seconds
            self._recorded(student, record)
            self.save()
        self.log(f"  graded {student} in {seconds:.0f} s{where}"
                 f" (outside verdicts {outside['seconds']:.0f} s)"
                 f"{' -- ' + problems[0] if problems else ''}")

    def grade_student(self, student: str) -> None:
        """Grade one student in the next free slot and record it (unless the run was interrupted)."""
        number = self._free.get()
        try:
            if self.interrupted.is_set():
                return
            begin = time.perf_counter()
            problems, outside = autograde_and_judge(self.settings, self.slots[number], student, self.release,
                                                    self.code_cells, self.interrupted, self.budget)
            seconds = time.perf_counter() - begin
            if self.interrupted.is_set() or outside is None:  # killed by Ctrl-C, not by the student: graded next time
                return
            self._record_graded(student, problems, outside, seconds)
        finally:
            self._free.put(number)

    # ---------------------------------------------------------------- grade on a Dask cluster

    def _hand_in(self, student: str) -> HandIn:
        settings = self.settings
        return HandIn(settings.session, student, placed_path(settings.course, settings.session, student).read_text(),
                      self.record.students[student].submitted_at, self.grader, engine_hash(), settings.timeout,
                      self.budget.seconds, self.budget.why)

    def _adopt(self, graded: GradedHandIn) -> None:
        """A worker's grading of one student into this course: nbgrader saves its run's grades
        (:class:`hamlet.nbgrader_plugins.AdoptExecution`), then as a local grading."""
        settings, student = self.settings, graded.student
        (settings.logs / f"{student}.log").write_text(graded.log)
        problems = list(graded.problems)
        if graded.executed is not None:
            executed = self.scratch / f"executed-{settings.session}-{student}.ipynb"
            executed.write_text(graded.executed)
            answer = self.adopter.request(300, command="autograde", session=settings.session, student=student,
                                          environment={"HAMLET_EXECUTED": str(executed)})
            executed.unlink(missing_ok=True)
            if not answer.get("success"):
                (settings.logs / f"{student}.adopt.log").write_text(f"{answer.get('log', '')}\n{answer.get('error', '')}\n")
                problems.append(f"grading failed: the worker's run could not be saved in the gradebook -- see "
                                f"{settings.logs.relative_to(settings.out)}/{student}.adopt.log")
        self._record_graded(student, problems, graded.outside, graded.seconds, f" on {graded.worker}")

    def _grade_on_cluster(self, gradable: list[str]) -> None:
        """Every gradable student as a task on the cluster; the results written here, as they come."""
        client = cluster.connect(self.settings.cluster)
        futures = cluster.submit(client, [self._hand_in(student) for student in gradable], self.run["number"])
        failed = []
        try:
            for student, graded, error in cluster.results(client, futures):
                if error is not None:  # nothing is credited: the next run grades them
                    failed.append(student)
                    self.log(f"ERROR: {student} could not be graded on the cluster ({type(error).__name__}: "
                             f"{str(error)[:300]}); run the same command again to grade them")
                    continue
                self._adopt(graded)
        except KeyboardInterrupt:
            self.interrupted.set()
            cluster.cancel(client, futures)
            raise
        if failed:
            self.run.setdefault("not_graded", {})[self.settings.session] = failed
            self.save()

    def grade_students(self, gradable: list[str]) -> None:
        """Every gradable student, ``jobs`` at a time; Ctrl-C ends every process and says how to resume."""
        settings = self.settings
        if not gradable:
            return
        where = f"on the Dask cluster {settings.cluster}" if settings.cluster else f"with {settings.jobs} worker(s)"
        self.log(f"grading {len(gradable)} notebooks {where}, {settings.timeout} s per cell, "
                 f"{self.budget.describe()}, {settings.declaration.grading_epochs} epochs per training run ...")
        pool = ThreadPoolExecutor(max_workers=settings.slots)
        try:
            if settings.cluster:
                self._grade_on_cluster(gradable)
            else:
                list(pool.map(self.grade_student, gradable))
        except KeyboardInterrupt:
            self.interrupted.set()
            end_everything()
            pool.shutdown(wait=True, cancel_futures=True)
            left = sum(not record.done for record in self.record.students.values())
            graded = len(self.run["graded"].get(settings.session, []))
            self.log(f"interrupted: {graded} students graded in this run and saved, {left} still to grade; "
                     f"run the same command again to grade the rest")
            raise
        finally:
            self.shutdown()
        pool.shutdown()

    def shutdown(self) -> None:
        """End every slot's nbgrader, remove its runtime folder and give its number back (idempotent)."""
        for slot in self.slots.values():
            slot.shutdown(self.log)
        if self.adopter is not None:
            self.adopter.shutdown()


# ----------------------------------------------------------------------------- the course

def sessions_to_grade(submissions, named=None) -> list[str]:
    """The sessions named, or every session a folder of the nbgrader layout holds, or the one
    the hand-ins are for (:func:`hamlet.course.session_of`)."""
    if named:
        return course.known_sessions(named)
    found = sessions_in(submissions, course.sessions()) if Path(submissions).is_dir() else []
    return found or [course.session_of(submissions)]


def load_state(out: Path, log) -> CourseState:
    """The course's grading state; an unreadable one is set aside (never deleted) and every
    hand-in graded again, the gradebook and its manual grades kept."""
    try:
        return run_state.load(out) or CourseState()
    except run_state.BrokenState as error:
        aside = out / f"{run_state.RUN_FILE}.unreadable-{time.strftime('%Y%m%dT%H%M%S')}"
        os.replace(out / run_state.RUN_FILE, aside)
        log(f"warning: {error}; set aside as {aside.name}: every hand-in is graded again "
            f"(the gradebook and its manual grades are kept)")
        return CourseState()


def grade(submissions_path, out, sessions=None, jobs: int = 2, timeout: int = 120, students=(), force: bool = False,
          course_file_path=None, log=print, budget: Budget | float | None = None,
          cluster: str | None = None) -> list[StudentResult]:
    """Grade the hand-ins in ``submissions_path`` into the course in ``out``; write every output.

    ``sessions``: a name or a list of names; by default every session the hand-ins hold.
    Hand-ins graded before from the same notebook are kept (``students`` names the ones to grade
    again, ``force`` grades everyone again).  ``budget``: seconds per notebook, kernel and outside
    verdicts together (a number, a :class:`hamlet.budget.Budget`, or None: from the reference
    solution's grading time, see :mod:`hamlet.budget`).  ``cluster``: a Dask scheduler's address or
    file; each hand-in is then graded as a task on its workers (:mod:`hamlet.cluster`), not in
    ``jobs`` local slots.  Returns one StudentResult per student and session of the course, in
    session and student order.
    """
    if budget is not None and not isinstance(budget, Budget):
        budget = Budget.given(budget)
    if isinstance(sessions, str):
        sessions = [sessions]
    sessions = sessions_to_grade(submissions_path, sessions)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    run = RunSettings(Path(submissions_path).resolve(), out, tuple(sessions), jobs, timeout, tuple(students), force,
                      course_file_path, budget, cluster)
    with run_state.exclusive(out):
        return _grade(run, log)


@dataclass(frozen=True)
class RunSettings:
    """The settings of one ``hamlet grade`` run, over all its sessions (each session's part:
    :class:`GradingSettings`)."""

    submissions: Path  # folder or zip, resolved
    out: Path  # the course, resolved
    sessions: tuple  # the sessions to grade, in order
    jobs: int = 2
    timeout: int = 120
    students: tuple = ()
    force: bool = False
    course_file: object = None  # --course-file, or None: the course's own or the one used last
    budget: Budget | None = None  # None: from the reference solution's grading time
    cluster: str | None = None  # a Dask scheduler's address or file; None: local slots

    def session(self, session: str, timezone) -> GradingSettings:
        return GradingSettings(self.submissions, self.out, course.declaration(session), self.jobs, self.timeout,
                               self.students, self.force, timezone, self.budget, self.cluster)


def _grade(run_settings: RunSettings, log) -> list[StudentResult]:
    out, sessions = run_settings.out, list(run_settings.sessions)
    backup = backups.back_up(out)  # before anything writes to the gradebook
    if backup:
        log(f"gradebook backed up to {backup.relative_to(out)}")
    state = load_state(out, log)
    courses_file = course_file.find(out, run_settings.course_file, state.course_file)
    state.course_file = str(Path(courses_file.path).resolve()) if courses_file.path else None
    state.protections = sandbox.describe()
    if run_settings.cluster:  # the workers run student code: theirs are the protections in force
        workers = cluster.check_workers(cluster.connect(run_settings.cluster), sessions, run_settings.cluster)
        state.protections = workers.protections
        log(f"cluster {run_settings.cluster}: {workers.count} workers, {workers.threads} threads")
    state.begin_run()
    run_state.save(out, state)
    start = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="hamlet-grade-"))
    sandbox.allow_starts()
    for line in state.protections:
        log(f"sandbox: {line}")
    write_course(out, sessions, run_settings.timeout)
    try:
        for session in sessions:
            run = ClassGrading(run_settings.session(session, courses_file.timezone), state, log)
            try:
                run.grade_students(run.prepare(scratch))
            finally:
                run.shutdown()  # already, unless preparing failed
        for session in sessions:
            for warning in courses_file.unmatched_extensions(session, state.session(session).students):
                log(f"warning: {warning}")
        state.current_run["finished"] = run_state.now()
        run_state.save(out, state)
        results = outputs.report(out, courses_file)
        graded = {session: names for session, names in state.current_run["graded"].items() if names}
        log(f"graded {sum(map(len, graded.values()))} hand-ins in {time.perf_counter() - start:.0f} s"
            + "".join(f"; {session}: {', '.join(sorted(names))}" for session, names in graded.items())
            + f"; kept {sum(result.session in sessions for result in results) - sum(map(len, graded.values()))}"
              f" as graded before")
        for line in outputs.review_summary([result for result in results if result.session in sessions]):
            log(line)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
