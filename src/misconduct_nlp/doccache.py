"""Per-Doc caches the components share: the Doc's text, its tokens' strings as plain lists,
and an index of its span groups.

* Python code that looks at ``doc[i]`` creates a Token object each time; the components
  read token strings from a :class:`TokenTable` built in one pass instead.
* ``doc.text`` is rebuilt from the tokens by spaCy on every access; a Doc's text never
  changes, so it is built once.
* Reading a sentence needs "the outcome terms / forces / periods inside this sentence" many
  times per article; filtering whole ``doc.spans`` groups each time is quadratic in article
  length. The index sorts each group once and answers with a bisection.

The text and the token table (plain strings) are kept in a weak dictionary keyed by the
Doc: nothing in ``doc.user_data`` to get in the way of ``doc.to_bytes()``, and gone with the
Doc. The span index holds Spans, which refer to their Doc, so it cannot sit in a weak
dictionary (it would keep every Doc alive): it lives in ``doc.user_data[CACHE_KEY]``, and
:func:`drop_cache`, which the last component calls, removes it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary, ref

import numpy
from spacy.attrs import IDX, IS_ALPHA, LIKE_NUM, LOWER, ORTH, SENT_START, SPACY
from spacy.tokens import Doc, Span

CACHE_KEY = "misconduct_nlp.span_index"
_TABLE_ATTRS = [ORTH, LOWER, IDX, SPACY, LIKE_NUM, IS_ALPHA]
_STRINGS: WeakKeyDictionary[Doc, dict[str, Any]] = WeakKeyDictionary()


class SpanIndex:
    """Spans of the ``doc.spans`` groups, sorted by start, with their starts for bisection
    (each group sorted on first use)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._groups: dict[str, tuple[list[int], list[Span]]] = {}
        self._ends: dict[str, list[int]] = {}  # the groups' span ends, in the same order
        self._converted: dict[tuple[str, Callable[[Span], Any]], list[Any]] = {}
        # answers already given: a sentence's forces, periods and terms are asked for by
        # several readers of the sentence
        self._within: dict[tuple[str, int, int], list[Span]] = {}
        self.memo: dict[Any, Any] = {}  # answers its users derive from the groups, by their own keys

    def group(self, key: str) -> tuple[list[int], list[Span]]:
        """(starts, spans) of group ``key``, by start then end; empty for a missing group."""
        found = self._groups.get(key)
        if found is None:
            group = self.doc.spans[key] if key in self.doc.spans else []
            spans = sorted(group, key=lambda s: (s.start, s.end))
            found = self._groups[key] = ([s.start for s in spans], spans)
            self._ends[key] = [s.end for s in spans]
        return found

    def _positions(self, key: str, start: int, end: int) -> list[int]:
        """Positions in group ``key`` of the spans lying wholly inside tokens ``start``..``end``."""
        starts = self.group(key)[0]
        ends = self._ends[key]
        lo = bisect_left(starts, start)
        return [k for k in range(lo, bisect_left(starts, end, lo)) if ends[k] <= end]

    def within(self, key: str, start: int, end: int) -> list[Span]:
        """Spans of group ``key`` lying wholly inside tokens ``start``..``end``.

        The answer is kept and the same list given again for the same question (a sentence's
        forces and periods are asked for by several of its readers): read it, do not change it.
        """
        found = self._within.get((key, start, end))
        if found is None:
            spans = self.group(key)[1]
            found = self._within[(key, start, end)] = [spans[k] for k in self._positions(key, start, end)]
        return found

    def within_as(self, key: str, start: int, end: int, convert: Callable[[Span], Any]) -> list[Any]:
        """``convert(span)`` for the spans :meth:`within` gives, each span converted once per Doc."""
        spans = self.group(key)[1]
        converted = self._converted.get((key, convert))
        if converted is None:
            converted = self._converted[(key, convert)] = [None] * len(spans)
        out = []
        for k in self._positions(key, start, end):
            value = converted[k]
            if value is None:
                value = converted[k] = convert(spans[k])
            out.append(value)
        return out

    def all(self, key: str) -> list[Span]:
        """Every span of group ``key``, by start."""
        return self.group(key)[1]


# the Doc asked about last, weakly: (its ref, its cache, its token table or None, the table's length or -1)
_last: tuple[ref[Doc], dict[str, Any], Any, int] | None = None


def _strings(doc: Doc) -> dict[str, Any]:
    global _last
    if _last is not None and _last[0]() is doc:  # the components ask about one Doc many times
        return _last[1]
    cache = _STRINGS.get(doc)
    if cache is None:
        cache = _STRINGS[doc] = {}
    _last = (ref(doc), cache, None, -1)
    return cache


def drop_cache(doc: Doc) -> None:
    """Forget the caches of ``doc`` (they are rebuilt on the next use)."""
    global _last
    doc.user_data.pop(CACHE_KEY, None)
    _STRINGS.pop(doc, None)
    if _last is not None and _last[0]() is doc:
        _last = None


