"""Start student code in a limited process: the protections the machine offers, and which are missing.

Each protection is used where the machine has it and named where it does not
(:func:`protections`), never silently skipped:

* **bubblewrap** (Debian's ``bubblewrap``): a filesystem in which only Python, NumPy,
  ``hamlet_utils``, the MNIST files and an empty ``/tmp`` are in reach (no
  solutions, no other submissions, no gradebook, no ``hamlet`` package), and new
  network, PID and IPC namespaces: no network at all, and every process the
  student starts dies with the sandbox.
* **an unprivileged user** (when grading runs as root): one user id per parallel
  grading slot, so the process limit counts only that student's processes and no
  file of the grader's is writable.
* **resource limits** (``setrlimit``, always): address space (a memory bomb ends in
  a MemoryError or a killed worker, not a full machine), CPU seconds, processes
  (a fork bomb), file size (gigantic output), no core files.

The wall-clock limit is the caller's: it reads the worker's answers with a deadline.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

#: first user id of the grading slots (``SLOT_UID_BASE + slot``); no account needs to exist
SLOT_UID_BASE = 61000
GIB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """What one student process may use.

    Attributes
    ----------
    memory_bytes : int
        Address space (RLIMIT_AS).  NumPy and OpenBLAS reserve far more than they
        touch, so this is several times the memory a training run uses.
    cpu_seconds : int
        CPU time of the whole process (RLIMIT_CPU); the wall clock is the caller's.
    processes : int
        Processes and threads of the sandbox's user (RLIMIT_NPROC); only enforced
        for an unprivileged user.
    file_bytes : int
        Largest file the process may write (RLIMIT_FSIZE).
    """

    memory_bytes: int = 6 * GIB
    cpu_seconds: int = 3600
    processes: int = 256
    file_bytes: int = 64 << 20


def _works(command: list[str]) -> bool:
    try:
        return subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


@functools.lru_cache(maxsize=None)
def bubblewrap() -> str | None:
    """Path of a ``bwrap`` that can create the namespaces we need here, else None."""
    path = shutil.which("bwrap")
    if path and _works([path, "--ro-bind", "/", "/", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                        "--die-with-parent", "--", "/bin/true"]):
        return path
    return None


def can_change_user() -> bool:
    return hasattr(os, "setuid") and os.geteuid() == 0


@functools.lru_cache(maxsize=None)
def protections() -> dict[str, str | None]:
    """``{protection: None if in force, else why not}`` -- for the grading log and the tutor page."""
    bwrap = bubblewrap()
    missing_bwrap = None if bwrap else ("bubblewrap (bwrap) is not installed or cannot create namespaces here "
                                        "(Debian: apt-get install bubblewrap)")
    return {
        "filesystem limited to Python, NumPy, hamlet_utils and MNIST": missing_bwrap,
        "no network": missing_bwrap,
        "processes die with the sandbox": missing_bwrap,
        "unprivileged user per grading slot": None if can_change_user() and bwrap else
        ("grading does not run as root" if not can_change_user() else "needs bubblewrap to keep Python readable"),
        "memory, CPU-time, file-size and core limits": None,
        "process limit": None if can_change_user() and bwrap else "only enforced for an unprivileged user",
        # nbgrader then talks to them over unix sockets (hamlet.kernel_launcher)
        "no network for nbgrader's kernels": None if bwrap else ("needs bubblewrap: without it nbgrader talks to "
                                                                 "its kernels over TCP, on the machine's network"),
    }


def describe() -> list[str]:
    """One line per protection: ``in force`` or ``NOT available: why``."""
    return [f"{name}: {'in force' if why is None else 'NOT available -- ' + why}"
            for name, why in protections().items()]


def _ancestors(paths) -> list[Path]:
    seen: dict[Path, None] = {}
    for path in paths:
        for parent in reversed(Path(path).parents):
            if parent != Path("/"):
                seen.setdefault(parent, None)
    return list(seen)


def readable_paths() -> list[Path]:
    """What Python, NumPy and ``hamlet_utils`` need to run: the interpreter, the
    environment's packages, ``hamlet_utils`` with its data folder, the MNIST cache."""
    import hamlet_utils
    from hamlet_utils import mnist

    package = Path(hamlet_utils.__file__).resolve().parent
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package,
             Path(mnist.repository_data_folder()).resolve(), Path(mnist.cache_root()).resolve()}
    return sorted(path for path in paths if path.exists())


