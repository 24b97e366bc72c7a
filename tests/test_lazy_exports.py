"""The package's lazily exported names survive any import order.

``misconduct_nlp.render`` is a function of the submodule ``misconduct_nlp.render``: importing
that submodule (directly, or through ``misconduct_nlp.report``) used to replace the function
on the package by the module. Each check runs in a fresh interpreter, because what matters
is which module is imported first.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys

import pytest

import misconduct_nlp

SUBMODULES = sorted(m.name for m in pkgutil.walk_packages(misconduct_nlp.__path__, "misconduct_nlp."))
#: Third-party libraries the submodules import, loaded once before forking (they do not touch
#: the package's attributes; loading them in every child would only cost time).
PRELOAD = ("spacy", "thinc", "quantulum3", "dateparser", "rapidfuzz", "numpy")

# A fresh interpreter that has not imported misconduct_nlp forks one child per submodule: the
# child imports that submodule first, then checks every lazily exported name.
CHECK = """
import importlib, json, os, sys, types
for lib in sys.argv[2].split(","):
    try:
        importlib.import_module(lib)
    except ImportError:
        pass
assert not any(m == "misconduct_nlp" or m.startswith("misconduct_nlp.") for m in sys.modules)

def check(first):
    importlib.import_module(first)
    import misconduct_nlp
    bad = {}
    for name, where in misconduct_nlp._LAZY.items():
        got = getattr(misconduct_nlp, name)
        want = getattr(importlib.import_module(where), name)
        if isinstance(got, types.ModuleType) or got is not want:
            bad[name] = repr(got)
        ns = {}
        exec(f"from misconduct_nlp import {name} as again", ns)
        if ns["again"] is not want:
            bad[name + " (from-import)"] = repr(ns["again"])
    for m in SUBMODULES:  # importing every other submodule afterwards changes nothing either
        importlib.import_module(m)
    for name, where in misconduct_nlp._LAZY.items():
        if getattr(misconduct_nlp, name) is not getattr(importlib.import_module(where), name):
            bad[name + " (after all)"] = repr(getattr(misconduct_nlp, name))
    return bad

SUBMODULES = sys.argv[1].split(",")
results = {}
for first in SUBMODULES:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            out = json.dumps(check(first))
        except BaseException as e:
            out = json.dumps({"raised": repr(e)})
        os.write(w, out.encode())
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as fh:
        results[first] = json.loads(fh.read() or '{"raised": "child died"}')
    os.waitpid(pid, 0)
print(json.dumps(results))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork to start a clean child per submodule")
def test_every_lazy_name_is_its_function_or_class_whatever_is_imported_first():
    assert "misconduct_nlp.render" in SUBMODULES and "misconduct_nlp.report" in SUBMODULES
    done = subprocess.run([sys.executable, "-c", CHECK, ",".join(SUBMODULES), ",".join(PRELOAD)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(results) == SUBMODULES
    problems = {first: bad for first, bad in results.items() if bad}
    assert not problems, problems


def test_the_documented_order_renders():
    """docs/python-api.md imports ``misconduct_nlp.report`` before calling ``misconduct_nlp.render``."""
    code = ("import misconduct_nlp\nfrom misconduct_nlp.report import build_report\n"
            "html = misconduct_nlp.render('Nine officers were dismissed.', [])\n"
            "assert isinstance(html, str) and 'Nine officers' in html, html\n"
            "import misconduct_nlp.render as r\nassert r is misconduct_nlp.render\n"
            "import importlib\nassert importlib.import_module('misconduct_nlp.render').highlight\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr


def test_unknown_names_are_still_attribute_errors():
    with pytest.raises(AttributeError, match="no_such_name"):
        misconduct_nlp.no_such_name  # noqa: B018
    assert set(misconduct_nlp._LAZY) <= set(dir(misconduct_nlp))
