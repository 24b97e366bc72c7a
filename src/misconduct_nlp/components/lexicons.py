"""``misconduct_measures``, ``misconduct_subjects``, ``misconduct_ranks``, ``misconduct_platforms``:
the lexicons as spaCy SpanRulers.

Each is a :class:`LexiconRuler` (a ``SpanRuler``) that starts with its package lexicon
(``data/<group>.jsonl``) and fills its own ``doc.spans`` group (``measures``,
...) with spans labelled by the entry's label; each pattern's id is the entry's key
(``group:label:strength:noun``), which the claim builder reads. The component owns its terms:
:meth:`LexiconRuler.add_terms`, :meth:`~LexiconRuler.remove_terms` and
:meth:`~LexiconRuler.add_file` change them, and ``nlp.to_disk`` writes them (SpanRuler's
``patterns.jsonl`` in the component's folder), so ``spacy.load`` gives them back. What one
pipeline's component adds never reaches another pipeline. The counted nouns of the measures
lexicon (``noun`` entries: "cases", "complaints") are read off the Doc's ``measures`` spans by
:func:`misconduct_nlp.reading.counted_nouns`, so nouns added here count as well.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.pipeline.span_ruler import SpanRuler, overlapping_labeled_spans_score
from spacy.tokens import Doc, Span

from ..doccache import token_table
from ..errors import Errors, NotFoundError, PipelineError
from ..lexicon import GROUPS, LexiconEntry, entries, read_entries


def _patterns(found: Iterable[LexiconEntry]) -> list[dict[str, str]]:
    return [{"label": e.label, "pattern": term, "id": e.key} for e in found for term in e.terms]


class LexiconRuler(SpanRuler):
    """A SpanRuler over one lexicon group, matching lower-cased phrases."""

    def __init__(self, nlp: Language, name: str, *, group: str, spans_key: str, package_terms: bool = True,
                 phrase_matcher_attr: str = "LOWER", validate: bool = False, overwrite: bool = True) -> None:
        if group not in GROUPS:
            raise PipelineError(Errors.E402.format(group=group, groups=", ".join(GROUPS)))
        super().__init__(nlp, name, spans_key=spans_key, phrase_matcher_attr=phrase_matcher_attr,
                         validate=validate, overwrite=overwrite,
                         scorer=partial(overlapping_labeled_spans_score, spans_key=spans_key))
        self.group = group
        self._key_memo: dict[int, tuple[dict[str, str], tuple[int, int, bool]]] = {}
        if package_terms:
            self.add_patterns(_patterns(entries(group)))

    def add_patterns(self, patterns: list[dict]) -> None:  # type: ignore[override]
        """SpanRuler's ``add_patterns``, making phrase patterns with the tokenizer only (the
        components before this one add nothing a lower-cased phrase match looks at)."""
        patterns = list(patterns)  # SpanRuler.from_disk passes a generator
        phrase = [p for p in patterns if isinstance(p["pattern"], str)]
        other = [p for p in patterns if not isinstance(p["pattern"], str)]
        if other:
            super().add_patterns(other)
        for entry, pattern_doc in zip(phrase, self.nlp.tokenizer.pipe(p["pattern"] for p in phrase),
                                      strict=True):
            label = repr((entry["label"], entry.get("id", "")))
            self._match_label_id_map[self.nlp.vocab.strings.as_int(label)] = {
                "label": entry["label"], "id": entry.get("id", "")}
            self._patterns.append(entry)
            self.phrase_matcher.add(label, [pattern_doc])

    # ---- the lexicon
    @property
    def entries(self) -> list[LexiconEntry]:
        """The lexicon as entries (one per label, strength and noun flag, in first-seen order)."""
        by_key: dict[str, list[str]] = {}
        labels: dict[str, str] = {}
        for p in self.patterns:
            key = p.get("id") or f"{self.group}:{p['label']}:2:0"
            by_key.setdefault(key, []).append(p["pattern"])
            labels[key] = p["label"]
        out = []
        for key, terms in by_key.items():
            _, _, strength, noun, *back = key.split(":")
            out.append(LexiconEntry(self.group, labels[key], tuple(terms), int(strength), noun == "1",
                                    refers_back=bool(back)))
        return out

    def _keys(self, m_id: int) -> tuple[int, int, bool]:
        """(label hash, id hash, refers back) of match id ``m_id``, worked out once per pattern
        entry (an entry re-added after a removal is a new dict, so it is worked out again)."""
        entry = self._match_label_id_map[m_id]
        memo = self._key_memo
        found = memo.get(m_id)
        if found is None or found[0] is not entry:
            strings = self.nlp.vocab.strings
            found = memo[m_id] = (entry, (strings.add(entry["label"]), strings.add(entry["id"]),
                                          entry["id"].endswith(":back")))
        return found[1]

    def match(self, doc: Doc) -> list[Span]:
        """SpanRuler's ``match`` (the same spans, deduplicated and in the same order), without a
        Span made for every raw match: matches are deduplicated and sorted as (start, end,
        label, id) tuples, which order as SpanRuler's Spans do (spaCy compares Spans by
        start_char, end_char, label, kb_id and id; every span here has kb_id 0)."""
        return self._spans(doc, self._rows(doc))

    @staticmethod
    def _spans(doc: Doc, rows: list[tuple[int, int, int, int, bool]]) -> list[Span]:
        return [Span(doc, s, e, label=lab, span_id=sid) for s, e, lab, sid, _ in rows]

    def _rows(self, doc: Doc) -> list[tuple[int, int, int, int, bool]]:
        self._require_patterns()
        found = set(self.phrase_matcher(doc)) if len(self.phrase_matcher) else set()
        if len(self.matcher):
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="\\[W036")
                found.update(self.matcher(doc))
        return sorted((start, end, *self._keys(m_id)) for m_id, start, end in found if start != end)

    def __call__(self, doc: Doc) -> Doc:
        """SpanRuler's matching, then each :attr:`~misconduct_nlp.lexicon.LexiconEntry.refers_back`
        match ("added to the list") relabelled as the nearest earlier match of the group that
        ends in the same word and names it in full ("the advisory list"); with none, it keeps its
        own label."""
        error_handler = self.get_error_handler()
        try:
            rows = self._rows(doc)
            if any(row[4] for row in rows):
                low = token_table(doc).lower
                named: dict[str, tuple[int, int, int, int, bool]] = {}
                for k, row in enumerate(rows):  # by start, then end
                    head = low[row[1] - 1]
                    if not row[4]:
                        named[head] = row
                    elif head in named:
                        rows[k] = (row[0], row[1], named[head][2], named[head][3], False)
            self.set_annotations(doc, self._spans(doc, rows))
            return doc
        except Exception as e:
            return error_handler(self.name, self, [doc], e)

    def add_terms(self, label: str, terms: Iterable[str], *, strength: int = 2, noun: bool = False,
                  refers_back: bool = False) -> None:
        """Add phrases for ``label`` (e.g. ``add_terms("dismissed", ["given their marching orders"])``);
        ``refers_back`` as in :class:`~misconduct_nlp.lexicon.LexiconEntry`."""
        entry = LexiconEntry(self.group, label, tuple(t.lower() for t in terms), int(strength), bool(noun),
                             refers_back=bool(refers_back))
        self.add_patterns(_patterns([entry]))

    def add_entries(self, found: Iterable[LexiconEntry]) -> None:
        """Add lexicon entries (e.g. from :func:`misconduct_nlp.lexicon.read_entries`)."""
        self.add_patterns(_patterns(found))

    def add_file(self, path: str | Path) -> None:
        """Add the entries of a JSONL file in the package's lexicon format."""
        self.add_entries(read_entries(self.group, path))

    def remove_terms(self, terms: Iterable[str], *, label: str | None = None) -> None:
        """Stop matching phrases (of every label, or only of ``label``). A phrase the lexicon does
        not have raises :class:`~misconduct_nlp.errors.NotFoundError` (a ``KeyError``)."""
        gone = {t.lower() for t in terms}
        hit = {p["pattern"] for p in self.patterns if p["pattern"] in gone and label in (None, p["label"])}
        if hit != gone:
            raise NotFoundError(Errors.E403.format(name=self.name, terms=sorted(gone - hit),
                                                   label=f" with label {label!r}" if label else ""))
        keep = [p for p in self.patterns if not (p["pattern"] in gone and label in (None, p["label"]))]
        self.clear()
        self._match_label_id_map = {}
        self.add_patterns(keep)


