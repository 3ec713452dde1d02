"""Grading on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes on
localhost, one of them killed in the middle of a hand-in (no mock anywhere)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from hamlet import cluster, examples, pipeline, run_state
from hamlet.budget import engine_hash
from hamlet.course_folder import executed_path
from hamlet.gradebook import opened

distributed = pytest.importorskip("distributed")

SESSION = "06_backpropagation"
#: a small class: full marks and typical bugs, one hand-in per worker (one of them killed)
CLASS = ("ada_complete", "ben_typical_bugs")
BUDGET = 150  # given, so the reference is not measured (test_budget.py does that)
DASK = str(Path(sys.executable).with_name("dask"))


def _wait_for(condition, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"waited {seconds} s for {what}")


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """``(scheduler file, {worker name: process})``; each process in its own session, so one
    ``killpg`` ends a worker, its nanny and everything the worker started."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    logs = []

    def start(*arguments, name):
        log = open(folder / f"{name}.log", "w")
        logs.append(log)
        return subprocess.Popen([DASK, *arguments], stdout=log, stderr=subprocess.STDOUT, cwd=folder,
                                start_new_session=True)
    scheduler = start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(scheduler_file), name="scheduler")
    _wait_for(scheduler_file.exists, 60, "the scheduler file")
    workers = {name: start("worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-dashboard",
                           "--name", name, "--host", "127.0.0.1", name=name) for name in ("worker-a", "worker-b")}
    client = distributed.Client(scheduler_file=str(scheduler_file), timeout=60, set_as_default=False)
    client.wait_for_workers(2, timeout=120)
    try:
        yield scheduler_file, workers, client
    finally:
        client.close()
        for process in [*workers.values(), scheduler]:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=30)
        for log in logs:
            log.close()


def _worker_busy_for(client, seconds: float) -> str | None:
    """The name of a worker that has had a hand-in for at least ``seconds``."""
    info = client.scheduler_info(n_workers=-1)["workers"]
    now = time.monotonic()
    for address, keys in client.processing().items():
        if keys and address in info:
            started = _BUSY_SINCE.setdefault((address, keys[0]), now)
            if now - started >= seconds:
                return info[address]["name"]
    return None


_BUSY_SINCE: dict = {}


@pytest.mark.grading
def test_a_class_graded_on_dask_gets_the_expected_scores_though_a_worker_dies(dask_cluster, tmp_path):
    scheduler_file, workers, client = dask_cluster
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for student in CLASS:
        shutil.copy(examples.folder(SESSION) / "submissions" / f"{student}.ipynb", submissions)
    out, lines, outcome = tmp_path / "course", [], {}

    def grade():
        try:
            outcome["results"] = pipeline.grade(submissions, out, SESSION, timeout=120, budget=BUDGET,
                                                cluster=str(scheduler_file), log=lines.append)
        except BaseException as error:  # noqa: BLE001 -- reported below
            outcome["error"] = error
    grading = threading.Thread(target=grade)
    grading.start()
    # in the middle of a hand-in: the worker, its nanny, its nbgrader and kernels all killed at once
    victim = _wait_for(lambda: _worker_busy_for(client, 4), 300, "a worker grading a hand-in")
    os.killpg(workers[victim].pid, signal.SIGKILL)
    grading.join(timeout=900)
    assert not grading.is_alive(), lines
    assert "error" not in outcome, (outcome.get("error"), lines)

    results = {result.student: result for result in outcome["results"]}
    expected = examples.read_expected(SESSION)
    assert set(results) == set(CLASS)
    for student in CLASS:
        assert examples.autograded_scores(results[student]) == expected[student], (student, lines)
    # each graded once: one record, one submission in the gradebook, the executed notebook here
    state = run_state.load(out)
    (run,) = state.runs
    assert sorted(run["graded"][SESSION]) == sorted(CLASS)
    assert not run.get("not_graded")
    with opened(out) as gradebook:
        assert sorted(submission.student.id for submission in gradebook.assignment_submissions(SESSION)) == \
            sorted(CLASS)
    for student in CLASS:
        notebook = nbformat.read(str(executed_path(out / "course", SESSION, student)), as_version=4)
        assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), student
    graded_lines = [line for line in lines if line.startswith("  graded ")]
    assert len(graded_lines) == len(CLASS), lines  # once each, and each says which worker graded it
    assert all(" on tcp://127.0.0.1:" in line for line in graded_lines), graded_lines
    assert any(line.startswith(f"cluster {scheduler_file}: 2 workers") for line in lines), lines
    # the surviving worker still answers, and the killed one is gone
    assert _wait_for(lambda: len(client.scheduler_info()["workers"]) == 1, 60, "the scheduler to drop the worker")


