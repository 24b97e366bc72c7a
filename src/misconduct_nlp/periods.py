"""Time spans as British news reports write them: "since 2009", "between 2009 and early 2013",
"in 2019/20", "in the five years to February 2014", "over the past five years", "last year".

Three entry points:

* :func:`parse_period` turns one phrase into a :class:`Period` (inclusive ISO dates);
* :func:`find_period_mentions` finds every period phrase in running text (one compiled regex
  pass), each tagged ``absolute``, ``relative`` (needs the publication date) or
  ``anaphoric`` ("during these four years": refers back to a period set earlier);
* :func:`find_dateline` reads a publication dateline ("Published: 12 April 2013").

The span grammar (regexes with macros, month and number words, the meaning of "early" or
"the end of") lives in ``data/periods.json``, each pattern with the examples it exists for.
The grammar finds the phrases and splits them into endpoints; its own tables read the usual
endpoints ("2009", "March 2019", "3rd March 2019", "2019/20", "early 2013") with the standard
library. An endpoint or dateline date the tables cannot read but that looks like a date
("03/03/2019", "3.3.2019", "Sept. 2019", "the 1st of June 2020", "Tuesday 3 March 2014",
"12-Apr-13") goes to dateparser -- that short phrase only, never a sentence (its
``search_dates`` reads "(88)" as 1988), imported on first need (it costs ~0.3 s) and cached.

Conventions (documented choices):

* UK financial years: "2019/20", "2019/2020", "2019-20" and anything called a financial or
  fiscal year run 1 April to 31 March. "2018-2021" (four digits both sides) and "2018-21"
  (not consecutive) are calendar years.
* Relative phrases ("over the past five years", "last year", "this year", "in May") resolve
  against ``published`` and give ``None`` without it -- never a guess about today.
  "The past N years" ends on the publication date and starts the day after the same date
  N years earlier; "this year" runs from 1 January to the publication date.
* "since X" runs from the start of X to the publication date (``None`` without one).
* An open start ("up to early 2013", "until 2015") gives ``None`` unless the caller passes
  ``default_start`` (the start of a period stated earlier): a Period needs both dates and
  the text gives no start.
* "early" = January-March (days 1-10 of a month), "mid" = May-August (days 11-20),
  "late" = October-December (days 21-end), "the start/beginning of" = January,
  "the end of" = December, "the middle of" = June-July; see ``fuzzy`` in the data file.
* An unanchored duration ("over five years", "over a four-year period") is a *relative*
  mention read as the N years to publication, but it is dropped when an explicit period
  follows it ("over five years (Jan 2009 to Feb 2014)", "over a four year period between
  2009 and 2012"), and never read after "for", "of", "than", "to", "aged" or before "ago",
  "old", "in jail". A bare month ("in May", "since March") must be capitalised and means the
  latest such month not after publication.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from re import _constants as _re_constants  # the regex parser re.compile runs, and its codes:
from re import _parser as _re_parser  # read to work out the words a pattern can start with
from typing import Any, NamedTuple

from . import regexcache
from .errors import Errors, RemovedError
from .model import PeriodRef

KINDS = ("absolute", "relative", "anaphoric")


@dataclass(frozen=True)
class Period:
    """A resolved time span: ``start`` and ``end`` inclusive, ``text`` the phrase it came from."""

    start: date
    end: date
    text: str

    def to_ref(self, inherited: bool = False) -> PeriodRef:
        """The period as the claim record's :class:`~misconduct_nlp.model.PeriodRef`."""
        return PeriodRef(start=self.start, end=self.end, text=self.text, inherited=inherited)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "text": self.text}


@dataclass(frozen=True)
class PeriodMention:
    """A period phrase in running text: character offsets (``text == source[start:end]``) and kind."""

    start: int
    end: int
    text: str
    kind: str


@dataclass(frozen=True)
class PeriodPattern:
    """One rule of the span grammar, compiled, with the examples it exists for."""

    name: str
    kind: str
    resolve: str
    source: str  # the regex, macros expanded
    mention: bool
    examples: tuple[dict[str, Any], ...]

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled rule (compiled on first use: the scan runs the combined regex)."""
        return regexcache.compile(self.source, _FLAGS)


# ---------------------------------------------------------------------------------------------
# the grammar: data/periods.json compiled once

_MACRO_RE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_GROUP_NAME_RE = re.compile(r"\(\?P<\w+>")
_FLAGS = re.IGNORECASE


def _alternation(words: list[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any whitespace."""
    parts = [r"\s+".join(re.escape(w) for w in phrase.split()) for phrase in words]
    return "(?:" + "|".join(sorted(parts, key=len, reverse=True)) + ")"


