"""What a session's checks need to know of the session: its tasks and which builds on which.

The instructor's declaration of a session (``solutions/<session>/session.py``) is the one
place these facts are written; ``hamlet release`` copies the parts a student's checks
need into ``hamlet_utils/sessions/<session>.json``, which ships with the checks (and
``hamlet check-release`` fails when the copy is stale).  They hold no solution.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "sessions"


@dataclass(frozen=True)
class SessionFacts:
    """Attributes
    ----------
    name : str
    tasks : tuple of str
        Every task, in the notebook's order.
    bonus : frozenset of str
        The tasks whose points count on top of the total.
    definitions : dict
        ``{task: name}``: the class or function a task is about, in the order the
        grader judges them.
    built_on : dict
        ``{task: (earlier tasks)}``: while an earlier task has a bug, this one is
        "not checked yet".
    """

    name: str
    tasks: tuple
    bonus: frozenset
    definitions: dict
    built_on: dict

    def earlier(self, task: str) -> tuple:
        return self.built_on.get(task, ())


def path_of(session: str) -> Path:
    return FOLDER / f"{session}.json"


@functools.lru_cache(maxsize=None)
def load(session: str) -> SessionFacts:
    """The facts of ``session``; a clear error when they are missing or broken."""
    path = path_of(session)
    try:
        data = json.loads(path.read_text())
        return SessionFacts(name=data["name"], tasks=tuple(data["tasks"]), bonus=frozenset(data["bonus"]),
                            definitions=dict(data["definitions"]),
                            built_on={task: tuple(earlier) for task, earlier in data["built_on"].items()})
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RuntimeError(f"the facts of session {session} ({path}) are missing or broken "
                           f"({type(error).__name__}: {error}); reinstall hamlet_utils") from None
