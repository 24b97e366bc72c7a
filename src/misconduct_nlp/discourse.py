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

import json
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span

from .doccache import (
    any_word_between,
    doc_text,
    first_content,
    sentence_start,
    span_index,
    span_text,
    token_table,
    word_positions,
)
from .extensions import doc_value, span_value
from .model import ForceRef, PeriodRef

_DURATION_RE = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|\d+)[ -](year|month)s?\b", re.IGNORECASE)
_PREVIOUS_RE = re.compile(r"\b(year before|previous year|year earlier|prior year|preceding year)\b",
                          re.IGNORECASE)
_UNANCHORED_RE = re.compile(
    r"^(?:over|across|in|within|during)\s+(?:the\s+course\s+of\s+)?(?:just\s+|only\s+)?(?:an?\s+|one\s+)?"
    r"(?:period\s+of\s+)?(?:(?P<n>\w+)[-\s]+)?(?P<unit>year|month|decade)s?(?:[-\s]+long)?(?:\s+period)?$",
    re.IGNORECASE)
_SINCE_RE = re.compile(r"^\s*(?:ever\s+)?since\b", re.IGNORECASE)
_PAST_RE = re.compile(r"\b(?:past|last|previous)\s+(?:\w+\s+)?(?:years?|months?|decade)\b", re.IGNORECASE)
_RELATIVE_RE = re.compile(r"\b(?:past|last|previous|this)\s+(?:\w+\s+)?(?:years?|months?)\b", re.IGNORECASE)
_COVERED_RE = re.compile(r"^\s*(?:covered\s+by|of\s+the\s+(?:figures|data|request|foi|statistics)|"
                         r"in\s+question|the\s+figures\s+cover)", re.IGNORECASE)
SNAPSHOT_BEFORE = (("end", "of"), ("as", "at"), ("as", "of"), ("start", "of"), ("beginning", "of"))
DATA_WORDS = frozenset({"figures", "data", "statistics", "stats", "foi", "request", "requests", "information",
                        "records", "cover", "covering", "covered", "period"})
CONTRAST = frozenset({"while", "whereas", "whilst", "but", "although", "though", "followed",
                      "ahead", "behind", "then", "next"})
COMPARED = frozenset({"compared", "compares", "comparing"})
DURING_AFTER = frozenset({"under", "on", "off", "in"})  # "while under investigation"
COMPARISON_OPENERS = frozenset({("that", "compares"), ("this", "compares"), ("that", "compared"),
                                ("this", "compared"), ("by", "comparison"), ("in", "comparison"),
                                ("compared", "with"), ("compared", "to"), ("that", "was"), ("this", "was")})
FORCE_CONTRAST = frozenset({"than", "compared", "compares", "versus", "vs"})
COMPARE = frozenset({"compared", "comparison", "up", "down", "than", "versus", "vs", "against"})
COMPARE_WORDS = frozenset({"than", "double", "treble", "triple", "versus", "vs"})
CHANGE_VERBS = frozenset({"up", "down", "rose", "rise", "risen", "fell", "fall", "fallen", "increase",
                          "increased", "decrease", "decreased", "dropped", "drop", "climbed", "jumped"})
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18}


@dataclass
class Frame:
    """Where a claim belongs: a force or a region, with where it was found (``source``, one of
    :data:`~misconduct_nlp.model.SOURCES`) and the name of the rule that decided it."""

    force: ForceRef | None = None
    region: str | None = None
    source: str | None = None
    rule: str | None = None

    def tagged(self, source: str, rule: str) -> Frame:
        """This frame as decided by ``rule`` from ``source`` (the force reference tagged too)."""
        force = replace(self.force, source=source, rule=rule) if self.force else None
        return Frame(force=force, region=self.region, source=source, rule=rule)


def _tag(ref: PeriodRef | None, source: str, rule: str) -> PeriodRef | None:
    return None if ref is None else replace(ref, source=source, rule=rule)


@lru_cache(maxsize=1)
def frame_rules() -> tuple[dict, ...]:
    """The named attribution rules of ``data/frame_rules.json`` (name, attribute, source,
    statement, examples), read once."""
    data = json.loads(resources.files("misconduct_nlp").joinpath("data/frame_rules.json").read_text("utf-8"))
    return tuple(data["rules"])


def _rule(name: str) -> dict:
    """The rule of ``data/frame_rules.json`` called ``name``."""
    return next(r for r in frame_rules() if r["name"] == name)


@lru_cache(maxsize=1)
def _sole_forces() -> dict[str, dict]:
    """Areas policed by one force (rule ``single_force_area``): area -> {id, name}."""
    return dict(_rule("single_force_area")["areas"])


def _sole_force(area: str | None, text: str | None, inherited: bool = False) -> ForceRef | None:
    """The one force that polices ``area`` ("Northern Ireland" -> the PSNI), or None."""
    sole = _sole_forces().get(area) if area else None
    if sole is None:
        return None
    return ForceRef(id=sole["id"], name=sole["name"], text=text or area, score=100.0, inherited=inherited)


@lru_cache(maxsize=1)
def _anaphor_cues() -> tuple[frozenset[str], re.Pattern[str], re.Pattern[str]]:
    """The words of the ``force_anaphor`` rule: the nouns that point back to a force ("the
    force"), who speaks for a force, and who speaks for all of them (read once)."""
    cues = _rule("force_anaphor")["cues"]
    speaker = re.compile(r"\b(?:" + "|".join(cues["force_speakers"]) + r")\b", re.IGNORECASE)
    national = re.compile(r"\b(?:" + "|".join(cues["national_speakers"]) + r")\b", re.IGNORECASE)
    return frozenset(cues["nouns"]), speaker, national


