"""Hostile folders: undecodable file names, records no output can encode, formula cells in CSV,
hidden files, symlinks out of the folder, UTF-16 files, a report that cannot be written.

The batch runs use the stand-in extractor (``tests/_fake_extract.py``: every run of digits is
a claim) in this process, so they are fast; the report tests use the real pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from misconduct_nlp.batch import BatchOptions, plan_and_warnings, run_batch
from misconduct_nlp.cli import main
from misconduct_nlp.errors import PathWarning
from misconduct_nlp.formats import COLUMNS, FORMULA_STARTS, CsvWriter, neutralise_cell, read_claims
from misconduct_nlp.io import ArticleError, decode_bytes, discover, printable, read_article

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")
LATIN1_NAME = os.fsdecode(b"caf\xe9 \xff.txt")  # not UTF-8: Python holds the bytes as surrogates


def run(paths, out, **kw):
    kw.setdefault("quiet", True)
    err = io.StringIO()
    opts = BatchOptions(output=out, workers=1, min_parallel_bytes=0, **{**FAKE, **kw})
    summary = run_batch([str(p) for p in paths], opts, stderr=err)
    return summary, err.getvalue()


@pytest.fixture
def latin1_folder(tmp_path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    try:
        (folder / LATIN1_NAME).write_text("Kent sacked 12 officers.\n", encoding="utf-8")
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system does not take file names that are not UTF-8")
    (folder / "plain.txt").write_text("Essex sacked 3 officers.\n", encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- file names


def test_printable_escapes_undecodable_bytes_only():
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert printable("café 👮") == "café 👮"
    assert printable("a\ud800b") == "a\\ud800b"
    printable(os.fsdecode(b"\xff\xfe") + "\ud800").encode("utf-8")


def test_undecodable_name_gets_a_printable_id(latin1_folder):
    files, errors = discover([latin1_folder])
    assert errors == []
    assert sorted(f.id for f in files) == ["caf\\xe9 \\xff", "plain"]
    bad = next(f for f in files if f.id.startswith("caf"))
    assert read_article(bad.path).id == "caf\\xe9 \\xff"  # the path itself still opens the file


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_undecodable_name_costs_nothing_in_any_format(latin1_folder, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"claims.{fmt}"
    summary, err = run([latin1_folder], out, errors=tmp_path / "errors.jsonl")
    assert (summary.read, summary.failed, summary.exit_status) == (2, 0, 0), err
    if fmt == "jsonl":
        assert [c["article"] for c in read_claims(out)] == ["caf\\xe9 \\xff", "plain"]
    elif fmt == "csv":
        rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
        assert [r["article"] for r in rows] == ["caf\\xe9 \\xff", "plain"]
    else:
        import pyarrow.parquet as pq

        assert pq.read_table(out).column("article").to_pylist() == ["caf\\xe9 \\xff", "plain"]
    if fmt != "parquet":
        again, _ = run([latin1_folder], out, resume=True)
        assert (again.skipped, again.read, again.failed) == (2, 0, 0)


def test_a_record_that_cannot_be_written_fails_only_its_article(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in [("a.txt", "1 officer"), ("b.txt", "SURROGATE 2 officers"), ("c.txt", "3 officers")]:
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    log = tmp_path / "errors.jsonl"
    summary, err = run([folder], out, errors=log)
    assert (summary.read, summary.failed, summary.exit_status) == (2, 1, 1)
    assert [c["value"] for c in read_claims(out)] == [1, 3]
    (row,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert row["article"] == "b" and "[E207] cannot write its claims: UnicodeEncodeError" in row["reason"]
    again, _ = run([folder], out, resume=True)  # the failed article is tried again, the rest kept
    assert (again.skipped, again.read, again.failed) == (2, 0, 1)
    assert [c["value"] for c in read_claims(out)] == [1, 3]
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    summary, _ = run([folder], tmp_path / "claims.parquet")
    assert (summary.read, summary.failed) == (2, 1)
    assert pq.read_table(tmp_path / "claims.parquet").column("value").to_pylist() == [1, 3]


# --------------------------------------------------------------------------- CSV formulas


def hostile_record() -> dict:
    return {
        "article": "@evil", "value": -5, "unit": "count", "approx": "exact", "measure": "dismissed",
        "measure_text": "+sacked", "subject": None, "subject_text": "\tofficers", "rank": None,
        "force": {"id": "kent", "name": "=HYPERLINK(\"http://x\")", "text": "-Kent", "score": -1.5,
                  "inherited": False},
        "region": None, "period": {"start": None, "end": None, "text": "\rlast year", "inherited": False},
        "platforms": ["=cmd"], "sentence": {"text": "=1+1 officers", "start": 0, "end": 13},
        "span": {"text": "-5", "start": 0, "end": 2}, "confidence": 0.5, "published": None,
    }


def csv_rows(raw: bool = False) -> list[dict[str, str]]:
    buf = io.BytesIO()
    w = CsvWriter(buf, raw=raw)
    w.write_header()
    w.write([hostile_record()])
    return list(csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8"), newline="")))


def test_csv_text_cells_never_start_like_a_formula():
    (row,) = csv_rows()  # one row: the carriage return inside a cell is quoted
    for col, cell in row.items():
        if col not in ("value", "force_score"):
            assert not cell.startswith(FORMULA_STARTS), (col, cell)
    assert row["article"] == "'@evil" and row["sentence_text"] == "'=1+1 officers"
    assert row["force_name"] == "'=HYPERLINK(\"http://x\")" and row["span_text"] == "'-5"
    assert row["subject_text"] == "'\tofficers" and row["platforms"] == "'=cmd"
    # numbers stay numbers: a negative value or score is not text
    assert row["value"] == "-5" and row["force_score"] == "-1.5"
    assert neutralise_cell("12 officers") == "12 officers" and neutralise_cell("") == ""


def test_csv_raw_writes_cells_as_they_are(tmp_path):
    (row,) = csv_rows(raw=True)
    assert row["article"] == "@evil" and row["sentence_text"] == "=1+1 officers"
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "=sum.txt").write_text("=2+3 officers\n", encoding="utf-8")
    safe, raw = tmp_path / "safe.csv", tmp_path / "raw.csv"
    run([folder], safe)
    run([folder], raw, csv_raw=True)
    safe_rows = list(csv.DictReader(safe.read_text(encoding="utf-8").splitlines()))
    raw_rows = list(csv.DictReader(raw.read_text(encoding="utf-8").splitlines()))
    assert [r["article"] for r in safe_rows] == ["'=sum", "'=sum"]
    assert [r["article"] for r in raw_rows] == ["=sum", "=sum"]
    assert all(not c.startswith(FORMULA_STARTS) for r in safe_rows for c in r.values())


def test_csv_has_a_truncated_column():
    assert COLUMNS.index("sentence_truncated") == COLUMNS.index("sentence_end") + 1
    (row,) = csv_rows()
    assert row["sentence_truncated"] == "false"


# --------------------------------------------------------------------------- discovery


def test_hidden_files_and_folders_are_counted_and_named(tmp_path):
    folder = tmp_path / "news"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "x.txt").write_text("9 officers")
    (folder / ".draft.txt").write_text("8 officers")
    (folder / "..x.txt").write_text("7 officers")
    (folder / "story.txt").write_text("1 officer")
    with pytest.warns(PathWarning, match=r"\[W004\] 3 hidden file\(s\) or folder\(s\) in .*news "
                                         r"are left out \(\.\.x\.txt, \.draft\.txt, \.git\)"):
        files, errors = discover([folder])
    assert [f.id for f in files] == ["story"] and errors == []
    summary, err = run([folder], tmp_path / "out.jsonl")
    assert summary.exit_status == 0 and summary.read == 1
    assert "warning: [W004] 3 hidden" in err  # said even with -q, and counted
    assert len(summary.warnings) == 1
    assert discover([folder / ".draft.txt"])[0][0].id == ".draft"  # named on its own: read


def test_symlinks_leaving_the_folder_are_skipped_unless_asked(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("42 secrets")
    (outside / "deep").mkdir()
    (outside / "deep" / "more.txt").write_text("43 more")
    folder = tmp_path / "news"
    (folder / "sub").mkdir(parents=True)
    (folder / "story.txt").write_text("1 officer")
    (folder / "sub" / "inside.txt").write_text("2 officers")
    (folder / "passwd.txt").symlink_to(outside / "secret.txt")
    (folder / "elsewhere").symlink_to(outside / "deep")
    (folder / "alias.txt").symlink_to(folder / "sub" / "inside.txt")  # stays inside: followed
    tasks, failures, notes = plan_and_warnings([folder])
    assert sorted(t.id for t in tasks) == ["alias", "story"] and failures == []
    assert len(notes) == 2 and all(n.startswith("[W003] ") for n in notes)
    (passwd,) = [n for n in notes if "passwd.txt" in n]
    assert f"passwd.txt is a symlink to {outside / 'secret.txt'}, outside {folder}" in passwd
    assert "--follow-links" in passwd
    summary, err = run([folder], tmp_path / "out.jsonl")
    assert summary.exit_status == 0 and summary.read == 2
    assert "warning: [W003]" in err and "passwd.txt is a symlink to" in err  # said even with -q
    files, _ = discover([folder], follow_links=True)
    assert sorted(f.id for f in files) == ["alias", "more", "passwd", "story"]
    summary, _ = run([folder], tmp_path / "all.jsonl", follow_links=True)
    assert summary.read == 4


def test_report_does_not_embed_a_file_a_symlink_leads_out_to(tmp_path, capsys):
    (tmp_path / "outside.txt").write_text("root:x:0:0 and 5 officers were sacked\n")
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "story.txt").write_text("Kent Police sacked 12 officers last year.\n")
    (folder / "passwd.txt").symlink_to(tmp_path / "outside.txt")
    out = tmp_path / "report.html"
    assert main(["report", str(folder), "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "root:x:0:0" not in page and "story" in page
    assert "passwd.txt is a symlink to" in capsys.readouterr().err


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, codec):
    text = "Kent Police sacked 12 officers — “a record”.\n"
    data = text.encode(codec) if codec != "utf-16-be" else b"\xfe\xff" + text.encode(codec)
    p = tmp_path / "wide.txt"
    p.write_bytes(data)
    article = read_article(p)
    assert article.text == text and article.encoding.startswith(codec[:6])
    with pytest.raises(ArticleError, match="binary"):
        decode_bytes(b"\xff\xfe" + b"\x00" * 64 + bytes(range(256)) * 8)  # zeros: U+0000
    with pytest.raises(ArticleError, match="binary"):
        decode_bytes(b"PK\x03\x04\x00\x00 a zip file")
    with pytest.raises(ArticleError, match="empty"):
        decode_bytes(b"\xff\xfe")


# --------------------------------------------------------------------------- report


def test_report_with_an_undecodable_name(latin1_folder, tmp_path, capsys):
    out = tmp_path / "report.html"
    assert main(["report", str(latin1_folder), "-o", str(out)]) == 0
    page = out.read_bytes().decode("utf-8")
    assert "caf\\xe9 \\xff" in page


def test_a_report_that_fails_leaves_no_empty_page(tmp_path, monkeypatch):
    from misconduct_nlp import report

    out = tmp_path / "report.html"
    out.write_text("the previous page", encoding="utf-8")

    def broken(*args, **kwargs):
        raise RuntimeError("cannot build")

    monkeypatch.setattr(report, "build_report", broken)
    with pytest.raises(RuntimeError):
        report.write_report([], out)
    assert out.read_text(encoding="utf-8") == "the previous page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]
    fresh = tmp_path / "new.html"
    with pytest.raises(RuntimeError):
        report.write_report([], fresh)
    assert not fresh.exists()


# --------------------------------------------------------------------------- engines


def test_batch_reads_an_article_over_max_length_in_chunks(tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    text = ("Kent Police sacked 12 officers.\n\n" + "filler " * 150_000
            + "\n\nEssex Police sacked 3 officers.\n")
    (folder / "long.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "claims.jsonl"
    opts = BatchOptions(output=out, workers=1, quiet=True)  # the real extractor
    summary = run_batch([str(folder)], opts, stderr=io.StringIO())
    assert (summary.read, summary.failed) == (1, 0)
    claims = read_claims(out)
    assert [c["value"] for c in claims] == [12, 3]
    assert all(text[c["span"]["start"]:c["span"]["end"]] == c["span"]["text"] for c in claims)


def test_dask_partitions_fail_only_the_bad_article_and_skip_outward_links(tmp_path):
    pytest.importorskip("dask.bag")
    distributed = pytest.importorskip("distributed")
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in [("a.txt", "1 officer"), ("b.txt", "SURROGATE 2 officers"), ("=c.txt", "3 officers")]:
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "secret.txt").write_text("4 secrets")
    (folder / "link.txt").symlink_to(tmp_path / "secret.txt")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None, silence_logs=40) as cluster:
        parts = tmp_path / "parts"
        opts = BatchOptions(output=parts, format="csv", engine="dask", scheduler=cluster.scheduler_address,
                            partitioned=True, quiet=True, **FAKE)
        err = io.StringIO()
        summary = run_batch([str(folder)], opts, stderr=err)
    assert (summary.read, summary.failed) == (2, 1)
    assert "link.txt is a symlink to" in err.getvalue()
    (part,) = parts.glob("part-*.csv")
    rows = list(csv.DictReader(io.StringIO(part.read_text(encoding="utf-8"), newline="")))
    assert [(r["article"], r["value"]) for r in rows] == [("'=c", "3"), ("a", "1")]
