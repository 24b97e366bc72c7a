"""UK police forces: the registry, the phrase matcher and the force/region mention finder.

The registry is ``data/forces.jsonl`` (one force per line, data.police.uk ids); the words that
decide context are in ``data/force_context.json`` and the regions in ``data/regions.jsonl``.

Matching order, in both :func:`match_force` and :func:`find_force_mentions`:

1. exact names and aliases ("Metropolitan Police Service", "the Met", "Scotland Yard", "GMP"),
   and a place or town followed by a police word ("Kent Police", "Manchester police",
   "the Dyfed Powys force") -- score 100;
2. a misspelt name ("Greater Manchster Police") -- rapidfuzz, only for capitalised phrases
   ending in a police word that no alias matched, scored 0-100 and always below 100;
3. a bare force-area name ("Kent", "West Midlands") -- a force only in context, so
   :func:`match_force` gives it ``PLACE_SCORE`` and the finder returns it with
   ``explicit=False`` only next to a figure, a police noun or another force in a list.

Towns ("Manchester", "Birmingham") name a force only with a police word: a bare town is never
a force. "Kent Police Federation" names Kent Police (the staff association of that force) in
running text, but :func:`match_force` of the whole phrase is ``None``: it is not a force.
"""

from __future__ import annotations

import bisect
import gc
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import srsly
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from . import regexcache
from .errors import Errors, RemovedError

EXACT_SCORE = 100.0
PLACE_SCORE = 60.0  # a bare force-area name ("Kent"): a force only in context

__all__ = [
    "EXACT_SCORE", "PLACE_SCORE", "Force", "ForceEntry", "ForceMention", "ForceRegistry", "RegionMention",
    "find_force_mentions", "find_regions", "match_force", "registry",
]


@dataclass(frozen=True)
class Force:
    """A police force as matched: data.police.uk-style id, official name, kind, score 0-100."""

    id: str
    name: str
    kind: str
    score: float = EXACT_SCORE


@dataclass(frozen=True)
class ForceEntry:
    """One registry row (see ``data/forces.jsonl``)."""

    id: str
    name: str
    kind: str
    country: str
    places: tuple[str, ...] = ()          # force-area names: "Kent", "Greater Manchester", "Notts"
    towns: tuple[str, ...] = ()           # names a force only with a police word: "Manchester police"
    aliases: tuple[str, ...] = ()         # matched in any case: "Scotland Yard", "Police Scotland"
    cased_aliases: tuple[str, ...] = ()   # matched as written or in capitals: "Met", "GMP"
    not_preceded_by: tuple[str, ...] = ()  # "New" Hampshire, "New" South Wales
    successor: str | None = None          # legacy forces: the force that replaced them
    ended: str | None = None              # legacy forces: their last day (ISO date)
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    in_text: tuple[str, ...] = ()

    def force(self, score: float = EXACT_SCORE) -> Force:
        return Force(self.id, self.name, self.kind, float(score))

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> ForceEntry:
        known = {f.name for f in fields(cls)}
        unknown = set(row) - known
        if unknown:
            raise ValueError(f"force {row.get('id')!r}: unknown fields {sorted(unknown)}")
        kwargs = {k: (tuple(v) if isinstance(v, list) else v) for k, v in row.items()}
        return cls(**kwargs)


@dataclass(frozen=True)
class ForceMention:
    """A force named in running text; ``text == source[start:end]``.

    ``explicit`` is False for a bare place name ("West Midlands (74)") that stands for the force
    only because of its context.
    """

    start: int
    end: int
    text: str
    force: Force
    explicit: bool = True


@dataclass(frozen=True)
class RegionMention:
    """An area ("England and Wales", "UK", ...) or a multi-force phrase (``region=None``)."""

    start: int
    end: int
    text: str
    region: str | None


# --------------------------------------------------------------------------- normalisation

_DASHES = "-\u2010\u2011\u2012\u2013\u2014"
_APOS = "'\u2019\u2018"
_SEP_RE = r"[\s\-\u2010\u2011\u2013]+"


def _norm(text: str) -> str:
    """Lower-case key: '&' -> 'and', hyphens -> spaces, no possessives, no leading 'the'."""
    s = unicodedata.normalize("NFKC", text).lower()
    for a in _APOS[1:]:
        s = s.replace(a, "'")
    s = s.replace("&", " and ")
    s = re.sub(f"[{re.escape(_DASHES)}]", " ", s)
    s = re.sub(r"'s\b|(?<=s)'(?!\w)", "", s)
    s = re.sub(r"[^\w\s]", " ", s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"^the ", "", s)


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation of literal phrases, longest first, any run of spaces between words."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))  # a stable pattern (the regex cache)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _preceded_by(words: Iterable[str]) -> re.Pattern[str]:
    """One of ``words`` right before a start: ``pattern.search(text, max(0, start - 40), start)``."""
    return regexcache.compile(rf"\b(?:{_alternation(words)})\s+$")


