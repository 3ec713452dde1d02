"""The ``hamlet`` command: release, run, grade and bundle the session notebooks.

    hamlet release [SESSION ...]             student notebooks from solutions/ with nbgrader
    hamlet check-release [SESSION ...]       fail if a release is stale or gives anything away
    hamlet solution [--max-epochs N] [--out DIR]
                                             execute the solution notebook on MNIST, report results
    hamlet grade SUBMISSIONS --out DIR [--session S ...] [--student NAME ...] [--force]
                 [--course-file course.toml] [--jobs N] [--timeout SECONDS] [--budget SECONDS]
                 [--cluster tcp://HOST:PORT | SCHEDULER_FILE]
                                             grade the new and changed hand-ins into the course DIR:
                                             gradebook, grades.csv, totals.csv, feedback, tutor pages
    hamlet report DIR [--course-file F]      grades.csv, totals, tutor pages again (after manual grading)
    hamlet export DIR --format canvas|moodle|csv --roster FILE
                                             the totals as the LMS imports them
    hamlet examples                          regenerate the example class from the release
    hamlet bundle [--out PATH]               the zip students get: release, hamlet_utils, MNIST, Binder
    hamlet check NOTEBOOK [--timeout S] [--epochs N] [--bonus]
                                             a student's own check: run the notebook headless, one
                                             line per task; exit 0 all pass, 1 any not, 2 bad input
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from . import course
from .budget import MARGIN_SECONDS, REFERENCE_FACTOR
from .declaration import DeclarationError
from .execute import cell_errors, execute_notebook
from .release import declaration_problems, generate_release, release_differences, release_problems, \
    write_session_facts


def _sessions(names):
    try:
        return course.known_sessions(names) or course.sessions()
    except ValueError as error:
        raise SystemExit(f"hamlet: {error}") from None


def command_release(arguments) -> int:
    for session in _sessions(arguments.sessions):
        write_session_facts(session)
        disagreements = declaration_problems(session)
        if disagreements:
            print(f"{session}: the declaration (solutions/{session}/session.py) disagrees with its notebook:\n  "
                  + "\n  ".join(disagreements))
            return 1
        notebook = generate_release(session)
        problems = release_problems(course.source_notebook(session), notebook)
        if problems:
            print(f"{notebook}: the release gives away:\n  " + "\n  ".join(problems))
            return 1
        print(f"released {notebook.relative_to(course.ROOT)}")
    return 0


def command_check_release(arguments) -> int:
    failed = False
    for session in _sessions(arguments.sessions):
        with tempfile.TemporaryDirectory() as folder:
            fresh = generate_release(session, folder)
            differences = release_differences(course.release_notebook(session), fresh)
        problems = release_problems(course.source_notebook(session), course.release_notebook(session))
        differences += declaration_problems(session)
        for message in differences:
            print(f"{session}: out of date: {message} (run `make release`)")
        for message in problems:
            print(f"{session}: gives away: {message}")
        failed |= bool(differences or problems)
        if not (differences or problems):
            print(f"{session}: release is current and holds no solution")
    return 1 if failed else 0


def command_solution(arguments) -> int:
    output = Path(arguments.out)
    status = 0
    for session in _sessions(arguments.sessions):
        executed = output / f"{session}.ipynb"
        cap = f", every training run capped at {arguments.max_epochs} epochs" if arguments.max_epochs else ""
        print(f"executing {course.source_notebook(session).relative_to(course.ROOT)}{cap} ...", flush=True)
        notebook, histories, seconds = execute_notebook(
            course.source_notebook(session), executed, max_epochs=arguments.max_epochs, allow_errors=True)
        errors = cell_errors(notebook)
        print(f"\n{session}: executed in {seconds:.0f} s -> {executed}")
        if histories:
            from hamlet_utils.plotting import plot_histories
            from hamlet_utils.training import History

            runs = {name: History.from_dict(data) for name, data in histories.items()}
            plot = output / f"{session}_histories.png"
            plot_histories({history.label or name: history for name, history in runs.items()},
                           title=session, path=plot)
            print(f"{'run':<16}{'epochs':>7}{'cost':>12}{'accuracy':>10}{'seconds':>9}")
            for name, history in runs.items():
                print(f"{name:<16}{len(history):>7}{history.final_cost:>12.6f}"
                      f"{history.final_accuracy:>10.4f}{sum(history.seconds):>9.1f}")
            print(f"plot: {plot}")
            (output / f"{session}_results.json").write_text(json.dumps(
                {"seconds": seconds, "max_epochs": arguments.max_epochs, "histories": histories}, indent=1))
        for name, ename, message in errors:
            print(f"ERROR in {name}: {ename}: {message}")
            status = 1
    return status


def command_bundle(arguments) -> int:
    import zipfile

    from .bundle import write_bundle

    try:
        path = write_bundle(arguments.out)
    except RuntimeError as error:
        print(f"hamlet bundle: {error}")
        return 1
    with zipfile.ZipFile(path) as bundle:
        count = sum(1 for entry in bundle.infolist() if not entry.is_dir())
    print(f"{path}: {count} files")
    return 0


def command_check(arguments) -> int:
    from .student_check import BadInput, CheckSettings, exit_status, run_check, summary

    if arguments.epochs is not None and arguments.epochs < 1:
        print("hamlet check: --epochs must be at least 1", file=sys.stderr)
        return 2
    settings = CheckSettings(Path(arguments.notebook), timeout=arguments.timeout, epochs=arguments.epochs,
                             bonus=arguments.bonus)
    try:
        session, results = run_check(settings)
    except BadInput as error:
        print(f"hamlet check: {error}", file=sys.stderr)
        return 2
    print(f"{settings.notebook}: session {session}")
    for result in results:
        print(result.line())
    print(summary(results, settings.bonus))
    return exit_status(results, settings.bonus)


def _print_grades(results, out: Path) -> None:
    by_session: dict = {}
    for result in results:
        by_session.setdefault(result.session, []).append(result)
    for session, session_results in by_session.items():
        tasks = list(session_results[0].task_scores())
        header = (f"{'student':<22}" + "".join(f"{task or '?':>5}" for task in tasks)
                  + f"{'total':>8}{'bonus':>7}{'late':>6}  graded  flags")
        print(f"\n{session} (training capped at {course.declaration(session).grading_epochs} epochs)\n{header}")
        for result in session_results:
            scores = result.task_scores()
            row = "".join(f"{'-' if scores[task][0] is None else format(scores[task][0], 'g'):>5}" for task in tasks)
            when = "now" if result.graded_this_run else "kept" if result.run else "-"
            print(f"{result.student:<22}{row}{result.score:>8g}{result.bonus_score:>7g}"
                  f"{'-' + format(result.penalty, 'g') if result.penalty else '':>6}  {when:<6}  {'; '.join(result.flags)}")
    print("\n('-' = manually graded, not graded yet; graded 'now' in this run or 'kept' from an earlier one)")
    print(f"grades:    {out / 'grades.csv'}\ntotals:    {out / 'totals.csv'}\n"
          f"course:    {out / 'report.html'} (each session's page and feedback: {out}/<session>/)\n"
          f"gradebook: {out / 'gradebook.db'} (manual grading: nbgrader's formgrader in {out / 'course'}, "
          f"then `hamlet report {out}`)")


def command_grade(arguments) -> int:
    from .pipeline import grade

    from .backups import GradebookError
    from .cluster import ClusterError
    from .run_state import Busy
    from .slots import NoFreeSlot

    try:
        results = grade(arguments.submissions, arguments.out, arguments.session, jobs=arguments.jobs,
                        timeout=arguments.timeout, students=arguments.student or (), force=arguments.force,
                        course_file_path=arguments.course_file, log=lambda *line: print(*line, flush=True),
                        budget=arguments.budget, cluster=arguments.cluster)
    except (FileNotFoundError, ValueError, GradebookError, Busy, ClusterError, NoFreeSlot) as error:
        # no such folder, not a zip, an unsafe zip, a bad course file, a damaged gradebook, a run already on it,
        # a cluster out of reach or of another HaMLeT, every slot of the machine taken
        print(f"hamlet grade: {error}")
        return 1
    except KeyboardInterrupt:  # grade() ended every process and said how to resume
        return 130
    _print_grades(results, Path(arguments.out).resolve())
    return 0


def command_report(arguments) -> int:
    from . import backups, course_file, run_state
    from .outputs import report, review_summary

    out = Path(arguments.out).resolve()
    try:
        if not out.is_dir():
            raise FileNotFoundError(f"{out} is not a folder: run `hamlet grade` first")
        courses_file = course_file.find(out, arguments.course_file) if arguments.course_file else None
        with run_state.exclusive(out):
            backups.back_up(out)  # the report writes late penalties and due dates into the gradebook
            results = report(out, courses_file)
    except (FileNotFoundError, ValueError, backups.GradebookError, run_state.Busy) as error:
        print(f"hamlet report: {error}")
        return 1
    _print_grades(results, Path(arguments.out).resolve())
    for line in review_summary(results):  # `hamlet grade` says it in its run summary
        print(line)
    return 0


def command_examples(arguments) -> int:
    from .examples import students, write_examples

    for session in _sessions(arguments.sessions):
        if not students(session):
            print(f"{session}: no example class (solutions/{session}/example_class.py)")
            continue
        folder = write_examples(session, run=arguments.execute)
        print(f"wrote {len(students(session))} example submissions{' (executed)' if arguments.execute else ''} and "
              f"expected_scores.csv to {folder}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="hamlet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    release = commands.add_parser("release", help="generate the student notebooks with nbgrader")
    release.add_argument("sessions", nargs="*")
    release.set_defaults(run=command_release)

    check = commands.add_parser("check-release", help="fail if a release is stale or gives anything away")
    check.add_argument("sessions", nargs="*")
    check.set_defaults(run=command_check_release)

    solution = commands.add_parser("solution", help="execute the solution notebooks on MNIST")
    solution.add_argument("sessions", nargs="*")
    solution.add_argument("--max-epochs", type=int, default=None,
                          help="cap every training run (HAMLET_MAX_EPOCHS); default: the notebook's epochs")
    solution.add_argument("--out", default=str(course.BUILD / "solution"), help="output folder")
    solution.set_defaults(run=command_solution)

    bundle = commands.add_parser("bundle", help="zip the release, hamlet_utils and MNIST for students")
    bundle.add_argument("--out", default=str(course.BUILD / "hamlet-student-bundle.zip"), help="zip file to write")
    bundle.set_defaults(run=command_bundle)

    check_notebook = commands.add_parser("check", help="run a notebook's check cells headless, one line per task")
    check_notebook.add_argument("notebook", help="the session notebook (.ipynb) to check")
    check_notebook.add_argument("--timeout", type=int, default=300, help="seconds per cell (default: 300)")
    check_notebook.add_argument("--epochs", type=int, default=None,
                                help="cap every training run (HAMLET_MAX_EPOCHS); default: the session's "
                                     "grading_epochs")
    check_notebook.add_argument("--bonus", action="store_true",
                                help="the bonus tasks (marked *) count for the exit status too")
    check_notebook.set_defaults(run=command_check)

    grade = commands.add_parser("grade", help="autograde a class's submissions with nbgrader")
    grade.add_argument("submissions", help="folder (nbgrader submitted/ layout or flat <student>.ipynb) or zip")
    grade.add_argument("--out", required=True, help="output folder: grades.csv, feedback/, report.html, ...")
    grade.add_argument("--session", action="append", default=None,
                       help="a session to grade (repeatable; default: every session the submissions hold)")
    grade.add_argument("--student", action="append", default=None, metavar="NAME",
                       help="grade this student again, and no one else (repeatable)")
    grade.add_argument("--force", action="store_true",
                       help="grade everyone again (tutors' grades of answers that did not change stay)")
    grade.add_argument("--course-file", default=None, metavar="TOML",
                       help="due dates, late policy, extensions (default: DIR/course.toml, or the one used last)")
    grade.add_argument("--jobs", type=int, default=2, help="students graded in parallel")
    grade.add_argument("--timeout", type=int, default=120, help="seconds per notebook cell")
    grade.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                       help="seconds per notebook, kernel and outside verdicts together (default: "
                            f"{REFERENCE_FACTOR:g} x the reference solution's grading time here + {MARGIN_SECONDS:g} s)")
    grade.add_argument("--cluster", default=None, metavar="ADDRESS",
                       help="grade each hand-in as a task on a Dask cluster: its scheduler's address "
                            "(tcp://HOST:PORT) or scheduler file; --jobs is then the cluster's (see README)")
    grade.set_defaults(run=command_grade)

    report = commands.add_parser("report", help="grades.csv and tutor page again, e.g. after manual grading")
    report.add_argument("out", help="the --out folder of a `hamlet grade` run")
    report.add_argument("--course-file", default=None, metavar="TOML", help="as for `hamlet grade`")
    report.set_defaults(run=command_report)

    from .export import add_command

    add_command(commands)

    examples = commands.add_parser("examples", help="regenerate the example class from the release")
    examples.add_argument("sessions", nargs="*")
    examples.add_argument("--run", action="store_true", dest="execute",
                          help="hand each notebook in executed, with its outputs, as students do (minutes a student)")
    examples.set_defaults(run=command_examples)

    arguments = parser.parse_args(argv)
    try:
        return arguments.run(arguments)
    except DeclarationError as error:  # a session folder the instructor is still writing
        print(f"hamlet {arguments.command}: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
