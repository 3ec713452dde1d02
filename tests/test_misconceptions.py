"""The misconception codes: every failure of a check carries one, and the registry knows them all.

Static: every ``fail(...)`` call of the check modules passes ``code=``; every code-shaped string
in them is a key of :data:`hamlet_utils.misconceptions.CODES`; every key is raisable (a literal
at a call site, or a finite-difference / parameter-step combination the helpers build).
Dynamic: the codes of the failures the hand-written and mutation corpora provoke are all known.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from hamlet_utils import checking, checks, gradcheck, misconceptions, neuron_checks
from hamlet_utils.misconceptions import CODES, FD_KINDS, FD_QUANTITIES, STEP_KINDS, STEP_UNITS

MODULES = [Path(module.__file__) for module in (checking, checks, neuron_checks)]
#: how a code looks: unit.quantity.kind (or two parts for the shared ones)
CODE_SHAPE = re.compile(r"^[a-z][a-z_0-9]*(\.[a-z][a-z_0-9]*){1,2}$")
UNITS = {code.split(".")[0] for code in CODES}


def _fail_calls(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("fail", "_fail"):
            yield node


def _code_literals(path: Path) -> set[str]:
    """Every string constant of the module that looks like a code of a known unit."""
    tree = ast.parse(path.read_text())
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and CODE_SHAPE.match(node.value) and node.value.split(".")[0] in UNITS}


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_every_fail_call_passes_a_code(path):
    missing = [node.lineno for node in _fail_calls(path) if not any(k.arg == "code" for k in node.keywords)]
    assert not missing, f"{path.name}: fail(...) without code= on lines {missing}"


def test_every_code_literal_is_registered():
    literals = set().union(*map(_code_literals, MODULES))
    assert literals - set(CODES) == set()


def test_every_registered_code_can_be_raised():
    """The registry holds no code that no check raises: literals at call sites, plus the codes the
    finite-difference and step helpers compose."""
    literals = set().union(*map(_code_literals, MODULES))
    composed = {misconceptions.fd_code(unit, quantity, kind) for unit, quantities in FD_QUANTITIES.items()
                for quantity in quantities for kind in FD_KINDS}
    composed |= {misconceptions.step_code(unit, parameter, kind) for unit in STEP_UNITS for parameter in "wb"
                 for kind in STEP_KINDS}
    composed.add(misconceptions.FD_MISMATCH)
    assert set(CODES) - literals - composed == set()


def test_fd_kinds_are_those_of_gradcheck():
    assert set(FD_KINDS) == set(gradcheck.KINDS) - {"mismatch"}
    assert misconceptions.fd_code("linear", "dw", "mismatch") == "fd.mismatch"
    assert misconceptions.fd_code("linear", "dw", "transposed") == "linear.dw.transposed"


def test_codes_are_well_formed_and_described():
    for code, description in CODES.items():
        assert CODE_SHAPE.match(code), code
        assert description and description == description.strip(), code


def test_check_failed_carries_its_code_and_keeps_its_message():
    with pytest.raises(checking.CheckFailed) as caught:
        checking.fail("2d", "dw is transposed.", code="linear.dw.transposed")
    assert caught.value.code == "linear.dw.transposed"
    assert str(caught.value) == "Task 2d: dw is transposed."


def test_student_errors_get_a_code():
    def broken():
        raise RuntimeError("boom")
    with pytest.raises(checking.CheckFailed) as caught:
        checking.call("2a", "Linear.forward", broken)
    assert caught.value.code == "call.raised"


def test_outside_verdicts_carry_the_code():
    """The judges keep a failed check's code next to its message (hamlet.judges.Verdict.code)."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "autograde"))
    from hamlet import judges

    failure = checking.CheckFailed("Task 2d: dw is transposed.", "linear.dw.transposed")
    assert judges._failure_code(failure) == "linear.dw.transposed"
    assert judges._failure_code(AssertionError("a hidden test")) == ""
    assert judges.Verdict("2d", True).code == ""
