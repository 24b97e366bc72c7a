"""Claims from sentences written for these tests: constructions British reports use, and
numbers that are not claims."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from misconduct_nlp import Claim, extract

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [json.loads(line) for line in (FIXTURES / "claim_sentences.jsonl").read_text().splitlines() if line]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claim_sentence(case, nlp):
    claims = [c.to_dict() for c in extract(case["text"], published="2023-01-31", nlp=nlp)]
    want = case["claims"]
    assert [c["value"] for c in claims] == [w["value"] for w in want], claims
    for got, exp in zip(claims, want, strict=True):
        for field, value in exp.items():
            if isinstance(value, dict) and isinstance(got[field], dict):
                # the keys the case names (a fitted probability on the force is not the case's point)
                assert {k: got[field].get(k) for k in value} == value, (field, got)
            else:
                assert got[field] == value, (field, got)


def test_offsets_point_into_the_text(nlp):
    text = "Headline without a stop\n\n  • Two PCs were sacked.\nHide Ad\nAnother 3 officers resigned."
    claims = extract(text, nlp=nlp)
    assert [c.value for c in claims] == [2, 3]
    for c in claims:
        assert text[c.span.start:c.span.end] == c.span.text
        assert text[c.sentence.start:c.sentence.end] == c.sentence.text
        assert "Hide Ad" not in c.sentence.text and "•" not in c.sentence.text


def test_to_dict_has_every_schema_field(nlp):
    (claim,) = extract("Twelve officers were sacked.", article_id="a1", nlp=nlp)
    record = claim.to_dict()
    for field in ("article", "value", "unit", "approx", "measure", "measure_text", "subject",
                  "subject_text", "rank", "force", "region", "period", "platforms", "sentence",
                  "span", "confidence"):
        assert field in record
    assert record["article"] == "a1" and record["value"] == 12 and isinstance(record["value"], int)
    json.dumps(record)
    assert isinstance(claim, Claim)


def test_paragraph_printed_twice_gives_claims_twice(nlp):
    para = "The force has sacked seven staff since 2009.\n\n"
    claims = extract(para * 2, nlp=nlp)
    assert [c.value for c in claims] == [7, 7]
    assert claims[0].sentence.start != claims[1].sentence.start


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\x00\x01", "9" * 5000, "officers " * 3000,
                                  "£££ %%% (((", "1,2,3,4,5 were sacked"])
def test_odd_input_never_raises(text, nlp):
    assert isinstance(extract(text, nlp=nlp), list)


def test_extract_many_matches_extract(nlp):
    from misconduct_nlp import extract_many

    texts = [c["text"] for c in CASES[:6]]
    many = list(extract_many([(t, f"a{k}", "2023-01-31") for k, t in enumerate(texts)], nlp=nlp))
    one = [extract(t, article_id=f"a{k}", published="2023-01-31", nlp=nlp) for k, t in enumerate(texts)]
    assert [[c.to_dict() for c in cs] for cs in many] == [[c.to_dict() for c in cs] for cs in one]
