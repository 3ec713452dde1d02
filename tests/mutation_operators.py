"""Mutation operators on the AST of one reference function or method.

Each operator is a small function ``operator(function, context) -> list of Edit``:
``function`` is an ``ast.FunctionDef`` (never changed: every edit works on a deep
copy), ``context`` says which class/method or function it is.  An :class:`Edit`
holds the mutated ``FunctionDef``, where it was made (``site``: the source of the
changed node), the quantity it affects and the *kind* of mistake it embodies --
together the expected label (quantity, kind) a good diagnosis names.

The quantity is read off the statement the edit lands in (``self.dw += ...`` ->
``dw``); :data:`QUANTITY_OF` names what a plain local or a return means per method.
"""

from __future__ import annotations

import ast
import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    function: ast.FunctionDef
    site: str
    quantity: str
    kind: str


#: what the output of a method (its return value, or a local holding it) is called
QUANTITY_OF = {
    ("Linear", "forward"): "x_out", ("Linear", "backward"): "d_in", ("Linear", "update_parameters"): "w",
    ("Linear", "zero_gradients"): "dw",
    ("MeanSquareError", "estimate"): "estimate", ("MeanSquareError", "gradient"): "gradient",
    ("Network", "forward"): "forward", ("Network", "backward"): "backward",
    ("Network", "zero_gradients"): "zero_gradients", ("Network", "update_parameters"): "update_parameters",
    ("SoftMax", "forward"): "x_out", ("SoftMax", "backward"): "d_in",
    ("CrossEntropy", "estimate"): "estimate", ("CrossEntropy", "gradient"): "gradient",
    (None, "sigmoid_function"): "sigmoid", (None, "sigmoid_derivative"): "derivative",
    (None, "forward"): "forward", (None, "mse_gradients"): "dw", (None, "sgd_step"): "w",
}
#: locals and attributes that name a quantity of their own
NAMED = {"dw": "dw", "db": "db", "d_in": "d_in", "x_in": "x_in", "x_out": "x_out", "w": "w", "b": "b",
         "new_w": "w", "new_b": "b", "target": "target", "prediction": "prediction", "exponentials": "x_out",
         "delta": "delta", "z": "delta"}
#: a call replaced by its first argument: the kind of mistake that is
DROPPED_CALL_KIND = {"abs": "sign",  # e^-x for x < 0: sigma(-x) there
                     "exp": "exp_missing", "log": "log_missing", "sum": "not_summed",
                     "max": "term_missing",  # x - x: the inputs cancel
                     "reversed": "order", "sigmoid_function": "sigmoid_missing",
                     "sigmoid_derivative": "derivative_missing", "asarray": "dtype"}


# --------------------------------------------------------------------------- helpers

def _source(node) -> str:
    return ast.unparse(node)


def _statement_quantity(statement, context) -> str:
    """The quantity a statement computes: its target's name, else the method's output
    (always the method for Network, whose locals are just the data passed along)."""
    if context[0] == "Network":
        return QUANTITY_OF[context]
    targets = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
        targets = [statement.target]
    for target in targets:
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", None)
        if name in NAMED:
            return NAMED[name]
    return QUANTITY_OF[context]


def _sites(function, predicate):
    """(statement, node) for every node satisfying ``predicate``, in a fixed walk order."""
    found = []
    for statement in ast.walk(function):
        if not isinstance(statement, ast.stmt) or isinstance(statement, (ast.FunctionDef, ast.For, ast.If)):
            continue
        for node in ast.walk(statement):
            if predicate(node):
                found.append((statement, node))
    return found


def _edits(function, context, predicate, transform, kind):
    """One Edit per site: ``transform(node)`` returns the replacement node (or None to skip);
    ``kind`` is a string or ``kind(node, statement, quantity)``."""
    edits = []
    for index, (statement, node) in enumerate(_sites(function, predicate)):
        mutated = copy.deepcopy(function)
        statement_copy, node_copy = _sites(mutated, predicate)[index]
        replacement = transform(node_copy)
        if replacement is None:
            continue
        if not _replace(mutated, node_copy, replacement):
            continue
        ast.fix_missing_locations(mutated)
        quantity = _statement_quantity(statement, context)
        label = kind(node, statement, quantity) if callable(kind) else kind
        if label is None:
            continue
        edits.append(Edit(mutated, _source(node), quantity, label))
    return edits


