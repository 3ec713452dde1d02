"""A corpus of HOSTILE return values: what a student's code can hand the judge to break it (issue #14).

How the corpus is made:

* A *kind* (:class:`Kind`) is the source of a function ``_hostile(value)`` that turns the
  right value into a hostile one carrying WRONG data -- every number off by one
  (``_wrong``), unless the kind's description says how else it is wrong -- so a judge that
  works scores 0 wherever it appears.  The ndarray subclasses are generated from
  :data:`SUBCLASS_LIES` (which special method x how it lies); the objects that convert,
  the containers and the odd arrays are written by hand.  :data:`CONTROLS` carry the
  RIGHT data in a disguise the judge must see through: they must pass.
* A *place* (:class:`Place`) is where a session's reference solution hands a value to the
  judge: what a method or function returns, an attribute the checks read, a variable a
  step leaves behind.  :func:`injected` rewrites the solution cell's AST there --
  ``return E`` becomes ``return _hostile(E)``; an attribute is set to ``_hostile(...)`` of
  itself just before the method returns (its return value computed first); a step's
  variable after the cell's code -- and puts the kind's source on top of the cell.
* A *submission* (:class:`Submission`) is the whole reference with one kind at a set of
  places that cannot change each other's verdicts: no two judged by the same task, or by
  tasks one of which is built on the other (the declaration's ``built_on``, transitively: a
  failed task defers its dependants' visible checks, or excuses them).  :func:`rounds` gives
  each kind a place of every task in as few submissions as that takes (06: 2 for the
  definitions and 1 for the steps; 05: 3 and 1), and fills them up with the tasks' other
  places that fit.  Where a task has more places than fit (06's ``Linear.forward`` and
  ``backward``: 5 places, none two in one submission; 05's ``mse_gradients``), the kind's
  number picks the one it meets, so every place meets its share of the kinds.  The step
  places are met by :data:`STEP_KINDS` only (a submission more per kind); the controls meet
  every place.  Every kind at every place would take three times as many worker runs.
* What is judged: the definition and step tasks, less those built on a hostile one (their
  verdicts say nothing); never training.  The cells of the tasks not judged are emptied
  (training; the steps where none is judged): the notebook's worker runs every cell.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from functools import lru_cache

from hamlet import course
from hamlet.examples import Student, notebook_of

S05, S06 = "05_sigmoid_neuron", "06_backpropagation"

#: the helpers every kind's source starts with: the wrong data, and the right data (for the controls)
HELPERS = '''
def _wrong(value):
    """The right value's shape, every number off by one."""
    return np.array(value, dtype=float) + 1.0


def _right(value):
    return np.array(value, dtype=float)
