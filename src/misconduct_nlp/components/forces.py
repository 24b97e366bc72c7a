"""``misconduct_forces``: police forces and regions as spans.

Fills ``doc.spans[forces_key]`` (default ``"forces"``) with one span per force mention found by
:func:`misconduct_nlp.forces.find_force_mentions` -- label ``FORCE`` for a force named outright
("Kent Police", "the Met"), ``FORCE_PLACE`` for a bare place name that stands for its force in
context ("West Midlands (74)") -- with ``span._.force`` the :class:`~misconduct_nlp.forces.Force`;
and ``doc.spans[regions_key]`` (default ``"regions"``) with ``REGION`` spans whose
``span._.region`` is a schema region ("England and Wales", "UK", ...) or ``None`` for a
multi-force phrase that names no area ("across 39 forces"). Works on any pipeline, including
``spacy.blank("en")``: it reads ``doc.text`` only.

The component owns its :class:`~misconduct_nlp.forces.ForceRegistry` (``.registry``): change
it with :meth:`ForceTagger.add_aliases`, :meth:`~ForceTagger.remove_aliases` or
:meth:`~ForceTagger.add_forces`; ``nlp.to_disk`` writes the changes (``registry.json`` in the
component's folder) and ``spacy.load`` reads them back. A new component starts from the
packaged registry: what one pipeline adds never reaches another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..doccache import doc_text
from ..extensions import doc_value, set_span_value
from ..forces import Force, ForceEntry, ForceMention, ForceRegistry, find_regions

REGISTRY_FILE = "registry.json"


class ForceTagger:
    """Marks force and region mentions in a Doc, with a force registry of its own."""

    def __init__(self, forces_key: str = "forces", regions_key: str = "regions",
                 places: bool = True, fuzzy: bool = True, registry: ForceRegistry | None = None) -> None:
        self.forces_key = forces_key
        self.regions_key = regions_key
        self.places = places
        self.fuzzy = fuzzy
        self.registry = registry if registry is not None else ForceRegistry()

    # ---- the registry
    def add_aliases(self, aliases: Mapping[str, Iterable[str]] | str, more: Iterable[str] | None = None, *,
                    cased: bool = False) -> None:
        """Add names to known forces: ``add_aliases({"kent": ["the Garden of England force"]})``;
        ``cased=True`` matches them only as written or in capitals."""
        self.registry.add_aliases(aliases, more, cased=cased)

    def remove_aliases(self, aliases: Mapping[str, Iterable[str]] | str,
                       more: Iterable[str] | None = None) -> None:
        """Stop matching some names of forces: ``remove_aliases({"kent": ["Kent Police"]})``."""
        self.registry.remove_aliases(aliases, more)

    def add_forces(self, rows: Iterable[Mapping[str, Any]] | str | Path) -> None:
        """Add forces or names in the ``data/forces.jsonl`` format (dicts or a JSONL path)."""
        self.registry.add_forces(rows)

    def reset(self) -> None:
        """Back to the packaged registry."""
        self.registry.reset()

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the registry's changes into the folder ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.registry.to_disk(path / REGISTRY_FILE)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ForceTagger:
        """Read the registry's changes written by :meth:`to_disk` (they replace the current ones)."""
        file = Path(path) / REGISTRY_FILE
        if file.exists():
            self.registry.from_disk(file)
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The registry's changes as bytes."""
        return self.registry.to_bytes()

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> ForceTagger:
        """Read the registry's changes from :meth:`to_bytes`."""
        self.registry.from_bytes(data)
        return self

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        mentions = self.registry.find(text, places=self.places, fuzzy=self.fuzzy)
        published = doc_value(doc, "published")
        entries = self.registry.entries
        force_spans: list[Span] = []
        for m in mentions:
            span = doc.char_span(m.start, m.end, label="FORCE" if m.explicit else "FORCE_PLACE",
                                 alignment_mode="expand")
            if span is not None:
                set_span_value(span, "force", _current(m, entries, published))
                force_spans.append(span)
        region_spans: list[Span] = []
        for r in find_regions(text, mentions):
            span = doc.char_span(r.start, r.end, label="REGION", alignment_mode="expand")
            if span is not None:
                set_span_value(span, "region", r.region)
                region_spans.append(span)
        doc.spans[self.forces_key] = force_spans
        doc.spans[self.regions_key] = region_spans
        return doc


def _current(m: ForceMention, entries: Mapping[str, ForceEntry], published: date | None) -> Force:
    """The force a mention stands for on the publication date: a bare place of a legacy force
    after its last day ("Tayside recorded 226 complaints" in 2016) is its successor's division
    (Police Scotland); named outright ("Tayside Police") it is the legacy force."""
    entry = entries.get(m.force.id)
    if m.explicit or published is None or entry is None or not (entry.ended and entry.successor) \
            or entry.successor not in entries or published <= date.fromisoformat(entry.ended):
        return m.force
    return entries[entry.successor].force(m.force.score)


@Language.factory(
    "misconduct_forces",
    default_config={"forces_key": "forces", "regions_key": "regions", "places": True, "fuzzy": True,
                    "aliases": {}},
)
def make_force_tagger(nlp: Language, name: str, forces_key: str, regions_key: str,
                      places: bool, fuzzy: bool, aliases: dict[str, list[str]]) -> ForceTagger:
    """Factory of the ``misconduct_forces`` component; ``aliases`` (force id -> names) are added
    to its registry, as :meth:`ForceTagger.add_aliases` does."""
    tagger = ForceTagger(forces_key, regions_key, places, fuzzy)
    if aliases:
        tagger.add_aliases(aliases)
    return tagger