def _replace(tree, old, new) -> bool:
    """Put ``new`` where ``old`` is in ``tree`` (in place); False if ``old`` is not found."""
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return True
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return True
    return False


def _call_name(node) -> str | None:
    if isinstance(node, ast.Call):
        function = node.func
        return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    return None


def _mentions(node, text: str) -> bool:
    return text in _source(node)


def _argument_names(function) -> list[str]:
    return [argument.arg for argument in function.args.args if argument.arg != "self"]


# --------------------------------------------------------------------------- operators

def swap_matmul(function, context):
    """``a @ b`` -> ``b @ a``: the product in the wrong order (dw comes out transposed)."""
    def transform(node):
        return ast.BinOp(node.right, ast.MatMult(), node.left)

    def kind(node, statement, quantity):
        return "transposed" if quantity in ("dw", "w") else "shape"
    return _edits(function, context, lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult),
                  transform, kind)


def swap_subtraction(function, context):
    """``a - b`` -> ``b - a``: prediction - target the wrong way round (a sign error)."""
    return _edits(function, context, lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub),
                  lambda n: ast.BinOp(n.right, ast.Sub(), n.left), "sign")


def swap_division(function, context):
    """``a / b`` -> ``b / a``: numerator and denominator swapped."""
    return _edits(function, context, lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div),
                  lambda n: ast.BinOp(n.right, ast.Div(), n.left), "reciprocal")


def swap_addition(function, context):
    """``a + b`` -> ``b + a``: always equivalent for arrays (a control for the equivalence filter)."""
    return _edits(function, context, lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add),
                  lambda n: ast.BinOp(n.right, ast.Add(), n.left), "reordered")


def _dropped_kind(dropped):
    text = _source(dropped)
    if "self.b" in text or text == "b":
        return "bias_missing"
    if "eps" in text:
        return "eps_missing"
    if "np.max" in text:
        return "overflow"
    return "term_missing"


def drop_term(function, context):
    """``a + b`` / ``a - b`` -> ``a`` (or ``b``): a term left out -- the bias, eps, the
    max subtracted in softmax, the target."""
    edits = []
    predicate = lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub))  # noqa: E731
    for keep in ("left", "right"):
        drop = "right" if keep == "left" else "left"
        edits += _edits(function, context, predicate, lambda n, keep=keep: getattr(n, keep),
                        lambda node, statement, quantity, drop=drop: _dropped_kind(getattr(node, drop)))
    return edits


def remove_transpose(function, context):
    """``a.T`` -> ``a``: a transpose forgotten."""
    return _edits(function, context, lambda n: isinstance(n, ast.Attribute) and n.attr == "T",
                  lambda n: n.value, "transposed")


def add_transpose(function, context):
    """an operand ``a`` of ``@`` -> ``a.T``: a transpose too many (wrong layout)."""
    edits = []
    for side in ("left", "right"):
        def transform(node, side=side):
            operand = getattr(node, side)
            if isinstance(operand, ast.Attribute) and operand.attr == "T":
                return None
            changed = copy.copy(node)
            setattr(changed, side, ast.Attribute(operand, "T", ast.Load()))
            return changed
        edits += _edits(function, context, lambda n: isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult),
                        transform, "transposed")
    return edits


def _keyword(call, name):
    return next((k for k in call.keywords if k.arg == name), None)


def change_axis(function, context):
    """``axis=0`` <-> ``axis=1``, or the axis removed: summing/normalising over the wrong axis."""
    edits = []
    has_axis = lambda n: isinstance(n, ast.Call) and _keyword(n, "axis") is not None  # noqa: E731

    def flip(node):
        changed = copy.deepcopy(node)
        keyword = _keyword(changed, "axis")
        if not isinstance(keyword.value, ast.Constant):
            return None
        keyword.value = ast.Constant(1 - keyword.value.value)
        return changed

    def remove(node):
        changed = copy.deepcopy(node)
        changed.keywords = [k for k in changed.keywords if k.arg not in ("axis", "keepdims")]
        return changed
    edits += _edits(function, context, has_axis, flip, "axis")
    edits += _edits(function, context, has_axis, remove, "axis")
    return edits


