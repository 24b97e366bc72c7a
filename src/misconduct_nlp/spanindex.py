"""Per-Doc caches the components share: the Doc's text and an index of its span groups.

Reading a sentence needs "the outcome terms / forces / periods inside this sentence" many
times per article; filtering whole ``doc.spans`` groups each time is quadratic in article
length. The index sorts each group once and answers with a bisection. ``doc.text`` is
rebuilt from the tokens by spaCy on every access; a Doc's text never changes, so it is
built once.

The caches are kept in a weak dictionary keyed by the Doc, not in ``doc.user_data``, so
that ``doc.to_bytes()`` and ``DocBin`` (which serialise ``user_data``) are not affected and
the cache goes away with the Doc.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span

_CACHES: WeakKeyDictionary[Doc, dict[str, Any]] = WeakKeyDictionary()


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


def _cache(doc: Doc) -> dict[str, Any]:
    cache = _CACHES.get(doc)
    if cache is None:
        cache = _CACHES[doc] = {}
    return cache


def span_index(doc: Doc) -> SpanIndex:
    """The index for ``doc``, built on first use (once its span groups are final) and kept."""
    cache = _cache(doc)
    index = cache.get("index")
    if index is None:
        index = cache["index"] = SpanIndex(doc)
    return index


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc."""
    cache = _cache(doc)
    text = cache.get("text")
    if text is None:
        text = cache["text"] = doc.text
    return text
