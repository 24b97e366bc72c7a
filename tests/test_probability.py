"""Claim probabilities: the shipped model file matches the code, estimates are probabilities
and move the way the fitted weights say, and the fitting script runs end to end."""

from __future__ import annotations

import importlib.util
import json
import random
import re
import sys
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from misconduct_nlp import extract
from misconduct_nlp.errors import PackageDataError
from misconduct_nlp.model import Claim, ForceRef, PeriodRef, TextSpan
from misconduct_nlp.probability import (
    FEATURE_NAMES,
    MODELS,
    Logistic,
    _model_path,
    assign_probabilities,
    claim_features,
    feature_values,
    load_models,
    measure_distance,
    parse_models,
    probabilities,
)

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "claimeval.py"
if not SCORER.exists():
    SCORER = Path("/work/shared/eval/claimeval.py")

TEXT = ("Kent Police sacks 14 officers\n\n"
        "Kent Police dismissed 14 officers in 2021, figures show.\n\n"
        "A further 6 officers resigned before their hearings.\n\n"
        "The force recorded 52 complaints per 1,000 officers last year.\n\n"
        "\u201cWe suspended 9 officers,\u201d a spokesman said.\n\n"
        "• 4 officers were dismissed\n")


def fit_module():
    path = ROOT / "benchmarks" / "fit_probability.py"
    spec = importlib.util.spec_from_file_location("fit_probability", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fit_probability"] = mod
    spec.loader.exec_module(mod)
    return mod


def make_claim(sentence: str, number: str, *, measure_text: str | None = "dismissed",
               force_source: str = "clause", period_source: str | None = "clause",
               confidence: float = 0.9, offset: int = 0) -> Claim:
    i = sentence.index(number)
    force = ForceRef("kent", "Kent Police", "Kent Police", 100.0, inherited=force_source in ("frame",),
                     source=force_source, rule="clause_force")
    period = None if period_source is None else PeriodRef(
        date(2021, 1, 1), date(2021, 12, 31), "in 2021", inherited=period_source == "frame",
        source=period_source, rule="clause_period")
    return Claim(value=14, unit="count", approx="exact",
                 sentence=TextSpan(sentence, offset, offset + len(sentence)),
                 span=TextSpan(number, offset + i, offset + i + len(number)),
                 measure="dismissed", measure_text=measure_text, subject="officer",
                 subject_text="officers", force=force, period=period, confidence=confidence)


def test_model_file_names_what_the_code_computes():
    data = json.loads(_model_path().read_text(encoding="utf-8"))
    assert set(data["models"]) == set(MODELS)
    used = {f for m in data["models"].values() for f in m["weights"]}
    assert used <= set(FEATURE_NAMES)
    assert sorted(used) == data["features"]
    computed = claim_features(make_claim("Kent Police dismissed 14 officers.", "14"), "")
    assert set(computed) == set(FEATURE_NAMES)
    cv = data["cv"]["claim"]
    assert 0 <= cv["ece"] <= 1 and 0 <= cv["high_fraction"] <= 1
    assert data["fitted_on"]["labelled"] == data["models"]["claim"]["n"]
    assert set(load_models()) == set(MODELS)


def test_unknown_feature_or_missing_model_is_refused():
    data = json.loads(_model_path().read_text(encoding="utf-8"))
    data["models"]["claim"]["weights"]["moon_phase"] = 1.0
    with pytest.raises(PackageDataError, match=r"\[E321\].*moon_phase"):
        parse_models(data)
    del data["models"]["claim"]["weights"]["moon_phase"]
    del data["models"]["force"]
    with pytest.raises(PackageDataError, match=r"\[E321\].*'force'"):
        parse_models(data)


def test_extracted_claims_carry_probabilities_in_range():
    claims = extract(TEXT, published="2022-01-10", article_id="t")
    assert claims
    for c in claims:
        d = c.to_dict()
        for p in (d["probability"], d["measure_probability"], d["subject_probability"]):
            assert 0.0 <= p <= 1.0
        assert (d["force"] is None) or 0.0 <= d["force"]["probability"] <= 1.0
        assert (d["period"] is None) or 0.0 <= d["period"]["probability"] <= 1.0


def test_sentence_kind_and_distance_features():
    claims = extract(TEXT, published="2022-01-10", article_id="t")
    by_sentence = {c.sentence.text: claim_features(c, TEXT) for c in claims}
    assert by_sentence["Kent Police sacks 14 officers"]["headline"] == 1.0
    assert by_sentence["Kent Police dismissed 14 officers in 2021, figures show."]["headline"] == 0.0
    assert by_sentence["4 officers were dismissed"]["list_item"] == 1.0
    assert by_sentence["\u201cWe suspended 9 officers,\u201d a spokesman said."]["quote"] == 1.0
    # a count in a sentence of rates is of ambiguous kind; a figure read as a rate is not
    per_year = make_claim("Kent Police dismissed 14 officers per year.", "14")
    assert claim_features(per_year, "")["rate_words"] == 1.0
    assert claim_features(replace(per_year, unit="rate_per_year"), "")["rate_words"] == 0.0
    assert claim_features(make_claim("Kent Police dismissed 14 officers.", "14"), "")["rate_words"] == 0.0
    near = make_claim("Kent Police dismissed 14 officers.", "14")
    far = make_claim("Kent Police dismissed, after long and careful hearings, 14 officers.", "14")
    assert measure_distance(near) == 0
    assert measure_distance(far) == 6
    assert measure_distance(replace(near, measure_text="resigned")) is None
    assert claim_features(far, "")["measure_far"] > claim_features(near, "")["measure_far"]


def test_probability_moves_with_the_fitted_weights():
    """Each provenance and reading feature changes the estimate in the direction of its weight."""
    w = load_models()["claim"].weights
    body = "Intro line.\n\nKent Police dismissed 14 officers in 2021."
    off = body.index("Kent")
    base = make_claim(body[off:], "14", offset=off)
    p0 = probabilities(base, body)["claim"]
    variants = {
        "period_inherited": replace(base, period=replace(base.period, source="frame", inherited=True)),
        "place_inherited": replace(base, force=replace(base.force, source="frame", inherited=True)),
        "weak_reading": replace(base, confidence=0.6),
    }
    x0 = claim_features(base, body)
    for name, claim in variants.items():
        x = claim_features(claim, body)
        assert x[name] != x0[name], name
        # the estimate moves by the weights of every feature the change touches ("weak_reading"
        # also ends "strong_reading"; an inherited period is no longer stated in the clause)
        delta = sum(wt * (x[f] - x0[f]) for f, wt in w.items())
        p = probabilities(claim, body)["claim"]
        assert np.sign(p - p0) == np.sign(delta), name


def test_assign_sets_every_field():
    claim = make_claim("Kent Police dismissed 14 officers in 2021.", "14")
    assign_probabilities(claim, "Kent Police dismissed 14 officers in 2021.")
    assert claim.probability is not None and claim.force.probability is not None
    assert claim.period.probability is not None and claim.measure_probability is not None
    bare = make_claim("Kent Police dismissed 14 officers.", "14", period_source=None)
    no_period = assign_probabilities(bare, "Kent Police dismissed 14 officers.")
    assert no_period.period is None and no_period.probability is not None


def test_assign_keeps_every_other_field_of_force_and_period():
    # assign_probabilities rebuilds ForceRef and PeriodRef with their constructors (cheaper than
    # dataclasses.replace): every field but the probability must come through
    claim = make_claim("Kent Police dismissed 14 officers in 2021.", "14")
    claim.force = ForceRef("kent", "Kent Police", "Kent Police", 97.5, True, "frame", "body_region")
    claim.period = PeriodRef(date(2021, 1, 1), date(2021, 12, 31), "in 2021", True, "clause", "year")
    force, period = claim.force, claim.period
    assign_probabilities(claim, "Kent Police dismissed 14 officers in 2021.")
    assert claim.force == replace(force, probability=claim.force.probability)
    assert claim.period == replace(period, probability=claim.period.probability)
    assert [f.name for f in fields(ForceRef)] == ["id", "name", "text", "score", "inherited", "source",
                                                  "rule", "probability"], "update assign_probabilities"
    assert [f.name for f in fields(PeriodRef)] == ["start", "end", "text", "inherited", "source", "rule",
                                                   "probability"], "update assign_probabilities"


def test_feature_values_and_predict_values_match_the_dictionary_forms():
    models = load_models()
    for c in extract(TEXT, published="2022-01-01"):
        x = claim_features(c, TEXT)
        values = feature_values(c, TEXT)
        assert dict(zip(FEATURE_NAMES, values, strict=True)) == x
        for m in models.values():
            assert m.predict_values(values) == m.predict(x)  # the same sum in the same order
    # predict_values skips the features that are 0: the sums are the same to the last bit
    rng = random.Random(7)
    for _ in range(500):
        values = tuple(rng.choice((0.0, 0.0, 0.0, 1.0, rng.random())) for _ in FEATURE_NAMES)
        x = dict(zip(FEATURE_NAMES, values, strict=True))
        for m in models.values():
            assert m.predict_values(values) == m.predict(x)
    unknown = Logistic(0.5, {"not_a_feature": 1.0})
    assert unknown.terms is None


def test_logistic_predict_is_the_logistic_function():
    m = Logistic(0.5, {"quote": -2.0})
    x = dict.fromkeys(FEATURE_NAMES, 0.0)
    assert m.predict(x) == pytest.approx(1 / (1 + np.exp(-0.5)))
    x["quote"] = 1.0
    assert m.predict(x) == pytest.approx(1 / (1 + np.exp(1.5)))


def test_irls_recovers_known_weights():
    fit = fit_module()
    rng = np.random.default_rng(7)
    X = rng.integers(0, 2, size=(4000, 2)).astype(float)
    z = 1.0 + 1.5 * X[:, 0] - 2.0 * X[:, 1]
    y = (rng.random(4000) < 1 / (1 + np.exp(-z))).astype(float)
    b0, w = fit.fit_logistic(X, y, lam=1e-6)
    assert b0 == pytest.approx(1.0, abs=0.2)
    assert w == pytest.approx([1.5, -2.0], abs=0.25)
    # all right: the prior keeps it finite and below one
    b0, w = fit.fit_logistic(np.zeros((50, 1)), np.ones(50), lam=1.0)
    assert 0.9 < 1 / (1 + np.exp(-b0)) < 1.0


def test_calibration_figures():
    fit = fit_module()
    p = np.array([0.95, 0.95, 0.95, 0.95, 0.15])
    y = np.array([1, 1, 1, 0, 0], dtype=float)
    cal = fit.calibration(p, y)
    assert cal["high_n"] == 4 and cal["high_fraction"] == 0.8 and cal["high_share_right"] == 0.75
    assert cal["ece"] == pytest.approx(0.8 * 0.2 + 0.2 * 0.15)


@pytest.mark.skipif(not SCORER.exists(), reason="the reference scorer (../shared/eval) is not here")
def test_fit_script_runs_on_a_tiny_corpus(tmp_path):
    fit = fit_module()
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    articles = {
        "a1": "Kent Police sacks 14 officers\n\nKent Police dismissed 14 officers in 2021, figures show.\n\n"
              "A further 6 officers resigned before their hearings.\n",
        "a2": "Complaints against Essex Police rise\n\nEssex Police received 310 complaints in 2020.\n\n"
              "The force recorded 52 complaints per 1,000 officers.\n",
        "a3": "Dorset Police suspends officers\n\nDorset Police suspended 8 officers in 2019.\n",
    }
    for name, text in articles.items():
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    (corpus / "manifest.jsonl").write_text(
        "".join(json.dumps({"id": n, "published": "2022-01-10"}) + "\n" for n in articles), encoding="utf-8")

    def row(article, quote, value, measure, force, period, subject="officer"):
        return {"article": article, "quote": quote, "value": value, "unit": "count", "approx": "exact",
                "measure": measure, "subject": subject, "force": force, "region": None, "period": period,
                "platforms": [], "rank": None, "tier": "core"}
    y19, y20, y21 = ({"start": f"{y}-01", "end": f"{y}-12"} for y in (2019, 2020, 2021))
    gold = [row("a1", "dismissed 14 officers in 2021", 14, "dismissed", "kent", y21),
            row("a1", "A further 6 officers resigned", 6, "resigned", "kent", y21),
            row("a2", "received 310 complaints", 310, "reported", "essex", y20, subject=None),
            row("a3", "suspended 8 officers", 8, "suspended", "dorset", y19)]
    (corpus / "gold.jsonl").write_text("".join(json.dumps(g) + "\n" for g in gold), encoding="utf-8")
    # a recorded first contact: a1 as an older extractor read it, every force wrong
    first = [c.to_dict() for c in extract(articles["a1"], published="2022-01-10", article_id="a1")]
    for r in first:
        r["force"] = {**r["force"], "id": "essex", "name": "Essex Police"}
    (corpus / "first_contact.jsonl").write_text("".join(json.dumps(r) + "\n" for r in first),
                                                encoding="utf-8")
    out = tmp_path / "p.json"
    assert fit.main(["--corpus", str(corpus), "--scorer", str(SCORER), "--out", str(out), "--no-plot"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fitted_on"]["articles"] == 3
    assert data["fitted_on"]["false_positives"] >= 1  # the headline's 14 and the per-1,000 figures
    assert data["fitted_on"]["labelled"] == data["models"]["claim"]["n"]
    assert parse_models(data).keys() == set(MODELS)
    assert 0 <= data["cv"]["claim"]["ece"] <= 1
    assert data["fitted_on"]["first_contact_claims"] == len(first)
    assert data["cv"]["claim_first_contact"]["n"] == len(first)
    assert data["cv"]["claim_first_contact"]["share_right"] == 0.0
    assert data["cv"]["claim_developed"]["share_right"] > 0.0
    cv = data["cv"]
    assert cv["claim"]["n"] == cv["claim_first_contact"]["n"] + cv["claim_developed"]["n"]
    assert fit.main(["--corpus", str(corpus), "--scorer", str(SCORER), "--out", str(out), "--no-plot",
                     "--no-first-contact"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fitted_on"]["first_contact_claims"] == 0 and "claim_first_contact" not in data["cv"]
    from misconduct_nlp import probability
    assert probability.load_models is load_models  # the script put the real loader back


def test_report_sorts_and_filters_by_probability():
    from misconduct_nlp.report import CHECK_BELOW, ReportItem, build_report

    records = [c.to_dict() for c in extract(TEXT, published="2022-01-10", article_id="t")]
    records[0]["probability"] = None  # a claims file from before probabilities
    page = build_report([ReportItem("t", TEXT, records)])
    assert '<th data-key="probability" data-type="num"' in page
    assert f'id="f-check" type="checkbox" data-below="{CHECK_BELOW}"' in page
    got = re.findall(r'<tr [^>]*data-probability="([^"]*)"', page)
    assert got == ["" if r["probability"] is None else f"{r['probability']:.3f}" for r in records]
    assert re.findall(r'<td class="num prob" data-sort="([^"]*)">', page) == got