def _factory(group: str):
    def make(nlp: Language, name: str, spans_key: str, package_terms: bool, terms: list[dict[str, Any]],
             phrase_matcher_attr: str, validate: bool, overwrite: bool) -> LexiconRuler:
        ruler = LexiconRuler(nlp, name, group=group, spans_key=spans_key, package_terms=package_terms,
                             phrase_matcher_attr=phrase_matcher_attr, validate=validate, overwrite=overwrite)
        for row in terms:
            ruler.add_terms(row["label"], row["terms"], strength=int(row.get("strength", 2)),
                            noun=bool(row.get("noun", False)),
                            refers_back=bool(row.get("refers_back", False)))
        return ruler

    make.__name__ = f"make_{group}_ruler"
    make.__doc__ = (f"Factory of the ``misconduct_{group}`` component (the ``{group}`` lexicon); ``terms``"
                    " are extra rows in the lexicon format (label, terms, strength, noun, refers_back).")
    return Language.factory(f"misconduct_{group}", default_config={
        "spans_key": group, "package_terms": True, "terms": [], "phrase_matcher_attr": "LOWER",
        "validate": False, "overwrite": True,
    })(make)


make_measures_ruler = _factory("measures")
make_subjects_ruler = _factory("subjects")
make_ranks_ruler = _factory("ranks")
make_platforms_ruler = _factory("platforms")
