"""Scoring claims against hand-made gold: :func:`evaluate` and ``misconduct-nlp evaluate``.

The rules are those of docs/evaluation.md (and of the reference scorer the project is
measured with):

* **Matching.** A claim matches a gold row when it is from the same article, its value is
  the gold value (within 0.05 when either side is a percentage, since a share written as a
  fraction is annotated to two decimals; a duration in years counts as months), its unit is
  the gold unit when either side is a percentage, and its sentence contains the gold quote
  once both are folded (curly quotes and dashes made plain, runs of whitespace made one
  space, lower case). Gold rows of tier ``core`` are matched first, then ``extra`` ones, each
  in file order; each takes, among the claims still free, the one that gets most of its
  attributes right (the first such claim on a tie). Matching is one to one.
* **Counting.** A matched ``core`` row is a hit; a matched ``extra`` row is neither a hit nor
  a false positive; a claim matched to nothing is a false positive; an unmatched ``core``
  row is a miss. Precision is hits / (hits + false positives), recall hits / core rows.
* **Attributes**, scored on hits unless the gold row lists them in ``skip``: ``measure``,
  ``subject``, ``force`` (the id), ``approx`` (gold ``exact`` accepts a claim without one),
  ``unit`` — a gold list accepts any of its members; ``period``: with a gold period, each
  bound the gold gives must be given by the claim and lie within two months of it; with
  none, the claim must have none; ``platforms`` (the same set, ignoring case and
  punctuation), ``rank`` and ``region`` (``&`` read as ``and``) only where the gold names one.
  **Strict** F1 counts a hit only when every attribute scored on it is right.

Heavy imports happen inside :func:`run`; the scoring itself needs only the standard library.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import Errors, GoldError

__all__ = ["ATTRIBUTES", "AttributeScore", "GoldError", "Metrics", "WrongAttribute", "add_arguments",
           "evaluate", "read_gold", "run"]

#: The attributes scored on each hit, in the order they are reported.
ATTRIBUTES = ("measure", "subject", "force", "region", "period", "approx", "unit", "platforms", "rank")

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-"})
_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")
#: Units whose values are compared to two decimals (a share written as "a seventh").
_PERCENT_TOLERANCE = 0.05


@dataclass(frozen=True)
class AttributeScore:
    """How often one attribute was right on the hits where it was scored."""

    correct: int
    scored: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.scored if self.scored else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "scored": self.scored, "accuracy": round(self.accuracy, 4)}


@dataclass(frozen=True)
class WrongAttribute:
    """An attribute a hit got wrong: its name, the gold row and the claim."""

    attribute: str
    gold: dict[str, Any]
    claim: dict[str, Any]


@dataclass
class Metrics:
    """The scores of a set of claims against gold, with the rows behind them."""

    gold_core: int
    predicted: int
    tp: int
    fp: int
    fn: int
    extra_matched: int
    strict_tp: int
    attributes: dict[str, AttributeScore] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)
    wrong: list[WrongAttribute] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.gold_core)

    @property
    def f1(self) -> float:
        return _harmonic(self.precision, self.recall)

    @property
    def strict_f1(self) -> float:
        return _harmonic(_ratio(self.strict_tp, self.tp + self.fp), _ratio(self.strict_tp, self.gold_core))

    def to_dict(self) -> dict[str, Any]:
        """The scores as one JSON-ready object, with the reference scorer's keys (rounded to 4)."""
        return {
            "gold_core": self.gold_core, "predicted": self.predicted, "tp": self.tp, "fp": self.fp,
            "fn": self.fn, "extra_matched": self.extra_matched,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "strict_f1": round(self.strict_f1, 4),
            "attributes": {name: s.to_dict() for name, s in self.attributes.items()},
        }

    def summary(self) -> str:
        """The scores as a few lines of text: the headline figures, then each attribute."""
        lines = [f"claims: P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
                 f"strict-F1={self.strict_f1:.3f} (tp={self.tp} fp={self.fp} fn={self.fn}, "
                 f"gold core={self.gold_core})"]
        for name, s in self.attributes.items():
            lines.append(f"  {name:<10} {s.correct:>4}/{s.scored:<4} {s.accuracy:.3f}")
        return "\n".join(lines)


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --------------------------------------------------------------------------- the rules


