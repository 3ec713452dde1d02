"""The sandboxed side of the outside verdicts: runs a student's code, answers with arrays.

``hamlet.remote`` starts this file as a script inside the sandbox (see
``hamlet.sandbox``); it imports nothing of the ``hamlet`` package, which is not in
reach there.  It reads requests from stdin and writes answers to stdout, then
points both (and stderr) at ``/dev/null`` so that student code can neither read
the requests nor write into the answers by printing.

A frame is an 8-byte little-endian length, a JSON header of that length, then the
raw bytes of the arrays its ``"arrays"`` list describes, one after another: each as
``[dtype, shape]`` (a dtype with fields as ``["npy", size]``, a ``.npy`` file; never
an object array, never a pickle).  Values travel as::

    {"v": json value}  {"a": array index}  {"l": [values], "t": is tuple}
    {"d": {str: value}}  {"r": reference to an object kept here, "c": its class name}

Requests (``"op"``): ``exec`` a cell, ``global`` a name, ``call`` an object or one of
its methods, ``getattr``, ``setattr``, ``isinstance``, ``class`` of an object,
``array`` (an object as a numeric array, as ``np.asarray`` makes it),
``define`` (the grader's own helper classes, in a namespace of their own).
After a ``call`` or ``setattr`` the answer also carries every array the grader sent
that has changed since (``"changed"``), so a test can see a function modify its inputs.
Every answer carries the ``"id"`` of its request, which the grader draws at random
for each one (so an answer written ahead of a request cannot match it).

An ndarray subclass travels as the plain array of its data (read without calling any
of its methods); other objects stay here.  Before answering, the worker ends every
process the student's code started (the grader refuses answers from a worker beside
which student code still runs, see :mod:`hamlet.remote`).
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import sys
import weakref
import zlib

import numpy as np

MAX_FRAME = 1 << 30
#: the kinds of arrays that travel as data: real numbers (complex ones stay here, and are no numbers
#: to the checks: a right real part must not pass for a right value)
NUMBERS = "biuf"
#: ints that travel as numbers (beyond, they stay here: no float holds them)
INT_LIMIT = 1 << 63
MAX_STRING = 20_000
#: arrays up to this size are watched for changes (bigger ones are data, not test inputs)
WATCHED_SIZE = 1 << 20


def _array_spec(array: np.ndarray) -> tuple[list, np.ndarray | memoryview]:
    """How one array travels: ``[dtype, shape]`` and its raw bytes, or, for a dtype with
    fields (rare), ``["npy", size]`` and a ``.npy`` file -- never a pickle."""
    if array.dtype.hasobject:
        raise ValueError("an array of Python objects cannot be sent")
    if array.dtype.fields is None and array.dtype.itemsize:
        return [array.dtype.str, list(array.shape)], array.reshape(-1).view(np.uint8)  # in place, no copy
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return ["npy", buffer.tell()], buffer.getbuffer()


def write_frame(stream, header: dict, arrays: list) -> None:
    """Header and arrays as one frame; the header gains ``"arrays"``, the arrays' specs."""
    specs, blobs = [], []
    for array in arrays:
        spec, blob = _array_spec(np.asarray(array, order="C"))  # (ascontiguousarray makes 0-d arrays 1-d)
        specs.append(spec)
        blobs.append(blob)
    payload = json.dumps(dict(header, arrays=specs)).encode()
    stream.write(struct.pack("<Q", len(payload)) + payload)
    for blob in blobs:
        stream.write(blob)
    stream.flush()


def _read_exactly(stream, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("the other side closed the connection")
    return data


def _spec_size(spec) -> int:
    """Bytes of the array a spec announces; ValueError for anything malformed."""
    if isinstance(spec, list) and len(spec) == 2 and spec[0] == "npy" and type(spec[1]) is int and spec[1] >= 0:
        return spec[1]
    if not (isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], str) and isinstance(spec[1], list)
            and all(type(n) is int and n >= 0 for n in spec[1])):
        raise ValueError("a malformed array in the frame")
    try:
        dtype = np.dtype(spec[0])
    except (TypeError, ValueError):
        raise ValueError(f"an array of the unknown dtype {spec[0][:40]!r}") from None
    if dtype.hasobject or dtype.fields is not None or not dtype.itemsize:
        raise ValueError(f"an array of the refused dtype {spec[0][:40]!r}")
    count = 1
    for n in spec[1]:
        count *= n
    return count * dtype.itemsize


