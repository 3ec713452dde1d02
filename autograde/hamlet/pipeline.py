"""Grade a class's submissions of a session with nbgrader, in parallel, and report.

The phases of one run (:class:`ClassGrading`), each a small step of its own module::

    prepare          collect the submissions (hamlet.submissions); the course folder and its
                     gradebook entries, made while the slots' nbgrader processes start
                     (hamlet.course_folder); each student's notebook placed, test cells checked
    grade_students   per student, in N slots: ``nbgrader autograde`` in the slot's nbgrader
                     (hamlet.nbgrader_server) beside the outside verdicts (hamlet.verdicts);
                     the run state saved after each student (hamlet.run_state)
    finish           the outside scores replace nbgrader's in the gradebook (hamlet.gradebook);
                     feedback; grades.csv, totals.csv, report.html (hamlet.outputs)

During grading every training run is capped at the epochs the session's declaration
gives (``grading_epochs``, the same for every student, so grades are reproducible);
the declaration's accuracy thresholds are those of that budget.

Student code runs only in sandboxed processes (:mod:`hamlet.sandbox`): nbgrader's
kernels through the kernel spec of :mod:`hamlet.kernel_launcher`, the outside
verdicts' workers through :mod:`hamlet.remote`.  Progress is saved after every
student: a run stopped with Ctrl-C resumes when started again with the same
submissions and output folder.
"""

from __future__ import annotations

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

from . import course, nbgrader_server, outputs, run_state, sandbox, trained, verdicts
from .course_folder import executed_notebook, executed_path, place_submission, trained_folder, write_course
from .declaration import Declaration
from .execute import timed_out_cells
from .gradebook import apply_outside_verdicts
from .nbgrader_commands import RUNNING, end_everything, nbgrader_environment, run_nbgrader
from .results import StudentResult
from .run_state import RunState, StudentRecord
from .submissions import collect_submissions
from .suspicious import suspicious_code

#: the outside verdicts' time limits, as a multiple of the kernel's cell timeout
OUTSIDE_TIME_FACTOR = 1.5
#: what a run that does not resume starts without (manual grades go with the gradebook: issue #11)
STALE_OUTPUTS = ("gradebook.db", "grades.csv", "totals.csv", "report.html", run_state.RUN_FILE)