def fold(text: str) -> str:
    """Text as compared with a gold quote: plain quotes and dashes, single spaces, lower case."""
    return " ".join(text.translate(_PLAIN).split()).lower()


def _sentence(claim: Mapping[str, Any]) -> str:
    s = claim.get("sentence")
    if isinstance(s, Mapping):
        s = s.get("text")
    return fold(s or "")


def month_number(text: Any) -> int | None:
    """A date's month as a number (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or None."""
    m = _MONTH.match(str(text)) if text else None
    return int(m.group(1)) * 12 + int(m.group(2) or 1) if m else None


def _value(claim: Mapping[str, Any]) -> float:
    v = float(claim["value"])
    return v * 12 if claim.get("unit") in ("year", "years") else v


def value_matches(gold: Mapping[str, Any], claim: Mapping[str, Any]) -> bool:
    """The claim states the gold row's value (and, where either is a percentage, its unit)."""
    percent = "percent" in (gold.get("unit"), claim.get("unit"))
    try:
        close = abs(_value(claim) - float(gold["value"])) <= (_PERCENT_TOLERANCE if percent else 1e-9)
    except (KeyError, TypeError, ValueError):
        return False
    return close and (not percent or gold.get("unit") == claim.get("unit"))


def _region(text: Any) -> str | None:
    return None if text is None else fold(str(text)).replace("&", "and")


def _platforms(items: Iterable[str] | None) -> set[str]:
    return {re.sub(r"[^a-z]", "", str(p).lower()) for p in items or ()}


def _period_right(want: Any, got: Any) -> bool:
    if want is None:
        return not got or not (got.get("start") or got.get("end"))
    if not got:
        return False
    for bound in ("start", "end"):
        w = month_number(want.get(bound))
        if w is None:
            continue
        g = month_number(got.get(bound))
        if g is None or abs(w - g) > 2:
            return False
    return True


def attribute_right(name: str, gold: Mapping[str, Any], claim: Mapping[str, Any]) -> bool | None:
    """Whether the claim has the gold row's ``name`` right; None when it is not scored there."""
    if name in (gold.get("skip") or ()):
        return None
    want = gold.get(name)
    if name == "period":
        return _period_right(want, claim.get("period"))
    if name == "platforms":
        return _platforms(want) == _platforms(claim.get("platforms")) if want else None
    if name == "region":
        return None if want is None else _region(claim.get("region")) == _region(want)
    if name == "rank":
        return None if want is None else claim.get("rank") == want
    got = claim.get(name)
    if name == "force" and isinstance(got, Mapping):
        got = got.get("id")
    if isinstance(want, list):
        return got in want
    if name == "approx" and want == "exact":
        return got in (None, "exact")
    return got == want


def _core(gold: Mapping[str, Any]) -> bool:
    return gold.get("tier", "core") == "core"


# --------------------------------------------------------------------------- scoring


def evaluate(claims: Iterable[Any], gold: Iterable[Mapping[str, Any]]) -> Metrics:
    """Score ``claims`` (``Claim`` objects or their records) against ``gold`` rows.

    The gold rows are those of docs/evaluation.md (``article``, ``quote``, ``value`` and the
    right attributes, ``tier``, ``skip``); the rules are in this module's docstring. The
    returned :class:`Metrics` carries precision, recall, F1, strict F1, per-attribute
    accuracy, and the misses, false positives and wrong attributes behind them.
    """
    preds = [c if isinstance(c, Mapping) else c.to_dict() for c in claims]
    rows = list(gold)
    by_article: dict[str, list[int]] = {}
    for i, p in enumerate(preds):
        by_article.setdefault(str(p.get("article")), []).append(i)
    sentences = [_sentence(p) for p in preds]
    taken: set[int] = set()
    hits: list[tuple[Mapping[str, Any], dict[str, Any]]] = []
    misses: list[dict[str, Any]] = []
    extra = 0
    for g in sorted(rows, key=lambda r: not _core(r)):  # stable: core rows first, in file order
        quote = fold(str(g.get("quote", "")))
        free = [i for i in by_article.get(str(g.get("article")), ())
                if i not in taken and value_matches(g, preds[i]) and quote in sentences[i]]
        if not free:
            if _core(g):
                misses.append(dict(g))
            continue
        scores = [sum(bool(attribute_right(a, g, preds[i])) for a in ATTRIBUTES) for i in free]
        best = free[scores.index(max(scores))]
        taken.add(best)
        if _core(g):
            hits.append((g, preds[best]))
        else:
            extra += 1
    counts: dict[str, list[int]] = {}
    wrong: list[WrongAttribute] = []
    strict = 0
    for g, p in hits:
        all_right = True
        for a in ATTRIBUTES:
            ok = attribute_right(a, g, p)
            if ok is None:
                continue
            c = counts.setdefault(a, [0, 0])
            c[0] += ok
            c[1] += 1
            if not ok:
                all_right = False
                wrong.append(WrongAttribute(a, dict(g), p))
        strict += all_right
    core = sum(_core(g) for g in rows)
    fps = [p for i, p in enumerate(preds) if i not in taken]
    attributes = {a: AttributeScore(*counts[a]) for a in ATTRIBUTES if a in counts}
    return Metrics(gold_core=core, predicted=len(preds), tp=len(hits), fp=len(fps), fn=len(misses),
                   extra_matched=extra, strict_tp=strict, attributes=attributes, misses=misses,
                   false_positives=fps, wrong=wrong)


