"""Grading on a Dask cluster: the coordinator's side of ``hamlet grade --cluster WHERE``.

``WHERE`` is a Dask scheduler's address (``tcp://HOST:PORT``, e.g. one started with ``dask
scheduler`` and fed by ``dask worker`` processes on any number of machines, or by Slurm jobs),
a scheduler file (``--scheduler-file`` of ``dask scheduler``), or a small TOML file that makes
the cluster for the run (:func:`cluster_from_file`: ``kind = "slurm"``, a
``dask_jobqueue.SLURMCluster``; ``kind = "gateway"``, a Dask Gateway cluster).  The coordinator::

    connect        reach the scheduler; ask every worker its HaMLeT (engine and grader hashes)
                   and its sandbox, and refuse a cluster whose workers grade differently
    submit         each hand-in as one task (hamlet.cluster_worker.grade_hand_in), keyed by
                   session, student and run
    results        each task's GradedHandIn as it completes

and the pipeline (:class:`hamlet.pipeline.ClassGrading`) alone writes the gradebook and the
outputs from them.  A worker lost mid-task: the scheduler runs its task again on another worker
(up to ``distributed.scheduler.allowed-failures`` times); a task's result arrives once, so no
hand-in is counted twice.  A task that fails for good leaves its student ungraded in this run
(said loudly; the next run grades them): nothing is credited that was not graded.
"""

from __future__ import annotations

import atexit
import tomllib
from dataclasses import dataclass
from pathlib import Path

#: seconds to reach the scheduler before giving up
CONNECT_SECONDS = 20
#: a task that *raised* (not a lost worker: the scheduler reruns those) is tried this many more times
TASK_RETRIES = 1
#: a cluster made from a TOML file: seconds to wait for its first worker (a Slurm queue can be slow)
FIRST_WORKER_SECONDS = 600


class ClusterError(RuntimeError):
    """The cluster cannot grade: unreachable, no workers, or workers with another HaMLeT."""


_CLIENTS: dict = {}


def connect(where: str):
    """A Dask client of the cluster ``where`` names (kept for the process: one per cluster)."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--cluster needs Dask: pip install 'dask[distributed]' "
                           "(or this project's extra: pip install -e '.[cluster]')") from None
    client = _CLIENTS.get(where)
    if client is not None and client.status == "running":
        return client
    if where.endswith(".toml"):
        client = cluster_from_file(Path(where))
    else:
        target = {"scheduler_file": where} if Path(where).is_file() else {"address": where}
        try:
            client = Client(**target, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {where}: {error}") from None
    _CLIENTS[where] = client
    return client


#: clusters made here from a TOML file, closed (their Slurm jobs cancelled) when the process ends
_MADE: list = []


def _close_made() -> None:
    for made in _MADE:
        try:
            made.close()
        except Exception:  # noqa: BLE001 -- ending anyway
            pass


atexit.register(_close_made)


def read_cluster_file(path: Path) -> dict:
    """The cluster file's settings, checked: ``kind``, ``workers`` (default 2), ``options`` (a table)."""
    try:
        config = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ClusterError(f"no cluster file {path}") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ClusterError(f"{path} is not a readable TOML file: {error}") from None
    kind, workers, options = config.get("kind"), config.get("workers", 2), config.get("options", {})
    if kind not in ("slurm", "gateway"):
        raise ClusterError(f'{path}: kind must be "slurm" or "gateway", not {kind!r}')
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ClusterError(f"{path}: workers must be a whole number of at least 1, not {workers!r}")
    if not isinstance(options, dict):
        raise ClusterError(f"{path}: [options] must be a table of the cluster's keyword arguments")
    return {"kind": kind, "workers": workers, "options": options, "name": config.get("name"),
            "gateway": config.get("gateway", {})}


def make_cluster(path: Path, config: dict):
    """The (not yet scaled) cluster object the file describes."""
    kind, options = config["kind"], config["options"]
    try:
        if kind == "slurm":
            from dask_jobqueue import SLURMCluster

            # one thread per worker: one hand-in at a time, with the job's CPUs for its kernel
            return SLURMCluster(**{"cores": 1, "processes": 1, **options})
        from dask_gateway import Gateway

        gateway = Gateway(**config["gateway"])
        if config["name"]:
            return gateway.connect(config["name"])
        cluster_options = gateway.cluster_options()
        for name, value in options.items():
            cluster_options[name] = value
        return gateway.new_cluster(cluster_options)
    except ImportError as error:
        package = "dask-jobqueue" if kind == "slurm" else "dask-gateway"
        raise ClusterError(f"{path}: kind = {kind!r} needs {package} (pip install {package}): {error}") from None
    except (TypeError, ValueError, KeyError) as error:
        raise ClusterError(f"{path}: the {kind} cluster cannot be made from [options]: {error}") from None