def span_index(doc: Doc) -> SpanIndex:
    """The index for ``doc``, built on first use (once its span groups are final) and kept."""
    index = doc.user_data.get(CACHE_KEY)
    if index is None:
        index = doc.user_data[CACHE_KEY] = SpanIndex(doc)
    return index


@dataclass(frozen=True)
class TokenTable:
    """The strings of a Doc's tokens, one list entry per token."""

    text: list[str]
    lower: list[str]
    ws: list[str]        # the whitespace after the token ("" or " ")
    idx: list[int]       # character offset of the token
    space: list[bool]    # the token is whitespace ("\n", "  ")
    like_num: list[int]  # ``Token.like_num``, 1 or 0 (no Token object to ask)
    is_alpha: list[int]  # ``Token.is_alpha``, 1 or 0

    def __len__(self) -> int:
        return len(self.text)


def token_table(doc: Doc) -> TokenTable:
    """The :class:`TokenTable` of ``doc``, built once (again if the Doc was retokenized)."""
    global _last
    last = _last  # the Doc asked about last (the usual case: no call to _strings)
    if last is not None and last[0]() is doc:
        if last[3] == len(doc):  # the table made for this Doc, and it was not retokenized since
            return last[2]
        cache = last[1]
    else:
        cache = _strings(doc)
    table = cache.get("tokens")
    if table is None or len(table.text) != len(doc):
        # one array of the tokens' attributes and the strings looked up by hash: no Token
        # objects (tok.text, tok.lower_ are these strings; tok.whitespace_ is " " for SPACY)
        strings = doc.vocab.strings
        orth, low, idx, space, like_num, alpha = doc.to_array(_TABLE_ATTRS).T.tolist() if len(doc) \
            else ([], [], [], [], [], [])
        text = [strings[h] for h in orth]
        lower = [strings[h] for h in low]
        ws = [" " if sp else "" for sp in space]
        space_tokens = [t.isspace() for t in text]
        table = cache["tokens"] = TokenTable(text, lower, ws, idx, space_tokens, like_num, alpha)
    _last = (ref(doc), cache, table, len(table.text))
    return table


def first_content(sent: Span) -> int | None:
    """Position of the first token of ``sent`` that is not whitespace, or None."""
    space = token_table(sent.doc).space
    start, end = sent.start, sent.end
    if start < end and not space[start]:
        return start  # (the usual case)
    return next((i for i in range(start, end) if not space[i]), None)


def word_positions(doc: Doc, words: frozenset[str]) -> list[int]:
    """Sorted token positions of ``doc`` whose lower-cased text is in ``words`` (kept per Doc)."""
    table = token_table(doc)
    key = ("positions", words)
    found = _strings(doc).get(key)
    if found is None or found[0] is not table:  # none yet, or made from a table since rebuilt
        found = _strings(doc)[key] = (table, [i for i, w in enumerate(table.lower) if w in words])
    return found[1]


def sentence_start(doc: Doc, pos: int) -> int:
    """The first token of the sentence holding token ``pos``: ``doc[pos:pos + 1].sent.start``
    without walking the tokens back to it (the sentence starts are listed once per Doc)."""
    table = token_table(doc)
    found = _strings(doc).get("sentence_starts")
    if found is None or found[0] is not table:
        found = _strings(doc)["sentence_starts"] = (table, _sentence_starts(doc))
    starts = found[1]
    k = bisect_right(starts, pos) - 1
    return starts[k] if k >= 0 else 0


def _sentence_starts(doc: Doc) -> list[int]:
    """``[s.start for s in doc.sents]`` read from the SENT_START array (no Span per sentence)."""
    if "sents" in doc.user_hooks or not len(doc) or not doc.has_annotation("SENT_START"):
        return [s.start for s in doc.sents]  # (spaCy's own answer, or its error)
    flags = doc.to_array(SENT_START).astype("int64")  # 1 starts a sentence; doc.sents starts at 0
    return [0] + (numpy.flatnonzero(flags[1:] == 1) + 1).tolist()


def any_word_between(doc: Doc, lo: int, hi: int, words: frozenset[str]) -> bool:
    """Whether a token in ``lo``..``hi`` (exclusive) is one of ``words``: a bisection, so
    checking many pairs in one long sentence stays cheap."""
    positions = word_positions(doc, words)
    k = bisect_left(positions, lo)
    return k < len(positions) and positions[k] < hi


def span_text(span: Span) -> str:
    """``span.text``, cut from the cached :func:`doc_text` (no Token objects)."""
    return doc_text(span.doc)[span.start_char:span.end_char]


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per Doc."""
    cache = _strings(doc)
    text = cache.get("text")
    if text is None:
        table = token_table(doc)
        text = cache["text"] = "".join(map(str.__add__, table.text, table.ws))
    return text
