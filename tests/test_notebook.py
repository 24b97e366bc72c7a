"""notebooks/explore.ipynb runs top to bottom in a fresh kernel and shows what it promises."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
KERNEL = "misconduct-nlp-test"


def test_notebook_is_stored_without_outputs():
    """Outputs depend on the extractor of the day; the stored notebook keeps only its code."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "the notebook has no code"
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)


@pytest.fixture()
def kernel_dir(tmp_path, monkeypatch) -> Path:
    """A kernel spec for this very interpreter, so the notebook runs in the project's venv
    whatever kernels the machine has (or has not) installed."""
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "misconduct-nlp (test)", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.delenv("MISCONDUCT_CORPUS", raising=False)
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    return tmp_path


def test_notebook_runs_top_to_bottom(kernel_dir):
    for module in ("nbclient", "nbformat", "ipykernel", "matplotlib", "pandas"):
        pytest.importorskip(module, reason=f"the notebook extra is not installed ({module})")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=900, startup_timeout=120,
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first cell that fails

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    counts = re.search(r"(\d+) claims in (\d+) articles", text)
    assert "Reading " in text and counts and int(counts[1]) > 0 and int(counts[2]) > 0, text
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    # the DataFrame of claims, and one article rendered with its claims highlighted
    assert any("<table" in h and "sentence_text" in h for h in html)
    assert any('<mark class="mn-num"' in h and '<mark class="mn-sent"' in h for h in html)
    # the distinct figures (the ledger) beside the mentions: fewer figures than claims
    summary = re.search(r"(\d+) figures from (\d+) mentions in (\d+) articles", text)
    assert summary and int(summary[2]) == int(counts[1]) and 0 < int(summary[1]) < int(summary[2]), text
    assert f"{summary[1]} distinct figures from {summary[2]} mentions" in text
    assert any("<table" in h and "<th>mentions</th>" in h and "<th>articles</th>" in h
               and "<th>figure</th>" in h for h in html)
    # partial periods are flagged: some of the corpus's figures are one year of a longer window
    partial = re.search(r"(\d+) of (\d+) dated figures cover part of their article's data window", text)
    assert partial and 0 < int(partial[1]) < int(partial[2]), text
    assert any("<th>partial</th>" in h and "<th>mentions</th>" in h for h in html)  # the timeline's table
    # the two bar charts (one figure) and the figures-over-time chart
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3  # with the reliability diagram
    # the claims to check first: below the threshold, least likely first
    doubtful = re.search(r"(\d+) of (\d+) claims below 0\.9: check these first", text)
    assert doubtful and int(doubtful[2]) == int(counts[1]), text
    assert any("<th>probability</th>" in h and "sentence_text" in h for h in html)
