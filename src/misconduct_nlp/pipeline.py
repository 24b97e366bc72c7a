"""Building the misconduct pipeline: ``load()``.

The components, in the order a sentence meets them (:data:`COMPONENTS`; each a registered
factory, so ``spacy.blank("en")`` plus ``nlp.add_pipe(name)`` for each, in this order, is the
same pipeline as :func:`load`):

1. ``misconduct_sentencizer`` — sentence boundaries for news layout; page furniture.
2. ``misconduct_measures`` / ``misconduct_subjects`` / ``misconduct_ranks`` /
   ``misconduct_platforms`` — SpanRulers over the package lexicons, each filling its own
   ``doc.spans`` group so overlapping categories never fight over ``doc.ents``.
3. ``misconduct_numbers`` — every number with its value, unit, approximation and kind.
4. ``misconduct_forces`` — police force and region mentions (owns the force registry).
5. ``misconduct_periods`` — time-span phrases (owns the period grammar).
6. ``misconduct_claims`` — claims in ``doc._.claims``; adding it to a pipeline that lacks any
   of the others raises :class:`~misconduct_nlp.errors.PipelineError` naming them.

Every resource a component uses (lexicon terms, force aliases, the period grammar) is held by
the component, so ``nlp.to_disk(path)`` saves user additions and ``load(path)`` (or
``spacy.load(path)``) gives the same pipeline back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import spacy
from spacy.language import Language

from . import extensions  # noqa: F401
from .components import CLAIMS_NEEDS  # importing the package registers every factory
from .lexicon import GROUPS

COMPONENTS = (*CLAIMS_NEEDS, "misconduct_claims")


def add_lexicon_rulers(nlp: Language, lexicons: Mapping[str, Sequence[str]] | None = None) -> None:
    """Add the four lexicon components (package terms plus any user files per group)."""
    lexicons = lexicons or {}
    for group in GROUPS:
        ruler = nlp.add_pipe(f"misconduct_{group}")
        for path in lexicons.get(group, ()):
            ruler.add_file(path)


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


def is_saved_pipeline(model: str | Path) -> bool:
    """True for a folder written by ``nlp.to_disk`` of a pipeline with ``misconduct_claims``."""
    config = Path(model) / "config.cfg"
    if not config.is_file():
        return False
    return 'factory = "misconduct_claims"' in config.read_text(encoding="utf-8")


def load(model: str | Path | None = None, *, lexicons: Mapping[str, Sequence[str]] | None = None) -> Language:
    """The claim-extraction pipeline.

    ``model=None`` builds it on ``spacy.blank("en")``. A folder saved from a misconduct
    pipeline (``nlp.to_disk(path)``) is loaded as it is, with the terms, aliases and grammar
    saved in it. Any other name or path loads that installed spaCy pipeline (e.g.
    ``"en_core_web_sm"``) and adds the misconduct components to it. ``lexicons`` maps a group
    ("measures", "subjects", "ranks", "platforms") to extra JSONL files in the package's
    lexicon format, added to that group's component.
    """
    if model is not None and is_saved_pipeline(model):
        nlp = spacy.load(model)
        for group, paths in (lexicons or {}).items():
            for path in paths:
                nlp.get_pipe(f"misconduct_{group}").add_file(path)
        return nlp
    nlp = spacy.blank("en") if model is None else spacy.load(model, exclude=["ner"])
    return add_to_pipeline(nlp, lexicons)