def toggle_keepdims(function, context):
    """``keepdims=True`` removed, or added where an axis is given without it: a (n,) for a (n, 1)."""
    def transform(node):
        changed = copy.deepcopy(node)
        if _keyword(changed, "keepdims") is not None:
            changed.keywords = [k for k in changed.keywords if k.arg != "keepdims"]
        else:
            changed.keywords.append(ast.keyword("keepdims", ast.Constant(True)))
        return changed
    return _edits(function, context, lambda n: isinstance(n, ast.Call) and _keyword(n, "axis") is not None,
                  transform, "keepdims")


def _statement_edits(function, context, predicate, transform, kind):
    """Like :func:`_edits` for whole statements (in any body): ``transform`` returns a list."""
    edits = []
    statements = [s for s in ast.walk(function) if isinstance(s, ast.stmt) and predicate(s)]
    for index, statement in enumerate(statements):
        mutated = copy.deepcopy(function)
        copies = [s for s in ast.walk(mutated) if isinstance(s, ast.stmt) and predicate(s)]
        replacement = transform(copies[index])
        if replacement is None:
            continue
        for parent in ast.walk(mutated):
            for field in ("body", "orelse"):
                body = getattr(parent, field, None)
                if isinstance(body, list) and copies[index] in body:
                    position = body.index(copies[index])
                    body[position:position + 1] = replacement
                    if not body:
                        body.append(ast.Pass())
        ast.fix_missing_locations(mutated)
        label = kind(statement, _statement_quantity(statement, context)) if callable(kind) else kind
        edits.append(Edit(mutated, _source(statement), _statement_quantity(statement, context), label))
    return edits


def augmented_to_plain(function, context):
    """``x += v`` -> ``x = v`` (and ``-=`` likewise): gradients overwritten instead of accumulated,
    an update that replaces w by the step."""
    return _statement_edits(function, context, lambda s: isinstance(s, ast.AugAssign),
                            lambda s: [ast.Assign([s.target], s.value)], "overwritten")


def plain_to_augmented(function, context):
    """``self.a = v`` -> ``self.a += v``: a stored value accumulated across calls."""
    def predicate(statement):
        return isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Attribute)

    def transform(statement):
        target = copy.deepcopy(statement.targets[0])
        target.ctx = ast.Store()
        return [ast.AugAssign(target, ast.Add(), statement.value)]
    return _statement_edits(function, context, predicate, transform, "accumulating")


def flip_sign(function, context):
    """``return v`` / ``x = v`` -> ``-v``, or a leading minus removed: a sign error."""
    edits = _edits(function, context, lambda n: isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub),
                   lambda n: n.operand, "sign")
    def predicate(statement):
        return isinstance(statement, (ast.Assign, ast.AugAssign, ast.Return)) and statement.value is not None \
            and not isinstance(statement.value, (ast.Name, ast.Tuple)) \
            and not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Name))

    def transform(statement):
        changed = copy.deepcopy(statement)
        changed.value = ast.UnaryOp(ast.USub(), changed.value)
        return [changed]
    return edits + _statement_edits(function, context, predicate, transform, "sign")


def scale_value(function, context):
    """``v`` -> ``2 * v`` or ``0.5 * v`` in an assignment or return: a constant factor."""
    edits = []
    predicate = lambda s: isinstance(s, (ast.Assign, ast.AugAssign, ast.Return)) and s.value is not None \
        and not isinstance(s.value, ast.Tuple) and _source(s.value) not in _argument_names(function)  # noqa: E731
    for factor in (2.0, 0.5):
        def transform(statement, factor=factor):
            changed = copy.deepcopy(statement)
            changed.value = ast.BinOp(ast.Constant(factor), ast.Mult(), changed.value)
            return [changed]
        edits += _statement_edits(function, context, predicate, transform, "factor")
    return edits


def change_constant(function, context):
    """A number in an expression: 0.5 -> 1 (the 1/2 missing), c -> 2c, c -> c/2; ``** 2`` -> ``** 1``."""
    edits = []

    def is_number(node):
        return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value != 0 \
            and not _is_keyword_value(function, node)
    for new, label in ((lambda v: 1.0 if v == 0.5 else None, "half_missing"),
                       (lambda v: 2 * v, "factor"), (lambda v: v / 2, "factor")):
        def transform(node, new=new):
            value = new(node.value)
            return None if value is None else ast.Constant(value)

        def kind(node, statement, quantity, label=label):
            return "power" if _is_exponent(function, node) else label
        edits += _edits(function, context, is_number, transform, kind)
    return edits


