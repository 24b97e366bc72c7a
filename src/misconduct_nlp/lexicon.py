"""Lexicons loaded from the package's data files: outcome terms, roles, ranks, platforms,
number words and page furniture.

Each group is a JSONL file with one entry a line::

    {"label": "dismissed", "strength": 2, "terms": ["sacked", ...], "examples": [...]}

Files are read once (cached, as frozen entries: nothing here can be changed). Each group is
held by its pipeline component (``misconduct_measures``, ... :
:class:`misconduct_nlp.components.lexicons.LexiconRuler`), which starts from :func:`entries`
and is changed with its ``add_terms``/``remove_terms``/``add_file`` methods;
``nlp.to_disk`` saves its terms. JSONL files of one's own go to :func:`misconduct_nlp.load`
(``lexicons={"measures": [path]}``). The module-level :func:`add_terms`, which changed every
pipeline built afterwards in the process, is gone: it raises
:class:`~misconduct_nlp.errors.RemovedError` naming the component method to use.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import Errors, RemovedError

GROUPS = ("measures", "subjects", "ranks", "platforms")


@dataclass(frozen=True)
class LexiconEntry:
    """One lexicon row: a label, the phrases that express it and how strongly."""

    group: str
    label: str
    terms: tuple[str, ...]
    strength: int = 2
    noun: bool = False
    examples: tuple[dict[str, Any], ...] = field(default=(), compare=False)
    #: the phrase names a thing by its last word only ("added to the list"): it takes the label
    #: of the nearest earlier term of its group ending in the same word ("the advisory list")
    refers_back: bool = False

    @property
    def key(self) -> str:
        """A stable id used as the SpanRuler pattern id (``group:label:strength:noun``, with
        ``:back`` after it for a :attr:`refers_back` entry)."""
        key = f"{self.group}:{self.label}:{self.strength}:{int(self.noun)}"
        return key + ":back" if self.refers_back else key


def _data_path(name: str) -> Any:
    return resources.files("misconduct_nlp").joinpath("data", name)


def read_entries(group: str, path: str | Path | None = None) -> list[LexiconEntry]:
    """Entries of one group, from the package file or from ``path`` (JSONL)."""
    source = Path(path) if path else _data_path(f"{group}.jsonl")
    entries = []
    for line in source.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        row = json.loads(line)
        entries.append(LexiconEntry(
            group=group, label=row["label"], terms=tuple(t.lower() for t in row["terms"]),
            strength=int(row.get("strength", 2)), noun=bool(row.get("noun", False)),
            examples=tuple(row.get("examples", ())), refers_back=bool(row.get("refers_back", False)),
        ))
    return entries


def add_terms(group: str, label: str, terms: list[str], *, strength: int = 2, noun: bool = False) -> None:
    """Gone: it changed every pipeline built afterwards in the process. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E404); use
    ``nlp.get_pipe(f"misconduct_{group}").add_terms(label, terms)`` on the pipeline to change."""
    raise RemovedError(Errors.E404.format(group=group))


@cache
def _package_entries(group: str) -> tuple[LexiconEntry, ...]:
    return tuple(read_entries(group))


def entries(group: str, extra_files: tuple[str, ...] = ()) -> list[LexiconEntry]:
    """Package entries of ``group``, then the entries of ``extra_files`` (a new list each call)."""
    out = list(_package_entries(group))
    for path in extra_files:
        out.extend(read_entries(group, path))
    return out


def span_ruler_patterns(group: str, extra_files: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Phrase patterns for spaCy's SpanRuler: label = entry label, id = entry key."""
    return [{"label": e.label, "pattern": term, "id": e.key}
            for e in entries(group, extra_files) for term in e.terms]


@lru_cache(maxsize=4096)
def parse_key(key: str) -> tuple[str, int, bool]:
    """(label, strength, noun) from a pattern id made by :attr:`LexiconEntry.key`."""
    _, label, strength, noun = key.split(":")[:4]
    return label, int(strength), noun == "1"


@cache
def numbers_data() -> dict[str, Any]:
    """Number words, approximation cues and not-a-claim contexts (data/numbers.json)."""
    return json.loads(_data_path("numbers.json").read_text(encoding="utf-8"))


@cache
def furniture_data() -> dict[str, Any]:
    """Page-furniture line patterns and in-line phrases (data/furniture.json)."""
    return json.loads(_data_path("furniture.json").read_text(encoding="utf-8"))
