"""Building the misconduct pipeline: ``load()``.

The components, in the order a sentence meets them:

1. ``misconduct_sentencizer`` — sentence boundaries for news layout; page furniture.
2. ``misconduct_measures`` / ``misconduct_subjects`` / ``misconduct_ranks`` /
   ``misconduct_platforms`` — spaCy SpanRulers over the package lexicons, each filling its own
   ``doc.spans`` group so overlapping categories never fight over ``doc.ents``.
3. ``misconduct_numbers`` — every number with its value, unit, approximation and kind.
4. ``misconduct_forces`` — police force and region mentions.
5. ``misconduct_periods`` — time-span phrases.
6. ``misconduct_claims`` — claims in ``doc._.claims``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import spacy
from spacy.language import Language

from . import extensions  # noqa: F401
from .components import claims, forces, numbers, periods, sentencizer  # noqa: F401  (factories)
from .lexicon import GROUPS, span_ruler_patterns

COMPONENTS = ("misconduct_sentencizer", *(f"misconduct_{g}" for g in GROUPS), "misconduct_numbers",
              "misconduct_forces", "misconduct_periods", "misconduct_claims")


def add_lexicon_rulers(nlp: Language, lexicons: Mapping[str, Sequence[str]] | None = None) -> None:
    """Add one SpanRuler per lexicon group (package terms plus any user files per group)."""
    lexicons = lexicons or {}
    for group in GROUPS:
        ruler = nlp.add_pipe("span_ruler", name=f"misconduct_{group}", config={
            "spans_key": group, "phrase_matcher_attr": "LOWER", "validate": False, "overwrite": True,
        })
        ruler.add_patterns(span_ruler_patterns(group, tuple(lexicons.get(group, ()))))


def add_to_pipeline(nlp: Language, lexicons: Mapping[str, Sequence[str]] | None = None) -> Language:
    """Add the misconduct components to an existing pipeline (a trained one included).

    Our sentencizer goes first so a trained parser keeps its boundaries; the rest go last.
    """
    nlp.add_pipe("misconduct_sentencizer", first=True)
    add_lexicon_rulers(nlp, lexicons)
    nlp.add_pipe("misconduct_numbers")
    nlp.add_pipe("misconduct_forces")
    nlp.add_pipe("misconduct_periods")
    nlp.add_pipe("misconduct_claims")
    return nlp


def load(model: str | None = None, *, lexicons: Mapping[str, Sequence[str]] | None = None) -> Language:
    """The claim-extraction pipeline.

    ``model=None`` builds it on ``spacy.blank("en")``; a name or path loads that installed
    spaCy pipeline (e.g. ``"en_core_web_sm"``) and adds the misconduct components to it.
    ``lexicons`` maps a group ("measures", "subjects", "ranks", "platforms") to extra JSONL
    files in the package's lexicon format.
    """
    nlp = spacy.blank("en") if model is None else spacy.load(model, exclude=["ner"])
    return add_to_pipeline(nlp, lexicons)
