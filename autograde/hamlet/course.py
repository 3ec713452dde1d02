"""Where the course's files are: one folder per session under solutions/ and notebooks/."""

from __future__ import annotations

from pathlib import Path

#: the repository root (this file is autograde/hamlet/course.py)
ROOT = Path(__file__).resolve().parents[2]
AUTOGRADE = ROOT / "autograde"
SOLUTIONS = ROOT / "solutions"
RELEASE = ROOT / "notebooks"
BUILD = ROOT / "build"


def sessions() -> list[str]:
    """Names of the sessions that have a source notebook, e.g. ``["06_backpropagation"]``."""
    return sorted(folder.name for folder in SOLUTIONS.iterdir()
                  if folder.is_dir() and (folder / f"{folder.name}.ipynb").exists())


def source_notebook(session: str) -> Path:
    return SOLUTIONS / session / f"{session}.ipynb"


def release_notebook(session: str) -> Path:
    return RELEASE / session / f"{session}.ipynb"


#: cells of the Session 6 source notebook that define the course's classes (no training)
CLASS_CELLS = ("given_imports", "given_sigmoid_functions", "given_layer_cost", "given_sigmoid_layer",
               "linear", "mean_square_error", "network", "softmax", "cross_entropy")


def solution_namespace(session: str = "06_backpropagation", cell_ids=CLASS_CELLS) -> dict:
    """Execute the given cells of a source notebook; return their namespace.

    The reference solution, taken from the one place it is written (for tests and benchmarks).
    """
    import nbformat

    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell
             for cell in nbformat.read(str(source_notebook(session)), as_version=4).cells}
    namespace: dict = {}
    for cell_id in cell_ids:
        exec(compile(cells[cell_id].source, f"<{cell_id}>", "exec"), namespace)
    return namespace