def read_gold(path: str | Path) -> list[dict[str, Any]]:
    """Gold rows from a JSONL file; :class:`GoldError` for a line that is not a gold row."""
    rows = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise GoldError(Errors.E308.format(path=path, reason=e.strerror or e)) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise GoldError(Errors.E309.format(path=path, line=n, reason=e.msg)) from None
        missing = [k for k in ("article", "quote", "value") if not isinstance(row, dict) or k not in row]
        if missing:
            raise GoldError(Errors.E310.format(path=path, line=n, missing=", ".join(missing)))
        rows.append(row)
    return rows


def details(metrics: Metrics) -> list[str]:
    """One line per miss, false positive and wrong attribute (what ``-v`` prints)."""
    lines = [f"MISS  {g['article']}: {g['value']} {g['quote']!r}" for g in metrics.misses]
    for p in metrics.false_positives:
        sentence = _sentence(p)[:120]
        lines.append(f"FP    {p.get('article')}: {p.get('value')} {p.get('measure')} | {sentence!r}")
    for w in metrics.wrong:
        got = w.claim.get(w.attribute)
        if w.attribute == "force" and isinstance(got, Mapping):
            got = got.get("id")
        lines.append(f"WRONG {w.attribute}: {w.gold['article']} {w.gold['value']} {w.gold['quote']!r} "
                     f"gold={w.gold.get(w.attribute)!r} got={got!r}")
    return lines


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``misconduct-nlp evaluate``."""
    from .gather import add_extraction_arguments

    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="article files or folders to extract and score (or claims .jsonl files)")
    parser.add_argument("--gold", required=True, metavar="GOLD", help="the gold JSONL (docs/evaluation.md)")
    parser.add_argument("--claims", metavar="FILE",
                        help="score the claims in this JSONL file instead of extracting PATH")
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list misses, false positives and wrong attributes")
    add_extraction_arguments(parser)


def run(args: argparse.Namespace, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run ``misconduct-nlp evaluate``; 0 when scored, 1 when articles failed, 2 for bad input."""
    from .gather import extraction_options, gather_claims

    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    paths: Sequence[str] = ([args.claims] if args.claims else []) + list(args.paths)
    if not paths:
        print("misconduct-nlp evaluate: give article files or folders, or --claims FILE", file=stderr)
        return 2
    if args.claims and args.paths:
        print("misconduct-nlp evaluate: give either PATH... or --claims FILE, not both", file=stderr)
        return 2
    if args.claims and not Path(args.claims).is_file():
        print(f"misconduct-nlp evaluate: no claims file {args.claims}", file=stderr)
        return 2
    try:
        gold = read_gold(args.gold)
        found = gather_claims(paths, **extraction_options(args))
    except ValueError as e:
        print(f"misconduct-nlp evaluate: {e}", file=stderr)
        return 2
    for path, reason in found.failures:
        print(f"misconduct-nlp evaluate: {path}: {reason}", file=stderr)
    metrics = evaluate(found.claims, gold)
    print(json.dumps(metrics.to_dict()) if args.json else metrics.summary(), file=stdout)
    if args.verbose:
        for line in details(metrics):
            print(line, file=stdout)
    return 1 if found.failures else 0
