"""``misconduct_forces``: police forces and regions as spans.

Fills ``doc.spans[forces_key]`` (default ``"forces"``) with one span per force mention found by
:func:`misconduct_nlp.forces.find_force_mentions` -- label ``FORCE`` for a force named outright
("Kent Police", "the Met"), ``FORCE_PLACE`` for a bare place name that stands for its force in
context ("West Midlands (74)") -- with ``span._.force`` the :class:`~misconduct_nlp.forces.Force`;
and ``doc.spans[regions_key]`` (default ``"regions"``) with ``REGION`` spans whose
``span._.region`` is a schema region ("England and Wales", "UK", ...) or ``None`` for a
multi-force phrase that names no area ("across 39 forces"). Works on any pipeline, including
``spacy.blank("en")``: it reads ``doc.text`` only.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401  (registers Doc/Span extensions)
from ..doccache import doc_text
from ..forces import find_force_mentions, find_regions


class ForceTagger:
    """Marks force and region mentions in a Doc."""

    def __init__(self, forces_key: str = "forces", regions_key: str = "regions",
                 places: bool = True, fuzzy: bool = True) -> None:
        self.forces_key = forces_key
        self.regions_key = regions_key
        self.places = places
        self.fuzzy = fuzzy

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions = find_force_mentions(text, places=self.places, fuzzy=self.fuzzy)
        force_spans: list[Span] = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="FORCE" if m.explicit else "FORCE_PLACE",
                                 alignment_mode="expand")
            if span is not None:
                span._.force = m.force
                force_spans.append(span)
        region_spans: list[Span] = []
        for r in find_regions(text, mentions):
            span = doc.char_span(r.start, r.end, label="REGION", alignment_mode="expand")
            if span is not None:
                span._.region = r.region
                region_spans.append(span)
        doc.spans[self.forces_key] = force_spans
        doc.spans[self.regions_key] = region_spans
        return doc


@Language.factory(
    "misconduct_forces",
    default_config={"forces_key": "forces", "regions_key": "regions", "places": True, "fuzzy": True},
)
def make_force_tagger(nlp: Language, name: str, forces_key: str, regions_key: str,
                      places: bool, fuzzy: bool) -> ForceTagger:
    """Factory of the ``misconduct_forces`` component."""
    return ForceTagger(forces_key, regions_key, places, fuzzy)