def wrap(argv: list[str], *, readable, uid: int, network: bool = False, writable=(), chdir: str = "/tmp",
         environment: dict | None = None, clear_environment: bool = True, unset=()) -> list[str]:
    """``argv`` inside bubblewrap, run as ``uid`` (when root); unchanged where bwrap is missing.

    ``readable``: paths, or ``(path, where the sandbox sees it)``, bound read-only;
    ``writable``: paths bound read-write.  Everything else is an empty ``/tmp`` and
    ``/usr``; the PID, IPC and UTS namespaces (and the network, unless ``network``) are new.
    """
    bwrap = bubblewrap()
    if not bwrap:
        return argv
    readable = [(Path(entry[0]), Path(entry[1])) if isinstance(entry, tuple) else (Path(entry), Path(entry))
                for entry in readable]
    wrapped = [bwrap, "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64",
               "/lib64", "--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev",
               "--perms", "01777", "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--chdir", chdir]
    wrapped += [] if network else ["--unshare-net"]
    wrapped += ["--clearenv"] if clear_environment else []
    for path in ("/etc/hosts", "/etc/resolv.conf", "/etc/fonts"):
        wrapped += ["--ro-bind-try", path, path]
    for parent in _ancestors([*(target for _, target in readable), *writable]):
        wrapped += ["--perms", "0755", "--dir", str(parent)]  # bwrap makes missing parents 0700: unreadable
    for path, target in readable:
        wrapped += ["--ro-bind", str(path), str(target)]
    for path in writable:
        wrapped += ["--bind", str(path), str(path)]
    for name in unset:
        wrapped += ["--unsetenv", name]
    for name, value in (environment or {}).items():
        wrapped += ["--setenv", name, value]
    wrapped += ["--"]
    if can_change_user():
        wrapped += ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs"]
    return wrapped + argv


def command(argv: list[str], slot: int, *, extra_readable=(), environment: dict) -> list[str]:
    """``argv`` in a worker's sandbox: no network, a clean environment, the slot's user."""
    return wrap(argv, readable=[*readable_paths(), *extra_readable], uid=SLOT_UID_BASE + slot,
                environment=environment)


def set_limits(limits: Limits) -> None:
    """Apply ``limits`` to this process (and what it starts from now on)."""
    for name, value in ((resource.RLIMIT_AS, limits.memory_bytes), (resource.RLIMIT_CPU, limits.cpu_seconds),
                        (resource.RLIMIT_NPROC, limits.processes), (resource.RLIMIT_FSIZE, limits.file_bytes),
                        (resource.RLIMIT_CORE, 0)):
        try:
            resource.setrlimit(name, (value, value))
        except (ValueError, OSError):
            pass  # a hard limit already lower stays


def _limited(argv: list[str], limits: Limits) -> tuple[list[str], object]:
    """``argv`` under ``limits``: through util-linux's ``prlimit`` where it exists, so that
    Popen can use vfork.  A fork with a ``preexec_fn`` runs the at-fork handlers of the
    grading process, and OpenBLAS's wait for its threads: one thread starting a worker
    while another multiplies matrices deadlocks."""
    prlimit = shutil.which("prlimit")
    if prlimit:
        return [prlimit, f"--as={limits.memory_bytes}", f"--cpu={limits.cpu_seconds}",
                f"--nproc={limits.processes}", f"--fsize={limits.file_bytes}", "--core=0", "--", *argv], None
    return argv, functools.partial(set_limits, limits)


#: every sandboxed process still running, so that an interrupted grading run can end them all
RUNNING: set = set()
#: set by kill_all: an interrupted grading run starts no more sandboxes (see allow_starts)
STOPPED = threading.Event()


class Stopped(RuntimeError):
    """A sandbox was to start after the grading run was interrupted."""


def start(argv: list[str], slot: int, limits: Limits, *, environment: dict, extra_readable=()) -> subprocess.Popen:
    """Start ``argv`` sandboxed, with pipes on stdin and stdout; stderr discarded."""
    if STOPPED.is_set():
        raise Stopped("grading was interrupted: no more sandboxes start")
    full_environment = dict(environment)
    if not bubblewrap():  # without bwrap the process sees our environment, less our secrets
        full_environment = {**{key: value for key, value in os.environ.items()
                               if key in ("PATH", "HOME", "LANG", "HAMLET_DATA", "HAMLET_CACHE")},
                            **environment}
    limited, preexec = _limited(command(argv, slot, extra_readable=extra_readable, environment=environment), limits)
    # its own session: one kill ends all of it
    process = subprocess.Popen(limited, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               env=full_environment, preexec_fn=preexec, start_new_session=True,
                               cwd=os.environ.get("TMPDIR", "/tmp"))
    RUNNING.add(process)
    return process


def kill(process: subprocess.Popen, running: set | None = None) -> None:
    """End the process and everything it started (its session; the sandbox's PID namespace),
    and forget it in ``running`` (:data:`RUNNING` unless given)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    (RUNNING if running is None else running).discard(process)


def allow_starts() -> None:
    """A new grading run: sandboxes may start again after an interrupted one."""
    STOPPED.clear()


def kill_all() -> None:
    """End every process started here that still runs (an interrupted grading run), and
    start no more until :func:`allow_starts`."""
    STOPPED.set()
    for process in list(RUNNING):
        kill(process)
