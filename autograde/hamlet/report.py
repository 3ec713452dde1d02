"""The tutor pages: a session's page with every student's scores, flags and curves, and the course
overview with a row per student and a column per session.  Each is one self-contained HTML file."""

from __future__ import annotations

import base64
import statistics
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

import jinja2

from .declaration import load
from .results import StudentResult

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>HaMLeT {{ session }}: grades</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em} .summary{color:#444;margin:0 0 1em}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 3px #0002}
th,td{border:1px solid #ddd;padding:3px 5px;text-align:center;vertical-align:middle}
th{background:#eef1f5;position:sticky;top:0;cursor:pointer;user-select:none;white-space:nowrap;z-index:1}
th small{display:block;font-weight:normal;color:#666}
th.bonus{background:#f3ecfa} th:hover{background:#dde4ee}
th.asc::after{content:" \\25B2";font-size:.7em} th.desc::after{content:" \\25BC";font-size:.7em}
td.id{text-align:left;font-family:ui-monospace,monospace;min-width:8em;max-width:12em;overflow-wrap:anywhere}
td.full{background:#d4f4d4;color:#145214} td.partial{background:#ffe8b3;color:#6b4a00}
td.zero{background:#f9c9c9;color:#7a1010} td.todo,td.none{background:#eee;color:#888}
td.todo small,td small{display:block;font-size:.75em;color:#666} td.total{font-weight:bold}
tr.flagged td.id,tr.flagged td.flags{background:#fff1e0} tr.flagged td.id{border-left:4px solid #e67e22}
td.flags{text-align:left;min-width:14em;max-width:18em} td.late{max-width:10em;color:#7a1010}
.badge{display:inline-block;background:#e67e22;color:#fff;border-radius:3px;padding:0 5px;margin:1px;font-size:.8em;
 overflow-wrap:anywhere}
.badge.suspicious{background:#8e0000;font-weight:bold} .badge.review{background:#5b2c83;font-weight:bold}
td.review{background:#eadcf5;color:#5b2c83} .badge.note{background:#8a8f98}
img.curves{width:300px;cursor:zoom-in;display:block}
img.curves.big{position:fixed;top:50%;left:50%;transform:translate(-50%,-50%);width:min(1000px,95vw);z-index:9;
 cursor:zoom-out;background:#fff;box-shadow:0 0 0 100vmax #0009}
table.reteach{margin:.3em 0 1em} table.reteach td.mistake{text-align:left} table.reteach th{cursor:default}
.muted{color:#999;font-style:italic} .legend span{padding:1px 6px;margin-right:4px;border-radius:3px}
</style></head><body>
<p class="summary"><a href="../report.html">&larr; course overview</a></p>
<h1>HaMLeT {{ session }} &mdash; {{ title }} &mdash; grades</h1>
<p class="summary">Generated {{ generated }} &middot; <b>{{ results|length }}</b> students &middot;
 mean total <b>{{ mean }}</b>, median <b>{{ median }}</b> of {{ max_total|num }} points{{ ' (+ bonus)' if max_bonus }}
 &middot; <b>{{ flagged }}</b> flagged, <b>{{ suspicious }}</b> suspicious &middot; <b>{{ to_grade }}</b> manual cells to grade
 {% if to_review %}&middot; <b class="review">{{ to_review }}</b> tasks to review{% endif %}
 {% if late %}&middot; <b>{{ late }}</b> late{% endif %}</p>
<p class="summary" id="run">{{ run_line }}</p>
{% if missing_protections %}<p class="summary"><b>Grading sandbox incomplete:</b> {{ missing_protections|join("; ") }}</p>{% endif %}
{% if review_list %}<div class="summary" id="to-review"><b>To review</b> &mdash; tasks the grader could not judge score 0
 until a tutor grades them in formgrader (they are listed there as needing a manual grade), then run <code>hamlet report</code>:
<ul>{% for student, tasks, why in review_list %}<li>{{ student }}, task{{ 's' if tasks|length > 1 }} {{ tasks|join(', ') }}: {{ why }}</li>{% endfor %}</ul></div>{% endif %}
{% if reteach %}<div class="summary" id="reteach"><b>What to re-teach</b> &mdash; for each task, how many
 students made each mistake, as the outside verdicts diagnosed it (each student once per task):
<table class="reteach"><thead><tr><th>task</th><th>students</th><th>mistake</th></tr></thead><tbody>
{% for task, entries in reteach %}{% for count, words, code in entries %}<tr>{% if loop.first %}<td rowspan="{{ entries|length }}">{{ task }}</td>{% endif %}<td>{{ count }}</td><td class="mistake">{{ words }}{% if code %} <small><code>{{ code }}</code></small>{% endif %}</td></tr>
{% endfor %}{% endfor %}</tbody></table></div>{% endif %}
<p class="legend"><span style="background:#d4f4d4">full</span><span style="background:#ffe8b3">partial</span><span
 style="background:#f9c9c9">0</span><span style="background:#eee">to grade</span>{% if to_review %}<span
 style="background:#eadcf5">to review</span>{% endif %} {{ '&starf; bonus task &middot; '|safe if max_bonus }}click a header to sort,
 a plot to enlarge</p>
<table id="grades"><thead><tr>
<th data-type="text">student</th>
{% for task, maximum in columns %}<th class="{{ 'bonus' if task in bonus_tasks }}" title="task {{ task }}">{{ task or 'other' }}{{ '\u2605' if task in bonus_tasks }}<small>/{{ maximum|num }}</small></th>{% endfor %}
<th>total<small>/{{ max_total|num }}</small></th>{% if max_bonus %}<th class="bonus">bonus<small>/{{ max_bonus|num }}</small></th>{% endif %}
<th>late</th><th>flags</th><th>graded</th><th>feedback</th><th>curves</th>
</tr></thead><tbody>
{% for row in rows %}{% set r = row.result %}<tr class="{{ 'flagged' if row.flagged }}">
<td class="id" data-sort="{{ r.student }}">{{ r.student }}</td>
{% for cell in row.cells %}{% if cell is none %}<td class="none" data-sort="-1">&middot;</td>
{% elif cell[0] is none %}<td class="todo" data-sort="-0.5">&mdash;<small>{{ 'to grade again' if cell[4] else 'to grade' }}</small></td>
{% elif cell[5] %}<td class="review" data-sort="-0.25" title="{{ cell[5] }}">0<small>to review</small></td>
{% else %}<td class="{{ cell[2] }}" data-sort="{{ cell[0] }}">{{ cell[0]|num }}{% if cell[3] %}<small>+ to grade</small>{% endif %}</td>{% endif %}{% endfor %}
<td class="total" data-sort="{{ r.score }}">{{ r.score|num }}</td>{% if max_bonus %}<td data-sort="{{ r.bonus_score }}">{{ r.bonus_score|num }}</td>{% endif %}
<td class="late" data-sort="{{ r.penalty }}">{% if r.penalty %}<b>&minus;{{ r.penalty|num }}</b><small>{{ r.late }}</small>{% elif r.late and r.late != 'no due date' %}<small>{{ r.late }}</small>{% endif %}</td>
<td class="flags" data-sort="{{ r.flags|length }}">{% for flag in r.flags %}<span class="badge{{ ' suspicious' if flag.startswith('suspicious') }}{{ ' review' if flag.startswith(('to review', 'ERROR')) }}{{ ' note' if flag.startswith('note:') }}">{{ flag }}</span>{% endfor %}</td>
<td class="graded" data-sort="{{ r.run }}">{% if r.graded_this_run %}<b>this run</b>{% elif r.run %}kept<small>run {{ r.run }}, {{ r.graded[:16]|replace('T', ' ') }}</small>{% else %}<span class="muted">not yet</span>{% endif %}</td>
<td data-sort="{{ 1 if r.page or r.feedback else 0 }}">{% if r.page %}<a href="{{ row.page }}">feedback</a>{% endif %}{% if r.feedback %}<small><a href="{{ row.href }}">nbgrader's</a></small>{% endif %}{% if not r.page and not r.feedback %}<span class="muted">none</span>{% endif %}</td>
<td data-sort="{{ 1 if row.trained or row.image else 0 }}">{% if row.trained %}<img class="curves trained" alt="curves {{ r.student }} trained, as handed in, and the grading run's" title="handed in (solid, all its epochs) and verified by the grading run (dashed)" src="data:image/png;base64,{{ row.trained }}">{% endif %}{% if row.image %}<img class="curves" alt="the grading run's plot of {{ r.student }}" title="the grading run's plot" src="data:image/png;base64,{{ row.image }}">{% endif %}{% if r.trained_note %}<small class="muted">{{ r.trained_note }}</small>{% endif %}{% if not row.trained and not row.image and not r.trained_note %}<span class="muted">no plot</span>{% endif %}</td>
</tr>
{% endfor %}</tbody></table>
<script>
document.querySelectorAll("img.curves").forEach(i => i.onclick = () => i.classList.toggle("big"));
document.querySelectorAll("#grades th").forEach((th, column) => th.onclick = () => {
  const body = document.querySelector("#grades tbody"), up = !th.classList.contains("asc");
  document.querySelectorAll("#grades th").forEach(h => h.classList.remove("asc", "desc"));
  th.classList.add(up ? "asc" : "desc");
  const key = tr => tr.children[column].dataset.sort, numeric = th.dataset.type !== "text";
  const rows = [...body.rows].sort((a, b) => {
    const x = key(a), y = key(b);
    const order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, undefined, {numeric: true});
    return up ? order : -order;
  });
  rows.forEach(tr => body.appendChild(tr));
});
</script>
</body></html>
"""


def _number(value) -> str:
    return f"{value:g}"


def _columns(results) -> list[tuple[str, float]]:
    """Every task any student has, in notebook order, with its largest max points."""
    columns: dict = {}
    for result in results:
        for task, (_, maximum) in result.task_scores().items():
            columns[task] = max(columns.get(task, 0.0), maximum)
    return list(columns.items())


#: a failed task without a misconception code: a hidden test, a class that is not defined, a dead run
UNDIAGNOSED = "failed without a diagnosis (a hidden test failed, or the code could not run)"


#: the code of a task not attempted yet
NOT_ATTEMPTED = "call.not_implemented"


def reteach(results, columns) -> list[tuple[str, list[tuple[int, str, str]]]]:
    """``[(task, [(students, mistake in words, code), ...]), ...]``: per task in the page's order,
    how many students made each mistake, the most frequent first."""
    counts: dict = {}
    for result in results:
        for diagnosis in result.diagnoses:
            key = (diagnosis.code, diagnosis.misconception or (diagnosis.code if diagnosis.code else UNDIAGNOSED))
            counts.setdefault(diagnosis.task, Counter())[key] += 1
    # mistakes first, the most frequent first; then those without a diagnosis; a task not attempted
    # (still raising NotImplementedError) is no misconception: last
    return [(task, sorted(((count, words, code) for (code, words), count in counts[task].items()),
                          key=lambda entry: (entry[2] == NOT_ATTEMPTED, not entry[2], -entry[0], entry[1])))
            for task, _ in columns if task in counts]


def _review_list(results) -> list[tuple[str, list, str]]:
    """``(student, tasks, why)`` for every task to review, one line per student and reason."""
    grouped: dict = {}
    for result in results:
        for task, why in result.review_tasks().items():
            grouped.setdefault((result.student, why), []).append(task)
    return [(student, tasks, why) for (student, why), tasks in grouped.items()]


def _flagged(result: StudentResult) -> bool:
    """Flags beyond notes (a notebook that scored lower than the outside verdict is no problem)."""
    return any(not flag.startswith("note:") for flag in result.flags)


def _state(score: float, maximum: float) -> str:
    return "full" if score >= maximum else "zero" if score <= 0 else "partial"


def run_line(runs, results) -> str:
    """Who the latest run graded and who it kept, in words."""
    if not runs:
        return ""
    latest = runs[-1]
    graded = sorted({result.student for result in results if result.graded_this_run})
    kept = sum(1 for result in results if result.run and not result.graded_this_run)
    return (f"Run {latest['number']} ({latest['started'][:16].replace('T', ' ')} UTC): graded "
            f"{len(graded)}{': ' + ', '.join(graded) if 0 < len(graded) <= 12 else ''}; "
            f"kept {kept} as graded before")


def write_report(path, session: str, results: list[StudentResult], generated: str | None = None,
                 protections=(), runs=()) -> Path:
    """Write the tutor page for one session to ``path``; return the path.

    One self-contained HTML file (inline CSS and JS, plots as data URIs), so it can
    be mailed or opened from anywhere.  To look at it without a desktop browser::

        chromium --headless --no-sandbox --disable-gpu --no-first-run \\
            --user-data-dir=/tmp/chromium-profile --window-size=1400,900 \\
            --screenshot=/tmp/report.png file:///absolute/path/to/report.html
    """
    results = sorted(results, key=lambda result: result.student)
    columns = _columns(results)
    declared = load(session)
    bonus_tasks = declared.bonus_tasks
    rows = []
    for result in results:
        scores, review = result.task_scores(), result.review_tasks()
        cells = []
        for task, _ in columns:
            if task not in scores:
                cells.append(None)
            else:
                score, maximum = scores[task]
                cells.append((score, maximum, None if score is None else _state(score, maximum),
                              task in result.pending_tasks(), task in result.regrade_tasks(),
                              review.get(task, "")))
        image = base64.b64encode(result.curves_png).decode("ascii") if result.curves_png else None
        trained = base64.b64encode(result.trained_png).decode("ascii") if result.trained_png else None
        href = quote(result.feedback, safe="/") if result.feedback else None
        page = quote(result.page, safe="/") if result.page else None
        rows.append({"result": result, "cells": cells, "image": image, "trained": trained, "href": href, "page": page,
                     "flagged": _flagged(result)})
    totals = [result.score for result in results]
    return _render(
        TEMPLATE, path, session=session, title=declared.title, results=results, rows=rows, columns=columns, bonus_tasks=bonus_tasks,
        generated=generated or datetime.now().strftime("%Y-%m-%d %H:%M"),
        mean=f"{statistics.mean(totals):.1f}" if totals else "–",
        median=f"{statistics.median(totals):g}" if totals else "–",
        max_total=sum(maximum for task, maximum in columns if task not in bonus_tasks),
        max_bonus=sum(maximum for task, maximum in columns if task in bonus_tasks),
        flagged=sum(1 for result in results if _flagged(result)),
        suspicious=sum(1 for result in results if any(flag.startswith("suspicious") for flag in result.flags)),
        missing_protections=[line for line in protections if "NOT available" in line],
        to_grade=sum(1 for result in results for cell in result.cells if cell.score is None),
        to_review=sum(len(result.review_tasks()) for result in results),
        review_list=_review_list(results),
        reteach=reteach(results, columns),
        late=sum(1 for result in results if result.penalty), run_line=run_line(runs, results))


def _render(template: str, path, **values) -> Path:
    """Render one page (every value escaped) and write it whole: a killed run leaves the previous page."""
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["num"] = _number
    html = environment.from_string(template).render(**values)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(html, encoding="utf-8")
    partial.replace(path)
    return path


OVERVIEW = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>HaMLeT course overview</title>
<style>
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em} .summary{color:#444;margin:0 0 1em}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 3px #0002}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:center;vertical-align:middle}
th{background:#eef1f5;position:sticky;top:0;white-space:nowrap} th small,td small{display:block;font-weight:normal;color:#666}
td.id{text-align:left;font-family:ui-monospace,monospace} td.total{font-weight:bold} td.none{background:#eee;color:#888}
.badge{display:inline-block;background:#e67e22;color:#fff;border-radius:3px;padding:0 4px;margin:1px;font-size:.8em}
.badge.suspicious{background:#8e0000;font-weight:bold} .badge.late{background:#7a1010} .badge.todo{background:#777}
.badge.unknown{background:#555} .badge.review{background:#5b2c83;font-weight:bold}
</style></head><body>
<h1>HaMLeT course overview</h1>
<p class="summary">Generated {{ generated }} &middot; <b>{{ students|length }}</b> students &middot; {{ sessions|length }}
 sessions{% if course_file %} &middot; course file {{ course_file }}{% endif %}</p>
{% if run_line %}<p class="summary" id="run">{{ run_line }}</p>{% endif %}
{% if missing_protections %}<p class="summary"><b>Grading sandbox incomplete:</b> {{ missing_protections|join("; ") }}</p>{% endif %}
<table id="course"><thead><tr><th>student</th>
{% for session in sessions %}<th><a href="{{ session.href }}">{{ session.name }}</a><small>{{ session.title }}</small>
<small>/{{ session.max|num }}{{ ' + bonus' if session.bonus }}{% if session.due %}, due {{ session.due }}{% endif %}</small></th>{% endfor %}
<th>total<small>/{{ max_total|num }}</small></th></tr></thead><tbody>
{% for row in rows %}<tr><td class="id">{{ row.student }}</td>
{% for cell in row.cells %}{% if cell is none %}<td class="none">&middot;</td>{% else %}{% set r = cell.result %}<td>
<a href="{{ cell.page }}">{{ r.total|num }}</a>{% if r.bonus_score %}<small>incl. {{ r.bonus_score|num }} bonus</small>{% endif %}
{% if r.penalty %}<span class="badge late" title="{{ r.late }}">late &minus;{{ r.penalty|num }}</span>{% elif r.late.startswith('time unknown') %}<span class="badge unknown" title="{{ r.late }}">time unknown</span>{% endif %}
{% if cell.suspicious %}<span class="badge suspicious">suspicious</span>{% elif r.flags %}<span class="badge" title="{{ r.flags|join('; ') }}">{{ r.flags|length }} flag{{ 's' if r.flags|length > 1 }}</span>{% endif %}
{% if cell.to_grade %}<span class="badge todo">{{ cell.to_grade }} to grade</span>{% endif %}
{% if cell.to_review %}<span class="badge review" title="{{ cell.to_review|join('; ') }}">{{ cell.to_review|length }} to review</span>{% endif %}
{% if r.feedback %}<small><a href="{{ cell.feedback }}">feedback</a></small>{% endif %}</td>{% endif %}{% endfor %}
<td class="total">{{ row.total|num }}</td></tr>
{% endfor %}</tbody></table>
</body></html>
"""


def write_course_overview(path, by_session: dict, generated: str | None = None, protections=(), runs=(),
                          course_file=None) -> Path:
    """The course overview: a row per student, a column per session (total, late marks, flags, a
    link to the session's page and the feedback); ``by_session`` maps sessions to their results."""
    from urllib.parse import quote

    students = sorted({result.student for results in by_session.values() for result in results})
    sessions, rows = [], []
    for session, results in by_session.items():
        declared = load(session)
        maximum = max((result.max_score for result in results), default=0.0)
        due = course_file.due_of(session) if course_file is not None else None
        sessions.append({"name": session, "title": declared.title, "href": quote(f"{session}/report.html"),
                         "max": maximum, "bonus": bool(declared.bonus_tasks),
                         "due": due.strftime("%Y-%m-%d %H:%M %Z") if due else None})
    lookup = {(result.session, result.student): result for results in by_session.values() for result in results}
    for student in students:
        cells, total = [], 0.0
        for session in by_session:
            result = lookup.get((session, student))
            if result is None:
                cells.append(None)
                continue
            total += result.total
            cells.append({"result": result, "page": quote(f"{session}/report.html"),
                          "feedback": quote(f"{session}/{result.feedback}") if result.feedback else None,
                          "suspicious": any(flag.startswith("suspicious") for flag in result.flags),
                          "to_grade": sum(1 for cell in result.cells if cell.score is None),
                          "to_review": [f"task {task}: {why}" for task, why in result.review_tasks().items()]})
        rows.append({"student": student, "cells": cells, "total": total})
    everyone = [result for results in by_session.values() for result in results]
    return _render(
        OVERVIEW, path, generated=generated or datetime.now().strftime("%Y-%m-%d %H:%M"), students=students, sessions=sessions,
        rows=rows, max_total=sum(session["max"] for session in sessions), run_line=run_line(runs, everyone),
        course_file=str(course_file.path) if course_file is not None and course_file.path else None,
        missing_protections=[line for line in protections if "NOT available" in line])
