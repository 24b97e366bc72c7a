#!/usr/bin/env python3
"""The number layer scored on NewsQuant, the news-sentence benchmark of the CQE paper.

    python benchmarks/newsquant.py [--data ../shared/benchmarks/newsquant] [-v] [--json FILE]
                                   [--system quantulum3]

Value only: for every gold sentence the pipeline (up to ``misconduct_numbers``) is run and
every span of ``doc.spans["numbers"]`` is a system quantity, except those the project labels
``YEAR`` or ``DATE`` (NewsQuant does not annotate years and dates). Per sentence, gold and
system quantities are matched one to one (a maximum matching, so the order of the
quantities does not matter); a pair matches when their values are equal by
``numpy.isclose``. A gold range ``"lo-hi"`` matches a system value equal to lo, hi or the
midpoint; a system range (a span with ``value_max``) is compared the same way, by its lo,
hi or midpoint. P = matched / system quantities, R = matched / gold quantities.

The data is not part of the project (its licence forbids shipping it): it is read from
``--data``, by default ``../shared/benchmarks/newsquant`` relative to the repository.
``-v`` lists every missed gold value and every spurious system value per sentence.
``--system quantulum3`` scores quantulum3's ``parser.parse`` the same way, as a baseline.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("..") / "shared" / "benchmarks" / "newsquant"
LEFT_OUT = frozenset({"YEAR", "DATE"})
RANGE_RE = re.compile(r"^\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*-\s*(-?[\d.]+(?:e[+-]?\d+)?)\s*$", re.IGNORECASE)


@dataclass
class Quantity:
    """A value or a range, with the text it came from (for the error lists)."""

    lo: float
    hi: float | None = None
    text: str = ""

    def candidates(self) -> tuple[float, ...]:
        """The values this quantity is matched by: itself, or a range's lo, hi and midpoint."""
        if self.hi is None:
            return (self.lo,)
        return (self.lo, self.hi, (self.lo + self.hi) / 2)

    def __str__(self) -> str:
        v = f"{self.lo:g}" if self.hi is None else f"{self.lo:g}-{self.hi:g}"
        return f"{v} ({self.text})" if self.text else v


@dataclass
class SentenceResult:
    text: str
    gold: list[Quantity]
    system: list[Quantity]
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (gold index, system index)


def parse_gold_value(value: str) -> Quantity:
    """A gold value string: ``"19.0"`` or a range ``"252.0-287.0"`` / ``"3.0 - 4.0"``."""
    try:
        return Quantity(float(value), text=value)
    except ValueError:
        pass
    m = RANGE_RE.match(value)
    if not m:
        raise ValueError(f"gold value {value!r} is neither a number nor a range 'lo-hi'")
    return Quantity(float(m.group(1)), float(m.group(2)), text=value)


def same(a: Quantity, b: Quantity) -> bool:
    """Whether two quantities match: any of their candidate values are ``numpy.isclose``."""
    ours, theirs = numpy.array(a.candidates()), numpy.array(b.candidates())
    return bool(numpy.isclose(ours[:, None], theirs[None, :]).any())


def match(gold: list[Quantity], system: list[Quantity]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching of gold to system quantities (augmenting paths)."""
    edges = [[j for j, s in enumerate(system) if same(g, s)] for g in gold]
    owner: dict[int, int] = {}  # system index -> gold index

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        augment(i, set())
    return sorted((i, j) for j, i in owner.items())


def system_quantities(nlp, texts: list[str]) -> list[list[Quantity]]:
    """The number spans of every text, years and dates left out."""
    out = []
    for doc in nlp.pipe(texts):
        qs = []
        for sp in doc.spans.get("numbers", []):
            if sp.label_ in LEFT_OUT or sp._.value is None:
                continue
            vmax = getattr(sp._, "value_max", None) if sp.has_extension("value_max") else None
            qs.append(Quantity(float(sp._.value), None if vmax is None else float(vmax),
                               text=f"{sp.text} {sp.label_}"))
        out.append(qs)
    return out


def quantulum3_quantities(texts: list[str]) -> list[list[Quantity]]:
    """quantulum3's quantities of every text (the baseline), each by its value."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        out = []
        for text in texts:
            try:
                found = parser.parse(text)
            except Exception:  # quantulum3 raises assorted errors on odd input
                found = []
            out.append([Quantity(float(q.value), text=q.surface) for q in found])
    return out


def load_gold(data: Path) -> list[tuple[str, list[Quantity]]]:
    """``(sentence, gold quantities)`` from ``NewsQuant.json`` in ``data``."""
    path = data / "NewsQuant.json"
    if not path.exists():
        raise SystemExit(f"{path} not found: pass --data DIR, the folder holding NewsQuant.json")
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [(r["text"], [parse_gold_value(q["value"]) for q in r["quantities"]]) for r in rows]


def number_pipeline():
    """The project pipeline up to and including the number layer."""
    from misconduct_nlp import load

    nlp = load()
    names = list(nlp.pipe_names)
    keep = names[: names.index("misconduct_numbers") + 1]
    return nlp, [n for n in names if n not in keep]


def score(results: list[SentenceResult]) -> dict[str, float]:
    """Micro P/R/F1 over all sentences."""
    tp = sum(len(r.pairs) for r in results)
    n_sys = sum(len(r.system) for r in results)
    n_gold = sum(len(r.gold) for r in results)
    p = tp / n_sys if n_sys else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    return {"P": p, "R": rec, "F1": f1, "tp": tp, "system": n_sys, "gold": n_gold,
            "sentences": len(results)}


def run(data: Path, system: str = "misconduct-nlp") -> list[SentenceResult]:
    """Score every NewsQuant sentence; one result per sentence."""
    gold = load_gold(data)
    texts = [t for t, _ in gold]
    if system == "quantulum3":
        systems = quantulum3_quantities(texts)
    else:
        nlp, disabled = number_pipeline()
        with nlp.select_pipes(disable=disabled):
            systems = system_quantities(nlp, texts)
    results = []
    for (text, g), s in zip(gold, systems, strict=True):
        results.append(SentenceResult(text, g, s, match(g, s)))
    return results


def report_errors(results: list[SentenceResult], out=sys.stdout) -> None:
    """Per sentence, the gold values missed and the system values with no gold."""
    for r in results:
        got_g = {i for i, _ in r.pairs}
        got_s = {j for _, j in r.pairs}
        missed = [g for i, g in enumerate(r.gold) if i not in got_g]
        spurious = [s for j, s in enumerate(r.system) if j not in got_s]
        if not missed and not spurious:
            continue
        print(f"- {r.text}", file=out)
        for g in missed:
            print(f"    MISSED   {g}", file=out)
        for s in spurious:
            print(f"    SPURIOUS {s}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help=f"folder with NewsQuant.json (default: {DEFAULT_DATA} from the repository)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list missed and spurious values")
    ap.add_argument("--json", type=Path, help="also write the scores as JSON to this file")
    ap.add_argument("--system", choices=("misconduct-nlp", "quantulum3"), default="misconduct-nlp",
                    help="what to score: the project's number layer (default) or quantulum3, the baseline")
    args = ap.parse_args(argv)
    data = args.data if args.data is not None else (REPO / DEFAULT_DATA)
    results = run(data, args.system)
    if args.verbose:
        report_errors(results)
    s = score(results)
    print(f"NewsQuant value ({args.system}): P={s['P']:.3f} R={s['R']:.3f} F1={s['F1']:.3f} "
          f"(matched {s['tp']}, system {s['system']}, gold {s['gold']}, sentences {s['sentences']})")
    if args.json:
        args.json.write_text(json.dumps(s, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
