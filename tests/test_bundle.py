"""The student bundle: everything a student needs, nothing a student must not see."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile

import pytest

from hamlet import course
from hamlet.bundle import TOP, write_bundle

FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "hidden_tests")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return write_bundle(tmp_path_factory.mktemp("bundle") / "students.zip")


@pytest.fixture(scope="module")
def names(bundle):
    with zipfile.ZipFile(bundle) as archive:
        return [entry.filename for entry in archive.infolist()]


def test_required_files(names):
    assert all(name.startswith(f"{TOP}/") for name in names)
    inside = {name[len(TOP) + 1:] for name in names}
    required = {"README.md", "pyproject.toml", "environment.yml", "binder/environment.yml", "binder/postBuild",
                "hamlet_utils/__init__.py",
                "hamlet_utils/mnist.py", "hamlet_utils/checks.py", "data/mnist/README.md"}
    required |= {f"data/mnist/{name}-idx{kind}-ubyte.gz" for name, kind in
                 (("train-images", 3), ("train-labels", 1), ("t10k-images", 3), ("t10k-labels", 1))}
    required |= {f"notebooks/{session}/{session}.ipynb" for session in course.sessions()}
    assert required <= inside
    released = {path.relative_to(course.ROOT).as_posix() for path in course.RELEASE.rglob("*")
                if path.is_file() and ".ipynb_checkpoints" not in path.parts and "__pycache__" not in path.parts}
    assert released <= inside


def test_nothing_secret(bundle, names):
    for name in names:
        inside = name[len(TOP) + 1:]
        assert not inside.startswith(("solutions/", "autograde/", "tests/", "hamlet/")), name
        assert "__pycache__" not in name and not name.endswith(".pyc"), name
    with zipfile.ZipFile(bundle) as archive:
        for name in names:
            if name.endswith(".gz"):
                continue
            text = archive.read(name).decode("utf-8", errors="replace")
            for marker in FORBIDDEN:
                assert marker not in text, f"{name} contains {marker!r}"


def test_pyproject_installs_only_hamlet_utils(bundle):
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read(f"{TOP}/pyproject.toml").decode()
    assert "hamlet.cli" not in text and "scripts" not in text and "optional-dependencies" not in text
    project = tomllib.loads(text)
    assert project["project"]["name"] == "hamlet-utils"
    assert project["tool"]["setuptools"]["packages"] == ["hamlet_utils"]
    dependencies = " ".join(project["project"]["dependencies"])
    for package in ("numpy", "tqdm", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel"):
        assert package in dependencies
    assert "nbgrader" not in dependencies and "pytest" not in dependencies


#: what only the instructor needs: never in the students' environment
INSTRUCTOR_TOOLS = ("nbgrader", "pytest", "nbclient", "torch")


def _conda_dependencies(text: str) -> tuple[list, list]:
    """(conda, pip) dependency lines of a simple environment.yml (no YAML parser in the environment)."""
    conda, pip, in_pip = [], [], False
    for line in text.splitlines():
        if line.startswith("  - pip:"):
            in_pip = True
        elif line.startswith("      - "):
            assert in_pip, line
            pip.append(line.split("- ", 1)[1])
        elif line.startswith("  - "):
            in_pip = False
            conda.append(line.split("- ", 1)[1])
    return conda, pip


@pytest.mark.parametrize("name", ["environment.yml", "binder/environment.yml"])
def test_environment_holds_only_what_students_need(bundle, name):
    with zipfile.ZipFile(bundle) as archive:
        text = archive.read(f"{TOP}/{name}").decode()
    conda, pip = _conda_dependencies(text)
    packages = {entry.split(">")[0].split("=")[0].split("<")[0] for entry in conda}
    assert {"python", "numpy", "tqdm", "matplotlib", "ipywidgets", "jupyterlab", "ipykernel", "pip"} <= packages
    for tool in INSTRUCTOR_TOOLS:
        assert tool not in text, f"{name} installs {tool}"
    # repo2docker builds binder/environment.yml before the folder is copied in: postBuild installs hamlet_utils
    assert pip == (["-e ."] if name == "environment.yml" else [])


def test_binder_folder(bundle):
    """repo2docker's conventions: binder/ (it then ignores the top folder's files), postBuild executable."""
    with zipfile.ZipFile(bundle) as archive:
        post_build = archive.getinfo(f"{TOP}/binder/postBuild")
        script = archive.read(post_build).decode()
        readme = archive.read(f"{TOP}/README.md").decode()
    assert script.startswith("#!/bin/bash\n")
    assert (post_build.external_attr >> 16) & 0o111 == 0o111
    assert "pip install --no-deps -e ." in script
    assert "mybinder.org/v2/gh/" in readme


def test_unpacked_bundle_works(bundle, tmp_path):
    """setuptools accepts the pyproject, and hamlet_utils finds MNIST in the unpacked folder."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / TOP
    script = ("import sys; from setuptools.config.pyprojecttoml import read_configuration; "
              "config = read_configuration('pyproject.toml'); "
              "assert config['project']['name'] == 'hamlet-utils', config; "
              "import hamlet_utils, hamlet_utils.mnist as mnist; "
              "assert hamlet_utils.__file__.startswith(sys.argv[1]), hamlet_utils.__file__; "
              "assert mnist._REPO_DATA_DIR.is_dir(), mnist._REPO_DATA_DIR")
    result = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, '.'); {script}",
                             str(folder)], cwd=folder, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_unpacked_bundle_knows_every_session(bundle, tmp_path):
    """The checks of every session find what they know of it (its facts) in the bundle alone."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path)
    folder = tmp_path / TOP
    sessions = course.sessions()
    script = ("import sys; sys.path.insert(0, '.'); from hamlet_utils import session_facts, checks, neuron_checks; "
              f"facts = [session_facts.load(name) for name in {sessions!r}]; "
              "assert all(fact.tasks and fact.built_on for fact in facts), facts; "
              "assert session_facts.FOLDER.is_relative_to(sys.argv[1]), session_facts.FOLDER")
    result = subprocess.run([sys.executable, "-I", "-c", script, str(folder)], cwd=folder, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_refuses_a_leaky_release(monkeypatch, tmp_path):
    monkeypatch.setattr("hamlet.bundle.release_problems",
                        lambda source, release: ["task2a: contains the solution line 'return x @ w'"])
    with pytest.raises(RuntimeError, match="solution line"):
        write_bundle(tmp_path / "leaky.zip")
    assert not (tmp_path / "leaky.zip").exists()
