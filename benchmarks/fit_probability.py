#!/usr/bin/env python3
"""Fit the claim probability models on real articles with gold, and measure their calibration.

    python benchmarks/fit_probability.py                      # ../shared/seeds + ../shared/dev
    python benchmarks/fit_probability.py --corpus DIR --corpus DIR2 \\
        --scorer path/to/claimeval.py --out probability.json --plot reliability.png

Each corpus folder holds ``gold.jsonl`` and the articles (in the folder or in ``articles/``,
with a ``manifest.jsonl`` of publication dates beside them). The script extracts the claims
(``misconduct_nlp.extract``, article ids = file stems), matches them to gold exactly as the
reference scorer does (one to one, same value, quote inside the sentence, the best-scoring
candidate), labels each claim (right as a whole: matched to a core row with every scored
attribute right; an unmatched claim is wrong; a claim matched to an optional 'extra' row is
left out, as the scorer leaves it out) and each decided attribute, fits the logistic
regressions of :mod:`misconduct_nlp.probability` (penalised IRLS, numpy only) and evaluates
the whole-claim model by leave-one-article-out cross-validation: expected calibration error
(ten equal bands), share right among claims with probability >= 0.9 and their fraction of
all claims. It writes the weights, with what they were fitted on and the CV figures, to
``--out`` (default: the package's ``data/probability.json``) and, with matplotlib, a
reliability diagram to ``--plot``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")

#: The features each model uses (all from ``probability.claim_features``), and the claims it
#: is fitted on: "claim" on every labelled claim; the others on matched claims where the gold
#: scores that attribute and the claim has it (force: force or region scored).
MODEL_FEATURES = {
    "claim": ("place_inherited", "place_none", "period_inherited", "period_none", "measure_far",
              "measure_outside", "headline", "list_item", "quote", "weak_reading", "percent",
              "no_subject", "rate_words", "hedged", "place_weak_rule", "period_weak_rule",
              "period_relative", "crowded", "measure_adjacent", "strong_reading", "place_clause",
              "period_clause"),
    "force": ("place_inherited", "headline", "list_item", "quote", "place_weak_rule", "crowded"),
    "period": ("period_inherited", "headline", "list_item", "quote", "period_weak_rule", "period_relative",
               "crowded", "period_clause"),
    "measure": ("measure_far", "measure_outside", "weak_reading", "headline", "list_item", "quote",
                "percent", "rate_words", "change"),
    "subject": ("no_subject", "weak_reading", "headline", "quote"),
}
LAMBDAS = (0.3, 1.0, 3.0, 10.0, 30.0)
#: A corpus folder's record of the claims the extractor gave its articles when they were new
#: to it (before any rule was written from them): the nearest thing to articles never seen.
FIRST_CONTACT = "first_contact.jsonl"
#: The populations the figures are printed for.
POPULATIONS = {"real": "the real articles (../shared), as extracted now",
               "developed": "the calibration sets, as extracted now (rules were written from them)",
               "first_contact": "the calibration sets as first extracted (closest to unseen articles)"}
HIGH = 0.9


def load_scorer(path: Path) -> Any:
    """The reference scorer as a module (used at fit time only; it is not shipped)."""
    spec = importlib.util.spec_from_file_location("claimeval", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load the scorer {path}: give --scorer path/to/claimeval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus_articles(folder: Path) -> tuple[list[tuple[str, str, str | None]], list[dict[str, Any]]]:
    """(article id, text, published) for each article of a corpus folder, and its gold rows."""
    from misconduct_nlp.io import is_article_path, read_article

    art_dir = folder / "articles" if (folder / "articles").is_dir() else folder
    manifest = art_dir / "manifest.jsonl"
    published = {r["id"]: r.get("published") for r in read_jsonl(manifest)} if manifest.exists() else {}
    arts = []
    for p in sorted(art_dir.iterdir()):
        if p.is_file() and is_article_path(p) and p.name != "manifest.jsonl":
            arts.append((p.stem, read_article(p).text, published.get(p.stem)))
    return arts, read_jsonl(folder / "gold.jsonl")


def match(scorer: Any, gold: list[dict[str, Any]], preds: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Prediction index -> the gold row it matches, by the scorer's own rule (``claimeval.score``)."""
    by_art: dict[str, list[int]] = {}
    for i, p in enumerate(preds):
        by_art.setdefault(str(p.get("article")), []).append(i)
    used: dict[int, dict[str, Any]] = {}
    order = sorted(range(len(gold)), key=lambda i: gold[i].get("tier", "core") != "core")
    for gi in order:
        g = gold[gi]
        q = scorer.fold(g["quote"])
        cands = [pi for pi in by_art.get(g["article"], [])
                 if pi not in used and scorer.value_ok(g, preds[pi]) and q in scorer.sentence_text(preds[pi])]
        if cands:
            best = max(cands, key=lambda pi: sum(bool(scorer.attr_ok(a, g, preds[pi])) for a in scorer.ATTRS))
            used[best] = g
    return used