def _force_ref(span: Span, inherited: bool = False) -> ForceRef:
    f = span_value(span, "force")
    return ForceRef(id=f.id, name=f.name, text=span_text(span), score=float(getattr(f, "score", 100.0)),
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


def _compared_between(doc: Doc, a: Span, num: Span) -> bool:
    """True when a comparison stands between a period and a figure ("up from", "compared
    with", "the same proportion as in 2010/11")."""
    if _between(doc, a, num, COMPARE):
        return True
    lo, hi = (a.end, num.start) if a.end <= num.start else (num.end, a.start)
    low = token_table(doc).lower
    return any(low[k] == "same" and "as" in low[k + 1:min(hi, k + 4)] for k in range(lo, hi))


ANAPHOR_REACH = 3  # sentences after the last one naming a force that "the force" still points to it
FORCE_WINDOW = 60  # tokens either side of a figure's clause searched for its force or area
NATIONAL_NOUNS = frozenset({"average", "total", "figure", "figures", "rate", "picture", "level"})
COORD_WORDS = frozenset({"and", "or", "&", "plus"})
LOCATIVE = frozenset({"in", "of", "the", ",", "north", "south", "east", "west", "northeast", "northwest",
                      "southeast", "southwest", "north-east", "north-west", "south-east", "south-west",
                      "-", "east-", "west-", "northern", "southern", "eastern", "western", "central", "mid"})


def _locates(doc: Doc, force: Span, region: Span) -> bool:
    """True for an area named right after a force as where it is ("Cleveland Police in the
    north-east of England", "Dyfed-Powys, in west Wales")."""
    if region.start < force.end or region.start - force.end > 6:
        return False
    between = token_table(doc).lower[force.end:region.start]
    return bool(between) and between[0] in ("in", ",") and all(w in LOCATIVE for w in between)


def _clauses_at(clauses: list[tuple[int, int, int]], pos: int) -> list[tuple[int, int, int]]:
    """The (left, right, figure) clauses that hold token ``pos``; ``clauses`` are in sentence
    order, so only those starting at or before ``pos`` are looked at, nearest first, and the
    look stops at the first that ends before it (clauses do not nest deeply)."""
    lo, hi = 0, len(clauses)  # bisect on the clauses' left ends, without building a key list
    while lo < hi:
        mid = (lo + hi) // 2
        if clauses[mid][0] <= pos:
            lo = mid + 1
        else:
            hi = mid
    out = []
    for a, b, n in reversed(clauses[max(0, lo - 8):lo]):
        if a <= pos < b:
            out.append((a, b, n))
    return out


def _contrast_between(doc: Doc, a: Span, num: Span) -> bool:
    """A contrast ("while", "but") stands between a force or area and the figure, or the force
    is named after a comparison that follows the figure ("24 ..., higher than the 19 recorded
    by the Met"; but "GMP dismissed 38, compared with 21 the year before" keeps GMP for 21)."""
    if a.start >= num.end and _between(doc, a, num, FORCE_CONTRAST):
        return True
    if not _between(doc, a, num, CONTRAST):
        return False
    # "saw 10 officers resign ... while facing allegations": "while" before a participle is
    # "during", not a contrast
    lo, hi = (a.end, num.start) if a.end <= num.start else (num.end, a.start)
    low = token_table(doc).lower
    positions = word_positions(doc, CONTRAST)
    k = bisect_left(positions, lo)
    while k < len(positions) and positions[k] < hi:
        i = positions[k]
        nxt = low[i + 1] if i + 1 < len(low) else ""
        during = low[i] in ("while", "whilst") and (nxt.endswith("ing") or nxt in DURING_AFTER)
        if not during:
            return True
        k += 1
    return False


def _shift_year(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


#: Verbs by which a relative clause gives the span of the data ("which cover the 12 months ...").
COVER_VERBS = frozenset({"cover", "covers", "covered", "covering", "run", "runs", "span", "spans", "relate",
                         "relates", "date", "dates"})


def _describes_a_person(low: list[str], sp: Span) -> bool:
    """True for a force named in a description of someone ("a former Met officer and policing
    commentator", "a retired Kent detective"): when that someone is quoted, who speaks, not
    whose figure it is."""
    return any(w in ("former", "retired", "ex") for w in low[max(0, sp.start - 2):sp.start])


def _quote_between(doc: Doc, sp: Span, num: Span) -> bool:
    """True when a quotation mark stands between a force mention and a figure."""
    text = token_table(doc).text
    lo, hi = (sp.end, num.start) if sp.end <= num.start else (num.end, sp.start)
    return any(text[k] in ('"', "\u201c", "\u201d") for k in range(lo, hi))


def _compared_area(low: list[str], sp: Span) -> bool:
    """True for an area named as the thing compared with ("below the average for England and
    Wales", "higher than in Scotland", "below the average of 345 for forces in England and Wales")."""
    before = low[max(0, sp.start - 3):sp.start]
    if "than" in before or ("average" in before and before[-1] in ("for", "in", "across", "of")):
        return True
    # "below the average of 345 for forces in England and Wales"
    wider = low[max(0, sp.start - 8):sp.start]
    return "average" in wider and wider[-1] in ("for", "in", "across", "of") \
        and any(w in ("for", "across", "among") for w in wider[wider.index("average") + 1:])


def _the_average(low: list[str], area: Span, num: Span) -> bool:
    """True for the figure of the average an area is named for ("the average of 345 for forces in
    England and Wales", "the average for England and Wales, which stood at 436")."""
    if num.end <= area.start:
        return "average" in low[max(0, num.start - 3):num.start]
    between = low[area.end:num.start]
    return len(between) <= 6 and any(w in ("which", "where", "at", "was") for w in between)


def _share_of_total(low: list[str], k: int) -> bool:
    """True for the "national" of "2.6 per cent of the national total": the figure is the
    force's share of all forces' figure, not the national figure."""
    return k >= 2 and low[k - 2:k] == ["of", "the"] and k + 1 < len(low) \
        and low[k + 1] in ("total", "figure", "tally", "number")


PICKED_YEAR = frozenset({"worst", "best", "busiest", "quietest", "highest", "lowest", "peak", "record"})


def _picks_a_year(words: list[str]) -> bool:
    """True for words before a figure that pick one year of a run ("The worst year was 2014/15,
    when 13 ...", "the peak year, 2019, saw 41"): a part of the window, not a new frame."""
    return any(w in PICKED_YEAR and any(x in ("year", "month") for x in words[k + 1:k + 3])
               for k, w in enumerate(words))


def _months(d: date) -> int:
    return d.year * 12 + d.month


def _duration_months(text: str) -> int | None:
    if re.search(r"\b(?:annual|yearly)\b", text, re.IGNORECASE):
        return 12
    m = _DURATION_RE.search(text)
    if not m:
        return None
    n = int(m.group(1)) if m.group(1).isdigit() else _WORDS[m.group(1).lower()]
    return n * 12 if m.group(2).lower() == "year" else n


@dataclass(frozen=True)
class Evidence:
    """The words that set one part of an article's frame, and the rule that read them."""

    text: str
    start: int
    end: int
    rule: str


@dataclass
class ArticleFrame:
    """What an article's figures are about when their own clause does not say.

    ``scope`` is ``single_force`` (one force's story: its figures inherit ``force``),
    ``national`` (figures of several forces together: ``force`` is None and they take
    ``region``) or ``multi_force`` (several forces, no area named: neither). ``window`` is the
    reporting window the article states for its data (None when it states none); ``subject``
    is whom the article's cases and complaints are about when its top names one kind of people
    ("officers") or, at most, staff and the workforce together;
    ``evidence`` maps ``"force"``, ``"region"`` and ``"window"`` to the words and rule that set
    them. Exposed as ``doc._.frame``.
    """

    scope: str = "multi_force"
    force: ForceRef | None = None
    region: str | None = None
    window: PeriodRef | None = None
    subject: str | None = None
    evidence: dict[str, Evidence] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"scope": self.scope, "force": self.force.to_dict() if self.force else None,
                "region": self.region, "window": self.window.to_dict() if self.window else None,
                "subject": self.subject,
                "evidence": {k: {"text": e.text, "start": e.start, "end": e.end, "rule": e.rule}
                             for k, e in self.evidence.items()}}


ASIDE_WORDS = frozenset({"while", "whereas", "whilst", "compared", "than", "like", "including", "include",
                         "included", "example", "instance", "unlike", "matching", "e.g."})
#: Words after a force named in the headline or top that rank it among others or make it a
#: part of all ("Met tops the table with 412", "as Met accounts for almost a quarter"): the
#: story is about all of them, the force is its example.
RANKED_AFTER = frozenset({"tops", "topped", "top", "topping", "leads", "led", "leading", "heads", "headed",
                          "heading", "accounts", "accounted", "accounting"})
HEADLINE_NATIONAL = frozenset({"forces", "nationwide", "national", "nationally", "countrywide"})
_NOT_TOP = re.compile(r"^\s*(?:by|published|updated|last updated|posted)\b|"
                      r"\b(?:photograph|photo|picture|image(?: caption| source)?)\s*:|"
                      r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?\d{1,2}(?:st|nd|rd|th)?\s+[a-z]+\s+\d{4}\b|"
                      r"\b\d{1,2}:\d{2}\b", re.IGNORECASE)
QUOTE_LOOKBACK = 2000  # characters looked back for an open quotation mark
_QUOTE_OPEN = "“‘"
_QUOTE_CLOSE = "”’"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of the article's non-empty lines (news paragraphs)."""
    out = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            out.append((m.start(), m.end()))
    return out


def top_end(text: str, paras: list[tuple[int, int]]) -> tuple[int, int]:
    """End offsets of the article's headline and of its top (the headline, the standfirst and
    the first body paragraph). Menu items, names, bylines, datelines and photo captions are
    passed over: the headline is the first line of three words or more, the paragraphs after it
    count from five words."""
    counted = 0
    headline = end = 0
    for a, b in paras:
        end = b
        line = text[a:b]
        if len(line.split()) >= (3 if counted == 0 else 5) and not _NOT_TOP.search(line):
            counted += 1
            if counted == 1:
                headline = b
        if counted >= 3:
            break
    return headline, end


def in_quote(text: str, para: tuple[int, int], pos: int) -> bool:
    """True when ``pos`` lies inside quotation marks within its paragraph (a quoted speaker's
    words, or a paragraph that opens a quote without closing it)."""
    a = max(para[0], pos - QUOTE_LOOKBACK)  # a quote longer than this is read as closed
    seg = text[a:pos]
    opened = sum(seg.count(c) for c in _QUOTE_OPEN) - sum(seg.count(c) for c in _QUOTE_CLOSE)
    if opened > 0:
        return True
    return seg.count('"') % 2 == 1


def own_line(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is a whole line: the text or a newline before it, and a
    newline (or the text's end) after it, trailing spaces and tabs aside."""
    if start > 0 and text[start - 1] != "\n":
        return False
    return end >= len(text) or text[end] == "\n" or text[start:end].rstrip(" \t").endswith("\n")


def _para_of(paras: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    k = bisect_right(paras, pos, key=lambda p: p[0]) - 1
    return paras[max(k, 0)] if paras else (0, 0)


def build_frame(doc: Doc, index, paras: list[tuple[int, int]] | None = None,
                ends: tuple[int, int] | None = None) -> ArticleFrame:
    """The article's frame from its structure (rules named in ``data/frame_rules.json``).

    Force mentions inside quotes are not evidence. The headline decides first, then the
    standfirst and first paragraph ("the top"), then the body:

    * ``headline_force``: the headline names one force (and no area) → that force's story;
    * ``top_national``: the top names an area or several forces together ("forces across the
      UK", "in England and Wales") before it names any one force → national, that area;
    * ``top_force``: the top names one force → that force;
    * ``body_repeated_force``: no force or area in the top, one force named more often than any
      other in the body, at least twice, and no area named → that force;
    * ``body_region``: otherwise the first area the article names → national;
    * a force named only once, in the body, is an example or an aside: never the frame.
    """
    text = doc_text(doc)
    paras = paragraphs(text) if paras is None else paras  # (the caller's, when it has them)
    # (the caller's headline and top ends, when it has them: ``top_end(text, paras)``)
    headline_end, top = top_end(text, paras) if ends is None else ends
    frame = ArticleFrame()

    def quoted(sp: Span) -> bool:
        return in_quote(text, _para_of(paras, sp.start_char), sp.start_char)

    low = token_table(doc).lower

    def aside(sp: Span) -> bool:
        # "..., while the Met alone held 402", "such as Kent", "compared with Essex": an example
        words = low[max(sentence_start(doc, sp.start), sp.start - 5):sp.start]
        return any(w in ASIDE_WORDS for w in words)

    def ranked(sp: Span) -> bool:
        # "Met tops the table with 412 officers", "the Met leads the list": one of many forces;
        # "The Met put more officers on the list than any other force": the same
        if sp.end < len(low) and low[sp.end] in RANKED_AFTER:
            return True
        after = low[sp.end:min(len(low), sp.end + 16)]
        return any(after[k:k + 3] == ["than", "any", "other"] for k in range(len(after) - 2))

    furniture_paras: dict[tuple[int, int], bool] = {}  # a paragraph is looked at once

    def furniture_line(sp: Span) -> bool:  # a byline or dateline ("Tuesday 11 February 2025 06:00, UK")
        para = _para_of(paras, sp.start_char)
        found = furniture_paras.get(para)
        if found is None:
            found = furniture_paras[para] = _NOT_TOP.search(text[para[0]:para[1]]) is not None
        return found

    forces = [sp for sp in index.all("forces")
              if span_value(sp, "force") is not None and not quoted(sp) and not aside(sp)]
    regions = [sp for sp in index.all("regions") if not quoted(sp) and not furniture_line(sp)]
    named_regions = [sp for sp in regions if span_value(sp, "region")]

    def ev(sp: Span, rule: str) -> Evidence:
        return Evidence(sp.text, sp.start_char, sp.end_char, rule)

    def set_force(sp: Span, rule: str) -> None:
        frame.scope = "single_force"
        frame.force = _force_ref(sp, inherited=True)
        frame.evidence["force"] = ev(sp, rule)

    def set_region(sp: Span, rule: str) -> None:
        frame.scope = "national"
        frame.region = span_value(sp, "region")
        frame.evidence["region"] = ev(sp, rule)
        if frame.region == "England and Wales" and _with_other_nations(doc, index, sp):
            # "the 43 forces in England and Wales, along with Police Scotland and the PSNI": the UK
            frame.region = "UK"
            frame.evidence["region"] = ev(sp, "region_with_other_nations")

    def area_for(sp: Span) -> Span | None:
        # "forces across the country" names no area: the first area the article names does
        if span_value(sp, "region"):
            return sp
        return named_regions[0] if named_regions else None

    _frame_subject(frame, index, top, quoted)
    head_forces = [sp for sp in forces
                   if sp.start_char < headline_end and sp.label_ == "FORCE" and not ranked(sp)]
    head_regions = [sp for sp in regions if sp.start_char < headline_end]
    head_tokens = bisect_left(token_table(doc).idx, headline_end)
    head_words = low[:head_tokens]
    compared = "than" in head_words and "forces" in head_words[head_words.index("than"):]
    if (not head_forces or compared) and any(w in HEADLINE_NATIONAL for w in head_words):
        # (also "The Met sacked more officers than the next nine largest forces combined": one
        # force set against the others is a story about all of them)
        # "Police forces held 1,300 hearings": several forces together, the area named later
        frame.scope = "national"
        if named_regions:
            set_region(named_regions[0], "headline_national")
        return frame
    if len({span_value(sp, "force").id for sp in head_forces}) == 1 and not head_regions:
        set_force(head_forces[0], "headline_force")
        return frame
    top_forces = [sp for sp in forces if sp.start_char < top and sp.label_ == "FORCE" and not ranked(sp)]
    top_regions = [sp for sp in regions if sp.start_char < top]
    first_force = top_forces[0].start_char if top_forces else top
    if top_regions and top_regions[0].start_char < first_force:
        area = area_for(top_regions[0])
        frame.scope = "national"
        if area is not None:
            set_region(area, "top_national")
        return frame
    # "Greater Manchester Police investigated 41, Merseyside 27 and Lancashire 16": a top that
    # lists three or more forces in one sentence is about them together
    by_sentence = {}
    for sp in forces:
        if headline_end <= sp.start_char < top and not ranked(sp):
            by_sentence.setdefault(sentence_start(doc, sp.start), set()).add(span_value(sp, "force").id)
    if any(len(ids) >= 3 for ids in by_sentence.values()) and not head_forces:
        # (rule top_lists_forces: no force, and no area unless a figure names one)
        frame.scope = "multi_force"
        return frame
    if top_forces:
        counts = Counter(span_value(sp, "force").id for sp in top_forces)
        (fid, n), *rest = counts.most_common()
        if not rest or n > rest[0][1]:
            set_force(next(sp for sp in top_forces if span_value(sp, "force").id == fid), "top_force")
            return frame
    # how many sentences name each force ("the Met, Britain's biggest force" is one)
    named = {(sentence_start(doc, sp.start), span_value(sp, "force").id) for sp in forces
             if sp.label_ == "FORCE" and not ranked(sp)}
    counts = Counter(fid for _, fid in named)
    if counts:
        (fid, n), *rest = counts.most_common()
        if n >= 2 and n > len(named_regions) and (not rest or n > 2 * rest[0][1]):
            set_force(next(sp for sp in forces if span_value(sp, "force").id == fid), "body_repeated_force")
            return frame
    if named_regions:
        set_region(named_regions[0], "body_region")
        return frame
    if regions:
        frame.scope = "national"
    return frame


OTHER_NATIONS = frozenset({"police-scotland", "northern-ireland"})


def _with_other_nations(doc: Doc, index, region: Span) -> bool:
    """True when the sentence that names England and Wales as the article's area also names a
    force of Scotland or Northern Ireland among those asked ("the 43 forces in England and Wales,
    along with Police Scotland and the PSNI")."""
    sent = doc[region.start].sent
    return any(span_value(sp, "force") is not None and span_value(sp, "force").id in OTHER_NATIONS
               for sp in index.within("forces", sent.start, sent.end))


def _frame_subject(frame: ArticleFrame, index, top: int, quoted) -> None:
    """``top_subject``: the people the article's top names, when they are of one kind
    ("UK police officers receive 7,800 complaints"): the cases and complaints it counts are
    about them. Staff and the workforce named together count as one kind (workers)."""
    found = []
    for sp in index.all("subjects"):  # by start: the top's are the first ones
        if sp.start_char >= top:
            break
        if not quoted(sp):
            found.append(sp)
    labels = Counter(sp.label_ for sp in found)
    kinds = set(labels)
    if len(kinds) == 1 or kinds == {"staff", "workforce"}:
        label = labels.most_common(1)[0][0]
        sp = next(sp for sp in found if sp.label_ == label)
        frame.subject = label
        frame.evidence["subject"] = Evidence(sp.text, sp.start_char, sp.end_char, "top_subject")


#: the words a clause that calls its figure national opens its cue with (ArticleAttribution._national)
_NATIONAL_CUES = frozenset({"nationally", "nationwide", "national", "across", "among", "for"})


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
        text = doc_text(self.doc)
        paras = paragraphs(text)
        self.headline_end, self.top = top_end(text, paras)
        self.text, self.paras = text, paras
        self.para_starts = [p[0] for p in paras]
        # the one force the last sentences named, and how many sentences ago (force_anaphor)
        self.recent: ForceRef | None = None
        self.recent_age = 0
        self.article = build_frame(self.doc, self.index, paras, (self.headline_end, self.top))
        place = self.article.evidence.get("force") or self.article.evidence.get("region")
        rule = place.rule if place else "no_frame"
        self.main = Frame(force=self.article.force, region=self.article.region).tagged("frame", rule)
        sole = None if self.article.force else _sole_force(self.article.region, None, inherited=True)
        if sole is not None:
            # an article about Northern Ireland with no force named: its one force's figures
            self.main = Frame(force=sole).tagged("frame", "single_force_area")
        self.frame = self.main
        self.period_rule = "first_stated_period"
        self.period_from_top = False  # the period frame is the one the article's top stated
        self.compared: list[Frame] = []  # the sentence's national figures set against the force's
        self.listed_area: str | None = None  # the country of the forces a figure last listed together
        self.hold_period = False  # set for a sentence whose periods must not move the frame
        self._periods_cache: tuple[tuple[int, int], tuple[list[Span], list[int], bool]] | None = None
        self.doc._.frame = self.article
        # the windows the article states outright (not "over five years", not "the end of 2021"):
        # an unanchored duration takes the one of its length
        # explicit dates before relative phrases ("between June 2019 and May 2022" before "in the
        # past three years"): the data window is the first of them
        stated = [sp for sp in self.index.all("periods") if sp.label_ != "ANAPHORIC"
                  and span_value(sp, "period") is not None and not self.unanchored(sp)
                  and not self.snapshot(sp)]
        stated.sort(key=lambda sp: sp.label_ != "ABSOLUTE")  # stable: article order within each
        periods = [span_value(sp, "period") for sp in stated]
        self.windows = [PeriodRef(p.start, p.end, span_text(sp))
                        for sp, p in zip(stated, periods, strict=True)]
        if stated:
            # the data window: what "the period covered by the figures" and unanchored spans read
            sp = stated[0]
            self.article.window = replace(self.windows[0], source="frame", rule="data_window")
            self.article.evidence["window"] = Evidence(sp.text, sp.start_char, sp.end_char, "data_window")

    # -- kinds of period mention ------------------------------------------------------------
    @staticmethod
    def unanchored(sp: Span) -> bool:
        """ "over five years", "in a year", "in 12 months": a length with no end point."""
        return _UNANCHORED_RE.match(span_text(sp)) is not None

    def snapshot(self, sp: Span) -> bool:
        """ "towards the end of last year", "as at 7 August 2014": a point in time at which a
        count was taken, not the span the count covers."""
        low = token_table(self.doc).lower
        before = tuple(low[max(0, sp.start - 2):sp.start])
        return before in SNAPSHOT_BEFORE or (len(before) == 2 and before[1] == "of" and before[0] == "end")

    def _window_of_length(self, months: int) -> PeriodRef | None:
        for w in self.windows:
            if w.start and w.end:
                length = _months(w.end) - _months(w.start) + 1
                if abs(length - months) <= max(3, months // 4):
                    return w
        return None

    # -- force and region ------------------------------------------------------------------
    def force_for(self, sent: Span, num: Span, left: int, right: int, bracketed: bool) -> Frame | None:
        """The force or region a figure's own sentence gives it, or None to inherit."""
        first = first_content(sent)
        opener = first is not None and token_table(self.doc).lower[first] in ("nationally", "nationwide")
        if opener or self._national(left, right):
            # "above the national average of 71", "Nationally, 300 were dismissed": all forces
            areas = (span_value(sp, "region") for sp in self.index.all("regions"))
            area = self.main.region or next((r for r in areas if r), None)
            return Frame(region=area).tagged("clause", "national_figure")
        # the sentence around the figure: its clause and up to FORCE_WINDOW tokens either side
        # (all of an ordinary sentence; a bounded look in a run-on "sentence" of a flattened table)
        lo = max(sent.start, min(left, num.start) - FORCE_WINDOW)
        hi = min(sent.end, max(right, num.end) + FORCE_WINDOW)
        forces = [sp for sp in self.index.within("forces", lo, hi) if span_value(sp, "force")]
        regions = self.index.within("regions", lo, hi)
        low = token_table(self.doc).lower
        others = any(span_value(sp, "force").id != self.main.force.id for sp in forces) \
            if self.main.force else False
        if self.article.scope == "single_force" and others and any(
                low[k] == "the" and low[k + 1] in ("force", "constabulary", "service")
                and (k + 2 >= len(low) or low[k + 2] not in ("of", "'s", "’s"))
                for k in range(left, min(right, num.start) - 1)):
            # "The force recorded 24 ..., higher than the 19 recorded by the Met": the story's force
            return Frame(force=replace(self.main.force, inherited=False)).tagged("clause", "the_force")
        if bracketed:
            before = [sp for sp in forces if left <= sp.start and sp.end <= num.start - 1]
            if before:
                return Frame(force=_force_ref(before[-1])).tagged("clause", "bracket_force")
        # every force mention is a candidate: a bare place is marked only where the force finder
        # saw a force context ("In Cumbria, where nine officers were accused", "Thames Valley: 40")
        # a force after the figure that is ranked or a part of it ("climb to 461 as Met accounts
        # for almost a quarter", "..., with the Met accounting for more than a quarter") is not
        # the figure's
        forces = [sp for sp in forces
                  if not (sp.start >= num.end and sp.end < len(low) and low[sp.end] in RANKED_AFTER)
                  and not (_describes_a_person(low, sp) and _quote_between(self.doc, sp, num))]
        # "Cleveland Police in the north-east of England logged ...": the area locates the force;
        # "... received 186 complaints, well below the average for England and Wales": the area
        # is the average's, when the sentence names a force or the story is one force's
        regions = [r for r in regions if not any(_locates(self.doc, f, r) for f in forces)
                   and not ((forces or self.article.scope == "single_force") and _compared_area(low, r)
                            and not _the_average(low, r, num))]
        cands = [(sp, "force") for sp in forces] + [(sp, "region") for sp in regions]
        if not cands:
            return None
        in_clause = [c for c in cands if left <= c[0].start < right]
        listed = self._force_list(forces, [sp for sp, kind in in_clause if kind == "force"])
        if len(listed) >= 3:
            # "logged by South Wales, Gwent, Dyfed-Powys and North Wales police": the forces together
            area = self.main.region or next((a for a, ids in _rule("several_forces")["areas"].items()
                                             if listed <= set(ids)), None)
            self.listed_area = area or self.listed_area  # what "the four forces" then names
            return Frame(region=area).tagged("clause", "several_forces")
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
        source = "clause" if in_clause else "sentence"
        if kind == "force":
            return Frame(force=_force_ref(sp)).tagged(source, f"{source}_force")
        if span_value(sp, "region") is None:
            # "In Wales, the four forces held 71 hearings": a named area beats "the four forces"
            named = [c for c, k in cands
                     if k == "region" and span_value(c, "region") and not _contrast_between(sent.doc, c, num)]
            if named:
                region = span_value(min(named, key=lambda c: _distance(c, num)), "region")
                return Frame(region=region).tagged("sentence", "named_area_over_forces")
            area = self.main.region or self.listed_area
            return Frame(region=area).tagged(source, "multi_force_takes_article_area")
        sole = _sole_force(span_value(sp, "region"), span_text(sp))
        if sole is not None:
            # "the Police Ombudsman for Northern Ireland received 38 complaints": an area with one
            # police force is that force
            return Frame(force=sole).tagged(source, "single_force_area")
        return Frame(region=span_value(sp, "region")).tagged(source, f"{source}_area")

    def _national(self, left: int, right: int) -> bool:
        """True for a clause that calls its figure national ("nationally", "the national average",
        "an average of 2.6 per 1,000 across the forces that provided data")."""
        low = token_table(self.doc).lower
        at = word_positions(self.doc, _NATIONAL_CUES)  # (only these words can start a cue)
        lo = bisect_left(at, left)
        return any(low[k] in ("nationally", "nationwide")
                   or (low[k] == "national" and k + 1 < right and low[k + 1] in NATIONAL_NOUNS
                       and not _share_of_total(low, k))
                   or (low[k] in ("across", "among", "for") and "average" in low[max(left, k - 5):k]
                       and "forces" in low[k + 1:min(right, k + 5)])
                   for k in at[lo:bisect_left(at, right, lo)])

    def _force_list(self, forces: list[Span], start: list[Span]) -> set[str]:
        """The forces of a list that holds the first of ``start`` ("South Wales, Gwent,
        Dyfed-Powys and North Wales police"): neighbours joined by commas and "and"/"or"."""
        if not start:
            return set()
        low = token_table(self.doc).lower
        ordered = sorted(forces, key=lambda sp: sp.start)
        k = ordered.index(start[0])
        ids = {span_value(ordered[k], "force").id}
        j = k  # and back: "South Wales Police, Gwent Police, Dyfed-Powys Police and North Wales
        while j > 0:  # Police recorded a combined 734", the figure's clause holding the last only
            between = low[ordered[j - 1].end:ordered[j].start]
            if not (0 < len(between) <= 2 and all(w in (",", "and", "or", "&") for w in between)):
                break
            j -= 1
            ids.add(span_value(ordered[j], "force").id)
        while k + 1 < len(ordered):
            between = low[ordered[k].end:ordered[k + 1].start]
            if not (0 < len(between) <= 2 and all(w in (",", "and", "or", "&") for w in between)):
                break
            k += 1
            ids.add(span_value(ordered[k], "force").id)
        return ids

    def inherited_frame(self) -> Frame:
        """The frame for a figure whose sentence names no force or region."""
        f = self.frame
        if f is self.main:
            return f
        # "... 12 were sacked by Kent Police. Another three resigned.": the sentence before's
        force = replace(f.force, inherited=True) if f.force else None
        return Frame(force=force, region=f.region).tagged("frame", "previous_sentence_frame")

    def after_sentence(self, sent: Span, stated: list[Frame]) -> None:
        """Move the frame after a sentence whose figures stated ``stated`` frames; a national
        figure set against the force's ("compared with a national average of 3.1", noted in
        ``compared``) is a comparison and does not move it."""
        if not stated and self._crosshead(sent):
            # a new section: the article's own force or area and its data window again
            self._back_to_window()
            self.frame = self.main
            self.recent = None
        self._see_forces(sent, stated)
        compared, self.compared = self.compared, []
        keys = {(f.force.id if f.force else None, f.region) for f in stated
                if not any(f is c for c in compared)}
        if self.article.scope == "national":
            # a national article: a figure for one force or area is an example, not a new frame
            self.frame = self.main
        elif len(keys) == 1:
            main_key = (self.main.force.id if self.main.force else None, self.main.region)
            named = {span_value(sp, "force").id for sp in self.index.within("forces", sent.start, sent.end)
                     if span_value(sp, "force")}
            # a sentence naming several forces ("City of London the fewest, 4, followed by
            # Cumbria and Durham at 7") is a comparison: it does not move the frame
            self.frame = self.main if keys == {main_key} or len(named) > 1 else stated[0]
        elif len(keys) > 1:
            self.frame = self.main
        elif self.main.force is not None:
            first = first_content(sent)
            for sp in self.index.within("forces", sent.start, sent.end):
                # the force named outright, or bare as the sentence's subject ("Merseyside
                # carried out 43,210 searches during the year")
                force = span_value(sp, "force")
                if force and force.id == self.main.force.id and (sp.label_ == "FORCE" or sp.start == first):
                    self.frame = self.main
                    break

    def _crosshead(self, sent: Span) -> bool:
        """True for a short line of its own in the body with no closing punctuation ("Force by
        force", "How the South West compares"): a section heading."""
        if sent.start_char < self.top:
            return False
        line = self.text[sent.start_char:sent.end_char].strip()
        return bool(line) and line[0].isupper() and line[-1] not in '.!?:;"\u201d\'' \
            and len(line.split()) <= 8 and own_line(self.text, sent.start_char, sent.end_char) \
            and not any(c.isdigit() for c in line)

    def _back_to_window(self) -> None:
        """``crosshead_returns_to_window``: after a section heading, a period frame that is one
        part of the article's data window ("In 2020, the first year of ..., 212 cases") gives way
        to the window again ("between 2018 and 2020"): a new section reports the data as a whole."""
        frame = self.period
        if not self.windows or frame is None or not (frame.start and frame.end):
            return
        w = self.windows[0]
        if not (w.start and w.end) or (frame.start, frame.end) == (w.start, w.end) \
                or _SINCE_RE.match(w.text) \
                or not any((h.start, h.end) == (w.start, w.end) for h in self.history):
            return  # (an open "since 2024", or a window the article has not reached yet)
        if w.start <= frame.start and frame.end <= w.end:
            self.period = replace(w, inherited=False)
            self.period_rule = "crosshead_returns_to_window"

    def _see_forces(self, sent: Span, stated: list[Frame]) -> None:
        """Note the one force a sentence names (or forget it: several forces, an area's figure,
        or three sentences without it)."""
        named: dict[str, Span] = {}
        for sp in self.index.within("forces", sent.start, sent.end):
            if span_value(sp, "force"):
                named.setdefault(span_value(sp, "force").id, sp)
        if len(named) == 1:
            self.recent, self.recent_age = _force_ref(next(iter(named.values())), inherited=True), 0
        elif named or any(f.force is None and f.region and f.rule != "force_anaphor" for f in stated):
            self.recent = None
        else:
            self.recent_age += 1
            if self.recent_age > ANAPHOR_REACH:
                self.recent = None

    def force_anaphor(self, sent: Span, num: Span) -> Frame | None:
        """In a national or several-force story, a figure whose sentence names no force but
        points back to one ("The force currently has 23 officers suspended", "One in five of
        its complaints", or the words of a quoted chief constable or force spokesperson) is
        about the one force the sentences just before named (rule ``force_anaphor``)."""
        if self.recent is None or self.article.scope == "single_force":
            return None
        nouns, speaker, national = _anaphor_cues()
        low = token_table(self.doc).lower
        a, b = sent.start, sent.end
        for k in range(a, b - 1):
            if low[k] == "the" and low[k + 1] in nouns and (k + 2 >= b or low[k + 2] != "of"):
                return Frame(force=self.recent).tagged("frame", "force_anaphor")
            if low[k] == "its" and self.recent_age == 0:
                return Frame(force=self.recent).tagged("frame", "force_anaphor")
        k = max(0, bisect_right(self.para_starts, num.start_char) - 1)
        if not self.paras or not in_quote(self.text, self.paras[k], num.start_char):
            return None
        # the speaker: named in the quote's paragraph or the one before ('..., she said.')
        around = self.text[self.paras[max(0, k - 1)][0]:self.paras[k][1]]
        if speaker.search(around) and not national.search(around):
            return Frame(force=self.recent).tagged("frame", "force_anaphor")
        return None

    # -- period ----------------------------------------------------------------------------
    def _resolved(self, sp: Span) -> PeriodRef | None:
        text = span_text(sp)
        if self.unanchored(sp):
            m = _UNANCHORED_RE.match(text)
            n = m.group("n")
            n = int(n) if n and n.isdigit() else _WORDS.get((n or "one").lower())
            if n:
                months = n * {"year": 12, "month": 1, "decade": 120}[m.group("unit").lower()]
                w = self._window_of_length(months)
                if w is not None:
                    return PeriodRef(w.start, w.end, text, inherited=True, rule="unanchored_takes_window")
        p = span_value(sp, "period")
        if p is not None and self._after_since(sp) and doc_value(self.doc, "published") is not None \
                and p.end < doc_value(self.doc, "published"):
            # "Since its introduction in December 2017, 1,505 officers ...": since that point
            return PeriodRef(p.start, doc_value(self.doc, "published"), text, rule="since_event_point")
        if p is None and self.period is not None and self.period.start is not None:
            # an open start ("up to early 2013") starts where the article's period does
            from .components.periods import grammar_of
            from .periods import parse_period

            p = parse_period(text, doc_value(self.doc, "published"), default_start=self.period.start,
                             grammar=grammar_of(self.doc))
            if p is not None:
                return PeriodRef(p.start, p.end, text, rule="open_start_from_frame")
        if p is None:
            return None
        return PeriodRef(start=p.start, end=p.end, text=text)

    def _after_since(self, sp: Span) -> bool:
        """True for a point in a clause opened by "since" ("since its creation in 2013")."""
        tt = token_table(self.doc)
        if tt.lower[sp.start] not in ("in", "during"):
            return False
        for k in range(sp.start - 1, max(sentence_start(self.doc, sp.start), sp.start - 8) - 1, -1):
            if tt.text[k] in (",", ";", "(", ")") or tt.lower[k] in ("and", "but", "while"):
                return False
            if tt.lower[k] == "since":
                return True
        return False

    def _anaphoric(self, sp: Span, stated: list[PeriodRef]) -> PeriodRef | None:
        text = span_text(sp)
        if self.windows and _COVERED_RE.match(doc_text(self.doc)[sp.end_char:sp.end_char + 40]):
            # "during the period covered by the figures": the article's data window
            w = self.windows[0]
            return PeriodRef(w.start, w.end, text, inherited=True, rule="data_window_anaphora")
        base = next((p for p in reversed(stated) if p.start and p.end), self.period)
        if _PREVIOUS_RE.search(text) and base is not None and base.start and base.end:
            # "23 in 2021/22, up from 11 the year before": the period just stated, a year earlier
            return PeriodRef(_shift_year(base.start, -1), _shift_year(base.end, -1), text, inherited=True,
                             rule="year_before")
        months = _duration_months(text)
        if months:
            slack = min(3, max(1, months // 4))  # "the same six months" is not a quarter
            for ref in reversed(self.history):
                if ref.start and ref.end and abs(_months(ref.end) - _months(ref.start) + 1 - months) <= slack:
                    return PeriodRef(ref.start, ref.end, text, inherited=True, rule="same_length_earlier")
            # "over the three years" after figures for 2020/21, 2021/22 and 2022/23: their union
            start = end = None
            for ref in reversed(self.history):
                if not (ref.start and ref.end) or _SINCE_RE.match(ref.text):
                    continue  # ("classed as serious corruption since 2017": a point, not the data)
                start = min(start, ref.start) if start else ref.start
                end = max(end, ref.end) if end else ref.end
                length = _months(end) - _months(start) + 1
                if abs(length - months) <= 3:
                    return PeriodRef(start, end, text, inherited=True, rule="union_of_earlier")
                if length > months + 3:
                    break
        if self.period is not None:
            return PeriodRef(self.period.start, self.period.end, text, inherited=True,
                             rule="anaphora_to_frame")
        return None

    def period_for(self, sent: Span, num: Span, left: int, right: int,
                   stated: list[PeriodRef] | None = None,
                   clauses: list[tuple[int, int, int]] = ()) -> PeriodRef | None:
        """The period a figure's own sentence gives it, or None to inherit.

        ``clauses`` are (left, right, number start) of the sentence's other figures: a period
        in another figure's clause is that figure's ("From June 2019, 99 cases ..., 22 of which
        were in the first five months of 2022": the 2022 span is the 22's)."""
        doc = self.doc
        # a point at which a count was taken is its period only when the article states no window
        spans, starts, ordered = self._sentence_periods(sent)
        owned_by_later = None
        if clauses:
            # (a period leading the sentence with an earlier figure still governs the later ones:
            # "Of the 184 investigated during these four years, 160 were constables")
            # (a figure coordinated with ours shares its predicate and period: "170 staff and 34
            # officers were also dismissed across the same annual period")
            low = token_table(doc).lower
            shared = right < len(low) and low[right] in COORD_WORDS

            def owned_by_later(pos: int) -> bool:  # pos lies in a later figure's clause
                return any(n > num.start and not (a <= num.start < b) and not (shared and a == right + 1)
                           for a, b, n in _clauses_at(clauses, pos)) \
                    or (pos < num.start and any(n < num.start and b < pos <= b + 1 and low[b] == ","
                                                for a, b, n in clauses))
                # (or it opens an aside right after an earlier figure's clause: "16 of its hearings
                # took place in the first quarter, between April and June, and 12 in the second")

        # the periods in the figure's clause (those are never another figure's)
        in_clause = spans[bisect_left(starts, left):bisect_left(starts, right)] if left < right else []
        if in_clause:
            candidates: Iterable[Span] = sorted(in_clause, key=lambda s: _distance(s, num))
        elif ordered:  # the near ones first, the far ones only if the near ones do not resolve
            candidates = self._outward(spans, starts, num, owned_by_later)
        else:
            # a period across a comparison ("..., compared with 21 the year before") is the other figure's
            pool = [sp for sp in spans if not (owned_by_later is not None and owned_by_later(sp.start))
                    and not _compared_between(doc, sp, num)]
            candidates = sorted(pool, key=lambda s: _distance(s, num))
        found_any = False
        for sp in candidates:
            found_any = True
            if sp.label_ == "ANAPHORIC":
                ref = self._anaphoric(sp, stated or [])
            else:
                ref = self._resolved(sp)
            if ref is not None:
                source = "clause" if left <= sp.start < right else "sentence"
                return _tag(ref, source, ref.rule or f"{source}_period")
        if not found_any:
            return self._compared_to_earlier(num, stated or [])
        return None

    def _sentence_periods(self, sent: Span) -> tuple[list[Span], list[int], bool]:
        """The period spans inside ``sent`` that can be a figure's (snapshots are not, when the
        article states a window), their starts, and whether they follow one another without
        overlapping; kept for the sentence being read (its figures all ask)."""
        key = (sent.start, sent.end)
        cached = self._periods_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        spans = [sp for sp in self.index.within("periods", sent.start, sent.end)
                 if not (self.windows and self.snapshot(sp)) and not self._in_relative_aside(sp, sent)]
        ordered = all(a.start < a.end <= b.start for a, b in zip(spans, spans[1:], strict=False)) and \
            all(sp.start < sp.end for sp in spans[-1:])
        value = (spans, [sp.start for sp in spans], ordered)
        self._periods_cache = (key, value)
        return value

    def _in_relative_aside(self, sp: Span, sent: Span) -> bool:
        """True for a period inside an aside between commas that opens with "which" or "who"
        and holds no figure ("The Elizabeth line, which opened fully only in May 2022, accounted
        for 19"): the date of what the noun did, not the span of any figure."""
        doc, low = self.doc, token_table(self.doc).lower
        k = sp.start - 1
        while k > sent.start and k > sp.start - 12 and low[k] != ",":
            k -= 1
        if low[k] != "," or k + 1 >= sp.start or low[k + 1] not in ("which", "who"):
            return False
        if (k > sent.start and low[k - 1] in DATA_WORDS) or (k + 2 < sp.start and low[k + 2] in COVER_VERBS):
            return False  # "The statistics, which cover the 12 months to March 2024, ...": the data's span
        j = sp.end
        while j < sent.end and j < sp.end + 8 and low[j] != ",":
            j += 1
        if j >= sent.end or low[j] != ",":
            return False
        like_num = token_table(doc).like_num
        return not any(like_num[i] for i in range(k + 1, j) if not (sp.start <= i < sp.end))

    def _outward(self, spans: list[Span], starts: list[int], num: Span,
                 owned_by_later: Callable[[int], bool] | None) -> Iterator[Span]:
        """The sentence's periods not owned by a later figure nor across a comparison from
        ``num``, in the order of ``sorted(pool, key=_distance)`` (nearest first, ties in text
        order), made as they are asked for: the far ones are looked at only when the near ones
        do not resolve. ``spans`` follow one another without overlapping, so going out from
        the figure on either side the distance grows, and once a comparison word stands
        between a period and the figure it stands between it and every period further out."""
        doc = self.doc
        i = bisect_left(starts, num.end)  # spans[i:] start at or after the figure's end
        k = i
        while k > 0 and spans[k - 1].end > num.start:  # spans[k:i] overlap the figure: distance 0
            k -= 1
        li, mi, ri = k - 1, k, i  # next on the left (going down), overlapping, on the right (up)
        while True:
            best, side = None, ""
            if li >= 0:
                best, side = (num.start - spans[li].end, li), "left"
            if mi < i and (best is None or (0, mi) < best):
                best, side = (0, mi), "middle"
            if ri < len(spans) and (best is None or (spans[ri].start - num.end, ri) < best):
                best, side = (spans[ri].start - num.end, ri), "right"
            if best is None:
                return
            sp = spans[best[1]]
            if side == "middle":
                mi += 1
            elif side == "left":
                li -= 1
                if _compared_between(doc, sp, num):
                    li = -1  # and every period further left
                    continue
            else:
                ri += 1
                if _compared_between(doc, sp, num):
                    ri = len(spans)  # and every period further right
                    continue
            if owned_by_later is None or not owned_by_later(sp.start):
                yield sp

    def is_comparison(self, num: Span, left: int) -> bool:
        """True for a figure set against another ("up from 87", "compared with 21", "more than
        double the 243", "rose from 11 in 2021 to 19 last year"): its period must not become
        the article's frame."""
        low = token_table(self.doc).lower
        words = low[left:num.start]
        if any(w in COMPARE_WORDS for w in words):
            return True
        # (the figure's sentence start by bisection; spaCy's ``num.sent`` walks the tokens)
        space = token_table(self.doc).space
        first = next((i for i in range(sentence_start(self.doc, num.start), num.end) if not space[i]), None)
        if first is not None and tuple(low[first:first + 2]) in COMPARISON_OPENERS:
            # "That compares with 2022/23, when 1,189 officers faced hearings": the whole
            # sentence is the earlier side of a comparison
            return True
        if words and words[-1] == "to" and "from" in words:
            return True
        return any(w in ("from", "with", "to") and k > 0
                   and (words[k - 1] in CHANGE_VERBS or words[k - 1] in COMPARED)
                   for k, w in enumerate(words))

    def _other_place_after(self, num: Span) -> bool:
        """True when a force or area follows the figure in its clause ("67 per 1,000 in South
        Yorkshire")."""
        after = token_table(self.doc).lower[num.end:num.end + 8]
        stop = num.end + next((k for k, w in enumerate(after) if w in (",", ";", ".")), len(after))
        return bool(self.index.within("forces", num.end, stop) or self.index.within("regions", num.end, stop))

    def _compared_to_earlier(self, num: Span, stated: list[PeriodRef]) -> PeriodRef | None:
        """ "sacking 131 officers, up from 87": a year-long period a year back, else None."""
        doc = self.doc
        i = num.start
        prev = [w for w in token_table(doc).lower[max(0, i - 4):i] if w != ","]  # "rose, from 634 to 751"
        if not (len(prev) >= 2 and prev[-1] in ("from", "with") and
                (prev[-2] in CHANGE_VERBS or prev[-2] in COMPARED)):
            return None
        if self._other_place_after(num):
            # "63 per 1,000, compared with 67 per 1,000 in South Yorkshire": another force, the
            # same period
            return None
        base = next((p for p in reversed(stated) if p.start and p.end), self.period)
        if base is None or not (base.start and base.end) or _months(base.end) - _months(base.start) > 12:
            return None
        return PeriodRef(_shift_year(base.start, -1), _shift_year(base.end, -1), base.text, inherited=True,
                         source="sentence", rule="compared_year_before")

    def inherited_period(self) -> PeriodRef | None:
        """The period frame for a figure whose sentence states none."""
        if self.period is None:
            return None
        p = self.period
        return PeriodRef(p.start, p.end, p.text, inherited=True, source="frame", rule=self.period_rule)

    def sentence_period(self, sent: Span) -> PeriodRef | None:
        """The first period a sentence states outright (a table heading's), resolved."""
        for sp in self.index.within("periods", sent.start, sent.end):
            if sp.label_ != "ANAPHORIC" and not self.snapshot(sp):
                ref = self._resolved(sp)
                if ref is not None:
                    return ref
        return None

    def see_sentence_periods(self, sent: Span, has_figures: bool = True) -> None:
        """Remember the periods a sentence mentions (for "during these four years"). Before any
        figure states a period, the first one stated in the article's top, in a sentence about
        the data ("The figures cover ...") or in a sentence with figures becomes the frame; a
        year in an anecdote ("a PC was dismissed in 2016") does not."""
        low = token_table(self.doc).lower
        seeds = (has_figures or sent.start_char < self.top or any(
            w in DATA_WORDS for w in low[sent.start:sent.end])) and not self._anecdote(sent)
        found = []
        for sp in self.index.within("periods", sent.start, sent.end):
            if sp.label_ != "ANAPHORIC" and not self.snapshot(sp):
                ref = self._resolved(sp)
                if ref is not None:
                    found.append(ref)
                    self.history.append(ref)
                    if self.period is None and seeds:
                        self.period = ref
                        self.period_from_top = sent.start_char < self.top
        if found and not has_figures and sent.start_char >= self.top \
                and any(w in COVER_VERBS for w in low[sent.start:sent.end]):
            # "The figures cover the financial years 2012/13 to 2016/17" after a top's "in the
            # last five years": the data's own span restates the top's loose one
            self._restate_top(found)

    def holds_frame(self, num: Span, period: PeriodRef, compared: bool) -> bool:
        """True when a figure's stated period must not become the frame: the sentence compares
        stated periods, narrows one ("In 2012 alone"), or gives a yearly average over a window
        ("an average of 29,400 a year between 2014/15 and 2018/19")."""
        if period.inherited:
            return self.sub_period(period, num)
        low = token_table(self.doc).lower
        before = low[max(0, num.start - 2):num.start]
        average = span_value(num, "unit") == "rate_per_year" or before == ["average", "of"]
        return compared or average or self.sub_period(period, num) or self._aside_span(period) \
            or _picks_a_year(low[max(0, num.start - 14):num.start])

    def _aside_span(self, period: PeriodRef) -> bool:
        """True for "in the past three years" stated for one figure of an article whose frame is
        an explicit window of another length ("complaints in 2011-12 ... In the past three years
        the force has dismissed 37"): a look back, not the data the article reports."""
        frame = self.period
        if frame is None or not (frame.start and frame.end and period.start and period.end):
            return False
        relative = _PAST_RE.search(period.text) is not None
        explicit = _PAST_RE.search(frame.text) is None and _UNANCHORED_RE.match(frame.text) is None
        lengths = (_months(period.end) - _months(period.start), _months(frame.end) - _months(frame.start))
        return relative and explicit and abs(lengths[0] - lengths[1]) > 3

    def sub_period(self, ref: PeriodRef, num: Span) -> bool:
        """True for a period narrowed by "alone" ("In 2012 alone, 37 were sacked"): the figure's
        period phrase, found near the figure, is followed by "alone"."""
        low = token_table(self.doc).lower
        near = self.index.within("periods", max(0, num.start - 60), min(len(low), num.end + 60))
        return any(span_text(sp) == ref.text and sp.end < len(low) and low[sp.end] == "alone" for sp in near)

    def _anecdote(self, sent: Span) -> bool:
        """True for a sentence about one person ("A PC was dismissed in 2016 for ...")."""
        first = first_content(sent)
        if first is None or token_table(self.doc).lower[first] not in ("a", "an", "one"):
            return False
        return bool(self.index.within("subjects", first, min(sent.end, first + 4)))

    def after_period(self, stated: list[PeriodRef], row: bool = False, in_top: bool = False) -> None:
        """Move the period frame to the period the sentence stated for its figures, when it
        stated one (anaphoric ones included: "over the three years" then "over the same
        period"); a sentence comparing periods ("rose from 11 in 2021 to 19 last year", "up from
        1,046 the year before") leaves the frame where it was, and so does a list item or table
        row ("2022: 26 complaints": the row's year, not the article's). ``in_top``: the sentence
        is in the article's top, so its period may later give way to the body's restatement
        (:meth:`_restate_top`)."""
        hold, self.hold_period = self.hold_period, False
        if row:
            return
        weak = self.period is not None and self.period.rule != "unanchored_takes_window" \
            and _UNANCHORED_RE.match(self.period.text) is not None
        if hold and not weak:
            # "34 in 2018/19, up from 19 in 2015/16", "In 2012 alone, 37 ...": the endpoints of a
            # series or a part of the window, not a new frame (a bare "in two years" with no
            # window of its length gives way)
            self._restate_top(stated)
            return
        own = [p for p in stated if not _PREVIOUS_RE.search(p.text)]
        if len({(p.start, p.end) for p in own}) == 1:
            same = self.period is not None and (own[0].start, own[0].end, own[0].text) == (
                self.period.start, self.period.end, self.period.text)
            self.period = own[0]
            self.period_rule = "last_stated_period"
            # the top's figure restating it, or the top stating it ("Forty-three officers have been
            # caught in the last five years" after the headline's "in five years")
            self.period_from_top = (self.period_from_top and same) or in_top
        else:
            self._restate_top(stated)

    def _restate_top(self, stated: list[PeriodRef]) -> None:
        """``top_period_restated``: the top's loose relative period ("received more than 1,000
        complaints last year") gives way to the body's precise statement of the same span
        ("1,046 complaints in 2018/19, compared with 838 in 2014/15"), even in a sentence whose
        periods would not otherwise move the frame: the period that overlaps the top's, of about
        its length, stated outright."""
        frame = self.period
        if not self.period_from_top or frame is None or not (frame.start and frame.end):
            return
        since = _SINCE_RE.match(frame.text) is not None
        if not (since or _RELATIVE_RE.search(frame.text)):
            return
        length = _months(frame.end) - _months(frame.start)
        for p in stated:
            if not (p.start and p.end) or _RELATIVE_RE.search(p.text) or _PREVIOUS_RE.search(p.text) \
                    or _SINCE_RE.match(p.text):
                continue
            overlap = (min(_months(p.end), _months(frame.end))
                       - max(_months(p.start), _months(frame.start)) + 1)
            if since:
                # "since 2019" in the top, "between January 2019 and December 2021" in the body:
                # the same start, closed at the last full period of data
                fits = p.start.year == frame.start.year and _months(p.end) - _months(p.start) >= 11 \
                    and 0 <= _months(frame.end) - _months(p.end) <= 18
            else:
                fits = overlap >= 3 and abs(_months(p.end) - _months(p.start) - length) <= 3
            if fits:
                self.period = replace(p, inherited=False)
                self.period_rule = "top_period_restated"
                self.period_from_top = False
                return
