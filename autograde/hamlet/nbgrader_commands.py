"""nbgrader's processes: the environment they and their kernels get, one-off commands, and ending them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from . import sandbox
from .declaration import Declaration

BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: nbgrader processes still running, so that an interrupted run can end them
RUNNING: set = set()


def nbgrader_environment(root: Path, declaration: Declaration, threads: int | None = None, slot: int = 0,
                         runtime: Path | None = None) -> dict:
    """The environment of nbgrader and so of its kernels.

    ``threads`` limits the BLAS threads of the kernel: parallel graders that each
    start one per core slow each other down many times over.  ``runtime`` is the
    grading slot's runtime folder (:class:`hamlet.kernel_launcher.RuntimeFolder`), for
    its kernels' connection files and sockets.
    """
    limits = {name: str(threads) for name in BLAS_THREAD_VARIABLES} if threads else {}
    runtime_dir = {"JUPYTER_RUNTIME_DIR": str(runtime)} if runtime is not None else {}
    return dict(os.environ, **limits, **runtime_dir, HAMLET_MAX_EPOCHS=str(declaration.grading_epochs), HAMLET_PROGRESS="0",
                MPLBACKEND="module://matplotlib_inline.backend_inline", PYTHONWARNINGS="ignore",
                # nbgrader runs `alembic` from PATH: the venv's bin, even when not activated
                PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
                # the sandboxed kernel spec of this run comes first
                JUPYTER_PATH=os.pathsep.join([str(root.parent / "jupyter"), os.environ.get("JUPYTER_PATH", "")]),
                HAMLET_SLOT=str(slot), HAMLET_SESSION=declaration.name)


def run_nbgrader(root: Path, declaration: Declaration, *arguments, log: Path | None = None) -> subprocess.CompletedProcess:
    """Run the nbgrader command line once in the course folder, in its own process group."""
    command = [sys.executable, "-m", "hamlet.nbgrader_server", *arguments, "--log-level=INFO"]
    process = subprocess.Popen(command, cwd=root, env=nbgrader_environment(root, declaration),
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    RUNNING.add(process)
    try:
        output, _ = process.communicate()
    finally:
        RUNNING.discard(process)
    if log is not None:
        log.write_text(output)
    result = subprocess.CompletedProcess(command, process.returncode, output, "")
    if log is None and process.returncode != 0:
        raise RuntimeError(f"nbgrader {' '.join(arguments)} failed:\n{output[-3000:]}")
    return result


def end_everything() -> None:
    """Kill every nbgrader process and sandbox still running (Ctrl-C)."""
    for process in list(RUNNING):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    sandbox.kill_all()