class PeriodGrammar:
    """Everything compiled from one grammar (the layout of ``data/periods.json``).

    A ``misconduct_periods`` component holds one (``nlp.get_pipe("misconduct_periods").grammar``);
    the functions of this module take one as ``grammar=`` and use the default grammar
    (:func:`default_grammar`) without it.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        # parse results that did not look at the publication date ("in 2019", "between 2009
        # and 2013"): the same for every article, whatever its date; by (phrase, default start)
        self.undated: dict[tuple[str, date | None], tuple[Period | None]] = {}
        self.months: dict[str, int] = {k.lower(): int(v) for k, v in data["months"].items()}
        self.numbers: dict[str, int] = {k.lower(): int(v) for k, v in data["numbers"].items()}
        self.unit_months: dict[str, int] = {k: int(v) for k, v in data["unit_months"].items()}
        fillers = data.get("fillers", {}).get("words", [])
        self.rx_fillers = (regexcache.compile(r"(?:\s+" + _alternation(fillers) + r")+$", _FLAGS)
                           if fillers else None)
        self.fuzzy: dict[str, dict[str, Any]] = {
            " ".join(row["words"].lower().split()): row for row in data["fuzzy"]}

        month_rx = _alternation(list(self.months)) + "(?![a-z])"
        full_names = [calendar.month_name[i] for i in range(1, 13)]
        abbr_ends = sorted({k[-3:] for k in self.months if k not in {n.lower() for n in full_names}})
        built = {
            "MONTH": month_rx,
            # "Sept." and "Jan.": an abbreviation may take a full stop ("May." is a sentence end)
            "MON": month_rx + r"(?:(?<=" + "|".join(map(re.escape, abbr_ends)) + r")\.)?",
            "MONTHNAME": "(?-i:" + "|".join(full_names) + ")",
            "NUM": "(?:" + _alternation(list(self.numbers)) + r"|\d{1,3}(?![\d,]))",
            "FUZZY": _alternation(list(self.fuzzy)) + r"[-\s]+",
            "TRIGGER_WORDS": _alternation(list(data["trigger_words"])),
        }
        # the words a mention can start with (see TRIGGER); numbers and "FY..." are tested apart
        self.first_words = frozenset(
            [w.lower() for w in data["trigger_words"]] + list(self.months)
            + [phrase.split()[0] for phrase in self.fuzzy])
        self.macros = {**data["macros"], **built}
        self._expanded: dict[str, str] = {}

        self.patterns: tuple[PeriodPattern, ...] = tuple(
            PeriodPattern(
                name=row["name"], kind=row["kind"], resolve=row["resolve"],
                source=self.expand(row["regex"]),
                mention=bool(row.get("mention", True)), examples=tuple(row.get("examples", ())),
            )
            for row in data["patterns"]
        )
        self.by_name = {p.name: p for p in self.patterns}
        self.mention_patterns = tuple(p for p in self.patterns if p.mention)
        # the patterns that can start with a word, and the words that can follow it (at_word)
        self._at_word: dict[str, tuple[tuple[PeriodPattern, ...], _Seconds | None]] = {}

        # endpoint readers: full matches on one normalised endpoint phrase
        m, fy = month_rx, r"(?:financial|fiscal)\s+year"
        self.rx_point = [(name, regexcache.compile(self.expand(rx), _FLAGS)) for name, rx in (
            ("fuzzy", r"(?P<f>" + _alternation(list(self.fuzzy)) + r")[-\s]+(?P<rest>.+)"),
            ("now", r"now|today|date|the\s+present(?:\s+day)?"),
            ("span", rf"(?:the\s+)?(?P<pre>{fy}\s+|fy\s?)?(?P<y1>\d{{4}})\s?(?P<sep>[/–—-])\s?"
                     rf"(?P<y2>\d{{4}}|\d{{2}})(?P<post>\s+{fy})?"),
            ("dmy", rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{m}),?(?:\s+(?P<y>\d{{4}}))?"),
            ("mdy", rf"(?P<m>{m})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?"),
            ("my", rf"(?P<m>{m}),?\s+(?:of\s+)?(?P<y>\d{{4}})"),
            ("mrel", rf"(?P<m>{m})\s+(?:of\s+)?(?P<rel>this|last)\s+(?:calendar\s+)?year"),
            ("lastm", rf"last\s+(?P<m>{m})"),
            ("rel", r"(?P<rel>this|last)\s+(?:calendar\s+)?year"),
            ("m", rf"(?P<m>{m})"),
            ("y", r"(?P<y>\d{4})"),
        )]
        self.rx_part = regexcache.compile(
            r"(?P<pos>first|last|final|opening|closing|second|third|fourth)\s+"
            r"(?:(?P<n>\S+)\s+(?P<unit>months|weeks)|(?P<frac>half|quarter))", _FLAGS)

        dl = data["dateline"]
        self.published_labels = {" ".join(w.lower().split()) for w in dl["published_labels"]}
        labels = _alternation([*dl["published_labels"], *dl["updated_labels"]])
        day = r"\d{1,2}(?:st|nd|rd|th)?"
        ddate = "|".join([
            rf"{day}\s+(?:of\s+)?{m}\.?,?\s+\d{{4}}|{m}\.?\s+{day},?\s+\d{{4}}"
            r"|\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})(?!\d)|\d{4}-\d{2}-\d{2}",
            *(self.expand(row["regex"]) for row in dl.get("fallback_forms", ()))])
        weekday = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
        clock = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,4})?,?\s+"
        self.rx_dateline = regexcache.compile(
            rf"(?:^|[|•·–—])\s*(?P<label>{labels})(?:\s+(?:on|at))?\s*[:|–—-]?\s*(?:{weekday})?(?:{clock})?"
            rf"(?:{weekday})?(?P<date>{ddate})", _FLAGS)
        self.rx_label_line = regexcache.compile(rf"{labels}(?:\s+(?:on|at))?\s*[:|–—-]?", _FLAGS)
        self.rx_bare_dateline = regexcache.compile(
            rf"(?:{weekday})?(?P<date>{ddate})(?:,?\s+(?:at\s+)?\d{{1,2}}[:.]\d{{2}}.*)?", _FLAGS)
        self.rx_date_words = [regexcache.compile(rx, _FLAGS) for rx in (
            rf"(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{m})\.?,?\s+(?P<y>\d{{4}})",
            rf"(?P<m>{m})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
            r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})",
            r"(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})[/.](?P<y>\d{4}|\d{2})",
        )]
        # what may go to dateparser: a numeric date, or words with a digit and a year or month
        self.rx_numeric_date = regexcache.compile(
            r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}")
        self.rx_year_or_month = regexcache.compile(rf"(?<!\d)\d{{4}}(?!\d)|(?<![a-z]){m}", _FLAGS)

    @cached_property
    def combined(self) -> re.Pattern[str]:
        """Every mention pattern as one regex, TRIGGER first, each a group by name, in grammar
        order (:func:`find_period_mentions` scans with it; the component's scan tries at each
        word only the patterns :meth:`at_word` gives, as :meth:`match_at` does)."""
        return regexcache.compile(self.expand("{TRIGGER}") + "(?:" + "|".join(
            f"(?P<{p.name}>{_GROUP_NAME_RE.sub('(?:', p.source)})" for p in self.mention_patterns) + ")",
            _FLAGS)

    @cached_property
    def trigger(self) -> re.Pattern[str]:
        """The TRIGGER macro alone: where the combined regex may try its patterns at all."""
        return regexcache.compile(self.expand("{TRIGGER}"), _FLAGS)

    def match_at(self, text: str, start: int, patterns: tuple[PeriodPattern, ...]
                 ) -> tuple[PeriodPattern, re.Match[str]] | None:
        """What the combined regex, cut down to ``patterns`` (in grammar order), matches at
        ``start``: TRIGGER, then the first of them to match there, with its match."""
        if self.trigger.match(text, start) is None:
            return None
        for pattern in patterns:
            m = pattern.regex.match(text, start)
            if m is not None:
                return pattern, m
        return None

    @cached_property
    def leading_words_of(self) -> dict[str, frozenset[Lead] | None]:
        """Each mention pattern's possible first two words, by name, as :data:`Lead` tuples
        worked out from the pattern's regex (lower-cased); ``None``: it could start anywhere.
        They may allow words the pattern never matches, never leave out one it does."""
        analysis = _LeadingWords(self.macros)
        rows = {row["name"]: row["regex"] for row in self.data["patterns"]}
        return {p.name: analysis.of(rows[p.name]) for p in self.mention_patterns}

    @cached_property
    def _lead_index(self) -> dict[str, tuple[dict[str, list[Lead]], list[Lead]] | None]:
        """:attr:`leading_words_of` by name, each pattern's leads by their whole first word,
        apart from those whose first word is open (a digit or anything may follow)."""
        out: dict[str, tuple[dict[str, list[Lead]], list[Lead]] | None] = {}
        for name, leads in self.leading_words_of.items():
            if leads is None:
                out[name] = None
                continue
            by_word: dict[str, list[Lead]] = {}
            others: list[Lead] = []
            for lead in sorted(leads, key=repr):
                if lead[1] == "word":
                    by_word.setdefault(lead[0], []).append(lead)
                else:
                    others.append(lead)
            out[name] = (by_word, others)
        return out

    @cached_property
    def first_words_of(self) -> dict[str, frozenset[tuple[str, str]] | None]:
        """Each mention pattern's possible first words, by name: ``(prefix, how)`` pairs, ``how``
        being ``"word"`` (the ``\\w+`` run at the start is ``prefix``), ``"digit"`` (``prefix``
        then a digit) or ``"more"`` (``prefix`` then anything); ``None``: could start anywhere
        (the first half of :attr:`leading_words_of`)."""
        return {name: None if leads is None else frozenset((lead[0], lead[1]) for lead in leads)
                for name, leads in self.leading_words_of.items()}

    def can_start(self, word: str) -> bool:
        """Whether a mention can start at ``word`` (a whole ``\\w+`` run, lower-cased) at all:
        one of :attr:`first_words`, a number, or "FY..." (what TRIGGER lets through)."""
        return word in self.first_words or word[:1].isdigit() or word[:2] == "fy"

    def at_word(self, word: str) -> tuple[tuple[PeriodPattern, ...], _Seconds | None]:
        """The mention patterns to try where a word starts, ``word`` being the whole ``\\w+``
        run there, lower-cased: those that can start with that word, in grammar order, so the
        first of them to match is the one the combined regex picks (all of them for a word
        beyond ASCII: case-blind matching of such characters is not followed); and the words
        that can follow ``word`` in a match of one (``None``: any may, or a match can end in
        or right after it): where the next word is none of them, none can match."""
        key = "0" if word[:1].isdigit() else word  # every digit-led word has the same patterns
        found = self._at_word.get(key)
        if found is not None:
            return found
        if not key.isascii():
            found = (self.mention_patterns, None)
        else:
            patterns, matched = [], []
            for p in self.mention_patterns:
                index = self._lead_index[p.name]
                if index is None:  # could start anywhere
                    patterns.append(p)
                    matched.append(None)
                    continue
                by_word, others = index
                leads = by_word.get(key, []) + [lead for lead in others if _admits(lead[0], lead[1], key)]
                if leads:
                    patterns.append(p)
                    matched.append(leads)
            found = (tuple(patterns), _Seconds.after(matched) if patterns else None)
        if key == "0" or key in self.first_words:  # a bounded set of words: keep the answer
            self._at_word[key] = found
        return found

    def expand(self, rx: str) -> str:
        """``rx`` with every ``{MACRO}`` replaced (recursively) by its regex."""
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self._expanded:
                if name not in self.macros:
                    raise KeyError(f"unknown macro {{{name}}} in period grammar")
                self._expanded[name] = "(?:" + self.expand(self.macros[name]) + ")"
            return self._expanded[name]
        return _MACRO_RE.sub(sub, rx)


# ---------------------------------------------------------------------------------------------
# where a pattern can start: the words it can begin with, worked out from its regex

Lead = tuple[str, str, "str | None", "str | None"]
r"""A pattern's possible start: ``(first, how, second, how_second)``. ``first`` and ``how`` say
what the ``\w+`` run at the start is: ``"word"`` -- exactly ``first``; ``"digit"`` --
``first`` then a digit, then anything; ``"more"`` -- ``first`` then anything. After a whole
first word (``how == "word"``), ``second`` is ``None`` when anything may follow, else the next
``\w+`` run (after the non-word characters between) read the same way by ``how_second``."""


class _Unknown(Exception):
    """A regex construct the first-word analysis does not follow: the pattern is tried everywhere."""


_WORD_CHAR = re.compile(r"\w")
_NEXT_WORD = re.compile(r"\W*(\w*)")
_MAX_RUNS = 4096  # open prefixes followed at once before giving up on a pattern
_MAX_TURNS = 12  # turns of an unbounded repeat followed before "any continuation"
# a macro stands in the parsed regex as one private-use character (plane 15), parsed apart
_PLACEHOLDER = 0xF0000
# a state of the walk: (first word so far, phase, second word so far); phase 0: in the first
# word, 1: in the non-word characters after it, 2: in the second word
_State = tuple[str, int, str]
# a macro is walked from these stand-ins (by phase; 3: at the very start) and the words so far
# put back for them; the walk only appends to them and asks whether the first word is empty
_STAND_INS: dict[int, _State] = {
    0: ("\x01", 0, ""), 1: ("\x01", 1, ""), 2: ("\x01", 2, "\x02"), 3: ("", 0, "")}


def _ended(state: _State, how: str) -> Lead:
    """The lead of a walk that stops at ``state``: what follows is ``how`` ("digit": a digit,
    "more": anything, "word": nothing more of the word)."""
    first, phase, second = state
    if phase == 0:
        return (first, how, None, None)
    if phase == 1:  # after the first word: a digit may follow, or anything
        return (first, "word", "", "digit") if how == "digit" else (first, "word", None, None)
    return (first, "word", second, how)


class _LeadingWords:
    """The first two words a grammar regex can match at a word start (:data:`Lead` tuples).

    A "word" is a ``\\w+`` run, lower-cased, as :func:`find_period_mentions_at` is given it.
    Lookarounds are not read (so the answer may hold words the regex never matches, never
    misses one it does). Each macro is parsed on its own (``{NAME}`` as one placeholder
    character) and only as far as two words reach, so this costs little next to compiling.
    """

    def __init__(self, macros: dict[str, str]) -> None:
        self.macros = macros
        self.names = sorted(macros)
        self.parsed: dict[str, Any] = {}
        self.walked: dict[tuple[str, int], tuple[frozenset[_State], frozenset[Lead]]] = {}
        self.classes: dict[tuple[Any, ...], tuple[frozenset[str], bool, bool, bool]] = {}

    def _parse(self, rx: str) -> Any:
        def sub(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.macros:
                raise KeyError(f"unknown macro {{{name}}} in period grammar")
            return chr(_PLACEHOLDER + self.names.index(name))
        return _re_parser.parse(_MACRO_RE.sub(sub, rx), _FLAGS)

    def of(self, rx: str) -> frozenset[Lead] | None:
        """The leads of ``rx`` (macros unexpanded), or ``None`` when it cannot tell."""
        try:
            states, done = self._walk(self._parse(rx), frozenset([("", 0, "")]))
        except _Unknown:
            return None
        return frozenset(done | {_ended(st, "more") for st in states})

    def _macro(self, name: str, states: frozenset[_State]) -> tuple[frozenset[_State], frozenset[Lead]]:
        """Walk macro ``name`` from ``states``: walked once per kind of state (from a stand-in
        for the words so far), the words so far put back in front of what it adds."""
        if name not in self.parsed:
            self.parsed[name] = self._parse(self.macros[name])
        out: set[_State] = set()
        done: set[Lead] = set()
        for first, phase, second in states:
            kind = 3 if phase == 0 and not first else phase
            key = (name, kind)
            if key not in self.walked:
                self.walked[key] = self._walk(self.parsed[name], frozenset([_STAND_INS[kind]]))
            walked_states, walked_done = self.walked[key]
            if kind == 3:
                out |= walked_states
                done |= walked_done
                continue
            # the stand-ins' first character is the first (and in phase 2 the second) word so far
            out |= {(first + f[1:], ph, second + sec[1:] if kind == 2 else sec)
                    for f, ph, sec in walked_states}
            done |= {(first + f[1:], how, None if sec is None else second + sec[1:] if kind == 2 else sec,
                      how_second) for f, how, sec, how_second in walked_done}
        if len(out) > _MAX_RUNS:
            raise _Unknown("too many leading words")
        return frozenset(out), frozenset(done)

    def _walk(self, seq: Any, states: frozenset[_State]) -> tuple[frozenset[_State], frozenset[Lead]]:
        """Follow ``seq`` from ``states``: (states still open after it, leads ended in it)."""
        c = _re_constants
        done: set[Lead] = set()
        for op, av in seq:
            if not states:
                break
            if op is c.LITERAL or op is c.IN:
                items = [(c.LITERAL, av)] if op is c.LITERAL else av
                # the parser makes "{A}|{B}" (one character each) a class: each macro apart
                macros = [code for kind, code in items if kind is c.LITERAL and code >= _PLACEHOLDER]
                chars = [item for item in items if not (item[0] is c.LITERAL and item[1] >= _PLACEHOLDER)]
                out = set(self._chars(chars, states, done)) if chars else set()
                for code in macros:
                    macro_states, ended = self._macro(self.names[code - _PLACEHOLDER], states)
                    out |= macro_states
                    done |= ended
                states = frozenset(out)
            elif op is c.SUBPATTERN:
                states, ended = self._walk(av[3], states)
                done |= ended
            elif op is c.ATOMIC_GROUP:
                states, ended = self._walk(av, states)
                done |= ended
            elif op is c.BRANCH:
                out = set()
                for alt in av[1]:
                    alt_states, ended = self._walk(alt, states)
                    out |= alt_states
                    done |= ended
                states = frozenset(out)
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                states = self._repeat(av, states, done)
            elif op is c.AT:
                if av is c.AT_BOUNDARY:  # after a word character: that word ends here
                    out = set()
                    for st in states:
                        if st[1] == 0 and st[0]:
                            out.add((st[0], 1, ""))
                        elif st[1] == 2:
                            done.add((st[0], "word", st[2], "word"))
                        else:
                            out.add(st)
                    states = frozenset(out)
                # other anchors consume nothing: the characters around them decide
            elif op in (c.ASSERT, c.ASSERT_NOT):
                pass  # lookarounds consume nothing; not reading them only adds words
            elif op in (c.ANY, c.NOT_LITERAL):
                done |= {_ended(st, "more") for st in states}
                states = frozenset()
            else:
                raise _Unknown(str(op))
            if len(states) > _MAX_RUNS:
                raise _Unknown("too many leading words")
        return states, frozenset(done)

    def _repeat(self, av: Any, states: frozenset[_State], done: set[Lead]) -> frozenset[_State]:
        c = _re_constants
        low, high, item = av
        out = set(states) if low == 0 else set()
        current, seen = states, set()
        for turn in range(1, _MAX_TURNS + 1):
            current, ended = self._walk(item, current)
            done |= ended
            if not current:
                break
            if turn >= low:
                out |= current
            if high is not c.MAXREPEAT and turn >= high:
                break
            if current <= seen:  # nothing new ("\s+" in the gap): more turns give only these
                out |= seen
                break
            seen |= current
        else:
            done |= {_ended(st, "more") for st in current}
        return frozenset(out)

    def _chars(self, items: Any, states: frozenset[_State], done: set[Lead]) -> frozenset[_State]:
        """One character from the class ``items`` (a LITERAL or IN's list) after each state."""
        key = tuple(items)
        if key not in self.classes:
            self.classes[key] = _char_class(items)
        letters, digit, other, anything = self.classes[key]
        if anything:
            done |= {_ended(st, "more") for st in states}
            return frozenset()
        if digit:
            done |= {_ended(st, "digit") for st in states}
        out: set[_State] = set()
        for first, phase, second in states:
            if other:  # a character that is no word character (none can open the match)
                if phase == 0 and first:
                    out.add((first, 1, ""))
                elif phase == 1:
                    out.add((first, 1, ""))
                elif phase == 2:
                    done.add((first, "word", second, "word"))
            for ch in letters:
                if phase == 0:
                    out.add((first + ch, 0, ""))
                elif phase == 1:
                    out.add((first, 2, ch))
                else:
                    out.add((first, 2, second + ch))
        return frozenset(out)


def _char_class(items: Any) -> tuple[frozenset[str], bool, bool, bool]:
    """What one character of a parsed class can be: (its letters, lower-cased; a digit; a
    character that is no word character; anything else, not followed)."""
    c = _re_constants
    letters: set[str] = set()
    digit = other = anything = False
    for op, av in items:
        if op is c.LITERAL or op is c.RANGE:
            low, high = (av, av) if op is c.LITERAL else av
            if high >= _PLACEHOLDER:
                raise _Unknown("a macro inside a character class")
            if high - low > 64:
                anything = True
                continue
            for code in range(low, high + 1):
                ch = chr(code)
                if not _WORD_CHAR.match(ch):
                    other = True
                elif ch.isdigit():
                    digit = True
                elif ch.lower() == ch.upper():
                    anything = True  # a word character without case: not followed
                else:
                    letters.add(ch.lower())
        elif op is c.CATEGORY and av in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD, c.CATEGORY_LINEBREAK):
            other = True
        elif op is c.CATEGORY and av is c.CATEGORY_DIGIT:
            digit = True
        else:  # \w, \S, \D, a negated class ...: any character
            anything = True
    return frozenset(letters), digit, other, anything


