"""Which force, region and period each claim is about, sentence by sentence through an article.

A sentence that names a force, a region or a period gives it to its own figures (the one in
the figure's clause first, else the nearest). A figure whose sentence names none inherits the
article's current frame (``inherited: true``):

* force/region: the frame starts as the article's main force (named more often than any
  other) or, when no force dominates, the region the article names ("England and Wales");
  in a force's article, a sentence whose figures are all about one force or region moves the
  frame there (a national article keeps its region: per-force figures are examples); a list
  of several forces ("GMP (88), West Midlands (74) and the Met (69)") sends it back to the
  main frame; an aside about another force in a sentence without figures leaves it alone.
* period: the frame is the period the last sentence stating one period gave its figures
  (before any does, the first one the article mentions; comparisons don't move it);
  "during these four years", "in the same period" point back to the earlier period of that
  length, or to the frame; "up from 87", "compared with 21 the year before" are the frame
  period a year back.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Span

from .doccache import any_word_between, span_index, span_text, token_table
from .model import ForceRef, PeriodRef

_DURATION_RE = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)[ -](year|month)s?\b", re.IGNORECASE)
_PREVIOUS_RE = re.compile(r"\b(year before|previous year|year earlier|prior year|preceding year)\b",
                          re.IGNORECASE)
CONTRAST = frozenset({"while", "whereas", "whilst", "but", "although", "though", "followed",
                      "ahead", "behind", "then", "next"})
COMPARE = frozenset({"compared", "comparison", "up", "down", "than", "versus", "vs", "against"})
COMPARE_WORDS = frozenset({"than", "double", "treble", "triple", "versus", "vs"})
CHANGE_VERBS = frozenset({"up", "down", "rose", "rise", "risen", "fell", "fall", "fallen", "increase",
                          "increased", "decrease", "decreased", "dropped", "drop", "climbed", "jumped"})
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10}


@dataclass
class Frame:
    """Where a claim with no force or region of its own belongs."""

    force: ForceRef | None = None
    region: str | None = None


def _force_ref(span: Span, inherited: bool = False) -> ForceRef:
    f = span._.force
    return ForceRef(id=f.id, name=f.name, text=span.text, score=float(getattr(f, "score", 100.0)),
                    inherited=inherited)


def _distance(a: Span, num: Span) -> int:
    if a.end <= num.start:
        return num.start - a.end
    if a.start >= num.end:
        return a.start - num.end
    return 0


def _between(doc: Doc, a: Span, num: Span, words: frozenset[str]) -> bool:
    lo, hi = (a.end, num.start) if a.end <= num.start else (num.end, a.start)
    return any_word_between(doc, lo, hi, words)


def _contrast_between(doc: Doc, a: Span, num: Span) -> bool:
    return _between(doc, a, num, CONTRAST)


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _months(d: date) -> int:
    return d.year * 12 + d.month


def _duration_months(text: str) -> int | None:
    m = _DURATION_RE.search(text)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _WORDS[m.group(1).lower()]
    return n * 12 if m.group(2).lower() == "year" else n


@dataclass
class ArticleAttribution:
    """Carries the force/region and period frames through one article's sentences."""

    doc: Doc
    main: Frame = field(default_factory=Frame)
    frame: Frame = field(default_factory=Frame)
    period: PeriodRef | None = None
    history: list[PeriodRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.index = span_index(self.doc)
        forces = [sp for sp in self.index.all("forces") if sp.label_ == "FORCE" and sp._.force]
        counts = Counter(sp._.force.id for sp in forces)
        regions = [sp for sp in self.index.all("regions") if sp._.region]
        national = len(counts) >= 3 and regions and counts.most_common(1)[0][1] * 2 < sum(counts.values())
        if counts and not national:
            (top, n), *rest = counts.most_common()
            if not rest or n > rest[0][1]:
                first = next(sp for sp in forces if sp._.force.id == top)
                self.main = Frame(force=_force_ref(first, inherited=True))
        if self.main.force is None and regions:
            self.main = Frame(region=regions[0]._.region)
        self.frame = self.main

    # -- force and region ------------------------------------------------------------------
    def force_for(self, sent: Span, num: Span, left: int, right: int, bracketed: bool) -> Frame | None:
        """The force or region a figure's own sentence gives it, or None to inherit."""
        forces = [sp for sp in self.index.within("forces", sent.start, sent.end) if sp._.force]
        regions = self.index.within("regions", sent.start, sent.end)
        if bracketed:
            before = [sp for sp in forces if left <= sp.start and sp.end <= num.start - 1]
            if before:
                return Frame(force=_force_ref(before[-1]))
        explicit = [sp for sp in forces if sp.label_ == "FORCE" or left <= sp.start < right]
        cands = [(sp, "force") for sp in explicit] + [(sp, "region") for sp in regions]
        if not cands:
            return None
        in_clause = [c for c in cands if left <= c[0].start < right]
        # a force in a contrasting clause ("..., while the Met alone held 402") is not this figure's
        pool = in_clause or [c for c in cands if not _contrast_between(sent.doc, c[0], num)]
        if not pool:
            return None
        if in_clause:
            sp, kind = min(pool, key=lambda c: (_distance(c[0], num), c[1] == "region"))
        else:
            # outside the figure's clause the sentence's force ("Dyfed-Powys Police, which covers
            # half of Wales, held four hearings") beats an area named in passing
            sp, kind = min(pool, key=lambda c: (c[1] == "region", _distance(c[0], num)))
        if kind == "force":
            return Frame(force=_force_ref(sp))
        if sp._.region is None:
            # "In Wales, the four forces held 71 hearings": a named area beats "the four forces"
            named = [c for c, k in cands
                     if k == "region" and c._.region and not _contrast_between(sent.doc, c, num)]
            if named:
                return Frame(region=min(named, key=lambda c: _distance(c, num))._.region)
        return Frame(region=sp._.region or self.main.region)

    def inherited_frame(self) -> Frame:
        """The frame for a figure whose sentence names no force or region."""
        f = self.frame
        if f.force is not None and not f.force.inherited:
            f = Frame(force=ForceRef(f.force.id, f.force.name, f.force.text, f.force.score, True))
        return f

    def after_sentence(self, sent: Span, stated: list[Frame]) -> None:
        """Move the frame after a sentence whose figures stated ``stated`` frames."""
        keys = {(f.force.id if f.force else None, f.region) for f in stated}
        if self.main.force is None and self.main.region is not None:
            # a national article: a figure for one force or area is an example, not a new frame
            self.frame = self.main
        elif len(keys) == 1:
            self.frame = stated[0]
        elif len(keys) > 1:
            self.frame = self.main
        elif self.main.force is not None:
            for sp in self.index.within("forces", sent.start, sent.end):
                if sp.label_ == "FORCE" and sp._.force and sp._.force.id == self.main.force.id:
                    self.frame = self.main
                    break

    # -- period ----------------------------------------------------------------------------
    def _resolved(self, sp: Span) -> PeriodRef | None:
        text = span_text(sp)
        p = sp._.period
        if p is None and self.period is not None and self.period.start is not None:
            # an open start ("up to early 2013") starts where the article's period does
            from .components.periods import grammar_of
            from .periods import parse_period

            p = parse_period(text, self.doc._.published, default_start=self.period.start,
                             grammar=grammar_of(self.doc))
        if p is None:
            return None
        return PeriodRef(start=p.start, end=p.end, text=text)

    def _anaphoric(self, sp: Span, stated: list[PeriodRef]) -> PeriodRef | None:
        text = span_text(sp)
        base = next((p for p in reversed(stated) if p.start and p.end), self.period)
        if _PREVIOUS_RE.search(text) and base is not None and base.start and base.end:
            # "23 in 2021/22, up from 11 the year before": the period just stated, a year earlier
            return PeriodRef(_shift_year(base.start, -1), _shift_year(base.end, -1), text, inherited=True)
        months = _duration_months(text)
        if months:
            for ref in reversed(self.history):
                if ref.start and ref.end and abs(_months(ref.end) - _months(ref.start) + 1 - months) <= 3:
                    return PeriodRef(ref.start, ref.end, text, inherited=True)
            # "over the three years" after figures for 2020/21, 2021/22 and 2022/23: their union
            start = end = None
            for ref in reversed(self.history):
                if not (ref.start and ref.end):
                    continue
                start = min(start, ref.start) if start else ref.start
                end = max(end, ref.end) if end else ref.end
                length = _months(end) - _months(start) + 1
                if abs(length - months) <= 3:
                    return PeriodRef(start, end, text, inherited=True)
                if length > months + 3:
                    break
        if self.period is not None:
            return PeriodRef(self.period.start, self.period.end, text, inherited=True)
        return None

    def period_for(self, sent: Span, num: Span, left: int, right: int,
                   stated: list[PeriodRef] | None = None) -> PeriodRef | None:
        """The period a figure's own sentence gives it, or None to inherit."""
        doc = self.doc
        spans = self.index.within("periods", sent.start, sent.end)
        in_clause = [sp for sp in spans if left <= sp.start < right]
        # a period across a comparison ("..., compared with 21 the year before") is the other figure's
        pool = in_clause or [sp for sp in spans if not _between(doc, sp, num, COMPARE)]
        if not pool:
            return self._compared_to_earlier(num, stated or [])
        for sp in sorted(pool, key=lambda s: _distance(s, num)):
            if sp.label_ == "ANAPHORIC":
                ref = self._anaphoric(sp, stated or [])
            else:
                ref = self._resolved(sp)
            if ref is not None:
                return ref
        return None

    def is_comparison(self, num: Span, left: int) -> bool:
        """True for a figure set against another ("up from 87", "compared with 21", "more than
        double the 243", "rose from 11 in 2021 to 19 last year"): its period must not become
        the article's frame."""
        words = token_table(self.doc).lower[left:num.start]
        if any(w in COMPARE_WORDS for w in words):
            return True
        if words and words[-1] == "to" and "from" in words:
            return True
        return any(w in ("from", "with", "to") and k > 0
                   and (words[k - 1] in CHANGE_VERBS or words[k - 1] == "compared")
                   for k, w in enumerate(words))

    def _compared_to_earlier(self, num: Span, stated: list[PeriodRef]) -> PeriodRef | None:
        """ "sacking 131 officers, up from 87": a year-long period a year back, else None."""
        doc = self.doc
        i = num.start
        prev = token_table(doc).lower[max(0, i - 3):i]
        if not (len(prev) >= 2 and prev[-1] in ("from", "with") and
                (prev[-2] in CHANGE_VERBS or prev[-2] == "compared")):
            return None
        base = next((p for p in reversed(stated) if p.start and p.end), self.period)
        if base is None or not (base.start and base.end) or _months(base.end) - _months(base.start) > 12:
            return None
        return PeriodRef(_shift_year(base.start, -1), _shift_year(base.end, -1), base.text, inherited=True)

    def inherited_period(self) -> PeriodRef | None:
        """The period frame for a figure whose sentence states none."""
        if self.period is None:
            return None
        p = self.period
        return PeriodRef(p.start, p.end, p.text, inherited=True)

    def see_sentence_periods(self, sent: Span) -> None:
        """Remember the periods a sentence mentions (for "during these four years")."""
        for sp in self.index.within("periods", sent.start, sent.end):
            if sp.label_ != "ANAPHORIC":
                ref = self._resolved(sp)
                if ref is not None:
                    self.history.append(ref)
                    if self.period is None:
                        self.period = ref

    def after_period(self, stated: list[PeriodRef]) -> None:
        """Move the period frame to the period the sentence stated for its figures, when it
        stated one (anaphoric ones included: "over the three years" then "over the same
        period"); a sentence comparing periods ("rose from 11 in 2021 to 19 last year", "up from
        1,046 the year before") leaves the frame where it was."""
        own = [p for p in stated if not _PREVIOUS_RE.search(p.text)]
        if len({(p.start, p.end) for p in own}) == 1:
            self.period = own[0]
