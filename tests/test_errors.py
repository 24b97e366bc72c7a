"""One errors module: every code unique and used, every message says what to do, and the
modules raise (and warn with) the errors module's classes and messages."""

from __future__ import annotations

import ast
import io
import re
import string
import warnings
from pathlib import Path

import pytest

import misconduct_nlp
from misconduct_nlp import errors
from misconduct_nlp.errors import (
    ArticleError,
    ClaimsFileError,
    Errors,
    InputTypeError,
    MisconductError,
    UsageError,
    Warnings,
    code_of,
    codes,
)

SRC = Path(misconduct_nlp.__file__).parent
#: Modules other work still has to move onto the errors module (their raises are not checked yet).
NOT_YET_MIGRATED = {"forces.py", "periods.py", "lexicon.py"}
#: Imperative verbs a message's advice starts with or contains.
ADVICE = {
    "add", "check", "convert", "correct", "drop", "extract", "fix", "give", "keep", "leave", "make",
    "name", "pass", "point", "raise", "reinstall", "remove", "report", "run", "save", "split", "use",
    "write",
}
CLASSES = {n: getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)}
ERROR_CLASSES = {n for n, c in CLASSES.items() if issubclass(c, Exception) and not issubclass(c, Warning)}
WARNING_CLASSES = {n for n, c in CLASSES.items() if issubclass(c, Warning)}


def catalogue_assignments(name: str) -> list[str]:
    tree = ast.parse((SRC / "errors.py").read_text(encoding="utf-8"))
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name).body
    return [t.id for n in body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)]


def all_messages() -> dict[str, str]:
    return {**codes(Errors), **codes(Warnings)}


# --------------------------------------------------------------------------- the catalogue


@pytest.mark.parametrize("catalogue, letter", [("Errors", "E"), ("Warnings", "W")])
def test_every_code_is_unique_and_well_formed(catalogue, letter):
    names = catalogue_assignments(catalogue)  # a repeated name in a class body silently overrides
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert names and all(re.fullmatch(rf"{letter}\d{{3}}", n) for n in names), names
    assert names == sorted(names), "codes in order, so a new one is added at the end of its group"


def test_messages_carry_their_code():
    assert Errors.E001.startswith("[E001] ") and Warnings.W001.startswith("[W001] ")
    assert code_of(Errors.E109) == "E109" and code_of("no code") is None
    assert UsageError(Errors.E004).code == "E004"


@pytest.mark.parametrize("code", sorted(all_messages()))
def test_every_message_says_what_went_wrong_and_what_to_do(code):
    msg = all_messages()[code]
    parts = re.split(r"(: |; )", msg, maxsplit=1)
    problem, sep, advice = parts if len(parts) == 3 else (msg, "", "")
    assert problem and sep, f"{code}: no advice after the problem: {msg!r}"
    words = set(re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", " ", advice)))
    assert words & ADVICE, f"{code}: the message does not say what to do: {msg!r}"
    # every placeholder can be filled
    fields = {f for _, f, _, _ in string.Formatter().parse(msg) if f}
    filled = msg.format(**{f.split("!")[0].split(".")[0]: "x" for f in fields})
    assert "{" not in filled.replace('{"', "")


def test_every_code_is_used_and_every_used_code_exists():
    used: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in ("Errors", "Warnings")):
                used.add(node.attr)
    assert used - set(all_messages()) == set(), "referenced but not defined"
    assert set(all_messages()) - used == set(), "defined but never used"


# --------------------------------------------------------------------------- the modules use it


