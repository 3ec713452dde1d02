"""A corpus of FAULTY Session 5 submissions: grading must survive each and say why.

Session 5's counterpart of :mod:`fault_corpus` (Session 6).  Code faults (each the solution
with one fault):

* ``fault_loop_in_method``: mse_gradients never returns -- 2d, and the task 3 run times out.
  The task 2f step is built on mse_gradients: its bug (a timeout is one) excuses 2f.
* ``fault_loop_at_top``: an endless loop at the top of the task 3 cell -- 3.
* ``fault_memory_bomb``: the task 3 cell asks for 1 GB blocks until memory runs out.
  Zeroed blocks are only reserved, never written: the sandbox limits address space, so the
  bomb reaches the limit in milliseconds on any machine, however loaded, and a shared machine's
  memory is not filled (100 MB blocks of ones once took more than 30 s under load).
* ``fault_segfault``: the task 2f cell dereferences a null pointer: the kernel dies.
* ``fault_fork_bomb``: a cell added at the end forks until no process is left.
* ``fault_huge_output``: a cell added at the end prints 100 MB.

File faults (:data:`fault_corpus.FILE_FAULTS`): not JSON, JSON that is no notebook, an empty
file, a folder without a notebook, a folder with two notebooks, and a student who handed in
twice (a file and a folder).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from cheat_corpus_05 import GRADIENTS, SESSION, build
from fault_corpus import FILE_FAULTS, FORK_BOMB, HUGE_OUTPUT, write_file_faults  # noqa: F401 -- FILE_FAULTS is this corpus's too
from hamlet.examples import Student

TASK3_START = "history_task3 = None  # what train(...) returns"
TASK2F_START = "# ----- add code for task 2f between comments -----"
MEMORY_BOMB = "def grow():\n    hog = []\n    while True:\n        hog.append(np.zeros(1_000_000_000 // 8))\n\n\ngrow()"

FAULTS = [
    Student("fault_loop_in_method", "mse_gradients never returns",
            edits={"mse_gradients": [(GRADIENTS, "    while True:\n        pass")]},
            loses=("2d", "3"), flags=("timeout in task2d_mse_gradients",)),
    Student("fault_loop_at_top", "an endless loop at the top of the task 3 cell",
            edits={"task3_code": [(TASK3_START, TASK3_START + "\nwhile True:\n    pass")]},
            loses=("3",), flags=("timeout in task3_code",)),
    Student("fault_memory_bomb", "the task 3 cell asks for 1 GB blocks until memory runs out",
            replace={"task3_code": MEMORY_BOMB},
            loses=("3",), flags=("out of memory in task3_code",)),
    Student("fault_segfault", "the task 2f cell dereferences a null pointer: the kernel dies",
            edits={"task2f_code": [(TASK2F_START, TASK2F_START + "\nimport ctypes\nctypes.string_at(0)")]},
            loses=("2f",), flags=("kernel died in task2f_code",)),
    Student("fault_fork_bomb", "a cell added at the end forks until no process is left",
            flags=("starts processes",)),
    Student("fault_huge_output", "a cell added at the end prints 100 MB",
            flags=("gigantic output",)),
]
#: cells added at the end of a faulty notebook
ADDED = {"fault_fork_bomb": FORK_BOMB, "fault_huge_output": HUGE_OUTPUT}


def notebook(student: Student):
    result = build(student)
    if student.name in ADDED:
        result.cells.append(nbformat.v4.new_code_cell(ADDED[student.name]))
    return result


def write_faults(folder: Path, controls=()) -> Path:
    """Every fault (and ``controls``, e.g. honest students) as a class to grade in one run."""
    folder.mkdir(parents=True, exist_ok=True)
    for student in [*FAULTS, *controls]:
        nbformat.write(notebook(student), str(folder / f"{student.name}.ipynb"))
    complete = notebook(controls[0]) if controls else nbformat.v4.new_notebook()
    return write_file_faults(folder, complete, SESSION)
