"""Generate the student notebooks with nbgrader and prove they hold no solution."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from . import course

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "BEGIN MARK SCHEME", "END MARK SCHEME")


def generate_release(session: str, release_directory=None) -> Path:
    """``nbgrader generate_assignment`` from solutions/ into notebooks/ (no gradebook).

    ``release_directory`` (absolute) writes elsewhere, e.g. to compare with the
    committed release.  Returns the generated notebook's path.
    """
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", session, "--no-db", "--force",
               "--log-level=WARN"]
    folder = course.RELEASE
    if release_directory is not None:
        folder = Path(release_directory).resolve()
        command.append(f"--CourseDirectory.release_directory={folder}")
    result = subprocess.run(command, cwd=course.AUTOGRADE, capture_output=True, text=True)
    notebook = folder / session / f"{session}.ipynb"
    if result.returncode != 0 or not notebook.exists():
        raise RuntimeError(f"nbgrader generate_assignment {session} failed:\n{result.stdout}{result.stderr}")
    return notebook


def _secret_lines(source) -> set[str]:
    """Non-trivial lines found only in the source's solution regions, hidden tests and answer cells."""
    secret, public = set(), set()
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            regions, rest = [cell.source], ""
        else:
            regions = SOLUTION_REGION.findall(cell.source) + HIDDEN_REGION.findall(cell.source)
            rest = HIDDEN_REGION.sub("", SOLUTION_REGION.sub("", cell.source))
        for region in regions:
            secret.update(line.strip() for line in region.splitlines()
                          if len(line.strip()) > 12 and not line.strip().startswith("#"))
        public.update(line.strip() for line in rest.splitlines())
    return secret - public


def release_problems(source_path, release_path) -> list[str]:
    """What in the release notebook gives away the source's solutions or hidden tests.

    Returns a list of problems (empty when the release is clean): nbgrader markers,
    any line of a solution region, hidden test or answer cell, and any output.
    """
    source = nbformat.read(str(source_path), as_version=4)
    release = nbformat.read(str(release_path), as_version=4)
    secrets = _secret_lines(source)
    problems = []
    for number, cell in enumerate(release.cells):
        name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {number}")
        for marker in MARKERS:
            if marker in cell.source:
                problems.append(f"{name}: contains the marker {marker!r}")
        for line in cell.source.splitlines():
            if line.strip() in secrets:
                problems.append(f"{name}: contains the solution line {line.strip()!r}")
        if cell.get("outputs"):
            problems.append(f"{name}: has outputs")
    return problems


def _comparable(notebook) -> list[tuple]:
    """What a release is made of: each cell's type, source and nbgrader metadata."""
    return [(cell.cell_type, cell.source, cell.metadata.get("nbgrader", {}).get("grade_id"),
             cell.metadata.get("nbgrader", {}).get("checksum"))
            for cell in notebook.cells]


def release_differences(committed_path, fresh_path) -> list[str]:
    """How the committed release differs from one nbgrader generates now (empty: current)."""
    if not Path(committed_path).exists():
        return [f"{committed_path} does not exist"]
    committed = _comparable(nbformat.read(str(committed_path), as_version=4))
    fresh = _comparable(nbformat.read(str(fresh_path), as_version=4))
    if len(committed) != len(fresh):
        return [f"{len(committed)} cells, nbgrader now makes {len(fresh)}"]
    return [f"cell {number} ({new[2] or new[0]}) differs"
            for number, (old, new) in enumerate(zip(committed, fresh)) if old != new]


def session_facts_text(session: str) -> str:
    """The JSON ``hamlet_utils/sessions/<session>.json`` must hold: the declaration's public facts."""
    from .declaration import load, public_facts

    return json.dumps(public_facts(load(session)), indent=1) + "\n"


def write_session_facts(session: str) -> Path:
    """Copy the facts the visible checks need from the declaration into hamlet_utils (atomically)."""
    from hamlet_utils.session_facts import path_of

    path = path_of(session)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(session_facts_text(session))
    os.replace(partial, path)
    return path


def declaration_problems(session: str) -> list[str]:
    """Where the declaration, its notebook and the shipped copy of its facts disagree."""
    from hamlet_utils.session_facts import path_of

    from .declaration import load, problems_with

    problems = problems_with(load(session), nbformat.read(str(course.source_notebook(session)), as_version=4))
    shipped = path_of(session)
    if not shipped.exists() or shipped.read_text() != session_facts_text(session):
        problems.append(f"{shipped.relative_to(course.ROOT)} is not the declaration's (run `make release`)")
    return problems


def filled_in(release_path, source_path) -> nbformat.NotebookNode:
    """The release notebook with every solution cell as the instructor wrote it.

    What a student who solved everything hands in: the release's cells, with the
    source's solution cells (markers removed) in place of the stubs.
    """
    release = nbformat.read(str(release_path), as_version=4)
    source = nbformat.read(str(source_path), as_version=4)
    answers = {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in source.cells
               if cell.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(line for line in answers[grade_id].splitlines()
                                    if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    return release
