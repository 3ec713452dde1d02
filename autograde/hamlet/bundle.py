"""The student bundle: one zip with the release notebooks, ``hamlet_utils`` and MNIST.

Every entry sits under the top folder ``hamlet/`` (unzipping gives one ``hamlet``
folder whatever the zip file is called)::

    hamlet/README.md                      generated: how to install and start
    hamlet/pyproject.toml                 generated: installs hamlet_utils and what students need, only
    hamlet/environment.yml                generated: the same for conda (its ``pip: [-e .]`` installs the above)
    hamlet/binder/environment.yml, postBuild
                                          generated: the folder opens on mybinder.org (repo2docker reads
                                          only binder/ when it exists; postBuild installs hamlet_utils)
    hamlet/hamlet_utils/*.py, sessions/*.json (what the checks know of each session)
    hamlet/data/mnist/*.gz, README.md
    hamlet/notebooks/<session>/...        every release file (no checkpoints or caches)

Nothing from solutions/, autograde/ or tests/ goes in, nor the ``hamlet`` package, nor the
instructor's tools (nbgrader, pytest): the student environment is :data:`STUDENT_TOOLS` on top
of the runtime dependencies of the repository's pyproject.toml.
Before writing, every session's release is checked with
:func:`hamlet.release.release_problems`, and every text entry is scanned for
nbgrader's markers; either finding anything raises RuntimeError.
"""

from __future__ import annotations

import json
import time
import tomllib
import zipfile
from pathlib import Path

from . import course
from .release import MARKERS, release_problems

TOP = "hamlet"
SKIPPED_PARTS = {"__pycache__", ".ipynb_checkpoints"}
FORBIDDEN_TEXT = MARKERS + ("hidden_tests",)
#: what students need besides hamlet_utils' own dependencies: a notebook server and the kernel
STUDENT_TOOLS = ("jupyterlab", "ipykernel")
#: the conda Python of the student environment (as the repository's environment.yml)
CONDA_PYTHON = "python=3.11"
#: files that must be executable in the zip (repo2docker runs postBuild)
EXECUTABLE = {"binder/postBuild"}

README = """\
# HaMLeT — deep learning from scratch

In these Jupyter notebooks you build neural networks yourself, in NumPy.
Everything you need is in this folder, MNIST included: no internet is needed
after the installation of the Python packages.

## Install (once)

With a virtual environment (Python >= {python}):

```bash
python3 -m venv .venv && .venv/bin/pip install -e .
.venv/bin/jupyter lab
```

or with conda:

```bash
conda env create -f environment.yml && conda activate hamlet
jupyter lab
```

Both install the course's helper package `hamlet_utils` from this folder
(editable, so it finds the data in `data/mnist/`), NumPy, tqdm, Matplotlib,
ipywidgets and JupyterLab.

Or without installing anything: put this folder in a public GitHub repository
and open `https://mybinder.org/v2/gh/<owner>/<repository>/HEAD`; Binder builds
the environment from `binder/` (your work there is lost when the session ends:
download your notebook).

## Work on a session

{sessions}

1. Open the notebook and run the cells of *Given code* once.
2. Work through the tasks in order. After each task, run the **check cell**
   right below it: it prints one line when your code is right, and otherwise
   says which quantity is wrong and what the likely mistake is.
3. MNIST is in `data/mnist/` (CC BY-SA 3.0, see its README); nothing is downloaded.
"""


def _files() -> list[tuple[Path, str]]:
    """(file on disk, path inside the bundle below TOP) of everything copied."""
    root = course.ROOT
    chosen = [path for path in sorted(course.RELEASE.rglob("*"))
              if path.is_file() and not SKIPPED_PARTS & set(path.relative_to(root).parts)]
    chosen += sorted((root / "hamlet_utils").glob("*.py"))
    chosen += sorted((root / "hamlet_utils" / "sessions").glob("*.json"))  # what the checks know of each session
    chosen += sorted((root / "data" / "mnist").glob("*.gz")) + [root / "data" / "mnist" / "README.md"]
    return [(path, path.relative_to(root).as_posix()) for path in chosen]


