"""The per-Doc caches: right answers, rebuilt when stale, gone when the Doc is done."""

from __future__ import annotations

import gc
import weakref

import pytest

from misconduct_nlp.doccache import CACHE_KEY, doc_text, drop_cache, span_index, token_table

TEXT = "Kent  Police\tdismissed 12 officers.\n\n  Of these, 3 were PCSOs. "


def test_token_table_matches_the_tokens(nlp):
    doc = nlp.make_doc(TEXT)
    table = token_table(doc)
    assert len(table) == len(doc)
    assert table.text == [t.text for t in doc]
    assert table.lower == [t.lower_ for t in doc]
    assert table.ws == [t.whitespace_ for t in doc]
    assert table.idx == [t.idx for t in doc]
    assert table.space == [t.is_space for t in doc]
    assert table.like_num == [int(t.like_num) for t in doc]
    assert table.is_alpha == [int(t.is_alpha) for t in doc]
    assert doc_text(doc) == doc.text == TEXT
    assert token_table(doc) is table  # built once
    assert token_table(nlp.make_doc("")).text == []
    odd = nlp.make_doc("ÉTÉ  Ünïcode’s DÉJÀ-VU 2,537\n")
    assert token_table(odd).lower == [t.lower_ for t in odd]
    assert token_table(odd).idx == [t.idx for t in odd]
    words = nlp.make_doc("twenty-one 2,537 1.5m ten ÉTÉ 3rd 12% one-third x2 ½")
    assert token_table(words).like_num == [int(t.like_num) for t in words]
    assert token_table(words).is_alpha == [int(t.is_alpha) for t in words]


def test_token_table_is_rebuilt_after_retokenizing(nlp):
    doc = nlp.make_doc(TEXT)
    assert "Kent" in token_table(doc).text
    with doc.retokenize() as retok:
        retok.merge(doc[0:3])
    assert token_table(doc).text[0] == "Kent  Police"
    assert doc_text(doc) == TEXT


def test_span_index_answers_by_token_range(nlp):
    doc = nlp(TEXT)
    doc_numbers = sorted((sp.start, sp.end) for sp in doc.spans["numbers"])
    index = span_index(doc)
    assert [(sp.start, sp.end) for sp in index.all("numbers")] == doc_numbers
    first_sentence = next(iter(doc.sents))
    inside = index.within("numbers", first_sentence.start, first_sentence.end)
    assert [sp.text for sp in inside] == ["12"]
    assert index.within("no such group", 0, len(doc)) == []


@pytest.mark.parametrize("text", [TEXT, "", "Nothing to see here."])
def test_a_finished_doc_carries_no_cache_and_can_be_freed(nlp, text):
    doc = nlp(text)
    assert CACHE_KEY not in doc.user_data
    ref = weakref.ref(doc)
    del doc
    gc.collect()
    assert ref() is None


def test_drop_cache_forgets(nlp):
    doc = nlp.make_doc(TEXT)
    table = token_table(doc)
    span_index(doc)
    assert CACHE_KEY in doc.user_data
    drop_cache(doc)
    assert CACHE_KEY not in doc.user_data
    assert token_table(doc) is not table
    drop_cache(doc)
    drop_cache(doc)  # twice is fine


def test_strings_cache_leaves_user_data_alone(nlp):
    doc = nlp.make_doc(TEXT)
    doc_text(doc)
    token_table(doc)
    assert doc.user_data == {}


def test_any_word_between_is_a_range_question(nlp):
    from misconduct_nlp.doccache import any_word_between, word_positions

    doc = nlp.make_doc("Kent sacked 12 , while Essex sacked 4 but Surrey none")
    words = frozenset({"while", "but"})
    assert word_positions(doc, words) == [4, 8]
    assert any_word_between(doc, 0, 5, words)
    assert not any_word_between(doc, 0, 4, words)
    assert not any_word_between(doc, 5, 8, words)
    assert any_word_between(doc, 5, 9, words)
    assert not any_word_between(doc, 9, 20, words)
    assert not any_word_between(doc, 6, 6, words)


def test_word_positions_follow_a_retokenized_doc(nlp):
    from misconduct_nlp.doccache import word_positions

    doc = nlp.make_doc("Kent Police sacked 12 but Essex none")
    words = frozenset({"but"})
    assert word_positions(doc, words) == [4]
    with doc.retokenize() as retok:
        retok.merge(doc[0:2])
    assert word_positions(doc, words) == [3]
