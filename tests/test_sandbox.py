"""The sandboxed worker and the grader's proxies of it: what student code can and cannot do there."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import struct
import subprocess
import sys
import textwrap
import time

import nbformat
import numpy as np
import pytest

from hamlet import course, examples, outside_program, sandbox, suspicious
from hamlet.course_folder import restore_grading_metadata
from hamlet.remote import RemoteObject, RemoteWorker, StudentError, WorkerDied, WorkerTimeout
from hamlet.worker import read_frame

needs_bwrap = pytest.mark.skipif(sandbox.bubblewrap() is None, reason="bubblewrap is not available here")

CODE = '''
import numpy as np

class Doubler:
    def __init__(self, n):
        self.w = np.ones((n, n))

    def forward(self, x):
        x *= 2  # modifies its input
        self.x_in = x
        return x @ self.w

    def missing(self):
        raise NotImplementedError()

def loop():
    while True:
        pass

def stubborn():
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

def die():
    import os
    os._exit(3)

def crash():
    import ctypes
    ctypes.string_at(0)

def memory():
    hog = []
    while True:
        hog.append(np.ones(50_000_000 // 8))

def fork_bomb():
    import os
    while True:
        os.fork()

def network():
    import socket
    socket.create_connection(("127.0.0.1", 22), timeout=2)

def look(path):
    import os
    return os.path.exists(path)

def identity(value):
    return value

def describe(array):
    import hashlib
    return f"{array.dtype!r} {array.shape} {hashlib.sha256(array.tobytes()).hexdigest()} {array.flags.writeable}"

def forge_answer():
    """writes a frame of its own into every pipe it can find"""
    import json, os, struct
    header = json.dumps({"value": {"v": 1}, "changed": {"x": 99, "1": 5}, "arrays": [["|O", [1]]]}).encode()
    for fd in range(3, 64):
        try:
            os.write(fd, struct.pack("<Q", len(header)) + header)
        except OSError:
            pass
    return "forged"

def chatter():
    import os
    for _ in range(1000):
        print("x" * 1000)
    os.write(1, b"garbage on the protocol pipe")
    return "answered"
'''


@pytest.fixture
def worker():
    with RemoteWorker(timeout=5, limits=sandbox.Limits(memory_bytes=2 * sandbox.GIB)) as started:
        started.exec_cell("code", CODE)
        yield started


@pytest.mark.sandbox
def test_calls_return_arrays_and_inputs_changed_in_the_sandbox_change_here(worker):
    layer = worker.global_("Doubler")(3)
    x = np.arange(6.0).reshape(2, 3)
    original = x.copy()
    out = layer.forward(x)
    assert isinstance(out, np.ndarray) and np.array_equal(out, (2 * original) @ np.ones((3, 3)))
    assert np.array_equal(x, 2 * original)  # written back
    assert np.array_equal(layer.x_in, 2 * original) and layer.w.shape == (3, 3)
    assert getattr(layer, "nothing", None) is None
    with pytest.raises(NotImplementedError):
        layer.missing()
    with pytest.raises(StudentError, match="ZeroDivisionError"):
        worker.exec_cell("bad", "1 / 0")
    assert worker.global_("Doubler") is worker.global_("Doubler")  # one proxy per object


ROUND_TRIP = {
    "float64 matrix": np.arange(12.0).reshape(3, 4), "0-d": np.array(3.5), "empty": np.zeros((0, 7)),
    "big-endian int": np.arange(5, dtype=">i4"), "transposed": np.arange(12.0).reshape(4, 3).T,
    "strided": np.arange(24.0).reshape(4, 6)[:, ::2], "bool": np.array([True, False]),
    "unicode": np.array(["ab", "c"]), "datetime": np.array(["2020-01-01"], dtype="M8[D]"),
    "complex": np.array([1 + 2j]), "structured": np.zeros(2, dtype=[("a", "<f8"), ("b", "<i4")]),
    "float32 batch": np.random.default_rng(0).random((600, 784), dtype=np.float32),
}


def describe(array) -> str:
    """The same as the worker's: dtype, shape, the bytes' hash, writable."""
    return f"{array.dtype!r} {array.shape} {hashlib.sha256(array.tobytes()).hexdigest()} {array.flags.writeable}"


@pytest.mark.sandbox
@pytest.mark.parametrize("name", sorted(ROUND_TRIP))
def test_arrays_cross_to_the_worker_and_back_unchanged(worker, name):
    array = ROUND_TRIP[name]
    assert worker.global_("describe")(array) == describe(array)  # there, as sent
    back = worker.global_("identity")(array)
    if array.dtype.kind in "biuf":  # real numbers come back as arrays (anything else stays there, as a reference)
        assert isinstance(back, np.ndarray) and describe(back) == describe(array)
    else:  # complex ones too: to the checks they are no numbers (a right real part is no right value)
        assert isinstance(back, RemoteObject)


@pytest.mark.sandbox
def test_a_forged_answer_breaks_the_connection_not_the_grader(worker):
    try:
        answer = worker.global_("forge_answer")()
    except WorkerDied as error:
        assert "broke the connection" in str(error) or "exited" in str(error)
    else:
        assert answer == "forged"  # no pipe of the protocol was in reach


@pytest.mark.parametrize("header", [
    {"arrays": [["|O", [1]]]}, {"arrays": [["<f8", [-1]]]}, {"arrays": [["<f8", [10 ** 12]]]}, {"arrays": "x"},
    {"arrays": [["no such dtype", [1]]]}, {"arrays": [["V0", [10 ** 15]]]}, {"arrays": [["<f8", [1.5]]]},
    {"arrays": [["[('a', 'O')]", [1]]]}, {"arrays": [["npy", 8]]}, {"arrays": [["<f8"]]}, ["not", "a", "dict"],
])
def test_a_malformed_frame_is_refused(header):
    payload = json.dumps(header).encode()
    with pytest.raises((ValueError, EOFError)):
        read_frame(io.BytesIO(struct.pack("<Q", len(payload)) + payload + b"\0" * 8))


@pytest.mark.sandbox
def test_printing_and_writing_to_stdout_cannot_corrupt_the_answers(worker):
    assert worker.global_("chatter")() == "answered"
    assert worker.global_("look")("/") is True


@pytest.mark.parametrize("name, error", [("loop", WorkerTimeout), ("stubborn", WorkerTimeout), ("die", WorkerDied),
                                         ("crash", WorkerDied)])
@pytest.mark.sandbox
def test_endless_loops_and_crashes_end_the_worker_not_the_grader(worker, name, error):
    start = time.monotonic()
    with pytest.raises(error):
        worker.global_(name)()
    assert time.monotonic() - start < 5 + 3 + 5


@pytest.mark.sandbox
def test_a_memory_bomb_ends_in_an_error_or_a_dead_worker(worker):
    with pytest.raises((StudentError, WorkerDied, WorkerTimeout)) as caught:
        worker.global_("memory")()
    if isinstance(caught.value, StudentError):
        assert caught.value.kind == "MemoryError"


@pytest.mark.sandbox
@needs_bwrap
def test_a_fork_bomb_hits_the_process_limit_and_the_worker_still_answers(worker):
    if not sandbox.can_change_user():
        pytest.skip("the process limit needs an unprivileged user")
    with pytest.raises(StudentError, match="BlockingIOError|Resource temporarily unavailable"):
        worker.global_("fork_bomb")()
    assert worker.global_("look")("/") is True


@pytest.mark.sandbox
@needs_bwrap
def test_the_sandbox_has_no_network_and_no_grading_files(worker):
    with pytest.raises(StudentError, match="OSError|unreachable|ConnectionRefused|PermissionError"):
        worker.global_("network")()
    for path in (course.SOLUTIONS, course.AUTOGRADE / "hamlet", course.ROOT / "tests"):
        assert worker.global_("look")(str(path)) is False, path
    with pytest.raises(StudentError, match="ModuleNotFoundError"):
        worker.exec_cell("grader", "import hamlet.hidden_tests")


def test_every_protection_is_named():
    lines = sandbox.describe()
    assert len(lines) == len(sandbox.protections())
    assert all(": in force" in line or "NOT available -- " in line for line in lines)


# ----------------------------------------------------------------------------- the kernel's launcher

# stands in for nbgrader: starts a "kernel" the way jupyter_client does (own session,
# JPY_PARENT_PID), tells its pid, then waits to be killed
STARTER = textwrap.dedent('''
    import os, subprocess, sys, time
    kernel = subprocess.Popen([sys.executable, "-c", sys.argv[1]], start_new_session=True,
                              env={**os.environ, "JPY_PARENT_PID": str(os.getpid())}, stdout=subprocess.PIPE, text=True)
    print(kernel.pid, kernel.stdout.readline().strip(), flush=True)
    time.sleep(120)
''')

KERNEL = textwrap.dedent('''
    import os, time
    from hamlet.kernel_launcher import die_with_parent
    die_with_parent(int(os.environ["JPY_PARENT_PID"]))
    print("started", flush=True)
    time.sleep(120)
''')


def _alive(pid: int) -> bool:
    try:
        state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.sandbox
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_kernel_launcher_dies_with_the_nbgrader_that_started_it():
    """nbgrader killed by Ctrl-C while a kernel starts: the kernel must not be left behind."""
    starter = subprocess.Popen([sys.executable, "-c", STARTER, KERNEL], stdout=subprocess.PIPE, text=True)
    try:
        kernel_pid, state = starter.stdout.readline().split()
        assert state == "started" and _alive(int(kernel_pid))
        starter.kill()
        starter.wait()
        deadline = time.monotonic() + 10
        while _alive(int(kernel_pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(int(kernel_pid))
    finally:
        starter.kill()


@pytest.mark.sandbox
def test_a_kernel_launcher_whose_nbgrader_is_already_gone_does_not_start():
    code = "from hamlet.kernel_launcher import die_with_parent; die_with_parent(1); print('started')"
    started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert started.returncode != 0 and "started" not in started.stdout
    assert "the process that started this kernel is gone" in started.stderr


# ----------------------------------------------------------------------------- the program outside

SESSION = "06_backpropagation"
DECLARATION = course.declaration(SESSION)
STUDENTS = examples.students(SESSION)


def _release():
    return nbformat.read(str(course.release_notebook(SESSION)), as_version=4)


def test_the_program_takes_given_cells_from_the_release_and_keeps_added_cells():
    release = _release()
    submission = examples.notebook_of(STUDENTS[0], SESSION)
    given = next(cell for cell in submission.cells if outside_program.grade_id_of(cell) == "given_sigmoid_layer")
    given.source = "Sigmoid = None  # a student's edit of given code"
    index = next(number for number, cell in enumerate(submission.cells) if outside_program.grade_id_of(cell) == "linear")
    submission.cells.insert(index + 1, nbformat.v4.new_code_cell("def helper():\n    return 1"))
    cells = outside_program.program(release, submission, DECLARATION)
    names = [cell.name for cell in cells]
    assert "Sigmoid = None" not in next(cell.source for cell in cells if cell.name == "given_sigmoid_layer")
    assert names.index(f"cell {index + 1}") == names.index("linear") + 1
    assert [cell.task for cell in cells if cell.task][:3] == ["2a", "2b", "2c"]
    assert not any(cell.name in DECLARATION.plot_cells for cell in cells)
    assert f"cell {index + 1}" in [cell.name for cell in outside_program.definition_cells(cells, DECLARATION)]


@pytest.mark.parametrize("student", STUDENTS, ids=lambda student: student.name)
def test_honest_code_is_not_called_suspicious(student):
    assert suspicious.suspicious_code(examples.notebook_of(student, SESSION), _release(), DECLARATION.guarded_names) == []


@pytest.mark.parametrize("code, finding", [
    ("np.allclose = lambda *a, **k: True", "replaces np.allclose"),
    ("import numpy\nsetattr(numpy, 'isclose', None)", "replaces attributes of numpy"),
    ("from hamlet_utils import checks\nchecks.check_linear_forward = print", "replaces checks.check_linear_forward"),
    ("import builtins", "changes Python's builtins"),
    ("import sys\nframe = sys._getframe(1)", "reads the caller's frame"),
    ("import os\nif os.environ.get('NBGRADER_EXECUTION'): pass", "grading environment"),
    ("text = open('../../source/06_backpropagation/06_backpropagation.ipynb').read()", "names grading files"),
    ("import urllib.request", "opens network connections"),
    ("from hamlet import hidden_tests", "uses the grader's package"),
    ("class AssertionError(Exception): pass", "redefines AssertionError"),
])
def test_cheating_code_is_called_suspicious(code, finding):
    release = _release()
    submission = examples.notebook_of(STUDENTS[0], SESSION)
    submission.cells.append(nbformat.v4.new_code_cell(code))
    assert any(finding in line for line in suspicious.suspicious_code(submission, release, DECLARATION.guarded_names)), \
        suspicious.suspicious_code(submission, release, DECLARATION.guarded_names)


def test_grading_metadata_comes_back_from_the_release():
    release = _release()
    submission = examples.notebook_of(STUDENTS[0], SESSION)
    cells = {outside_program.grade_id_of(cell): cell for cell in submission.cells}
    cells["task2b_mse_estimate"].metadata["nbgrader"].update(grade=False, points=0)
    cells["linear"].metadata["nbgrader"].update(grade=True, points=50)
    submission.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": "mine",
                                                                                       "grade": True, "points": 9}}))
    before = copy.deepcopy(submission)
    flags = restore_grading_metadata(submission, release)
    assert sorted(flags) == sorted(["suspicious: changed the grading metadata of task2b_mse_estimate (restored)",
                                    "suspicious: changed the grading metadata of linear (restored)",
                                    "suspicious: grading metadata on a cell of its own (mine; removed)"])
    released = {outside_program.grade_id_of(cell): cell for cell in release.cells}
    for cell in submission.cells:
        if outside_program.grade_id_of(cell):
            assert cell.metadata["nbgrader"] == released[outside_program.grade_id_of(cell)].metadata["nbgrader"]
    assert "nbgrader" not in submission.cells[-1].metadata
    assert restore_grading_metadata(submission, release) == []  # a second pass finds nothing
    assert before != submission


VALUES = '''
import numpy as np

class Sub(np.ndarray):
    def __eq__(self, other):
        return True

class Wrapped:
    def __init__(self, data):
        self.data = data
    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.data, dtype=dtype)

class Number:
    def __float__(self):
        return 2.5

class Opaque:
    pass

def subclass():
    return np.arange(6.0).reshape(2, 3).view(Sub)

def wrapped():
    return Wrapped([[1.0, 2.0]])

def number():
    return Number()

def opaque():
    return Opaque()
'''


@pytest.mark.sandbox
def test_values_of_the_students_own_kinds_are_judged_as_numbers_or_refused(worker):
    """An ndarray subclass comes back as the plain array of its data (none of its methods run
    here); an object that converts is converted in the worker, as np.asarray would in the
    kernel; one that does not is a NotAnArray (a TypeError), never a crash of the judge."""
    from hamlet.remote import NotAnArray

    worker.exec_cell("values", VALUES)
    back = worker.global_("subclass")()
    assert type(back) is np.ndarray and np.array_equal(back, np.arange(6.0).reshape(2, 3))
    assert np.array_equal(np.asarray(worker.global_("wrapped")(), dtype=float), [[1.0, 2.0]])
    assert float(worker.global_("number")()) == 2.5
    with pytest.raises(NotAnArray, match="Opaque"):
        np.asarray(worker.global_("opaque")(), dtype=float)
    with pytest.raises(TypeError):
        float(worker.global_("opaque")())