'''


@dataclass(frozen=True)
class Kind:
    name: str
    what: str     # how it is hostile, and how its data is wrong
    source: str   # defines _hostile(value)
    only: tuple = ()  # the labels of the only places it meets (a costly kind); () for all

    def code(self) -> str:
        return textwrap.dedent(HELPERS).strip() + "\n\n\n" + textwrap.dedent(self.source).strip() + "\n"


# --------------------------------------------------------------------------- ndarray subclasses

#: special method (or methods) of an ndarray subclass -> {how it lies: class body}
SUBCLASS_LIES = {
    "eq": {
        "always_true": '''
            def __eq__(self, other):
                return np.ones(np.shape(self), dtype=bool)

            def __ne__(self, other):
                return np.zeros(np.shape(self), dtype=bool)

            __hash__ = None''',
    },
    "sub_abs": {
        "zeros": '''
            def __sub__(self, other):
                return np.zeros(np.broadcast_shapes(np.shape(self), np.shape(other)))

            def __rsub__(self, other):
                return np.zeros(np.broadcast_shapes(np.shape(self), np.shape(other)))

            def __abs__(self):
                return np.zeros(np.shape(self))''',
    },
    "array_ufunc": {
        # what comparing with the right answer would give: no difference, every test holds
        "looks_right": '''
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                plain = [item.view(np.ndarray) if isinstance(item, _Hostile) else item for item in inputs]
                kwargs.pop("out", None)
                result = np.asarray(getattr(ufunc, method)(*plain, **kwargs))
                if ufunc.__name__ in ("equal", "less_equal", "greater_equal", "isfinite", "logical_and",
                                      "logical_or"):
                    return np.ones(result.shape, dtype=bool)
                if ufunc.__name__ in ("subtract", "absolute", "square", "not_equal", "isnan", "isinf",
                                      "greater", "less"):
                    return np.zeros(result.shape, dtype=result.dtype)
                return result''',
        "raises": '''
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                raise RuntimeError(f"no {ufunc.__name__} of me")''',
        "returns_self": '''
            def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
                return self''',
    },
    "array_function": {
        "looks_right": '''
            def __array_function__(self, func, types, args, kwargs):
                if func.__name__ in ("array_equal", "array_equiv", "allclose", "all", "any"):
                    return True
                if func.__name__ == "isclose":
                    return np.ones(np.shape(self), dtype=bool)
                if func.__name__ == "norm":
                    return 0.0
                return super().__array_function__(func, types, args, kwargs)''',
        "raises": '''
            def __array_function__(self, func, types, args, kwargs):
                raise RuntimeError(f"no {func.__name__} of me")''',
        "returns_self": '''
            def __array_function__(self, func, types, args, kwargs):
                return self''',
    },
    "float": {
        "zero": '''
            def __float__(self):
                return 0.0''',
    },
    "len": {
        "raises": '''
            def __len__(self):
                raise RuntimeError("no len of me")''',
    },
    "getitem": {
        "raises": '''
            def __getitem__(self, index):
                raise RuntimeError("no indexing me")''',
    },
    "iter": {
        "raises": '''
            def __iter__(self):
                raise RuntimeError("no iterating me")''',
    },
    "bool": {
        "true": '''
            def __bool__(self):
                return True''',
    },
    "repr_str": {
        "raises": '''
            def __repr__(self):
                raise RuntimeError("no repr of me")

            def __str__(self):
                raise RuntimeError("no str of me")

            def __format__(self, spec):
                raise RuntimeError("no format of me")''',
    },
    "getattr": {
        "returns_self": '''
            def __getattr__(self, name):
                return self''',
    },
    "del": {
        "raises": '''
            def __del__(self):
                raise RuntimeError("no deleting me")''',
    },
}


def _subclass(name: str, what: str, body: str) -> Kind:
    body = textwrap.indent(textwrap.dedent(body).strip(), "    ")
    return Kind(name, what, f'''
class _Hostile(np.ndarray):
{body}


def _hostile(value):
    return _wrong(value).view(_Hostile)
''')


SUBCLASSES = [_subclass("subclass", "a trivial ndarray subclass", "pass")] + [
    _subclass(f"subclass_{method}_{lie}", f"an ndarray subclass whose {method} {lie.replace('_', ' ')}", body)
    for method, lies in SUBCLASS_LIES.items() for lie, body in lies.items()]


# --------------------------------------------------------------------------- objects that are no arrays

#: an object that is no array, but converts to ``data(value)`` (the wrong data, or the right data in disguise)
CONVERTS = '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __array__(self, dtype=None, copy=None):
                return self.data if dtype is None else self.data.astype(dtype)


        def _hostile(value):
            return _Hostile({data}(value))'''

