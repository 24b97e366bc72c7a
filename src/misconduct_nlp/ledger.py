"""From mentions to figures: :func:`ledger` and ``misconduct-nlp ledger``.

Every claim is a *mention*; a *figure* is one statistic with all the mentions that state
it, in however many articles. docs/figures.md explains the rules for readers; in short:

* **Joining.** Mentions join one figure when they have the same value, ``value_max``,
  unit, change, measure, subject, rank and place (the force id, else the region), and
  periods whose start and end each lie within two months of the figure's (both without a
  period also agree). Within each such group the mentions that *state* their place and
  period come first, and a figure takes its period from its first mention: so a period
  inherited from a headline or an earlier sentence never sets a figure's period when a
  mention states one, and figures do not drift by chaining one near period to the next.
* **Inherited attributes are weaker evidence.** A figure's ``evidence`` says, for its place
  and its period, ``stated`` when at least one mention states it in its own sentence,
  ``inherited`` when every mention took it from the headline or an earlier sentence
  (``force.inherited``, ``period.inherited``; a region whose ``region_source`` is
  ``frame`` or ``previous_claim``). Conflicts use this: see below.
* **Conflicts.** Two figures conflict when they have the same unit, change, measure,
  subject, rank and place and periods within two months of each other, but values that
  cannot both be right: each value with its approximation is a range (exact: the value;
  ``more_than`` 800: above 800; ``at_least``, ``less_than``, ``at_most`` alike; ``about``:
  within 10 %; ``value``–``value_max`` for a range), and the ranges do not meet. "More than
  800" and "828" agree; "612" and "621" conflict. Only figures with a measure, a place and
  a period can conflict, and only when no source gives both (an article that gives 7,963
  complaints and then 16 of them is breaking a total down, not disagreeing). A conflict
  is listed in ``conflicts`` when both figures state their place and period, and in
  ``weak_conflicts`` when either has only inherited ones (those are often a mislaid
  headline force rather than a real disagreement).
* **Syndicated copies.** Articles that share most of their claim sentences (rapidfuzz
  ``ratio`` of at least 90 between folded sentences; at least half of the shorter
  article's distinct claim sentences, and at least two unless it has only one) are copies
  of one story: one *source*, whose original is the earliest published (then the smallest
  id). A figure's ``articles`` counts sources, so an agency story printed by five outlets
  counts once. rapidfuzz is a dependency already and compares the few sentences that
  carry claims exactly, where MinHash would need a new library to estimate the same thing.

Heavy imports happen inside :func:`run`; grouping needs only the standard library and rapidfuzz.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import ClaimError, Errors, NotFoundError, UsageError
from .evaluation import fold, month_number
from .model import TextSpan

__all__ = ["Figure", "Ledger", "Mention", "Source", "add_arguments", "ledger", "run"]

#: Months by which two periods' starts (and ends) may differ and still be the same period.
PERIOD_TOLERANCE_MONTHS = 2
#: rapidfuzz ``ratio`` (0-100) from which two claim sentences are the same sentence.
SENTENCE_SIMILARITY = 90.0
#: Share of the shorter article's claim sentences two copies of a story have in common.
COPY_SHARE = 0.5
#: How far an ``about`` value may be from another value and still agree with it.
ABOUT_MARGIN = 0.10
#: Sentences compared with all the others of their bucket at once (bounds the score matrix).
_SIMILARITY_ROWS = 512
_INHERITED_REGION_SOURCES = ("frame", "previous_claim")
#: The side of its value on which an approximate figure lies (``about`` is ABOUT_MARGIN either side).
_APPROX_SIDES = {"more_than": "above", "at_least": "above or equal", "less_than": "below",
                 "at_most": "below or equal"}


@dataclass(frozen=True)
class Mention:
    """One claim as evidence for a figure: where it is, and what it stated or inherited."""

    article: str
    sentence: TextSpan
    span: TextSpan
    approx: str = "exact"
    published: str | None = None
    inherited: tuple[str, ...] = ()
    confidence: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"article": self.article, "sentence": self.sentence.to_dict(), "span": self.span.to_dict(),
                "approx": self.approx, "published": self.published, "inherited": list(self.inherited)}


@dataclass(frozen=True)
class Source:
    """One story: the articles that print it (``copies``, the ``original`` first)."""

    original: str
    copies: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"original": self.original, "copies": list(self.copies)}


@dataclass
class Figure:
    """One statistic and every mention of it; ``articles`` counts sources (copies once)."""

    id: str
    value: int | float
    value_max: int | float | None
    unit: str
    approx: str
    measure: str | None
    subject: str | None
    rank: str | None
    force: str | None
    region: str | None
    change: str | None
    period_start: str | None
    period_end: str | None
    mentions: list[Mention] = field(default_factory=list)
    articles: int = 0
    sources: list[str] = field(default_factory=list)
    evidence: dict[str, str | None] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    weak_conflicts: list[str] = field(default_factory=list)

    @property
    def place(self) -> str | None:
        """The force id, else the region, else None."""
        return self.force or self.region

    def to_dict(self) -> dict[str, Any]:
        """The figure as one JSON-ready object (one line of ``misconduct-nlp ledger`` output)."""
        return {
            "figure": self.id, "value": self.value, "value_max": self.value_max, "unit": self.unit,
            "approx": self.approx, "measure": self.measure, "subject": self.subject, "rank": self.rank,
            "force": self.force, "region": self.region, "change": self.change,
            "period": {"start": self.period_start, "end": self.period_end},
            "evidence": dict(self.evidence),
            "mentions": [m.to_dict() for m in self.mentions], "articles": self.articles,
            "sources": list(self.sources), "conflicts": list(self.conflicts),
            "weak_conflicts": list(self.weak_conflicts),
        }

    def to_row(self) -> dict[str, Any]:
        """The figure as a flat row (CSV, Parquet): mentions as ``article:start-end`` references."""
        rec = self.to_dict()
        rec.pop("period")
        rec.pop("evidence")
        return {**rec, "period_start": self.period_start, "period_end": self.period_end,
                "place_evidence": self.evidence.get("place"),
                "period_evidence": self.evidence.get("period"),
                "mentions": [f"{m.article}:{m.span.start}-{m.span.end}" for m in self.mentions]}


@dataclass
class Ledger:
    """The figures of a set of claims, the sources they came from, and how many mentions."""

    figures: list[Figure]
    sources: list[Source]
    mentions: int

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id; :class:`~misconduct_nlp.errors.NotFoundError` (a ``KeyError``)
        when there is none."""
        for f in self.figures:
            if f.id == figure_id:
                return f
        raise NotFoundError(Errors.E306.format(figure_id=figure_id))

    def conflicts(self, *, weak: bool = False) -> list[tuple[Figure, Figure]]:
        """Each conflicting pair of figures once (with ``weak``, the weak conflicts instead)."""
        by_id = {f.id: f for f in self.figures}
        pairs = []
        for f in self.figures:
            for other in f.weak_conflicts if weak else f.conflicts:
                if f.id < other:
                    pairs.append((f, by_id[other]))
        return pairs

    def copies(self) -> list[Source]:
        """The sources printed by more than one article (syndicated stories)."""
        return [s for s in self.sources if len(s.copies) > 1]

    def records(self) -> list[dict[str, Any]]:
        """Every figure as its JSON-ready object."""
        return [f.to_dict() for f in self.figures]

    def summary(self) -> str:
        """One line: figures, mentions, articles and sources, copies, conflicts."""
        n_articles = sum(len(s.copies) for s in self.sources)
        return (f"{_count(len(self.figures), 'figure')} from {_count(self.mentions, 'mention')} in "
                f"{_count(n_articles, 'article')} ({_count(len(self.sources), 'source')}; "
                f"{len(self.copies())} printed by several articles), "
                f"{_count(len(self.conflicts()), 'conflict')}, "
                f"{_count(len(self.conflicts(weak=True)), 'weak conflict')}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# --------------------------------------------------------------------------- reading claims


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    v = float(value)
    return int(v) if v.is_integer() else v


def _span(value: Any) -> TextSpan:
    if isinstance(value, Mapping):
        start, end = int(value.get("start") or 0), int(value.get("end") or 0)
        return TextSpan(str(value.get("text") or ""), start, end)
    return TextSpan(str(value or ""), 0, 0)


@dataclass(frozen=True)
class _Claim:
    """What the ledger reads from one claim record."""

    index: int
    key: tuple[Any, ...]
    period: tuple[str | None, str | None] | None
    mention: Mention
    region: str | None
    force: str | None

    @property
    def stated(self) -> int:
        """How many of place and period this claim states (0-2); higher joins first."""
        return 2 - len(self.mention.inherited)


def _read(index: int, claim: Any) -> _Claim:
    rec = claim if isinstance(claim, Mapping) else claim.to_dict()
    force = rec.get("force")
    force_id = (force.get("id") if isinstance(force, Mapping) else force) or None
    region = rec.get("region") or None
    period = rec.get("period")
    bounds = None
    if isinstance(period, Mapping) and (period.get("start") or period.get("end")):
        bounds = (period.get("start"), period.get("end"))
    inherited = []
    if force_id and isinstance(force, Mapping) and force.get("inherited"):
        inherited.append("place")
    elif not force_id and region and rec.get("region_source") in _INHERITED_REGION_SOURCES:
        inherited.append("place")
    if bounds and isinstance(period, Mapping) and period.get("inherited"):
        inherited.append("period")
    published = rec.get("published")
    if isinstance(published, Mapping):
        published = published.get("date")
    try:
        value = _number(rec["value"])
        value_max = _number(rec.get("value_max"))
    except (KeyError, TypeError, ValueError):
        raise ClaimError(Errors.E305.format(index=index + 1, claim=str(rec)[:120])) from None
    key = (value, value_max, rec.get("unit"), rec.get("change"), rec.get("measure"), rec.get("subject"),
           rec.get("rank"), force_id, None if force_id else region)
    mention = Mention(str(rec.get("article")), _span(rec.get("sentence")), _span(rec.get("span")),
                      rec.get("approx") or "exact", published, tuple(inherited),
                      float(rec.get("confidence") or 0.0))
    return _Claim(index, key, bounds, mention, region, force_id)


def same_period(a: tuple[str | None, str | None] | None, b: tuple[str | None, str | None] | None) -> bool:
    """Both without a period, or starts and ends each within two months of the other's."""
    if a is None or b is None:
        return a is b
    for x, y in zip(a, b, strict=True):
        mx, my = month_number(x), month_number(y)
        if (mx is None) != (my is None):
            return False
        if mx is not None and my is not None and abs(mx - my) > PERIOD_TOLERANCE_MONTHS:
            return False
    return True


# --------------------------------------------------------------------------- the ledger


def ledger(claims: Iterable[Any]) -> Ledger:
    """Group claims (``Claim`` objects or their records) into figures, sources and conflicts.

    The rules are in this module's docstring and on docs/figures.md. Figures come out in
    order of their first mention in the input; ids are stable (a hash of the figure's key).
    """
    read = [_read(i, c) for i, c in enumerate(claims)]
    groups: dict[tuple[Any, ...], list[_Claim]] = {}
    for c in read:
        groups.setdefault(c.key, []).append(c)
    clusters: list[tuple[tuple[Any, ...], list[_Claim]]] = []
    for key, members in groups.items():
        mine: list[list[_Claim]] = []
        for c in sorted(members, key=lambda c: (-c.stated, c.index)):
            for cluster in mine:
                if same_period(cluster[0].period, c.period):
                    cluster.append(c)
                    break
            else:
                mine.append([c])
        clusters.extend((key, cl) for cl in mine)
    clusters.sort(key=lambda kc: min(c.index for c in kc[1]))
    root, sources = _sources(read)
    figures = [_figure(key, cl, root) for key, cl in clusters]
    _mark_conflicts(figures)
    return Ledger(figures, sources, len(read))


def _figure(key: tuple[Any, ...], cluster: list[_Claim], root: Mapping[str, str]) -> Figure:
    value, value_max, unit, change, measure, subject, rank, force, region = key
    anchor = cluster[0]
    start, end = anchor.period or (None, None)
    ident = hashlib.sha1(json.dumps([*key, start, end], default=str).encode()).hexdigest()[:12]
    ordered = sorted(cluster, key=lambda c: c.index)
    srcs = list(dict.fromkeys(root.get(c.mention.article, c.mention.article) for c in ordered))

    def evidence(attr: str, present: bool) -> str | None:
        if not present:
            return None
        return "inherited" if all(attr in c.mention.inherited for c in cluster) else "stated"

    return Figure(
        id=f"fig-{ident}", value=value, value_max=value_max, unit=unit, approx=anchor.mention.approx,
        measure=measure, subject=subject, rank=rank, force=force, region=region, change=change,
        period_start=start, period_end=end, mentions=[c.mention for c in ordered], articles=len(srcs),
        sources=srcs,
        evidence={"place": evidence("place", bool(force or region)),
                  "period": evidence("period", bool(start or end))},
    )


_Bound = tuple[float, bool]  # a value, and whether the range includes it


def _range(f: Figure, approx: str) -> tuple[_Bound, _Bound]:
    """The values a figure allows with this approximation: (low, high) bounds."""
    v = float(f.value)
    inf = float("inf")
    if f.value_max is not None:
        return (v, True), (float(f.value_max), True)
    if approx == "about":
        return (v * (1 - ABOUT_MARGIN), True), (v * (1 + ABOUT_MARGIN), True)
    side = _APPROX_SIDES.get(approx)
    if side is None:
        return (v, True), (v, True)
    if side.startswith("above"):
        return (v, side.endswith("equal")), (inf, False)
    return (-inf, False), (v, side.endswith("equal"))


def values_agree(a: Figure, b: Figure) -> bool:
    """Whether the two figures' values can both be right ("more than 800" and "828" can).

    Each mention's approximation gives a range of values; the figures agree when a range of
    one meets a range of the other.
    """
    for (lo1, hi1) in {_range(a, m.approx) for m in a.mentions}:
        for (lo2, hi2) in {_range(b, m.approx) for m in b.mentions}:
            lo = max(lo1[0], lo2[0])
            hi = min(hi1[0], hi2[0])
            lo_in = all(inc for v, inc in (lo1, lo2) if v == lo)
            hi_in = all(inc for v, inc in (hi1, hi2) if v == hi)
            if lo < hi or (lo == hi and lo_in and hi_in):
                return True
    return False


def _mark_conflicts(figures: Sequence[Figure]) -> None:
    groups: dict[tuple[Any, ...], list[Figure]] = {}
    for f in figures:
        if f.measure is None or f.place is None or not (f.period_start and f.period_end):
            continue
        groups.setdefault((f.unit, f.change, f.measure, f.subject, f.rank, f.force, f.region), []).append(f)
    for members in groups.values():
        members = sorted(members, key=lambda f: month_number(f.period_start) or 0)
        starts = [month_number(f.period_start) or 0 for f in members]
        for i, a in enumerate(members):
            for j in range(i + 1, len(members)):
                if starts[j] - starts[i] > PERIOD_TOLERANCE_MONTHS:
                    break  # sorted by start: no later figure can share a's period
                b = members[j]
                if not same_period((a.period_start, a.period_end), (b.period_start, b.period_end)):
                    continue
                if values_agree(a, b) or set(a.sources) & set(b.sources):
                    continue  # a source giving both is breaking a total down, not disagreeing
                firm = all(f.evidence.get(k) == "stated" for f in (a, b) for k in ("place", "period"))
                a_list, b_list = (a.conflicts, b.conflicts) if firm else (a.weak_conflicts, b.weak_conflicts)
                a_list.append(b.id)
                b_list.append(a.id)
    order = {g.id: n for n, g in enumerate(figures)}
    for f in figures:  # in the order the figures come out, whatever the order they were found
        f.conflicts.sort(key=order.__getitem__)
        f.weak_conflicts.sort(key=order.__getitem__)


# --------------------------------------------------------------------------- syndicated copies


def _sources(read: Sequence[_Claim]) -> tuple[dict[str, str], list[Source]]:
    """Which article is a copy of which: {article: original}, and the sources in order."""
    import numpy as np
    from rapidfuzz import fuzz, process

    sentences: dict[str, dict[str, None]] = {}
    published: dict[str, str] = {}
    codes: dict[tuple[str, str], int] = {}  # (article, folded sentence) -> number
    buckets: dict[tuple[Any, ...], dict[int, None]] = {}
    for c in read:
        art = c.mention.article
        text = fold(c.mention.sentence.text)
        sentences.setdefault(art, {})[text] = None
        if c.mention.published:
            published.setdefault(art, c.mention.published)
        value, _, unit, _, measure, subject, _, force, region = c.key
        code = codes.setdefault((art, text), len(codes))
        buckets.setdefault((value, unit, measure, subject, force or region), {})[code] = None
    keys = list(codes)
    article_no = {a: n for n, a in enumerate(sentences)}
    article_of = np.array([article_no[a] for a, _ in keys], dtype=np.int64)
    found = []  # rows of (article a, article b, sentence of a) with a < b
    for bucket in buckets.values():
        items = np.fromiter(bucket, dtype=np.int64)
        if len(np.unique(article_of[items])) < 2:
            continue
        texts = [keys[i][1] for i in items]
        for lo in range(0, len(texts), _SIMILARITY_ROWS):  # a block of rows at a time: bounded memory
            scores = process.cdist(texts[lo:lo + _SIMILARITY_ROWS], texts, scorer=fuzz.ratio,
                                   score_cutoff=SENTENCE_SIMILARITY, workers=1)
            i, j = scores.nonzero()
            left, right = items[lo + i], items[j]
            a, b = article_of[left], article_of[right]
            keep = a < b
            found.append(np.stack([a[keep], b[keep], left[keep]], axis=1))
    names = list(sentences)
    shared: dict[tuple[str, str], int] = {}
    if found:
        rows = np.unique(np.concatenate(found), axis=0)  # each sentence of a counted once per pair
        pairs, counts = np.unique(rows[:, :2], axis=0, return_counts=True)
        for (a, b), n in zip(pairs.tolist(), counts.tolist(), strict=True):
            shared[names[a], names[b]] = int(n)
    parent = {a: a for a in sentences}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for (a, b), common in shared.items():
        smaller = min(len(sentences[a]), len(sentences[b]))
        if common >= max(min(2, smaller), COPY_SHARE * smaller):
            parent[find(a)] = find(b)
    members: dict[str, list[str]] = {}
    for a in sentences:
        members.setdefault(find(a), []).append(a)
    root: dict[str, str] = {}
    sources = []
    for group in members.values():
        group.sort(key=lambda a: (published.get(a) or "9999", a))
        for a in group:
            root[a] = group[0]
        sources.append(Source(group[0], tuple(group)))
    sources.sort(key=lambda s: s.original)
    return root, sources


# --------------------------------------------------------------------------- output


def write_ledger(book: Ledger, path: str | Path | None, format: str | None = None,
                 stdout: IO[bytes] | None = None) -> None:
    """Write the figures as JSONL (one object each), CSV or Parquet (flat rows); None: stdout."""
    from .formats import format_for_path

    fmt = format or format_for_path(path)
    if fmt == "parquet":
        if path is None:
            raise UsageError(Errors.E010)
        _write_parquet(book, Path(path))
        return
    if fmt == "jsonl":
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in book.records())
    else:
        data = _csv(book)
    if path is None:
        out = stdout or sys.stdout.buffer
        out.write(data.encode("utf-8"))
        out.flush()
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(data, encoding="utf-8")