def _followed_by(words: Iterable[str]) -> re.Pattern[str]:
    """Match one of ``words`` right after an end (``pattern.match(text, end)``)."""
    return regexcache.compile(rf"\s*(?:{_alternation(words)})(?![\w])")


# --------------------------------------------------------------------------- trie regex

_SEP, _AND, _POSS, _SUF, _PSUF = "\0sep", "\0and", "\0poss", "\0suf", "\0psuf"


def _symbols(form: str, fold: bool) -> list[Any]:
    """A surface form as trie symbols: characters (folded or not) and separators."""
    words = [w for w in re.split(_SEP_RE, form.strip()) if w]
    if words and words[0].lower() == "the":
        words = words[1:]
    out: list[Any] = []
    for i, word in enumerate(words):
        if i:
            out.append(_SEP)
        if word.lower() in ("and", "&"):
            out.append(_AND)
            continue
        if word[-2:-1] in _APOS and word[-1:] in "sS":
            word = word[:-2]
        out.extend((c.lower(), True) if fold else (c, False) for c in word)
        if i < len(words) - 1:
            out.append(_POSS)
    return out


class _Trie:
    def __init__(self) -> None:
        self.root: dict[Any, Any] = {}

    def add(self, symbols: list[Any]) -> None:
        node = self.root
        for sym in symbols:
            node = node.setdefault(sym, {})
        node[None] = True

    def pattern(self, specials: Mapping[str, str]) -> str:
        return self._emit(self.root, specials)

    def _emit(self, node: dict[Any, Any], specials: Mapping[str, str]) -> str:
        alts = []
        for sym, child in node.items():
            if sym is None:
                continue
            if isinstance(sym, str):
                piece = specials[sym]
            else:
                char, fold = sym
                piece = f"[{re.escape(char)}{re.escape(char.upper())}]" if fold and char.isalpha() \
                    else re.escape(char)
            alts.append(piece + self._emit(child, specials))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if None in node else body


# --------------------------------------------------------------------------- data loading

def _data_text(name: str) -> str:
    return resources.files("misconduct_nlp").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _base_rows() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for line in _data_text("forces.jsonl").splitlines() if line.strip())


@lru_cache(maxsize=1)
def _context() -> dict[str, Any]:
    return json.loads(_data_text("force_context.json"))


@lru_cache(maxsize=1)
def _region_rows() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(line) for line in _data_text("regions.jsonl").splitlines() if line.strip())


_NAME_FIELDS = ("aliases", "cased_aliases", "places", "towns")


def _read_rows(rows: Iterable[Mapping[str, Any]] | str | Path) -> list[dict[str, Any]]:
    if isinstance(rows, (str, Path)):
        text = Path(rows).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return [dict(row) for row in rows]


def _alias_map(aliases: Mapping[str, Iterable[str]] | str,
               more: Iterable[str] | None) -> dict[str, list[str]]:
    """``{"kent": [...]}`` from either that mapping or ``("kent", [...])``."""
    if isinstance(aliases, str):
        if more is None:
            raise TypeError("give the aliases: add_aliases('kent', ['...']) or add_aliases({'kent': [...]})")
        return {aliases: list(more)}
    return {fid: [names] if isinstance(names, str) else list(names) for fid, names in aliases.items()}


