"""The course's outputs: grades.csv, totals.csv, the course overview and each session's tutor page,
from the gradebook, the grading state and the course file.

:func:`report` writes them all; it runs at the end of ``hamlet grade`` and again as
``hamlet report`` after a tutor has graded the manual cells or an extension was granted.

    OUT/grades.csv, OUT/totals.csv     every student and session of the course
    OUT/diagnoses.csv                  every failed autograded task: its misconception code and message
    OUT/report.html                    the course overview: a row per student, a column per session
    OUT/<session>/report.html          the session's tutor page
    OUT/<session>/students/<student>.html   each student's feedback page, task by task (hamlet.student_page)
    OUT/<session>/feedback/<student>.html   nbgrader's feedback, hidden tests cleared
"""

from __future__ import annotations

import base64
import csv
import os
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from . import course, course_file, feedback, run_state, student_page, training_logs
from .course_folder import executed_notebook, executed_path, placed_path
from .execute import TIMED_OUT, cell_errors
from .gradebook import opened, read_scores
from .nbgrader_plugins import KERNEL_DIED, NOT_RUN, OUTPUT_CUT
from .report import write_course_overview, write_report
from .results import CellScore, Diagnosis, StudentResult


GRADES_COLUMNS = ["student", "session", "task", "grade_id", "score", "max_score"]
DIAGNOSES_COLUMNS = ["student", "session", "task", "code", "misconception", "message"]
TOTALS_COLUMNS = ["student", "session", "score", "max_score", "bonus", "bonus_max", "penalty", "total", "submitted",
                  "late", "needs_manual_grading", "graded", "flags", "to_review"]


