"""Backups of the course gradebook, made with sqlite's backup API before a run writes to it.

The gradebook holds what tutors entered (manual scores, comments, extensions): before any
``hamlet`` command changes it, a consistent copy goes to ``OUT/backups/``; the newest
:data:`KEEP` copies are kept.  To go back to one: stop every ``hamlet`` and formgrader,
then copy it over ``OUT/gradebook.db``.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

KEEP = 5
FOLDER = "backups"


class GradebookError(RuntimeError):
    """The gradebook cannot be used: the message names the file and the way back."""


def backups(out: Path) -> list[Path]:
    """The backups of ``out``'s gradebook, oldest first."""
    return sorted((Path(out) / FOLDER).glob("gradebook-*.db"))


def check(database: Path) -> None:
    """Raise GradebookError unless ``database`` is a sound sqlite file (a killed write's
    journal is rolled back by opening it)."""
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=30)) as connection:
            verdict = connection.execute("pragma integrity_check").fetchone()[0]
    except sqlite3.Error as error:
        verdict = f"{type(error).__name__}: {error}"
    if verdict != "ok":
        latest = backups(database.parent)
        way_back = f"; the latest backup is {latest[-1]}" if latest else ""
        raise GradebookError(f"{database} is damaged ({verdict}){way_back}")


def back_up(out: Path, keep: int = KEEP) -> Path | None:
    """Copy ``out/gradebook.db`` into ``out/backups/`` (None when there is no gradebook yet)."""
    database = Path(out) / "gradebook.db"
    if not database.exists():
        return None
    check(database)
    folder = Path(out) / FOLDER
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"gradebook-{stamp}.db"
    partial = folder / f".{target.name}.partial"
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)) as source, \
            closing(sqlite3.connect(partial)) as copy:
        source.backup(copy)  # a consistent snapshot, even while another process writes
    os.replace(partial, target)
    for old in backups(out)[:-keep]:
        old.unlink()
    return target
