"""Bounds on what one article can cost, whatever its text: see ``docs/robustness.md``.

* :func:`prepare_text` turns any ``str`` into the text a spaCy Doc is made from, one character
  for one, so every offset still points into the caller's text: lone surrogates (not Unicode,
  not writable as UTF-8) become U+FFFD, C0 control characters become spaces, and long runs of
  punctuation or symbols ("+7" and 10,000 dots, a row of 5,000 pound signs) keep their first
  few characters and are read as spaces after them (spaCy's tokenizer splits such a run one
  character at a time, rescanning the rest each time: minutes for 10,000 characters).
* :func:`chunk_bounds` cuts a text longer than spaCy's ``max_length`` into pieces at paragraph
  breaks, else line or sentence ends, else whitespace.
* :func:`sentence_window` records a sentence over :data:`SENTENCE_LIMIT` characters as a
  window of at most :data:`WINDOW` characters around the figure, so no claim record repeats
  a whole 100 KB flattened table.
"""

from __future__ import annotations

import re

from .errors import Errors, UsageError
from .model import TextSpan

#: A sentence longer than this many characters is recorded as a window (``truncated: true``).
SENTENCE_LIMIT = 1000
#: The most characters a windowed sentence keeps.
WINDOW = 400
#: Punctuation/symbol runs longer than this are cut down before tokenizing ...
PUNCT_RUN = 32
#: ... to their first this many characters (so "Loading...." and a closing "!!!" still read).
PUNCT_KEEP = 4

_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # C0 controls but tab and newline
_PUNCT_RUN = re.compile(r"(?:[^\w\s]|_){" + str(PUNCT_RUN + 1) + ",}")
# the same for a text with no underscore: one character class, not a branch at every character
_PUNCT_RUN_NO_UNDERSCORE = re.compile(r"[^\w\s]{" + str(PUNCT_RUN + 1) + ",}")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


def quotable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, one for one (the text claims quote)."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


def _cut_run(m: re.Match[str]) -> str:
    run = m.group()
    return run[:PUNCT_KEEP] + " " * (len(run) - PUNCT_KEEP)


def prepare_text(text: str) -> str:
    """The text a Doc is made from: same length as ``text``, every offset the same.

    Expects :func:`quotable` text. Control characters become spaces; a run of more than
    :data:`PUNCT_RUN` punctuation or symbol characters keeps its first :data:`PUNCT_KEEP`
    and the rest become spaces. Returns ``text`` itself when nothing changes.
    """
    out, controls = _CONTROL.subn(" ", text)
    out, runs = (_PUNCT_RUN if "_" in out else _PUNCT_RUN_NO_UNDERSCORE).subn(_cut_run, out)
    return out if controls or runs else text


def chunk_bounds(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` pieces covering ``text``, each at most ``limit`` characters.

    A piece ends after the last paragraph break (a blank line) in its second half, else after
    the last line break, else after the last sentence end, else at the last whitespace, else
    at ``limit`` exactly. A text within the limit is one piece.
    """
    if limit <= 0:
        raise UsageError(Errors.E314.format(limit=limit))
    out: list[tuple[int, int]] = []
    start, n = 0, len(text)
    while n - start > limit:
        hard = start + limit
        floor = start + limit // 2
        cut = -1
        at = text.rfind("\n\n", floor, hard)
        if at != -1:
            cut = at + 2
        if cut == -1:
            at = text.rfind("\n", floor, hard)
            cut = at + 1 if at != -1 else -1
        if cut == -1:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, hard)]
            cut = ends[-1] if ends else -1
        if cut == -1:
            for i in range(hard - 1, floor - 1, -1):
                if text[i].isspace():
                    cut = i + 1
                    break
        if cut <= start:
            cut = hard
        out.append((start, cut))
        start = cut
    out.append((start, n))
    return out


def sentence_window(text: str, start: int, end: int, span_start: int, span_end: int) -> TextSpan:
    """The sentence ``text[start:end]`` as recorded for a figure at ``text[span_start:span_end]``.

    The whole sentence when it is at most :data:`SENTENCE_LIMIT` characters; else a window of
    at most :data:`WINDOW` characters around the figure (whole words where it can), with
    ``truncated=True``. Either way the span's text is ``text[span.start:span.end]``.
    """
    lo, hi = start, end
    if hi - lo <= SENTENCE_LIMIT:
        return TextSpan(text[lo:hi], lo, hi)
    s, e = min(max(span_start, lo), hi), max(min(span_end, hi), lo)
    if e - s >= WINDOW:  # a figure longer than the window: its first WINDOW characters
        a, b = s, s + WINDOW
    else:
        room = WINDOW - (e - s)
        a = max(lo, s - room // 2)
        b = min(hi, a + WINDOW)
        a = max(lo, b - WINDOW)
        if a > lo and not text[a - 1].isspace():  # start at a word
            nxt = next((i for i in range(a, s) if text[i].isspace()), None)
            if nxt is not None:
                a = nxt + 1
        if b < hi and not text[b].isspace():  # end at a word
            prev = next((i for i in range(b - 1, e - 1, -1) if text[i].isspace()), None)
            if prev is not None:
                b = prev
        while a < s and text[a].isspace():
            a += 1
        while b > e and text[b - 1].isspace():
            b -= 1
    return TextSpan(text[a:b], a, b, truncated=True)
