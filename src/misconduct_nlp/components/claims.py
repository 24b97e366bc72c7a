"""``misconduct_claims``: turns the marked spans of a Doc into :class:`~misconduct_nlp.model.Claim`
objects in ``doc._.claims``.

The path a sentence takes: furniture is skipped; its claim-able numbers are read against the
sentence's outcome terms, roles, ranks and platforms (:mod:`misconduct_nlp.reading`); figures
with no outcome are dropped; then force, region and period come from the sentence or the
article's frame (:mod:`misconduct_nlp.attribution`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..discourse import ArticleAttribution, Frame, own_line
from ..doccache import doc_text, drop_cache, first_content, span_index, span_text, token_table
from ..extensions import doc_value, span_value
from ..model import Claim, PeriodRef, TextSpan
from ..probability import assign_probabilities
from ..reading import (
    BREAKDOWN_NOUNS,
    EARLIER_CUES,
    PARTITION_DETS,
    RECORDING_VERBS,
    SHARE_VERBS,
    Reading,
    counted_nouns,
    read_sentence,
    refers_back,
    terms,
)
from .numbers import CLAIM_KINDS, rate_unit
from .sentencizer import is_furniture

STRENGTH_CONFIDENCE = {3: 0.95, 2: 0.9, 1: 0.75, 0: 0.6}
LEADING_NOISE = frozenset({"•", "▪", "●", "◦", "‣", "*", "-", "–", "—", "►"})


def sentence_bounds(sent: Span) -> tuple[int, int]:
    """Character offsets of a sentence without surrounding whitespace and list bullets."""
    tt = token_table(sent.doc)
    a, b = sent.start, sent.end
    while a < b and (tt.space[a] or tt.text[a] in LEADING_NOISE):
        a += 1
    while b > a and tt.space[b - 1]:
        b -= 1
    if a == b:
        return sent.start_char, sent.start_char
    return tt.idx[a], tt.idx[b - 1] + len(tt.text[b - 1])


class _Claims(list):
    """The claims made so far (a list), which also knows the last claim of each value and of
    each (value, unit): "the earlier figure this one repeats" is a look-up, not a scan of all
    the claims before it (quadratic in a long article). Claims are only ever appended."""

    def __init__(self) -> None:
        super().__init__()
        self._by_value: dict[object, Claim] = {}
        self._by_value_unit: dict[tuple[object, object], Claim] = {}

    def append(self, claim: Claim) -> None:
        super().append(claim)
        self._by_value[claim.value] = claim
        self._by_value_unit[(claim.value, claim.unit)] = claim

    def last_with(self, value: object, unit: object = None, *, any_unit: bool = False) -> Claim | None:
        """The last claim whose value (and unit, unless ``any_unit``) equals these, or None."""
        if value != value:  # NaN equals nothing
            return None
        return self._by_value.get(value) if any_unit else self._by_value_unit.get((value, unit))


def _earlier_total(doc: Doc, num: Span, claims: _Claims) -> Claim | None:
    """The earlier claim an "Of the N ..." figure repeats (same value), if any."""
    i = num.start
    low = token_table(doc).lower
    if i < 2 or low[i - 1] not in PARTITION_DETS or low[i - 2] != "of":
        return None
    return claims.last_with(span_value(num, "value"), span_value(num, "unit"))


RANKING_WORDS = frozenset({"most", "highest", "lowest", "fewest", "largest", "smallest", "followed",
                           "accounted",
                           "contributed", "next", "topped", "top", "bottom", "ahead", "behind", "entries"})


def ranks_on(sent: Span, nums: list[Span]) -> bool:
    """True for a sentence with no outcome term of its own that ranks or breaks down the
    figures before it: a ranking word shortly before one of its figures ("had the most, 412",
    "followed by West Midlands Police with 96", "accounted for 277", "next on 41")."""
    if any(not t.noun or t.strength > 0 or t.label != "reported" for t in terms(sent, "measures")):
        return False  # an outcome of its own (plain counted nouns, "64 of the cases", do not count)
    low = token_table(sent.doc).lower
    return any(w in RANKING_WORDS for n in nums for w in low[max(sent.start, n.start - 6):n.start])


def continues_count(sent: Span, nums: list[Span]) -> bool:
    """True for a sentence that goes on through forces or years with bare figures and at most a
    verb of recording ("West Midlands police recorded 58 and Greater Manchester police 44",
    "In 2016 there were 11, in 2017 there were 14 ..."): after a figure for one force or
    year it gives the same count for others."""
    index = span_index(sent.doc)
    measures = terms(sent, "measures")
    if any(t.strength > 0 or t.label != "reported" for t in measures):
        return False
    forces = [sp for sp in index.within("forces", sent.start, sent.end) if span_value(sp, "force")]
    periods = index.within("periods", sent.start, sent.end)

    def by_force(n: Span) -> bool:  # "Greater Manchester police 44"
        return any(0 <= n.start - f.end <= 3 for f in forces)

    def by_period(n: Span) -> bool:  # "in 2017 there were 14", "11 so far this year"
        return any(0 <= n.start - p.end <= 3 or 0 <= p.start - n.end <= 1 for p in periods)

    # years: only with no outcome words at all ("the number of cases rose from 29 in 2017/18"
    # counts its own cases); forces: a verb of recording may stand in the first
    years = not measures and all(by_period(n) for n in nums)
    if not (years or (len(forces) >= len(nums) and all(by_force(n) for n in nums))):
        return False
    nouns = {t.start for t in measures if t.noun} | {t.start for t in terms(sent, "subjects")}
    low = token_table(sent.doc).lower
    for n in nums:
        if n.end in nouns or (n.end < sent.end and low[n.end] in ("of", "per")):
            return False  # the figure counts something of its own ("5 officers", "58 complaints")
        if n.end < sent.end and low[n.end].isalpha() and len(low[n.end]) > 3 and low[n.end] not in LINK_WORDS:
            return False  # ... or something that is no outcome at all ("carried out 43,210 searches")
    return True


#: Words that may follow a bare figure going on through forces or years ("58 during 2019",
#: "44 while Essex ...") without being what it counts.
LINK_WORDS = frozenset({"during", "while", "whereas", "compared", "against", "after", "before", "with",
                        "from", "over", "since", "that", "then", "this", "last", "when", "each", "apiece"})


def _total_before(doc: Doc, num: Span) -> bool:
    """True for the total of "12 cases out of the 99", "27 cases – out of 75 investigations"."""
    low = token_table(doc).lower
    i = num.start
    while i > 1 and low[i - 1] in ("the", "a", "total", "of") and low[i - 2:i] != ["out", "of"]:
        i -= 1
    return i >= 2 and low[i - 1] == "of" and low[i - 2] == "out"


ONE_CASE = frozenset({"case", "instance", "incident", "example", "occasion", "investigation", "hearing"})


def _not_a_count(doc: Doc, num: Span) -> bool:
    """ "more than one allegation", "at least one officer": a vague amount, not a count; and
    "In one case, an officer ...": an illustration, not a count."""
    low = token_table(doc).lower
    if span_value(num, "value") != 1 or num.end >= len(low):
        return False
    if num.start > 0 and low[num.start - 1] in ("in", "on") and low[num.end] in ONE_CASE:
        return True
    singular = low[num.end].isalpha() and not low[num.end].endswith("s")
    return span_value(num, "approx") in ("more_than", "at_least") and singular


def take_totals(doc: Doc, readings: list[Reading], claims: _Claims) -> None:
    """Parts and breakdowns count what their total counts (ANNOTATION: a breakdown of a total
    takes the total's measure):

    * "Of the 394 officers, 342 were PCs": the 394 repeats an earlier figure of 394 and takes its
      measure, and so do the parts after it that have none;
    * "12 cases out of the 99": the 99 repeats an earlier figure of 99 and takes its measure,
      and the part before it, counted only by a noun, takes the total's;
    * "There were 75 instances of dishonesty" after the figures they break down: "instances",
      "reasons" take the measure of the figure before them.
    """
    low = token_table(doc).lower
    for k, r in enumerate(readings):
        total = _earlier_total(doc, r.num, claims)
        part = readings[k - 1] if k > 0 and readings[k - 1].num.end == r.num.start - 2 else None
        if total is not None and part is not None and total.measure is not None:
            # "In total, 24 of the 63 were dismissed": the verb is the part's; the 63 is the
            # earlier total again, with its measure and whom it counts, and the part counts them
            r.measure, r.measure_text, r.strength = total.measure, total.measure_text, 0
            r.subject, r.subject_text = total.subject, total.subject_text
            if part.subject is None:
                part.subject, part.subject_text = total.subject, total.subject_text
            continue
        if total is not None and (r.measure is None or r.strength <= 0) and total.measure is not None:
            # "Of the 394 officers, 342 were PCs while 36 sergeants ...": the total's measure, for
            # it and for the parts after it that have none of their own
            r.measure, r.measure_text, r.strength = total.measure, total.measure_text, 0
            if r.subject is None:
                r.subject, r.subject_text = total.subject, total.subject_text
            for part in readings[k + 1:]:
                if part.measure is None and (part.copula or part.rank or part.subject):
                    part.measure, part.measure_text, part.strength = total.measure, total.measure_text, 0
        if _total_before(doc, r.num):
            earlier = claims.last_with(span_value(r.num, "value"), any_unit=True)
            if earlier is not None and r.strength <= 0 and earlier.measure is not None:
                r.measure, r.measure_text, r.strength = earlier.measure, earlier.measure_text, 0
            if k > 0 and readings[k - 1].strength <= 0 and r.measure not in (None, "reported"):
                part = readings[k - 1]
                part.measure, part.measure_text = r.measure, r.measure_text
    last = claims[-1] if claims else None
    for r in readings:
        if r.strength <= 0 and r.num.end < len(doc) and low[r.num.end] in BREAKDOWN_NOUNS \
                and last is not None and last.measure not in (None, "reported"):
            r.measure, r.measure_text = last.measure, last.measure_text

#: Irregular past forms of the verbs news copy uses with figures, for :func:`_verb_stem`.
_IRREGULAR = {"held": "hold", "made": "make", "took": "take", "brought": "bring", "gave": "give",
              "saw": "see", "had": "have", "has": "have", "got": "get"}


def _verb_stem(word: str) -> str:
    """A crude stem that makes "held"/"holding", "dismissed"/"dismissing" the same verb."""
    w = _IRREGULAR.get(word, word)
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    return _IRREGULAR.get(w, w)


def _same_verb_claim(doc: Doc, num: Span, claims: list[Claim], sentence_start: int) -> Claim | None:
    """The claim of the sentence starting at ``sentence_start`` whose figure follows the verb
    that comes right before ``num`` ("holding 583 hearings ... Greater Manchester police held
    131"), or None."""
    tt = token_table(doc)
    k = num.start - 1
    if k < 0 or not tt.text[k].isalpha():
        return None
    verb = _verb_stem(tt.lower[k])
    for c in reversed(claims):
        if c.sentence.start != sentence_start:
            break
        i = bisect_left(tt.idx, c.span.start)
        if 0 < i < len(tt.idx) and tt.idx[i] == c.span.start and _verb_stem(tt.lower[i - 1]) == verb:
            return c
    return None


def link_changes(doc: Doc, made: list[tuple[Reading, Claim]]) -> None:
    """Levels set against earlier ones, and changes, in one sentence (CLAIM_SCHEMA
    ``change``/``change_from``):

    * a figure the number layer marks as a change ("rose by 40%", "a 66% increase") keeps
      ``change``; it takes ``change_from`` only from a base it states ("rose by 40% from 87");
    * "rose by 40% to 131, up from 87", "131, compared with 87", "from 87 to 131": the level
      131 has ``change_from`` 87.
    """
    low = token_table(doc).lower
    for k, (r, claim) in enumerate(made):
        num = r.num
        change = span_value(num, "change")
        if change:
            claim.change = change
        if k == 0 or num.start < 2:
            continue
        prev_r, prev = made[k - 1]
        # (the span of "12%" may leave its "%" or "per cent" outside: up to two tokens between)
        if low[num.start - 1] == "from" and prev.change is not None and num.start - 1 - prev_r.num.end <= 2:
            prev.change_from = claim.value  # "rose by 40% from 87": the base of the change
        elif (low[num.start - 2], low[num.start - 1]) in EARLIER_CUES:
            level = next((c for _, c in reversed(made[:k]) if c.change is None), None)
            if level is not None and level.unit == claim.unit:
                level.change_from = claim.value  # "131, up from 87"
        elif low[num.start - 1] == "to" and prev_r.num.start >= 1 and low[prev_r.num.start - 1] == "from" \
                and num.start - 1 - prev_r.num.end <= 4 and prev.unit == claim.unit:
            claim.change_from = prev.value  # "from 87 (in 2020) to 131"


#: Words of refusal that, in a story about vetting, refuse vetting ("Leicestershire rejected 94").
REJECTION_WORDS = frozenset({"rejected", "refused", "turned down", "rejections", "rejection", "were rejected",
                             "was rejected", "been rejected"})
#: Outcomes a case goes through: a story whose top counts one of these counts its "cases" so.
CASE_PROCESSES = frozenset({"investigated", "formal_action", "misconduct_hearing"})
GENERIC_CASES = frozenset({"cases", "case", "instances", "incidents"})
ANAPHORA_WORDS = frozenset({"them", "which", "whom", "those", "these"})
BREAKDOWN_VERBS = frozenset({("accounting", "for"), ("accounted", "for"), ("accounts", "for"),
                             ("cited", "in"),
                             ("made", "up"), ("making", "up"), ("make", "up"), ("featured", "in"),
                             ("involved", "in")})


def _broken_down(doc: Doc, r, claims: list[Claim], sent: Span) -> Claim | None:
    """The total a figure of bare cases breaks down by kind ("There were 14 cases of assault",
    "accounting for 21 cases", "cited in 131 cases", "dishonesty, 118 cases"): the last claim
    before it, at most 600 characters back, of a larger count, when that total has an outcome of
    its own ("faced disciplinary action 73 times"); else None."""
    value = span_value(r.num, "value")
    if (r.measure_text or "").lower() not in GENERIC_CASES or value is None \
            or not _breakdown_words(doc, r, sent):
        return None
    for claim in reversed(claims[-12:]):
        if sent.start_char - claim.sentence.start > 600:
            return None
        if claim.unit == "count" and claim.value > value:
            return claim if claim.measure not in (None, "reported") else None
    return None


def _breakdown_words(doc: Doc, r, sent: Span) -> bool:
    low = token_table(doc).lower
    i, j = r.num.start, r.num.end
    if j + 2 < len(low) and low[j] in GENERIC_CASES and low[j + 1] == "of" \
            and low[j + 2] not in PARTITION_DETS and low[j + 2] not in ANAPHORA_WORDS \
            and (i == 0 or low[i - 1] not in RECORDING_VERBS):
        return True  # "There were 14 cases of assault" (not "it recorded 27 cases of data misuse")
    if i >= 2 and (low[i - 2], low[i - 1]) in BREAKDOWN_VERBS:
        return True  # "accounting for 21 cases", "cited in 131 cases", "made up 37 cases"
    # "dishonesty, 118 cases" in a list under its total
    return i >= 1 and low[i - 1] == "," and j < len(low) and low[j] in GENERIC_CASES and i - sent.start <= 6


#: Roles whose mix, in a breakdown, is the workforce ("officers, staff and PCSOs").
WORKER_ROLES = frozenset({"officer", "staff", "pcso", "special_constable", "workforce"})


def _share_base(doc: Doc, num: Span) -> bool:
    """True for the base of a share a force has of a total ("accounted for 92 of the 218
    withdrawals", "made up 40 of all 310"): the figure after "of the" that follows the share."""
    tt = token_table(doc)
    low = tt.lower
    i = num.start
    if i < 5 or low[i - 1] not in ("the", "all") or low[i - 2] != "of" or not tt.like_num[i - 3]:
        return False
    k = i - 4
    while k > 0 and low[k] in ("about", "around", "almost", "nearly", "just", "over", "some", "than", "more"):
        k -= 1
    return (low[k - 1], low[k]) in SHARE_VERBS


def _number(value: float) -> int | float:
    """Whole numbers as int ("7", not "7.0"), others as float."""
    value = float(value)
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _partition_base(low: list[str], t) -> bool:
    """True for a term that is the base of a partition ("38 of the cases"): the figures
    counted before, not a new count."""
    return t.start >= 2 and low[t.start - 2] == "of" and low[t.start - 1] in PARTITION_DETS


def year_row(sent: Span) -> bool:
    """True for a line that opens with a year or a month before a colon or dash ("2022: 26
    complaints", "2019/20 – 412", "January - two constables dismissed"): a row of a list."""
    first = first_content(sent)
    if first is None or first + 1 >= sent.end:
        return False
    tt = token_table(sent.doc)
    return bool(_YEAR_ROW.match(tt.text[first])) and tt.text[first + 1] in (":", "–", "—", "-", "|")


_YEAR_ROW = re.compile(r"^(?:(?:19|20)\d\d(?:/\d\d(?:\d\d)?)?|January|February|March|April|May|June|July"
                       r"|August|September|October|November|December)$")


def is_list_item(sent: Span) -> bool:
    """True for a sentence that starts with a list bullet ("•", "-", "*")."""
    first = first_content(sent)
    return first is not None and token_table(sent.doc).text[first] in LEADING_NOISE


LIST_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s*$")
BRACKETS_NOTE = re.compile(r"\bin\s+(?:brackets|parentheses|parenthesis)\b", re.IGNORECASE)
ROW_MARKS = frozenset({":", "-", "–", "—", "|"})


def list_line(sent: Span, full_text: str, start: int, end: int) -> bool:
    """True for a short line of its own that reads as a row ("South Wales Police: 312 officers,
    48 PCSOs and 21 special constables", "Metropolitan Police - 154 (4.5)", "Drink or drug
    driving: 14 officers"): a label and a mark in its first words, or no closing full stop."""
    if sent.end - sent.start > 25 or not own_line(full_text, start, end):
        return False
    text = token_table(sent.doc).text
    first = first_content(sent)
    marked = first is not None \
        and any(text[k] in ROW_MARKS for k in range(first + 1, min(sent.end, first + 7)))
    return marked or not full_text[start:end].rstrip().endswith(".")


def table_heading(sent: Span, text: str, att: ArticleAttribution) -> bool:
    """True for a short title line below the headline, with no closing punctuation, that
    names what a table counts ("Dismissals by force, 2017-18 to 2021-22")."""
    closed = text.rstrip().endswith((".", "!", "?", '"', "”", "’"))
    return (sent.start_char >= att.headline_end and not closed and len(text.split()) <= 12
            and bool(span_index(sent.doc).within("measures", sent.start, sent.end)))


def table_row(sent: Span, nums: list[Span]) -> bool:
    """True for a short line of a table: a force and its figure, no outcome words
    ("Metropolitan police 402", "Grampian Police: 498", "Gwent Police – 1,893")."""
    index = span_index(sent.doc)
    short = len(nums) == 1 and sent.end - sent.start <= 10
    return (short and bool(index.within("forces", sent.start, sent.end))
            and not index.within("measures", sent.start, sent.end))


TABLE_RULE = frozenset("|-:=+ \t")


SUM_OPENERS = (("in", "total"), ("overall",), ("altogether",), ("in", "all"))


def sums_up(sent: Span) -> bool:
    """True for a sentence that opens on the whole ("In total, 286 of the complaints ...",
    "Overall, ..."): its parts are of the article's total, not of the example just before."""
    low = token_table(sent.doc).lower
    k = first_content(sent)
    return k is not None and any(tuple(low[k:k + len(o)]) == o for o in SUM_OPENERS)


def pipe_columns(sent: Span, start: int, text: str) -> list[tuple[str, str] | None]:
    """The measure each column of a pipe table's head names ("Year | Investigations |
    Misconduct proven" -> None, investigated, upheld), None where it names none."""
    found = terms(sent, "measures")
    doc = sent.doc
    out: list[tuple[str, str] | None] = []
    a = 0
    for cell in text.split("|"):
        lo, hi = start + a, start + a + len(cell)
        inside = [t for t in found if lo <= doc[t.start].idx < hi]
        best = max(inside, key=lambda t: t.strength) if inside else None
        out.append((best.label, best.text) if best is not None else None)
        a += len(cell) + 1
    return out


def pipe_column_units(sent: Span, start: int, text: str) -> list[str | None]:
    """The rate each column of a pipe table's head names ("Force | Dismissed | Cases per 1,000
    officers" -> None, None, per_1000), None where it names none."""
    bases = [sp for sp in span_index(sent.doc).within("numbers", sent.start, sent.end)
             if sp.label_ == "RATE_BASE"]
    out: list[str | None] = []
    a = 0
    for cell in text.split("|"):
        lo, hi = start + a, start + a + len(cell)
        out.append(next((u for sp in bases if lo <= sp.start_char < hi
                         and (u := rate_unit(span_value(sp, "value")))), None))
        a += len(cell) + 1
    return out


def rates_go_on(readings: list[Reading], claims: list[Claim]) -> None:
    """A rate with no outcome of its own ("Dorset police had the lowest rate, at 3.1 per 1,000
    officers") is a rate of what the article's last rate in that unit counted."""
    for r in readings:
        unit = span_value(r.num, "unit") or ""
        if r.measure is None and unit.startswith("per_"):
            last = next((c for c in reversed(claims[-30:]) if c.unit == unit and c.measure), None)
            if last is not None:
                r.measure, r.measure_text, r.strength = last.measure, last.measure_text or "", 0
                if r.subject is None:
                    r.subject, r.subject_text = last.subject, last.subject_text


def heading_rate(sent: Span) -> str | None:
    """The rate a list's heading names ("The forces with the highest rates of allegations per
    1,000 officers were:", "On average forces recorded 264 complaints per 1,000 officers, but
    the rate varied widely:"): its items are in that unit."""
    nums = span_index(sent.doc).within("numbers", sent.start, sent.end)
    return next((u for sp in nums if sp.label_ == "RATE_BASE" and (u := rate_unit(span_value(sp, "value")))),
                None)


ELLIPTIC_BEFORE = frozenset({"at", "of", "on", "with", "was", "is", "to"})
ELLIPTIC_AFTER = frozenset({",", ".", ";", ")", "and", "in", "while", "whereas", "but", "for", "among"})


def elliptic(doc: Doc, r: Reading) -> bool:
    """True for a bare figure set beside a rate in its sentence ("had the lowest at 121", "the
    national average of 71", "compared with 71 in Kent"): no noun counted, a comparison word
    before it and nothing of its own after it, so it is a rate in the same unit."""
    low = token_table(doc).lower
    n = r.num
    after = low[n.end] if n.end < len(low) else "."
    before = low[n.start - 1] if n.start > 0 else ""
    # ("compared with 388 the year before")
    ends = after in ELLIPTIC_AFTER or n.end >= n.sent.end or (after == "the" and before in ("with", "from"))
    return not r.counted_noun and span_value(n, "unit") == "count" and before in ELLIPTIC_BEFORE and ends


def list_lead_in(sent: Span) -> tuple[str, str] | None:
    """The measure a list's lead-in sentence gives its items ("The forces that held most hearings:")."""
    found = terms(sent, "measures")
    if not found:
        return None
    best = max(found, key=lambda t: t.strength)
    return best.label, best.text


@dataclass
class _Piece:
    """What a later piece of a long sentence reads from the pieces before it."""

    sentence: TextSpan  # the whole sentence, as its claims quote it
    bullet: bool
    row: bool
    context: tuple[str, str] | None  # the last measure term before the piece
    period: PeriodRef | None  # the first period stated before the piece


class _LongSentences:
    """The sentences the sentencizer read in pieces (``doc.spans["long_sentences"]``), followed
    along ``doc.sents``: a later piece reads its figures as the unbroken sentence would, with
    the measure and period the pieces before it gave, and its claims quote the whole sentence
    (recorded as a window, for it is over 1,000 characters)."""

    def __init__(self, doc: Doc, full_text: str, att: ArticleAttribution) -> None:
        self.spans = sorted(doc.spans.get("long_sentences", []), key=lambda sp: sp.start)
        self.full_text = full_text
        self.att = att
        self.k = 0
        self.current: Span | None = None
        self.sentence: TextSpan | None = None
        self.bullet = self.row = False
        self.context: tuple[str, str] | None = None
        self.period: PeriodRef | None = None

    def see(self, sent: Span) -> _Piece | None:
        """A :class:`_Piece` for a later piece of a long sentence; None for any other sentence."""
        while self.k < len(self.spans) and self.spans[self.k].end <= sent.start:
            self.k += 1
        if self.k >= len(self.spans) or self.spans[self.k].start > sent.start:
            self.current = None
            return None
        span = self.spans[self.k]
        if span.start == sent.start:  # the first piece
            self.current = span
            a, b = sentence_bounds(span)
            self.sentence = TextSpan(self.full_text[a:b], a, b)
            self.context = self.period = None
            return None
        assert self.sentence is not None
        return _Piece(self.sentence, self.bullet, self.row, self.context, self.period)

    def whole(self, sent: Span) -> TextSpan | None:
        """The whole sentence a piece belongs to (as its claims quote it); None for a sentence
        read whole."""
        if self.current is not None and self.current.start <= sent.start < self.current.end:
            return self.sentence
        return None

    def head_is(self, sent: Span, bullet: bool, row: bool) -> None:
        """Remember whether the first piece is a list item or table row (so are the others)."""
        if self.current is not None and self.current.start == sent.start:
            self.bullet, self.row = bullet, row

    def after(self, sent: Span) -> None:
        """Take the measure and period a piece states on to the next."""
        if self.current is None or not (self.current.start <= sent.start < self.current.end):
            return
        found = terms(sent, "measures")
        if found:
            self.context = (found[-1].label, found[-1].text)
        if self.period is None:
            ref = self.att.sentence_period(sent)
            if ref is not None:
                self.period = replace(ref, source="sentence", rule=ref.rule or "sentence_period")


class ClaimBuilder:
    """Builds claims sentence by sentence; see the module docstring."""

    def __init__(self, nlp: Language, name: str, min_confidence: float = 0.0) -> None:
        self.name = name
        self.min_confidence = min_confidence

    def __call__(self, doc: Doc) -> Doc:
        claims = _Claims()
        furniture = doc.spans.get("furniture", [])
        furniture_tokens = {i for sp in furniture for i in range(sp.start, sp.end)}
        numbers = [sp for sp in doc.spans.get("numbers", []) if sp.label_ in CLAIM_KINDS
                   and sp.start not in furniture_tokens]
        att = ArticleAttribution(doc)
        full_text = doc_text(doc)
        prev_claim: Claim | None = None
        prev_whole: Claim | None = None  # the last claim that is not a part ("29 were police officers")
        lead_in: tuple[str, str] | None = None
        lead_claim: Claim | None = None  # the claim a list's items break down, when its lead-in names none
        list_period: PeriodRef | None = None  # the period of the list heading being read
        list_unit: str | None = None  # the rate its items are in ("The rates per 1,000 officers were:")
        rate_in_brackets = False  # only its items' bracketed figures are ("... rate in brackets:")
        row_rate: str | None = None  # the rate the list's rows have been giving
        list_role: tuple[str, str] | None = None  # whom they count ("The outcomes for officers were:")
        columns: list[tuple[str, str] | None] | None = None  # a pipe table's column measures
        column_units: list[str | None] = []  # and the rates its columns are in
        ni = 0
        sent_before: Span | None = None
        before_had_claims = False
        figures_gave_claims = False  # whether the last sentence with figures gave claims
        last_sent: Span | None = None
        claims_at_last = 0  # how many claims there were when the sentence before began
        counted: frozenset[str] | None = None  # the Doc's counted nouns, found at the first reading
        long = _LongSentences(doc, full_text, att)
        top_cases: Claim | None = None  # the top's first outcome, when it is one cases go through
        top_seen = False
        vetting_story = False  # the top counts people refused or stripped of vetting
        for sent in doc.sents:
            piece = long.see(sent)  # a later piece of a sentence read in pieces, or None
            nums = []
            while ni < len(numbers) and numbers[ni].start < sent.end:
                if numbers[ni].start >= sent.start:
                    nums.append(numbers[ni])
                ni += 1
            att.see_sentence_periods(sent, bool(nums))
            s_start, s_end = sentence_bounds(sent)
            text = full_text[s_start:s_end]
            # "2." or "3)" on its own: the number of a numbered list's item, read as list furniture
            furniture_text = is_furniture(text) or LIST_NUMBER.match(text) is not None
            if text and not furniture_text:
                # the sentence before, passing over page furniture ("Read more: ...")
                sent_before, before_had_claims = last_sent, len(claims) > claims_at_last
                last_sent, claims_at_last = sent, len(claims)
            piped = "|" in text
            if piece is not None:
                bullet, row = piece.bullet, piece.row
            else:
                bullet = is_list_item(sent)
                # ("2012/13: 7 officers and staff" under "The figures by year:" is a row too)
                row = not bullet and (table_row(sent, nums) or (piped and columns is not None and bool(nums))
                                      or (lead_in is not None and bool(nums)
                                          and (year_row(sent) or list_line(sent, full_text, s_start, s_end))))
                long.head_is(sent, bullet, row)
            if piece is None and piped and not nums and text:
                # "Year | Investigations | Misconduct proven": what each column of the rows counts
                # (a "|---|---|" rule under it changes nothing)
                if set(text) - TABLE_RULE:
                    columns = pipe_columns(sent, s_start, text)
                    column_units = pipe_column_units(sent, s_start, text)
            elif piece is None and not bullet and not row and text and not furniture_text:
                columns = None
                lead_in, list_period, lead_claim, list_unit, list_role = None, None, None, None, None
                row_rate = None
                if text.endswith(":") or table_heading(sent, text, att):
                    # "The forces holding most hearings were:", "Dismissals by force, 2017-18 to
                    # 2021-22": what the items below count (else what the figures before did)
                    last = prev_whole or prev_claim
                    lead_in = list_lead_in(sent)
                    if lead_in is None and last is not None:
                        # "The breakdown by force was:" after "63 employees were convicted. Of
                        # those, 41 were officers, ...": the items break down the total, not its parts
                        lead_in, lead_claim = (last.measure, last.measure_text or ""), last
                    list_period = att.sentence_period(sent)
                    list_unit = heading_rate(sent)
                    # "(rate per 1,000 officers in brackets)": only the bracketed figures are rates
                    rate_in_brackets = list_unit is not None and BRACKETS_NOTE.search(text) is not None
                    roles = terms(sent, "subjects")
                    list_role = (roles[0].label, roles[0].text) if roles else None
            if not nums or furniture_text:
                att.after_sentence(sent, [])
                long.after(sent)
                continue
            context = lead_in if bullet or row else None
            if row and piped and columns is not None and context is None:
                context = next((c for c in columns if c is not None), None)
            if context is None and piece is not None:
                context = piece.context  # "Complaints by force: Kent 12, ... [a piece later] Essex 7"
            if context is None and refers_back(sent):
                # "They included 36 in Dorset Police": what the sentence before counted, when it
                # named an outcome but gave no figure; else the figure before
                before = None if sent_before is None or before_had_claims else list_lead_in(sent_before)
                if before is not None and before[0] is not None:
                    context = before
                elif prev_claim is not None:
                    context = (prev_claim.measure, prev_claim.measure_text or "")
            sent_terms = span_index(doc).within("measures", sent.start, sent.end)
            low = token_table(doc).lower
            if context is None and prev_claim is not None and figures_gave_claims \
                    and ((ranks_on(sent, nums) and all(_partition_base(low, t) for t in sent_terms))
                         or continues_count(sent, nums)):
                # "The Met had the most, 412, followed by West Midlands Police with 96": a
                # breakdown of the figures just given counts what they count (a ranking that names
                # what it counts, "made the most referrals, with 287", counts that); "... holding
                # 583 hearings and dismissing 247 officers. Greater Manchester police held 131":
                # the one whose verb the sentence repeats
                cont = _same_verb_claim(doc, nums[0], claims, prev_claim.sentence.start) or prev_claim
                context = (cont.measure, cont.measure_text or "")
            if context is None and not sent_terms \
                    and not any(_earlier_total(doc, n, claims) for n in nums):
                # a figure's measure comes from the sentence's outcome terms, from the context or
                # from the earlier figure it repeats ("Of the 394 officers, ..."): with none of
                # them, none of its figures is a claim
                att.after_sentence(sent, [])
                long.after(sent)
                figures_gave_claims = False
                continue
            if counted is None:
                counted = counted_nouns(doc)
            readings = [r for r in read_sentence(sent, nums, context, counted)
                        if not _not_a_count(doc, r.num)]
            if row and piped and columns is not None:
                for r in readings:  # "2019 | 12 | 5": each figure counts what its column's head says
                    col = text[:r.num.start_char - s_start].count("|")
                    if col < len(columns) and columns[col] is not None:
                        r.measure, r.measure_text = columns[col]
                        r.strength = max(r.strength, 1)
            take_totals(doc, readings, claims)
            rates_go_on(readings, claims)
            readings = [r for r in readings if r.measure is not None
                        and (r.num.label_ != "MONEY" or r.strength >= 1)]
            stated_frames: list[Frame] = []
            stated_periods: list[PeriodRef] = []
            sentence = long.whole(sent) or TextSpan(text, s_start, s_end)
            clauses = [(r.left, r.right, r.num.start) for r in readings]
            made = []
            rate = None  # the unit of the sentence's last rate ("512 allegations per 1,000 employees")
            one_figure_row = (bullet or row) and len(readings) == 1 and not piped and not rate_in_brackets
            for r in readings:
                # "Of the 43, 29 were officers ... 17 of them remain in post": "of them" is the whole
                if (bullet or row) and list_role is not None and r.subject is None:
                    r.subject, r.subject_text = list_role  # "The outcomes for officers were:" above
                prev = prev_whole if r.anaphoric and prev_whole is not None else prev_claim
                if (bullet or row) and lead_claim is not None:
                    prev = lead_claim
                whole = _broken_down(doc, r, claims, sent) if r.strength <= 0 and r.measure == "reported" \
                    and not r.anaphoric else None
                if r.anaphoric and r.strength <= 0 and r.measure == "reported" and prev_whole is not None \
                        and prev_whole.measure not in (None, "reported") and prev_whole.unit == "count":
                    # "Facebook was involved in 611 of the cases": the cases the figure before counted
                    r.measure, r.measure_text = prev_whole.measure, prev_whole.measure_text
                elif whole is not None:
                    # "There were 14 cases of assault": the cases of the total they break down
                    r.measure, r.measure_text = whole.measure, whole.measure_text
                elif vetting_story and r.measure == "not_upheld" \
                        and (r.measure_text or "").lower() in REJECTION_WORDS:
                    # "312 applicants failed vetting ... Leicestershire rejected 94": in a story
                    # about vetting, rejected people are refused vetting, not complaints not upheld
                    r.measure = "other"
                elif top_cases is not None and r.strength <= 0 and r.measure == "reported" \
                        and (r.measure_text or "").lower() in ("cases", "case"):
                    # "84 officers and staff were investigated ... South Wales Police recorded 37
                    # cases": in a story about investigations, its cases are investigations
                    r.measure, r.measure_text = top_cases.measure, top_cases.measure_text
                elif r.strength <= 0 and r.measure == "reported" \
                        and (r.measure_text or "").lower() in GENERIC_CASES:
                    # "faced disciplinary action 73 times ... Of the 73 cases, ...": the cases the
                    # earlier figure of 73 counted
                    total = _earlier_total(doc, r.num, claims)
                    if total is not None and total.measure not in (None, "reported") \
                            and total.unit == "count":
                        r.measure, r.measure_text = total.measure, total.measure_text
                claim = self._claim(doc, sent, r, sentence, att, prev, stated_frames, stated_periods,
                                    claims, clauses, list_period if bullet or row else None,
                                    piece.period if piece is not None else None)
                col = text[:r.num.start_char - s_start].count("|") \
                    if row and piped and columns is not None else -1
                if claim.unit == "count" and 0 <= col < len(column_units) and column_units[col] is not None:
                    # "Durham | 6 | 4.5" under "... | Cases per 1,000 officers"
                    claim.unit = column_units[col]
                elif claim.unit == "count" and (bullet or row) and list_unit is not None \
                        and (not rate_in_brackets or r.bracketed):
                    claim.unit = list_unit  # "Cleveland – 21.4" under the rates' heading
                elif claim.unit == "count" and rate is not None and elliptic(doc, r):
                    claim.unit = rate  # "..., while Dyfed-Powys had the lowest at 121"
                elif claim.unit == "count" and one_figure_row and row_rate is not None and not r.counted_noun:
                    # "1. Cleveland – 497 allegations per 1,000 officers / 2. Durham – 461": the
                    # one-figure rows after a rate row give the same rate
                    claim.unit = row_rate
                if one_figure_row:
                    row_rate = claim.unit if claim.unit.startswith("per_") else row_rate
                if claim.unit.startswith("per_"):
                    rate = claim.unit
                made.append((r, claim))
                if sent.start_char < att.top and claim.measure == "other" \
                        and "vetting" in (claim.measure_text or "").lower():
                    vetting_story = True  # the top counts vetting refusals
                if top_cases is None and not top_seen and sent.start_char < att.top and r.strength >= 1 \
                        and claim.measure != "sanctioned":
                    # the first figure of the top with an outcome of its own ("disciplined" may be
                    # the cases or their outcome: the next one decides)
                    top_seen = True
                    if claim.measure in CASE_PROCESSES:
                        top_cases = claim
                if claim.confidence >= self.min_confidence:
                    claims.append(claim)
                    prev_claim = claim
                    if not (r.copula or r.rank or r.anaphoric):
                        prev_whole = claim
            link_changes(doc, made)  # the sentence's claims, completed in place
            figures_gave_claims = bool(made)
            att.after_sentence(sent, stated_frames)
            att.after_period(stated_periods, row=bullet or row or year_row(sent),
                             in_top=sent.start_char < att.top)
            long.after(sent)
        doc._.claims = [assign_probabilities(c, full_text) for c in claims]
        drop_cache(doc)  # the last component: the token table and span index are not needed now
        return doc

    def _claim(self, doc: Doc, sent: Span, r: Reading, sentence: TextSpan, att: ArticleAttribution,
               prev: Claim | None, stated_frames: list[Frame], stated_periods: list[PeriodRef],
               claims_so_far: _Claims, clauses: list[tuple[int, int, int]],
               list_period: PeriodRef | None = None, piece_period: PeriodRef | None = None) -> Claim:
        """One claim of a reading; ``list_period`` is the heading's period when the sentence is a
        list item or table row under one; ``piece_period`` the period an earlier piece of its
        sentence states (a sentence read in pieces)."""
        num = r.num
        subject, subject_text = r.subject, r.subject_text
        if subject is None and r.inherit_subject is not None and prev is not None:
            subject, subject_text = prev.subject, prev.subject_text
            roles = {c.subject for c in claims_so_far[-6:] if c.sentence.start == prev.sentence.start
                     and c.subject is not None}
            if prev.sentence.start < sentence.start and len(roles) > 1 and roles <= WORKER_ROLES:
                # "197 police officers, 58 members of police staff and eight PCSOs. Just 71 were
                # found to have a case to answer": the people of the whole breakdown
                subject, subject_text = "workforce", None
        frame_subject = att.article.subject
        if subject is None and frame_subject and (r.counted_noun or r.inherit_subject is not None):
            # "UK police officers receive 7,800 complaints ... 181 complaints resulted in formal
            # action": the people the article's top names are whom its cases are about
            subject, subject_text = frame_subject, att.article.evidence["subject"].text
        frame = att.force_for(sent, num, r.left, r.right, r.bracketed)
        if frame is not None and frame.force is not None and att.main.force is None \
                and _share_base(doc, num):
            # "The Met accounted for 92 of the 218 withdrawals": the 218 is everyone's, not the Met's
            frame = replace(att.main, source="frame", rule=att.main.rule)
        if frame is not None:
            stated_frames.append(frame)
            if frame.rule == "national_figure" and att.is_comparison(num, r.left):
                att.compared.append(frame)  # "compared with a national average of 3.1"
        elif r.anaphoric and prev is not None and not sums_up(sent) \
                and not (span_value(num, "unit") == "count" and prev.unit.startswith("per_")):
            # (a count is no part of a rate: "compared with a national average of 3.1 per 1,000.
            # The figures show 186 of the force's allegations ...")
            # "Of these, 12 were upheld": the same force or area as the figure referred to
            force = replace(prev.force, inherited=True) if prev.force else None
            frame = Frame(force=force, region=prev.region).tagged("previous_claim", "part_of_previous")
        else:
            frame = att.force_anaphor(sent, num) or att.inherited_frame()
        period = att.period_for(sent, num, r.left, r.right, stated_periods, clauses)
        if period is None and piece_period is not None:
            period = piece_period  # stated in the same sentence, pieces before
        if period is None and list_period is not None:
            # a table row under "Dismissals by force, 2017-18 to 2021-22": the heading's period
            period = replace(list_period, inherited=True, source="list_item", rule="list_heading_period")
        total = _earlier_total(doc, num, claims_so_far)
        if period is not None:
            # a change ("has grown by 60% over the past decade") compares periods too
            compared = att.is_comparison(num, r.left) or bool(span_value(num, "change"))
            if att.holds_frame(num, period, compared):
                att.hold_period = True
            if not compared:
                stated_periods.append(period)
        elif total is not None and total.period is not None:
            # "Of the 61 suspended officers, ...": the period of the earlier figure of 61
            period = replace(total.period, inherited=True, source="previous_claim", rule="repeated_total")
        else:
            period = att.inherited_period()
        confidence = STRENGTH_CONFIDENCE.get(max(0, min(3, r.strength)), 0.6)
        if subject is None and not r.counted_noun:
            confidence -= 0.1
        value_max = span_value(num, "value_max")
        unit, approx = span_value(num, "unit"), span_value(num, "approx")
        return Claim(
            value=_number(span_value(num, "value")), unit=unit or "count", approx=approx or "exact",
            value_max=None if value_max is None else _number(value_max),
            sentence=sentence, span=TextSpan(span_text(num), num.start_char, num.end_char),
            measure=r.measure, measure_text=r.measure_text, subject=subject, subject_text=subject_text,
            rank=r.rank, force=frame.force, region=None if frame.force else frame.region,
            region_source=None if frame.force or not frame.region else frame.source,
            region_rule=None if frame.force or not frame.region else frame.rule,
            period=period, platforms=list(r.platforms), confidence=round(confidence, 3),
            article=doc_value(doc, "article_id"), published=None,
        )


@Language.factory("misconduct_claims", default_config={"min_confidence": 0.0})
def make_claim_builder(nlp: Language, name: str, min_confidence: float) -> ClaimBuilder:
    """Builds ``doc._.claims`` from the numbers, lexicon, force and period spans; raises
    :class:`~misconduct_nlp.errors.PipelineError` if ``nlp`` lacks the components it reads."""
    from ..errors import Errors, PipelineError
    from . import missing_for_claims

    missing = missing_for_claims(nlp)
    if missing:
        raise PipelineError(Errors.E401.format(name=name, missing=", ".join(missing)))
    return ClaimBuilder(nlp, name, min_confidence)
