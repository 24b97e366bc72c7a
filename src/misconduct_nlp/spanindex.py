"""Fast look-up of a Doc's span groups by token range.

Reading a sentence needs "the outcome terms / forces / periods inside this sentence" many
times per article; filtering whole ``doc.spans`` groups each time is quadratic in article
length. The index sorts each group once and answers with a bisection.
"""

from __future__ import annotations

from bisect import bisect_left

from spacy.tokens import Doc, Span

INDEX_KEY = "misconduct_span_index"


class SpanIndex:
    """Spans of every ``doc.spans`` group, sorted by start, with their starts for bisection."""

    def __init__(self, doc: Doc) -> None:
        self.groups: dict[str, tuple[list[int], list[Span]]] = {}
        for key in doc.spans:
            spans = sorted(doc.spans[key], key=lambda s: (s.start, s.end))
            self.groups[key] = ([s.start for s in spans], spans)

    def within(self, key: str, start: int, end: int) -> list[Span]:
        """Spans of group ``key`` lying wholly inside tokens ``start``..``end``."""
        starts, spans = self.groups.get(key, ([], []))
        out = []
        for k in range(bisect_left(starts, start), len(spans)):
            sp = spans[k]
            if sp.start >= end:
                break
            if sp.end <= end:
                out.append(sp)
        return out

    def all(self, key: str) -> list[Span]:
        """Every span of group ``key``, by start."""
        return self.groups.get(key, ([], []))[1]


def span_index(doc: Doc) -> SpanIndex:
    """The index for ``doc``, built on first use and kept in ``doc.user_data``."""
    index = doc.user_data.get(INDEX_KEY)
    if index is None:
        index = doc.user_data[INDEX_KEY] = SpanIndex(doc)
    return index
