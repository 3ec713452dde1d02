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
    """Names of the sessions that have a source notebook, in order (``NN_name``: by number)."""
    return sorted(folder.name for folder in SOLUTIONS.iterdir()
                  if folder.is_dir() and (folder / f"{folder.name}.ipynb").exists())


def known_sessions(names) -> list[str]:
    """``names`` (each once, in order); ValueError naming the sessions there are for one that is not."""
    known = sessions()
    for name in names:
        if name not in known:
            raise ValueError(f"no session {name!r}; the sessions are {', '.join(known)}")
    return list(dict.fromkeys(names))


def source_notebook(session: str) -> Path:
    return SOLUTIONS / session / f"{session}.ipynb"


def release_notebook(session: str) -> Path:
    return RELEASE / session / f"{session}.ipynb"


def session_of(submissions) -> str:
    """The session a folder or zip of submissions is for.

    The only session; else the one a folder of the nbgrader layout names
    (``submitted/<student>/<session>/``); else the one whose release shares the most
    grade ids with the notebooks handed in.  ValueError when none can be told.
    """
    import json
    import zipfile

    known = sessions()
    if len(known) == 1:
        return known[0]
    path = Path(submissions)
    if not path.exists():
        raise FileNotFoundError(f"no submissions at {path}")
    texts = []
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as bundle:
            names = [name for name in bundle.namelist() if name.endswith(".ipynb")][:20]
            named = {part for name in names for part in Path(name).parts} & set(known)
            texts = [bundle.read(name) for name in names] if not named else []
    elif path.is_dir():
        notebooks = sorted(path.rglob("*.ipynb"))[:20]
        named = {part for notebook in notebooks for part in notebook.relative_to(path).parts} & set(known)
        texts = [notebook.read_bytes() for notebook in notebooks] if not named else []
    else:
        raise ValueError(f"{path} is neither a folder nor a zip file")
    if len(named) == 1:
        return named.pop()
    known = [session for session in known if release_notebook(session).is_file()]
    if len(known) < 2:
        if known:
            return known[0]
        raise ValueError("no session has a release yet: run `make release`")
    released = {session: {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                          for cell in json.loads(release_notebook(session).read_text())["cells"]} - {None}
                for session in known}
    votes = dict.fromkeys(known, 0)
    for text in texts:
        try:
            ids = {cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") for cell in json.loads(text)["cells"]}
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        best = max(known, key=lambda session: len(ids & released[session]))
        if ids & released[best]:
            votes[best] += 1
    ranked = sorted(known, key=votes.get, reverse=True)
    if votes[ranked[0]] == 0 or votes[ranked[0]] == votes[ranked[1]]:
        raise ValueError(f"cannot tell which session {path} holds; name it with --session "
                         f"({', '.join(known)})")
    return ranked[0]


def declaration(session: str):
    """The session's declaration (``solutions/<session>/session.py``)."""
    from .declaration import load

    return load(session)


def solution_namespace(session: str, cell_ids=None) -> dict:
    """Execute cells of a source notebook (by default its definition cells); return their namespace.

    The reference solution, taken from the one place it is written (for tests and benchmarks).
    """
    import nbformat

    cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell
             for cell in nbformat.read(str(source_notebook(session)), as_version=4).cells}
    namespace: dict = {}
    for cell_id in cell_ids or declaration(session).definition_cells:
        exec(compile(cells[cell_id].source, f"<{cell_id}>", "exec"), namespace)
    return namespace