def label(scorer: Any, g: dict[str, Any] | None, pred: dict[str, Any]) -> dict[str, bool | None] | None:
    """Labels of one claim: right as a whole and per model attribute (None: not scored); None
    for a claim matched to an optional row."""
    if g is None:
        return {"claim": False, "force": None, "period": None, "measure": None, "subject": None}
    if g.get("tier", "core") != "core":
        return None
    ok = {a: scorer.attr_ok(a, g, pred) for a in scorer.ATTRS}
    place = [v for v in (ok["force"], ok["region"]) if v is not None]
    return {
        "claim": all(v is not False for v in ok.values()),
        "force": (all(place) if place else None) if pred.get("force") else None,
        "period": ok["period"] if pred.get("period") else None,
        "measure": ok["measure"],
        "subject": ok["subject"],
    }


def fit_logistic(X: np.ndarray, y: np.ndarray, lam: float, iters: int = 50) -> tuple[float, np.ndarray]:
    """Penalised logistic regression by IRLS (Newton): L2 penalty ``lam`` on the weights, and a
    Beta(1, 1) prior on the rate (one pseudo right and one pseudo wrong claim at the baseline),
    so that a model fitted on all-right claims stays finite. Returns (intercept, weights)."""
    n, k = X.shape
    A = np.hstack([np.ones((n + 2, 1)), np.vstack([X, np.zeros((2, k))])])
    t = np.concatenate([y.astype(float), [1.0, 0.0]])
    pen = np.full(k + 1, lam)
    pen[0] = 0.0
    beta = np.zeros(k + 1)
    for _ in range(iters):
        z = np.clip(A @ beta, -30, 30)
        p = 1 / (1 + np.exp(-z))
        w = p * (1 - p)
        grad = A.T @ (t - p) - pen * beta
        hess = (A * w[:, None]).T @ A + np.diag(pen) + 1e-9 * np.eye(k + 1)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(beta[0]), beta[1:]