@dataclass(frozen=True)
class GradingSettings:
    """The settings of one grading run."""

    submissions: Path  # folder or zip, resolved
    out: Path  # output folder, resolved
    declaration: Declaration
    jobs: int = 2  # grading slots
    timeout: int = 120  # seconds per notebook cell

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
        return max(1, (os.cpu_count() or 1) // self.slots)

    @property
    def outside_timeout(self) -> float:
        # the outside verdict is the one that counts: on a shared machine it gets half as long again
        return OUTSIDE_TIME_FACTOR * self.timeout

    @property
    def course(self) -> Path:
        return self.out / "course"

    @property
    def logs(self) -> Path:
        return self.out / "logs"


@dataclass(frozen=True)
class Slot:
    """One grading slot: its number (which picks its sandbox users) and its nbgrader process."""

    number: int
    server: nbgrader_server.Server


# ----------------------------------------------------------------------------- one student

def autograde_student(settings: GradingSettings, server: nbgrader_server.Server, student: str,
                      cells: int) -> list[str]:
    """``nbgrader autograde`` one student through the slot's nbgrader; flags about what went wrong."""
    limit = settings.timeout * cells + 300  # every cell may time out once, plus kernel start-up
    folder = trained_folder(settings.course, student)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # where the kernel leaves its trained networks (hamlet.trained)
    answer = server.request(limit, command="autograde", session=settings.session, student=student,
                            environment={"HAMLET_TRAINED_DIR": str(folder)})
    output = "\n".join(part for part in (answer.get("log"), answer.get("error")) if part)
    (settings.logs / f"{student}.log").write_text(output + "\n")
    if not answer.get("success"):
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        # the exception nbgrader logged, not its "see the above traceback" summary
        causes = [line for line in lines if re.match(r"[\w.]+(Error|Exception|Exit)\b.*:", line)
                  or line.startswith("hamlet: ")]
        return [f"grading failed: {(causes or lines or ['no output'])[-1][:200]} -- see logs/{student}.log"]
    return []


def judge_outside(settings: GradingSettings, slot: int, student: str, release, left=None) -> dict:
    """The outside verdicts of one student, as saved in the run state; ``left()`` returns the
    trained networks the kernel left (see :func:`hamlet.verdicts.outside_verdicts`)."""
    session, declaration = settings.session, settings.declaration
    path = settings.course / "submitted" / student / session / f"{session}.ipynb"
    submission = nbformat.read(str(path), as_version=4)
    result = verdicts.outside_verdicts(release, submission, declaration, timeout=settings.outside_timeout,
                                       slot=slot, threads=settings.threads, left=left)
    return {"verdicts": {task: [verdict.passed, verdict.message] for task, verdict in result.verdicts.items()},
            "problems": result.problems, "seconds": round(result.seconds, 2),
            "trained_in_kernel": result.trained_in_kernel,
            "suspicious": suspicious_code(submission, release, declaration.guarded_names)}


def autograde_and_judge(settings: GradingSettings, slot: Slot, student: str, release, cells: int,
                        interrupted: threading.Event) -> tuple[list, dict | None]:
    """nbgrader's autograde and the outside verdicts of one student, side by side: the
    outside verdicts' definition and step tasks need no kernel, their training tasks wait
    for the networks the kernel leaves.  Returns the flags and the outside facts (None when
    the outside verdicts failed, which the flags then say)."""
    autograded = threading.Event()
    outcome: dict = {}

    def left() -> dict:
        autograded.wait()
        if interrupted.is_set():
            raise sandbox.Stopped("grading was interrupted")
        folder = trained_folder(settings.course, student)
        executed = executed_notebook(settings.course, settings.session, student)
        return verdicts.KernelLeft(
            {name: trained.load(trained.file_for(folder, name), settings.declaration.layers)
             for name in settings.declaration.histories},
            frozenset(timed_out_cells(executed)) if executed is not None else frozenset())

    def judge():
        try:
            outcome["facts"] = judge_outside(settings, slot.number, student, release, left)
        except Exception as error:  # noqa: BLE001 -- reported below
            outcome["error"] = error
    judging = threading.Thread(target=judge, name=f"outside-{student}", daemon=True)
    judging.start()
    try:
        problems = autograde_student(settings, slot.server, student, cells)
    finally:
        autograded.set()
    judging.join()
    if "error" in outcome:  # our failure, not the student's: say so loudly
        error = outcome["error"]
        problems.append(f"outside verdicts failed ({type(error).__name__}: {error}); the in-notebook scores stand")
    return problems, outcome.get("facts")


# ----------------------------------------------------------------------------- the class

class ClassGrading:
    """One grading run over a class: :meth:`prepare`, :meth:`grade_students`, :meth:`finish`."""

    def __init__(self, settings: GradingSettings, log=print):
        self.settings, self.log = settings, log
        self.state: RunState | None = None
        self.resuming = False
        self.slots: dict = {}  # number -> Slot
        self.release = None
        self.source = nbformat.read(str(course.source_notebook(settings.session)), as_version=4)
        self.code_cells = sum(cell.cell_type == "code" for cell in self.source.cells)
        self._lock = threading.Lock()
        self._free: queue.Queue = queue.Queue()
        self.interrupted = threading.Event()

    # ---------------------------------------------------------------- prepare

    def _start_afresh_or_resume(self) -> None:
        settings = self.settings
        previous = run_state.load(settings.out)
        self.resuming = bool(previous and previous.resumes(settings.session, str(settings.submissions))
                             and (settings.out / "gradebook.db").exists())
        if self.resuming:
            self.state = previous
            return
        for stale in STALE_OUTPUTS:
            (settings.out / stale).unlink(missing_ok=True)
        shutil.rmtree(settings.out / "feedback", ignore_errors=True)
        self.state = RunState(settings.session, str(settings.submissions), protections=sandbox.describe())

    def _start_slots(self) -> None:
        settings = self.settings
        for number in range(settings.slots):
            environment = nbgrader_environment(settings.course, settings.declaration, settings.threads, number)
            server = nbgrader_server.Server(settings.course, environment, settings.logs / f"nbgrader-slot{number}.log",
                                            RUNNING)
            self.slots[number] = Slot(number, server)
            server.warm_up()  # nbgrader's import, while the gradebook is made: no student waits for it
            self._free.put(number)

    def prepare(self, scratch: Path) -> list[str]:
        """The course folder, the slots and every submission placed; the students to grade."""
        settings = self.settings
        self._start_afresh_or_resume()
        settings.logs.mkdir(exist_ok=True)
        submissions = collect_submissions(settings.submissions, settings.session, scratch)
        done = self.state.done
        if self.resuming:
            self.log(f"resuming: {len(done)} of {len(submissions)} submissions were graded before")
        else:
            self.log(f"{len(submissions)} submissions of {settings.session}; preparing the course ...")
            write_course(settings.out, settings.session, settings.timeout)
        self._start_slots()
        if not self.resuming:
            run_nbgrader(settings.course, settings.declaration, "generate_assignment", settings.session, "--force")
        self.release = nbformat.read(str(settings.course / "release" / settings.session / f"{settings.session}.ipynb"),
                                     as_version=4)
        for submission in submissions:
            if submission.student in done:
                continue
            flags = (place_submission(settings.course, settings.session, submission, self.release)
                     if submission.notebook else [submission.problem])
            self.state.students[submission.student] = StudentRecord(flags=[flag for flag in flags if flag])
        run_state.save(settings.out, self.state)
        gradable = [submission.student for submission in submissions if submission.student not in done
                    and (settings.course / "submitted" / submission.student / settings.session).is_dir()]
        for submission in submissions:  # nothing to grade: done at once
            if submission.student not in done and submission.student not in gradable:
                self.state.students[submission.student].done = True
        return gradable

    # ---------------------------------------------------------------- grade

    def grade_student(self, student: str) -> None:
        """Grade one student in the next free slot and record it (unless the run was interrupted)."""
        number = self._free.get()
        try:
            if self.interrupted.is_set():
                return
            begin = time.perf_counter()
            problems, outside = autograde_and_judge(self.settings, self.slots[number], student, self.release,
                                                    self.code_cells, self.interrupted)
            seconds = time.perf_counter() - begin
            if self.interrupted.is_set():  # killed by Ctrl-C, not by the student: graded next time
                return
            with self._lock:
                record = self.state.students[student]
                record.flags.extend(problems)
                if outside:
                    record.flags.extend(outside["suspicious"])
                    record.flags.extend(f"outside: {problem}" for problem in outside["problems"])
                record.outside, record.seconds, record.done = outside, seconds, True
                run_state.save(self.settings.out, self.state)
            self.log(f"  graded {student} in {seconds:.0f} s"
                     f"{' (outside verdicts ' + format(outside['seconds'], '.0f') + ' s)' if outside else ''}"
                     f"{' -- ' + problems[0] if problems else ''}")
        finally:
            self._free.put(number)

    def grade_students(self, gradable: list[str]) -> None:
        """Every gradable student, ``jobs`` at a time; Ctrl-C ends every process and says how to resume."""
        settings = self.settings
        self.log(f"grading {len(gradable)} notebooks with {settings.jobs} worker(s), {settings.timeout} s per cell, "
                 f"{settings.declaration.grading_epochs} epochs per training run ...")
        pool = ThreadPoolExecutor(max_workers=settings.slots)
        try:
            list(pool.map(self.grade_student, gradable))
        except KeyboardInterrupt:
            self.interrupted.set()
            end_everything()
            pool.shutdown(wait=True, cancel_futures=True)
            graded = len(self.state.done)
            self.log(f"interrupted: {graded} of {len(self.state.students)} students graded and saved; "
                     f"run the same command again to grade the rest")
            raise
        finally:
            self.shutdown()
        pool.shutdown()

    def shutdown(self) -> None:
        """End every slot's nbgrader (idempotent)."""
        for slot in self.slots.values():
            slot.server.shutdown()

    # ---------------------------------------------------------------- finish

    def finish(self) -> list[StudentResult]:
        """Outside scores into the gradebook, feedback, and every output written."""
        settings, students = self.settings, self.state.students
        disagreements = apply_outside_verdicts(settings.out, settings.session, students, self.source)
        for student, flags in disagreements.items():
            students[student].flag(*flags)
        if any(executed_path(settings.course, settings.session, student).exists() for student in students):
            run_nbgrader(settings.course, settings.declaration, "generate_feedback", settings.session, "--force",
                         log=settings.logs / "feedback.log")
        feedback_folder = settings.out / "feedback"
        shutil.rmtree(feedback_folder, ignore_errors=True)  # a kernel may have written here
        feedback_folder.mkdir()
        for student, record in students.items():
            executed = executed_notebook(settings.course, settings.session, student)
            if executed is not None:
                record.flag(*outputs.execution_flags(executed))
            html = settings.course / "feedback" / student / settings.session / f"{settings.session}.html"
            if html.exists():
                shutil.copy2(html, feedback_folder / f"{student}.html")
        self.state.complete = True
        run_state.save(settings.out, self.state)
        return outputs.report(settings.out)


def grade(submissions_path, out, session: str | None = None, jobs: int = 2, timeout: int = 120,
          log=print) -> list[StudentResult]:
    """Grade every submission in ``submissions_path``; write everything into ``out``.

    Returns one StudentResult per student, in student order.  A run that was
    interrupted (Ctrl-C, a killed process) resumes: students already graded are
    kept, the others are graded; a finished run is started afresh.
    """
    session = session or course.session_of(submissions_path)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    settings = GradingSettings(Path(submissions_path).resolve(), out, course.declaration(session), jobs, timeout)
    start = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="hamlet-grade-"))
    sandbox.allow_starts()
    for line in sandbox.describe():
        log(f"sandbox: {line}")
    run = ClassGrading(settings, log)
    try:
        run.grade_students(run.prepare(scratch))
        results = run.finish()
        log(f"graded {len(results)} students in {time.perf_counter() - start:.0f} s")
        return results
    finally:
        run.shutdown()  # already, unless preparing the course failed
        shutil.rmtree(scratch, ignore_errors=True)
