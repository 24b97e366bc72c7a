"""Reading numbers: digits ("1,368", "2.5", "1.5bn"), digits with what is glued to them
("£3m", "1.38pc", "164p", "10kW", "-1.3", "12–15") and number words ("Thirty-seven",
"two hundred and fifty-three"). Pure functions, no spaCy.

Simple word numbers are read from the table in data/numbers.json; longer spelled-out
compounds go to quantulum3, which parses them well but costs milliseconds, so it is called
only on those few words and its answers are cached.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import numbers_data

DIGITS_RE = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
SUFFIXED_RE = re.compile(r"^(\d+(?:\.\d+)?)(k|m|mn|bn)$", re.IGNORECASE)


def parse_digits(text: str) -> float | None:
    """The value of a digit token ("1,368" → 1368, "2.5" → 2.5, "1.5bn" → 1.5e9), else None."""
    if DIGITS_RE.match(text):
        return float(text.replace(",", ""))
    m = SUFFIXED_RE.match(text)
    if m:
        return float(m.group(1)) * numbers_data()["suffix_scales"][m.group(2).lower()]
    return None


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
# one token: [sign][~][currency prefix]number[suffix]; the prefix and suffix are checked
# against data/numbers.json by the caller's tables, not here
TOKEN_RE = re.compile(
    r"^(?P<sub>sub-)?(?P<sign>[-\u2212+]|minus-)?(?P<tilde>[~\u2248])?(?P<pre>[^\W\d_]{1,3}\$?|[£$€¥]|Y=)?"
    rf"(?P<num>{_NUM})(?P<suf>[^\d\s].*)?$", re.IGNORECASE)
PAIR_RE = re.compile(rf"^(?P<sep>[-\u2013\u2014/])(?P<num>{_NUM})(?P<suf>[^\W\d_]{{1,3}}\.?)?$")


@dataclass(frozen=True)
class TokenNumber:
    """What one token says about a number: "£3m" → value 3, prefix "£", suffix "m"."""

    value: float
    prefix: str = ""       # a currency prefix glued to the digits ("£", "USD", "PS", "Y=")
    suffix: str = ""       # what is glued after the digits ("m", "pc", "kW", "–15")
    negative: bool = False  # a minus glued in front ("-1.3", "minus-5"; "+0.2" is not)
    tilde: bool = False     # "~25": about
    grouped: bool = False   # written with thousands separators ("1,368")
    decimal: bool = False   # written with a decimal point ("2.5")
    below: bool = False     # "sub-300": less than


@lru_cache(maxsize=8192)
def read_token(text: str) -> TokenNumber | None:
    """Split a token into sign, currency prefix, number and glued suffix, or None when the
    token has no number in that shape ("M21", "COVID-19", "Section"). (Answers are kept: the
    same tokens, "2019", "12", come back in article after article.)

    >>> read_token("£3m")
    TokenNumber(value=3.0, prefix='£', suffix='m', negative=False, tilde=False, grouped=False, decimal=False)
    """
    m = TOKEN_RE.match(text)
    if m is None:
        return None
    num = m.group("num")
    return TokenNumber(float(num.replace(",", "")), m.group("pre") or "", m.group("suf") or "",
                       m.group("sign") not in (None, "+"), m.group("tilde") is not None,
                       "," in num, "." in num, m.group("sub") is not None)


def read_pair(suffix: str) -> tuple[str, float, str] | None:
    """The second number of a glued pair and what is glued to it: "–15" of "12–15" →
    ("–", 15.0, ""); "-15m" of "10-15m" → ("-", 15.0, "m"); "/20" → ("/", 20.0, "")."""
    m = PAIR_RE.match(suffix)
    if m is None:
        return None
    return m.group("sep"), float(m.group("num").replace(",", "")), (m.group("suf") or "").rstrip(".")


def word_value(word: str) -> int | None:
    """Value of a single number word ("seven", "forty", "hundred"), else None."""
    d = numbers_data()
    w = word.lower()
    return d["units"].get(w, d["tens"].get(w, d["scales"].get(w)))


def is_number_word(word: str) -> bool:
    """True for words that can be part of a spelled-out number."""
    return word.lower() in _number_words()


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    """The words :func:`word_value` gives a value for (lower-cased)."""
    d = numbers_data()
    return frozenset(w for table in (d["units"], d["tens"], d["scales"]) for w, v in table.items()
                     if v is not None)


def parse_words(words: list[str]) -> float | None:
    """Value of a spelled-out number given as its words, hyphens and "and" included.

    "thirty - seven" → 37, "five hundred" → 500; anything longer goes to quantulum3.
    """
    core = [w.lower() for w in words if w not in ("-", "and")]
    if not core or any(not is_number_word(w) for w in core):
        return None
    d = numbers_data()
    if len(core) == 1:
        return float(word_value(core[0]))  # type: ignore[arg-type]
    if len(core) == 2:
        a, b = core
        if a in d["tens"] and b in d["units"] and d["units"][b] < 10:
            return float(d["tens"][a] + d["units"][b])
        if (a in d["units"] or a in d["tens"]) and b in d["scales"]:
            return float(word_value(a) * d["scales"][b])  # type: ignore[operator]
        return None
    return _quantulum_words(" ".join(words).replace(" - ", "-"))


@lru_cache(maxsize=4096)
def _quantulum_words(text: str) -> float | None:
    """quantulum3's reading of a spelled-out number, or None when it finds no single number."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        try:
            quantities = parser.parse(text)
        except Exception:  # quantulum3 raises assorted errors on odd input
            return None
    if len(quantities) != 1:
        return None
    return float(quantities[0].value)