def _array(spec: list, data: bytes) -> np.ndarray:
    if spec[0] == "npy":
        return np.load(io.BytesIO(data), allow_pickle=False)
    # a writable copy, as np.load gives
    return np.frombuffer(data, dtype=np.dtype(spec[0])).reshape(tuple(spec[1])).copy()


def read_frame(stream, limit: int = MAX_FRAME) -> tuple[dict, list]:
    (size,) = struct.unpack("<Q", _read_exactly(stream, 8))
    if size > limit:
        raise ValueError(f"a header of {size} bytes")
    header = json.loads(_read_exactly(stream, size))
    if not isinstance(header, dict):
        raise ValueError("the header is not an object")
    specs = header.pop("arrays", [])
    if not isinstance(specs, list):
        raise ValueError("a malformed array list in the frame")
    sizes = [_spec_size(spec) for spec in specs]
    if sum(sizes) > limit:
        raise ValueError(f"more than {limit} bytes of arrays")
    data = memoryview(_read_exactly(stream, sum(sizes))) if sizes else b""
    arrays, start = [], 0
    for spec, length in zip(specs, sizes):
        arrays.append(_array(spec, data[start:start + length]))
        start += length
    return header, arrays


def decode_value(value: dict, arrays: list, *, array, reference):
    """What an encoded value stands for.  The two sides differ only in the arrays
    (``array(value, ndarray)``) and the references (``reference(value)``)."""
    if "v" in value:
        return value["v"]
    if "a" in value:
        return array(value, arrays[value["a"]])
    if "l" in value:
        items = [decode_value(item, arrays, array=array, reference=reference) for item in value["l"]]
        return tuple(items) if value.get("t") else items
    if "d" in value:
        return {key: decode_value(item, arrays, array=array, reference=reference) for key, item in value["d"].items()}
    if "r" in value or "g" in value:
        return reference(value)
    raise ValueError(f"cannot decode {value!r}")


def _safe_text(value) -> str:
    try:
        text = str(value)
    except BaseException:  # noqa: BLE001 -- a student's __str__ may raise anything
        text = "<unprintable>"
    return text[:MAX_STRING]