def _dependencies() -> list[str]:
    """What students install: hamlet_utils' runtime dependencies (the repository's) and STUDENT_TOOLS."""
    project = tomllib.loads((course.ROOT / "pyproject.toml").read_text())["project"]
    return list(project["dependencies"]) + list(STUDENT_TOOLS)


def _environment(*, install_here: bool) -> str:
    """A conda environment.yml of the student dependencies; ``install_here`` adds ``pip: [-e .]``."""
    lines = [f"  - {CONDA_PYTHON}"] + [f"  - {dependency}" for dependency in _dependencies()] + ["  - pip"]
    if install_here:
        head = "# conda env create -f environment.yml && conda activate hamlet\n"
        lines += ["  - pip:", "      - -e ."]
    else:
        head = ("# Binder (repo2docker): the conda environment; postBuild then installs hamlet_utils\n"
                "# from the folder (which is not there yet while this environment is built).\n")
    return head + "name: hamlet\nchannels:\n  - conda-forge\ndependencies:\n" + "\n".join(lines) + "\n"


POST_BUILD = """\
#!/bin/bash
# Binder (repo2docker) runs this in the folder once the environment is built.
set -euo pipefail
python -m pip install --no-deps -e .
"""


def _pyproject() -> str:
    """A pyproject.toml for hamlet_utils alone, with the repository's version and the student dependencies."""
    project = tomllib.loads((course.ROOT / "pyproject.toml").read_text())["project"]
    dependencies = "".join(f"    {json.dumps(dependency)},\n" for dependency in _dependencies())
    return f"""\
[build-system]
requires = ["setuptools>=64"]
build-backend = "setuptools.build_meta"

[project]
name = "hamlet-utils"
version = {json.dumps(project["version"])}
description = "HaMLeT: helpers for the deep-learning-from-scratch notebooks"
readme = "README.md"
requires-python = {json.dumps(project["requires-python"])}
dependencies = [
{dependencies}]

[tool.setuptools]
packages = ["hamlet_utils"]

[tool.setuptools.package-data]
hamlet_utils = ["sessions/*.json"]
"""


def _readme() -> str:
    python = tomllib.loads((course.ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    sessions = "\n".join(f"* `notebooks/{session}/{session}.ipynb`" for session in course.sessions())
    return README.format(python=python.lstrip(">="), sessions=sessions)


def write_bundle(path) -> Path:
    """Check every release, then write the student zip to ``path``; return the path."""
    problems = []
    for session in course.sessions():
        release = course.release_notebook(session)
        if not release.exists():
            problems.append(f"{session}: no release notebook {release} (run `hamlet release`)")
            continue
        problems += [f"{session}: {problem}"
                     for problem in release_problems(course.source_notebook(session), release)]
    entries = {"README.md": _readme().encode(), "pyproject.toml": _pyproject().encode(),
               "environment.yml": _environment(install_here=True).encode(),
               "binder/environment.yml": _environment(install_here=False).encode(),
               "binder/postBuild": POST_BUILD.encode()}
    for source, name in _files():
        entries[name] = source.read_bytes()
    for name, data in entries.items():
        if name.endswith(".gz"):
            continue
        text = data.decode("utf-8", errors="replace")
        problems += [f"{name}: contains {marker!r}" for marker in FORBIDDEN_TEXT if marker in text]
    if problems:
        raise RuntimeError("refusing to write the student bundle, it would give away:\n  "
                           + "\n  ".join(problems))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in sorted(entries.items()):
            info = zipfile.ZipInfo(f"{TOP}/{name}", date_time=time.localtime()[:6])
            info.external_attr = (0o755 if name in EXECUTABLE else 0o644) << 16  # not zipfile's default 0600
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
            bundle.writestr(info, data)
    return path