def cluster_from_file(path: Path):
    """A client of the cluster ``path`` describes, scaled to its workers; the cluster ends with this
    process.  For example::

        kind = "slurm"            # dask_jobqueue.SLURMCluster(**options)
        workers = 16              # Slurm jobs, one worker each
        [options]
        memory = "8GB"
        walltime = "02:00:00"
        job_cpu = 2
        python = "/home/me/hamlet/.venv/bin/python"
    """
    from distributed import Client

    config = read_cluster_file(path)
    made = make_cluster(path, config)
    _MADE.append(made)
    try:
        made.scale(config["workers"])
        client = made.get_client() if config["kind"] == "gateway" else Client(made, set_as_default=False)
        client.wait_for_workers(1, timeout=FIRST_WORKER_SECONDS)
    except (OSError, TimeoutError, RuntimeError) as error:
        raise ClusterError(f"{path}: the {config['kind']} cluster gave no worker within "
                           f"{FIRST_WORKER_SECONDS} s ({type(error).__name__}: {str(error)[:200]})") from None
    return client


def use_client(where: str, client) -> None:
    """Grade through a client made elsewhere, e.g. a Dask Gateway cluster's (``cluster.get_client()``:
    its scheduler speaks TLS through the Gateway's proxy); ``grade(..., cluster=where)`` then uses it."""
    _CLIENTS[where] = client


@dataclass(frozen=True)
class Workers:
    """What the coordinator learned of the cluster's workers."""

    count: int
    threads: int
    protections: list  # one line per protection, as hamlet.sandbox.describe(): the weakest worker's


def check_workers(client, sessions, where: str) -> Workers:
    """Every worker's HaMLeT must be the coordinator's, for every session to grade."""
    from .budget import engine_hash
    from .cluster_worker import ScratchCourses, worker_facts
    from .pipeline import grader_hash

    try:
        facts = client.run(worker_facts)
        client.register_plugin(ScratchCourses(), name=ScratchCourses.name)
    except Exception as error:  # noqa: BLE001 -- a worker without hamlet, or one that died meanwhile
        raise ClusterError(f"the workers of {where} cannot run HaMLeT ({type(error).__name__}: {str(error)[:200]}): "
                           f"install this checkout on every worker (pip install -e '.[cluster]')") from None
    if not facts:
        raise ClusterError(f"the Dask cluster at {where} has no workers: start some (dask worker {where})")
    engine = engine_hash()
    graders = {session: grader_hash(session) for session in sessions}
    wrong = sorted(address for address, fact in facts.items()
                   if fact["engine"] != engine or any(fact["graders"].get(session) != digest
                                                      for session, digest in graders.items()))
    if wrong:
        raise ClusterError(f"{len(wrong)} of the {len(facts)} workers of {where} run another HaMLeT than this "
                           f"coordinator ({', '.join(wrong[:5])}): install the same checkout on every worker")
    threads = sum(client.nthreads().values())
    return Workers(len(facts), threads, weakest_protections([fact["protections"] for fact in facts.values()]))


def weakest_protections(per_worker: list) -> list:
    """One line per protection: "in force" only where it is in force on every worker."""
    lines = list(per_worker[0])
    for worker in per_worker[1:]:
        for index, line in enumerate(worker):
            if index < len(lines) and not line.endswith("in force"):
                lines[index] = line
    return lines


def submit(client, hand_ins, run: int) -> dict:
    """Each hand-in as one task; ``{future: student}``."""
    from .cluster_worker import grade_hand_in

    return {client.submit(grade_hand_in, hand_in, key=f"hamlet-{hand_in.session}-{hand_in.student}-run{run}",
                          pure=False, retries=TASK_RETRIES): hand_in.student
            for hand_in in hand_ins}


def results(client, futures: dict):
    """``(student, GradedHandIn or None, error or None)`` for each task, as it completes."""
    from distributed import as_completed

    for future in as_completed(list(futures), loop=client.loop):  # this client's, not a default one
        student = futures[future]
        try:
            yield student, future.result(), None
        except Exception as error:  # noqa: BLE001 -- the task's own failure, reported by the caller
            yield student, None, error
        finally:
            future.release()


def cancel(client, futures: dict) -> None:
    """Cancel every task still to run (an interrupted run); a task already running ends on its worker
    within its time budget."""
    try:
        client.cancel(list(futures), force=True)
    except Exception:  # noqa: BLE001 -- the run is ending anyway
        pass
