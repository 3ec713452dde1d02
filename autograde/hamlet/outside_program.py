"""The program the outside verdicts run: a submission's code cells, in the notebook's order.

The release's given cells (not the student's copies of them), the student's solution
cells and any cells they added; test cells stay as the points where their task is
judged, and the declared plot cells are left out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from .declaration import Declaration, task_of


@dataclass
class Cell:
    name: str
    source: str
    defines_only: bool  # only imports, functions and classes: safe to run in the class worker
    task: str | None = None  # a test cell: the task judged at this point of the notebook


def grade_id_of(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def autograded_tasks(release) -> list[str]:
    """The tasks the release's test cells grade, in notebook order."""
    return list(dict.fromkeys(task_of(grade_id_of(cell)) for cell in release.cells
                              if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")))


def _defines_only(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return all(isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)) for node in tree.body)


def program(release, submission, declaration: Declaration) -> list[Cell]:
    """The code cells to run, in order: the release's given cells, the student's solution
    cells (the release's stub where one is missing) and the cells the student added.
    Test cells stay as the points where their task is judged (no source); the declared
    plot cells are left out, and so are the student's copies of given cells."""
    released = {grade_id_of(cell): cell for cell in release.cells if grade_id_of(cell)}
    solutions = {grade_id_of(cell): cell.source for cell in submission.cells
                 if cell.cell_type == "code" and grade_id_of(cell) in released
                 and released[grade_id_of(cell)].metadata["nbgrader"].get("solution")}
    added: dict = {}  # the release cell a student's own cell follows -> [(name, source)]
    anchor = None
    for number, cell in enumerate(submission.cells):
        if cell.cell_type != "code":
            continue
        if grade_id_of(cell) in released:
            anchor = grade_id_of(cell)
        elif cell.source.strip():
            added.setdefault(anchor, []).append((f"cell {number}", cell.source))
    cells = [Cell(name, source, _defines_only(source)) for name, source in added.get(None, [])]
    for cell in release.cells:
        grade_id = grade_id_of(cell)
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade"):
            cells.append(Cell(grade_id, "", False, task=task_of(grade_id)))
        elif cell.cell_type == "code" and grade_id not in declaration.plot_cells:
            source = solutions.get(grade_id, cell.source) if meta.get("solution") else cell.source
            cells.append(Cell(grade_id, source, _defines_only(source) or not meta.get("solution")))
        cells.extend(Cell(name, source, _defines_only(source)) for name, source in added.get(grade_id, []))
    return cells


def definition_cells(cells: list[Cell], declaration: Declaration) -> list[Cell]:
    """What the definitions' worker runs: the declared definition cells and the student's
    own cells that only define things; no training."""
    return [cell for cell in cells if cell.task is None and
            (cell.name in declaration.definition_cells or (cell.name.startswith("cell ") and cell.defines_only))]