class ForceRegistry:
    """The forces a matcher knows: the packaged registry plus this object's own changes.

    The changes are user rows (:meth:`add_forces`, :meth:`add_aliases`) and removed names
    (:meth:`remove_aliases`); they are plain data (:meth:`to_dict`), so a component that
    holds a registry writes them with the pipeline (``nlp.to_disk``). The matcher is compiled
    from them on first use; a registry with no changes shares the packaged one.
    """

    def __init__(self, rows: Iterable[Mapping[str, Any]] = (),
                 removed: Mapping[str, Iterable[str]] | None = None) -> None:
        self._rows: list[dict[str, Any]] = []
        self._removed: dict[str, list[str]] = {}
        self._compiled: _Matcher | None = None
        if removed:
            self._removed = {fid: list(names) for fid, names in removed.items()}
        if rows:
            self.add_forces(rows)

    # ---- the data
    @property
    def user_rows(self) -> list[dict[str, Any]]:
        """The rows added to the packaged registry, in order (copies)."""
        return [dict(r) for r in self._rows]

    @property
    def removed(self) -> dict[str, list[str]]:
        """Names removed from forces, by force id (copies)."""
        return {fid: list(names) for fid, names in self._removed.items()}

    def to_dict(self) -> dict[str, Any]:
        """The changes as JSON-ready data: ``{"rows": [...], "removed": {...}}``."""
        return {"rows": self.user_rows, "removed": self.removed}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ForceRegistry:
        """A registry with the changes :meth:`to_dict` gave."""
        return cls(data.get("rows", ()), data.get("removed") or None)

    def copy(self) -> ForceRegistry:
        """An independent registry with the same changes (sharing the compiled matcher)."""
        other = ForceRegistry.from_dict(self.to_dict()) if self._rows or self._removed else ForceRegistry()
        other._compiled = self._compiled
        return other

    def to_disk(self, path: str | Path) -> None:
        """Write the changes as JSON to ``path`` (a file)."""
        srsly.write_json(path, self.to_dict())

    def from_disk(self, path: str | Path) -> ForceRegistry:
        """Replace this registry's changes by those written with :meth:`to_disk`."""
        return self._replace(srsly.read_json(path))

    def to_bytes(self) -> bytes:
        """The changes as bytes."""
        return srsly.json_dumps(self.to_dict()).encode("utf-8")

    def from_bytes(self, data: bytes) -> ForceRegistry:
        """Replace this registry's changes by those :meth:`to_bytes` gave."""
        return self._replace(srsly.json_loads(data))

    def _replace(self, data: Mapping[str, Any]) -> ForceRegistry:
        fresh = ForceRegistry.from_dict(data)
        self._rows, self._removed, self._compiled = fresh._rows, fresh._removed, None
        self._matcher()
        return self

    # ---- changes
    def add_forces(self, rows: Iterable[Mapping[str, Any]] | str | Path) -> None:
        """Extend the registry with rows shaped like ``data/forces.jsonl`` (dicts or a JSONL path).

        A row whose id exists adds its places, towns and aliases to that force; a new id adds a
        force (it needs ``name``, ``kind`` and ``country``). Rows that conflict with known names
        raise ``ValueError`` and change nothing.
        """
        new_rows = _read_rows(rows)
        known = {r["id"] for r in _base_rows()} | {r["id"] for r in self._rows}
        for row in new_rows:
            if row.get("id") not in known and not {"name", "kind", "country"} <= set(row):
                raise ValueError(f"new force {row.get('id')!r} needs name, kind and country")
            known.add(row["id"])
        before, compiled = len(self._rows), self._compiled
        self._rows.extend(new_rows)
        self._compiled = None
        try:
            self._matcher()  # fail now, not at the next match, if the new rows conflict
        except Exception:
            del self._rows[before:]
            self._compiled = compiled
            raise

    def add_aliases(self, aliases: Mapping[str, Iterable[str]] | str, more: Iterable[str] | None = None, *,
                    cased: bool = False) -> None:
        """Add names to known forces: ``add_aliases({"kent": ["the Garden of England force"]})``
        (or ``add_aliases("kent", [...])``); ``cased=True`` matches them only as written or in
        capitals. An unknown force id raises ``KeyError``."""
        mapping = _alias_map(aliases, more)
        for fid in mapping:
            if fid not in self.entries:
                raise KeyError(fid)
        key = "cased_aliases" if cased else "aliases"
        self.add_forces([{"id": fid, key: names} for fid, names in mapping.items()])

    def remove_aliases(self, aliases: Mapping[str, Iterable[str]] | str,
                       more: Iterable[str] | None = None) -> None:
        """Stop matching names of forces (aliases, cased aliases, places or towns, added or
        packaged): ``remove_aliases({"kent": ["Kent's finest"]})``. A name the force does not
        have raises ``KeyError``."""
        mapping = _alias_map(aliases, more)
        entries = self.entries
        for fid, names in mapping.items():
            if fid not in entries:
                raise KeyError(fid)
            have = {n.lower() for f in _NAME_FIELDS for n in getattr(entries[fid], f)}
            missing = [n for n in names if n.lower() not in have]
            if missing:
                raise KeyError(f"{fid!r} has no names {missing}")
        for fid, names in mapping.items():
            self._removed.setdefault(fid, []).extend(n for n in names if n not in self._removed.get(fid, []))
        self._compiled = None

    def reset(self) -> None:
        """Forget every change: the packaged registry again."""
        self._rows.clear()
        self._removed.clear()
        self._compiled = None

    # ---- use
    @property
    def entries(self) -> Mapping[str, ForceEntry]:
        """All known forces by id."""
        return self._matcher().entries

    def match(self, text: str, *, places: bool = True, fuzzy: bool = True) -> Force | None:
        """:func:`match_force` with this registry."""
        return self._matcher().match(text, places, fuzzy)

    def find(self, text: str, *, places: bool = True, fuzzy: bool = True) -> list[ForceMention]:
        """:func:`find_force_mentions` with this registry."""
        return self._matcher().find(text, places, fuzzy)

    def _matcher(self) -> _Matcher:
        if self._compiled is None:
            if not self._rows and not self._removed:
                self._compiled = _package_matcher()
            else:
                self._compiled = _Matcher(self._merged_rows(), _context())
        return self._compiled

    def _merged_rows(self) -> dict[str, dict[str, Any]]:
        rows: dict[str, dict[str, Any]] = {r["id"]: dict(r) for r in _base_rows()}
        for row in self._rows:
            old = rows.get(row["id"])
            if old is None:
                rows[row["id"]] = dict(row)
                continue
            for key, value in row.items():
                if isinstance(value, list):
                    old[key] = list(old.get(key, [])) + [v for v in value if v not in old.get(key, [])]
                elif key != "id":
                    old[key] = value
        for fid, names in self._removed.items():
            gone = {n.lower() for n in names}
            row = rows.get(fid)
            if row is not None:
                for key in _NAME_FIELDS:
                    if key in row:
                        row[key] = [n for n in row[key] if n.lower() not in gone]
        return rows


