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


@pytest.mark.parametrize("run", ["!" * 40, "_" * 40, "!_" * 20, "-" * 20 + "_" + "=" * 20,
                                 "_" * 10 + "!" * 30])
@pytest.mark.parametrize("underscore_elsewhere", [False, True])
def test_punctuation_runs_with_and_without_underscores_are_cut_alike(run, underscore_elsewhere):
    # a text with no underscore takes a one-class regex; one with any takes the branch that
    # counts underscores as punctuation: the cut is the same either way
    text = ("my_file " if underscore_elsewhere else "my file ") + run + " end"
    at = text.index(run)
    expected = text[:at] + run[:PUNCT_KEEP] + " " * (len(run) - PUNCT_KEEP) + text[at + len(run):]
    assert prepare_text(text) == expected


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


# --------------------------------------------------------------------------- huge sentences

FORCES = ["Kent Police", "Essex Police", "Dorset Police", "Gwent Police", "Cleveland Police",
          "Merseyside Police", "Suffolk Constabulary", "Norfolk Constabulary", "Durham Constabulary",
          "Lancashire Constabulary", "Thames Valley Police", "West Mercia Police"]
TABLE_HEAD = "Complaints recorded against police officers in 2022 by force"


def table_rows(chars: int) -> list[str]:
    rows, size = [], 0
    while size < chars:
        rows.append(f"{FORCES[len(rows) % len(FORCES)]} {(len(rows) * 7) % 97 + 3}")
        size += len(rows[-1]) + 2
    return rows


def flat_table(chars: int) -> str:
    """A table flattened into one sentence: "Kent Police 3, Essex Police 10, ..."."""
    return f"{TABLE_HEAD}: " + ", ".join(table_rows(chars)) + ".\n"


def row_table(chars: int) -> str:
    """The same table, one row a line."""
    return f"{TABLE_HEAD}:\n\n" + "\n".join(table_rows(chars)) + "\n"


def found(claims) -> list[tuple]:
    return sorted((c.value, c.force.id if c.force else None, c.measure,
                   c.period.start if c.period else None) for c in claims)


def test_split_long_sentences_cuts_at_clause_boundaries():
    from misconduct_nlp.components.sentencizer import split_long_sentences

    def cut(words: list[str], limit: int) -> list[list[str]]:
        space = [w == " " for w in words]
        starts = [i == 0 for i in range(len(words))]
        long = split_long_sentences(starts, words, space, limit)
        assert long == ([(0, len(words))] if len(words) > limit else [])
        at = [i for i, s in enumerate(starts) if s] + [len(words)]
        return [words[a:b] for a, b in zip(at, at[1:], strict=False)]

    words = "a b c d e f ; g , h and i j k l".split()
    assert cut(words, len(words)) == [words]  # at the bound: untouched
    assert cut(words, 10)[0][-1] == ";"  # the semicolon beats the comma and "and" after it
    table = "Kent 12 , Essex 7 , Dorset 4 , Gwent 9 , Suffolk 2".split()
    assert [p[0] for p in cut(table, 7)] == ["Kent", "Dorset", "Suffolk"]  # between cells
    prose = "x x x x , x x x and x x x x x".split()
    assert cut(prose, 9)[1][0] == "and"
    assert [len(p) for p in cut(["w"] * 25, 10)] == [10, 10, 5]  # nothing better: at a word
    assert all(p[0] != " " for p in cut(["w", " ", "w", " ", "w", " ", "w", " ", "w"], 4))


def test_a_sentence_over_the_bound_is_read_in_pieces_and_loses_no_claim(nlp):
    text = flat_table(3000)  # about 600 tokens: over a bound of 100
    whole = extract(text, nlp=nlp)
    sentencizer = nlp.get_pipe("misconduct_sentencizer")
    saved = sentencizer.max_sentence_tokens
    sentencizer.max_sentence_tokens = 100
    try:
        doc = nlp(text)
        pieces = extract(text, nlp=nlp)
    finally:
        sentencizer.max_sentence_tokens = saved
    assert len(list(doc.sents)) >= 6 and [(sp.start, sp.end) for sp in doc.spans["long_sentences"]] == [
        (0, len(doc))]
    assert all(len(s) <= 100 for s in doc.sents)
    assert len(whole) == len(table_rows(3000)) and found(pieces) == found(whole)
    for a, b in zip(pieces, whole, strict=True):
        assert (a.sentence, a.span) == (b.sentence, b.span)  # the whole sentence, windowed
        assert a.sentence.truncated
    assert not nlp("Kent Police sacked 12 officers.").spans["long_sentences"]


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs a POSIX system for getrusage")
def test_flat_100kb_table_in_bounded_memory_with_every_claim(nlp):
    """Measured in a child process (its peak RSS, from ``getrusage(RUSAGE_CHILDREN)`` of a
    wrapper that runs only it), against the same table one row a line read here."""
    import subprocess
    import sys
    from pathlib import Path

    child = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from test_bounds import flat_table\n"
        "from misconduct_nlp import extract\n"
        "text = flat_table(100_000)\n"
        "rows = []\n"
        "for c in extract(text):\n"
        "    d = c.to_dict()\n"
        "    rows.append([c.value, d['force']['id'] if d['force'] else None, c.measure,\n"
        "                 d['period']['start'] if d['period'] else None,\n"
        "                 len(json.dumps(d, ensure_ascii=False).encode('utf-8'))])\n"
        "print(json.dumps({'chars': len(text), 'rows': rows}))\n"
    )
    wrapper = (
        "import resource, subprocess, sys\n"
        "out = subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, text=True)\n"
        "sys.stderr.write(out.stderr)\n"
        "print(out.stdout.strip())\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"  # KiB on Linux
        "sys.exit(out.returncode)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", wrapper, child], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    by_rows = found(extract(row_table(100_000), nlp=nlp))  # meanwhile, the same table by rows
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    result_line, rss_line = out.strip().splitlines()[-2:]
    result = json.loads(result_line)
    peak_mb = int(rss_line) / 1024
    assert result["chars"] >= 100_000
    assert peak_mb <= 300, f"peak RSS {peak_mb:.0f} MB"
    assert max(r[4] for r in result["rows"]) < 2048
    from datetime import date
    flat = sorted((v, f, m, date.fromisoformat(p) if p else None) for v, f, m, p, _ in result["rows"])
    assert len(flat) == len(by_rows) == len(table_rows(100_000))
    assert flat == by_rows
