"""Hostile text through the API: non-str input, lone surrogates, articles over spaCy's
``max_length``, long punctuation runs and very long sentences (``misconduct_nlp.bounds``).

Sizes are chosen so each test is quick when its bound works; without the bound the
punctuation tests take minutes and the long-sentence tests write kilobytes per claim.
"""

from __future__ import annotations

import json

import pytest

from misconduct_nlp import extract, extract_many
from misconduct_nlp.bounds import (
    PUNCT_KEEP,
    SENTENCE_LIMIT,
    WINDOW,
    chunk_bounds,
    prepare_text,
    quotable,
    sentence_window,
)


def assert_exact(text: str, claims) -> None:
    for c in claims:
        assert text[c.span.start:c.span.end] == c.span.text
        assert text[c.sentence.start:c.sentence.end] == c.sentence.text
        assert c.sentence.start <= c.span.start and c.span.end <= c.sentence.end


@pytest.mark.parametrize("value, name", [(b"12 officers were sacked.", "bytes"),
                                         (bytearray(b"12 officers"), "bytearray"), (None, "NoneType"),
                                         (12, "int")])
def test_non_str_raises_type_error_naming_the_type(nlp, value, name):
    with pytest.raises(TypeError, match=rf"must be a str, not {name}\b") as err:
        extract(value, nlp=nlp)
    assert "b'" not in str(err.value)
    with pytest.raises(TypeError, match=name):
        list(extract_many([(value, "a", None)], nlp=nlp))


def test_lone_surrogates_are_quoted_as_replacement_characters(nlp):
    text = "Kent Police sacked 12 officers \ud800 last year.\udcff"
    (claim,) = extract(text, nlp=nlp)
    quoted = text.replace("\ud800", "\ufffd").replace("\udcff", "\ufffd")
    assert quoted[claim.sentence.start:claim.sentence.end] == claim.sentence.text
    assert "\ufffd" in claim.sentence.text and claim.span.text == "12"
    json.dumps(claim.to_dict(), ensure_ascii=False).encode("utf-8")  # writable as UTF-8


def test_quotable_and_prepare_text_keep_every_offset():
    assert quotable("a\ud83db") == "a\ufffdb" and quotable("plain") == "plain"
    for text in ["+7" + "." * 10_000, "x" + "!" * 500 + " 12", "\x00\x01 a", "tidy text."]:
        prepared = prepare_text(text)
        assert len(prepared) == len(text)
    assert prepare_text("tidy text.") == "tidy text."
    cut = prepare_text("wait" + "!" * 100 + " then")
    assert cut == "wait" + "!" * PUNCT_KEEP + " " * (100 - PUNCT_KEEP) + " then"


@pytest.mark.parametrize("run", [c * 10_000 for c in (".", "!", "£", "(", "\U0001f46e")])
def test_long_punctuation_runs_are_read_quickly_with_exact_offsets(nlp, run):
    # spaCy's tokenizer takes about a minute on each of these runs when it is given them whole
    text = f"Call +7{run} now.\nKent Police sacked 12 officers last year.\n"
    claims = extract(text, nlp=nlp)
    assert [c.value for c in claims] == [12]
    assert_exact(text, claims)


def test_chunk_bounds_prefer_paragraphs_then_lines_then_whitespace():
    text = "a" * 60 + "\n\n" + "b" * 30 + "\n" + "c" * 40
    bounds = chunk_bounds(text, 80)
    assert bounds[0] == (0, 62)  # after the blank line
    assert "".join(text[a:b] for a, b in bounds) == text
    assert all(b - a <= 80 for a, b in bounds)
    assert chunk_bounds("x" * 50 + " " + "y" * 70, 80) == [(0, 51), (51, 121)]
    assert chunk_bounds("z" * 200, 80) == [(0, 80), (80, 160), (160, 200)]
    assert chunk_bounds("short", 80) == [(0, 5)]
    assert chunk_bounds("", 80) == [(0, 0)]


def test_article_over_max_length_is_read_in_chunks_with_exact_offsets(nlp):
    text = ("Kent Police sacked 12 officers last year. " + "filler " * 150_000
            + "\n\nEssex Police dismissed 3 officers in 2020.\n")
    assert len(text) > nlp.max_length  # spaCy alone refuses it (E088)
    claims = extract(text, nlp=nlp)
    assert [c.value for c in claims] == [12, 3]
    assert claims[1].span.start > nlp.max_length
    assert_exact(text, claims)
    (many,) = extract_many([(text, None, None)], nlp=nlp)
    assert [c.to_dict() for c in many] == [c.to_dict() for c in claims]


def test_chunks_give_the_claims_of_the_whole(nlp):
    paragraphs = [f"Force {k}: Kent Police sacked {k + 2} officers in 2019.\n\n" for k in range(60)]
    text = "".join(paragraphs)
    whole = extract(text, nlp=nlp)
    saved = nlp.max_length
    nlp.max_length = 500  # about ten paragraphs a piece
    try:
        pieces = extract(text, nlp=nlp)
        many = list(extract_many([("Two officers were sacked.", "a", None), (text, None, None),
                                  ("", "c", None)], nlp=nlp))
    finally:
        nlp.max_length = saved
    assert [c.value for c in whole] == list(range(2, 62))
    assert [c.to_dict() for c in pieces] == [c.to_dict() for c in whole]
    assert [len(m) for m in many] == [1, 60, 0]
    assert [c.to_dict() for c in many[1]] == [c.to_dict() for c in whole]


def long_sentence(figure: str, before: int, after: int) -> str:
    return ("Across the country forces recorded complaints about conduct, " * before + figure
            + ", while other forces looked again at their own records" * after + ".")


@pytest.mark.parametrize("before, after", [(30, 30), (0, 40), (40, 0)])
def test_long_sentence_is_recorded_as_a_window_around_the_figure(nlp, before, after):
    text = "Misconduct figures.\n" + long_sentence("and Kent Police sacked 12 officers", before, after)
    (claim,) = extract(text, nlp=nlp)
    record = claim.to_dict()
    sentence = record["sentence"]
    assert sentence["truncated"] is True
    assert len(sentence["text"]) <= WINDOW and text[sentence["start"]:sentence["end"]] == sentence["text"]
    assert sentence["start"] <= record["span"]["start"] < record["span"]["end"] <= sentence["end"]
    assert not sentence["text"][0].isspace() and not sentence["text"][-1].isspace()
    assert len(json.dumps(record, ensure_ascii=False).encode("utf-8")) < 2048


def test_short_sentence_is_whole_and_not_marked(nlp):
    (claim,) = extract("Kent Police sacked 12 officers last year.", nlp=nlp)
    assert "truncated" not in claim.to_dict()["sentence"] and not claim.sentence.truncated


def test_sentence_window_edges():
    text = "w" * 2000  # no whitespace at all: the window is cut by characters
    win = sentence_window(text, 0, 2000, 1000, 1002)
    assert win.truncated and win.end - win.start == WINDOW and win.start <= 1000 and win.end >= 1002
    win = sentence_window(text, 0, 2000, 0, 2)
    assert (win.start, win.end) == (0, WINDOW)
    win = sentence_window(text, 0, 2000, 1998, 2000)
    assert (win.start, win.end) == (2000 - WINDOW, 2000)
    win = sentence_window(text, 0, 2000, 100, 1500)  # a figure longer than the window
    assert (win.start, win.end) == (100, 100 + WINDOW)
    short = sentence_window("a b c", 0, 5, 2, 3)
    assert not short.truncated and short.text == "a b c"
    assert SENTENCE_LIMIT == 1000