def predict(intercept: float, weights: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Probabilities for feature rows ``X``."""
    return 1 / (1 + np.exp(-np.clip(intercept + X @ weights, -30, 30)))


def calibration(p: np.ndarray, y: np.ndarray, bands: int = 10) -> dict[str, Any]:
    """ECE over ten equal bands, the share right among p >= 0.9, their fraction, and the bands."""
    idx = np.minimum((p * bands).astype(int), bands - 1)
    rows, ece = [], 0.0
    for b in range(bands):
        m = idx == b
        if m.any():
            ece += m.sum() / len(p) * abs(p[m].mean() - y[m].mean())
            rows.append({"band": [b / bands, (b + 1) / bands], "n": int(m.sum()),
                         "mean_probability": round(float(p[m].mean()), 4),
                         "share_right": round(float(y[m].mean()), 4)})
    high = p >= HIGH
    return {"ece": round(float(ece), 4), "n": int(len(p)), "share_right": round(float(y.mean()), 4),
            "high_n": int(high.sum()), "high_fraction": round(float(high.mean()), 4),
            "high_share_right": round(float(y[high].mean()), 4) if high.any() else None,
            "log_loss": round(log_loss(p, y), 4),
            "bands": rows}


def log_loss(p: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood of labels ``y`` under probabilities ``p``."""
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


Fit = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def loao(X: np.ndarray, y: np.ndarray, groups: np.ndarray, fit: Fit) -> np.ndarray:
    """Leave-one-article-out predictions."""
    out = np.zeros(len(y))
    for g in np.unique(groups):
        m = groups == g
        b0, w = fit(X[~m], y[~m])
        out[m] = predict(b0, w, X[m])
    return out


def reliability_plot(cal: dict[str, Any], path: Path, title: str) -> bool:
    """Draws the reliability diagram; False when matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(5, 5), dpi=100)
    ax.plot([0, 1], [0, 1], color="#999", linestyle="--", linewidth=1, label="perfect calibration")
    xs = [b["mean_probability"] for b in cal["bands"]]
    ys = [b["share_right"] for b in cal["bands"]]
    biggest = max(b["n"] for b in cal["bands"])
    sizes = [20 + 400 * b["n"] / biggest for b in cal["bands"]]
    ax.scatter(xs, ys, s=sizes, color="#1f5f8b", zorder=3, label="band (size: claims)")
    ax.plot(xs, ys, color="#1f5f8b", linewidth=1)
    for b, x, yv in zip(cal["bands"], xs, ys, strict=True):
        ax.annotate(str(b["n"]), (x, yv), textcoords="offset points", xytext=(6, -10), fontsize=8)
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("probability (leave-one-article-out)")
    ax.set_ylabel("share right as a whole")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=8, markerscale=0.4)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return True


def collect(corpora: list[Path], scorer: Any, first_contact: bool = True,
            ) -> tuple[list[dict[str, float]], list[dict[str, Any]], list[str], dict[str, Any]]:
    """Features, labels and article ids of every labelled claim, and counts."""
    from misconduct_nlp import extract, probability
    from misconduct_nlp.probability import Logistic, claim_features

    # the claims' features do not depend on the model being replaced (which may not match the
    # code any more): extract with neutral models, and put the real loader back afterwards
    neutral = {name: Logistic(0.0, {}) for name in probability.MODELS}
    loader = probability.load_models
    probability.load_models = lambda: neutral
    try:
        return _collect(corpora, scorer, extract, claim_features, first_contact)
    finally:
        probability.load_models = loader


def _collect(corpora: list[Path], scorer: Any, extract: Callable[..., Any],
             claim_features: Callable[..., dict[str, float]],
             first_contact: bool = True) -> tuple[list[dict[str, float]], list[dict[str, Any]], list[str],
                                                  dict[str, Any]]:
    from misconduct_nlp.formats import read_claims
    from misconduct_nlp.model import Claim

    feats, labels, groups = [], [], []
    counts: dict[str, Any] = {"articles": 0, "claims": 0, "matched_core": 0, "false_positives": 0,
                              "extra_left_out": 0, "first_contact_claims": 0, "confidence": [],
                              "population": []}

    def add(claims: list[Any], art_id: str, text: str, gold: list[dict[str, Any]], population: str) -> None:
        preds = [c.to_dict() for c in claims]
        m = match(scorer, [g for g in gold if g["article"] == art_id], preds)
        for i, (c, pred) in enumerate(zip(claims, preds, strict=True)):
            lab = label(scorer, m.get(i), pred)
            if lab is None:
                counts["extra_left_out"] += 1
                continue
            counts["matched_core" if i in m else "false_positives"] += 1
            feats.append(claim_features(c, text))
            labels.append(lab)
            groups.append(art_id)  # both readings of an article are left out together
            counts["population"].append(population)
            counts["confidence"].append(c.confidence)

    for folder in corpora:
        arts, gold = corpus_articles(folder)
        real = folder.resolve().parent == SHARED.resolve()
        for art_id, text, published in arts:
            claims = extract(text, published=published, article_id=art_id)
            counts["articles"] += 1
            counts["claims"] += len(claims)
            add(claims, art_id, text, gold, "real" if real else "developed")
        recorded = folder / FIRST_CONTACT
        if first_contact and recorded.exists():
            texts = {a[0]: a[1] for a in arts}
            by_article: dict[str, list[Any]] = {}
            for row in read_claims(recorded):
                by_article.setdefault(str(row.get("article")), []).append(Claim.from_dict(row))
            for art_id, claims in by_article.items():
                if art_id in texts:
                    counts["first_contact_claims"] += len(claims)
                    add(claims, art_id, texts[art_id], gold, "first_contact")
    return feats, labels, groups, counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", action="append", type=Path,
                    help="a folder with gold.jsonl and articles (default: ../shared/seeds and ../shared/dev)")
    ap.add_argument("--scorer", type=Path, default=SHARED / "eval" / "claimeval.py")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "misconduct_nlp" / "data" / "probability.json")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "img" / "reliability.png")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--no-first-contact", action="store_true",
                    help=f"ignore the corpora's {FIRST_CONTACT} records (fit on today's claims only)")
    a = ap.parse_args(argv)
    corpora = a.corpus or [SHARED / "seeds", SHARED / "dev"]
    scorer = load_scorer(a.scorer)
    feats, labels, groups_l, counts = collect(corpora, scorer, not a.no_first_contact)
    if not feats:
        sys.exit("no labelled claims: check the corpus folders")
    groups = np.array(groups_l)
    conf = np.array(counts.pop("confidence"))
    population = np.array(counts.pop("population"))
    models: dict[str, Any] = {}
    cv: dict[str, Any] = {}
    for name, names in MODEL_FEATURES.items():
        rows = [i for i, lab in enumerate(labels) if lab[name] is not None]
        X = np.array([[feats[i][f] for f in names] for i in rows], dtype=float).reshape(len(rows), len(names))
        y = np.array([bool(labels[i][name]) for i in rows], dtype=float)
        g = groups[rows]
        lam_scores = {}
        for lam in LAMBDAS:
            p = loao(X, y, g, lambda X_, y_, lam=lam: fit_logistic(X_, y_, lam))
            lam_scores[lam] = calibration(p, y)["log_loss"]
        lam = min(LAMBDAS, key=lambda v: (lam_scores[v], -v))
        p = loao(X, y, g, lambda X_, y_, lam=lam: fit_logistic(X_, y_, lam))
        cv[name] = calibration(p, y)
        cv[name]["lambda_log_loss"] = {str(k): v for k, v in lam_scores.items()}
        b0, w = fit_logistic(X, y, lam)
        weights = {f: round(float(v), 4) for f, v in zip(names, w, strict=True)}
        models[name] = {"intercept": round(b0, 4), "weights": weights,
                        "lambda": lam, "n": len(rows), "right": int(y.sum())}
        if name == "claim":
            claim_y = y
            # the figures of each population, each article predicted by the models fitted
            # without it (the figures: the real articles, seeds and dev, pooled)
            pop = population[rows]
            for name_p in POPULATIONS:
                if (pop == name_p).any():
                    cv[f"claim_{name_p}"] = calibration(p[pop == name_p], y[pop == name_p])
    cv["confidence_as_probability"] = {k: v for k, v in calibration(conf, claim_y).items() if k != "bands"}
    out = {
        "description": "Logistic regressions for misconduct_nlp.probability: "
                       "p = 1/(1+exp(-(intercept + sum weight*feature))). "
                       "Written by benchmarks/fit_probability.py; do not edit by hand.",
        "features": sorted({f for names in MODEL_FEATURES.values() for f in names}),
        "models": models,
        "fitted_on": {"corpora": [str(c.name if c.parent == SHARED else c) for c in corpora],
                      "date": dt.date.today().isoformat(), **counts,
                      "labelled": len(labels), "right": int(claim_y.sum())},
        "cv": {"method": "leave one article out", "high": HIGH, **cv},
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    c = cv["claim"]
    print(f"claims: {counts['claims']} in {counts['articles']} articles; labelled {len(labels)} "
          f"({counts['matched_core']} matched core, {counts['false_positives']} false positives; "
          f"{counts['extra_left_out']} matched optional rows left out); "
          f"right as a whole {int(claim_y.sum())}")
    high_right = c["high_share_right"] if c["high_share_right"] is not None else float("nan")
    print(f"leave-one-article-out: ECE {c['ece']:.3f}; p >= {HIGH}: {c['high_n']} claims "
          f"({c['high_fraction']:.1%} of all), {high_right:.1%} right; "
          f"log loss {c['log_loss']:.3f} (lambda {models['claim']['lambda']})")
    for name_p, what in POPULATIONS.items():
        if f"claim_{name_p}" in cv:
            r = cv[f"claim_{name_p}"]
            rr = r["high_share_right"] if r["high_share_right"] is not None else float("nan")
            print(f"  {what}: {r['n']} claims, right {r['share_right']:.1%}; ECE {r['ece']:.3f}; "
                  f"p >= {HIGH}: {r['high_n']} ({r['high_fraction']:.1%}), {rr:.1%} right")
    cc = cv["confidence_as_probability"]
    print(f"confidence read as a probability: ECE {cc['ece']:.3f}")
    for name in MODEL_FEATURES:
        if name != "claim":
            m = cv[name]
            print(f"  {name:<8} n={m['n']:<4} right {m['share_right']:.3f} ECE {m['ece']:.3f}")
    print("weights (claim):", ", ".join(f"{k} {v:+.2f}" for k, v in models["claim"]["weights"].items()),
          f"| intercept {models['claim']['intercept']:+.2f}")
    if not a.no_plot:
        title = (f"{len(labels)} claims, {counts['articles']} articles: ECE {c['ece']:.3f}, "
                 f"p>=0.9: {c['high_fraction']:.0%} of claims")
        if reliability_plot(c, a.plot, title):
            print(f"reliability diagram: {a.plot}")
        else:
            print("matplotlib is not installed: no reliability diagram")
    return 0


if __name__ == "__main__":
    sys.exit(main())
