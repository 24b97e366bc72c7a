"""Held-out articles: the batch command over ``tests/fixtures/heldout_articles``, scored.

The eight articles and their gold were written without reading the extraction rules, in the
styles of British outlets (tabloid, BBC, regional page furniture, analysis, Wales, Northern
Ireland, Scotland, an HTML page). See the folder's README for the annotation conventions.

``F1_FLOOR`` is a floor, not a target: it is there to catch a regression, and the score above
it is what to watch. On failure the scorer's full ``-v`` report (every miss, false positive and
wrong attribute) is printed and put in the assertion message. Scoring uses the reference scorer
in ``../shared/eval/claimeval.py``; the test skips when that is not beside the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from misconduct_nlp.forces import registry
from misconduct_nlp.io import is_article_path, load_manifest, read_article

FOLDER = Path(__file__).parent / "fixtures" / "heldout_articles"
GOLD = FOLDER / "gold.jsonl"
SCORER = Path(__file__).resolve().parents[2] / "shared" / "eval" / "claimeval.py"
F1_FLOOR = 0.80

# Vocabularies of the claim record (CLAIM_SCHEMA.md).
MEASURES = {
    "reported", "investigated", "suspended", "restricted_duties", "case_to_answer",
    "no_case_to_answer", "upheld", "not_upheld", "formal_action", "misconduct_hearing",
    "dismissed", "resigned", "retired", "left_force", "retained", "final_written_warning",
    "written_warning", "management_advice", "reflective_practice", "reprimand", "sanctioned",
    "no_further_action", "withdrawn", "arrested", "charged", "convicted", "jailed", "other", None,
}
SUBJECTS = {"officer", "staff", "pcso", "special_constable", "workforce", None}
RANKS = {"constable", "sergeant", "inspector", "chief_inspector", "superintendent",
         "sergeant_or_above", "inspector_or_above", None}
UNITS = {"count", "percent", "rate_per_year", "months", "gbp"}
APPROX = {"exact", "about", "more_than", "less_than", "at_least", "at_most"}
REGIONS = {"England and Wales", "UK", "Scotland", "Northern Ireland", "Wales", "England", None}
PLATFORMS = {"Facebook", "Twitter", "WhatsApp", "Instagram", "Snapchat", "TikTok", "LinkedIn",
             "YouTube", "Friends Reunited"}
SCORED = {"measure", "subject", "force", "region", "period", "approx", "unit", "platforms", "rank"}
FIELDS = ["article", "quote", "value", "unit", "approx", "measure", "subject", "force", "region",
          "period", "platforms", "rank", "tier", "skip"]
YM = re.compile(r"\d{4}-(0[1-9]|1[0-2])$")


def _gold() -> list[dict]:
    with GOLD.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _articles() -> dict[str, str]:
    """The text of every article in the folder, as the batch command reads it."""
    return {p.stem: read_article(p).text for p in sorted(FOLDER.iterdir()) if is_article_path(p)}


def _allowed(value, vocabulary: set) -> bool:
    values = value if isinstance(value, list) else [value]
    return bool(values) and all(v in vocabulary for v in values)


def _row_problems(row: dict, texts: dict[str, str], force_ids: set[str]) -> list[str]:
    out = []
    if list(row) != FIELDS:
        out.append(f"fields {list(row)}")
    text = texts.get(row["article"])
    if text is None:
        return out + ["no such article"]
    if text.count(row["quote"]) != 1:
        out.append(f"quote occurs {text.count(row['quote'])} times")
    if "\n" in row["quote"]:
        out.append("quote spans lines")
    if not isinstance(row["value"], (int, float)) or row["value"] < 0:
        out.append(f"value {row['value']!r}")
    checks = [("measure", MEASURES), ("subject", SUBJECTS), ("rank", RANKS), ("unit", UNITS),
              ("approx", APPROX), ("region", REGIONS)]
    out += [f"{name} {row[name]!r}" for name, vocab in checks if not _allowed(row[name], vocab)]
    if not set(row["platforms"]) <= PLATFORMS:
        out.append(f"platforms {row['platforms']!r}")
    if not _allowed(row["force"], force_ids | {None}):
        out.append(f"force {row['force']!r} is not a registry id")
    if row["tier"] not in ("core", "extra") or not set(row["skip"]) <= SCORED:
        out.append(f"tier/skip {row['tier']!r} {row['skip']!r}")
    period = row["period"]
    if period is None:
        if "period" not in row["skip"]:
            out.append("period null but scored")
    elif not (YM.match(period.get("start", "")) and YM.match(period.get("end", ""))
              and period["start"] <= period["end"]):
        out.append(f"period {period!r}")
    if row["subject"] is None and "subject" not in row["skip"]:
        out.append("subject null but scored")
    return out


def test_gold_is_well_formed_and_every_quote_is_in_its_article_once():
    texts = _articles()
    force_ids = set(registry())
    rows = _gold()
    problems = [f"{r['article']} {r['quote']!r}: {p}" for r in rows
                for p in _row_problems(r, texts, force_ids)]
    assert not problems, "\n".join(problems)
    assert {r["article"] for r in rows} == set(texts), "every article has gold rows"
    assert sum(r["tier"] == "core" for r in rows) >= 100


def test_articles_and_manifest():
    texts = _articles()
    assert len(texts) == 8
    lengths = {name: len(text.split()) for name, text in texts.items()}
    assert all(150 <= n <= 450 for n in lengths.values()), lengths
    manifest = load_manifest(FOLDER)
    undated = set(texts) - set(manifest)
    assert set(manifest) <= set(texts)
    assert undated == {"h05_wales_forces"}
    assert re.search(r"^Published \d{1,2} \w+ \d{4}$", texts["h05_wales_forces"], re.M)


def _score(pred: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(SCORER), "--gold", str(GOLD), "--pred", str(pred), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def test_heldout_articles_score(tmp_path):
    if not SCORER.is_file():
        pytest.skip(f"{SCORER} (the reference scorer) is not beside the repository")
    out = tmp_path / "claims.jsonl"
    cmd = [sys.executable, "-m", "misconduct_nlp.cli", "extract", str(FOLDER), "-o", str(out),
           "--force", "-q"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    scored = _score(out, "--json")
    assert scored.returncode == 0, scored.stderr
    metrics = json.loads(scored.stdout)
    report = _score(out, "-v").stdout
    print(report)
    assert metrics["f1"] >= F1_FLOOR, f"F1 {metrics['f1']} below the floor {F1_FLOOR}\n{report}"
