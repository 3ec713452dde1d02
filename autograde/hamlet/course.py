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
