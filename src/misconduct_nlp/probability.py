"""How likely a claim is to be right: calibrated probabilities from small logistic regressions.

:func:`claim_features` turns a :class:`~misconduct_nlp.model.Claim` and its article's text
into a few numbers the pipeline already knows (how force, region and period were decided,
how far the figure is from its outcome term, the kind of sentence, how strong the reading
was). :func:`assign_probabilities` puts the models' estimates on the claim: ``probability``
(right as a whole), ``measure_probability``, ``subject_probability``, ``force.probability``
and ``period.probability``.

The weights live in ``data/probability.json``, written offline by
``benchmarks/fit_probability.py`` from real articles with gold annotations; nothing is fitted
at run time. See ``docs/probability.md``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Errors, PackageDataError
from .model import Claim, ForceRef, PeriodRef

#: Where a force, region or period taken from outside the figure's own sentence comes from.
INHERITED_SOURCES = frozenset({"frame", "previous_claim"})
#: The models, by what they estimate; "claim" is the claim right as a whole.
MODELS = ("claim", "force", "period", "measure", "subject")
BULLETS = frozenset("•▪●◦‣*-–—►")
QUOTE_MARKS = ("\u201c", "\u201d", '"')
_WORD = re.compile(r"\S+")
#: Words that make a figure's kind ambiguous (a count, or a rate: "per 1,000", "on average").
_RATE_WORDS = re.compile(r"\b(?:per|average|averaged|averaging)\b", re.IGNORECASE)
#: Below this ``confidence`` the reading found no strong outcome term (strength 0).
WEAK_CONFIDENCE = 0.7
#: From this ``confidence`` the reading found a strong outcome term (strength 2 or more).
STRONG_CONFIDENCE = 0.9


MEASURE_WINDOW = 160  # characters either side of a figure searched for its outcome words
_LEADING_SPACE = re.compile(r"\s*")


@lru_cache(maxsize=64)
def _sentence_facts(sent: str) -> tuple[bool, bool, bool]:
    """(rate words, more than three figures, quotation marks) of a sentence, read once for all
    its claims."""
    return (bool(_RATE_WORDS.search(sent)), len(_FIGURES.findall(sent)) > 3,
            any(q in sent for q in QUOTE_MARKS))


@lru_cache(maxsize=64)
def _lowered(sent: str) -> str:
    """``sent.lower()``, made once for all the claims of a sentence."""
    return sent.lower()


def _sentence_kind(claim: Claim, text: str) -> tuple[bool, bool]:
    """(headline, list item) for the claim's sentence in the article ``text``; reads only the
    first line and the claim's own line, so it costs the same in an article of any length."""
    start = claim.sentence.start
    if not 0 <= start <= len(text):
        return False, False
    first = _LEADING_SPACE.match(text).end()
    headline = first >= start or text.find("\n", first, start) == -1  # on the first line of the text
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start].strip()
    list_item = bool(prefix) and all(ch in BULLETS or ch.isspace() for ch in prefix)
    return headline, list_item


def measure_distance(claim: Claim) -> int | None:
    """Words between the figure and the nearest occurrence of its ``measure_text`` in the
    sentence; None when the outcome words are not in the sentence (a list's lead-in, the
    figure before). Only a window around the figure is searched (the distance is capped at
    10 words anyway), so a sentence of any length costs the same."""
    if not claim.measure_text:
        return None
    sent = claim.sentence.text
    needle = claim.measure_text.lower()
    a = claim.span.start - claim.sentence.start
    b = claim.span.end - claim.sentence.start
    lo, hi = max(0, a - MEASURE_WINDOW - len(needle)), min(len(sent), b + MEASURE_WINDOW + len(needle))
    low = sent[lo:hi].lower()
    best: int | None = None
    i = low.find(needle)
    while i >= 0:
        at, j = lo + i, lo + i + len(needle)
        gap = sent[b:at] if at >= b else sent[j:a] if j <= a else ""
        words = len(_WORD.findall(gap))
        best = words if best is None else min(best, words)
        i = low.find(needle, i + 1)
    if best is None and needle in _lowered(sent):
        best = 10  # in the sentence, but far from the figure
    return best


