"""Held-out evaluation of force matching and period parsing.

The two lists in ``tests/fixtures/heldout_*.jsonl`` were written independently of
``misconduct_nlp.forces`` and ``misconduct_nlp.periods`` (and of their data files), so they
measure how well the rules generalise to phrasings nobody tuned them on. The thresholds are
accuracies, not exact matches: every miss is printed (text, expected, got) and listed in the
assertion message, so a failure explains itself.

Scoring conventions:
- forces: a row is right when ``match_force(text).id`` equals the expected id; rows whose
  expected id is null are right only when ``match_force`` returns None.
- periods: a row is right when ``parse_period(text, published)`` gives a start and an end each
  within 31 days of the expected dates; rows with null dates are right only when it returns None.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
FORCES_FILE = FIXTURES / "heldout_forces.jsonl"
PERIODS_FILE = FIXTURES / "heldout_periods.jsonl"

FORCE_ACCURACY = 0.95
PERIOD_ACCURACY = 0.90
DATE_TOLERANCE_DAYS = 31

FORCE_KINDS = {"official", "alias", "misspelling", "pattern", "non_force"}


def _load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _report(title: str, misses: list[tuple], total: int, by_group: dict[str, list[int]]) -> str:
    lines = [f"{title}: {total - len(misses)}/{total} right"]
    for group, (right, n) in sorted(by_group.items()):
        lines.append(f"  {group:<24} {right}/{n}")
    for miss in misses:
        lines.append("  MISS " + " | ".join(repr(x) for x in miss))
    return "\n".join(lines)


# ---------------------------------------------------------------- the fixtures themselves


def test_force_fixture_is_well_formed():
    rows = _load(FORCES_FILE)
    assert len(rows) >= 150
    kinds = Counter(r["kind"] for r in rows)
    assert set(kinds) == FORCE_KINDS
    assert kinds["non_force"] >= 40
    for r in rows:
        assert set(r) == {"text", "id", "kind"}, r
        assert r["text"].strip() == r["text"] and r["text"], r
        assert (r["id"] is None) == (r["kind"] == "non_force"), r
    assert len({(r["text"], r["id"]) for r in rows}) == len(rows), "duplicate rows"


def test_period_fixture_is_well_formed():
    rows = _load(PERIODS_FILE)
    assert len(rows) >= 120
    for r in rows:
        assert set(r) == {"text", "published", "start", "end", "family"}, r
        start, end, published = _day(r["start"]), _day(r["end"]), _day(r["published"])
        assert (start is None) == (end is None), r
        if start is not None:
            assert start <= end, r
            if published is not None:
                assert end <= published, r
    families = Counter(r["family"] for r in rows)
    assert min(families.values()) >= 3, families


# ---------------------------------------------------------------- the evaluations


def _evaluate(title: str, rows: list[dict], group: str, judge, threshold: float) -> None:
    """Run ``judge(row) -> (ok, expected, got)`` on every row; assert the accuracy, print each miss."""
    misses: list[tuple] = []
    by_group: dict[str, list[int]] = {}
    for r in rows:
        ok, expected, got = judge(r)
        tally = by_group.setdefault(r[group], [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            misses.append((r[group], r["text"], expected, got))
    report = _report(title, misses, len(rows), by_group)
    print(report)
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= threshold, f"accuracy {accuracy:.3f} < {threshold}\n{report}"


def test_match_force_heldout_accuracy():
    forces = pytest.importorskip(
        "misconduct_nlp.forces", reason="misconduct_nlp.forces cannot be imported yet"
    )

    def judge(r: dict):
        result = forces.match_force(r["text"])
        got = None if result is None else result.id
        return got == r["id"], r["id"], got

    _evaluate("match_force", _load(FORCES_FILE), "kind", judge, FORCE_ACCURACY)


def _period_ok(row: dict, result) -> bool:
    start, end = _day(row["start"]), _day(row["end"])
    if start is None:
        return result is None
    if result is None or result.start is None or result.end is None:
        return False
    return (
        abs((result.start - start).days) <= DATE_TOLERANCE_DAYS
        and abs((result.end - end).days) <= DATE_TOLERANCE_DAYS
    )


def test_parse_period_heldout_accuracy():
    periods = pytest.importorskip(
        "misconduct_nlp.periods", reason="misconduct_nlp.periods cannot be imported yet"
    )

    def judge(r: dict):
        result = periods.parse_period(r["text"], _day(r["published"]))
        got = None if result is None else (str(result.start), str(result.end))
        expected = (r["start"], r["end"], "published", r["published"])
        return _period_ok(r, result), expected, got

    _evaluate("parse_period", _load(PERIODS_FILE), "family", judge, PERIOD_ACCURACY)


# ---------------------------------------------------------------- the evaluation corpus

CORPUS = Path(__file__).parent.parent / "corpus"
GOLD_FIELDS = {
    "article",
    "quote",
    "value",
    "unit",
    "approx",
    "measure",
    "subject",
    "force",
    "region",
    "period",
    "platforms",
    "rank",
    "tier",
    "skip",
}


def _fold(text: str) -> str:
    """Quotes, dashes, spacing and case folded, as the reference scorer compares sentences."""
    for a, b in (("\u2019", "'"), ("\u2018", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u2013", "-")):
        text = text.replace(a, b)
    return " ".join(text.split()).lower()


def _corpus_articles() -> dict[str, str]:
    from misconduct_nlp.io import is_article_path, read_article

    return {
        p.stem: read_article(p).text
        for p in sorted(CORPUS.iterdir())
        if is_article_path(p) and p.name != "README.md"
    }


def test_corpus_gold_quotes_are_in_their_articles():
    from misconduct_nlp import model

    articles = _corpus_articles()
    gold = _load(CORPUS / "gold.jsonl")
    assert len(gold) >= 60
    for g in gold:
        assert set(g) == GOLD_FIELDS, g
        assert g["article"] in articles, g
        lines = [_fold(line) for line in articles[g["article"]].split("\n")]
        assert sum(_fold(g["quote"]) in line for line in lines) == 1, f"quote not on exactly one line: {g}"
        assert g["unit"] in model.UNITS and g["approx"] in model.APPROX, g
        for name, vocab in (("measure", model.MEASURES), ("subject", model.SUBJECTS), ("rank", model.RANKS)):
            values = g[name] if isinstance(g[name], list) else [g[name]]
            assert all(v is None or v in vocab for v in values), (name, g)
        assert g["region"] is None or g["region"] in model.REGIONS, g
        assert g["tier"] in ("core", "extra"), g
        if g["period"] is not None:
            assert g["period"]["start"] <= g["period"]["end"], g
    assert {g["article"] for g in gold} == set(articles)


def test_corpus_manifest_leaves_one_article_to_its_dateline():
    articles = _corpus_articles()
    for text in articles.values():
        assert 150 <= len(text.split()) <= 400
    manifest = {r["id"] for r in _load(CORPUS / "manifest.jsonl")}
    assert manifest < set(articles)
    (undated,) = set(articles) - manifest
    assert "Published date" in articles[undated]
