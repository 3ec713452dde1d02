"""Run a notebook headless with nbclient and read back the training histories."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

#: appended to a copy of the notebook and removed afterwards: prints every
#: training History the notebook left in its namespace, as one JSON line
_COLLECT = """
import json as _json
from hamlet_utils.training import History as _History
print("HAMLET-HISTORIES " + _json.dumps({_name: _value.to_dict() for _name, _value in globals().items()
                                         if isinstance(_value, _History) and not _name.startswith("_")}))
"""


def run_cells(notebook, working_directory, *, max_epochs=None, timeout=1800, allow_errors=False,
              interrupt_on_timeout=False) -> float:
    """Execute ``notebook`` (a NotebookNode, in place) in a fresh kernel in ``working_directory``,
    as a student's Jupyter does (inline plots); ``max_epochs`` sets ``HAMLET_MAX_EPOCHS``, and
    ``interrupt_on_timeout`` interrupts a cell after ``timeout`` seconds and goes on.  Returns the
    wall time in seconds; a dead kernel raises nbclient's DeadKernelError."""
    environment = {"HAMLET_PROGRESS": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if max_epochs is not None:
        environment["HAMLET_MAX_EPOCHS"] = str(max_epochs)
    start = time.perf_counter()
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            interrupt_on_timeout=interrupt_on_timeout,
                            resources={"metadata": {"path": str(working_directory)}})
    client.execute(env={**os.environ, **environment})  # handed on to the kernel's start
    return time.perf_counter() - start


def execute_notebook(path, output=None, *, max_epochs=None, timeout=1800, allow_errors=False,
                     working_directory=None) -> tuple[nbformat.NotebookNode, dict, float]:
    """Execute ``path`` in a fresh kernel.

    Parameters
    ----------
    path : path
        The notebook.
    output : path, optional
        Where to write the executed notebook.
    max_epochs : int, optional
        Sets ``HAMLET_MAX_EPOCHS`` in the kernel: every training run is capped.
    timeout : int
        Seconds per cell.
    allow_errors : bool
        Go on after a failing cell (nbclient's ``allow_errors``).

    Returns
    -------
    notebook : NotebookNode
        The executed notebook.
    histories : dict of str to dict
        ``History.to_dict()`` of every History variable left in the namespace.
    seconds : float
        Wall time of the execution.
    """
    notebook = nbformat.read(str(path), as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell(_COLLECT))
    seconds = run_cells(notebook, working_directory or Path(path).parent, max_epochs=max_epochs, timeout=timeout,
                        allow_errors=allow_errors)
    collector = notebook.cells.pop()
    histories = {}
    for item in collector.get("outputs", []):
        for line in item.get("text", "").splitlines():
            if line.startswith("HAMLET-HISTORIES "):
                histories = json.loads(line.split(" ", 1)[1])
    if output is not None:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(output))
    return notebook, histories, seconds


#: the errors a cell that ran past its time limit leaves (the interrupt, and the timeout itself)
TIMED_OUT = ("CellTimeoutError", "KeyboardInterrupt", "TimeoutError")


def timed_out_cells(notebook) -> set[str]:
    """The grade ids of the cells that ran past their time limit (cells without one are left out)."""
    return {name for name, ename, _ in cell_errors(notebook) if ename in TIMED_OUT and not name.startswith("cell ")}


def cell_name(cell, number: int) -> str:
    """A cell's grade id, or ``cell N`` for one without."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", f"cell {number}")


def error_outputs(cell) -> list:
    """The error outputs of one cell."""
    return [item for item in cell.get("outputs", []) if item.get("output_type") == "error"]


def cell_errors(notebook) -> list[tuple[str, str, str]]:
    """``(grade_id or cell number, exception name, message)`` of every cell that raised."""
    return [(cell_name(cell, number), item.get("ename", ""), item.get("evalue", ""))
            for number, cell in enumerate(notebook.cells) for item in error_outputs(cell)]
