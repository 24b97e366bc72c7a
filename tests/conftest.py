"""Shared fixtures: one pipeline per test session (building it costs about a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from misconduct_nlp import load

    return load()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED / 'seeds'} is not here: the shared seeds are only beside a developer checkout")
    return SHARED


@pytest.fixture()
def page(tmp_path) -> Path:
    """The review report of the test articles of ``test_report``, written for a browser test."""
    from misconduct_nlp.report import build_report
    from test_report import items

    out = tmp_path / "report.html"
    out.write_text(build_report(items()), encoding="utf-8")
    return out