def claim_features(claim: Claim, text: str) -> dict[str, float]:
    """The features of one claim, each 0–1, from the claim and its article's ``text``
    (offsets as in the claim)."""
    return dict(zip(FEATURE_NAMES, feature_values(claim, text), strict=True))


def feature_values(claim: Claim, text: str) -> tuple[float, ...]:
    """:func:`claim_features` as a tuple in the order of :data:`FEATURE_NAMES` (what the
    models read: no dictionary per claim)."""
    force, period = claim.force, claim.period
    if force is not None:
        place_inherited = force.inherited or force.source in INHERITED_SOURCES
    else:
        place_inherited = claim.region is not None and claim.region_source in INHERITED_SOURCES
    headline, list_item = _sentence_kind(claim, text)
    dist = measure_distance(claim)
    sent = claim.sentence.text
    rates, crowded, quote = _sentence_facts(sent)
    return (
        float(place_inherited),  # place_inherited
        float(force is None and claim.region is None),  # place_none
        float(period is not None  # period_inherited
              and (period.inherited or period.source in INHERITED_SOURCES)),
        float(period is None),  # period_none
        0.0 if dist is None else min(dist, 10) / 10,  # measure_far
        float(dist is None),  # measure_outside
        float(headline),  # headline
        float(list_item),  # list_item
        float(quote),  # quote
        float(claim.confidence < WEAK_CONFIDENCE),  # weak_reading
        float(claim.unit == "percent"),  # percent
        float(claim.subject is None),  # no_subject
        float(claim.unit not in ("rate_per_year", "per_1000") and rates),  # rate_words
        float(claim.change is not None or claim.change_from is not None),  # change
        float(claim.approx != "exact"),  # hedged
        # how the frame decided place and period: the weaker rules (a force named only in the
        # body, a frame moved by the sentence before; a period the frame gave or stretched)
        float(((force.rule if force else claim.region_rule) or "") in WEAK_PLACE_RULES),  # place_weak_rule
        float(period is not None and (period.rule or "") in WEAK_PERIOD_RULES),  # period_weak_rule
        float(period is not None and bool(_RELATIVE.search(period.text or ""))),  # period_relative
        float(crowded),  # crowded
        # the figure read in one short clause: its outcome words right by it, a strong reading,
        # and place and period stated in its own clause
        float(dist is not None and dist <= 2),  # measure_adjacent
        float(claim.confidence >= STRONG_CONFIDENCE),  # strong_reading
        float((force.source if force else claim.region_source) == "clause"),  # place_clause
        float(period is not None and period.source == "clause"),  # period_clause
    )


#: The names :func:`claim_features` computes, in order.
FEATURE_NAMES = ("place_inherited", "place_none", "period_inherited", "period_none", "measure_far",
                 "measure_outside", "headline", "list_item", "quote", "weak_reading", "percent",
                 "no_subject", "rate_words", "change", "hedged", "place_weak_rule", "period_weak_rule",
                 "period_relative", "crowded", "measure_adjacent", "strong_reading", "place_clause",
                 "period_clause")
#: Frame rules (data/frame_rules.json) that decide on weaker evidence.
WEAK_PLACE_RULES = frozenset({"body_repeated_force", "body_region", "previous_sentence_frame", "no_frame",
                              "multi_force_takes_article_area", "sentence_force", "sentence_area"})
WEAK_PERIOD_RULES = frozenset({"first_stated_period", "anaphora_to_frame", "unanchored_takes_window",
                               "since_event_point", "open_start_from_frame", "compared_year_before",
                               "sentence_period", "list_heading_period"})
