"""The suspicious-code scan: what a student's own cells do that a solution never needs."""

from __future__ import annotations

import ast
import re

from .outside_program import grade_id_of


SUSPICIOUS_NAMES = {
    "_getframe": "reads the caller's frame", "currentframe": "reads the caller's frame",
    "f_back": "reads the caller's frame", "f_locals": "reads another frame's variables",
    "get_referrers": "searches the interpreter's objects", "get_objects": "searches the interpreter's objects",
    "NBGRADER_EXECUTION": "branches on the grading environment", "environ": "reads environment variables",
    "getenv": "reads environment variables", "sqlite3": "opens a database", "socket": "opens network connections",
    "urllib": "opens network connections", "requests": "opens network connections", "http": "opens network connections",
    "subprocess": "starts programs", "system": "starts programs", "fork": "starts processes", "builtins": "changes Python's builtins",
    "__builtins__": "changes Python's builtins", "settrace": "traces the interpreter",
    "setprofile": "traces the interpreter", "hamlet": "uses the grader's package",
}


#: what a solution never needs but a cheat does not need either (a fork bomb is a fault, not a
#: trick for points): a note for the tutor, not "suspicious"
NOT_CHEATING = ("starts processes",)


SUSPICIOUS_TEXT = re.compile(r"gradebook|\bsolutions?/|submitted/|autograded/|grades\.csv|feedback/|\.ipynb")


#: modules whose attributes student code has no business replacing (and a session's own, declared)
GUARDED_MODULES = ("np", "numpy", "hamlet_utils", "sys", "builtins", "os", "math", "warnings")


def suspicious_code(submission, release, guarded_names=()) -> list[str]:
    """What the student's own code does that a solution never needs: replacing functions of
    modules, reading frames, the environment or files of the grading, the network ("suspicious
    code in ..."); starting processes, which only faults do, is a note ("note: code in ...")."""
    released = {grade_id_of(cell): cell for cell in release.cells if grade_id_of(cell)}
    findings = []
    for number, cell in enumerate(submission.cells):
        grade_id = grade_id_of(cell)
        if cell.cell_type != "code" or (grade_id in released and not released[grade_id].metadata.get(
                "nbgrader", {}).get("solution")):
            continue  # given and test cells are the release's
        name = grade_id if grade_id in released else f"cell {number}"
        reasons: dict = {}  # one line per cell: each kind of reason once, with its first example
        for what in _suspicious_in(cell.source, GUARDED_MODULES + tuple(guarded_names)):
            reasons.setdefault(what.split(": ")[-1].split(" (")[0], what)
        cheating = [what for reason, what in reasons.items() if reason not in NOT_CHEATING]
        noted = [what for reason, what in reasons.items() if reason in NOT_CHEATING]
        if cheating:
            findings.append(f"suspicious code in {name}: " + "; ".join(cheating)[:300])
        if noted:
            findings.append(f"note: code in {name} " + "; ".join(noted)[:300])
    return findings


def _suspicious_in(source: str, guarded: tuple) -> list[str]:
    found = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        tree = None
    if tree is not None:
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and _root_name(target) in guarded:
                    found.append(f"replaces {ast.unparse(target)}")
                if isinstance(target, ast.Name) and target.id in ("AssertionError", "Exception", "print",
                                                                  "isinstance", "__import__"):
                    found.append(f"redefines {target.id}")
                if isinstance(target, ast.Subscript) and ast.unparse(target.value) in ("sys.modules",):
                    found.append("replaces a module in sys.modules")
            if isinstance(node, ast.ClassDef) and node.name in ("AssertionError", "CheckFailed"):
                found.append(f"redefines {node.name}")
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr")
                    and node.args and _root_name(node.args[0]) in guarded):
                found.append(f"replaces attributes of {ast.unparse(node.args[0])}")
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"imports {module}: {SUSPICIOUS_NAMES[module.split('.')[0]]}" for module in modules
                          if module.split(".")[0] in SUSPICIOUS_NAMES]
            if isinstance(node, ast.Attribute) and node.attr in SUSPICIOUS_NAMES:
                found.append(f"uses .{node.attr}: {SUSPICIOUS_NAMES[node.attr]}")
            if isinstance(node, ast.Name) and node.id in SUSPICIOUS_NAMES and node.id != "hamlet":
                found.append(f"uses {node.id}: {SUSPICIOUS_NAMES[node.id]}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if node.value == "NBGRADER_EXECUTION":
                    found.append("branches on the grading environment (NBGRADER_EXECUTION)")
                elif SUSPICIOUS_TEXT.search(node.value):
                    found.append(f"names grading files ({node.value[:60]!r})")
    return found


def _root_name(node) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
