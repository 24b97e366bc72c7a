"""``misconduct_numbers``: every number in the text, with its value, unit, approximation and
kind, in ``doc.spans["numbers"]``.

The span label is the kind: ``COUNT``, ``PERCENT``, ``MONEY``, ``RATE`` and ``PRISON`` can be
claims; ``YEAR``, ``DATE``, ``AGE``, ``DURATION``, ``ID``, ``FORCES`` (counts of forces) and
``PRONOUN`` are recorded so they
can be inspected but are never claims (CLAIM_SCHEMA: ages, years, dates, ordinals, times,
phone/channel numbers, durations that frame a period, section numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy
from spacy.attrs import LIKE_NUM
from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401
from ..doccache import TokenTable, token_table
from ..lexicon import numbers_data
from ..numbers import is_number_word, parse_digits, parse_words

CLAIM_KINDS = frozenset({"COUNT", "PERCENT", "MONEY", "RATE", "PRISON"})
_DIGITS = frozenset("0123456789")


@dataclass
class _Num:
    start: int
    end: int
    value: float
    unit: str = "count"
    approx: str = "exact"
    kind: str = "COUNT"
    raw: str = ""


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
    return {
        # each table is indexed by the word the scan sees first, longest sequence first
        "approx": _index(approx, lambda seq: seq[-1]),
        "phrases": _index(phrases, lambda seq: seq[0]),
        "phrase_starts": frozenset(seq[0] for seq, _ in phrases),
        "percent": _index([(seq, None) for seq in percent], lambda seq: seq[0]),
        "rate": _index([(seq, None) for seq in rate], lambda seq: seq[0]),
        "time_units": frozenset(d["time_units"]),
        "prison": frozenset(d["prison_verbs"]),
        "id_prefixes": frozenset(d["id_prefixes"]),
        "id_suffixes": frozenset(d["id_suffixes"]),
        "months": frozenset(d["months"]),
        "suffix_scales": d["suffix_scales"],
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


def _number_words() -> set[str]:
    d = numbers_data()
    return set(d["units"]) | set(d["tens"]) | set(d["scales"])


class NumberFinder:
    """Finds numbers and classifies them; see the module docstring."""

    def __init__(self, nlp: Language, name: str, spans_key: str = "numbers") -> None:
        self.name = name
        self.spans_key = spans_key
        self.t = _tables()
        self.start_words = frozenset(self.t["phrase_starts"]) | frozenset(_number_words())

    # -- reading the number itself ---------------------------------------------------------
    def _read_at(self, doc: Doc, low: list[str], i: int) -> _Num | None:
        t = self.t
        for seq, p in t["phrases"].get(low[i], ()):
            if _match_seq(low, i, seq):
                end = i + len(seq) - (1 if seq[-1] == "of" else 0)
                return _Num(i, end, float(p["value"]), p.get("unit", "count"),
                            p.get("approx", "exact"), raw="phrase")
        tok = doc[i]
        v = parse_digits(tok.text)
        if v is not None:
            end = i + 1
            if end < len(low) and low[end] in t["suffix_scales"] and not tok.whitespace_ == "\n":
                # "2.5 million", "£3m" (the "m" split off by the tokenizer)
                if low[end] in ("million", "billion", "m", "bn", "k", "mn"):
                    v *= t["suffix_scales"][low[end]]
                    end += 1
            return _Num(i, end, v, raw="digits")
        if is_number_word(tok.text) and tok.lower_ not in ("hundred", "thousand", "million", "billion"):
            j = i + 1
            while j < len(doc) and (is_number_word(doc[j].text) or
                                    (doc[j].text in ("-", "and") and j + 1 < len(doc)
                                     and is_number_word(doc[j + 1].text))):
                if doc[j].text == "and" and not any(low[k] in ("hundred", "thousand")
                                                    for k in range(i, j)):
                    break  # "and" joins number words only after a scale: "two hundred and five"
                j += 1
            words = [doc[k].text for k in range(i, j)]
            v = parse_words(words)
            if v is None and j - i > 1:
                j, v = i + 1, parse_words([tok.text])
            if v is not None:
                return _Num(i, j, v, raw="words")
        return None

    # -- around the number -----------------------------------------------------------------
    def _one_in(self, doc: Doc, low: list[str], num: _Num) -> None:
        """'one in every 10' → 10 per cent; 'two in five' → 40 per cent."""
        j = num.end
        if j < len(low) and low[j] == "in":
            k = j + 1
            if k < len(low) and low[k] == "every":
                k += 1
            if k < len(low):
                other = self._read_at(doc, low, k)
                year_like = other is not None and other.raw == "digits" and 1900 <= other.value <= 2100
                if other and other.raw != "phrase" and not year_like and other.value > num.value > 0 \
                        and "/" not in doc[k].text:
                    num.value = 100.0 * num.value / other.value
                    num.unit, num.kind, num.end = "percent", "PERCENT", other.end

    def _unit(self, doc: Doc, low: list[str], num: _Num) -> None:
        t = self.t
        if num.unit == "percent":
            num.kind = "PERCENT"
            return
        if num.start > 0 and doc[num.start - 1].text in ("£", "€", "$"):
            num.unit, num.kind = "gbp", "MONEY"
            return
        nxt = low[num.end] if num.end < len(low) else ""
        for seq, _ in t["percent"].get(nxt, ()):
            if _match_seq(low, num.end, seq):
                num.unit, num.kind = "percent", "PERCENT"
                return
        if nxt in ("pounds", "pound"):
            num.unit, num.kind = "gbp", "MONEY"
            return
        for seq, _ in t["rate"].get(nxt, ()):
            if _match_seq(low, num.end, seq):
                num.unit, num.kind = "rate_per_year", "RATE"
                return

    def _approx(self, doc: Doc, low: list[str], num: _Num) -> None:
        if num.approx != "exact":
            return
        start = num.start
        if start > 0 and doc[start - 1].text in ("£", "€", "$"):
            start -= 1
        if start == 0:
            return
        for seq, label in self.t["approx"].get(low[start - 1], ()):
            if _match_seq(low, start - len(seq), seq):
                num.approx = label
                return

    def _kind(self, tt: TokenTable, num: _Num, nouns: set[int], prev: _Num | None) -> str:
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
        if num.kind in ("PERCENT", "MONEY", "RATE"):
            return num.kind
        # ages: "17-year-old", "aged 17", "between the ages of 14 and 16"
        tail = "".join(text[a1:a1 + 4]).lower().replace(" ", "")
        if tail.startswith(("-year-old", "yearold", "years-old", "year-old", "yearsold", "-years-old")):
            return "AGE"
        if before in ("aged", "age"):
            return "AGE"
        if before2 in ("age", "ages") and before == "of":
            return "AGE"
        if prev is not None and prev.kind == "AGE" and before in ("and", "to") and prev.end == num.start - 1:
            return "AGE"
        # ages in apposition: "PC John Smith, 45, of Thames Valley Police"
        if before == "," and after == "," and num.raw == "digits" and 16 <= num.value <= 99 \
                and before2 is not None and text[b2].isalpha() \
                and (text[b2].istitle() or text[b2].isupper()) and a1 + 1 < n and text[a1 + 1].islower():
            return "AGE"
        # identifiers: channel 276, section 3, No. 10, 999 calls, phone numbers, Covid-19
        if before is not None:
            if before in t["id_prefixes"] and before not in ("no", "number", "year", "top",
                                                             "figure", "level", "act"):
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
        if after is not None and (after in t["id_suffixes"] or after in ("am", "pm")):
            return "ID"
        if num.raw == "digits" and first.startswith("0") and len(first) >= 4:
            return "ID"
        if num.raw == "digits" and "." in first and after in ("am", "pm"):
            return "ID"
        # dates: "12 April", "June 2020", "April 12"
        if before in t["months"] or (after in t["months"] and num.value <= 31):
            return "YEAR" if 1900 <= num.value <= 2100 else "DATE"
        # years: 2009, 2019/20, 2021-22, 2018-2021
        if num.raw == "digits" and "," not in first and "." not in first and 1900 <= num.value <= 2100 \
                and num.end not in nouns:
            return "YEAR"
        if "/" in first or (prev is not None and prev.kind == "YEAR" and before is not None
                            and text[b1] in ("-", "/", "–") and prev.end == num.start - 1):
            return "YEAR"
        # durations: "five years", "a four year period", "two-minute silence"; prison terms
        unit_i = a1
        if after == "-" and after2 is not None:
            unit_i = a1 + 1
        unit = low[unit_i] if unit_i < n else None
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

    def _candidates(self, doc: Doc, low: list[str]) -> list[int]:
        """Token positions that may start a number: spaCy's LIKE_NUM (read as an array, no Token
        objects), a number word or phrase start, or a token starting with a digit."""
        if len(doc) == 0:
            return []
        found = set(numpy.flatnonzero(doc.to_array(LIKE_NUM)).tolist())
        words = self.start_words
        found.update(i for i, w in enumerate(low) if w in words or w[:1] in _DIGITS)
        return sorted(found)

    def __call__(self, doc: Doc) -> Doc:
        nouns = set()
        for key in ("subjects", "measures"):
            for sp in doc.spans.get(key, []):
                nouns.add(sp.start)
        found: list[_Num] = []
        prev: _Num | None = None
        table = token_table(doc)
        low = table.lower
        for i in self._candidates(doc, low):
            if found and i < found[-1].end:
                continue
            num = self._read_at(doc, low, i)
            if num is None:
                continue
            self._one_in(doc, low, num)
            self._unit(doc, low, num)
            self._approx(doc, low, num)
            num.kind = self._kind(table, num, nouns, prev)
            found.append(num)
            prev = num
        spans = []
        for num in found:
            span = Span(doc, num.start, num.end, label=num.kind)
            ext = span._  # one Underscore object for the three values
            ext.value = num.value
            ext.unit = num.unit
            ext.approx = num.approx
            spans.append(span)
        doc.spans[self.spans_key] = spans
        return doc


@Language.factory("misconduct_numbers", default_config={"spans_key": "numbers"})
def make_number_finder(nlp: Language, name: str, spans_key: str) -> NumberFinder:
    """Marks numbers (digits, words, "a dozen", "one in every 10", "half of") with value and kind."""
    return NumberFinder(nlp, name, spans_key)
