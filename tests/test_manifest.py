"""``manifest.jsonl`` dates are ISO only; a line that cannot be used is a warning naming the
manifest, the line and the value, and its article falls back to ``--published`` or a dateline.
Warnings do not change the exit status; the summary counts them."""

from __future__ import annotations

import io
import json
import warnings
from datetime import date
from pathlib import Path

import pytest

from misconduct_nlp.batch import BatchOptions, plan_and_warnings, run_batch
from misconduct_nlp.errors import ManifestWarning
from misconduct_nlp.io import discover, load_manifest

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")

LINES = [
    '{"id": "good", "published": "2021-03-01"}',                 # 1
    '{"id": "us_style", "published": "01/03/2021"}',             # 2 another format
    '{"id": "impossible", "published": "2021-02-30"}',           # 3 no such day
    '{"id": "good", "published": "2022-05-05"}',                 # 4 duplicate id
    '{"id": "broken", "published": "2021-03-01"',                # 5 bad JSON
    '',                                                          # 6 blank: fine
    '{"published": "2021-03-01"}',                               # 7 no id
    '["not", "an", "object"]',                                   # 8 not an object
    '{"id": "timed", "published": "2020-07-04T09:30:00Z"}',      # 9 an ISO datetime: its date
    '{"id": "undated", "published": null, "outlet": "x"}',       # 10 no date, no problem
    '{"id": "compact", "published": "20210301"}',                # 11 ISO basic format: not YYYY-MM-DD
    '{"id": 17, "published": "2019-01-02"}',                     # 12 a numeric id is the file stem "17"
    '{"id": "words", "published": "1 March 2021"}',              # 13 another format
]
EXPECTED = {  # line -> (code, the value the warning shows)
    2: ("W012", '"01/03/2021"'),
    3: ("W013", '"2021-02-30"'),
    4: ("W014", '"good"'),
    5: ("W010", '{"id": "broken", "published": "2021-03-01"'),
    7: ("W011", '{"published": "2021-03-01"}'),
    8: ("W010", '["not", "an", "object"]'),
    11: ("W012", '"20210301"'),
    13: ("W012", '"1 March 2021"'),
}


def write_manifest(folder: Path, lines=LINES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "manifest.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_only_iso_dates_are_read_and_each_bad_line_warns(tmp_path):
    manifest = write_manifest(tmp_path)
    with pytest.warns(ManifestWarning) as caught:
        dates = load_manifest(tmp_path)
    assert dates == {"good": date(2021, 3, 1), "timed": date(2020, 7, 4), "17": date(2019, 1, 2)}
    messages = [str(w.message) for w in caught]
    assert len(messages) == len(EXPECTED), messages
    for msg, (line, (code, value)) in zip(messages, sorted(EXPECTED.items()), strict=True):
        assert msg.startswith(f"[{code}] {manifest}:{line}: "), msg
        assert value in msg, (value, msg)
        assert "manifest.jsonl" in msg
    assert "first on line 1" in messages[2]
    assert "day is out of range" in messages[1]


def test_a_good_manifest_gives_no_warning(tmp_path):
    write_manifest(tmp_path, ['{"id": "a", "published": "2020-01-02", "outlet": "x"}',
                              '{"id": "b", "published": "2020-01-03"}'])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_manifest(tmp_path) == {"a": date(2020, 1, 2), "b": date(2020, 1, 3)}


def test_a_byte_order_mark_is_not_a_bad_line(tmp_path):
    (tmp_path / "manifest.jsonl").write_bytes('\ufeff{"id": "a", "published": "2020-01-02"}\n'.encode())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_manifest(tmp_path) == {"a": date(2020, 1, 2)}


def test_discover_falls_back_to_the_parent_manifest(tmp_path):
    write_manifest(tmp_path, ['{"id": "a", "published": "2019-09-09"}'])
    write_manifest(tmp_path / "sub", ['{"id": "a", "published": "09/09/2019"}'])
    (tmp_path / "sub" / "a.txt").write_text("1 officer\n")
    with pytest.warns(ManifestWarning, match=r"sub/manifest.jsonl:1: .*09/09/2019"):
        files, errors = discover([tmp_path])
    assert [(f.id, f.published) for f in files] == [("a", date(2019, 9, 9))] and not errors


def test_plan_collects_the_warnings(tmp_path):
    write_manifest(tmp_path)
    (tmp_path / "us_style.txt").write_text("4 officers\n")
    tasks, failures, notes = plan_and_warnings([tmp_path], date(2024, 1, 1))
    assert [(t.id, t.published.source) for t in tasks] == [("us_style", "argument")]
    assert len(notes) == len(EXPECTED) and not failures


def articles(folder: Path) -> None:
    for name in ("good", "us_style", "impossible", "broken", "timed", "undated"):
        (folder / f"{name}.txt").write_text(f"{len(name)} officers were dismissed.\n")


def test_the_batch_reports_warnings_counts_them_and_exits_0(tmp_path):
    write_manifest(tmp_path / "in")
    articles(tmp_path / "in")
    err, out = io.StringIO(), io.BytesIO()
    summary = run_batch([tmp_path / "in"], BatchOptions(workers=1, quiet=False, published=date(2024, 1, 1),
                                                        **FAKE), stderr=err, stdout=out)
    assert summary.exit_status == 0 and summary.failed == 0 and summary.read == 6
    assert len(summary.warnings) == len(EXPECTED)
    text = err.getvalue()
    for line, (code, _) in EXPECTED.items():
        assert f"misconduct-nlp: warning: [{code}] {tmp_path / 'in' / 'manifest.jsonl'}:{line}: " in text
    assert f"0 failed, {len(EXPECTED)} warnings, " in text.strip().splitlines()[-1]
    published = {c["article"]: c["published"] for c in map(json.loads, out.getvalue().decode().splitlines())}
    assert published == {
        "good": {"date": "2021-03-01", "source": "manifest"},      # the first line, not the duplicate
        "timed": {"date": "2020-07-04", "source": "manifest"},
        **{a: {"date": "2024-01-01", "source": "argument"} for a in ("us_style", "impossible", "broken",
                                                                      "undated")},
    }


def test_quiet_still_shows_warnings(tmp_path):
    write_manifest(tmp_path / "in", ['{"id": "a", "published": "2021-13-01"}'])
    (tmp_path / "in" / "a.txt").write_text("5 officers\n")
    err = io.StringIO()
    summary = run_batch([tmp_path / "in"], BatchOptions(workers=1, quiet=True, **FAKE), stderr=err,
                        stdout=io.BytesIO())
    assert summary.exit_status == 0
    assert err.getvalue().count("warning: [W013]") == 1 and '"2021-13-01"' in err.getvalue()


def test_without_published_the_article_is_undated(tmp_path):
    write_manifest(tmp_path / "in", ['{"id": "a", "published": "01/03/2021"}'])
    (tmp_path / "in" / "a.txt").write_text("5 officers\n")
    out = io.BytesIO()
    run_batch([tmp_path / "in"], BatchOptions(workers=1, quiet=True, **FAKE), stderr=io.StringIO(),
              stdout=out)
    assert json.loads(out.getvalue())["published"] is None  # extract then looks for a dateline
