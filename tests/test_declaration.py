"""The sessions' declarations: loaded from their folders, checked against their notebooks, and the
only place the engine learns anything about a session."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import sys

import nbformat
import pytest

from hamlet import course, declaration
from hamlet.release import declaration_problems

SESSIONS = course.sessions()
#: the engine, and the parts of hamlet_utils every session shares
ENGINE = sorted((course.AUTOGRADE / "hamlet").glob("*.py")) + [
    course.ROOT / "hamlet_utils" / name for name in
    ("checking.py", "gradcheck.py", "training.py", "mnist.py", "plotting.py", "session_facts.py", "__init__.py")]


def test_there_are_two_sessions_in_order():
    assert SESSIONS == ["05_sigmoid_neuron", "06_backpropagation"]


@pytest.mark.parametrize("session", SESSIONS)
def test_every_declaration_agrees_with_its_notebook_and_its_shipped_facts(session):
    assert declaration_problems(session) == []
    declared = declaration.load(session)
    assert declared.name == session and declared.hidden_tests is not None
    assert declared is declaration.load(session)  # loaded once


def _names_of(declared) -> set[str]:
    """Every name of a session's own: its classes and functions, cells, histories, step objects."""
    source = nbformat.read(str(course.source_notebook(declared.name)), as_version=4)
    cells = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in source.cells} - {None}
    names = {judged.name for judged in declared.definition_tasks} | set(declared.layers) | cells
    names |= {training.history for training in declared.training_tasks}
    names |= {name for step in declared.step_tasks for name in step.objects if len(name) > 2}
    return names


@pytest.mark.parametrize("session", SESSIONS)
def test_no_engine_module_names_a_task_class_or_cell_of_a_session(session):
    names = _names_of(declaration.load(session))
    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    found = [f"{path.relative_to(course.ROOT)}:{number}: {match.group(0)}"
             for path in ENGINE for number, line in enumerate(path.read_text().splitlines(), 1)
             for match in pattern.finditer(line)]
    # names that are also the engine's own vocabulary: train()'s parameters, the math the grader
    # computes, words ("a linear history", "a forward pass", "the network")
    ordinary = {"w", "b", "forward", "network", "linear", "learning_rate", "cost_function", *declaration.LAYER_MATH}
    assert [place for place in found if place.rsplit(": ", 1)[1] not in ordinary] == []


def test_a_missing_declaration_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(declaration, "SOLUTIONS", tmp_path)
    (tmp_path / "07_new").mkdir()
    with pytest.raises(declaration.DeclarationError, match=r"07_new/session.py is missing"):
        declaration.load("07_new")


def test_a_broken_declaration_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(declaration, "SOLUTIONS", tmp_path)
    (tmp_path / "07_broken").mkdir()
    (tmp_path / "07_broken" / "session.py").write_text("DECLARATION = Declaration(\n")
    with pytest.raises(declaration.DeclarationError, match=r"session.py does not load: SyntaxError"):
        declaration.load("07_broken")
    (tmp_path / "07_other").mkdir()
    (tmp_path / "07_other" / "session.py").write_text("DECLARATION = 3\n")
    with pytest.raises(declaration.DeclarationError, match=r"must define DECLARATION = Declaration"):
        declaration.load("07_other")


def test_disagreements_with_the_notebook_are_listed():
    declared = declaration.load("06_backpropagation")
    source = nbformat.read(str(course.source_notebook("06_backpropagation")), as_version=4)
    assert declaration.problems_with(declared, source) == []
    changed = copy.deepcopy(source)
    for cell in changed.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "task2d_linear_backward":
            meta["points"] = 5
        if meta.get("grade_id") == "plot_all":
            meta["grade_id"] = "plot_everything"
    changed.cells.append(nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {
        "grade_id": "task7_extra", "grade": True, "solution": False, "points": 1, "locked": True}}))
    problems = declaration.problems_with(declared, changed)
    assert "task 2d is declared with 3 points, the notebook gives 5" in problems
    assert "task 7 has graded cells but is not declared" in problems
    assert "cell plot_all is declared but not in the notebook" in problems


def test_release_refuses_a_declaration_that_disagrees(tmp_path):
    """`hamlet release` names the disagreement and writes no release."""
    session = "06_backpropagation"
    copy_root = tmp_path / "repo"
    for part in ("autograde", "hamlet_utils", "solutions", "notebooks"):
        shutil.copytree(course.ROOT / part, copy_root / part, ignore=shutil.ignore_patterns("__pycache__", "examples"))
    session_file = copy_root / "solutions" / session / "session.py"
    session_file.write_text(session_file.read_text().replace('Task("2d", 3)', 'Task("2d", 4)'))
    script = ("import sys; sys.path.insert(0, 'autograde'); sys.path.insert(0, '.'); "
              "from hamlet.cli import main; sys.exit(main(['release', '06_backpropagation']))")
    result = subprocess.run([sys.executable, "-c", script], cwd=copy_root, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "task 2d is declared with 4 points, the notebook gives 3" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