@pytest.mark.grading
def test_a_worker_refuses_a_hand_in_of_another_grader(dask_cluster):
    from hamlet.cluster_worker import HandIn, WrongGrader, grade_hand_in

    _, _, client = dask_cluster
    hand_in = HandIn(SESSION, "someone", "{}", None, pipeline.grader_hash(SESSION), "0" * 16, 120, None)
    future = client.submit(grade_hand_in, hand_in, pure=False)
    with pytest.raises(WrongGrader, match="another HaMLeT"):
        future.result(timeout=120)
    assert engine_hash() != "0" * 16


def test_an_unreachable_cluster_is_named_clearly(monkeypatch, tmp_path):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2)
    begin = time.monotonic()
    with pytest.raises(cluster.ClusterError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0\.1:9"):
        cluster.connect("tcp://127.0.0.1:9")
    assert time.monotonic() - begin < 30


def test_the_weakest_worker_names_the_protections():
    strong = ["no network: in force", "process limit: in force"]
    weak = ["no network: NOT available -- bwrap missing", "process limit: in force"]
    assert cluster.weakest_protections([strong, weak, strong]) == weak
    assert cluster.weakest_protections([strong, strong]) == strong


@pytest.mark.parametrize("text, message", [
    ('kind = "kubernetes"', 'kind must be "slurm" or "gateway"'),
    ('kind = "slurm"\nworkers = 0', "workers must be a whole number"),
    ('kind = "slurm"\noptions = 3', r"\[options\] must be a table"),
    ('kind = "slurm\n', "not a readable TOML file"),
])
def test_a_bad_cluster_file_is_named_with_its_problem(tmp_path, text, message):
    path = tmp_path / "cluster.toml"
    path.write_text(text)
    with pytest.raises(cluster.ClusterError, match=message):
        cluster.connect(str(path))
    with pytest.raises(cluster.ClusterError, match="no cluster file"):
        cluster.connect(str(tmp_path / "missing.toml"))


def test_a_slurm_cluster_file_makes_one_single_threaded_worker_per_job(tmp_path):
    pytest.importorskip("dask_jobqueue")
    path = tmp_path / "cluster.toml"
    path.write_text('kind = "slurm"\nworkers = 16\n[options]\nmemory = "8GB"\nwalltime = "02:00:00"\n'
                    'job_cpu = 2\npython = "/opt/hamlet/.venv/bin/python"\n')
    config = cluster.read_cluster_file(path)
    assert config["workers"] == 16
    made = cluster.make_cluster(path, config)
    try:
        script = made.job_script()
    finally:
        made.close()
    assert "#SBATCH --cpus-per-task=2" in script and "#SBATCH -t 02:00:00" in script
    assert "/opt/hamlet/.venv/bin/python -m distributed.cli.dask_worker" in script
    assert "--nthreads 1" in script
    path.write_text('kind = "slurm"\n[options]\nno_such_option = 1\n')
    with pytest.raises(cluster.ClusterError, match="cannot be made from"):
        cluster.make_cluster(path, cluster.read_cluster_file(path))
