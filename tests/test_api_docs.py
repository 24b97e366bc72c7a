"""The API reference (docs/api.md, built by mkdocstrings) covers the public modules, and the
docs extra installs what builds it. ``tests/test_docs.py`` builds the site with ``--strict``."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import misconduct_nlp

ROOT = Path(__file__).resolve().parents[1]


def documented() -> list[str]:
    return re.findall(r"(?m)^::: (\S+)$", (ROOT / "docs" / "api.md").read_text(encoding="utf-8"))


def test_every_module_of_the_public_api_is_in_the_reference():
    names = documented()
    assert len(names) == len(set(names)), "a module listed twice"
    public = set(misconduct_nlp._LAZY.values()) | {"misconduct_nlp.model", "misconduct_nlp.errors"}
    assert public - set(names) == set(), "public modules missing from docs/api.md"
    for name in names:
        module = importlib.import_module(name)  # a target that is not a module fails here
        assert module.__doc__, f"{name} has no module docstring"


def test_the_docs_extra_and_the_site_config_use_mkdocstrings():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib on Python 3.10
    docs = re.search(r"(?m)^docs = \[(.*)\]$", pyproject)
    assert docs and '"mkdocstrings[python]' in docs.group(1), "the docs extra lacks mkdocstrings[python]"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- mkdocstrings:" in config and "paths: [src]" in config and "API reference: api.md" in config
