"""``misconduct_periods``: time-span phrases as spans.

Fills ``doc.spans[spans_key]`` (default ``"periods"``) with one span per phrase found by
:func:`misconduct_nlp.periods.find_period_mentions`, labelled ``ABSOLUTE``, ``RELATIVE`` or
``ANAPHORIC``; ``span._.period`` is the resolved :class:`~misconduct_nlp.periods.Period`
(relative phrases against ``doc._.published``), or ``None`` where the phrase alone does not
give both dates ("during these four years", "up to early 2013", "last year" without a date).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (registers Doc/Span extensions)
from ..doccache import doc_text
from ..periods import find_period_mentions, parse_period


class PeriodTagger:
    """Marks period phrases in a Doc and resolves each one."""

    def __init__(self, spans_key: str = "periods") -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        spans = []
        for mention in find_period_mentions(doc_text(doc)):
            span = doc.char_span(mention.start, mention.end, label=mention.kind.upper(),
                                 alignment_mode="expand")
            if span is None:
                continue
            # the mention's own words: identical to span.text unless token expansion added some
            span._.period = parse_period(mention.text, published)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("misconduct_periods", default_config={"spans_key": "periods"})
def make_period_tagger(nlp: Language, name: str, spans_key: str) -> PeriodTagger:
    """Factory of the ``misconduct_periods`` component."""
    return PeriodTagger(spans_key)
