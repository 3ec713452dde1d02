"""Shared test helpers: the session notebooks' code, loaded without Jupyter."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SESSION = "06_backpropagation"
SOURCE = ROOT / "solutions" / SESSION / f"{SESSION}.ipynb"
RELEASE = ROOT / "notebooks" / SESSION / f"{SESSION}.ipynb"

#: cells that define classes the checks need; training cells are left out (slow)
CLASS_CELLS = ("given_imports", "given_sigmoid_functions", "given_layer_cost", "given_sigmoid_layer",
               "linear", "mean_square_error", "network", "softmax", "cross_entropy")


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def cells_by_id(path=SOURCE) -> dict:
    return {grade_id(cell): cell for cell in nbformat.read(str(path), as_version=4).cells if grade_id(cell)}


def source_namespace(cell_ids=CLASS_CELLS) -> dict:
    """Execute the given cells of the solution notebook; return their namespace.

    This is the reference solution, taken from the one place it is written.
    """
    cells = cells_by_id()
    namespace: dict = {}
    for cell_id in cell_ids:
        exec(compile(cells[cell_id].source, f"<{cell_id}>", "exec"), namespace)
    return namespace


@pytest.fixture(scope="session")
def reference() -> dict:
    """Namespace with the reference Linear, MeanSquareError, Network, SoftMax, CrossEntropy, Sigmoid."""
    return source_namespace()


sys.path.insert(0, str(ROOT / "autograde"))
