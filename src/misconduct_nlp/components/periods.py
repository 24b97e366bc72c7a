"""``misconduct_periods``: time-span phrases as spans.

Fills ``doc.spans[spans_key]`` (default ``"periods"``) with one span per phrase found by
:func:`misconduct_nlp.periods.find_period_mentions` (tried only where a token says a word
starts), labelled ``ABSOLUTE``, ``RELATIVE`` or ``ANAPHORIC``; ``span._.period`` is the
resolved :class:`~misconduct_nlp.periods.Period` (relative phrases against
``doc._.published``), or ``None`` where the phrase alone does not give both dates
("during these four years", "up to early 2013", "last year" without a date).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (registers Doc/Span extensions)
from ..doccache import TokenTable, doc_text, token_table
from ..periods import find_period_mentions_at, parse_period

_WORD = re.compile(r"\w+")


def word_starts(text: str, tt: TokenTable) -> Iterator[tuple[int, str]]:
    """``(offset, lower-cased word)`` for every place in ``text`` where a regex word (``\\w+``)
    starts, and a few more: found from the tokens, so without scanning every character."""
    n = len(tt)
    for i, tok in enumerate(tt.text):
        if tt.space[i]:
            continue
        if tok.isalnum() and (tt.ws[i] or i + 1 == n or not _WORD.match(tt.text[i + 1])):
            yield tt.idx[i], tt.lower[i]  # the token is the whole word
            continue
        start = tt.idx[i]
        for m in _WORD.finditer(text, start, start + len(tok)):
            word = _WORD.match(text, m.start())  # the whole word, into the next token if joined
            yield m.start(), word.group().lower() if word else ""


class PeriodTagger:
    """Marks period phrases in a Doc and resolves each one."""

    def __init__(self, spans_key: str = "periods") -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        published = doc._.published
        spans = []
        text = doc_text(doc)
        for mention in find_period_mentions_at(text, word_starts(text, token_table(doc))):
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
