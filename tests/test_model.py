"""The claim record's dataclasses: a record written by ``to_dict`` reads back with ``from_dict``."""

from __future__ import annotations

from datetime import date

import pytest

from misconduct_nlp import extract
from misconduct_nlp.model import Claim, ForceRef, PeriodRef, Published, TextSpan

TEXT = ("Kent Police dismissed 14 officers for gross misconduct in 2022, and a further 9 per cent "
        "of the cases it heard ended with a final written warning.")


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    found = extract(TEXT, published="2023-03-01", article_id="kent")
    assert found, "the sentence holds claims"
    return found


def test_round_trip_of_extracted_claims(claims: list[Claim]) -> None:
    for c in claims:
        record = c.to_dict()
        back = Claim.from_dict(record)
        assert back.to_dict() == record
        assert isinstance(back.sentence, TextSpan) and back.sentence.text in TEXT
        if c.force is not None:
            assert isinstance(back.force, ForceRef) and back.force.id == c.force.id
        if c.period is not None:
            assert isinstance(back.period, PeriodRef) and back.period.start == c.period.start
        assert back.published == Published(date(2023, 3, 1), c.published.source)


def test_minimal_record_takes_defaults() -> None:
    record = {"value": 3, "unit": "count", "approx": "exact",
              "sentence": {"text": "3 officers were sacked.", "start": 0, "end": 23},
              "span": {"text": "3", "start": 0, "end": 1, "truncated": False},
              "added_by_a_user": "ignored"}
    c = Claim.from_dict(record)
    got = (c.value, c.force, c.period, c.published, c.platforms, c.confidence)
    assert got == (3, None, None, None, [], 0.5)
    assert c.span == TextSpan("3", 0, 1)


def test_period_with_open_start() -> None:
    p = PeriodRef.from_dict({"start": None, "end": "2024-12-31", "text": "by the end of 2024"})
    assert (p.start, p.end, p.inherited, p.rule) == (None, date(2024, 12, 31), False, None)
