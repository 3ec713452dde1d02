"""A class graded on the local pool and on a Dask cluster of local workers: the cluster's overhead.

    .venv/bin/python benchmarks/bench_cluster.py [--size 20] [--workers 2] [--jobs 2] [--repeat 1]

Grades a generated class of Session 6 (the mix of ``bench_grading.CLASS_MIX``) with
``hamlet grade --jobs JOBS`` and with ``hamlet grade --cluster`` on a real ``dask scheduler``
and ``--workers`` ``dask worker`` processes (one thread each) on this machine, in turn,
under one time budget (the local default, measured or cached first), so both grade alike.
Prints each run's wall time, the per-submission medians, the ratio cluster / local (the
overhead of the scheduler, of pickling notebooks and of saving each worker's run in the
coordinator's gradebook), and that both gave every student the same scores.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "autograde"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_grading import SESSION, write_class  # noqa: E402

from hamlet import examples, pipeline, run_state  # noqa: E402
from hamlet.budget import default_budget  # noqa: E402

DASK = str(Path(sys.executable).with_name("dask"))


def start_cluster(folder: Path, workers: int) -> tuple[Path, list]:
    scheduler_file = folder / "scheduler.json"
    processes = [subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(scheduler_file)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)]
    end = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < end:
        time.sleep(0.2)
    processes += [subprocess.Popen([DASK, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                    "--no-dashboard", "--host", "127.0.0.1", "--name", f"worker-{number}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                  for number in range(workers)]
    from distributed import Client

    with Client(scheduler_file=str(scheduler_file), timeout=60, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=120)
    return scheduler_file, processes


def stop(processes) -> None:
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def grade(submissions: Path, budget, **where) -> tuple[float, list, dict]:
    with tempfile.TemporaryDirectory() as out:
        begin = time.perf_counter()
        results = pipeline.grade(submissions, out, SESSION, budget=budget, log=lambda *line: None, **where)
        total = time.perf_counter() - begin
        seconds = [record.seconds for record in run_state.load(Path(out)).session(SESSION).students.values()
                   if record.seconds]
    return total, seconds, {result.student: examples.autograded_scores(result) for result in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="dask worker processes, one thread each")
    parser.add_argument("--jobs", type=int, default=2, help="the local pool's slots")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, in turn")
    parser.add_argument("--timeout", type=int, default=120)
    arguments = parser.parse_args()
    budget = default_budget(SESSION, arguments.jobs, arguments.timeout, log=print)
    print(f"budget: {budget.describe()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        submissions = Path(folder) / "submissions"
        submissions.mkdir()
        write_class(submissions, arguments.size)
        scheduler_file, processes = start_cluster(Path(folder), arguments.workers)
        try:
            local, dask = [], []
            for _ in range(arguments.repeat):
                local.append(grade(submissions, budget, jobs=arguments.jobs, timeout=arguments.timeout))
                print(f"local pool, --jobs {arguments.jobs}: {local[-1][0]:.0f} s; per submission median "
                      f"{statistics.median(local[-1][1]):.1f} s", flush=True)
                dask.append(grade(submissions, budget, timeout=arguments.timeout, cluster=str(scheduler_file)))
                print(f"Dask, {arguments.workers} local workers x 1 thread: {dask[-1][0]:.0f} s; per submission "
                      f"median {statistics.median(dask[-1][1]):.1f} s", flush=True)
        finally:
            stop(processes)
    local_total = statistics.median(run[0] for run in local)
    dask_total = statistics.median(run[0] for run in dask)
    same = all(run[2] == local[0][2] for run in [*local, *dask])
    for run in [*local[1:], *dask]:
        for student, scores in run[2].items():
            if scores != local[0][2].get(student):
                print(f"  {student}: {scores} here, {local[0][2].get(student)} in the first local run")
    print(f"class of {arguments.size}: local median {local_total:.0f} s, Dask median {dask_total:.0f} s = "
          f"{dask_total / local_total:.2f} x local; per submission {statistics.median(dask[0][1]):.1f} s vs "
          f"{statistics.median(local[0][1]):.1f} s; the same scores for every student: {same}")


if __name__ == "__main__":
    main()