_RELATIVE = re.compile(r"\b(?:last|this|past|previous|preceding|since)\b", re.IGNORECASE)
_FIGURES = re.compile(r"\d[\d,.]*")
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


@dataclass(frozen=True)
class Logistic:
    """One fitted logistic regression: ``p = 1 / (1 + exp(-(intercept + sum w_f x_f)))``."""

    intercept: float
    weights: dict[str, float]
    #: (position in FEATURE_NAMES, weight) of the weights, in their order; None when a weight
    #: names a feature :func:`claim_features` does not compute
    terms: tuple[tuple[int, float], ...] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = _FEATURE_INDEX
        terms = None
        if all(name in index for name in self.weights):
            terms = tuple((index[name], w) for name, w in self.weights.items())
        object.__setattr__(self, "terms", terms)

    def predict(self, features: dict[str, float]) -> float:
        """The probability for one claim's features."""
        z = self.intercept + sum(w * features[name] for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def predict_values(self, values: tuple[float, ...]) -> float:
        """:meth:`predict` for the features as :func:`feature_values` gives them (the same
        sum, in the same order)."""
        if self.terms is None:
            return self.predict(dict(zip(FEATURE_NAMES, values, strict=True)))
        total = 0
        for i, w in self.terms:
            v = values[i]
            if v:  # (most features are 0: adding w * 0.0 leaves the sum as it is)
                total += w * v
        z = self.intercept + total
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _model_path() -> Path:
    return Path(str(resources.files("misconduct_nlp") / "data" / "probability.json"))


def parse_models(data: dict[str, Any]) -> dict[str, Logistic]:
    """The models of a probability file's JSON; raises
    :class:`~misconduct_nlp.errors.PackageDataError` if one is missing or uses a feature
    :func:`claim_features` does not compute."""
    models = {}
    for name in MODELS:
        spec = (data.get("models") or {}).get(name)
        if spec is None:
            raise PackageDataError(Errors.E321.format(problem=f"has no model {name!r}"))
        unknown = set(spec["weights"]) - set(FEATURE_NAMES)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise PackageDataError(Errors.E321.format(
                problem=f"has a model {name!r} that uses features the code does not compute ({names})"))
        models[name] = Logistic(float(spec["intercept"]), {k: float(v) for k, v in spec["weights"].items()})
    return models


@lru_cache(maxsize=1)
def load_models() -> dict[str, Logistic]:
    """The fitted models from ``data/probability.json``, read once."""
    path = _model_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PackageDataError(Errors.E320.format(path=path, reason=e)) from e
    return parse_models(data)


def probabilities(claim: Claim, text: str,
                  models: dict[str, Logistic] | None = None) -> dict[str, float | None]:
    """The estimates for one claim: ``claim``, ``measure``, ``subject``, and ``force`` and
    ``period`` (None when the claim has none)."""
    models = models or load_models()
    x = feature_values(claim, text)
    return {
        "claim": models["claim"].predict_values(x),
        "measure": models["measure"].predict_values(x),
        "subject": models["subject"].predict_values(x),
        "force": models["force"].predict_values(x) if claim.force is not None else None,
        "period": models["period"].predict_values(x) if claim.period is not None else None,
    }


def assign_probabilities(claim: Claim, text: str, models: dict[str, Logistic] | None = None) -> Claim:
    """Sets the claim's probability fields in place (and its force's and period's) and returns it."""
    p = probabilities(claim, text, models)
    claim.probability = p["claim"]
    claim.measure_probability = p["measure"]
    claim.subject_probability = p["subject"]
    f, t = claim.force, claim.period
    if f is not None:  # (the constructor: dataclasses.replace() costs several times more)
        claim.force = ForceRef(f.id, f.name, f.text, f.score, f.inherited, f.source, f.rule, p["force"])
    if t is not None:
        claim.period = PeriodRef(t.start, t.end, t.text, t.inherited, t.source, t.rule, p["period"])
    return claim
