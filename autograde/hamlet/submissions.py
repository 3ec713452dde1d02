"""Collecting a class's submissions: every student's notebook, or why there is none."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Submission:
    """One student's hand-in: the notebook, or why there is none."""

    student: str
    notebook: Path | None
    problem: str | None = None


def _student_id(name: str) -> str:
    """A folder- and database-safe student id."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._")
    return cleaned or "unnamed"


def _safe_extract(archive: Path, folder: Path) -> Path:
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            target = (folder / member.filename).resolve()
            if not str(target).startswith(str(folder.resolve())):
                raise ValueError(f"{archive}: refusing the entry {member.filename!r} (outside the folder)")
        bundle.extractall(folder)
    return folder


def _notebooks(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("*.ipynb") if not path.name.startswith("."))


def collect_submissions(path, session: str, scratch: Path) -> list[Submission]:
    """Find every student's notebook in ``path``.

    Accepts nbgrader's ``submitted/<student>/<session>/`` layout (with or without the
    ``submitted`` folder), ``<student>/<notebook>.ipynb``, or a flat folder of
    ``<student>.ipynb`` files as an LMS exports them -- or a zip of any of these.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no submissions at {path}")
    if path.is_file() and zipfile.is_zipfile(path):
        path = _safe_extract(path, scratch / "incoming")
        entries = [entry for entry in path.iterdir() if not entry.name.startswith((".", "__MACOSX"))]
        if len(entries) == 1 and entries[0].is_dir() and not _notebooks(path):
            path = entries[0]
    elif path.is_file():
        raise ValueError(f"{path} is neither a folder nor a zip file")
    if (path / "submitted").is_dir():
        path = path / "submitted"

    submissions: dict[str, Submission] = {}

    def add(name: str, notebook: Path | None, problem: str | None = None):
        student = _student_id(name)
        if student in submissions:
            submissions[student].problem = (f"handed in more than once ({submissions[student].notebook} "
                                            f"and {notebook}); graded the first")
            return
        submissions[student] = Submission(student, notebook, problem)

    for notebook in _notebooks(path):  # flat: <student>.ipynb
        add(notebook.stem, notebook)
    for folder in sorted(entry for entry in path.iterdir() if entry.is_dir() and not entry.name.startswith(".")):
        candidates = _notebooks(folder / session) if (folder / session).is_dir() else _notebooks(folder)
        preferred = [candidate for candidate in candidates if candidate.stem == session]
        if preferred or len(candidates) == 1:
            add(folder.name, (preferred or candidates)[0])
        elif candidates:
            add(folder.name, candidates[0], f"{len(candidates)} notebooks and none named {session}.ipynb; "
                                            f"graded {candidates[0].name}")
        else:
            add(folder.name, None, "no notebook handed in")
    return list(submissions.values())