def _admits(prefix: str, how: str, word: str) -> bool:
    """Whether ``word`` is what ``(prefix, how)`` describes (see :data:`Lead`)."""
    if how == "word":
        return word == prefix
    if not word.startswith(prefix):
        return False
    return how == "more" or (len(word) > len(prefix) and word[len(prefix)].isdigit())


def _starts_with(firsts: frozenset[tuple[str, str]], word: str) -> bool:
    """Whether a first word ``word`` (lower-cased ``\\w+`` run) is among ``firsts``."""
    return any(_admits(prefix, how, word) for prefix, how in firsts)


@dataclass(frozen=True)
class _Seconds:
    """The words that can follow a first word in a match (see :meth:`PeriodGrammar.at_word`)."""

    words: frozenset[str]
    prefixes: tuple[tuple[str, str], ...]  # (prefix, "digit" or "more")

    @staticmethod
    def after(matched: list[list[Lead] | None]) -> _Seconds | None:
        """The second words of the leads that admit a first word, one list per pattern
        (``None``: a pattern that could start anywhere); ``None`` when a match may end in or
        right after the first word, or anything may follow it."""
        words: set[str] = set()
        prefixes: set[tuple[str, str]] = set()
        for leads in matched:
            if leads is None:
                return None
            for _first, how, second, how_second in leads:
                if how != "word" or second is None or how_second is None:
                    return None
                if how_second == "word":
                    words.add(second)
                else:
                    prefixes.add((second, how_second))
        return _Seconds(frozenset(words), tuple(sorted(prefixes)))

    def admit(self, text: str, end: int) -> bool:
        """Whether the ``\\w+`` run after the non-word characters at ``text[end:]`` can be the
        second word (one beyond ASCII always can: case-blind matching is not followed)."""
        m = _NEXT_WORD.match(text, end)
        second = m.group(1) if m is not None else ""
        if not second.isascii():
            return True
        second = second.lower()
        return second in self.words or any(_admits(p, how, second) for p, how in self.prefixes)


