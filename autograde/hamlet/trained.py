"""The trained networks of the grading kernel, handed to the outside verdicts as plain arrays.

Training is most of a submission's grading time.  Rather than train every network a
second time in a sandboxed worker, the grading kernel leaves what each training task
produced in a folder of its own: right after a training task's test cell,
:class:`hamlet.nbgrader_plugins.RecoveringExecute` runs :data:`SNIPPET`, which calls
:func:`dump` *in the kernel*.  The outside verdicts (:mod:`hamlet.verdicts`) read the
file back with :func:`load` and measure the accuracy themselves.

Nothing here is trusted more than what the student's code could have produced in a
worker: the file holds arrays and a few facts (loaded without pickle, shapes and types
checked), and a student who writes it by hand only chooses their own parameters --
which a training cell could do as well.  A file that is missing, malformed or names a
layer this module does not know makes the outside verdicts train in a worker, as before.
"""

from __future__ import annotations

import json
import math
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


#: the layers' math the grading kernel records parameters for (see hamlet.declaration.LAYER_MATH)
WITH_PARAMETERS = "affine"
#: the kind of a layer the session does not declare
OTHER = "other"
#: what the grading kernel runs after a training task's test cell (silently, no history)
SNIPPET = "__import__('hamlet.trained', fromlist=['dump']).dump(globals(), {name!r}, {path!r}, {layers!r})"
#: a file larger than this is not read (the kernel's file-size limit is 64 MiB anyway)
MAX_BYTES = 64 << 20


def file_for(folder, name: str) -> Path:
    return Path(folder) / f"{name}.npz"


# ----------------------------------------------------------------------------- in the kernel

def dump(namespace: dict, name: str, path: str, layer_math: dict) -> None:
    """Write ``namespace[name]`` (a History) and its network's parameters to ``path``.

    ``layer_math`` is the session's ``{class name: (math, ...)}``: a layer whose class is
    the notebook's class of that name is recorded by that name, with its ``w`` and
    ``b`` when its math is affine; any other layer as "other".  Runs in the student's kernel.  Anything unexpected writes nothing, so the outside
    verdicts fall back to training in a worker.
    """
    from hamlet_utils.training import History

    facts: dict = {"name": name, "defined": name in namespace}
    arrays: dict = {}
    history = namespace.get(name)
    facts["is_history"] = isinstance(history, History)
    if facts["is_history"]:
        facts["failure"] = None if history.failure is None else str(history.failure)[:500]
        facts["costs"] = [float(cost) if isinstance(cost, (int, float)) else None for cost in history.cost]
        settings = history.settings if isinstance(history.settings, dict) else {}
        epochs = settings.get("number_epochs")
        facts["number_epochs"] = epochs if isinstance(epochs, int) else None
        net = history.net
        layers = net.layers if isinstance(getattr(net, "layers", None), (list, tuple)) else [net]
        facts["layers"] = []
        for index, layer in enumerate(layers):
            kind = next((known for known in layer_math if type(layer) is namespace.get(known)), OTHER)
            facts["layers"].append(kind)
            if WITH_PARAMETERS in layer_math.get(kind, ()):
                arrays[f"w{index}"] = np.array(layer.w, dtype=np.float64)
                arrays[f"b{index}"] = np.array(layer.b, dtype=np.float64)
    arrays["facts"] = np.array(json.dumps(facts))
    partial = f"{path}.partial"
    with open(partial, "wb") as file:
        np.savez(file, **arrays)
    os.replace(partial, path)  # a reader never sees half a file


# ----------------------------------------------------------------------------- in the grader

@dataclass
class TrainedRun:
    """One training task's result as the kernel left it."""

    name: str
    defined: bool
    is_history: bool
    failure: str | None = None
    costs: list = field(default_factory=list)
    number_epochs: int | None = None
    layers: list = field(default_factory=list)  # [(kind, w or None, b or None)]

    @property
    def computable(self) -> bool:
        """Every layer is one whose forward pass the grader computes itself (:func:`load` calls
        every other one "other")."""
        return all(kind != OTHER for kind, _, _ in self.layers)


def load(path, layer_math: dict) -> TrainedRun | None:
    """The run in ``path``, or None when the file is missing, too large or malformed.

    ``layer_math`` as in :func:`dump`: which kinds must come with parameters.

    The folder is the kernel's: a link or a special file (a FIFO would block) is refused.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_BYTES:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as file, np.load(file, allow_pickle=False) as archive:
            facts = json.loads(str(archive["facts"]))
            arrays = {key: archive[key] for key in archive.files if key != "facts"}
        return _run(facts, arrays, layer_math)
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError, EOFError, zipfile.BadZipFile):
        return None
    finally:
        os.close(descriptor)


def _run(facts: dict, arrays: dict, layer_math: dict) -> TrainedRun | None:
    if not isinstance(facts, dict) or not isinstance(facts.get("name"), str):
        return None
    run = TrainedRun(facts["name"], facts.get("defined") is True, facts.get("is_history") is True)
    if not run.is_history:
        return run
    failure, costs, epochs, kinds = (facts.get("failure"), facts.get("costs"), facts.get("number_epochs"),
                                     facts.get("layers"))
    if not (failure is None or isinstance(failure, str)) or not isinstance(costs, list) \
            or not (epochs is None or isinstance(epochs, int)) or not isinstance(kinds, list):
        return None
    run.failure, run.number_epochs = failure, epochs
    run.costs = [cost if isinstance(cost, float) and math.isfinite(cost) else None for cost in costs]
    for index, kind in enumerate(kinds):
        if not isinstance(kind, str):
            return None
        w, b = arrays.get(f"w{index}"), arrays.get(f"b{index}")
        if kind not in layer_math:
            kind = OTHER
        if WITH_PARAMETERS in layer_math.get(kind, ()) and not (isinstance(w, np.ndarray) and isinstance(b, np.ndarray)
                                     and w.dtype == np.float64 and b.dtype == np.float64
                                     and w.ndim == 2 and b.size == w.shape[0]):
            kind, w, b = OTHER, None, None  # not what an affine layer holds: the worker's forward decides
        run.layers.append((kind, w, b))
    return run
