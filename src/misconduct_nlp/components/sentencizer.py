"""``misconduct_sentencizer``: sentence boundaries for news pages.

Rules, in order: every line break ends a sentence unless the line runs on (no closing
punctuation and the next line starts in lower case); terminal punctuation (with any closing
quotes) ends a sentence unless it follows an abbreviation ("Insp.", "No. 10"); list bullets
start a sentence; page furniture ("Hide Ad", "Loading....", "Advertisement") is cut out as a
sentence of its own and recorded in ``doc.spans["furniture"]`` so no claim is read from it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .. import extensions  # noqa: F401  (registers Doc/Span extensions)
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

    def __init__(self, nlp: Language, name: str, furniture_key: str = "furniture") -> None:
        self.name = name
        self.furniture_key = furniture_key
        self.rules = _rules()
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher.add("FURNITURE", [nlp.make_doc(p) for p in furniture_data()["phrases"]])

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if n == 0:
            doc.spans[self.furniture_key] = []
            return doc
        starts = [False] * n
        furniture: list[Span] = []
        r = self.rules
        # 1. lines: split the doc at newline tokens
        line_start = 0
        lines: list[tuple[int, int]] = []
        for i, tok in enumerate(doc):
            if tok.is_space and "\n" in tok.text:
                lines.append((line_start, i))
                line_start = i + 1
        lines.append((line_start, n))
        prev_content: tuple[int, int] | None = None
        in_links = False
        prev_blank = True
        for a, b in lines:
            first = next((k for k in range(a, b) if not doc[k].is_space), None)
            if first is None:
                prev_blank = True
                continue
            last = max(k for k in range(a, b) if not doc[k].is_space)
            run_on = (
                prev_content is not None and not prev_blank
                and doc[prev_content[1]].text not in r["terminals"]
                and doc[prev_content[1]].text not in r["closers"]
                and doc[first].text[:1].islower()
                and not is_furniture(doc[prev_content[0]:prev_content[1] + 1].text)
            )
            if not run_on:
                starts[first] = True
            line_text = doc[first:last + 1].text
            if in_links and (doc[last].text in r["terminals"] or last - first > 20):
                in_links = False
            if is_furniture(line_text) or in_links:
                furniture.append(doc[first:last + 1])
                starts[first] = True
                if last + 1 < n:
                    starts[last + 1] = True
            if link_list_heading_regex().match(line_text.strip()):
                in_links = True  # "Related stories", "Most read": the headlines below are other stories
            prev_content = (first, last)
            # a blank line after this one ("\n\n" token) always ends the sentence
            prev_blank = b < n and doc[b].text.count("\n") > 1
        # 2. terminal punctuation inside lines
        for i, tok in enumerate(doc):
            if tok.text in r["bullets"] and tok.text not in "-–—" and i + 1 < n:
                starts[i] = True
                continue
            ellipsis = tok.text.endswith("...") and tok.text.strip(".") == ""
            if tok.text not in r["terminals"] and not ellipsis:
                continue
            if tok.text == "." and i > 0 and doc[i - 1].lower_ in r["abbrev"] and not doc[i - 1].whitespace_:
                continue
            k = i + 1
            while k < n and (doc[k].text in r["closers"]) and not doc[k - 1].whitespace_:
                k += 1
            while k < n and doc[k].is_space:
                k += 1
            if k >= n:
                continue
            nxt = doc[k].text
            if nxt[:1].isupper() or nxt[:1].isdigit() or nxt in r["bullets"] or nxt[:1] in "\"“‘'(":
                starts[k] = True
        # 3. in-line furniture phrases are sentences of their own
        for _, s, e in self.matcher(doc):
            span = doc[s:e]
            if span.text.lower().startswith("loading") or is_furniture(span.text):
                furniture.append(span)
                starts[s] = True
                if e < n:
                    starts[e] = True
        starts[0] = True
        for i, tok in enumerate(doc):
            # a whitespace token never starts a sentence: give the start to the next word
            if starts[i] and tok.is_space and i + 1 < n:
                starts[i + 1] = True
                starts[i] = i == 0
            tok.is_sent_start = starts[i]
        doc.spans[self.furniture_key] = furniture
        return doc


@Language.factory("misconduct_sentencizer", default_config={"furniture_key": "furniture"})
def make_sentencizer(nlp: Language, name: str, furniture_key: str) -> NewsSentencizer:
    """Sentence splitter for news layout (headlines, bullets, quotes, abbreviations, furniture)."""
    return NewsSentencizer(nlp, name, furniture_key)