def _is_keyword_value(function, node) -> bool:
    # compare by position in the source, since ``node`` may live in a copy
    return any(isinstance(k, ast.keyword) and isinstance(k.value, ast.Constant)
               and (k.value.lineno, k.value.col_offset) == (getattr(node, "lineno", -1), getattr(node, "col_offset", -1))
               for k in ast.walk(function))


def _is_exponent(function, node) -> bool:
    return any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow) and isinstance(n.right, ast.Constant)
               and (n.right.lineno, n.right.col_offset) == (getattr(node, "lineno", -1), getattr(node, "col_offset", -1))
               for n in ast.walk(function))


def sum_mean_swap(function, context):
    """``np.sum`` <-> ``np.mean``: a gradient averaged over the batch, or a mean summed."""
    def transform(node):
        name = _call_name(node)
        changed = copy.deepcopy(node)
        changed.func.attr = "mean" if name == "sum" else "sum"
        return changed

    def kind(node, statement, quantity):
        return "averaged" if _call_name(node) == "sum" else "summed"
    return _edits(function, context, lambda n: isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                  and _call_name(n) in ("sum", "mean"), transform, kind)


def divide_by_batch(function, context):
    """a ``@`` product or ``np.sum`` over the batch divided by ``len(...)``: averaged, not summed."""
    def predicate(node):
        return (isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult)) or _call_name(node) == "sum"

    def transform(node):
        first = node.args[0] if isinstance(node, ast.Call) else node.right
        return ast.BinOp(node, ast.Div(), ast.Call(ast.Name("len", ast.Load()), [copy.deepcopy(first)], []))

    def kind(node, statement, quantity):
        return "averaged" if quantity in ("dw", "db", "delta") else "factor"
    return _edits(function, context, predicate, transform, kind)


def integer_buffer(function, context):
    """``np.zeros(shape)`` -> ``np.zeros(shape, dtype=int)``: an integer gradient buffer."""
    def transform(node):
        changed = copy.deepcopy(node)
        changed.keywords = [k for k in changed.keywords if k.arg != "dtype"] + [
            ast.keyword("dtype", ast.Name("int", ast.Load()))]
        return changed
    return _edits(function, context, lambda n: _call_name(n) in ("zeros", "zeros_like", "empty"), transform,
                  "integer_buffer")


def in_place_argument(function, context):
    """``arg OP v`` (OP in + - * /) -> ``arg OP= v`` before the statement, then ``arg``:
    an argument of the caller edited in place."""
    arguments = [name for name in _argument_names(function) if name != "learning_rate"]  # a number: rebound
    operators = (ast.Add, ast.Sub, ast.Mult, ast.Div)
    edits = []
    def is_site(node):
        return isinstance(node, ast.BinOp) and isinstance(node.op, operators) \
            and isinstance(node.left, ast.Name) and node.left.id in arguments
    statements = [s for s in ast.walk(function) if isinstance(s, (ast.Assign, ast.Return, ast.AugAssign, ast.Expr))]
    for s_index, statement in enumerate(statements):
        sites = [n for n in ast.walk(statement) if is_site(n)]
        for n_index, _ in enumerate(sites):
            mutated = copy.deepcopy(function)
            s_copy = [s for s in ast.walk(mutated) if isinstance(s, (ast.Assign, ast.Return, ast.AugAssign, ast.Expr))][s_index]
            node = [n for n in ast.walk(s_copy) if is_site(n)][n_index]
            name = node.left.id
            before = ast.AugAssign(ast.Name(name, ast.Store()), node.op, node.right)
            _replace(s_copy, node, ast.Name(name, ast.Load()))
            for parent in ast.walk(mutated):
                body = getattr(parent, "body", None)
                if isinstance(body, list) and s_copy in body:
                    body.insert(body.index(s_copy), before)
                    break
            ast.fix_missing_locations(mutated)
            edits.append(Edit(mutated, _source(sites[n_index]), NAMED.get(name, name), "in_place"))
    return edits


def first_call_only(function, context):
    """``self.a = v`` -> ``if getattr(self, 'a', None) is None: self.a = v``: state kept from the
    first call (in zero_gradients: gradients never reset)."""
    def predicate(statement):
        return isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Attribute)

    def transform(statement):
        attribute = statement.targets[0].attr
        test = ast.parse(f"getattr(self, {attribute!r}, None) is None", mode="eval").body
        return [ast.If(test, [statement], [])]
    kind = "not_reset" if context[1] == "zero_gradients" else "stale_state"
    return _statement_edits(function, context, predicate, transform, kind)