_ROW_COLUMNS = ("figure", "value", "value_max", "unit", "approx", "measure", "subject", "rank", "force",
                "region", "change", "period_start", "period_end", "place_evidence", "period_evidence",
                "articles", "sources", "conflicts", "weak_conflicts", "mentions")
_LIST_COLUMNS = ("sources", "conflicts", "weak_conflicts", "mentions")


def _csv(book: Ledger) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_ROW_COLUMNS)
    for f in book.figures:
        row = f.to_row()
        w.writerow([";".join(row[c]) if c in _LIST_COLUMNS else ("" if row[c] is None else row[c])
                    for c in _ROW_COLUMNS])
    return buf.getvalue()


def _write_parquet(book: Ledger, path: Path) -> None:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(Errors.E307) from None
    s = pa.string()
    types = {"value": pa.float64(), "value_max": pa.float64(), "articles": pa.int64()}
    schema = pa.schema([(c, pa.list_(s) if c in _LIST_COLUMNS else types.get(c, s)) for c in _ROW_COLUMNS])
    rows = []
    for f in book.figures:
        row = f.to_row()
        rows.append({c: (float(row[c]) if c in ("value", "value_max") and row[c] is not None else row[c])
                     for c in _ROW_COLUMNS})
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``misconduct-nlp ledger``."""
    from .formats import FORMATS
    from .gather import add_extraction_arguments

    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="article files or folders (extracted as 'extract' does), or claims .jsonl files")
    parser.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout); overwritten")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: from the output's suffix, else jsonl)")
    add_extraction_arguments(parser)


def run(args: argparse.Namespace, *, stderr: IO[str] | None = None) -> int:
    """Run ``misconduct-nlp ledger``; 0 when written, 1 when some articles failed, 2 for bad input."""
    from .gather import extraction_options, gather_claims

    stderr = stderr or sys.stderr
    try:
        found = gather_claims(args.paths, **extraction_options(args))
        for path, reason in found.failures:
            print(f"misconduct-nlp ledger: {path}: {reason}", file=stderr)
        book = ledger(found.claims)
        write_ledger(book, args.output, args.format)
    except ValueError as e:
        print(f"misconduct-nlp ledger: {e}", file=stderr)
        return 2
    print(f"misconduct-nlp ledger: {book.summary()}", file=stderr)
    return 1 if found.failures else 0
