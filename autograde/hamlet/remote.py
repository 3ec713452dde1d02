"""The grader's side of the outside verdicts: student objects as proxies of a sandboxed worker.

A :class:`RemoteWorker` is one sandboxed ``hamlet/worker.py`` process.  What it
returns are plain values and arrays; everything else stays there and is seen here as
a :class:`RemoteObject`, whose attribute reads, writes and calls are requests.
The hidden tests can therefore run here, in a process that never executes student
code, on proxies of the student's classes: they choose the inputs, the worker only
computes the student's outputs, and the comparison with finite differences happens
here.

Failures of the worker surface as exceptions of this process:
:class:`StudentError` (the student's code raised; ``NotImplementedError`` and
``AttributeError`` keep their types, so the tests treat them as in the kernel),
:class:`NotAnArray` (a value the checks need as numbers is none),
:class:`WorkerTimeout` and :class:`WorkerDied`.

Student code shares the worker's process, so it could write answers of its own into
the pipe.  This side therefore trusts an answer only when

* it carries the request's id, drawn at random for each request (an answer written
  ahead of time cannot know it);
* nothing was waiting in the pipe before the request was sent;
* no thread or process of the student's runs beside the worker when a request is sent
  (read from ``/proc`` here, where student code cannot reach): nothing can then
  answer a request while the worker handles it but the code the request itself runs;
* it is well-formed and within :data:`ANSWER_LIMIT`.

Any other answer is refused: the worker is killed and only the task being judged
fails (:class:`WorkerDied`).
"""

from __future__ import annotations

import itertools
import math
import os
import secrets
import select
import signal
import sys
import time
from pathlib import Path

import numpy as np

from . import sandbox
from .worker import NUMBERS, NotAnArray, decode_value, process_ended, read_frame, write_frame

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
SANDBOX_SCRIPT = Path("/opt/hamlet-worker/worker.py")
#: how long an interrupted request may take to give up before the worker is killed
GRACE_SECONDS = 3
#: what one answer may weigh: ample for MNIST-sized outputs
ANSWER_LIMIT = 512 << 20
BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
#: how long threads or processes the student's code started may take to end before the
#: worker's answers are refused
STRAGGLER_SECONDS = 2.0
#: less than this left of a submission's budget: no request is sent
BUDGET_FLOOR_SECONDS = 1.0


class StudentError(Exception):
    """The student's code raised ``kind``: ``message``."""

    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message = kind, message


class WorkerTimeout(BaseException):
    """No answer in time (a BaseException: no test's ``except Exception`` may take it for a wrong answer)."""


class WorkerDied(BaseException):
    """The worker is gone: os._exit, a crash, a kill at a limit."""


