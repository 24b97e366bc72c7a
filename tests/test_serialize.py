"""Docs made by the pipeline serialise: Doc.to_bytes, DocBin and nlp.pipe(n_process=2)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest
import srsly
from spacy.tokens import Doc, DocBin

from misconduct_nlp import model, serialize
from misconduct_nlp.forces import Force
from misconduct_nlp.model import Claim, ForceRef, PeriodRef, Published, TextSpan
from misconduct_nlp.periods import Period

# short articles of our own: forces, relative and absolute periods, platforms, a list
ARTICLES = [
    "Kent Police sacked 12 officers over the past five years, figures show.\n\n"
    "Of these, three were PCSOs. A further 40 complaints about posts on Facebook were upheld.",
    "Greater Manchester Police suspended 18 officers between 2018 and 2021. West Midlands (74) "
    "and Essex (31) placed officers on restricted duties last year.",
    "Misconduct hearings across 43 forces in England and Wales led to 210 dismissals in 2022/23.\n"
    "The forces with most hearings:\n- Thames Valley Police: 15\n- Sussex Police: 9",
    "Hide Ad\nNo figures here at all, just a story about a parade.",
]
PUBLISHED = [date(2021, 3, 4), date(2022, 6, 1), None, date(2019, 1, 2)]


def _docs(nlp):
    for text, published in zip(ARTICLES, PUBLISHED, strict=True):
        doc = nlp.make_doc(text)
        doc._.published = published
        doc._.article_id = f"a{len(text)}"
        yield doc


@pytest.fixture(scope="module")
def processed(nlp):
    docs = list(nlp.pipe(_docs(nlp)))
    assert sum(len(d._.claims) for d in docs) >= 6  # the fixture exercises real claims
    return docs


def _span_values(doc: Doc) -> list[tuple]:
    return [(key, sp.start_char, sp.end_char, sp.label_, sp._.period, sp._.force, sp._.region, sp._.value)
            for key in sorted(doc.spans) for sp in doc.spans[key]]


def test_doc_to_bytes_round_trip(nlp, processed):
    for doc in processed:
        back = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert back._.claims == doc._.claims
        assert isinstance(back._.claims, list)
        assert all(isinstance(c, Claim) for c in back._.claims)
        assert back._.published == doc._.published and back._.article_id == doc._.article_id
        if Doc.has_extension("frame"):  # the article frame, where the claim builder sets one
            assert back._.frame == doc._.frame
        assert _span_values(back) == _span_values(doc)
    periods = [sp._.period for d in processed for sp in d.spans["periods"] if sp._.period]
    forces = [sp._.force for d in processed for sp in d.spans["forces"]]
    assert periods and all(isinstance(p, Period) for p in periods)
    assert forces and all(isinstance(f, Force) for f in forces)


def test_docbin_round_trip(nlp, processed):
    bin_ = DocBin(store_user_data=True)
    for doc in processed:
        bin_.add(doc)
    back = list(DocBin(store_user_data=True).from_bytes(bin_.to_bytes()).get_docs(nlp.vocab))
    assert [d._.claims for d in back] == [d._.claims for d in processed]
    for doc in back:
        # DocBin reads arrays as tuples: the claims and their list fields are lists again
        assert isinstance(doc._.claims, list)
        assert all(isinstance(c.platforms, list) for c in doc._.claims)
        assert _span_values(doc) == _span_values(processed[back.index(doc)])
    assert any(c.platforms for d in back for c in d._.claims)


def test_pipe_two_processes_equals_one(nlp, processed):
    two = list(nlp.pipe(_docs(nlp), n_process=2, batch_size=1))
    assert [d._.claims for d in two] == [d._.claims for d in processed]
    assert [d._.published for d in two] == PUBLISHED


def test_extract_many_with_n_process_input_text(nlp):
    one = [d._.claims for d in nlp.pipe(ARTICLES)]
    two = [d._.claims for d in nlp.pipe(ARTICLES, n_process=2, batch_size=2)]
    assert one == two and any(one)


def _round_trip(value):
    return srsly.msgpack_loads(srsly.msgpack_dumps(value))


def test_every_record_type_and_dates_round_trip():
    span = TextSpan("12", 3, 5)
    claim = Claim(value=12, unit="count", approx="exact", sentence=TextSpan("x 12 y", 0, 6), span=span,
                  force=ForceRef("kent", "Kent Police", "Kent Police", 100.0),
                  period=PeriodRef(date(2020, 1, 1), None, "since 2020"), platforms=["Facebook"],
                  published=Published(date(2021, 2, 3), "manifest"))
    values = [claim, span, Period(date(2019, 1, 1), date(2019, 12, 31), "in 2019"),
              Force("kent", "Kent Police", "territorial", 60.0), date(2020, 2, 29),
              datetime(2020, 2, 29, 12, 30)]
    back = _round_trip(values)
    assert back == values
    assert [type(v) for v in back] == [type(v) for v in values]


def test_a_field_added_later_is_carried(monkeypatch):
    # another dataclass of the package, with fields ForceRef does not have yet: the codec
    # needs no change for it
    extended = dataclasses.make_dataclass(
        "ForceRefPlus",
        [("source", "str | None", dataclasses.field(default=None)),
         ("rules", "tuple[str, ...]", dataclasses.field(default=()))],
        bases=(ForceRef,), frozen=True)
    extended.__module__ = "misconduct_nlp.model"
    monkeypatch.setattr(model, "ForceRefPlus", extended, raising=False)
    serialize._class.cache_clear()
    value = extended("kent", "Kent Police", "Kent", 100.0, source="alias", rules=("a", "b"))
    assert _round_trip(value) == value
    assert srsly.msgpack_loads(srsly.msgpack_dumps(value), use_list=False) == value
    serialize._class.cache_clear()


def test_bytes_written_before_a_field_existed_get_its_default():
    encoded = serialize.encode(ForceRef("kent", "Kent Police", "Kent", 100.0, inherited=True))
    del encoded[serialize.FIELDS_KEY]["inherited"]
    encoded[serialize.FIELDS_KEY]["a_field_since_removed"] = 1
    back = srsly.msgpack_loads(srsly.msgpack_dumps(encoded))
    assert back == ForceRef("kent", "Kent Police", "Kent", 100.0, inherited=False)


def test_decoding_builds_only_package_dataclasses():
    for tag in ("os:system", "misconduct_nlp.pipeline:load"):
        with pytest.raises(ValueError, match="refusing"):
            serialize.decode({serialize.DATACLASS_TAG: tag, serialize.FIELDS_KEY: {}})
    plain = {"a": 1}
    assert serialize.decode(plain) is plain
