"""``evaluate`` and ``misconduct-nlp evaluate``: the scoring rules of docs/evaluation.md.

The rules are tested on small hand-made gold rows; then the scores are compared with the
reference scorer (``../shared/eval/claimeval.py``, run as a program) on the seeds, the
dev set and ``corpus/``, both on the extractor's claims and on a damaged copy of them (so
that misses, false positives and wrong attributes are compared too, not only perfect
scores). Those comparisons are skipped where ``../shared`` is absent.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from misconduct_nlp.cli import main
from misconduct_nlp.evaluation import GoldError, details, evaluate, read_gold
from misconduct_nlp.gather import gather_claims
from misconduct_nlp.model import Claim, TextSpan

ROOT = Path(__file__).resolve().parents[1]
#: ``../shared`` beside the checkout; a worktree elsewhere can point at it with MISCONDUCT_NLP_SHARED.
SHARED = Path(os.environ.get("MISCONDUCT_NLP_SHARED") or ROOT.parent / "shared")
SCORER = SHARED / "eval" / "claimeval.py"


def gold(value, quote="sacked 40 officers", **kw):
    row = {"article": "a", "quote": quote, "value": value, "unit": "count", "approx": "exact",
           "measure": "dismissed", "subject": "officer", "force": "kent", "region": None,
           "period": {"start": "2020-01", "end": "2020-12"}, "platforms": [], "rank": None,
           "tier": "core", "skip": []}
    row.update(kw)
    return row


def pred(value, sentence="Kent Police sacked 40 officers in 2020.", **kw):
    rec = {"article": "a", "value": value, "unit": "count", "approx": "exact", "measure": "dismissed",
           "subject": "officer", "rank": None, "force": {"id": "kent", "inherited": False}, "region": None,
           "period": {"start": "2020-01-01", "end": "2020-12-31"}, "platforms": [],
           "sentence": {"text": sentence, "start": 0, "end": len(sentence)}}
    rec.update(kw)
    return rec


# --------------------------------------------------------------------------- the rules


def test_a_perfect_match():
    m = evaluate([pred(40)], [gold(40)])
    assert (m.tp, m.fp, m.fn, m.precision, m.recall, m.f1, m.strict_f1) == (1, 0, 0, 1.0, 1.0, 1.0, 1.0)
    assert set(m.attributes) == {"measure", "subject", "force", "period", "approx", "unit"}


def test_matching_needs_article_value_and_quote():
    preds = [pred(40, article="b"), pred(41), pred(40, sentence="Kent Police dismissed 40 officers.")]
    m = evaluate(preds, [gold(40)])
    assert (m.tp, m.fp, m.fn) == (0, 3, 1) and m.precision == m.recall == m.f1 == 0.0


def test_quotes_fold_case_spacing_curly_quotes_and_dashes():
    sentence = "The force \u2013 Kent Police \u2013 \u201csacked\u201d   40 officers in 2020."
    m = evaluate([pred(40, sentence=sentence)], [gold(40, quote='force - kent police - "Sacked" 40')])
    assert m.tp == 1


def test_percentages_to_two_decimals_and_years_as_months():
    assert evaluate([pred(14.29, unit="percent")], [gold(14.285714, unit="percent")]).tp == 1
    assert evaluate([pred(14.4, unit="percent")], [gold(14.285714, unit="percent")]).tp == 0
    assert evaluate([pred(40, unit="percent")], [gold(40)]).tp == 0, "a percentage is not a count"
    assert evaluate([pred(40)], [gold(40, unit="percent")]).tp == 0
    assert evaluate([pred(2, unit="years", sentence="jailed for two years")],
                    [gold(24, quote="two years", unit="months")]).tp == 1


def test_extra_rows_are_neither_hits_nor_false_positives():
    m = evaluate([pred(40), pred(100, sentence="Hundreds more were sacked.")],
                 [gold(40), gold(100, quote="hundreds more", tier="extra")])
    assert (m.tp, m.fp, m.fn, m.extra_matched, m.gold_core) == (1, 0, 0, 1, 1)
    assert evaluate([pred(40)], [gold(100, quote="x", tier="extra"), gold(40)]).recall == 1.0


def test_core_rows_match_first_and_each_claim_once():
    # the extra row comes first in the file, but the core row takes the only claim
    m = evaluate([pred(40)], [gold(40, tier="extra"), gold(40)])
    assert (m.tp, m.extra_matched, m.fn) == (1, 0, 0)
    m = evaluate([pred(40)], [gold(40), gold(40)])
    assert (m.tp, m.fn) == (1, 1)


def test_the_claim_with_most_attributes_right_is_taken():
    wrong, right = pred(40, measure="suspended"), pred(40)
    m = evaluate([wrong, right], [gold(40)])
    assert m.tp == 1 and m.fp == 1 and m.false_positives == [wrong] and m.strict_f1 == m.f1


def test_attribute_rules():
    def ok(g, p):
        return evaluate([p], [g]).attributes

    either = gold(40, measure=["dismissed", "left_force"])
    assert ok(either, pred(40, measure="left_force"))["measure"].correct == 1
    assert ok(gold(40), pred(40, approx=None))["approx"].correct == 1
    assert ok(gold(40, approx="about"), pred(40, approx=None))["approx"].correct == 0
    assert ok(gold(40, force="kent"), pred(40, force="kent"))["force"].correct == 1
    near = {"start": "2019-11-15", "end": "2021-02-01"}
    assert ok(gold(40), pred(40, period=near))["period"].correct == 1
    assert ok(gold(40), pred(40, period={"start": "2019-10-01", "end": "2020-12-31"}))["period"].correct == 0
    assert ok(gold(40), pred(40, period={"start": None, "end": "2020-12-31"}))["period"].correct == 0
    assert ok(gold(40, period={"start": None, "end": "2020-12"}),
              pred(40, period={"start": None, "end": "2020-12-31"}))["period"].correct == 1
    assert ok(gold(40, period=None), pred(40, period=None))["period"].correct == 1
    assert ok(gold(40, period=None), pred(40))["period"].correct == 0
    scored = ok(gold(40, platforms=["Facebook"], rank="sergeant", region="England & Wales"),
                pred(40, platforms=["facebook"], rank="sergeant", region="England and Wales"))
    assert all(scored[a].correct == 1 for a in ("platforms", "rank", "region"))
    assert not {"platforms", "rank", "region"} & set(ok(gold(40), pred(40, rank="sergeant")))
    assert "measure" not in ok(gold(40, skip=["measure"]), pred(40, measure="other"))


def test_strict_counts_hits_with_every_scored_attribute_right():
    m = evaluate([pred(40), pred(12, sentence="Kent sacked 12 staff.", subject="officer")],
                 [gold(40), gold(12, quote="sacked 12 staff", subject="staff")])
    assert m.tp == 2 and m.f1 == 1.0 and m.strict_tp == 1 and m.strict_f1 == 0.5
    assert [(w.attribute, w.gold["value"]) for w in m.wrong] == [("subject", 12)]
    lines = details(m)
    assert lines == ["WRONG subject: a 12 'sacked 12 staff' gold='staff' got='officer'"]


def test_claim_objects_are_scored_like_their_records():
    c = Claim(value=40, unit="count", approx="exact", measure="dismissed", subject="officer",
              sentence=TextSpan("Kent Police sacked 40 officers in 2020.", 0, 39),
              span=TextSpan("40", 19, 21), article="a")
    m = evaluate([c], [gold(40, force=None, period=None)])
    assert m.tp == 1 and m.strict_f1 == 1.0


def test_bad_gold_says_which_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold(40)) + "\n\n{\"article\": \"a\"}\n")
    with pytest.raises(GoldError, match=r"gold.jsonl:3: a gold row needs quote, value"):
        read_gold(path)
    path.write_text("{oops\n")
    with pytest.raises(GoldError, match="gold.jsonl:1: not JSON"):
        read_gold(path)
    with pytest.raises(GoldError, match="cannot read the gold file"):
        read_gold(tmp_path / "missing.jsonl")


# --------------------------------------------------------------------------- the command


def test_command_scores_a_claims_file(tmp_path, capsys):
    claims, gold_file = tmp_path / "claims.jsonl", tmp_path / "gold.jsonl"
    claims.write_text(json.dumps(pred(40)) + "\n" + json.dumps(pred(7, sentence="Seven more.")) + "\n")
    gold_file.write_text(json.dumps(gold(40)) + "\n" + json.dumps(gold(9, quote="nine")) + "\n")
    assert main(["evaluate", "--claims", str(claims), "--gold", str(gold_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("tp", "fp", "fn", "precision", "recall", "f1", "strict_f1")} == \
        {"tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5, "strict_f1": 0.5}
    assert out["attributes"]["measure"] == {"correct": 1, "scored": 1, "accuracy": 1.0}
    assert main(["evaluate", "--claims", str(claims), "--gold", str(gold_file), "-v"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("claims: P=0.500 R=0.500 F1=0.500 strict-F1=0.500 (tp=1 fp=1 fn=1, gold core=2)")
    assert "MISS  a: 9 'nine'" in text and "FP    a: 7 dismissed | 'seven more.'" in text


def test_command_refuses_unusable_input(tmp_path, capsys):
    gold_file = tmp_path / "gold.jsonl"
    gold_file.write_text(json.dumps(gold(40)) + "\n")
    assert main(["evaluate", "--gold", str(gold_file)]) == 2
    assert "give article files or folders, or --claims FILE" in capsys.readouterr().err
    assert main(["evaluate", "--claims", str(tmp_path / "none.jsonl"), "--gold", str(gold_file)]) == 2
    assert "no claims file" in capsys.readouterr().err
    assert main(["evaluate", str(ROOT / "corpus"), "--claims", str(gold_file), "--gold", str(gold_file)]) == 2
    assert "not both" in capsys.readouterr().err
    (tmp_path / "bad.jsonl").write_text("[1]\n")
    assert main(["evaluate", "--claims", str(gold_file), "--gold", str(tmp_path / "bad.jsonl")]) == 2
    assert "bad.jsonl:1: a gold row needs article, quote, value" in capsys.readouterr().err


# --------------------------------------------------------------------------- the reference scorer


def reference(gold_path: Path, claims: list[dict], tmp_path: Path) -> dict:
    if not SCORER.is_file():
        pytest.skip(f"{SCORER} is not here: the reference scorer is only beside a developer checkout")
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold_path), "--pred", str(pred_path),
                           "--json"], capture_output=True, text=True, check=True, timeout=120)
    return json.loads(done.stdout)


def damaged(claims: list[dict]) -> list[dict]:
    """The claims with misses, false positives and wrong attributes put in, the same every run."""
    out = []
    for i, c in enumerate(copy.deepcopy(claims)):
        kind = i % 9
        if kind == 0:
            continue  # a miss
        if kind == 1:
            c["measure"] = "other"
        elif kind == 2 and c.get("period"):
            c["period"]["start"] = f"{int(c['period']['start'][:4]) - 1}{c['period']['start'][4:]}"
        elif kind == 3:
            c["force"] = None
        elif kind == 4:
            c["value"] = c["value"] + 1  # a miss and a false positive
        elif kind == 5:
            out.append(copy.deepcopy(c))  # a duplicate: one of them is a false positive
        elif kind == 6:
            c["approx"], c["subject"], c["platforms"] = "about", "staff", ["Twitter"]
        elif kind == 7:
            c["period"] = None
        out.append(c)
    return out


SETS = {"seeds": (SHARED / "seeds", SHARED / "seeds" / "gold.jsonl"),
        "dev": (SHARED / "dev" / "articles", SHARED / "dev" / "gold.jsonl"),
        "corpus": (ROOT / "corpus", ROOT / "corpus" / "gold.jsonl")}


@pytest.fixture(scope="module", params=sorted(SETS))
def extracted(request):
    articles, gold_path = SETS[request.param]
    if not gold_path.is_file():
        pytest.skip(f"{gold_path} is not here: the shared sets are only beside a developer checkout")
    found = gather_claims([articles], workers=1)
    assert not found.failures
    return request.param, gold_path, found.claims


def test_same_scores_as_the_reference_scorer(extracted, tmp_path):
    name, gold_path, claims = extracted
    gold_rows = read_gold(gold_path)
    for version in (claims, damaged(claims)):
        ours = evaluate(version, gold_rows).to_dict()
        assert ours == reference(gold_path, version, tmp_path), name
    ours = evaluate(damaged(claims), gold_rows)
    assert ours.fp and ours.fn and ours.wrong, "the damaged claims exercise every kind of error"


def test_command_extracts_and_scores_like_the_reference(tmp_path, capsys):
    found = gather_claims([ROOT / "corpus"], workers=1)
    expected = reference(ROOT / "corpus" / "gold.jsonl", found.claims, tmp_path)
    assert main(["evaluate", str(ROOT / "corpus"), "--gold", str(ROOT / "corpus" / "gold.jsonl"),
                 "--json", "-j", "1"]) == 0
    assert json.loads(capsys.readouterr().out) == expected
