"""``misconduct_numbers``: every number in the text, with its value, unit, approximation and
kind, in ``doc.spans["numbers"]``.

The span label is the kind: ``COUNT``, ``PERCENT``, ``MONEY``, ``RATE`` (per year, or per 1,000
when a ``RATE_BASE`` follows) and ``PRISON`` can be claims; ``YEAR``, ``DATE``, ``AGE``,
``DURATION``, ``ID`` (identifiers, names such as "iPhone 11", times), ``MEASURE`` (other units:
"10kW", "164p"), ``SCORE`` ("2-1"), ``RATE_BASE`` (the 1,000 of "per 1,000 officers"),
``FORCES`` (counts of forces) and ``PRONOUN`` are recorded so they can be inspected but are
never claims (CLAIM_SCHEMA: ages, years, dates, ordinals, times, phone/channel numbers,
durations that frame a period, section numbers).

Besides ``value``, ``unit`` and ``approx``, every span carries ``value_max`` (the top of a
range, "between 12 and 15": one span, value 12, value_max 15) and ``change`` ("up"/"down" for a
figure that is a change, "rose by 40%", "a 66% increase"; None for a level or a share).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

import numpy
from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..doccache import TokenTable, doc_text, token_table, word_positions
from ..extensions import set_span_value
from ..lexicon import numbers_data
from ..numbers import TokenNumber, is_number_word, parse_words, read_pair, read_token

# words a rate may not be read across ("40 officers in a year" is a period), and words after
# "a year" that make it a point in time ("a year ago")
_RATE_STOPS = frozenset({"in", "during", "between", "since", "over", "for", "the", "last", "this", "from",
                         "within", "of", "to", "by", "and", "or", "than", "but", "while"})
_RATE_AFTER = frozenset({"ago", "earlier", "later", "old", "on"})
# "takes the total up to 13": "up to" after these words gives the level reached, not a bound
_TOTAL_VERBS = frozenset({"total", "it", "this", "that", "takes", "took", "taking", "brings", "brought",
                          "bringing", "pushes", "pushed", "pushing", "figure", "number"})
CLAIM_KINDS = frozenset({"COUNT", "PERCENT", "MONEY", "RATE", "PRISON"})
_DIGIT_RUN = re.compile(r"\d+")
# a unit written onto the digits: letters (a "/" part allowed, a trailing 2 or 3 for areas and
# volumes) or a degree / inch / foot sign
_MEASURE_SUFFIX = re.compile(r"^(?:[^\W\d_]{1,6}(?:/[^\W\d_]{1,4})?[23]?|[°″′][^\W\d_]?)$")
_DETERMINERS = frozenset({"the", "a", "its", "their", "his", "her", "our", "this", "these"})
_POSSESSIVE = frozenset({"'s", "’s", "′s"})
_CURRENCY_SYMBOLS = frozenset({"£", "€", "$", "¥"})
_CLAUSE_PUNCT = frozenset({",", ";", ":", "(", ")", ".", "!", "?", "—", "–"})
_LEFT_OUT_OF_RANGES = frozenset({"YEAR", "DATE", "SCORE", "RATE_BASE", "FORCES"})


def _range_end(year: float, digits: str, counted: bool) -> bool:
    """True when ``digits`` after "<year> –" end a span of years ("2018-2021", "2010-11"), not a
    figure in a "2010 – 38 investigations" list row: no counted noun after it, and a four-digit
    year up to 30 later or a two-digit one up to ten years on."""
    if counted or not digits.isdigit():
        return False
    v = int(digits)
    if len(digits) == 4:
        return year <= v <= year + 30
    return len(digits) == 2 and 1 <= (v - int(year) % 100) % 100 <= 10


def rate_unit(base: float) -> str | None:
    """The unit of a rate per ``base`` ("per 1,000 officers" -> ``per_1000``), None if it has none."""
    return _tables()["base_units"].get(base)


@dataclass
class _Num:
    start: int
    end: int
    value: float
    unit: str = "count"
    approx: str = "exact"
    kind: str = "COUNT"
    raw: str = ""
    tail: int = -1                  # the token after the number's unit words ("%", "per cent")
    scale: float = 1.0              # the scale written with it ("m", "billion"), for ranges
    value_max: float | None = None
    change: str | None = None
    lead: int = -1                  # first token of the approximation cue or currency before it
    fixed: bool = False             # the token itself decided the kind ("10kW", "1.38pc", "2-1")
    plain: bool = False             # plain digits: no separator, decimal point, prefix or suffix

    def __post_init__(self) -> None:
        if self.tail < 0:
            self.tail = self.end
        if self.lead < 0:
            self.lead = self.start


@cache
def _tables() -> dict:
    d = numbers_data()
    approx = []
    for label, seqs in d["approx"].items():
        for seq in seqs:
            approx.append((tuple(seq), label))
    approx.sort(key=lambda x: -len(x[0]))
    phrases = sorted(
        [(tuple(p["words"]), p) for p in d["phrases"]], key=lambda x: -len(x[0])
    )
    percent = sorted((tuple(s) for s in d["percent_words"]), key=len, reverse=True)
    rate = sorted((tuple(s) for s in d["rate_words"]), key=len, reverse=True)
    glued: dict[str, dict] = {}
    for row in d["glued_suffixes"]:
        for suffix in row.get("suffixes", ()):
            glued[suffix.lower()] = row
    cur = {row["name"]: frozenset(row["prefixes"]) for row in d["currency_prefixes"]}
    changes = {row["name"]: row for row in d["changes"]}
    adverb = changes["adverb"]
    ranges = {row["name"]: row for row in d["ranges"]}
    contexts = {c["name"]: c for c in d["contexts"]}
    months = frozenset(d["months"])
    return {
        # each table is indexed by the word the scan sees first, longest sequence first
        "approx": _index(approx, lambda seq: seq[-1]),
        "phrases": _index(phrases, lambda seq: seq[0]),
        "phrase_starts": frozenset(seq[0] for seq, _ in phrases),
        "percent": _index([(seq, None) for seq in percent], lambda seq: seq[0]),
        "rate": _index([(seq, None) for seq in rate], lambda seq: seq[0]),
        "time_units": frozenset(d["time_units"]),
        "time_qualifiers": frozenset(d.get("time_unit_qualifiers", ())),  # "10 working days"
        "prison": frozenset(d["prison_verbs"]),
        "id_prefixes": frozenset(d["id_prefixes"]),
        "id_suffixes": frozenset(d["id_suffixes"]),
        "months": months | frozenset(m + "." for m in months),  # "Oct. 31"
        "age_nouns": frozenset(d["age_apposition_nouns"]),
        "times_not_after": frozenset(contexts["occurrences"]["not_after"]),
        "times_not_before": frozenset(contexts["occurrences"]["not_before"]),
        "rate_links": frozenset(tuple(x) for x in d["rate_bases"]["then_figure"]),
        "suffix_scales": d["suffix_scales"],
        "glued_scales": {k.lower(): v for k, v in d["glued_suffixes"][0]["scales"].items()},
        "glued": glued,
        "cur_plain": cur["symbols-and-codes"],
        "cur_after_dollar": cur["after-dollar"],
        "cur_needs_scale": cur["ascii-pound"],
        "scale_words": d["scale_words"]["words"],
        "minus": frozenset(d["negative"]["words"]),
        "between": frozenset(ranges["between-and"]["before"]),
        "and_links": frozenset(ranges["between-and"]["links"]),
        "to_links": frozenset(ranges["to-or-dash"]["links"]),
        "proportion_starts": frozenset(x[0] for x in d["proportions"]["links"]),
        "proportion_links": sorted((tuple(x) for x in d["proportions"]["links"]), key=len, reverse=True),
        "base_cues": [tuple(x) for x in d["rate_bases"]["cues"]],
        "base_cue_ends": frozenset(x[-1] for x in d["rate_bases"]["cues"]),
        "base_units": {float(k): v for k, v in d["rate_bases"]["units"].items()},
        "up_verbs": frozenset(changes["verb-up"]["words"]),
        "down_verbs": frozenset(changes["verb-down"]["words"]),
        "up_adverbs": frozenset(adverb["words_up"]),
        "down_adverbs": frozenset(adverb["words_down"]),
        "adverb_after": frozenset(adverb["after"]),
        "restating": frozenset(changes["restated"]["words"]),
        "up_nouns": frozenset(changes["noun-up"]["words"]),
        "down_nouns": frozenset(changes["noun-down"]["words"]),
        "name_not_after": frozenset(contexts["product-or-index-name"]["not_after"]),
    }


def _index(entries: list[tuple[tuple[str, ...], object]], key) -> dict[str, list]:
    """``{key word: [(sequence, payload), ...]}`` keeping the order of ``entries``."""
    out: dict[str, list] = {}
    for seq, payload in entries:
        out.setdefault(key(seq), []).append((seq, payload))
    return out


def _match_seq(low: list[str], i: int, seq: tuple[str, ...]) -> bool:
    """Whether the lower-cased tokens ``low[i:]`` start with ``seq``."""
    if i < 0 or i + len(seq) > len(low):
        return False
    return tuple(low[i:i + len(seq)]) == seq


#: Identifier prefixes that may also stand before a count ("the number 40", "a figure of 12",
#: "top 10").
_COUNTING_PREFIXES = frozenset({"no", "number", "year", "top", "figure", "level", "act"})


def _phone_groups(text, ws, start: int, end: int) -> bool:
    """True for a group of digits in a run of digit groups that opens with a dialling code
    ("028", "0800", "01632"): a phone number, whichever of its groups this is."""
    i = start
    while i > 0 and text[i - 1].isdigit() and ws[i - 1]:
        i -= 1
    j = end
    while j < len(text) and text[j].isdigit() and ws[j - 1]:
        j += 1
    return j - i >= 2 and text[i].startswith("0") and 3 <= len(text[i]) <= 5


def _name_word(word: str) -> bool:
    """A capitalised or camel-case word ("FTSE", "Game", "iPhone", "S&P"), not a number."""
    core = word.replace("&", "")
    return core.isalpha() and (word[0].isupper() or any(c.isupper() for c in word[1:]))


def _number_words() -> set[str]:
    d = numbers_data()
    return set(d["units"]) | set(d["tens"]) | set(d["scales"])


class NumberFinder:
    """Finds numbers and classifies them; see the module docstring."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "numbers") -> None:
        self.name = name
        self.spans_key = spans_key
        self.t = _tables()
        self.start_words = (frozenset(self.t["phrase_starts"]) | frozenset(_number_words())
                            | self.t["minus"])

    # -- reading the number itself ---------------------------------------------------------
    def _read_at(self, doc: Doc, tt: TokenTable, i: int) -> _Num | None:
        t = self.t
        low = tt.lower
        for seq, p in t["phrases"].get(low[i], ()):
            if _match_seq(low, i, seq):
                end = i + len(seq) - (1 if seq[-1] == "of" else 0)
            elif seq[-1] == "of" and i > 0 and low[i - 1] == "by" and _match_seq(low, i, seq[:-1]):
                end = i + len(seq) - 1  # "down by a third", "cut by half"
            else:
                continue
            return _Num(i, end, float(p["value"]), p.get("unit", "count"),
                        p.get("approx", "exact"), raw="phrase")
        if low[i] in t["minus"] and i + 1 < len(low):
            inner = self._read_at(doc, tt, i + 1)
            if inner is not None and inner.raw != "phrase":
                inner.start, inner.lead, inner.value = i, i, -inner.value
                return inner
            return None
        tn = None if low[i].isalpha() else read_token(tt.text[i])  # number words have no digits
        if tn is not None:
            return self._read_digits(tt, i, tn)
        text = tt.text
        n = len(text)
        if is_number_word(text[i]) and low[i] not in ("hundred", "thousand", "million", "billion"):
            j = i + 1
            while j < n and (is_number_word(text[j]) or
                             (text[j] in ("-", "and") and j + 1 < n and is_number_word(text[j + 1]))):
                if text[j] == "and" and not any(low[k] in ("hundred", "thousand") for k in range(i, j)):
                    break  # "and" joins number words only after a scale: "two hundred and five"
                j += 1
            words = text[i:j]
            v = parse_words(words)
            if v is None and j - i > 1:
                j, v = i + 1, parse_words([text[i]])
            if v is not None:
                scale = float(t["scale_words"].get(low[j - 1], 1.0)) if j - i > 1 else 1.0
                return _Num(i, j, v, raw="words", scale=scale)
        return None

    def _read_digits(self, tt: TokenTable, i: int, tn: TokenNumber) -> _Num | None:
        """A number token with what is glued to it: currency prefix, scale, unit, a second number."""
        t = self.t
        low, text = tt.lower, tt.text
        suffix = tn.suffix.lower()
        if suffix[-1:] == "." and suffix[:-1] in t["glued_scales"]:
            suffix = suffix[:-1]  # "£6m." at the end of a sentence
        elif suffix in _POSSESSIVE or suffix == "-":
            suffix = ""  # "2022's"; "7- or 8-inch", the first half of a suspended compound
        num = _Num(i, i + 1, tn.value, raw="digits",
                   plain=not (tn.prefix or suffix or tn.grouped or tn.decimal or tn.negative or tn.tilde
                              or tn.below))
        if tn.tilde:
            num.approx = "about"
        elif tn.below:
            num.approx = "less_than"  # "sub-300 sq m"
        if tn.prefix:
            scaled = suffix in t["glued_scales"] or (i + 1 < len(low) and low[i + 1] in t["scale_words"])
            if not (tn.prefix in t["cur_plain"]
                    or (tn.prefix in t["cur_after_dollar"] and i > 0 and text[i - 1] == "$")
                    or (tn.prefix in t["cur_needs_scale"] and (scaled or tn.grouped))):
                return None  # "M21", "S22", "PS5": letters that are no currency
            num.unit, num.kind, num.fixed = "gbp", "MONEY", True
        if tn.negative:
            # "-1.3" after a space or a currency sign; at the start of a line the dash is a bullet
            after_space = i > 0 and not tt.space[i - 1] and tt.ws[i - 1] == " "
            if text[i].lower().startswith("minus") or after_space or (
                    i > 0 and text[i - 1] in _CURRENCY_SYMBOLS):
                num.value = -num.value
        if suffix:
            pair = read_pair(tn.suffix)
            if pair is not None:
                return self._glued_pair(num, tn, pair)
            if suffix in t["glued_scales"]:
                num.scale = float(t["glued_scales"][suffix])
                num.value *= num.scale
            elif suffix in t["glued"]:
                row = t["glued"][suffix]
                if row.get("no_span"):
                    return None  # "22nd", "1990s"
                num.kind, num.fixed = row["kind"], True
                num.unit = row.get("unit", tn.suffix)
            elif _MEASURE_SUFFIX.match(tn.suffix):
                num.kind, num.unit, num.fixed = "MEASURE", tn.suffix, True
            else:
                return None  # "9AB8"
        if num.scale == 1.0 and (num.kind == "MONEY" or not num.fixed):
            # "2.5 million", "£3m" (the "m" split off by the tokenizer), "4 hundred million"
            end = i + 1
            for _ in range(2):
                w = low[end] if end < len(low) else ""
                if w[-1:] == "." and w[:-1] in t["scale_words"]:
                    w = w[:-1]  # "USD10m." at the end of a sentence: the tokenizer keeps "m."
                if w in t["scale_words"] and t["scale_words"][w] > (num.scale if num.scale > 1 else 0):
                    num.scale *= float(t["scale_words"][w])
                    end += 1
                else:
                    break
            if end > i + 1:
                num.value *= num.scale
                num.end = num.tail = end
        return num

    def _glued_pair(self, num: _Num, tn: TokenNumber, pair: tuple[str, float, str]) -> _Num | None:
        """"12–15" (a range), "10-15m" (a range with its scale), "2-1" (a score), "2019/20" (a
        financial year) written as one token."""
        sep, second, scale = pair
        if scale:
            if scale.lower() not in self.t["glued_scales"] or sep == "/":
                return None
            num.scale = float(self.t["glued_scales"][scale.lower()])
            num.value *= num.scale
            second *= num.scale
        year_like = not tn.decimal and not tn.grouped and 1900 <= tn.value <= 2100 and not scale
        if sep == "/":
            if not year_like:
                return None  # fractions and "24/7" are left alone
            num.kind, num.fixed = "YEAR", True
            return num
        if year_like:
            num.kind, num.fixed = "YEAR", True
        elif second > num.value:
            num.value_max = second
        elif scale:
            return None
        elif num.value < 200 and float(num.value).is_integer() and float(second).is_integer():
            num.kind, num.fixed = "SCORE", True
        else:
            return None
        return num

    # -- around the number -----------------------------------------------------------------
    def _one_in(self, doc: Doc, tt: TokenTable, num: _Num) -> None:
        """'one in every 10' → 10 per cent; 'two in five' → 40 per cent; 'three out of four' → 75."""
        low = tt.lower
        j = num.end
        if num.fixed or j >= len(low) or low[j] not in self.t["proportion_starts"]:
            return
        before = low[num.start - 1] if num.start > 0 else None
        if before in self.t["id_prefixes"] and before not in _COUNTING_PREFIXES:
            return  # "used regulation 13 in 268 of the 412 dismissals": a name, then a count
        for seq in self.t["proportion_links"]:
            if _match_seq(low, j, seq):
                k = j + len(seq)
                break
        else:
            return
        if k < len(low):
            other = self._read_at(doc, tt, k)
            year_like = other is not None and other.raw == "digits" and 1900 <= other.value <= 2100
            if other and other.raw != "phrase" and not year_like and other.value > num.value > 0 \
                    and not other.fixed and "/" not in tt.text[k]:
                unit = rate_unit(other.value) if other.value >= 1000 else None
                if unit is not None:
                    # "three in every 1,000 officers were dismissed": a rate per 1,000
                    num.unit, num.kind, num.end = unit, "RATE", other.end
                else:
                    num.value = 100.0 * num.value / other.value
                    num.unit, num.kind, num.end = "percent", "PERCENT", other.end
                num.tail = num.end

    def _unit(self, tt: TokenTable, num: _Num) -> None:
        t = self.t
        low = tt.lower
        if num.unit == "percent":
            num.kind = "PERCENT"
            return
        if num.fixed and num.kind != "MONEY":
            return
        if num.start > 0 and tt.text[num.start - 1] in _CURRENCY_SYMBOLS:
            num.unit, num.kind = "gbp", "MONEY"
            return
        if num.kind == "MONEY":
            return
        nxt = low[num.end] if num.end < len(low) else ""
        for seq, _ in t["percent"].get(nxt, ()):
            if _match_seq(low, num.end, seq):
                num.unit, num.kind = "percent", "PERCENT"
                num.tail = num.end + len(seq)
                return
        if nxt in ("pounds", "pound"):
            num.unit, num.kind = "gbp", "MONEY"
            num.tail = num.end + 1
            return
        # "40 a year", and past the figure's noun: "160 officers on average each year"
        for skip in range(5):
            at = num.end + skip
            if at >= len(low) or (skip and not (low[at - 1].isalpha() and low[at - 1] not in _RATE_STOPS)):
                break
            for seq, _ in t["rate"].get(low[at], ()):
                after = at + len(seq)
                if _match_seq(low, at, seq) and (after >= len(low) or low[after] not in _RATE_AFTER):
                    num.unit, num.kind = "rate_per_year", "RATE"
                    num.tail = after if not skip else num.tail
                    return

    def _approx(self, tt: TokenTable, num: _Num) -> None:
        low = tt.lower
        start = num.start
        if start > 0 and tt.text[start - 1] in _CURRENCY_SYMBOLS:
            start -= 1
        num.lead = start
        if num.approx != "exact" or start == 0:
            return
        for seq, label in self.t["approx"].get(low[start - 1], ()):
            if _match_seq(low, start - len(seq), seq):
                if seq == ("up", "to") and start - 3 >= 0 and low[start - 3] in _TOTAL_VERBS:
                    return  # "takes the total up to 13", "brought it up to 40": the new level
                if seq == ("top",) and start - 2 >= 0 and low[start - 2] in _DETERMINERS:
                    return  # "the top 10 forces": a ranking, not "complaints top 6,000"
                num.approx = label
                num.lead = start - len(seq)
                return

    def _kind(self, doc: Doc, tt: TokenTable, num: _Num, nouns: set[int], prev: _Num | None) -> str:
        t = self.t
        n = len(tt)
        text, low, ws = tt.text, tt.lower, tt.ws
        b1 = num.start - 1          # the token before, the one before that, and after
        b2 = num.start - 2
        a1 = num.end
        before = low[b1] if b1 >= 0 else None
        before2 = low[b2] if b2 >= 0 else None
        after = low[a1] if a1 < n else None
        after2 = low[a1 + 1] if a1 + 1 < n else None
        first = text[num.start]
        if num.kind in ("PERCENT", "MONEY", "RATE") or num.fixed:
            return num.kind
        # ages: "17-year-old", "aged 17", "between the ages of 14 and 16"
        tail = "".join(text[a1:a1 + 4]).lower().replace(" ", "")
        if tail.startswith(("-year-old", "yearold", "years-old", "year-old", "yearsold", "-years-old")):
            return "AGE"
        if before in ("aged", "age") or (before2 == "aged" and before in ("under", "over", "between")):
            return "AGE"  # "aged 17", "children aged under 18"
        if before2 in ("age", "ages") and before == "of":
            return "AGE"
        if prev is not None and prev.kind == "AGE" and before in ("and", "to") and prev.end == num.start - 1:
            return "AGE"
        # ages in apposition: "PC John Smith, 45, of Thames Valley Police"
        # and "one constable, 29, was given a final written warning" (one person, not a count)
        if before == "," and after == "," and num.raw == "digits" and 16 <= num.value <= 99 \
                and before2 is not None and text[b2].isalpha() \
                and (text[b2].istitle() or text[b2].isupper() or before2 in t["age_nouns"]) \
                and a1 + 1 < n and text[a1 + 1].islower():
            return "AGE"
        # the number of a numbered list's item: "2. Durham – 461", "3) Kent" at a line's start
        if num.raw == "digits" and num.value < 100 and after in (".", ")") and not ws[num.end - 1] \
                and a1 + 1 < n and ws[a1] and (num.start == 0 or "\n" in text[num.start - 1]
                                               or "\n" in ws[num.start - 1]):
            return "ID"
        # identifiers: channel 276, section 3, No. 10, 999 calls, phone numbers, Covid-19
        if before is not None:
            if before in t["id_prefixes"] and before not in _COUNTING_PREFIXES:
                return "ID"
            if text[b1] in ("No", "Number", "no", "number") and (text[b1][0].isupper() or ws[b1] == ""):
                return "ID"
            if before == "." and before2 in ("no", "nos", "s"):
                return "ID"
            if before in ("#", "№"):
                return "ID"
            if before == "-" and not ws[b1] and before2 is not None \
                    and text[b2].isalpha() and not ws[b2] and not is_number_word(text[b2]):
                return "ID"
        if after == "times" and num.value >= 10 and after2 not in t["times_not_after"]:
            if any(w in t["times_not_before"] for w in low[max(0, num.start - 4):num.start]):
                return "MEASURE"  # "viewed more than 250,000 times": views of a post
            return "COUNT"  # "accused of sexual misconduct 87 times": occasions, not a multiplier
        if after is not None and (after in t["id_suffixes"] or after in ("am", "pm")):
            return "ID"
        if num.raw == "digits" and first.startswith("0") and len(first) >= 4:
            return "ID"
        if num.raw == "digits" and first.isdigit() and _phone_groups(text, ws, num.start, num.end):
            return "ID"  # "028 9082 8600", "0800 555 111": a phone number's groups
        if num.raw == "digits" and "." in first and after in ("am", "pm"):
            return "ID"
        # dates: "12 April", "June 2020", "April 12"
        if before in t["months"] or (after in t["months"] and num.value <= 31):
            return "YEAR" if 1900 <= num.value <= 2100 else "DATE"
        # years: 2009, 2019/20, 2021-22, 2018-2021
        if num.raw == "digits" and "," not in first and "." not in first and 1900 <= num.value <= 2100 \
                and num.end == num.start + 1 and (num.end not in nouns or not low[num.end].endswith("s")):
            return "YEAR"  # (a count of 2,013 needs a plural: "in 2013 warning that ..." is a year)
        if "/" in first or (prev is not None and prev.kind in ("YEAR", "DATE") and before is not None
                            and text[b1] in ("-", "/", "–") and prev.end == num.start - 1
                            and (prev.kind == "DATE" or _range_end(prev.value, first, num.end in nouns))):
            return prev.kind if prev is not None and prev.kind == "DATE" else "YEAR"
        # names: "the iPhone 11", "the FTSE 100", "Game 7" (a plain integer right after a
        # capitalised word inside a sentence, no counted noun after it, not ending a line)
        if num.plain and num.value < 10000 and before is not None and ws[b1] == " " \
                and _name_word(text[b1]) and before not in t["name_not_after"] \
                and before not in t["months"] and num.end not in nouns \
                and a1 < n and not tt.space[a1] and not doc[b1].is_sent_start:
            return "ID"
        # durations: "five years", "a four year period", "two-minute silence"; prison terms
        unit_i = a1
        if after == "-" and after2 is not None:
            unit_i = a1 + 1
        unit = low[unit_i] if unit_i < n else None
        if unit in t["time_qualifiers"] and unit_i + 1 < n and low[unit_i + 1] in t["time_units"]:
            return "DURATION"  # "10 working days", "28 clear days"
        if unit in t["time_units"]:
            window = low[max(0, num.start - 5):num.start]
            if any(w in t["prison"] for w in window) and unit in ("months", "month", "years", "year"):
                if unit.startswith("year"):
                    num.value *= 12
                num.unit = "months"
                num.end = unit_i + 1
                return "PRISON"
            return "DURATION"
        # counts of forces, not of people or cases: "39 of the 43 territorial forces"
        for k in range(num.end, min(num.end + 5, n)):
            if low[k] in ("forces", "constabularies"):
                return "FORCES"
            if k in nouns or not (text[k].isalpha() or text[k].isdigit()) or low[k] in ("and", "or"):
                break
        # "one" as a pronoun: "one of the officers said", "no one"
        if low[num.start] == "one" and num.raw == "words":
            ok_before = before in ("just", "only", "and", "of", "than")
            ok_after = after is not None and (num.end in nouns or after in ("other", "in"))
            if not (ok_before or ok_after):
                return "PRONOUN"
        return "COUNT"

    def _candidates(self, doc: Doc, tt: TokenTable) -> list[int]:
        """Token positions that may start a number: spaCy's LIKE_NUM (read as an array, no Token
        objects), a number word or phrase start, or a token with a digit in it (found by one
        search of the text, not token by token)."""
        if len(doc) == 0:
            return []
        found = set(numpy.flatnonzero(doc.to_array(LIKE_NUM)).tolist())
        found.update(word_positions(doc, self.start_words))
        idx = tt.idx
        found.update(bisect_right(idx, m.start()) - 1 for m in _DIGIT_RUN.finditer(doc_text(doc)))
        return sorted(found)

    # -- what the numbers are to each other -------------------------------------------------
    def _change(self, tt: TokenTable, num: _Num, prev: _Num | None) -> None:
        """``num.change``: "rose by 40%", "up 12%", "an increase of 20%", "a 66% increase", and
        the 5 of "rose by 120, or 5%" (the change before, restated)."""
        t = self.t
        low = tt.lower
        q = num.lead
        if prev is not None and prev.change is not None and q > 0 and low[q - 1] in t["restating"] \
                and 0 <= q - 1 - prev.tail <= 4:
            num.change = prev.change
            return
        if q > 0 and low[q - 1] == "by":
            q -= 1
        w = low[q - 1] if q > 0 else ""
        if w in t["up_verbs"]:
            num.change = "up"
        elif w in t["down_verbs"]:
            num.change = "down"
        elif w in t["up_adverbs"] or w in t["down_adverbs"]:
            if num.kind in ("PERCENT", "MONEY") or q < 2 or low[q - 2] in t["adverb_after"]:
                num.change = "up" if w in t["up_adverbs"] else "down"
        elif w == "of" and q > 1 and (low[q - 2] in t["up_nouns"] or low[q - 2] in t["down_nouns"]):
            num.change = "up" if low[q - 2] in t["up_nouns"] else "down"
        if num.change is None and num.tail < len(low):
            nxt = low[num.tail]
            if nxt in t["up_nouns"]:
                num.change = "up"
            elif nxt in t["down_nouns"]:
                num.change = "down"

    def _mergeable(self, tt: TokenTable, a: _Num, b: _Num) -> bool:
        """Whether ``a`` and ``b`` are the two ends of one range ("between 12 and 15", "12 to
        15", "12-15") or one score ("2-1"); merges them into ``a`` if so."""
        t = self.t
        low = tt.lower
        if b.lead != a.tail + 1 or a.kind in _LEFT_OUT_OF_RANGES or b.kind in _LEFT_OUT_OF_RANGES:
            return False
        link = low[a.tail]
        if link in t["and_links"]:
            if a.lead == 0 or low[a.lead - 1] not in t["between"]:
                return False
        elif link in t["to_links"]:
            if a.change is not None and not (a.lead > 0 and low[a.lead - 1] == "of"):
                return False  # "rose 6.5% to 164p": a change, then a level ("a rise of 5 to 7%" is one)
            if a.lead > 0 and low[a.lead - 1] == "from":
                return False  # "from 87 to 131": two levels; "ranges from 7% to 27%": two figures
            if link == "-" and a.plain and b.plain and a.value >= b.value and a.value < 200 \
                    and tt.ws[a.tail - 1] == "" and tt.ws[a.tail] == "":
                a.kind, a.end, a.tail, a.fixed = "SCORE", b.end, b.tail, True
                return True
        else:
            return False
        a_kind = "COUNT" if a.kind == "PRONOUN" else a.kind
        a_bare = a.tail == a.end and a_kind == "COUNT" and not a.fixed
        b_bare = b.tail == b.end and b.kind == "COUNT" and not b.fixed
        # the unit may be written once, on the second end ("5 to 7 per cent") or, for money, on
        # the first ("£10-15m"); "10 per cent to 18.97" is a share, then a level
        if a_kind != b.kind and not a_bare and not (a_kind == "MONEY" and b_bare):
            return False
        lo = a.value
        if a.scale == 1.0 and b.scale > 1.0 and a.value < b.value / b.scale:
            lo = a.value * b.scale  # "$10 to $15 billion", "four to five thousand"
        if not lo < b.value:
            return False
        if a_bare:
            a.kind, a.unit = b.kind, b.unit
        a.fixed = a.fixed or b.fixed
        if a.approx == "exact":
            a.approx = b.approx if b.approx not in ("exact", "about") else a.approx
        a.value, a.value_max = lo, b.value
        a.end, a.tail = b.end, b.tail
        a.change = a.change or b.change
        return True

    def _rate_bases(self, tt: TokenTable, found: list[_Num]) -> None:
        """The 1,000 of "per 1,000 officers" is a RATE_BASE; the figure before it, in the same
        clause, a rate per 1,000."""
        t = self.t
        low = tt.lower
        last_words = t["base_cue_ends"]
        for k, base in enumerate(found):
            if base.lead == 0 or low[base.lead - 1] not in last_words:
                continue
            cue = next((base.lead - len(seq) for seq in t["base_cues"]
                        if _match_seq(low, base.lead - len(seq), seq)), None)
            if cue is None or base.value < 10 or not float(numpy.log10(base.value)).is_integer():
                continue
            base.kind = "RATE_BASE"
            unit = t["base_units"].get(base.value)
            if unit is None:
                continue
            fig = found[k - 1] if k > 0 else None
            glued = fig is not None and not any(tt.text[j] in _CLAUSE_PUNCT or tt.space[j]
                                                for j in range(fig.tail, cue))
            if glued and fig.kind in CLAIM_KINDS and fig.unit == "count" and 0 <= cue - fig.tail <= 4:
                fig.kind, fig.unit = "RATE", unit
            elif k + 1 < len(found):
                # "allegations per 1,000 employees stood at 668": the rate named before its figure
                nxt = found[k + 1]
                link = tuple(low[base.end:nxt.lead])
                if nxt.kind in CLAIM_KINDS and nxt.unit == "count" and link in t["rate_links"]:
                    nxt.kind, nxt.unit = "RATE", unit

    def __call__(self, doc: Doc) -> Doc:
        nouns = set()
        for key in ("subjects", "measures"):
            for sp in doc.spans.get(key, []):
                nouns.add(sp.start)
        found: list[_Num] = []
        prev: _Num | None = None
        table = token_table(doc)
        for i in self._candidates(doc, table):
            if found and i < found[-1].end:
                continue
            num = self._read_at(doc, table, i)
            if num is None:
                continue
            self._one_in(doc, table, num)
            self._unit(table, num)
            self._approx(table, num)
            num.kind = self._kind(doc, table, num, nouns, prev)
            self._change(table, num, prev)
            if prev is not None and self._mergeable(table, prev, num):
                continue  # the second end of a range (or score) joined the first
            found.append(num)
            prev = num
        self._rate_bases(table, found)
        spans = []
        for num in found:
            span = Span(doc, num.start, num.end, label=num.kind)
            set_span_value(span, "value", num.value)
            set_span_value(span, "unit", num.unit)
            set_span_value(span, "approx", num.approx)
            if num.value_max is not None:
                set_span_value(span, "value_max", num.value_max)
            if num.change is not None:
                set_span_value(span, "change", num.change)
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("misconduct_numbers", default_config={"spans_key": "numbers"})
def make_number_finder(nlp: Language, name: str, spans_key: str) -> NumberFinder:
    """Marks numbers (digits, words, "a dozen", "one in every 10", "half of") with value and kind."""
    return NumberFinder(nlp, name, spans_key)