class Worker:
    """The student's namespace and the objects the grader holds references to."""

    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__, "get_ipython": _NoShell}
        self.objects: dict[int, object] = {}      # reference -> object (kept alive)
        self.references: dict[int, int] = {}     # id(object) -> reference
        self.watched: dict[int, tuple] = {}      # token -> (array, fingerprint)

    # ------------------------------------------------------------------ values
    def reference(self, value) -> dict:
        key = id(value)
        if key not in self.references:
            self.references[key] = len(self.objects) + 1
            self.objects[self.references[key]] = value
        try:
            name = type(value).__name__
        except BaseException:  # noqa: BLE001
            name = "object"
        return {"r": self.references[key], "c": _safe_text(name)}

    def encode(self, value, arrays: list, depth: int = 0):
        if value is None or type(value) in (bool, float) or (type(value) is int and -INT_LIMIT <= value < INT_LIMIT):
            return {"v": value}
        if type(value) is str:
            return {"v": value[:MAX_STRING]}
        if isinstance(value, np.generic) and value.dtype.kind in NUMBERS:
            return {"v": value.item()}
        if issubclass(type(value), np.ndarray):  # type(), not isinstance: __class__ can lie
            # a subclass as the data it holds: np.ndarray's own view, none of the subclass's code
            plain = value if type(value) is np.ndarray else np.ndarray.view(value, np.ndarray)
            if plain.dtype.kind in NUMBERS and plain.dtype.fields is None:
                arrays.append(plain)
                return {"a": len(arrays) - 1}
        if type(value) in (list, tuple) and depth < 4 and len(value) <= 100_000:
            return {"l": [self.encode(item, arrays, depth + 1) for item in value], "t": type(value) is tuple}
        if type(value) is dict and depth < 4 and all(type(key) is str for key in value):
            return {"d": {key: self.encode(item, arrays, depth + 1) for key, item in value.items()}}
        return self.reference(value)

    def decode(self, value, arrays: list):
        return decode_value(value, arrays, array=self._received, reference=self._object)

    def _received(self, value: dict, array: np.ndarray) -> np.ndarray:
        if "token" in value and array.size <= WATCHED_SIZE:
            self.watched[value["token"]] = (weakref.ref(array), _fingerprint(array))
        return array

    def _object(self, value: dict):
        return self.objects[value["r"]] if "r" in value else self.namespace[value["g"]]

    def changed(self, arrays: list) -> dict:
        changes = {}
        for token, (reference, fingerprint) in list(self.watched.items()):
            array = reference()
            if array is None:  # no longer held by student code: it cannot change any more
                del self.watched[token]
                continue
            now = _fingerprint(array)
            if now != fingerprint:
                self.watched[token] = (reference, now)
                arrays.append(array)
                changes[str(token)] = len(arrays) - 1
        return changes

    # ------------------------------------------------------------------ requests
    def handle(self, header: dict, inputs: list) -> tuple[dict, list]:
        op = header["op"]
        arrays: list = []
        if op == "exec":
            source = header["source"]
            exec(compile(_python_source(source), f"<{header.get('name', 'cell')}>", "exec"), self.namespace)
            return {"ok": True}, arrays
        if op == "define":  # the grader's helpers: not in the student's namespace
            helpers = {"np": np, "__name__": "hamlet_helpers"}
            exec(compile(header["source"], "<grader helpers>", "exec"), helpers)
            return {"value": self.encode({name: helpers[name] for name in header["names"]}, arrays)}, arrays
        if op == "global":
            if header["name"] not in self.namespace:
                return {"error": f"name '{header['name']}' is not defined", "kind": "NameError"}, arrays
            return {"value": self.encode(self.namespace[header["name"]], arrays)}, arrays
        target = self.decode(header["target"], inputs)
        if op == "call":
            args = [self.decode(item, inputs) for item in header.get("args", [])]
            kwargs = {key: self.decode(item, inputs) for key, item in header.get("kwargs", {}).items()}
            function = getattr(target, header["method"]) if header.get("method") else target
            result = function(*args, **kwargs)
            value = self.encode(result, arrays)
            return {"value": value, "changed": self.changed(arrays)}, arrays
        if op == "getattr":
            return {"value": self.encode(getattr(target, header["name"]), arrays)}, arrays
        if op == "setattr":
            setattr(target, header["name"], self.decode(header["value"], inputs))
            return {"ok": True, "changed": self.changed(arrays)}, arrays
        if op == "isinstance":
            return {"value": {"v": bool(isinstance(target, self.decode(header["cls"], inputs)))}}, arrays
        if op == "class":
            return {"value": self.reference(type(target))}, arrays
        if op == "len":
            return {"value": {"v": int(len(target))}}, arrays
        if op == "array":
            return {"value": self.encode(_numeric_array(target, header.get("dtype")), arrays)}, arrays
        raise ValueError(f"unknown request {op!r}")


class NotAnArray(TypeError):
    """A value of the student's that is no numeric array where one is needed (a TypeError, as
    ``np.asarray`` raises for such a value); raised here and, from the answers, in the grader."""


def _numeric_array(value, dtype) -> np.ndarray:
    """``np.asarray(value[, dtype])`` as a plain numeric array, or NotAnArray saying what it is."""
    try:
        name = _safe_text(type(value).__name__)
    except BaseException:  # noqa: BLE001
        name = "object"
    try:
        array = np.asarray(value)
        if array.dtype.kind == "c":
            raise NotAnArray(f"complex numbers (a {name}), where real ones are needed")
        if dtype:  # an object array may still convert, element by element (e.g. through __float__)
            array = np.asarray(value if array.dtype.kind == "O" else array, dtype=np.dtype(dtype))
    except (TypeError, ValueError, OverflowError) as error:
        if isinstance(error, NotAnArray):
            raise
        raise NotAnArray(f"a {name} that is not a numeric array ({_safe_text(error)[:200]})") from None
    if array.dtype.kind not in NUMBERS or array.dtype.fields is not None:
        raise NotAnArray(f"a {name} that is not a numeric array of real numbers "
                         f"(its dtype is {_safe_text(array.dtype)[:40]})")
    return array