# There is no process-wide registry a user can change: the module-level functions read the
# packaged one (compiled once, read-only), and each misconduct_forces component owns a
# ForceRegistry of its own (see components/forces.py). The functions that changed a shared
# default are gone; they raise RemovedError naming the component method to use.

def registry() -> Mapping[str, ForceEntry]:
    """The packaged forces by id (read-only); a pipeline's own, with its additions, are
    ``nlp.get_pipe("misconduct_forces").registry.entries``."""
    return _package_matcher().entries


def default_registry() -> ForceRegistry:
    """Gone: it gave the registry every pipeline shared. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E409); use
    ``nlp.get_pipe("misconduct_forces").registry``, or ``ForceRegistry()`` for one of your own."""
    raise RemovedError(Errors.E409)


def add_forces(rows: Iterable[Mapping[str, Any]] | str | Path) -> None:
    """Gone: it changed every pipeline built afterwards in the process. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E406); use
    ``nlp.get_pipe("misconduct_forces").add_forces(rows)``."""
    raise RemovedError(Errors.E406)


def add_aliases(force_id: str, aliases: Iterable[str], *, cased: bool = False) -> None:
    """Gone: it changed every pipeline built afterwards in the process. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E405); use
    ``nlp.get_pipe("misconduct_forces").add_aliases({force_id: aliases})``."""
    raise RemovedError(Errors.E405)


def reset_registry() -> None:
    """Gone: there is no process-wide registry to reset. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E407); use
    ``nlp.get_pipe("misconduct_forces").reset()``."""
    raise RemovedError(Errors.E407)


# --------------------------------------------------------------------------- the matcher

def _distance_limit(n: int, limits: list[list[int]]) -> int:
    allowed = -1
    for min_len, dist in limits:
        if n >= min_len:
            allowed = dist
    return allowed


