"""A corpus of FAULTY Session 6 submissions: grading must survive each and say why.

Code faults (each the solution with the fast task-5 network of the cheat corpus, and one fault):

* ``fault_loop_in_method``: SoftMax.backward never returns -- 6d and the 6e run time out.
* ``fault_loop_at_top``: an endless loop at the top of the task 4 cell -- 4, and 5 (it compares with 4).
* ``fault_memory_bomb``: the task 5 cell asks for 1 GB blocks until memory runs out.
  Zeroed blocks are only reserved, never written: the sandbox limits address space, so the
  bomb reaches the limit in milliseconds on any machine, however loaded, and a shared machine's
  memory is not filled (100 MB blocks of ones once took more than 30 s under load).
* ``fault_segfault``: the task 2f cell dereferences a null pointer: the kernel dies.
* ``fault_fork_bomb``: a cell added at the end forks until no process is left.
* ``fault_huge_output``: a cell added at the end prints 100 MB.

File faults: not JSON, JSON that is no notebook, an empty file, a folder without a notebook,
a folder with two notebooks, and a student who handed in twice (a file and a folder).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from cheat_corpus import _fast, build
from hamlet.examples import Student

SESSION = "06_backpropagation"
SOFTMAX_BACKWARD = "        d_in = self.x_out * (d_out - np.sum(d_out * self.x_out, axis=1, keepdims=True))"
TASK4_START = "history_task4 = None  # what train(...) returns"
TASK2F_START = "# ----- add code for task 2f between comments -----"

FORK_BOMB = "import os\nwhile True:\n    os.fork()"
HUGE_OUTPUT = "for line in range(100_000):\n    print('x' * 1000)"

FAULTS = [
    Student("fault_loop_in_method", "SoftMax.backward never returns", replace=_fast(),
            edits={"softmax": [(SOFTMAX_BACKWARD, "        while True:\n            pass")]},
            loses=("6d", "6e"), flags=("timeout in task6d_softmax_backward",)),
    Student("fault_loop_at_top", "an endless loop at the top of the task 4 cell", replace=_fast(),
            edits={"task4_code": [(TASK4_START, TASK4_START + "\nwhile True:\n    pass")]},
            loses=("4", "5"), flags=("timeout in task4_code",)),
    Student("fault_memory_bomb", "the task 5 cell asks for 1 GB blocks until memory runs out",
            replace={"task5_code": "def grow():\n    hog = []\n    while True:\n        hog.append(np.zeros(1_000_000_000 // 8))"
                                   "\n\n\ngrow()"},
            loses=("5",), flags=("out of memory in task5_code",)),
    Student("fault_segfault", "the task 2f cell dereferences a null pointer: the kernel dies", replace=_fast(),
            edits={"task2f_code": [(TASK2F_START, TASK2F_START + "\nimport ctypes\nctypes.string_at(0)")]},
            loses=("2f",), flags=("kernel died in task2f_code",)),
    Student("fault_fork_bomb", "a cell added at the end forks until no process is left", replace=_fast(),
            flags=("starts processes",)),
    Student("fault_huge_output", "a cell added at the end prints 100 MB", replace=_fast(),
            flags=("gigantic output",)),
]
#: cells added at the end of a faulty notebook
ADDED = {"fault_fork_bomb": FORK_BOMB, "fault_huge_output": HUGE_OUTPUT}
#: submissions that are not a gradable notebook: name -> the flag the grader must raise
FILE_FAULTS = {
    "fault_not_json": "not a readable notebook",
    "fault_not_a_notebook": "not a readable notebook",
    "fault_empty_file": "not a readable notebook",
    "fault_empty_folder": "no notebook handed in",
    "fault_two_notebooks": "2 notebooks and none named",
    "fault_twice": "handed in more than once",
}


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


def write_file_faults(folder: Path, complete, session: str) -> Path:
    """The :data:`FILE_FAULTS` of any session, in ``folder``; ``complete`` is the notebook a
    student with two notebooks, or one handed in twice, handed in."""
    (folder / "fault_not_json.ipynb").write_text("this is not JSON {")
    (folder / "fault_not_a_notebook.ipynb").write_text('{"hello": "world"}')
    (folder / "fault_empty_file.ipynb").write_text("")
    (folder / "fault_empty_folder").mkdir(exist_ok=True)
    two = folder / "fault_two_notebooks"
    two.mkdir(exist_ok=True)
    for name in ("draft.ipynb", "final.ipynb"):
        nbformat.write(complete, str(two / name))
    (folder / "fault_twice").mkdir(exist_ok=True)
    nbformat.write(complete, str(folder / "fault_twice.ipynb"))
    nbformat.write(complete, str(folder / "fault_twice" / f"{session}.ipynb"))
    return folder