def _end_other_processes(rounds: int = 50) -> None:
    """Kill every process of the sandbox but its init and this worker, and reap them: what the
    student's code started must not run beside the answers.  ``kill(-1)`` in the sandbox's PID
    namespace reaches exactly those; again while any is left (one may fork while it runs)."""
    me = os.getpid()
    for _ in range(rounds):
        try:
            others = [int(entry) for entry in os.listdir("/proc") if entry.isdigit() and int(entry) not in (1, me)]
        except OSError:
            return
        if all(process_ended(f"/proc/{pid}/stat") for pid in others):
            break
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        _reap()
    _reap()


def _reap() -> None:
    """This worker's own ended children (init reaps the others)."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def _in_sandbox_namespace() -> bool:
    """This worker is process 2 of bubblewrap's PID namespace, as the grader says it started it."""
    if os.getpid() != 2 or os.environ.get("HAMLET_WORKER_NAMESPACE") != "1":
        return False
    try:
        with open("/proc/1/comm") as init:
            return init.read().strip() == "bwrap"
    except OSError:
        return False


def process_ended(stat: str) -> bool:
    """Whether the process whose ``/proc/<pid>/stat`` is ``stat`` is gone or a zombie (it can do
    nothing more)."""
    try:
        with open(stat) as status:
            return status.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def _fingerprint(array: np.ndarray) -> tuple:
    # taken for every watched array after every call: crc32 reads the buffer in place (no
    # copy for a contiguous array) and the dtype compares as itself (str(dtype) is slow)
    return array.shape, array.dtype, zlib.crc32(array if array.flags.c_contiguous else np.ascontiguousarray(array))


def _python_source(source: str) -> str:
    """IPython syntax (``%magic``, ``!shell``) as plain Python, as the kernel would run it."""
    try:
        compile(source, "<cell>", "exec")
        return source
    except SyntaxError:
        try:
            from IPython.core.inputtransformer2 import TransformerManager
        except ImportError:
            return source
        return TransformerManager().transform_cell(source)


class Deadline(BaseException):
    """The request's time is up (a BaseException: ``except Exception`` in student code does not stop it)."""


def _deadline(signum, frame):
    raise Deadline


def _no_progress_monitor() -> None:
    """tqdm's monitor thread would run beside the answers (refused, see hamlet.remote):
    progress bars of the student's own never start one here."""
    try:
        import tqdm
    except ImportError:
        return
    tqdm.tqdm.monitor_interval = 0


class _NoShell:
    """``get_ipython()`` for cells with magics: they do nothing here."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def main() -> None:
    requests = os.fdopen(os.dup(0), "rb")
    answers = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = open(os.devnull)
    sys.stdout = sys.stderr = open(os.devnull, "w")
    worker = Worker()
    signal.signal(signal.SIGALRM, _deadline)
    if hasattr(signal, "SIGXFSZ"):  # a file over the size limit: an error for the student's code, not a kill
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    parent = os.getpid()
    forked = []  # os.fork and what calls it (multiprocessing): only then is there anything to end
    os.register_at_fork(after_in_child=lambda: signal.setitimer(signal.ITIMER_REAL, 0),
                        after_in_parent=lambda: forked.append(True))
    _no_progress_monitor()
    sandboxed = _in_sandbox_namespace()  # then every other process there is the student's
    write_frame(answers, {"ready": True, "pid": os.getpid()}, [])
    while True:
        try:
            header, inputs = read_frame(requests)
        except (EOFError, KeyboardInterrupt):
            return
        try:
            signal.setitimer(signal.ITIMER_REAL, float(header.get("timeout", 0)))
            reply, arrays = worker.handle(header, inputs)
        except (Deadline, KeyboardInterrupt):
            reply, arrays = {"error": "the time limit was reached", "kind": "Timeout"}, []
        except BaseException as error:  # noqa: BLE001 -- SystemExit, MemoryError, anything student code raises
            reply, arrays = {"error": _safe_text(error), "kind": _safe_text(type(error).__name__)}, []
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if os.getpid() != parent:  # a child the student forked: only the worker itself answers
            os._exit(0)
        if sandboxed and forked:  # (a fork that bypassed Python's hooks: the grader refuses the answer)
            forked.clear()
            _end_other_processes()
        reply["id"] = header.get("id")
        try:
            write_frame(answers, reply, arrays)
        except BaseException as error:  # noqa: BLE001 -- an answer that cannot be sent (e.g. too much memory)
            write_frame(answers, {"error": f"the answer could not be sent: {_safe_text(error)}",
                                  "kind": type(error).__name__, "id": header.get("id")}, [])


if __name__ == "__main__":
    main()