def _defines_local(function, statement) -> bool:
    """True for ``name = ...`` of a local that is no argument: leaving it out is a NameError, not a
    typical mistake."""
    return isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name) \
        and statement.targets[0].id not in _argument_names(function)


def delete_statement(function, context):
    """A statement left out: an input never stored, a gradient never computed, a layer not called
    (not the definition of a local used later: that is a NameError)."""
    def predicate(statement):
        return isinstance(statement, (ast.Assign, ast.AugAssign, ast.Expr)) and not (
            isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)) \
            and not _defines_local(function, statement)

    def kind(statement, quantity):
        if context[0] == "Network":
            return "not_called"
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Attribute) \
                and isinstance(statement.value, ast.Name):
            return "not_stored"
        return "not_computed"
    return _statement_edits(function, context, predicate, lambda s: [], kind)


def wrong_return(function, context):
    """``return v`` -> ``return u`` for another name the function knows (an argument, a local,
    ``self.x``): returning the wrong variable."""
    names = set(_argument_names(function))
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and getattr(node.value, "id", "") == "self":
            names.add(f"self.{node.attr}")
    edits = []
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
    for r_index, statement in enumerate(returns):
        current = _source(statement.value)
        for name in sorted(names | {"None"}):
            if name == current or name == "layer":
                continue
            mutated = copy.deepcopy(function)
            r_copy = [n for n in ast.walk(mutated) if isinstance(n, ast.Return) and n.value is not None][r_index]
            r_copy.value = ast.parse(name, mode="eval").body
            ast.fix_missing_locations(mutated)
            edits.append(Edit(mutated, f"return {current} -> return {name}", QUANTITY_OF[context], "wrong_return"))
    return edits


def drop_call(function, context):
    """``f(a, ...)`` -> ``a``: a function left out (np.abs, np.exp, np.log, np.sum, reversed, sigma, sigma')."""
    def predicate(node):
        return isinstance(node, ast.Call) and _call_name(node) in DROPPED_CALL_KIND and node.args
    return _edits(function, context, predicate, lambda n: n.args[0],
                  lambda node, statement, quantity: DROPPED_CALL_KIND[_call_name(node)])


def add_reversed(function, context):
    """``for layer in self.layers`` -> ``for layer in reversed(self.layers)``: the wrong order."""
    edits = []
    loops = [n for n in ast.walk(function) if isinstance(n, ast.For) and _call_name(n.iter) != "reversed"]
    for index, _ in enumerate(loops):
        mutated = copy.deepcopy(function)
        loop = [n for n in ast.walk(mutated) if isinstance(n, ast.For) and _call_name(n.iter) != "reversed"][index]
        loop.iter = ast.Call(ast.Name("reversed", ast.Load()), [loop.iter], [])
        ast.fix_missing_locations(mutated)
        edits.append(Edit(mutated, _source(loops[index].iter), QUANTITY_OF[context], "order"))
    return edits


def discard_result(function, context):
    """``x = layer.forward(x)`` -> ``layer.forward(x)``: a result not passed on."""
    def predicate(statement):
        return isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call) \
            and not _defines_local(function, statement)
    return _statement_edits(function, context, predicate, lambda s: [ast.Expr(s.value)], "not_chained")


def flip_comparison(function, context):
    """``>=`` -> ``>`` / ``<`` / ``<=``: the wrong branch for some x."""
    edits = []
    for new in (ast.Gt, ast.Lt, ast.LtE):
        def transform(node, new=new):
            if isinstance(node.ops[0], new):
                return None
            changed = copy.deepcopy(node)
            changed.ops = [new()]
            return changed
        edits += _edits(function, context, lambda n: isinstance(n, ast.Compare) and len(n.ops) == 1, transform,
                        "condition")
    return edits


OPERATORS = (swap_matmul, swap_subtraction, swap_division, swap_addition, drop_term, remove_transpose,
             add_transpose, change_axis, toggle_keepdims, augmented_to_plain, plain_to_augmented, flip_sign,
             scale_value, change_constant, sum_mean_swap, divide_by_batch, integer_buffer, in_place_argument,
             first_call_only, delete_statement, wrong_return, drop_call, add_reversed, discard_result,
             flip_comparison)