def _default_path() -> Any:
    return resources.files("misconduct_nlp").joinpath("data", "periods.json")


_Grammar = PeriodGrammar  # the name before the grammar became public

# the grammar a parse in progress uses (set by the functions that take ``grammar=``)
_ACTIVE: ContextVar[PeriodGrammar | None] = ContextVar("misconduct_period_grammar", default=None)


@lru_cache(maxsize=1)
def _load() -> PeriodGrammar:
    """The package's grammar, read and compiled once."""
    return PeriodGrammar(json.loads(_default_path().read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def package_data() -> dict[str, Any]:
    """The package's grammar data (``data/periods.json``); do not change it in place."""
    return _load().data


def default_grammar() -> PeriodGrammar:
    """The grammar used when none is given: the package's (compiled once and shared; a
    component that changes its grammar gets a new one, this one is never changed). New
    ``misconduct_periods`` components start from it."""
    return _load()


def load_grammar(source: str | Path | dict[str, Any] | None = None) -> PeriodGrammar:
    """A grammar from a file or from data in the layout of ``data/periods.json`` (``None``: the
    package's); the package's data gives the shared, already compiled, package grammar."""
    if source is None:
        return _load()
    if isinstance(source, dict):
        return _load() if source == package_data() else PeriodGrammar(source)
    return load_grammar(json.loads(Path(source).read_text(encoding="utf-8")))


def _grammar() -> PeriodGrammar:
    g = _ACTIVE.get()
    return g if g is not None else default_grammar()


@contextmanager
def _using(g: PeriodGrammar) -> Iterator[PeriodGrammar]:
    token = _ACTIVE.set(g)
    try:
        yield g
    finally:
        _ACTIVE.reset(token)


def use_grammar(path: str | Path | None = None) -> None:
    """Gone: it changed the grammar of every pipeline built afterwards in the process. Raises
    :class:`~misconduct_nlp.errors.RemovedError` (E408); use
    ``nlp.get_pipe("misconduct_periods").use_grammar(path)`` on the pipeline to change, or pass
    ``grammar=load_grammar(path)`` to :func:`parse_period` and :func:`find_period_mentions`.
    """
    raise RemovedError(Errors.E408)


def clear_caches() -> None:
    """Forget every parsed phrase (after changing the grammar, or to time a cold start)."""
    _parse_cached.cache_clear()
    default_grammar().undated.clear()
    _mention_kind.cache_clear()
    _dateparser_interval.cache_clear()


def grammar_patterns() -> tuple[PeriodPattern, ...]:
    """The compiled patterns of the active grammar, in priority order."""
    return _grammar().patterns


def grammar_data() -> dict[str, Any]:
    """The raw grammar data (for tests and documentation)."""
    return _grammar().data


# ---------------------------------------------------------------------------------------------
# date arithmetic


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    found = _date_from_words(text)
    if found is None:
        raise ValueError(f"not a date: {value!r}")
    return found


class _Interval(NamedTuple):
    first: date
    last: date
    yearless: bool = False


class _Ctx:
    """Resolution context: the publication date, and whether a relative phrase needed it."""

    def __init__(self, published: date | None) -> None:
        self._published = published
        self.relative = False
        self.used = False  # the publication date was looked at

    @property
    def published(self) -> date | None:
        self.used = True
        return self._published

    def anchor(self) -> date | None:
        self.relative = True
        return self.published


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower().strip(" ,")


def _number(word: str | None) -> int | None:
    if not word:
        return None
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return _grammar().numbers.get(word)


def _unit_key(unit: str) -> str:
    unit = unit.lower()
    return unit[:-1] if unit.endswith("s") else unit


def _shift_back(day: date, n: int, unit: str) -> date:
    """``day`` moved back by ``n`` units (months via calendar months, weeks/days via days)."""
    key = _unit_key(unit)
    months = _grammar().unit_months.get(key, 0)
    if months:
        return _add_months(day, -n * months)
    return day - timedelta(days=n * (7 if key == "week" else 1))


def _valid_year(year: int) -> bool:
    return 1900 <= year <= 2100


def _month_of(month: int, ctx: _Ctx, year_hint: int | None, before: bool = False) -> _Interval | None:
    """A month named without a year: the hinted year, else the latest one not after publication."""
    if year_hint is not None:
        return _Interval(date(year_hint, month, 1), _month_end(year_hint, month), True)
    pub = ctx.anchor()
    if pub is None:
        return None
    year = pub.year if (month < pub.month or (month == pub.month and not before)) else pub.year - 1
    return _Interval(date(year, month, 1), _month_end(year, month))


def _year_span(m: re.Match[str]) -> _Interval | None:
    y1, raw2 = int(m["y1"]), m["y2"]
    y2 = int(raw2) if len(raw2) == 4 else (y1 // 100) * 100 + int(raw2)
    if len(raw2) == 2 and y2 < y1:
        y2 += 100
    fiscal = bool(m["pre"] or m["post"]) or m["sep"] == "/" or (len(raw2) == 2 and y2 == y1 + 1)
    if not (_valid_year(y1) and _valid_year(y2)) or y2 <= y1 or y2 - y1 > 50:
        return None
    if fiscal:
        return _Interval(date(y1, 4, 1), date(y2, 3, 31))
    return _Interval(date(y1, 1, 1), date(y2, 12, 31))


def _apply_fuzzy(spec: dict[str, Any], inner: _Interval) -> _Interval | None:
    first, last = inner.first, inner.last
    if first.day == 1 and first.year == last.year and first.month == last.month:
        if not spec.get("month_days"):  # "summer March 2019": a season of a month is nothing
            return None
        d1, d2 = spec["month_days"]
        end_day = calendar.monthrange(first.year, first.month)[1]
        return _Interval(first.replace(day=min(d1, end_day)), first.replace(day=min(d2, end_day)),
                         inner.yearless)
    m1, m2 = spec["year_months"]
    start = _add_months(first, m1 - 1)
    end = min(_add_months(first, m2) - timedelta(days=1), last)
    return _Interval(start, end, inner.yearless) if start <= end else None


# dateparser: the fallback for a date the tables cannot read (imported on first need only)

_DATEPARSER_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past",
    "STRICT_PARSING": False,  # REQUIRE_PARTS says which parts must be written
}
_ENDPOINT_PARTS = ("month", "year")        # an endpoint: a month of a year, or a day of it
_DATELINE_PARTS = ("day", "month", "year")  # a dateline or publication date: a whole date
_MAX_FALLBACK_CHARS = 40


def _looks_like_date(phrase: str) -> bool:
    """Whether ``phrase`` may go to dateparser: short, and a numeric date ("03/03/2019") or
    words with a digit and a 4-digit year or a month name. Bare numbers ("(88)", "276") never."""
    if len(phrase) > _MAX_FALLBACK_CHARS:
        return False
    g = _grammar()
    if g.rx_numeric_date.search(phrase):
        return True
    return (any(c.isalpha() for c in phrase) and any(c.isdigit() for c in phrase)
            and g.rx_year_or_month.search(phrase) is not None)


@lru_cache(maxsize=64)
def _date_parser(base: date | None, parts: tuple[str, ...]) -> Any:
    from dateparser.date import DateDataParser  # lazy: ~0.3 s, never on the common path

    settings: dict[str, Any] = {**_DATEPARSER_SETTINGS, "REQUIRE_PARTS": list(parts)}
    if base is not None:
        settings["RELATIVE_BASE"] = datetime(base.year, base.month, base.day)
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=4096)
def _dateparser_interval(phrase: str, base: date | None, parts: tuple[str, ...]) -> _Interval | None:
    """What dateparser reads in one short date phrase: the day it names, or the whole month
    when it names only a month and year; ``None`` for a year outside 1900-2100 or no date."""
    if not _looks_like_date(phrase):
        return None
    try:
        data = _date_parser(base, parts).get_date_data(phrase)
    except (ValueError, OverflowError, TypeError):
        return None
    found = data.date_obj if data is not None else None
    if found is None or not _valid_year(found.year):
        return None
    day = found.date()
    if data.period == "day":
        return _Interval(day, day)
    if data.period == "month" and "day" not in parts:
        return _Interval(day.replace(day=1), _month_end(day.year, day.month))
    return None


def _point(text: str, ctx: _Ctx, year_hint: int | None = None) -> _Interval | None:
    """One endpoint phrase ("2009", "early 2013", "February this year", "2019/20") as dates."""
    g = _grammar()
    phrase = _norm(text)
    for name, rx in g.rx_point:
        m = rx.fullmatch(phrase)
        if m is None:
            continue
        groups = m.groupdict()
        month = g.months.get(groups["m"].lower()) if groups.get("m") else None
        year = int(groups["y"]) if groups.get("y") else None
        if year is not None and not _valid_year(year):
            return None
        if name == "fuzzy":
            inner = _point(m["rest"], ctx, year_hint)
            return _apply_fuzzy(g.fuzzy[" ".join(m["f"].lower().split())], inner) if inner else None
        if name == "now":
            pub = ctx.published
            return _Interval(pub, pub) if pub else None
        if name == "span":
            return _year_span(m)
        if name in ("dmy", "mdy"):
            assert month is not None
            base = (_Interval(date(year, month, 1), _month_end(year, month)) if year
                    else _month_of(month, ctx, year_hint))
            if base is None or int(m["d"]) > base.last.day or int(m["d"]) < 1:
                return None
            day = base.first.replace(day=int(m["d"]))
            return _Interval(day, day, base.yearless)
        if name == "my":
            assert month is not None and year is not None
            return _Interval(date(year, month, 1), _month_end(year, month))
        if name in ("mrel", "rel"):
            pub = ctx.anchor()
            if pub is None:
                return None
            year = pub.year - (m["rel"].lower() == "last")
            if name == "mrel":
                assert month is not None
                return _Interval(date(year, month, 1), _month_end(year, month))
            if year == pub.year:
                return _Interval(date(year, 1, 1), pub)
            return _Interval(date(year, 1, 1), date(year, 12, 31))
        if name in ("lastm", "m"):
            assert month is not None
            return _month_of(month, ctx, year_hint if name == "m" else None, before=name == "lastm")
        if name == "y":
            assert year is not None
            return _Interval(date(year, 1, 1), date(year, 12, 31))
    # no rule of the tables reads it ("03/03/2019", "Sept. 2019", "the 1st of June 2020")
    return _dateparser_interval(phrase, ctx.published, _ENDPOINT_PARTS)


# ---------------------------------------------------------------------------------------------
# resolvers: one per "resolve" value of a pattern


def _r_point(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    iv = _point(g["a"] or "", ctx)
    return (iv.first, iv.last) if iv else None


def _r_range(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    b = _point(g["b"] or "", ctx)
    if b is None:
        return None
    a = _point(g["a"] or "", ctx, year_hint=b.last.year)
    if a is None:
        return None
    first = a.first
    if a.yearless and first > b.last:
        first = _add_months(first, -12)
    return (first, b.last) if first <= b.last else None


def _r_since(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    a = _point(g["a"] or "", ctx)
    pub = ctx.published
    if a is None or pub is None or a.first > pub:
        return None
    return a.first, pub


def _r_upto(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    b = _point(g["b"] or "", ctx)
    if b is None or default_start is None or default_start > b.last:
        return None
    return default_start, b.last


def _r_window(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    b = _point(g["b"] or "", ctx)
    n = _number(g.get("n")) if g.get("n") else 1
    if b is None or not n:
        return None
    return _shift_back(b.last + timedelta(days=1), n, g["unit"] or "year"), b.last


def _r_part(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    a = _point(g["a"] or "", ctx)
    part = _grammar().rx_part.fullmatch(_norm(g["part"] or ""))
    if a is None or part is None:
        return None
    pos = part["pos"].lower()
    from_end = pos in ("last", "final", "closing")
    if part["frac"]:
        size = 6 if part["frac"].lower() == "half" else 3
        index = {"first": 0, "second": 1, "third": 2, "fourth": 3}.get(pos, 0)
        if from_end:
            return _add_months(a.first, 12 - size), _add_months(a.first, 12) - timedelta(days=1)
        start = _add_months(a.first, index * size)
        return start, _add_months(start, size) - timedelta(days=1)
    n = _number(part["n"])
    if not n or pos not in ("first", "opening", "last", "final", "closing"):
        return None
    year_end = _add_months(a.first, 12) - timedelta(days=1)
    if from_end:
        return _shift_back(year_end + timedelta(days=1), n, part["unit"]), year_end
    nxt = (_add_months(a.first, n) if _unit_key(part["unit"]) == "month"
           else a.first + timedelta(days=7 * n))
    return a.first, nxt - timedelta(days=1)


def _r_window_from(g: dict[str, str | None], ctx: _Ctx,
                   default_start: date | None) -> tuple[date, date] | None:
    a = _point(g["a"] or "", ctx)
    n = _number(g.get("n")) if g.get("n") else 1
    if a is None or not n:
        return None
    return a.first, _shift_back(a.first, -n, g["unit"] or "year") - timedelta(days=1)


def _r_decade(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    year = int(g["a"] or 0)
    return (date(year, 1, 1), date(year + 9, 12, 31)) if _valid_year(year) else None


def _r_so_far(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    a = _point(g["a"] or "", ctx)
    pub = ctx.anchor()
    if a is None or pub is None or a.first > pub:
        return None
    return a.first, min(a.last, pub)


def _r_past(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    pub = ctx.anchor()
    n = _number(g.get("n")) if g.get("n") else 1
    if pub is None or not n:
        return None
    fin = (g.get("fin") or "").lower()
    if fin and _unit_key(g["unit"] or "year") == "year":
        # the N complete financial (April-March) or calendar years before publication
        if fin == "calendar":
            end = date(pub.year - 1, 12, 31)
        else:
            end = date(pub.year if pub.month >= 4 else pub.year - 1, 3, 31)
        return _add_months(end + timedelta(days=1), -12 * n), end
    return _shift_back(pub + timedelta(days=1), n, g["unit"] or "year"), pub


def _r_calendar(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    pub = ctx.anchor()
    if pub is None:
        return None
    last = (g.get("rel") or "this").lower() == "last"
    unit = (g.get("unit") or "year").lower()
    fiscal = (g.get("fin") or "").strip().lower() in ("financial", "fiscal")
    if unit == "month":
        first = _add_months(pub.replace(day=1), -1 if last else 0)
        return (first, _month_end(first.year, first.month)) if last else (first, pub)
    if fiscal:
        start = date(pub.year if pub.month >= 4 else pub.year - 1, 4, 1)
        if last:
            return date(start.year - 1, 4, 1), date(start.year, 3, 31)
        return start, pub
    if last:
        return date(pub.year - 1, 1, 1), date(pub.year - 1, 12, 31)
    return date(pub.year, 1, 1), pub


def _r_none(g: dict[str, str | None], ctx: _Ctx, default_start: date | None) -> tuple[date, date] | None:
    return None


_RESOLVERS = {
    "point": _r_point, "range": _r_range, "since": _r_since, "upto": _r_upto,
    "window": _r_window, "window_from": _r_window_from, "part": _r_part, "past": _r_past,
    "calendar": _r_calendar, "decade": _r_decade, "so_far": _r_so_far, "none": _r_none,
}


def _resolve(pattern: PeriodPattern, match: re.Match[str], ctx: _Ctx,
             default_start: date | None) -> tuple[date, date] | None:
    span = _RESOLVERS[pattern.resolve](match.groupdict(), ctx, default_start)
    if span is None or span[0] > span[1]:
        return None
    return span


# ---------------------------------------------------------------------------------------------
# public API

_STRIP = " \t\r\n()[]{},;:.\"'‘’“”"


def parse_period(text: str, published: date | str | None = None, *, default_start: date | str | None = None,
                 grammar: PeriodGrammar | None = None) -> Period | None:
    """The time span a phrase states, or ``None`` when it states none.

    ``published`` (a date or ISO string) anchors relative phrases ("last year", "over the past
    five years") and ends "since X"; without it those give ``None``. ``default_start`` is the
    start to use for an open-ended phrase ("up to early 2013"), typically the start of a period
    stated earlier in the article; without it such phrases give ``None``. ``grammar`` is the
    grammar to read with (default: :func:`default_grammar`).

    >>> p = parse_period("between 2009 and early 2013")
    >>> p.start.isoformat(), p.end.isoformat()
    ('2009-01-01', '2013-03-31')
    """
    g = grammar if grammar is not None else _grammar()
    start = _as_date(default_start)
    undated = g.undated.get((text, start))
    if undated is not None:
        return undated[0]
    return _parse_cached(text, _as_date(published), start, g)


@lru_cache(maxsize=16384)
def _parse_cached(text: str, published: date | None, default_start: date | None,
                  g: PeriodGrammar) -> Period | None:
    used: list[_Ctx] = []
    with _using(g):
        found = _parse(text, published, default_start, used)
    if not any(ctx.used for ctx in used):
        if len(g.undated) >= 16384:
            g.undated.clear()
        g.undated[(text, default_start)] = (found,)
    return found


def _parse(text: str, published: date | None, default_start: date | None,
           ctxs: list[_Ctx]) -> Period | None:
    g = _grammar()
    phrase = " ".join(text.split()).strip(_STRIP)
    if g.rx_fillers is not None:
        phrase = g.rx_fillers.sub("", phrase).strip(_STRIP)
    if not phrase or len(phrase) > 120:
        return None
    for pattern in g.patterns:
        match = pattern.regex.fullmatch(phrase)
        if match is None:
            continue
        if pattern.kind == "anaphoric":
            return None
        ctx = _Ctx(published)
        ctxs.append(ctx)
        span = _resolve(pattern, match, ctx, default_start)
        if span is not None:
            return Period(span[0], span[1], phrase)
    return None


@lru_cache(maxsize=16384)
def _mention_kind(name: str, phrase: str, g: PeriodGrammar) -> str:
    pattern = g.by_name[name]
    if pattern.kind != "absolute":
        return pattern.kind
    match = pattern.regex.fullmatch(phrase)
    ctx = _Ctx(None)
    if match is not None:
        with _using(g):
            _resolve(pattern, match, ctx, None)
    return "relative" if ctx.relative else "absolute"


def find_period_mentions(text: str, *, grammar: PeriodGrammar | None = None) -> list[PeriodMention]:
    """Every period phrase in ``text``: sorted, non-overlapping, with character offsets.

    One pass of a compiled regex; nothing is parsed here except the few phrases found (to tell
    an absolute phrase with a relative end, "from 2009 to February this year", as relative).
    """
    g = grammar if grammar is not None else _grammar()
    return [_mention(m, g) for m in g.combined.finditer(text) if m.lastgroup is not None]


def find_period_mentions_at(text: str, words: Iterable[tuple[int, str]], *,
                            grammar: PeriodGrammar | None = None) -> list[PeriodMention]:
    """:func:`find_period_mentions`, trying only the given word starts.

    ``words`` is ``(offset, word)`` for (at least) every place in ``text`` where a word
    (``\\w+``) starts, in order, ``word`` being the whole ``\\w+`` run from there, lower-cased
    (:func:`misconduct_nlp.components.periods.word_starts` makes them from a Doc's tokens).
    A phrase can only start at a word the grammar's TRIGGER lets through (a trigger word, a
    month, a fuzzy word, a number, "FY..."), so a regex runs only there, and only the patterns
    that can start with that word (:meth:`PeriodGrammar.at_word`: most words start few of
    them; "a" two, "that" one); the answer is :func:`find_period_mentions`'s.
    """
    g = grammar if grammar is not None else _grammar()
    can_start, at_word = g.can_start, g.at_word
    found: list[PeriodMention] = []
    end = 0
    for start, word in words:
        if start < end or not can_start(word):
            continue
        patterns, seconds = at_word(word)  # only the patterns that can start with this word
        if not patterns or (seconds is not None and not seconds.admit(text, start + len(word))):
            continue  # none of them can start here, or none goes on with the next word
        hit = g.match_at(text, start, patterns)
        if hit is not None:
            pattern, m = hit
            text_of = m.group()
            found.append(PeriodMention(m.start(), m.end(), text_of, _mention_kind(pattern.name, text_of, g)))
            end = m.end()
    return found


def _mention(m: re.Match[str], g: PeriodGrammar) -> PeriodMention:
    return PeriodMention(m.start(), m.end(), m.group(), _mention_kind(m.lastgroup or "", m.group(), g))


def _date_from_words(text: str) -> date | None:
    """A calendar date written out ("12 April 2013", "March 3, 2014", "12/04/2013", ISO); one
    the tables cannot read ("2019/03/03", "12-Apr-13", "Tuesday 3 March 2014") goes to dateparser."""
    g = _grammar()
    text = " ".join(text.split())
    for rx in g.rx_date_words:
        m = rx.fullmatch(text)
        if m is None:
            continue
        groups = m.groupdict()
        year = int(groups["y"])
        if year < 100:
            year += 2000
        day = int(groups["d"])
        if groups.get("m"):
            month = g.months[groups["m"].lower()]
        else:
            month = int(groups["mo"])
            if "/" in m.group() and month > 12 >= day:  # 04/23/2013: month first
                day, month = month, day
        try:
            return date(year, month, day) if _valid_year(year) else None
        except ValueError:
            return None
    found = _dateparser_interval(text.lower(), None, _DATELINE_PARTS)
    return found.first if found else None


def find_dateline(text: str, head_lines: int = 20, tail_lines: int = 10) -> date | None:
    """The publication date printed with an article, or ``None``.

    Looks at the first ``head_lines`` and last ``tail_lines`` non-empty lines for "Published
    date 01 March 2021", "Published: 12 April 2013", "First published on Mon 3 Mar 2014 12.01
    GMT", "Updated 3 May 2019", "Published 12/04/2013" (day first, the British order), the
    label opening a line or following a separator ("By A Reporter | Published ..."), so "the
    report, published on 3 May 2019," in a sentence is no dateline. A published date wins over
    an updated one; failing both, a line in the head that is nothing but a date ("Monday 3 March
    2014 12:01") is taken.
    """
    g = _grammar()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    head = lines[:head_lines]
    window = lines if len(lines) <= head_lines + tail_lines else head + lines[-tail_lines:]
    published: date | None = None
    updated: date | None = None
    for i, line in enumerate(window):
        if g.rx_label_line.fullmatch(line) and i + 1 < len(window):  # "Published" / "12 April 2013"
            line = f"{line} {window[i + 1]}"
        for m in g.rx_dateline.finditer(line):
            found = _date_from_words(m["date"])
            if found is None:
                continue
            if " ".join(m["label"].lower().split()) in g.published_labels:
                published = published or found
            else:
                updated = updated or found
        if published:
            return published
    if updated:
        return updated
    for line in head:
        m = g.rx_bare_dateline.fullmatch(line)
        if m:
            found = _date_from_words(m["date"])
            if found:
                return found
    return None