class _Matcher:
    """Everything compiled from the registry and the context data, built once."""

    def __init__(self, rows: Mapping[str, Mapping[str, Any]], ctx: Mapping[str, Any]):
        self.entries = MappingProxyType({fid: ForceEntry.from_dict(r) for fid, r in rows.items()})
        suffixes = [s.lower() for s in ctx["suffixes"]["words"]]
        place_suffixes = suffixes + [s.lower() for s in ctx["suffixes"]["place_only"]]
        self.suffixes = sorted(place_suffixes, key=len, reverse=True)
        self.keys: dict[str, tuple[str, bool]] = {}   # normalised text -> (force id, explicit)
        self.cased: dict[str, str] = {}               # key -> cased alias ("met" -> "Met")
        self.heads: dict[str, str] = {}               # place/town key -> force id (for fuzzy)
        trie = _Trie()

        def key(k: str, fid: str, explicit: bool) -> None:
            old = self.keys.get(k)
            if old is not None and old[0] != fid:
                raise ValueError(f"{k!r} names both {old[0]!r} and {fid!r}")
            if old is None or explicit:
                self.keys[k] = (fid, explicit)

        for e in self.entries.values():
            for alias in (e.name, *e.aliases):
                # "British Transport Police" also as "... Police force", "... Police Service"
                tails = ("", " force", " service") if _norm(alias).endswith(" police") else ("",)
                for tail in tails:
                    trie.add(_symbols(alias + tail, fold=True))
                    key(_norm(alias + tail), e.id, True)
            for group, bare, sufs in ((e.places, True, place_suffixes), (e.towns, False, suffixes),
                                      (e.cased_aliases, True, suffixes)):
                for name in group:
                    for variant in sorted({name, name.upper()}):
                        trie.add(_symbols(variant, fold=False) + [_PSUF if sufs is place_suffixes else _SUF])
                        if bare:
                            trie.add(_symbols(variant, fold=False))
                    k = _norm(name)
                    if bare:
                        key(k, e.id, group is e.cased_aliases)
                    for suf in sufs:
                        key(f"{k} {suf}", e.id, True)
                    if group is e.cased_aliases:
                        self.cased[k] = name
                    if group is not e.cased_aliases and len(k) >= ctx["fuzzy"]["min_length"]:
                        self.heads[k] = e.id
        self.not_preceded = {e.id: _preceded_by(e.not_preceded_by)
                             for e in self.entries.values() if e.not_preceded_by}
        specials = {
            _SEP: _SEP_RE, _AND: "(?:and|AND|And|&)", _POSS: f"(?:[{_APOS}][sS])?",
            _SUF: rf"(?:[{_APOS}][sS])?\s+(?i:{_alternation(suffixes)})",
            _PSUF: rf"(?:[{_APOS}][sS])?\s+(?i:{_alternation(place_suffixes)})",
        }
        institutions = _alternation(w for word in ctx["institutions"]["words"] for w in (word, word.upper()))
        self.regex = regexcache.compile(
            r"(?<![\w&])(?:" + trie.pattern(specials) + r")(?![\w])"
            r"(?!(?i:" + ctx["explicit_not_followed_by"]["regex"] + r"))"
            r"(?!\s+(?:" + institutions + r")(?![\w]))"
        )
        self.cue_after = regexcache.compile(ctx["cue_after"]["regex"], re.I)
        self.cue_before = regexcache.compile(ctx["cue_before"]["regex"], re.I)
        self.cue_figure = regexcache.compile(ctx["cue_figure"]["regex"])
        self.list_gap = regexcache.compile(ctx["list_gap"]["regex"], re.I)
        self.list_gap_max = int(ctx["list_gap"]["max_chars"])
        self.titles = frozenset(ctx["name_guard"]["titles"])
        self.verb_aliases = {_norm(a) for a in ctx["verb_guard"]["aliases"]}
        self.verb_after = regexcache.compile(ctx["verb_guard"]["regex"])
        self.fuzzy_min = int(ctx["fuzzy"]["min_length"])
        self.fuzzy_limits = ctx["fuzzy"]["max_distance"]
        self.fuzzy_candidate = regexcache.compile(ctx["fuzzy"]["candidate_regex"])
        self.explicit_keys = [k for k, (_, explicit) in self.keys.items()
                              if explicit and len(k) >= self.fuzzy_min]
        self.head_keys = list(self.heads)

    # ---- fuzzy
    def fuzzy(self, key: str, choices: list[str], lookup: Mapping[str, Any]) -> tuple[str, str, float] | None:
        """(force id, choice, score) of the one force within edit distance of ``key``, or None."""
        limit = _distance_limit(len(key), self.fuzzy_limits)
        if len(key) < self.fuzzy_min or limit < 1:
            return None
        found = process.extract(key, choices, scorer=OSA.distance, score_cutoff=limit, limit=8)
        found = [(c, d) for c, d, _ in found if c[0] == key[0]]
        if not found:
            return None
        best = min(d for _, d in found)
        ids = {self._fid(lookup[c]) for c, d in found if d == best}
        if len(ids) != 1:  # two forces equally close: no guess
            return None
        choice = next(c for c, d in found if d == best)
        return ids.pop(), choice, min(99.0, fuzz.ratio(key, choice))

    @staticmethod
    def _fid(value: Any) -> str:
        return value[0] if isinstance(value, tuple) else value

    def match(self, text: str, places: bool, fuzzy: bool) -> Force | None:
        key = _norm(text)
        if not key:
            return None
        hit = self.keys.get(key)
        if hit is not None:
            # a cased alias alone must be written as such ("met" is a verb); an acronym always
            # ("MPs" are not the MPS), while "met police" is the Met
            first = key.split(" ")[0]
            cased = self.cased.get(first)
            if cased and (key == first or cased.isupper()) \
                    and cased not in text and cased.upper() not in text:
                return None
            fid, explicit = hit
            if explicit:
                return self.entries[fid].force(EXACT_SCORE)
            return self.entries[fid].force(PLACE_SCORE) if places else None
        if not fuzzy:
            return None
        for suf in self.suffixes:
            if key.endswith(" " + suf):  # the police word is right: only the name may be misspelt
                got = self.fuzzy(key[: -len(suf) - 1], self.head_keys, self.heads)
                if not got:
                    return None
                fid, choice, _ = got
                return self.entries[fid].force(min(99.0, fuzz.ratio(key, f"{choice} {suf}")))
        got = self.fuzzy(key, self.explicit_keys, self.keys)  # "Kent Polce", "Scotland Yrad"
        return self.entries[got[0]].force(got[2]) if got else None

    # ---- running text
    def find(self, text: str, places: bool, fuzzy: bool) -> list[ForceMention]:
        found: list[ForceMention] = []
        bare: list[ForceMention] = []
        for m in self.regex.finditer(text):
            key = _norm(m.group())
            hit = self.keys.get(key)
            if hit is None:
                continue
            fid, explicit = hit
            s, e = m.span()
            if self._preceded_wrongly(text, fid, s):
                continue
            if key in self.verb_aliases and self._sentence_start(text, s) and self.verb_after.match(text, e):
                continue
            mention = ForceMention(s, e, m.group(), self.entries[fid].force(
                EXACT_SCORE if explicit else PLACE_SCORE), explicit)
            (found if explicit else bare).append(mention)
        if fuzzy:
            found.extend(self._fuzzy_mentions(text, found))
        if places and bare:
            taken = _Spans((f.start, f.end) for f in found)
            bare = [b for b in bare if not taken.overlaps(b.start, b.end)]
            found.extend(self._places_in_context(text, found, bare))
        found.sort(key=lambda x: (x.start, -x.end))
        return found

    def _preceded_wrongly(self, text: str, fid: str, start: int) -> bool:
        guard = self.not_preceded.get(fid)
        return bool(guard and guard.search(text, max(0, start - 30), start))

    @staticmethod
    def _sentence_start(text: str, start: int) -> bool:
        before = text[max(0, start - 40):start].rstrip()
        return not before or before[-1] in ".!?:;\"'\u2018\u2019\u201c\u201d\n"

    def _fuzzy_mentions(self, text: str, taken: list[ForceMention]) -> list[ForceMention]:
        out = []
        spans = _Spans((m.start, m.end) for m in taken)
        for m in self.fuzzy_candidate.finditer(text):
            s, e = m.span()
            if spans.overlaps(s, e):
                continue
            head = m.group(1)
            words = list(re.finditer(r"[^\s\-]+", head))
            for i in range(len(words)):
                if words[i].group().lower() in ("and", "&", "of"):
                    continue
                head_key = _norm(head[words[i].start():])
                if head_key in self.heads:  # spelt right: the alias pass already judged it
                    break
                got = self.fuzzy(head_key, self.head_keys, self.heads)
                start = s + words[i].start()
                if got and not self._preceded_wrongly(text, got[0], start):
                    score = min(99.0, fuzz.ratio(_norm(text[start:e]), f"{got[1]} {_norm(m.group(2))}"))
                    out.append(ForceMention(start, e, text[start:e], self.entries[got[0]].force(score), True))
                    break
        return out

    def _places_in_context(self, text: str, taken: list[ForceMention],
                           bare: list[ForceMention]) -> list[ForceMention]:
        accepted = [m for m in bare if self.cue_after.match(text, m.end)
                    or self.cue_before.search(text[max(0, m.start - 60):m.start])
                    or (self.cue_figure.match(text, m.end) and not self._after_a_name(text, m.start))]
        # the rest join through lists ("Kent, Essex and Sussex Police"): a bare name within
        # ``list_gap_max`` characters of an accepted mention, with a list gap between, is
        # accepted in turn (the closure; only the neighbours within the gap are looked at)
        chosen = {id(m) for m in accepted}
        pending = [m for m in bare if id(m) not in chosen]  # in text order, not overlapping
        starts = [m.start for m in pending]
        ends = [m.end for m in pending]
        waiting = [True] * len(pending)
        todo = list(taken) + list(accepted)
        gap = self.list_gap_max
        while todo:
            a = todo.pop()
            lo = bisect.bisect_left(ends, a.start - gap)
            hi = bisect.bisect_right(starts, a.end + gap)
            for i in range(lo, hi):
                m = pending[i]
                if waiting[i] and self._listed(text, a, m):
                    waiting[i] = False
                    accepted.append(m)
                    todo.append(m)
        return accepted

    def _after_a_name(self, text: str, start: int) -> bool:
        """True for 'John Kent': the word before is capitalised and not a preposition-like title."""
        m = re.search(r"([A-Z][\w'’-]*)[ \t]+$", text[max(0, start - 40):start])
        return m is not None and m.group(1) not in self.titles

    def _listed(self, text: str, a: ForceMention, b: ForceMention) -> bool:
        first, second = (a, b) if a.end <= b.start else (b, a)
        if first.end > second.start or second.start - first.end > self.list_gap_max:
            return False
        return self.list_gap.fullmatch(text, first.end, second.start) is not None