def _write_csv(path: Path, header: list, rows) -> None:
    """Atomically: a killed run leaves the previous file."""
    partial = path.with_name(f".{path.name}.partial")
    with open(partial, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(partial, path)


def write_grades(out: Path, results: list[StudentResult]) -> None:
    _write_csv(out / "grades.csv", GRADES_COLUMNS,
               ([result.student, result.session, cell.task, cell.grade_id,
                 "" if cell.score is None else f"{cell.score:g}", f"{cell.max_score:g}"]
                for result in results for cell in result.cells))
    _write_csv(out / "totals.csv", TOTALS_COLUMNS,
               ([result.student, result.session, f"{result.score:g}", f"{result.max_score:g}",
                 f"{result.bonus_score:g}", f"{result.bonus_max_score:g}", f"{result.penalty:g}", f"{result.total:g}",
                 result.submitted or "", result.late, result.cells_to_grade, result.graded or "", "; ".join(result.flags),
                 "; ".join(f"{task}: {why}" for task, why in result.review_tasks().items())] for result in results))


def write_diagnoses(out: Path, results: list[StudentResult]) -> None:
    """diagnoses.csv: a row per failed autograded task of every graded student, in notebook order."""
    _write_csv(out / "diagnoses.csv", DIAGNOSES_COLUMNS,
               ([result.student, result.session, diagnosis.task, diagnosis.code, diagnosis.misconception,
                 diagnosis.message] for result in results for diagnosis in result.diagnoses))


def diagnoses_of(outside: dict | None, source) -> list[Diagnosis]:
    """The failed tasks of one student's outside verdicts, in the notebook's task order; a task
    to review is no mistake of the student's, and an excused one passed."""
    if not outside:
        return []
    from .declaration import task_of

    order = list(dict.fromkeys(task_of(cell.metadata["nbgrader"]["grade_id"]) for cell in source.cells
                               if cell.metadata.get("nbgrader", {}).get("grade_id")))
    verdicts, codes, review = outside.get("verdicts", {}), outside.get("codes", {}), outside.get("review", {})
    failed = [task for task, (passed, _) in verdicts.items() if not passed and task not in review]
    failed.sort(key=lambda task: order.index(task) if task in order else len(order))
    return [Diagnosis(task, codes.get(task, ""), verdicts[task][1]) for task in failed]


def execution_flags(notebook) -> list[str]:
    """Timeouts and dead kernels recorded in an executed notebook."""
    flags = []
    errors = cell_errors(notebook)
    for name, ename, _ in errors:
        if ename in TIMED_OUT:
            flag = f"timeout in {name}"
        elif ename == KERNEL_DIED:
            flag = f"kernel died in {name}"
        elif ename == "MemoryError":
            flag = f"out of memory in {name}"
        else:
            continue
        if flag not in flags:  # a timeout leaves two errors: the interrupt and the timeout
            flags.append(flag)
    not_run = [name for name, ename, _ in errors if ename == NOT_RUN]
    if not_run:
        flags.append(f"not run in the notebook after that: {len(not_run)} cells ({', '.join(not_run[:3])}"
                     f"{', ...' if len(not_run) > 3 else ''}); their tasks are judged outside")
    for number, cell in enumerate(notebook.cells):
        if any(OUTPUT_CUT in output.get("text", "") for output in cell.get("outputs", [])):
            flags.append(f"gigantic output in {cell.metadata.get('nbgrader', {}).get('grade_id', f'cell {number}')} "
                         f"(cut at 1 MiB)")
    return flags


def curves_png(notebook, plot_cells) -> bytes | None:
    """The image of the first of ``plot_cells`` (best first) that drew one."""
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
    for name in plot_cells:
        for output in cells.get(name, {}).get("outputs", []):
            if "image/png" in output.get("data", {}):
                return base64.b64decode(output["data"]["image/png"])
    return None


def review_summary(results: list[StudentResult]) -> list[str]:
    """The summary's lines on the tasks the outside verdicts could not judge (none: no line): an
    error of ours, said loudly every time until a tutor has looked."""
    lines = [f"  {result.student} ({result.session}) task {task}: {why}" for result in results
             for task, why in result.review_tasks().items()]
    if not lines:
        return []
    return [f"ERROR: {len(lines)} task{'s' if len(lines) > 1 else ''} could not be judged; each scores 0 until a "
            f"tutor grades it in formgrader (listed 'to review' on the tutor page):", *lines]


NOT_GRADED = "not graded yet (a run stopped before it): run `hamlet grade` again"


def _result(gradebook_, session: str, student: str, record, source, state) -> StudentResult:
    if record.done:
        cells = read_scores(gradebook_, session, student, source, record.regrade,
                            review=(record.outside or {}).get("review", {}))
        flags = list(record.flags)
        again = [cell.grade_id for cell in cells if cell.regrade]
        if again:
            flags.append(f"answer changed since a tutor graded it: {', '.join(again)} to grade again")
        review = list(dict.fromkeys(cell.task for cell in cells if cell.review))  # in notebook order
        if review:
            flags.append(f"to review: task{'s' if len(review) > 1 else ''} {', '.join(review)} could not be judged "
                         f"(0 until a tutor grades {'them' if len(review) > 1 else 'it'} in formgrader)")
    else:  # nbgrader may have scored it, the outside verdicts have not: nothing counts yet
        cells = [CellScore(cell.grade_id, 0.0, cell.max_score, cell.manual)
                 for cell in read_scores(gradebook_, session, student, source)]
        flags = [NOT_GRADED, *record.flags]
    latest = state.runs[-1]["number"] if state.runs else 0
    return StudentResult(student, session, cells, flags=flags, seconds=record.seconds, submitted=record.submitted_at,
                         graded=record.graded_at, run=record.run if record.done else 0,
                         graded_this_run=record.done and record.run == latest,
                         diagnoses=diagnoses_of(record.outside, source) if record.done else [],
                         verdicts=dict((record.outside or {}).get("verdicts", {})) if record.done else {},
                         hidden=frozenset((record.outside or {}).get("hidden", ())) if record.done else frozenset())


def _lateness(gradebook_, courses_file, result: StudentResult, record) -> None:
    """The late penalty, by the course file's policy, in the result and nbgrader's gradebook."""
    from nbgrader.api import MissingEntry

    submitted = datetime.fromisoformat(record.submitted_at) if record.submitted_at else None
    late = courses_file.penalty(result.student, result.session, submitted, result.score + result.bonus_score)
    result.penalty, result.late = late.penalty, late.note
    if submitted is None and courses_file.due_of(result.session) is not None:
        result.late = f"{late.note}{f' ({record.time_source})' if record.time_source else ''}"
    try:
        submission = gradebook_.find_submission(result.session, result.student)
    except MissingEntry:
        return
    if submitted is not None:
        submission.timestamp = submitted.astimezone(timezone.utc).replace(tzinfo=None)  # nbgrader: naive UTC
    extension = courses_file.extension_of(result.student, result.session)
    submission.extension = extension or None
    for notebook in submission.notebooks:
        notebook.late_submission_penalty = late.penalty or None


def _refresh_feedback(out: Path, state, by_session: dict) -> None:
    """The feedback of every graded student whose total is not the one their page shows."""
    changed = False
    for session, session_results in by_session.items():
        records = state.sessions[session].students
        stale = [result.student for result in session_results
                 if records[result.student].done and records[result.student].feedback_total != round(result.total, 6)
                 and executed_path(out / "course", session, result.student).exists()]
        if not stale:
            continue
        written = feedback.write_feedback(out, session, stale)
        totals = {result.student: round(result.total, 6) for result in session_results}
        for student in stale:
            records[student].feedback_total = totals[student] if student in written else None
        changed = True
    if changed:
        run_state.save(out, state)


def _trained_curves(out: Path, declaration, result: StudentResult, executed) -> None:
    """The curves ``result``'s student trained (the printed logs of the notebook as handed in) beside
    the grading run's (those of the executed notebook): the figure, and flags for a log that is
    missing or that the grading run contradicts.  Never a score."""
    placed = placed_path(out / "course", result.session, result.student)
    try:
        handed_in = nbformat.read(str(placed), as_version=4)
    except Exception:  # noqa: BLE001 - not placed (unreadable hand-in): its flags say so already
        return
    logs = training_logs.logs_in(handed_in, declaration)
    graded = training_logs.logs_in(executed, declaration) if executed is not None else {}
    verified = {task: (log.cost, log.accuracy) for task, log in graded.items() if log is not None}
    if not any(cell.get("outputs") for cell in handed_in.cells if cell.get("cell_type") == "code"):
        result.trained_note = "handed in without outputs: no training log"
        logs = {}  # a notebook handed in cleared is no missing log
    else:
        result.flags.extend(training_logs.flags(logs, verified))
    result.trained_png = training_logs.curves_png(logs, verified, result.student)
    if not any(log is not None for log in logs.values()):  # no printed log: the plot as handed in, if any
        plotted = curves_png(handed_in, declaration.plot_cells)
        if plotted:
            result.trained_png, result.trained_note = plotted, "the plot as handed in (no printed log)"


def report(out, courses_file=None) -> list[StudentResult]:
    """grades.csv, totals.csv, the course overview and the sessions' tutor pages of the course in ``out``.

    Run again after a tutor has graded the manual cells (nbgrader's formgrader on
    ``out/course``) or the course file changed: the scores come from the gradebook, flags
    and times from the grading state, late penalties from the course file.
    """
    out = Path(out).resolve()
    try:
        state = run_state.load(out)
    except run_state.BrokenState as error:
        raise FileNotFoundError(f"{error}: run `hamlet grade` again (it keeps the gradebook)") from error
    if state is None or not state.sessions:
        raise FileNotFoundError(f"{out} holds no grading run ({run_state.RUN_FILE} is missing): "
                                f"run `hamlet grade` first")
    if courses_file is None:
        courses_file = course_file.find(out, None, state.course_file)
    known = course.sessions()
    results, by_session = [], {}
    with opened(out) as gradebook_:
        for session in [name for name in known if name in state.sessions]:
            source = nbformat.read(str(course.source_notebook(session)), as_version=4)
            due = courses_file.due_of(session)
            gradebook_.update_or_create_assignment(session, duedate=None if due is None else
                                                   due.astimezone(timezone.utc).replace(tzinfo=None))
            for student, record in sorted(state.sessions[session].students.items()):
                result = _result(gradebook_, session, student, record, source, state)
                _lateness(gradebook_, courses_file, result, record)
                results.append(result)
                by_session.setdefault(session, []).append(result)
        gradebook_.db.commit()  # the penalties first: nbgrader's feedback shows the score less them
    _refresh_feedback(out, state, by_session)
    for session, session_results in by_session.items():
        declaration = course.declaration(session)
        for result in session_results:
            executed = executed_notebook(out / "course", session, result.student) if result.run else None
            if executed is not None:
                result.curves_png = curves_png(executed, declaration.plot_cells)
            if feedback.page(out, session, result.student).exists():
                result.feedback = f"feedback/{result.student}.html"
            if result.run:  # graded: its curves, and the page that says task by task what counted
                _trained_curves(out, declaration, result, executed)
                student_page.write_page(out, result)
                result.page = f"students/{result.student}.html"
    write_grades(out, results)
    write_diagnoses(out, results)
    runs = state.runs
    for session, session_results in by_session.items():
        write_report(out / session / "report.html", session, session_results, protections=state.protections,
                     runs=runs)
    write_course_overview(out / "report.html", by_session, protections=state.protections, runs=runs,
                          course_file=courses_file)
    return results
