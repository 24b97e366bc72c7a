"""The documentation builds without warnings and says what the code does.

- ``mkdocs build --strict`` succeeds (skipped when mkdocs is not installed: the ``docs`` extra);
- every option of both commands is in the command reference;
- the pipeline page names every component, in the order the pipeline runs them;
- the Python examples of the pages run as written (from a scratch folder holding ``corpus/``);
- the example record on the claim-record page is a claim the extractor really makes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SKIP_MARK = "<!-- not run:"


def page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def python_blocks(text: str) -> list[str]:
    """The ```python blocks of a page, except those right after a ``<!-- not run: why -->`` line."""
    blocks = []
    for m in re.finditer(r"(?m)^```python\n(.*?)^```", text, re.S):
        before = text[:m.start()].rstrip().rsplit("\n", 1)[-1]
        if not before.startswith(SKIP_MARK):
            blocks.append(m.group(1))
    return blocks


def test_site_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="mkdocs is not installed (the docs extra)")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
           "-d", str(tmp_path / "site")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr, done.stderr
    nav = re.findall(r"^\s+- [^:]+: (\S+\.md)$", (ROOT / "mkdocs.yml").read_text(), re.M)
    assert sorted(nav) == sorted(p.name for p in DOCS.glob("*.md")), "every page in the nav, once"
    for name in nav:
        assert (tmp_path / "site" / ("" if name == "index.md" else name[:-3]) / "index.html").is_file(), name


def test_command_reference_lists_every_option():
    from misconduct_nlp.cli import build_parser

    text = page("cli.md")
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    for name, sub in commands.items():
        assert f"## misconduct-nlp {name}" in text
        section = text.split(f"## misconduct-nlp {name}", 1)[1].split("\n## ", 1)[0]
        for action in sub._actions:
            if action.help == "==SUPPRESS==" or "-h" in action.option_strings:
                continue
            for option in action.option_strings or [action.metavar + "..."]:
                assert f"`{option}" in section, f"{name}: {option} is not documented"


def test_getting_started_matches_the_readme():
    text = page("getting-started.md")
    install = ('python3 -m venv .venv && .venv/bin/pip install -e ".[all]" && '
               ".venv/bin/misconduct-nlp extract corpus -o out/claims.jsonl --force")
    assert install in text and ".venv/bin/python -m pytest" in text
    assert "misconduct-nlp report corpus -o out/report.html" in text
    readme = ROOT / "README.md"
    if readme.is_file():
        assert install in readme.read_text(encoding="utf-8"), "README and getting-started disagree"


def test_pipeline_page_names_every_component_in_order():
    from misconduct_nlp.pipeline import COMPONENTS

    text = page("pipeline.md")
    places = [text.find(f"`{name}`") for name in COMPONENTS]
    assert -1 not in places, [n for n, p in zip(COMPONENTS, places, strict=True) if p < 0]
    assert places == sorted(places), "components are described out of order"


def test_claim_example_is_a_real_claim():
    from misconduct_nlp import extract
    from misconduct_nlp.batch import plan
    from misconduct_nlp.io import read_article

    text = page("claim-record.md")
    m = re.search(r"<!-- claim-example -->\n```json\n(.*?)\n```", text, re.S)
    example = json.loads(m.group(1))
    (task,) = [t for t in plan([ROOT / "corpus"])[0] if t.id == example["article"]]  # dated as the CLI does
    article = read_article(task.path)
    claims = [c.to_dict() for c in extract(article.text, published=task.published, article_id=task.id)]
    assert example in claims, "regenerate the example on claim-record.md from the extractor's output"


PAGES = sorted(p.name for p in DOCS.glob("*.md") if python_blocks(p.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", PAGES)
def test_python_examples_run(name, tmp_path):
    """Each page's examples, in order, as one script, from a folder with ``corpus/`` in it."""
    (tmp_path / "corpus").symlink_to(ROOT / "corpus")
    script = tmp_path / "example.py"
    script.write_text("\n\n".join(python_blocks(page(name))), encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=600, env=env, check=False)
    if "No module named 'distributed'" in done.stderr or "No module named 'dask'" in done.stderr:
        pytest.skip("the dask extra is not installed")
    assert done.returncode == 0, f"{name}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
