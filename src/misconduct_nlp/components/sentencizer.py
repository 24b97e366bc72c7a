"""``misconduct_sentencizer``: sentence boundaries for news pages.

Rules, in order: every line break ends a sentence unless the line runs on (no closing
punctuation and the next line starts in lower case); terminal punctuation (with any closing
quotes) ends a sentence unless it follows an abbreviation ("Insp.", "No. 10"); list bullets
start a sentence; page furniture ("Hide Ad", "Loading....", "Advertisement") is cut out as a
sentence of its own and recorded in ``doc.spans["furniture"]`` so no claim is read from it.

A sentence of more than ``max_sentence_tokens`` tokens (a flattened table, "Kent Police 12,
Essex Police 7, ..." over 100 KB; a run-on page with no full stops) is read in pieces of at
most that many tokens, cut at the last clause boundary of each piece's second half: after
";", else ":", else a comma next to a figure ("12, Essex"), else before "and"/"or"/"but"
or after any comma, else at a word. The whole sentence is recorded in
``doc.spans["long_sentences"]``, so the claims component can still quote it (as a window)
and read a piece's figures with what earlier pieces said. Every rule reading a sentence
costs at most the square of the bound, whatever the text. Shorter sentences are untouched.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from itertools import pairwise

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from .. import extensions  # noqa: F401  (registers Doc/Span extensions)
from ..doccache import doc_text, token_table
from ..lexicon import furniture_data


@cache
def _rules() -> dict:
    path = resources.files("misconduct_nlp").joinpath("data", "sentences.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        "abbrev": frozenset(data["abbreviations"]),
        "bullets": frozenset(data["bullets"]),
        "terminals": frozenset(data["terminals"]),
        "closers": frozenset(data["closers"]),
    }


@cache
def furniture_line_regex() -> re.Pattern[str]:
    """One compiled regex for whole lines of page furniture (case-insensitive)."""
    parts = [row["pattern"] for row in furniture_data()["lines"]]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)


@cache
def link_list_heading_regex() -> re.Pattern[str]:
    """Headings of link lists ("Related stories", "Most read") whose short lines are furniture."""
    return re.compile(furniture_data()["list_headings"]["pattern"], re.IGNORECASE)


def is_furniture(text: str) -> bool:
    """True when ``text`` (a line or sentence) is page furniture."""
    return bool(furniture_line_regex().match(text.strip()))


class NewsSentencizer:
    """Sets ``Token.is_sent_start`` for every token and fills ``doc.spans["furniture"]``."""

    def __init__(self, nlp: Language, name: str, furniture_key: str = "furniture",
                 max_sentence_tokens: int = 1000, long_key: str = "long_sentences") -> None:
        self.name = name
        self.furniture_key = furniture_key
        self.max_sentence_tokens = max(2, int(max_sentence_tokens))
        self.long_key = long_key
        self.rules = _rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("FURNITURE", [nlp.make_doc(p) for p in furniture_data()["phrases"]])

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            doc.spans[self.furniture_key] = []
            doc.spans[self.long_key] = []
            return doc
        # everything works on plain lists of the tokens' strings (Token objects are slow)
        table = token_table(doc)
        texts, ws, idx, space = table.text, table.ws, table.idx, table.space
        full = doc_text(doc)

        def line_text(a: int, b: int) -> str:  # tokens a..b inclusive
            return full[idx[a]:idx[b] + len(texts[b])]

        starts = [False] * n
        furniture: list[tuple[int, int]] = []
        r = self.rules
        # 1. lines: split the doc at newline tokens
        line_start = 0
        lines: list[tuple[int, int]] = []
        for i in [i for i, t in enumerate(texts) if "\n" in t and space[i]]:
            lines.append((line_start, i))
            line_start = i + 1
        lines.append((line_start, n))
        prev_content: tuple[int, int] | None = None
        prev_furniture = False
        in_links = False
        prev_blank = True
        for a, b in lines:
            content = [k for k in range(a, b) if not space[k]]
            if not content:
                prev_blank = True
                continue
            first, last = content[0], content[-1]
            run_on = (
                prev_content is not None and not prev_blank and not prev_furniture
                and texts[prev_content[1]] not in r["terminals"]
                and texts[prev_content[1]] not in r["closers"]
                and texts[first][:1].islower()
            )
            if not run_on:
                starts[first] = True
            text = line_text(first, last)
            if in_links and (texts[last] in r["terminals"] or last - first > 20):
                in_links = False
            prev_furniture = is_furniture(text)
            if prev_furniture or in_links:
                furniture.append((first, last + 1))
                starts[first] = True
                if last + 1 < n:
                    starts[last + 1] = True
            if link_list_heading_regex().match(text.strip()):
                in_links = True  # "Related stories", "Most read": the headlines below are other stories
            prev_content = (first, last)
            # a blank line after this one ("\n\n" token) always ends the sentence
            prev_blank = b < n and texts[b].count("\n") > 1
        # 2. terminal punctuation inside lines
        terminals, closers, bullets, abbrev = r["terminals"], r["closers"], r["bullets"], r["abbrev"]
        marks = bullets | terminals
        # (only a bullet, a terminal or a run of dots can start a sentence after it)
        for i in [i for i, t in enumerate(texts) if t in marks or t.endswith("...")]:
            t = texts[i]
            if t in bullets and t not in "-–—" and i + 1 < n:
                starts[i] = True
                continue
            if t not in terminals and not (t.endswith("...") and t.strip(".") == ""):
                continue
            if t == "." and i > 0 and texts[i - 1].lower() in abbrev and not ws[i - 1]:
                continue
            if t in ".)" and i > 0 and texts[i - 1].isdigit() and len(texts[i - 1]) <= 2 and not ws[i - 1] \
                    and (i == 1 or "\n" in texts[i - 2] or starts[i - 1]):
                continue  # "2. Durham – 461": the number of a numbered list's item, not a sentence end
            k = i + 1
            while k < n and texts[k] in closers and not ws[k - 1]:
                k += 1
            while k < n and space[k]:
                k += 1
            if k >= n:
                continue
            nxt = texts[k]
            if nxt[:1].isupper() or nxt[:1].isdigit() or nxt in bullets or nxt[:1] in "\"“‘'(":
                starts[k] = True
        # 3. in-line furniture phrases are sentences of their own
        for _, s, e in self.matcher(doc):
            phrase = line_text(s, e - 1)
            if phrase.lower().startswith("loading") or is_furniture(phrase):
                furniture.append((s, e))
                starts[s] = True
                if e < n:
                    starts[e] = True
        starts[0] = True
        for i in [i for i in range(1, n - 1) if starts[i] and space[i]]:
            # a whitespace token never starts a sentence: give the start to the next word (and
            # on, over a run of whitespace tokens)
            while i < n - 1 and starts[i] and space[i]:
                starts[i + 1] = True
                starts[i] = False
                i += 1
        # 4. sentences over the bound are read in pieces
        long = split_long_sentences(starts, texts, space, self.max_sentence_tokens)
        # SENT_START: 1 starts a sentence, -1 does not (cast to the uint64 that from_array reads)
        flags = numpy.where(numpy.array(starts, dtype=bool), 1, -1).astype("int64").astype("uint64")
        doc.from_array([SENT_START], flags)
        doc.spans[self.furniture_key] = [doc[a:b] for a, b in furniture]
        doc.spans[self.long_key] = [doc[a:b] for a, b in long]
        return doc


#: Words a clause may start with: a long sentence is cut before them (rank 3).
_CLAUSE_WORDS = frozenset({"and", "or", "but", "while", "whereas"})


def _cut_rank(c: int, texts: list[str], space: list[bool]) -> int:
    """How good a place token ``c`` is to start a piece of a long sentence: 0 best, 4 worst."""
    p = c - 1
    while p > 0 and space[p]:
        p -= 1
    prev = texts[p]
    if prev == ";":
        return 0
    if prev == ":":
        return 1
    if prev == ",":
        before = texts[p - 1] if p > 0 else ""
        if any(ch.isdigit() for ch in before) or any(ch.isdigit() for ch in texts[c]):
            return 2  # "Kent Police 12, Essex Police 7": between the cells of a flattened table
        return 3
    return 3 if texts[c].lower() in _CLAUSE_WORDS else 4


def split_long_sentences(starts: list[bool], texts: list[str], space: list[bool],
                         limit: int) -> list[tuple[int, int]]:
    """Cut every sentence of more than ``limit`` tokens into pieces of at most ``limit`` (in
    place, in ``starts``); the ``(start, end)`` of each sentence cut.

    A piece ends at the best clause boundary (:func:`_cut_rank`) in its second half, the
    last of the best; never at a whitespace token.
    """
    n = len(starts)
    bounds = [i for i in range(n) if starts[i]] + [n]
    long: list[tuple[int, int]] = []
    for a, b in pairwise(bounds):
        if b - a <= limit:
            continue
        long.append((a, b))
        s = a
        while b - s > limit:
            best, best_rank = -1, 5
            for c in range(s + limit, s + limit // 2, -1):
                if space[c]:
                    continue
                rank = _cut_rank(c, texts, space)
                if rank < best_rank:
                    best, best_rank = c, rank
                    if rank == 0:
                        break
            if best == -1:  # only whitespace in the window: cut at the first word after it
                best = next((c for c in range(s + limit, b) if not space[c]), b)
                if best == b:
                    break
            starts[best] = True
            s = best
    return long


@Language.factory("misconduct_sentencizer", default_config={
    "furniture_key": "furniture", "max_sentence_tokens": 1000, "long_key": "long_sentences"})
def make_sentencizer(nlp: Language, name: str, furniture_key: str, max_sentence_tokens: int,
                     long_key: str) -> NewsSentencizer:
    """Sentence splitter for news layout (headlines, bullets, quotes, abbreviations, furniture);
    sentences over ``max_sentence_tokens`` tokens are read in pieces (``doc.spans[long_key]``)."""
    return NewsSentencizer(nlp, name, furniture_key, max_sentence_tokens, long_key)
