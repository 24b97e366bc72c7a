"""Output formats: JSONL, flattened CSV, Parquet and DataFrames, from Claim objects or dicts."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from misconduct_nlp.formats import (
    COLUMNS,
    CsvWriter,
    JsonlWriter,
    flatten,
    format_for_path,
    read_claims,
    write_claims,
)
from misconduct_nlp.model import Claim, ForceRef, PeriodRef, Published, TextSpan


def make_claim(value=38, article="a1", **kw) -> Claim:
    sentence = TextSpan("Figures showed 38 of the claims were substantiated, on Facebook.", 10, 74)
    defaults = dict(
        value=value, unit="count", approx="exact", sentence=sentence, span=TextSpan("38", 25, 27),
        measure="upheld", measure_text="were substantiated", subject="officer",
        force=ForceRef("metropolitan", "Metropolitan Police Service", "Scotland Yard", 99.44, True),
        period=PeriodRef(date(2009, 1, 1), date(2013, 4, 12), "since 2009", False),
        platforms=["Facebook", "Twitter"], confidence=0.91234, article=article,
        published=Published(date(2013, 4, 12), "manifest"),
    )
    defaults.update(kw)
    return Claim(**defaults)


def bare_claim() -> Claim:
    return Claim(value=2.5, unit="percent", approx="about", sentence=TextSpan("s", 0, 1),
                 span=TextSpan("2.5", 0, 3), article="b2")


def test_flatten_nested_fields():
    row = flatten(make_claim())
    assert set(row) == set(COLUMNS)
    assert row["force_id"] == "metropolitan"
    assert row["force_inherited"] is True
    assert row["period_start"] == "2009-01-01"
    assert row["sentence_start"] == 10 and row["span_end"] == 27
    assert row["published"] == "2013-04-12" and row["published_source"] == "manifest"
    assert row["platforms"] == ["Facebook", "Twitter"]
    assert flatten(make_claim(), join_lists=True)["platforms"] == "Facebook;Twitter"


def test_flatten_accepts_dicts_and_missing_parts():
    rec = bare_claim().to_dict()
    assert flatten(rec) == flatten(bare_claim())
    row = flatten(rec)
    assert row["force_id"] is None and row["period_end"] is None and row["published"] is None
    extra = dict(rec, new_field="x")
    assert flatten(extra)["new_field"] == "x"


def test_jsonl_writer_round_trip(tmp_path):
    buf = io.BytesIO()
    w = JsonlWriter(buf)
    assert w.write_header() == 0
    n = w.write([make_claim(), bare_claim().to_dict()])
    assert n == len(buf.getvalue())
    lines = buf.getvalue().decode().splitlines()
    assert json.loads(lines[0]) == make_claim().to_dict()
    assert json.loads(lines[1])["value"] == 2.5
    assert w.write([]) == 0


def test_csv_writer_flattened_columns():
    buf = io.BytesIO()
    w = CsvWriter(buf)
    w.write_header()
    w.write([make_claim(), bare_claim()])
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode())))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["force_id"] == "metropolitan"
    assert rows[0]["platforms"] == "Facebook;Twitter"
    assert rows[0]["force_inherited"] == "true"
    assert rows[0]["sentence_text"].endswith("on Facebook.")
    assert rows[1]["force_id"] == "" and rows[1]["value"] == "2.5"


def test_write_claims_by_suffix(tmp_path):
    for name in ("c.jsonl", "c.csv"):
        assert write_claims([make_claim(), make_claim(5)], tmp_path / name) == 2
    assert [c["value"] for c in read_claims(tmp_path / "c.jsonl")] == [38, 5]
    assert (tmp_path / "c.csv").read_text().startswith("article,value,unit")
    assert format_for_path("x.CSV") == "csv"
    assert format_for_path("x.parquet") == "parquet"
    assert format_for_path(None) == "jsonl"
    assert format_for_path("claims.out") == "jsonl"


def test_read_claims_skips_half_written_last_line_only(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text('{"value": 1}\n\n{"value": 2}\n{"valu')
    assert [c["value"] for c in read_claims(p)] == [1, 2]
    p.write_text('{"value": 1}\nbroken\n{"value": 2}\n')
    with pytest.raises(ValueError, match=":2:"):
        read_claims(p)


def test_to_dataframe_types():
    pd = pytest.importorskip("pandas")
    import misconduct_nlp

    df = misconduct_nlp.to_dataframe([make_claim(), bare_claim().to_dict()])
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == 2
    assert df["value"].dtype == "float64"
    assert df.loc[0, "period_start"] == pd.Timestamp("2009-01-01")
    assert pd.isna(df.loc[1, "period_start"])
    assert str(df["span_start"].dtype) == "Int64"
    assert bool(df.loc[0, "force_inherited"])
    assert pd.isna(df.loc[1, "force_inherited"])
    assert df.loc[0, "platforms"] == ["Facebook", "Twitter"]
    assert misconduct_nlp.to_dataframe([]).empty


def test_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    p = tmp_path / "c.parquet"
    assert write_claims([make_claim(), bare_claim()], p) == 2
    assert not (tmp_path / "c.parquet.partial").exists()
    df = pd.read_parquet(p)
    assert list(df.columns) == list(COLUMNS)
    assert df.loc[0, "force_id"] == "metropolitan"
    assert list(df.loc[0, "platforms"]) == ["Facebook", "Twitter"]
    assert df.loc[0, "period_end"] == date(2013, 4, 12)
    assert df.loc[1, "value"] == 2.5
