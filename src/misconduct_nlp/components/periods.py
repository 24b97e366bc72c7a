"""``misconduct_periods``: time-span phrases as spans.

Fills ``doc.spans[spans_key]`` (default ``"periods"``) with one span per phrase found by
:func:`misconduct_nlp.periods.find_period_mentions` (tried only where a token says a word
starts), labelled ``ABSOLUTE``, ``RELATIVE`` or ``ANAPHORIC``; ``span._.period`` is the
resolved :class:`~misconduct_nlp.periods.Period` (relative phrases against
``doc._.published``), or ``None`` where the phrase alone does not give both dates
("during these four years", "up to early 2013", "last year" without a date).

The component owns its grammar (``.grammar``, a :class:`~misconduct_nlp.periods.PeriodGrammar`):
replace it with :meth:`PeriodTagger.use_grammar`, or add and remove patterns with
:meth:`~PeriodTagger.add_patterns` / :meth:`~PeriodTagger.remove_patterns`. ``nlp.to_disk``
writes the grammar (``grammar.json`` in the component's folder) and ``spacy.load`` reads it
back. A new component starts from :func:`misconduct_nlp.periods.default_grammar`. The Docs it
tags remember the grammar (:func:`grammar_of`), so later components (``misconduct_claims``
reading an open period against the article's) parse with the same one.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..doccache import TokenTable, doc_text, token_table
from ..extensions import doc_value, set_span_value
from ..periods import PeriodGrammar, default_grammar, find_period_mentions_at, load_grammar, parse_period

_WORD = re.compile(r"\w+")
GRAMMAR_FILE = "grammar.json"
# which grammar tagged a Doc: weak, so gone with the Doc, and nothing in doc.user_data
_DOC_GRAMMAR: WeakKeyDictionary[Doc, PeriodGrammar] = WeakKeyDictionary()


def grammar_of(doc: Doc) -> PeriodGrammar | None:
    """The grammar the ``misconduct_periods`` component read ``doc`` with (None if none did)."""
    return _DOC_GRAMMAR.get(doc)


def word_starts(text: str, tt: TokenTable, grammar: PeriodGrammar | None = None) -> Iterator[tuple[int, str]]:
    """``(offset, lower-cased word)`` for every place in ``text`` where a regex word (``\\w+``)
    starts, and a few more: found from the tokens, so without scanning every character.

    With ``grammar``, a token that is a whole word is left out unless one of its phrases can
    start with it (:meth:`~misconduct_nlp.periods.PeriodGrammar.can_start`):
    :func:`~misconduct_nlp.periods.find_period_mentions_at` passes over any other word, so the
    mentions found are the same."""
    n = len(tt)
    texts, lower, space, ws, idx = tt.text, tt.lower, tt.space, tt.ws, tt.idx
    for i, tok in enumerate(texts):
        if space[i]:
            continue
        if tok.isalnum() and (ws[i] or i + 1 == n or not _WORD.match(texts[i + 1])):
            word = lower[i]  # the token is the whole word
            if grammar is None or grammar.can_start(word):
                yield idx[i], word
            continue
        start = idx[i]
        for m in _WORD.finditer(text, start, start + len(tok)):
            word = _WORD.match(text, m.start())  # the whole word, into the next token if joined
            yield m.start(), word.group().lower() if word else ""


class PeriodTagger:
    """Marks period phrases in a Doc and resolves each one, with a grammar of its own."""

    def __init__(self, spans_key: str = "periods", grammar: PeriodGrammar | None = None) -> None:
        self.spans_key = spans_key
        self.grammar = grammar if grammar is not None else default_grammar()

    # ---- the grammar
    def use_grammar(self, source: str | Path | Mapping[str, Any] | None = None) -> None:
        """Read with another grammar: a file or data in the layout of ``data/periods.json``
        (``None``: the package's)."""
        self.grammar = load_grammar(dict(source) if isinstance(source, Mapping) else source)

    def add_patterns(self, rows: Iterable[Mapping[str, Any]], *, first: bool = True) -> None:
        """Add grammar patterns (rows like those of ``patterns`` in ``data/periods.json``), tried
        before the others (``first=True``) or after them."""
        rows = [dict(r) for r in rows]
        data = copy.deepcopy(self.grammar.data)
        names = {p["name"] for p in data["patterns"]}
        clash = [r.get("name") for r in rows if r.get("name") in names]
        if clash:
            raise ValueError(f"period patterns {clash} exist already; remove them first")
        data["patterns"] = rows + data["patterns"] if first else data["patterns"] + rows
        self.grammar = load_grammar(data)

    def remove_patterns(self, names: Iterable[str]) -> None:
        """Remove grammar patterns by name."""
        names = set(names)
        data = copy.deepcopy(self.grammar.data)
        unknown = names - {p["name"] for p in data["patterns"]}
        if unknown:
            raise KeyError(f"no period patterns named {sorted(unknown)}")
        data["patterns"] = [p for p in data["patterns"] if p["name"] not in names]
        self.grammar = load_grammar(data)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the grammar into the folder ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / GRAMMAR_FILE, self.grammar.data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> PeriodTagger:
        """Read the grammar :meth:`to_disk` wrote."""
        file = Path(path) / GRAMMAR_FILE
        if file.exists():
            self.grammar = load_grammar(srsly.read_json(file))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The grammar as bytes."""
        return srsly.json_dumps(self.grammar.data).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> PeriodTagger:
        """Read the grammar :meth:`to_bytes` gave."""
        self.grammar = load_grammar(srsly.json_loads(data))
        return self

    def __call__(self, doc: Doc) -> Doc:
        published = doc_value(doc, "published")
        spans = []
        text = doc_text(doc)
        grammar = self.grammar
        _DOC_GRAMMAR[doc] = grammar
        words = word_starts(text, token_table(doc), grammar)
        for mention in find_period_mentions_at(text, words, grammar=grammar):
            span = doc.char_span(mention.start, mention.end, label=mention.kind.upper(),
                                 alignment_mode="expand")
            if span is None:
                continue
            # the mention's own words: identical to span.text unless token expansion added some
            set_span_value(span, "period", parse_period(mention.text, published, grammar=grammar))
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("misconduct_periods", default_config={"spans_key": "periods", "patterns": []})
def make_period_tagger(nlp: Language, name: str, spans_key: str,
                       patterns: list[dict[str, Any]]) -> PeriodTagger:
    """Factory of the ``misconduct_periods`` component; ``patterns`` (rows like those of
    ``patterns`` in ``data/periods.json``) are tried before the grammar's own."""
    tagger = PeriodTagger(spans_key)
    if patterns:
        tagger.add_patterns(patterns)
    return tagger
