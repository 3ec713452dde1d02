"""Each student's feedback page: ``OUT/<session>/students/<student>.html``, the one the tutor page links.

In the notebook's order, every task with its name (the handout's words) and points, the
verdict that counted and what to look at:

* passed; or passed without being judged on its own, because a task it builds on fails;
* failed, with the message of the visible check -- what the student's own check cell says,
  never a hidden test's words (a hidden test's failure says only that one failed);
* not judged: a timeout, a dead kernel, the time budget used up, or "to review" (a tutor
  decides);
* a manual task: a tutor's points, or not graded yet;

and the totals exactly as ``totals.csv`` has them.  One self-contained HTML file, written
whole (a killed run leaves the previous page).  nbgrader's own feedback stays beside it, in
``OUT/<session>/feedback/``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat

from . import course
from .declaration import load
from .judges import NOT_WRITTEN
from .results import StudentResult

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ title }}: feedback for {{ r.student }}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5em auto;max-width:60em;color:#222;
 background:#fafafa;padding:0 1em}
h1{font-size:1.4em;margin:0 0 .3em} .muted{color:#777}
table.totals{border-collapse:collapse;margin:.5em 0 1.2em;background:#fff;box-shadow:0 1px 3px #0002}
table.totals td,table.totals th{border:1px solid #ddd;padding:4px 10px;text-align:center}
table.totals th{background:#eef1f5}
section.task{background:#fff;border-left:6px solid #ccc;box-shadow:0 1px 3px #0002;margin:.6em 0;padding:.5em .9em}
section.task h2{font-size:1.05em;margin:0} section.task h2 .points{float:right;font-weight:bold}
section.passed{border-color:#2e9e44} section.failed{border-color:#c0392b} section.waiting{border-color:#8a8f98}
section.excused{border-color:#d4a017} section.review{border-color:#5b2c83}
.verdict{margin:.3em 0 0} .verdict b{margin-right:.3em}
ul.notes{margin:.3em 0 1em}
</style></head><body>
<h1>{{ title }} &mdash; feedback for {{ r.student }}</h1>
<p class="muted">Session {{ session }} &middot; graded {{ graded }}</p>
<table class="totals" id="totals"
 data-score="{{ r.score|num }}" data-max-score="{{ r.max_score|num }}" data-bonus="{{ r.bonus_score|num }}"
 data-bonus-max="{{ r.bonus_max_score|num }}" data-penalty="{{ r.penalty|num }}" data-total="{{ r.total|num }}">
<tr><th>points</th>{% if r.bonus_max_score %}<th>bonus</th>{% endif %}<th>late penalty</th><th>total</th></tr>
<tr><td>{{ r.score|num }} / {{ r.max_score|num }}</td>{% if r.bonus_max_score %}<td>{{ r.bonus_score|num }} / {{ r.bonus_max_score|num }}</td>{% endif %}
<td>{% if r.penalty %}&minus;{{ r.penalty|num }}<br><small>{{ r.late }}</small>{% else %}none{% endif %}</td>
<td><b>{{ r.total|num }}</b></td></tr></table>
{% if pending %}<p class="muted">Some tasks are still to be graded or reviewed by a tutor: the totals count them once they are.</p>{% endif %}
{% if notes %}<p><b>While grading</b></p><ul class="notes">{% for note in notes %}<li>{{ note }}</li>{% endfor %}</ul>{% endif %}
{% for task in tasks %}<section class="task {{ task.state }}" id="task-{{ task.id }}">
<h2>Task {{ task.id }}{{ ' (bonus)' if task.bonus }}: {{ task.name }}<span class="points">{{ task.score }} / {{ task.maximum|num }}</span></h2>
<p class="verdict"><b>{{ task.headline }}</b>{{ task.detail }}</p>
</section>
{% endfor %}
</body></html>
"""

#: a task failed by a hidden test: its words are the grader's, not the student's
HIDDEN_FAILURE = ("your code passes the notebook's check of this task, but not the grader's own test of it "
                  "(its text is not shown). Read the task's statement again: every shape, case and value it names.")


@functools.lru_cache(maxsize=None)
def task_names(session: str) -> dict:
    """``{task: its statement's first sentence}``, from the release's ``**Task 2a:** ...`` lines."""
    release = nbformat.read(str(course.release_notebook(session)), as_version=4)
    names = {}
    for cell in release.cells:
        if cell.cell_type != "markdown":
            continue
        for match in re.finditer(r"\*\*Task (\w+):\*\*\s*(.+)", cell.source):
            sentence = re.split(r"(?<=[.!?])\s", match.group(2).strip(), maxsplit=1)[0]
            clause = re.split(r",\s+which\s|:\s", sentence, maxsplit=1)[0]  # the what, not the how
            names.setdefault(match.group(1), clause.rstrip("."))
    return names


def _headline(result: StudentResult, task: str, manual: bool, review: str) -> tuple[str, str, str]:
    """``(state, headline, detail)`` of one task on the page."""
    if manual:
        scores = result.task_scores()
        if scores.get(task, (None,))[0] is None or task in result.pending_tasks():
            return "waiting", "Graded by a tutor:", " not graded yet."
        return "passed", "Graded by a tutor.", ""
    if review:
        return "review", "Not judged yet:", f" {review}. A tutor reviews it; it counts 0 until then."
    verdict = result.verdicts.get(task)
    if verdict is None:
        return "failed", "Not judged:", " the grader found nothing of this task to judge."
    passed, message = verdict
    if passed and message.startswith("excused: "):
        return ("excused", "Full points, not judged on its own:",
                f" it builds on a task that fails ({message[len('excused: '):]}). The mistake costs that task only.")
    if passed:
        return "passed", "Passed.", ""
    if task in result.hidden:  # "not implemented yet" is no secret of the hidden test's
        return "failed", "Failed:", " not implemented yet." if NOT_WRITTEN in message else " " + HIDDEN_FAILURE
    return "failed", "Failed:", f" {message}"


def _notes(result: StudentResult) -> list[str]:
    """The flags a student can act on: timeouts, dead kernels, cells not run, edited test cells;
    not the grader's own (suspicion, errors, notes for tutors)."""
    return [flag for flag in result.flags
            if not flag.startswith(("suspicious", "ERROR", "outside:", "note:", "to review", "grading failed"))]


def page_path(out: Path, session: str, student: str) -> Path:
    return Path(out) / session / "students" / f"{student}.html"


def write_page(out: Path, result: StudentResult) -> Path:
    """The feedback page of one student's session."""
    from .report import _render

    declaration = load(result.session)
    names = task_names(result.session)
    scores, review, manual = result.task_scores(), result.review_tasks(), {}
    for cell in result.cells:
        manual[cell.task] = manual.get(cell.task, True) and cell.manual
    tasks = []
    for task, (score, maximum) in scores.items():
        state, headline, detail = _headline(result, task, manual[task], review.get(task, ""))
        tasks.append({"id": task, "name": names.get(task, ""), "bonus": task in declaration.bonus_tasks,
                      "score": "–" if score is None else f"{score:g}", "maximum": maximum,
                      "state": state, "headline": headline, "detail": detail})
    return _render(PAGE, page_path(out, result.session, result.student), title=declaration.title,
                   session=result.session, r=result, tasks=tasks, notes=_notes(result),
                   graded=(result.graded or "")[:16].replace("T", " ") or "not yet",
                   pending=bool(result.pending_tasks() or review))
