"""Rule: refusals carry codes.  Every ``ValidationError(...)`` the apps build (in services, rules, forms and
model code) names its code — ``<app>/errors.py`` holds them — so tests and callers tell refusals apart
without reading the message in the user's language.

The check reads the source (``ast``) of every module of the apps except migrations.  A call passes when
* it has ``code=`` (not ``None``) and its message is neither a dict nor a list: Django drops the code given
  beside a dict or a list, only the messages inside keep theirs; or
* its message is a dict or list literal whose values are ``ValidationError(...)`` calls (each of them is a
  call of its own, checked by the same walk); or
* its message is a name that the enclosing function fills only with ``ValidationError(...)`` calls
  (``errors[field] = ...``, ``errors.setdefault(field, []).append(...)``).

``DayRejected`` (attendance) needs no rule here: it is built from ``ValidationError``s (it reads their
``messages`` and ``code``), and those are calls this walk checks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("compostela", "regulations", "clients", "attendance", "placements", "billing", "review", "devtools")


def _is_validation_error(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "ValidationError") or (
        isinstance(func, ast.Attribute) and func.attr == "ValidationError")


def _message(call: ast.Call) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return next((k.value for k in call.keywords if k.arg == "message"), None)


def _values_are_validation_errors(node: ast.AST) -> bool:
    """A dict or list literal (or a list inside a dict) whose every value is a ``ValidationError(...)`` call."""
    if isinstance(node, ast.Dict):
        return all(_values_are_validation_errors(v) or _is_validation_error(v) for v in node.values)
    if isinstance(node, ast.List):
        return all(_is_validation_error(v) for v in node.elts)
    return False


def _is_empty_collection(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Dict | ast.List) and not (getattr(node, "keys", None) or getattr(node, "elts", None))


def _holder(node: ast.AST) -> str | None:
    """``errors`` for ``errors`` itself and for ``errors.setdefault(key, [])``."""
    if isinstance(node, ast.Name):
        return node.id
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "setdefault"
            and isinstance(node.func.value, ast.Name)):
        return node.func.value.id
    return None


def _filled_only_with_validation_errors(name: str, function: ast.AST) -> bool:
    """Whether every way ``function`` puts something into ``name`` puts a ``ValidationError(...)`` there."""
    feeds = 0
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id == name:
                    if not (_is_empty_collection(node.value) or _values_are_validation_errors(node.value)):
                        return False
                elif isinstance(target, ast.Subscript) and _holder(target.value) == name:
                    feeds += 1
                    if not (_is_validation_error(node.value) or _values_are_validation_errors(node.value)):
                        return False
        elif isinstance(node, ast.AugAssign) and _holder(node.target) == name:
            return False  # ``errors += something``: not provable here
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and _holder(node.func.value) == name and node.func.attr in ("append", "extend", "update", "insert")):
            feeds += 1
            if node.func.attr != "append" or not all(_is_validation_error(a) for a in node.args):
                return False
    return feeds > 0


def _problem(call: ast.Call, function: ast.AST | None) -> str | None:
    message = _message(call)
    code = next((k.value for k in call.keywords if k.arg == "code"), None)
    if isinstance(message, ast.Dict | ast.List):
        if code is not None:
            return "code= beside a dict or list is dropped by Django; give each inner message its code"
        if not _values_are_validation_errors(message):
            return "a dict or list of messages without codes"
        return None
    if code is not None:
        if isinstance(code, ast.Constant) and code.value is None:
            return "code=None"
        return None
    if isinstance(message, ast.Name) and function is not None and _filled_only_with_validation_errors(
            message.id, function):
        return None
    return "no code="


def refusals_without_code(source: str, filename: str = "<source>") -> list[str]:
    """``file:line: why`` for each ``ValidationError(...)`` call of ``source`` that carries no code."""
    tree = ast.parse(source, filename)
    found = []

    def visit(node: ast.AST, function: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if _is_validation_error(child):
                problem = _problem(child, inner)
                if problem:
                    found.append(f"{filename}:{child.lineno}: {problem}")
            visit(child, inner)

    visit(tree, None)
    return found


def app_modules() -> list[Path]:
    return sorted(path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def test_every_validation_error_the_apps_raise_carries_a_code():
    modules = app_modules()
    assert len(modules) > 50  # the walk does see the apps
    found = [problem for path in modules
             for problem in refusals_without_code(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


@pytest.mark.parametrize("source", [
    'raise ValidationError(_("No."))',
    'raise forms.ValidationError(MSG)',
    'raise ValidationError(MSG, code=None)',
    'raise ValidationError({"day": _(MSG)})',
    'raise ValidationError({"day": [_(MSG)]})',
    'raise ValidationError({"day": _(MSG)}, code=Error.DAY)',
    'raise ValidationError([ValidationError(MSG), ValidationError(OTHER, code=Error.OTHER)])',
    'def f():\n    errors = {}\n    errors["day"] = _(MSG)\n    raise ValidationError(errors)',
    'def f():\n    errors = {}\n    errors.setdefault("day", []).append(_(MSG))\n    raise ValidationError(errors)',
    'def f(errors):\n    raise ValidationError(errors)',
])
def test_the_check_finds_a_refusal_without_a_code(source):
    assert len(refusals_without_code(source)) == 1


@pytest.mark.parametrize("source", [
    'raise ValidationError(_(MSG), code=Error.DAY)',
    'raise forms.ValidationError(MSG, code=Error.MONTH)',
    'raise ValidationError({"day": ValidationError(_(MSG), code=Error.DAY)})',
    'raise ValidationError({"day": [ValidationError(MSG, code=Error.DAY), ValidationError(M, code=Error.M)]})',
    'def f():\n    errors = {}\n    errors["day"] = [ValidationError(MSG, code=Error.DAY)]\n'
    '    errors.setdefault("on", []).append(ValidationError(MSG, code=Error.ON))\n    raise ValidationError(errors)',
])
def test_the_check_lets_a_coded_refusal_pass(source):
    assert refusals_without_code(source) == []