class _Spans:
    """Character spans, for "does this overlap any of them" in O(log n).

    Spans given that overlap one another are kept as their union (the same answers).
    """

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        merged: list[tuple[int, int]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        self._spans = merged
        self._starts = [a for a, _ in merged]

    def overlaps(self, start: int, end: int) -> bool:
        """True if ``[start, end)`` overlaps one of the spans."""
        i = bisect.bisect_left(self._starts, end)  # spans[:i] start before ``end``
        # the spans do not overlap, so the one starting last before ``end`` ends last
        return i > 0 and self._spans[i - 1][1] > start

    def add(self, start: int, end: int) -> None:
        """Add a span that overlaps none of the others."""
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._spans.insert(i, (start, end))


@contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """Building the matcher makes some 20,000 small objects that all live on; with spaCy
    loaded, the collector's passes over the heap meanwhile cost more than the build itself."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=1)
def _package_matcher() -> _Matcher:
    with _no_gc_pauses():
        return _Matcher({r["id"]: dict(r) for r in _base_rows()}, _context())


def match_force(text: str, *, places: bool = True, fuzzy: bool = True) -> Force | None:
    """The force a phrase names ("the Met", "Devon & Cornwall Police", "Greater Manchster Police").

    Exact names and aliases score 100, misspellings their rapidfuzz ratio (< 100), and a bare
    force-area name ("Kent") ``PLACE_SCORE`` (or None with ``places=False``). Returns None for
    anything that is not a police force ("Kent County Council", "the Police Federation", "Scotland").
    This reads the packaged registry; :meth:`ForceRegistry.match` reads one with additions.
    """
    return _package_matcher().match(text, places, fuzzy)


def find_force_mentions(text: str, *, places: bool = True, fuzzy: bool = True) -> list[ForceMention]:
    """Every force named in running text: sorted, non-overlapping, longest match first.

    Bare place names are returned (``explicit=False``) only in a force context: a figure in
    brackets, a police noun ("Durham officers"), "police in Kent", or a list with other forces.
    This reads the packaged registry; :meth:`ForceRegistry.find` reads one with additions.
    """
    return _package_matcher().find(text, places, fuzzy)


# --------------------------------------------------------------------------- regions

_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


def _paragraphs_with(text: str, word: str) -> list[tuple[int, int]]:
    """(start, end) of the blank-line-separated paragraphs of ``text`` that contain ``word``
    in any case."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters change length when lower-cased
        return [(0, len(text))] if word in lowered else []
    i = lowered.find(word)
    if i < 0:
        return []
    breaks = [(m.start(), m.end()) for m in _BLANK_LINE.finditer(text)]
    out: list[tuple[int, int]] = []
    while i >= 0:
        k = bisect.bisect_right(breaks, (i, i))  # first break starting after i
        start = breaks[k - 1][1] if k else 0
        end = breaks[k][0] if k < len(breaks) else len(text)
        out.append((start, end))
        i = lowered.find(word, end)
    return out


class _Needs:
    """The words one of which every match of a multi-force phrase holds, found case-blind as the
    phrase's own regex reads them (``re.I``)."""

    def __init__(self, words: Iterable[str]) -> None:
        words = list(words)
        self.regex = re.compile("|".join(map(re.escape, words)), re.I)
        # in ASCII text an ASCII word is found case-blind exactly when its lower case is in the
        # lower-cased text (re.I also folds "ſ" and the Kelvin sign, which ASCII text lacks)
        self.lower = tuple(w.lower() for w in words) if all(w.isascii() for w in words) else None

    def found(self, text: str, start: int, end: int, low: str | None) -> bool:
        """Whether ``text[start:end]`` holds one of the words; ``low`` is that paragraph
        lower-cased when it is ASCII, else None."""
        if low is not None and self.lower is not None:
            return any(w in low for w in self.lower)
        return self.regex.search(text, start, end) is not None


class _Regions:
    def __init__(self, rows: tuple[dict[str, Any], ...]):
        defines = {r["define"]: r["regex"] for r in rows if "define" in r}
        plain = [r for r in rows if r.get("patterns")]
        self.lookup = {_norm(p): r["region"] for r in plain for p in r["patterns"]}
        region_alt = _alternation(p for r in plain for p in r["patterns"])
        self.plain = regexcache.compile(rf"(?<![\w.])(?:{region_alt})(?![\w])")
        self.guards: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}
        for r in plain:
            before = r.get("not_preceded_by")
            after = r.get("not_followed_by")
            self.guards[r["region"]] = (_preceded_by(before) if before else None,
                                        _followed_by(after) if after else None)
        tail = rf"(?:\s+(?:in|across|throughout|of|around)\s+(?:the\s+)?(?P<region>{region_alt}))?"
        subs = {"{QUANT}": defines.get("QUANT", r"\d+"), "{REGION_G}": f"(?P<region>{region_alt})",
                "{TAIL}": tail}
        self.multi = []
        for r in rows:
            if r.get("kind") != "multi_force":
                continue
            pattern = r["regex"]
            for k, v in subs.items():
                pattern = pattern.replace(k, v)
            # "needs": words one of which every match of the phrase holds (case-blind, as the
            # phrase's own regex reads them): a paragraph with none of them is not scanned
            needs = r.get("needs")
            self.multi.append((regexcache.compile(pattern, re.I), r.get("adjectives", {}),
                               _Needs(needs) if needs else None))

    def find(self, text: str, forces: list[ForceMention]) -> list[RegionMention]:
        out: list[RegionMention] = []
        # every multi-force phrase names "force(s)": run those patterns only over the paragraphs
        # that do (a phrase never spans a blank line), not over the whole text
        for start, end in _paragraphs_with(text, "force"):
            para = text[start:end]
            low = para.lower() if para.isascii() else None  # (for the needed-word tests)
            for regex, adjectives, needs in self.multi:
                if needs is not None and not needs.found(text, start, end, low):
                    continue  # "Welsh police forces" holds "Welsh": not this paragraph
                for m in regex.finditer(text, start, end):
                    out.append(RegionMention(m.start(), m.end(), m.group(), self._region_of(m, adjectives)))
        out.sort(key=lambda x: (x.start, -x.end))
        taken = _Spans((f.start, f.end) for f in forces)
        kept: list[RegionMention] = []
        for r in out:  # longest first among overlapping multi-force phrases
            if not taken.overlaps(r.start, r.end):
                kept.append(r)
                taken.add(r.start, r.end)
        for m in self.plain.finditer(text):
            s, e = m.span()
            if taken.overlaps(s, e):
                continue
            region = self.lookup[_norm(m.group())]
            before, after = self.guards[region]
            if before and before.search(text, max(0, s - 40), s):
                continue
            if after and after.match(text, e):
                continue
            kept.append(RegionMention(s, e, m.group(), region))
        kept.sort(key=lambda x: x.start)
        return kept

    def _region_of(self, m: re.Match[str], adjectives: Mapping[str, str]) -> str | None:
        groups = m.groupdict()
        if groups.get("region"):
            return self.lookup.get(_norm(groups["region"]))
        for name in ("adj", "adj2"):
            if groups.get(name):
                return adjectives.get(groups[name].title())
        return None


@lru_cache(maxsize=1)
def _regions() -> _Regions:
    with _no_gc_pauses():
        return _Regions(_region_rows())


def find_regions(text: str, forces: list[ForceMention] | None = None) -> list[RegionMention]:
    """Areas ("England and Wales", "UK", "Scotland", ...) and multi-force phrases in text.

    Multi-force phrases ("across 39 forces", "forces across the country") come back with the
    area they name or ``region=None``. Words inside a force name ("Police Scotland", "Scotland
    Yard", "North Wales Police") are not regions; pass ``forces`` to reuse mentions already found.
    """
    if forces is None:
        forces = find_force_mentions(text)
    return _regions().find(text, forces)