OBJECTS = [
    Kind("converts_to_wrong", "an object whose __array__ gives the wrong data", CONVERTS.format(data="_wrong")),
    # a leading axis: a trailing one of length 1 is a shape some checks accept on purpose ((n, 1) costs)
    Kind("converts_to_extra_axis", "__array__ gives the right numbers with an extra leading axis (wrong shape)", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __array__(self, dtype=None, copy=None):
                return self.data[np.newaxis, np.newaxis, ...]


        def _hostile(value):
            return _Hostile(_right(value))'''),
    Kind("conversion_raises", "__array__ raises", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __array__(self, dtype=None, copy=None):
                raise RuntimeError("no array of me")


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("conversion_recurses", "__array__ recurses forever (RecursionError)", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __array__(self, dtype=None, copy=None):
                return np.asarray(self)


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("conversion_returns_self", "__array__ returns the object itself, no array", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __array__(self, dtype=None, copy=None):
                return self


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("array_interface", "no __array__, but an __array_interface__ of the wrong data", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            @property
            def __array_interface__(self):
                return self.data.__array_interface__


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("claims_ndarray", "__class__ says np.ndarray; shape, dtype, len and items of the wrong data", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data
                self.shape, self.dtype, self.ndim, self.size = data.shape, data.dtype, data.ndim, data.size

            @property
            def __class__(self):
                return np.ndarray

            def __array__(self, dtype=None, copy=None):
                return self.data

            def __len__(self):
                return len(self.data)

            def __getitem__(self, index):
                return self.data[index]


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("claims_numpy_scalar", "__class__ says np.float64, with a dtype and an item() of the wrong data", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data
                self.dtype = np.dtype(float)

            @property
            def __class__(self):
                return np.float64

            def item(self):
                return self.data.tolist()


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("getattr_returns_self", "every attribute it lacks is the object itself", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __getattr__(self, name):
                return self


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
    Kind("repr_raises", "no array; __repr__, __str__ and __format__ raise", '''
        class _Hostile:
            def __repr__(self):
                raise RuntimeError("no repr of me")

            def __str__(self):
                raise RuntimeError("no str of me")

            def __format__(self, spec):
                raise RuntimeError("no format of me")


        def _hostile(value):
            return _Hostile()'''),
    Kind("none_like", "false, equal to None, printed as None", '''
        class _Hostile:
            def __bool__(self):
                return False

            def __eq__(self, other):
                return other is None or isinstance(other, _Hostile)

            def __hash__(self):
                return hash(None)

            def __repr__(self):
                return "None"


        def _hostile(value):
            return _Hostile()'''),
    Kind("recursion_when_touched", "every conversion, attribute and special method recurses forever", '''
        class _Hostile:
            def __getattr__(self, name):
                return getattr(self, name)

            def __array__(self, dtype=None, copy=None):
                return np.asarray(self)

            def __len__(self):
                return len(self)

            def __iter__(self):
                return iter(self)

            def __getitem__(self, index):
                return self[index]

            def __float__(self):
                return float(self)

            def __bool__(self):
                return bool(self)

            def __eq__(self, other):
                return self == other

            __hash__ = object.__hash__

            def __repr__(self):
                return repr(self)


        def _hostile(value):
            return _Hostile()'''),
    Kind("sequence", "__len__ and __getitem__ of the wrong data", '''
        class _Hostile:
            def __init__(self, data):
                self.data = data

            def __len__(self):
                return len(self.data)

            def __getitem__(self, index):
                return self.data[index]


        def _hostile(value):
            return _Hostile(_wrong(value))'''),
]


# --------------------------------------------------------------------------- containers

CONTAINERS = [
    Kind("deeply_nested_lists", "the wrong data inside 200 more levels of lists", '''
        def _hostile(value):
            nested = _wrong(value).tolist()
            for _ in range(200):
                nested = [nested]
            return nested'''),
    Kind("self_referencing_list", "a list holding the wrong data and itself", '''
        def _hostile(value):
            items = [_wrong(value)]
            items.append(items)
            return items'''),
    Kind("self_referencing_dict", "a dict holding the wrong data and itself", '''
        def _hostile(value):
            items = {"value": _wrong(value)}
            items["self"] = items
            return items'''),
    Kind("generator", "a generator of the wrong data's rows", '''
        def _hostile(value):
            return (row for row in _wrong(value))'''),
]


# --------------------------------------------------------------------------- odd arrays and numbers

ARRAYS = [
    Kind("object_dtype_floats", "an object array of the wrong floats", '''
        def _hostile(value):
            return _wrong(value).astype(object)'''),
    Kind("object_dtype_objects", "an object array of objects whose __float__ and __repr__ raise", '''
        class _Item:
            def __float__(self):
                raise RuntimeError("no float of me")

            def __repr__(self):
                raise RuntimeError("no repr of me")


        def _hostile(value):
            items = np.empty(np.shape(value), dtype=object)
            items.fill(_Item())
            return items'''),
    Kind("complex_right_real", "complex: the RIGHT real part, and an imaginary part of 1 (so not the real value)", '''
        def _hostile(value):
            return _right(value) + 1j'''),
    Kind("bool_dtype", "booleans (wrong data > 0)", '''
        def _hostile(value):
            return _wrong(value) > 0'''),
    Kind("structured_dtype", "a structured array, the wrong data in its one field", '''
        def _hostile(value):
            items = np.zeros(np.shape(value), dtype=[("value", float)])
            items["value"] = _wrong(value)
            return items'''),
    Kind("zero_d", "a 0-d array of the wrong data's sum", '''
        def _hostile(value):
            return np.array(_wrong(value).sum())'''),
    Kind("matrix", "an np.matrix of the wrong data", '''
        def _hostile(value):
            return np.asmatrix(_wrong(value))'''),
    Kind("masked_array", "a masked array of the wrong data, all masked", '''
        def _hostile(value):
            return np.ma.masked_array(_wrong(value), mask=True)'''),
    Kind("huge_int", "an int too large for a float (OverflowError on conversion)", '''
        def _hostile(value):
            return 10 ** 400'''),
    Kind("huge_broadcast", "a (10**6, 10**6) broadcast view: 8 TB as soon as it is copied", '''
        def _hostile(value):
            return np.broadcast_to(_wrong(value).sum(), (10 ** 6, 10 ** 6))'''),
    Kind("huge_empty", "np.empty((10**6, 10**6)): the student's code fails (MemoryError)", '''
        def _hostile(value):
            return np.empty((10 ** 6, 10 ** 6))'''),
    # 648 MB in the worker: met once, where the first task is judged, so that what it does to
    # the tasks judged after it shows
    Kind("over_the_answer_limit", "a 9000 x 9000 float array: an answer over the grader's 512 MB limit", '''
        def _hostile(value):
            return np.broadcast_to(_wrong(value).sum(), (9000, 9000))''', only=("Linear.forward:return",)),
]

HOSTILE = SUBCLASSES + OBJECTS + CONTAINERS + ARRAYS

#: the right data in disguise: the judge must see it as the right value
CONTROLS = [
    Kind("right_subclass", "the RIGHT data as a trivial ndarray subclass (result.view(A))", '''
        class _Hostile(np.ndarray):
            pass


        def _hostile(value):
            return _right(value).view(_Hostile)'''),
    Kind("right_converts", "the RIGHT data behind an object's __array__", CONVERTS.format(data="_right")),
]

#: the kinds session 05 meets (its judging machinery is 06's; a few of each family)
KINDS_05 = ("subclass", "subclass_array_ufunc_looks_right", "converts_to_extra_axis", "claims_ndarray",
            "recursion_when_touched", "complex_right_real", "huge_int")


#: the kinds that also meet the step tasks' places (one of each family: a step is only judged by its
#: hidden test, which reads the values the definitions' checks read, and it costs a submission more per kind)
STEP_KINDS = ("subclass", "subclass_array_function_looks_right", "converts_to_wrong", "claims_ndarray",
              "recursion_when_touched", "self_referencing_list", "complex_right_real", "huge_broadcast")


def kinds(session: str) -> list[Kind]:
    """The hostile kinds a session is judged on."""
    return HOSTILE if session == S06 else [kind for kind in HOSTILE if kind.name in KINDS_05]


# --------------------------------------------------------------------------- places

@dataclass(frozen=True)
class Place:
    """Where the reference hands the judge a value: ``value`` of ``function`` in solution cell ``cell``.

    ``function``: ``"Class.method"``, ``"function"``, or ``""`` for a step cell's top level.
    ``value``: ``"return"``; ``"return[i]"`` (item i of a returned tuple); an attribute of the
    method's ``self`` (``"self.x_in"``) or, in a step cell, a variable (``"linear_layer.dw"``).
    ``task``: the task that must score 0 when the value is hostile.
    """

    cell: str
    function: str
    value: str
    task: str

    @property
    def label(self) -> str:
        """E.g. ``Linear.forward:self.x_in``, ``mse_gradients:return.0`` (no brackets: a test id)."""
        return f"{self.function or self.cell}:{self.value}".replace("[", ".").replace("]", "")


PLACES = {
    S06: (
        Place("linear", "Linear.forward", "return", "2a"),
        Place("linear", "Linear.forward", "self.x_in", "2a"),
        Place("linear", "Linear.backward", "return", "2d"),
        Place("linear", "Linear.backward", "self.dw", "2d"),
        Place("linear", "Linear.backward", "self.db", "2d"),
        Place("linear", "Linear.update_parameters", "self.w", "2e"),
        Place("linear", "Linear.update_parameters", "self.b", "2e"),
        Place("mean_square_error", "MeanSquareError.estimate", "return", "2b"),
        Place("mean_square_error", "MeanSquareError.gradient", "return", "2c"),
        Place("network", "Network.forward", "return", "3a"),
        Place("network", "Network.backward", "return", "3a"),
        Place("softmax", "SoftMax.forward", "return", "6a"),
        Place("softmax", "SoftMax.forward", "self.x_out", "6a"),
        Place("softmax", "SoftMax.backward", "return", "6d"),
        Place("cross_entropy", "CrossEntropy.estimate", "return", "6b"),
        Place("cross_entropy", "CrossEntropy.gradient", "return", "6c"),
        Place("task2f_code", "", "linear_layer.dw", "2f"),
        Place("task3b_code", "", "linear_layer.db", "3b"),
    ),
    S05: (
        Place("sigmoid_function", "sigmoid_function", "return", "2a"),
        Place("sigmoid_derivative", "sigmoid_derivative", "return", "2b"),
        Place("forward", "forward", "return", "2c"),
        Place("mse_gradients", "mse_gradients", "return[0]", "2d"),
        Place("mse_gradients", "mse_gradients", "return[1]", "2d"),
        Place("sgd_step", "sgd_step", "return[0]", "2e"),
        Place("sgd_step", "sgd_step", "return[1]", "2e"),
        Place("task2f_code", "", "w", "2f"),
    ),
}

#: the cells of the step tasks (emptied where no step is judged)
STEP_CELLS = {S06: ("task2f_code", "task3b_code"), S05: ("task2f_code",)}

#: the training cells, replaced: no training task is judged here, and training is slow
NO_TRAINING = {
    S06: {cell: f"{history} = None  # not trained: no training task is judged here"
          for cell, history in (("task4_code", "history_task4"), ("task5_code", "history_task5"),
                                ("task6e_code", "history_task6e"))},
    S05: {"task3_code": "history_task3 = None  # not trained: no training task is judged here"},
}


# --------------------------------------------------------------------------- the rewrite

def _statement(code: str) -> ast.stmt:
    return ast.parse(code).body[0]


def _function(tree: ast.Module, dotted: str) -> ast.FunctionDef:
    scope, node = tree, None
    for name in dotted.split("."):
        node = next(item for item in scope.body if isinstance(item, (ast.ClassDef, ast.FunctionDef))
                    and item.name == name)
        scope = node
    return node


class _Returns(ast.NodeTransformer):
    """Each ``return`` of ``function`` (not of a function nested in it) as ``rewrite(node)`` makes it."""

    def __init__(self, function: ast.FunctionDef, rewrite):
        self.function, self.rewrite = function, rewrite

    def visit_FunctionDef(self, node):
        return self.generic_visit(node) if node is self.function else node

    def visit_Return(self, node):
        return self.rewrite(node)


def _hostile_call(node: ast.expr) -> ast.Call:
    return ast.Call(ast.Name("_hostile", ast.Load()), [node], [])


def _spoil(tree: ast.Module, place: Place) -> None:
    """Make the value at ``place`` hostile in ``tree``, a solution cell's code."""
    if not place.function:  # a step: its variable, after the cell's code
        tree.body.append(_statement(f"{place.value} = _hostile({place.value})"))
        return
    function = _function(tree, place.function)
    if place.value == "return":
        def rewrite(node):
            node.value = _hostile_call(node.value)
            return node
    elif place.value.startswith("return["):  # an item of the returned tuple
        index = int(place.value[len("return["):-1])

        def rewrite(node):
            node.value.elts[index] = _hostile_call(node.value.elts[index])
            return node
    else:  # an attribute: spoiled before the method returns, its return value computed first
        spoil = f"{place.value} = _hostile({place.value})"

        def rewrite(node):
            keep = ast.Assign([ast.Name("_hostile_kept", ast.Store())], node.value or ast.Constant(None))
            return [keep, _statement(spoil), _statement("return _hostile_kept")]
        if not isinstance(function.body[-1], ast.Return):
            function.body.append(_statement(spoil))
    _Returns(function, rewrite).visit(function)


def injected(source: str, places, kind: Kind) -> str:
    """``source`` (a solution cell) with the values at ``places`` made hostile by ``kind``."""
    tree = ast.parse(source)
    for place in places:
        _spoil(tree, place)
    return kind.code() + "\n\n" + ast.unparse(ast.fix_missing_locations(tree)) + "\n"


# --------------------------------------------------------------------------- submissions

def _built_on(session: str) -> dict:
    """``{task: every task it builds on}``: the declaration's ``built_on``, transitively."""
    direct = course.declaration(session).built_on
    closed: dict = {}

    def earlier(task):
        if task not in closed:
            closed[task] = set()
            for before in direct.get(task, ()):
                closed[task] |= {before} | earlier(before)
        return closed[task]
    return {task: earlier(task) for task in {*direct, *(t for ts in direct.values() for t in ts)}}


def spills(session: str, place: Place) -> set:
    """The tasks a hostile value at ``place`` may cost besides its own: those built on its task
    (excused, deferred, or fed the hostile value by the student's own code)."""
    return {task for task, earlier in _built_on(session).items() if place.task in earlier}


def _interfere(session: str, one: Place, other: Place) -> bool:
    built_on = _built_on(session)
    return (one.task == other.task or one.task in built_on.get(other.task, ())
            or other.task in built_on.get(one.task, ()))


def _pack(session: str, places, limit: int | None = None) -> list[list[Place]]:
    """``places`` in sets none two of which interfere, greedily in order; at most ``limit`` sets
    (what does not fit is left out)."""
    found: list[list[Place]] = []
    for place in places:
        for group in found:
            if not any(_interfere(session, place, other) for other in group):
                group.append(place)
                break
        else:
            if limit is None or len(found) < limit:
                found.append([place])
    return found


def _step_tasks(session: str) -> set:
    return {step.task for step in course.declaration(session).step_tasks}


@lru_cache(maxsize=None)
def rounds(session: str, turn: int | None = None, steps: bool = True, only: tuple = ()) -> tuple:
    """The places of a kind's submissions in the session (without the steps' places unless
    ``steps``; only those labelled in ``only``, if given).

    ``turn`` None: every place (the controls).  Else one place of every task first -- the
    task's places turned by ``turn``, so that kind number ``turn`` meets its share of each --
    in as few sets as that takes, then whatever other places still fit into them.  (Every
    place would take 6 submissions per kind in session 06, where Linear's forward and
    backward have 5 places that interfere; one of each definition task takes 2.)
    """
    places = [place for place in PLACES[session] if (steps or place.task not in _step_tasks(session))
              and (not only or place.label in only)]
    if turn is None:
        return tuple(tuple(group) for group in _pack(session, places))
    by_task: dict = {}
    for place in places:
        by_task.setdefault(place.task, []).append(place)
    turned = [places[turn % len(places):] + places[:turn % len(places)] for places in by_task.values()]
    first = [places[0] for places in turned]
    return tuple(tuple(group) for group in _pack(session, first + [place for places in turned for place in places[1:]],
                                                 limit=len(_pack(session, first))))


@dataclass(frozen=True)
class Submission:
    session: str
    kind: Kind
    number: int          # which of the kind's submissions in the session
    places: tuple

    @property
    def name(self) -> str:
        return f"{self.session[:2]}-{self.kind.name}-{self.number}"

    def hostile_tasks(self) -> set:
        return {place.task for place in self.places}

    def spilled_tasks(self) -> set:
        """The tasks built on a hostile one, which the student's own code may fail or the judge
        excuse: their verdicts say nothing here."""
        return set().union(*(spills(self.session, place) for place in self.places)) - self.hostile_tasks()

    @property
    def tasks(self) -> list[str]:
        """What is judged: the definition and step tasks, less the spilled ones; never training."""
        declared = course.declaration(self.session)
        return [judged.task for judged in (*declared.definition_tasks, *declared.step_tasks)
                if judged.task not in self.spilled_tasks()]

    def untouched_tasks(self) -> set:
        """The judged tasks no hostile value of this submission reaches: they must pass."""
        return set(self.tasks) - self.hostile_tasks()

    def notebook(self):
        """The reference, hostile at the places; the cells of tasks not judged (training, and the
        steps where none is judged) emptied, since the notebook's worker runs every cell."""
        sources = _solution_sources(self.session)
        replace = dict(NO_TRAINING[self.session])
        if not set(self.tasks) & _step_tasks(self.session):
            replace.update({cell: "# not judged in this submission" for cell in STEP_CELLS[self.session]})
        for cell in {place.cell for place in self.places}:
            replace[cell] = injected(sources[cell], [place for place in self.places if place.cell == cell],
                                     self.kind)
        student = Student(self.name, f"{self.kind.what}, at {', '.join(p.label for p in self.places)}",
                          replace=replace)
        return notebook_of(student, self.session)


@lru_cache(maxsize=None)
def _solution_sources(session: str) -> dict:
    """``{grade id: source}`` of the reference's code cells, as a student who solved everything has them."""
    notebook = notebook_of(Student("reference", ""), session)
    return {cell.metadata["nbgrader"]["grade_id"]: cell.source for cell in notebook.cells
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade_id")}


def submissions(session: str, of_kinds, every_place: bool = False) -> list[Submission]:
    """A kind's submissions for each of ``of_kinds``: at every place, or at one of every task
    (see :func:`rounds`), the steps only for the :data:`STEP_KINDS`."""
    return [Submission(session, kind, number, places) for turn, kind in enumerate(of_kinds)
            for number, places in enumerate(rounds(session, None if every_place else turn,
                                                   steps=every_place or kind.name in STEP_KINDS, only=kind.only),
                                            start=1)]


def hostile_submissions() -> list[Submission]:
    return submissions(S06, kinds(S06)) + submissions(S05, kinds(S05))


def control_submissions() -> list[Submission]:
    return submissions(S06, CONTROLS, every_place=True) + submissions(S05, CONTROLS, every_place=True)
