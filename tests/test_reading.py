"""Reading figures in sentences: the outcome that governs each number, the wording real
coverage uses, lists, brackets, parts of totals and levels set against earlier ones.

The table (tests/fixtures/reading_cases.jsonl) holds sentences written for these tests;
each row lists the claims a careful reader takes from it and, under ``absent``, claims it
must not give.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from misconduct_nlp import extract

CASES = [json.loads(line) for line in (Path(__file__).parent / "fixtures" / "reading_cases.jsonl")
         .read_text(encoding="utf-8").splitlines() if line.strip()]


def _ok(got, want) -> bool:
    if isinstance(want, dict):  # a part of a nested field: {"id": "metropolitan"}
        return isinstance(got, dict) and all(got.get(k) == v for k, v in want.items())
    return got in want if isinstance(want, list) else got == want


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_reading_case(case, nlp):
    claims = [c.to_dict() for c in extract(case["text"], published="2022-06-01", nlp=nlp)]
    for want in case["expect"]:
        hits = [c for c in claims if abs(c["value"] - want["value"]) < 1e-6
                and c["unit"] == want.get("unit", c["unit"])
                and want.get("quote", "") in c["sentence"]["text"]]
        assert hits, f"no claim of {want['value']} in {claims}"
        bad = {k: (hits[0].get(k), v) for k, v in want.items()
               if k not in ("value", "quote") and not _ok(hits[0].get(k), v)}
        assert not bad, (bad, hits[0])
    for absent in case.get("absent", []):
        assert not [c for c in claims if all(c.get(k) == v for k, v in absent.items())], claims


def test_cases_are_unique_and_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    assert all(c["expect"] for c in CASES)
