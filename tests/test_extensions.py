"""The fast readers and writers of extension values give what ``span._`` / ``doc._`` give."""

from __future__ import annotations

from spacy.tokens import Span

from misconduct_nlp.extensions import SPAN_EXTENSIONS, doc_value, set_span_value, span_value

TEXT = ("Kent Police dismissed about 12 officers in 2019, up from 9 in 2018, while forces across "
        "England and Wales sacked between 40 and 45.")


def test_span_value_is_what_the_underscore_gives(nlp):
    doc = nlp(TEXT)
    seen = 0
    for key in ("numbers", "forces", "regions", "periods"):
        for sp in doc.spans[key]:
            for name in SPAN_EXTENSIONS:
                assert span_value(sp, name) == getattr(sp._, name), (key, sp.text, name)
                seen += span_value(sp, name) is not None
    assert seen > 10  # the values were there to be read, not only the defaults
    assert doc_value(doc, "article_id") is doc._.article_id is None


def test_set_span_value_is_seen_by_the_underscore(nlp):
    doc = nlp.make_doc("Of the 43 forces, 12 replied.")
    sp = doc[2:3]
    set_span_value(sp, "value", 43.0)
    assert sp._.value == 43.0
    assert doc[2:3]._.value == 43.0  # another Span object over the same tokens
    assert span_value(doc[2:4], "value") is None  # another span


def test_an_extension_with_a_getter_is_read_through_it(nlp):
    Span.set_extension("misconduct_test_twice", getter=lambda sp: 2 * len(sp))
    try:
        doc = nlp.make_doc("one two three")
        assert span_value(doc[0:3], "misconduct_test_twice") == 6
    finally:
        Span.remove_extension("misconduct_test_twice")
