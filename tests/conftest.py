"""Shared test helpers: the session notebooks' code, loaded without Jupyter."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SESSION = "06_backpropagation"
SOURCE = ROOT / "solutions" / SESSION / f"{SESSION}.ipynb"
RELEASE = ROOT / "notebooks" / SESSION / f"{SESSION}.ipynb"


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


sys.path.insert(0, str(ROOT / "autograde"))
from hamlet.course import solution_namespace as source_namespace  # noqa: E402


@pytest.fixture(scope="session")
def reference() -> dict:
    """Namespace with the reference Linear, MeanSquareError, Network, SoftMax, CrossEntropy, Sigmoid."""
    return source_namespace(SESSION)


@functools.cache
def corpus_budget(session: str, timeout: float) -> float:
    """Seconds per notebook for a fault or cheat corpus graded with ``timeout`` per cell: one stuck
    cell's ``timeout`` plus the default budget of a whole notebook, measured here (the cache
    test_grading shares).  A fixed number fails on a slower machine: the tasks after a stuck cell
    then run out of time and cost points the corpus does not expect them to."""
    from hamlet import budget

    return timeout + budget.default_budget(session, 2, 120, log=lambda *args: None).seconds