class _FdReader:
    """Blocking reads from a pipe, each bounded by the request's deadline."""

    def __init__(self, fd: int, deadline: float):
        self.fd, self.deadline = fd, deadline

    def read(self, size: int) -> bytes:
        chunks, remaining = [], size
        while remaining:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(self.fd, min(remaining, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)


class RemoteWorker:
    """One sandboxed worker process; a context manager that always kills it at the end."""

    def __init__(self, slot: int = 0, limits: sandbox.Limits = sandbox.Limits(), environment: dict | None = None,
                 timeout: float = 60.0, deadline: float = math.inf):
        # deadline: the submission's time budget (time.monotonic(), hamlet.budget); no request outlasts it
        self.slot, self.limits, self.timeout, self.deadline = slot, limits, timeout, deadline
        self.environment = dict(environment or {})
        self.process = None
        self.proxies: dict[int, RemoteObject] = {}
        self.watched: dict[int, np.ndarray] = {}
        self.tokens = itertools.count(1)
        self.watch: Beside | None = None  # what runs beside it (set by start)

    # ------------------------------------------------------------------ life
    def start(self) -> "RemoteWorker":
        # in the sandbox the script stands alone, away from the rest of the grader's package
        script = SANDBOX_SCRIPT if sandbox.bubblewrap() else WORKER_SCRIPT
        # an absolute path without "..": the sandbox holds the interpreter's folder, not the way to it
        # one BLAS thread (OpenBLAS's pool comes and goes with forks): every other thread is the student's
        environment = dict(self.environment, **{name: "1" for name in BLAS_THREADS})
        if sandbox.bubblewrap():  # in its own PID namespace the worker may end every other process there
            environment["HAMLET_WORKER_NAMESPACE"] = "1"
        self.process = sandbox.start([os.path.abspath(sys.executable), "-u", str(script)], self.slot, self.limits,
                                     environment=environment, extra_readable=[(WORKER_SCRIPT, SANDBOX_SCRIPT)])
        self.proxies.clear()
        self.watched.clear()
        header, _ = self._read(time.monotonic() + 120)
        if not header.get("ready"):
            raise WorkerDied("the worker did not start")
        self.watch = Beside.of(self.process.pid, header.get("pid"))
        if self.watch is None:  # its answers could not be checked: none is taken
            self.close()
            raise WorkerDied("the worker's process was not found in /proc, so its answers cannot be checked")
        return self

    def close(self) -> None:
        if self.process is not None:
            sandbox.kill(self.process)
            for stream in (self.process.stdin, self.process.stdout):
                try:
                    stream.close()
                except OSError:
                    pass
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    # ------------------------------------------------------------------ protocol
    def _read(self, deadline: float):
        try:
            return read_frame(_FdReader(self.process.stdout.fileno(), deadline), ANSWER_LIMIT)
        except TimeoutError:
            raise
        except (EOFError, ValueError, OSError) as error:
            self.close_with_reason()
            reason = self._death_reason(error)
            self.close()  # one that still runs sent something that is no answer: it is not asked again
            raise WorkerDied(reason) from None

    def _death_reason(self, error) -> str:
        code = self.process.poll() if self.process else None
        if code is None:
            return f"the process running your code broke the connection ({type(error).__name__})"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return f"the process running your code was killed by {name}"
        return f"the process running your code exited with code {code}"

    def close_with_reason(self):
        if self.process is not None:
            try:
                self.process.wait(timeout=2)
            except Exception:  # noqa: BLE001
                pass

    def _refuse(self, why: str):
        """Kill a worker whose answers cannot be trusted; only the task being judged fails."""
        self.close()
        raise WorkerDied(why)

    def _alone(self) -> None:
        """Refuse to go on unless the worker runs alone and nothing waits in its pipe."""
        if select.select([self.process.stdout], [], [], 0)[0] and self.alive:
            self._refuse("your code wrote into the grader's pipe between two requests; its answers are refused")
        others = self.watch.others(STRAGGLER_SECONDS)
        if others:
            self._refuse(f"your code left {others} running beside the grader's requests (not allowed while "
                         f"grading: its answers cannot be trusted)")

    def request(self, header: dict, arrays: list | None = None, timeout: float | None = None) -> dict:
        if not self.alive:
            raise WorkerDied("the process running your code is no longer running")
        self._alone()
        arrays = list(arrays or [])
        seconds = self._request_seconds(self.timeout if timeout is None else timeout)
        number = secrets.token_hex(8)
        header = dict(header, timeout=seconds, id=number)
        try:
            write_frame(self.process.stdin, header, arrays)
        except (BrokenPipeError, OSError):
            self.close_with_reason()
            raise WorkerDied(self._death_reason(BrokenPipeError())) from None
        try:  # the worker interrupts itself at the deadline; one that does not is killed
            reply, answer_arrays = self._read(time.monotonic() + seconds + GRACE_SECONDS)
        except TimeoutError:
            self.close()
            raise WorkerTimeout(f"no answer within {seconds:g} s") from None
        if reply.get("id") != number:
            self._refuse("an answer that was not for the request being run came from your code's process "
                         "(written into the grader's pipe); it is refused")
        try:
            return self._answer(header, reply, answer_arrays, seconds)
        except (KeyError, IndexError, TypeError, ValueError, RecursionError) as error:
            if isinstance(error, NotAnArray):
                raise
            self._refuse(f"a malformed answer came from your code's process ({type(error).__name__}); it is refused")

    def _request_seconds(self, seconds: float) -> float:
        """A request's time: its timeout, and at most half of what is left of the budget -- after
        a call into stuck code, the calls still to come (most quick, unless they call it too)
        all get their turn within the budget."""
        left = self.deadline - time.monotonic()
        if left <= BUDGET_FLOOR_SECONDS:
            self.close()
            raise WorkerTimeout("the notebook's time budget is used up")
        return round(min(seconds, max(BUDGET_FLOOR_SECONDS, left / 2)), 1)

    def _answer(self, header: dict, reply: dict, answer_arrays: list, seconds: float):
        changed = reply.get("changed")
        for token, index in (changed.items() if isinstance(changed, dict) else ()):
            # the answer comes from beside student code: only what fits is written back
            local = self.watched.get(int(token)) if token.isdigit() else None
            if local is not None and type(index) is int and 0 <= index < len(answer_arrays) \
                    and local.shape == answer_arrays[index].shape:
                try:
                    local[...] = answer_arrays[index]
                except (TypeError, ValueError):  # an array of another kind: not what the call did to it
                    pass
        if "error" in reply:
            kind, message = str(reply.get("kind", "Error")), str(reply["error"])
            if kind == "Timeout":
                raise WorkerTimeout(f"no answer within {seconds:g} s")
            if kind == "NotImplementedError":
                raise NotImplementedError(message)
            if kind == "AttributeError" and header["op"] == "getattr":
                raise AttributeError(message)
            if kind == "NotAnArray" and header["op"] == "array":
                raise NotAnArray(message)
            raise StudentError(kind, message)
        value = reply.get("value", {"v": None})
        if not isinstance(value, dict):
            raise ValueError("a malformed value")
        return self.decode(value, answer_arrays)

    # ------------------------------------------------------------------ values
    def _token(self, array: np.ndarray) -> int:
        for token, known in self.watched.items():
            if known is array:
                return token
        token = next(self.tokens)
        self.watched[token] = array
        return token

    def encode(self, value, arrays: list, watch: bool = False):
        if isinstance(value, RemoteObject):
            if value._worker is not self:
                raise ValueError("an object of another worker")
            return {"r": value._reference}
        if value is None or isinstance(value, (bool, str)):
            return {"v": value}
        if isinstance(value, (int, float, np.integer, np.floating)):
            return {"v": value.item() if isinstance(value, np.generic) else value}
        if isinstance(value, np.ndarray):
            arrays.append(value)
            encoded = {"a": len(arrays) - 1}
            if watch:
                encoded["token"] = self._token(value)
            return encoded
        if isinstance(value, (list, tuple)):
            return {"l": [self.encode(item, arrays, watch) for item in value], "t": isinstance(value, tuple)}
        if isinstance(value, dict):
            return {"d": {str(key): self.encode(item, arrays, watch) for key, item in value.items()}}
        raise TypeError(f"cannot send a {type(value).__name__} to the sandbox")

    def decode(self, value, arrays: list):
        return _values(decode_value(value, arrays, array=lambda _, array: array, reference=self._proxy))

    def _proxy(self, value: dict) -> "RemoteObject":
        """One proxy per object of the worker, so that ``is`` means the same there and here."""
        if "r" not in value:
            raise ValueError("a malformed answer")
        reference = int(value["r"])
        if reference not in self.proxies:
            self.proxies[reference] = RemoteObject(self, reference, str(value.get("c", "object")))
        return self.proxies[reference]

    # ------------------------------------------------------------------ requests
    def exec_cell(self, name: str, source: str, timeout: float | None = None) -> None:
        self.request({"op": "exec", "name": name, "source": source}, timeout=timeout)

    def global_(self, name: str):
        return self.request({"op": "global", "name": name})

    def define(self, source: str, names: list[str]) -> dict:
        return self.request({"op": "define", "source": source, "names": list(names)})

    def call(self, target, method, args, kwargs):
        arrays: list = []
        header = {"op": "call", "target": self.encode(target, arrays), "method": method,
                  "args": [self.encode(item, arrays, watch=True) for item in args],
                  "kwargs": {key: self.encode(item, arrays, watch=True) for key, item in kwargs.items()}}
        return self.request(header, arrays)

    def getattr(self, target, name: str):
        arrays: list = []
        return self.request({"op": "getattr", "target": self.encode(target, arrays), "name": name}, arrays)

    def setattr(self, target, name: str, value) -> None:
        arrays: list = []
        header = {"op": "setattr", "target": self.encode(target, arrays), "name": name}
        header["value"] = self.encode(value, arrays, watch=True)
        self.request(header, arrays)

    def isinstance(self, target, cls) -> bool:
        arrays: list = []
        return bool(self.request({"op": "isinstance", "target": self.encode(target, arrays),
                                  "cls": self.encode(cls, arrays)}, arrays))

    def class_of(self, target):
        arrays: list = []
        return self.request({"op": "class", "target": self.encode(target, arrays)}, arrays)

    def len(self, target) -> int:
        arrays: list = []
        return int(self.request({"op": "len", "target": self.encode(target, arrays)}, arrays))

    def as_array(self, target, dtype=None) -> np.ndarray:
        """``np.asarray(target, dtype)`` computed in the worker: a plain numeric array, or NotAnArray."""
        arrays: list = []
        value = self.request({"op": "array", "target": self.encode(target, arrays),
                              "dtype": None if dtype is None else np.dtype(dtype).str}, arrays)
        if type(value) is not np.ndarray:  # a number comes back as itself
            value = np.asarray(value)
        if value.dtype.kind not in NUMBERS:
            raise NotAnArray(f"{target!r} is not a numeric array of real numbers")
        return value if dtype is None else value.astype(dtype, copy=False)


class ValueList(list):
    """A list the student's code gave: used as numbers, it converts or is a NotAnArray (a ragged,
    self-holding or non-numeric list is a wrong value, not an error of the checks)."""

    def __array__(self, dtype=None, copy=None):
        return _as_numbers(self, list(self), dtype)


class ValueTuple(tuple):
    """A tuple the student's code gave (see :class:`ValueList`)."""

    def __array__(self, dtype=None, copy=None):
        return _as_numbers(self, tuple(self), dtype)


def _as_numbers(value, plain, dtype) -> np.ndarray:
    try:
        array = np.asarray(plain, dtype=dtype)
    except NotAnArray:
        raise
    except (TypeError, ValueError, OverflowError, RecursionError) as error:
        raise NotAnArray(f"a {type(plain).__name__} that is not a numeric array ({str(error)[:200]})") from None
    if array.dtype.kind not in NUMBERS:
        raise NotAnArray(f"a {type(plain).__name__} that is not a numeric array of real numbers")
    return array


def _values(value):
    """Decoded lists and tuples as :class:`ValueList` and :class:`ValueTuple`, all the way down."""
    if type(value) is list:
        return ValueList(_values(item) for item in value)
    if type(value) is tuple:
        return ValueTuple(_values(item) for item in value)
    if type(value) is dict:
        return {key: _values(item) for key, item in value.items()}
    return value


class RemoteObject:
    """An object that lives in a worker: attributes, calls and ``len`` are requests to it."""

    __slots__ = ("_worker", "_reference", "_class_name")

    def __init__(self, worker: RemoteWorker, reference: int, class_name: str):
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_reference", reference)
        object.__setattr__(self, "_class_name", class_name)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._worker.getattr(self, name)

    def __setattr__(self, name, value):
        self._worker.setattr(self, name, value)

    def __call__(self, *args, **kwargs):
        return self._worker.call(self, None, args, kwargs)

    def __len__(self):
        return self._worker.len(self)

    def __repr__(self):
        return f"<{self._class_name} in the sandbox>"

    # a value the checks use as numbers: converted in the worker, as np.asarray would in the kernel
    def __array__(self, dtype=None, copy=None):
        return self._worker.as_array(self, dtype)

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def _scalar(self):
        array = self._worker.as_array(self, np.float64)
        if array.size != 1:
            raise NotAnArray(f"{self!r} is not a single number (its shape is {array.shape})")
        return array.reshape(-1)[0]

    # the hidden tests' questions about an object's class, answered by the worker
    def __hamlet_class__(self):
        return self._worker.class_of(self)

    def __hamlet_isinstance__(self, cls) -> bool:
        return self._worker.isinstance(self, cls)


class Beside:
    """What runs beside a sandboxed worker, read from ``/proc`` outside the sandbox.

    bubblewrap gives the worker a PID namespace of its own (its init is 1, the worker 2);
    ``/proc/<worker>/root/proc`` is that namespace's process list, ``/proc/<worker>/task``
    the worker's threads.  Without bubblewrap only the threads are known.
    """

    def __init__(self, host_pid: int, threads: int, namespace: bool):
        self.host_pid, self.threads, self.namespace = host_pid, threads, namespace

    @classmethod
    def of(cls, started_pid: int, inner_pid) -> "Beside | None":
        """The worker's own process among those ``started_pid`` started (found by its pid inside
        the sandbox), with its threads now as the baseline (OpenBLAS's); None when not found."""
        inner = str(inner_pid)
        for pid in _descendants(started_pid):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            ids = next((line.split()[1:] for line in status.splitlines() if line.startswith("NSpid:")), [])
            if ids and ids[-1] == inner:
                watch = cls(pid, 0, namespace=len(ids) > 1)
                watch.threads = watch.count_threads()
                return watch if watch.threads else None
        return None

    def count_threads(self) -> int:
        try:
            return len(os.listdir(f"/proc/{self.host_pid}/task"))
        except OSError:
            return 0

    def processes(self) -> int:
        """Processes of the sandbox's namespace besides its init and the worker (not zombies)."""
        root = f"/proc/{self.host_pid}/root/proc"
        try:
            entries = [entry for entry in os.listdir(root) if entry.isdigit() and entry not in ("1", "2")]
        except OSError:
            return 0
        return sum(not process_ended(f"{root}/{entry}/stat") for entry in entries)

    def others(self, wait: float) -> str:
        """What runs beside the worker after ``wait`` seconds at most ("" when nothing does)."""
        deadline = time.monotonic() + wait
        while True:
            threads = self.count_threads() - self.threads
            processes = self.processes() if self.namespace else 0
            if (threads <= 0 and processes <= 0) or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        parts = ([f"{threads} thread{'s' if threads > 1 else ''}"] if threads > 0 else []) + \
                ([f"{processes} process{'es' if processes > 1 else ''}"] if processes > 0 else [])
        return " and ".join(parts)


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (from the parent ids in ``/proc``)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, ()))
    return found
