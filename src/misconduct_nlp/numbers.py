"""Reading numbers: digits ("1,368", "2.5", "1.5bn") and number words ("Thirty-seven",
"two hundred and fifty-three"). Pure functions, no spaCy.

Simple word numbers are read from the table in data/numbers.json; longer spelled-out
compounds go to quantulum3, which parses them well but costs milliseconds, so it is called
only on those few words and its answers are cached.
"""

from __future__ import annotations

import re
import warnings
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


def word_value(word: str) -> int | None:
    """Value of a single number word ("seven", "forty", "hundred"), else None."""
    d = numbers_data()
    w = word.lower()
    return d["units"].get(w, d["tens"].get(w, d["scales"].get(w)))


def is_number_word(word: str) -> bool:
    """True for words that can be part of a spelled-out number."""
    return word_value(word) is not None


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