def _mentions_catalogue(node: ast.AST, helpers: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "Errors":
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in helpers:
            return True
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "str":
            return True  # str(err) of an error that has its code already
    return False


def _message_helpers(tree: ast.Module) -> set[str]:
    """Functions of a module whose every return value is an Errors message (like io.os_reason)."""
    out = set()
    for fn in tree.body:
        if isinstance(fn, ast.FunctionDef):
            returns = [n for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None]
            if returns and all(_mentions_catalogue(r.value, set()) for r in returns):
                out.add(fn.name)
    return out


def _warning_variables(tree: ast.Module) -> set[str]:
    """Names only ever assigned a Warnings message (or None) in the module."""
    values: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    values.setdefault(t.id, []).append(node.value)
    return {name for name, vs in values.items()
            if all((isinstance(v, ast.Constant) and v.value is None) or ast.unparse(v).startswith("Warnings.")
                   for v in vs)}


def raise_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    helpers = _message_helpers(tree)
    warning_variables = _warning_variables(tree)
    getattr_fns = {id(n) for fn in ast.walk(tree)
                   if isinstance(fn, ast.FunctionDef) and fn.name == "__getattr__" for n in ast.walk(fn)}
    problems = []
    for node in ast.walk(tree):
        where = f"{path.name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc
            if isinstance(exc, ast.Name):
                if exc.id[0].isupper() and exc.id not in ("KeyboardInterrupt", "NotImplementedError"):
                    problems.append(f"{where}: raise {exc.id} without a message")
                continue
            if not isinstance(exc, ast.Call):
                continue
            name = ast.unparse(exc.func)
            if name in ERROR_CLASSES:
                if not exc.args or not _mentions_catalogue(exc.args[0], helpers):
                    problems.append(f"{where}: {name} without an Errors message")
            elif name == "argparse.ArgumentTypeError":
                if not exc.args or not _mentions_catalogue(exc.args[0], helpers):
                    problems.append(f"{where}: {name} without an Errors message")
            elif name == "AttributeError" and id(node) in getattr_fns:
                continue  # a module's __getattr__ must raise AttributeError, worded as Python does
            elif name not in ("NotImplementedError", "KeyboardInterrupt"):
                problems.append(f"{where}: raises {name}, not a class of misconduct_nlp.errors")
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "warnings.warn":
            category = ast.unparse(node.args[1]) if len(node.args) > 1 else "UserWarning"
            text = ast.unparse(node.args[0]) if node.args else ""
            coded = text.startswith("Warnings.") or text in warning_variables
            if category not in WARNING_CLASSES or not coded:
                problems.append(f"{where}: warnings.warn({text}, {category})")
    return sorted(problems, key=lambda p: int(p.split(":")[1]))


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name not in NOT_YET_MIGRATED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_modules_raise_the_errors_modules_classes(path):
    assert raise_problems(path) == []


def test_the_check_finds_bare_raises(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import warnings\n"
                   "def f(x):\n"
                   "    if x:\n        raise ValueError('no')\n"
                   "    raise UsageError('a message of its own')\n"
                   "def g():\n    warnings.warn('careful')\n")
    found = raise_problems(bad)
    assert [p.split(": ", 1)[1] for p in found] == [
        "raises ValueError, not a class of misconduct_nlp.errors",
        "UsageError without an Errors message",
        "warnings.warn('careful', UserWarning)",
    ]


# --------------------------------------------------------------------------- old paths, old types


def test_old_import_paths_give_the_same_classes():
    from misconduct_nlp import batch
    from misconduct_nlp import io as mio

    assert batch.UsageError is UsageError and mio.ArticleError is ArticleError
    assert issubclass(UsageError, ValueError) and issubclass(ClaimsFileError, ValueError)
    assert issubclass(InputTypeError, TypeError)
    for name in ERROR_CLASSES:
        assert issubclass(getattr(errors, name), MisconductError)
    for name in WARNING_CLASSES:
        assert issubclass(getattr(errors, name), errors.MisconductWarning)
        assert issubclass(getattr(errors, name), UserWarning)


def test_errors_raised_at_run_time_have_codes(tmp_path):
    from misconduct_nlp.formats import make_writer, read_claims
    from misconduct_nlp.io import read_article
    from misconduct_nlp.render import render

    with pytest.raises(ValueError) as e:
        make_writer("xml", io.BytesIO())
    assert e.value.code == "E009" and "use jsonl or csv" in str(e.value)
    bad = tmp_path / "claims.jsonl"
    bad.write_text('{"value": 1}\nnot json\n{"value": 2}\n')
    with pytest.raises(ValueError, match=r"\[E301\] .*claims.jsonl:2: not JSON"):
        read_claims(bad)
    with pytest.raises(TypeError, match=r"\[E303\]"):
        render(3)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(ArticleError) as e:
        read_article(tmp_path / "empty.txt")
    assert e.value.code == "E101"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert misconduct_nlp.Claim  # importing the errors module warns about nothing


def test_no_code_is_assigned_twice_in_the_source():
    """A class body silently keeps the last of two assignments: read the source instead."""
    import re
    from pathlib import Path

    import misconduct_nlp.errors as errors_module

    source = Path(errors_module.__file__).read_text(encoding="utf-8")
    assigned = re.findall(r"^    ([EW]\d{3}) =", source, re.M)
    assert len(assigned) == len(set(assigned)), sorted(c for c in assigned if assigned.count(c) > 1)
