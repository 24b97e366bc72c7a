"""The batch machinery: workers, stable order, resume, bad input, output safety.

Most tests here run the machinery with a stand-in extractor (``tests/_fake_extract.py``:
every run of digits is a claim) so that they are fast and exact; the CLI tests at the end
run the real extraction in a subprocess.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from _articles import write_articles
from _slow_batch import count_done, start_slow_batch
from misconduct_nlp.batch import (
    BatchOptions,
    Task,
    UsageError,
    make_chunks,
    run_batch,
    state_path,
)
from misconduct_nlp.formats import read_claims

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")


def options(out: Path | None, **kw) -> BatchOptions:
    kw.setdefault("quiet", True)
    kw.setdefault("workers", 1)
    kw.setdefault("min_parallel_bytes", 0)  # small test folders still go through the workers
    return BatchOptions(output=out, **{**FAKE, **kw})


def run(paths, out, **kw):
    err = io.StringIO()
    summary = run_batch([str(p) for p in paths], options(out, **kw), stderr=err)
    return summary, err.getvalue()


def make_folder(folder: Path, n: int, *, seed: int = 1, text: str | None = None) -> Path:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"{rng.randrange(16**6):06x}_{i}" for i in range(n)]
    for i, aid in enumerate(ids):
        sub = folder / ("sub" if i % 3 == 0 else "")
        sub.mkdir(exist_ok=True)
        body = text if text is not None else f"Story: {rng.randint(1, 500)} officers and {i * 7} staff.\n"
        (sub / f"{aid}.txt").write_text(body)
    return folder


def articles_in(path: Path) -> list[str]:
    return [c["article"] for c in read_claims(path)]


# --------------------------------------------------------------------------- order and workers


def test_output_is_sorted_and_identical_whatever_the_number_of_workers(tmp_path):
    src = make_folder(tmp_path / "in", 70)
    s1, _ = run([src], tmp_path / "one.jsonl", workers=1)
    s2, _ = run([src], tmp_path / "two.jsonl", workers=2)
    one = (tmp_path / "one.jsonl").read_bytes()
    assert one == (tmp_path / "two.jsonl").read_bytes()
    ids = articles_in(tmp_path / "one.jsonl")
    assert ids == sorted(ids)
    assert len(set(ids)) == 70
    assert s1.read == s2.read == 70 and s1.claims == s2.claims == 140
    assert s1.exit_status == 0
    assert s1.words == s2.words > 0


def test_make_chunks_cover_the_tasks_in_order():
    tasks = [Task(i, f"p{i}", f"a{i}", size=1000 * (i % 7)) for i in range(500)]
    for workers in (1, 2, 8):
        chunks = make_chunks(tasks, workers, max_articles=32, max_bytes=20_000)
        assert [t for c in chunks for t in c] == tasks
        assert all(1 <= len(c) <= 32 for c in chunks)
        assert all(len(c) == 1 or sum(t.size for t in c) <= 20_000 for c in chunks)
        assert len(chunks) >= workers * 4
    assert make_chunks([], 2) == []


def test_stdout_output_and_published_sources(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "dated.txt").write_text("1 officer\n")
    (src / "undated.txt").write_text("2 officers\n")
    (src / "manifest.jsonl").write_text('{"id": "dated", "published": "2019-06-30"}\n')
    out = io.BytesIO()
    err = io.StringIO()
    run_batch([src], options(None, published=date(2020, 1, 1)), stderr=err, stdout=out)
    claims = [json.loads(line) for line in out.getvalue().decode().splitlines()]
    assert [c["published"] for c in claims] == [
        {"date": "2019-06-30", "source": "manifest"},
        {"date": "2020-01-01", "source": "argument"},
    ]
    out = io.BytesIO()
    run_batch([src / "undated.txt"], options(None), stderr=err, stdout=out)
    assert json.loads(out.getvalue())["published"] is None


# --------------------------------------------------------------------------- bad input


def bad_folder(root: Path) -> Path:
    """Good articles among every kind of bad input the batch must survive."""
    d = root / "articles"
    (d / "nested").mkdir(parents=True)
    (d / "good.txt").write_text("Three officers were dismissed, 4 resigned.\n")
    (d / "nested" / "deep.md").write_text("# Heading\n\n12 complaints were upheld.\n")
    (d / "bom.txt").write_bytes("\ufeff5 PCs were suspended.\n".encode())
    (d / "latin.txt").write_bytes("The force paid \u00a36 to the caf\u00e9 \u2013 twice.\n".encode("cp1252"))
    (d / "page.html").write_text("<html><head><style>b{}</style><script>var n = 999;</script></head>"
                                 "<body><p>7 officers were sacked.</p></body></html>")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (d / "huge.txt").write_text("9 officers. " * 200)
    (d / "raises.txt").write_text("RAISE 8\n")
    (d / "scripts_only.html").write_text("<html><body><script>var n = 1;</script></body></html>")
    (d / "loop").symlink_to(d)
    (d / "dangling.txt").symlink_to(d / "gone.txt")
    os.mkfifo(d / "fifo.txt")
    (d / "manifest.jsonl").write_text('{"id": "good", "published": "2021-02-03"}\n')
    (d / "gold.jsonl").write_text("{}\n")
    (d / "readme.json").write_text("{}\n")
    return d


EXPECTED_FAILURES = {
    "empty.txt": "empty file",
    "binary.txt": "binary file",
    "huge.txt": "too large",
    "raises.txt": "extraction failed: ValueError",
    "scripts_only.html": "no visible text",
    "loop": "symlink loop",
    "dangling.txt": "broken symlink",
    "fifo.txt": "not a regular file",
    "missing.txt": "no such file or directory",
}


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_input_is_reported_and_the_run_goes_on(tmp_path, workers):
    d = bad_folder(tmp_path)
    out, log = tmp_path / "out.jsonl", tmp_path / "errors.jsonl"
    summary, err = run([d, tmp_path / "missing.txt"], out, workers=workers, errors=log, max_bytes=1000,
                       quiet=False)
    assert summary.exit_status == 1
    assert summary.failed == len(EXPECTED_FAILURES)
    assert summary.read == 5
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    reasons = {Path(r["path"]).name: r["reason"] for r in rows}
    assert set(reasons) == set(EXPECTED_FAILURES)
    for name, reason in EXPECTED_FAILURES.items():
        assert reason in reasons[name], name
        assert f"{name}: {reasons[name]}" in err  # one line on stderr too
    assert "5 articles read, 0 skipped, 9 failed" in err
    by_article = {c["article"]: c for c in read_claims(out)}
    assert set(by_article) == {"good", "deep", "bom", "latin", "page"}
    assert by_article["bom"]["sentence"]["text"].startswith("5 PCs")
    assert "caf\u00e9 \u2013" in by_article["latin"]["sentence"]["text"]
    assert "999" not in by_article["page"]["sentence"]["text"]
    assert by_article["good"]["published"]["source"] == "manifest"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_pipeline_that_cannot_load_stops_the_run(tmp_path, workers):
    src = make_folder(tmp_path / "in", 30)
    summary, err = run([src], tmp_path / "out.jsonl", workers=workers, loader="_fake_extract:no_such_loader")
    assert summary.exit_status == 1
    assert summary.failed == 1 and summary.read == 0
    assert err.count("cannot load the pipeline: AttributeError") == 1 and "stopping" in err


def test_a_worker_that_dies_fails_only_its_article(tmp_path):
    src = make_folder(tmp_path / "in", 40)
    (src / "0000_dies.txt").write_text("EXIT 1\n")
    summary, err = run([src], tmp_path / "out.jsonl", workers=2)
    assert summary.read == 40
    assert summary.failed == 1
    assert "0000_dies.txt: [E203] worker process died" in err
    assert len(set(articles_in(tmp_path / "out.jsonl"))) == 40


# --------------------------------------------------------------------------- output safety and resume


def test_never_overwrites_without_force(tmp_path):
    src = make_folder(tmp_path / "in", 3)
    out = tmp_path / "out.jsonl"
    out.write_text("precious\n")
    with pytest.raises(UsageError, match="exists"):
        run([src], out)
    assert out.read_text() == "precious\n"
    with pytest.raises(UsageError, match="cannot resume"):
        run([src], out, resume=True)  # no state file: nothing says what is done
    run([src], out, force=True)
    assert len(read_claims(out)) == 6


def test_resume_refuses_another_format(tmp_path):
    src = make_folder(tmp_path / "in", 3)
    out = tmp_path / "out.txt"
    run([src], out, format="csv")
    with pytest.raises(UsageError, match="written as csv"):
        run([src], out, format="jsonl", resume=True)
    with pytest.raises(UsageError, match="not parquet"):
        run([src], tmp_path / "x.parquet", resume=True)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_resume_after_a_crash_repairs_and_completes(tmp_path, fmt):
    src = make_folder(tmp_path / "in", 30)
    out = tmp_path / f"out.{fmt}"
    run([src], out)
    full = out.read_bytes()
    state = state_path(out)
    rows = state.read_bytes()
    # a crash: the output stops in the middle of a line, the state in the middle of a row
    os.truncate(out, len(full) // 2 + 3)
    os.truncate(state, len(rows) // 3 + 7)
    summary, _ = run([src], out, resume=True, workers=2)
    assert out.read_bytes() == full
    assert 0 < summary.skipped < 30 and summary.skipped + summary.read == 30
    again, _ = run([src], out, resume=True)
    assert (again.read, again.skipped) == (0, 30)
    assert out.read_bytes() == full


def test_resume_remembers_articles_without_claims(tmp_path):
    src = make_folder(tmp_path / "in", 12, text="No figures here at all.\n")
    out = tmp_path / "out.jsonl"
    summary, _ = run([src], out)
    assert (summary.read, summary.claims) == (12, 0)
    assert out.read_bytes() == b""
    summary, _ = run([src], out, resume=True)
    assert (summary.read, summary.skipped) == (0, 12)


def test_resume_reextracts_a_changed_article_and_drops_its_old_claims(tmp_path):
    src = make_folder(tmp_path / "in", 10)
    out = tmp_path / "out.jsonl"
    run([src], out)
    changed = sorted(src.rglob("*.txt"))[4]
    changed.write_text("Rewritten: 11 and 22 and 33.\n")
    (src / "zz_new.txt").write_text("A new one with 5.\n")
    summary, _ = run([src], out, resume=True)
    assert (summary.read, summary.skipped) == (2, 9)
    claims = read_claims(out)
    assert [c["value"] for c in claims if c["article"] == changed.stem] == [11, 22, 33]
    assert len(claims) == 9 * 2 + 3 + 1
    summary, _ = run([src], out, resume=True)
    assert (summary.read, summary.skipped) == (0, 11)


def test_failed_articles_are_retried_on_resume(tmp_path):
    src = make_folder(tmp_path / "in", 5)
    bad = src / "later.txt"
    bad.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    first, _ = run([src], out)
    assert first.failed == 1
    bad.write_text("Fixed: 3 officers.\n")
    second, _ = run([src], out, resume=True)
    assert (second.read, second.skipped, second.failed) == (1, 5, 0)
    assert "later" in articles_in(out)


def test_parquet_output(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    src = make_folder(tmp_path / "in", 8)
    out = tmp_path / "claims.parquet"
    run([src], out)
    df = pd.read_parquet(out)
    assert len(df) == 16
    assert list(df["article"]) == sorted(df["article"])
    with pytest.raises(UsageError, match="exists"):
        run([src], out)


def test_progress_bar_when_asked(tmp_path):
    src = make_folder(tmp_path / "in", 5)
    err = io.StringIO()
    run_batch([src], options(tmp_path / "o.jsonl", progress=True, quiet=False), stderr=err)
    assert "5/5" in err.getvalue() and "article" in err.getvalue()
    err = io.StringIO()  # not a terminal: no bar, only the summary
    run_batch([src], options(tmp_path / "p.jsonl", quiet=False), stderr=err)
    assert err.getvalue().count("\n") == 1 and "5 articles read" in err.getvalue()


# --------------------------------------------------------------------------- the command, for real

SHARED = Path(__file__).resolve().parents[2] / "shared"


def cli(*args: str | Path, **kw) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "misconduct_nlp.cli", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


def test_help_does_not_import_the_pipeline():
    code = ("import sys, misconduct_nlp.cli as c; c.build_parser().format_help(); "
            "heavy = ('spacy', 'quantulum3', 'dateparser', 'pandas', 'dask'); "
            "print([m for m in heavy if m in sys.modules])")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert res.stdout.strip() == "[]", res.stderr


def test_cli_bad_folder(tmp_path):
    src = tmp_path / "in"
    good = write_articles(src, 3, seed=5)
    (src / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 10)
    (src / "empty.txt").write_bytes(b"")
    out, log = tmp_path / "out" / "claims.jsonl", tmp_path / "errors.jsonl"
    res = cli("extract", src, tmp_path / "missing", "-o", out, "--errors", log, "-j", "1")
    assert res.returncode == 1, res.stderr
    lines = res.stderr.strip().splitlines()
    assert any("binary.txt: [E102] binary file (contains NUL bytes): " in line for line in lines)
    assert any("empty.txt: [E101] empty file: " in line for line in lines)
    assert any("missing: [E109] no such file or directory: " in line for line in lines)
    assert "3 articles read, 0 skipped, 3 failed" in lines[-1] and "words/s" in lines[-1]
    assert len(log.read_text().splitlines()) == 3
    claims = read_claims(out)
    assert {c["article"] for c in claims} == {p.stem for p in good}
    assert all(c["sentence"]["text"] for c in claims)
    # the same again refuses to overwrite, and leaves the output alone
    before = out.read_bytes()
    again = cli("extract", src, "-o", out)
    assert again.returncode == 2 and "--force" in again.stderr
    assert out.read_bytes() == before
    # CSV to stdout
    csv_run = cli("extract", *good, "--format", "csv", "-q")
    assert csv_run.returncode == 0, csv_run.stderr
    assert csv_run.stdout.startswith("article,value,unit,")
    assert len(csv_run.stdout.strip().splitlines()) == len(claims) + 1


def test_cli_seeds_score(tmp_path):
    seeds, scorer = SHARED / "seeds", SHARED / "eval" / "claimeval.py"
    if not (seeds.is_dir() and scorer.is_file()):
        pytest.skip(f"{SHARED} (seed articles and scorer) is not beside the repository")
    out = tmp_path / "claims.jsonl"
    res = cli("extract", seeds, "-o", out, "-q")
    assert res.returncode == 0, res.stderr
    score = subprocess.run([sys.executable, str(scorer), "--gold", str(seeds / "gold.jsonl"),
                            "--pred", str(out), "--json"], capture_output=True, text=True, timeout=60)
    assert score.returncode == 0, score.stderr
    metrics = json.loads(score.stdout)
    assert metrics["f1"] >= 0.9, metrics


def test_kill_and_resume_loses_nothing(tmp_path):
    src = tmp_path / "in"
    n = 300
    write_articles(src, n, seed=11)
    out = tmp_path / "killed.jsonl"
    state = state_path(out)
    cmd = [sys.executable, "-m", "misconduct_nlp.cli", "extract", str(src), "-o", str(out), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while count_done(state) < 1:
            assert proc.poll() is None, f"finished before it could be killed: {proc.stderr.read()}"
            assert time.monotonic() < deadline, "no article finished in time"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, as a crash would
        proc.wait()
    finished = count_done(state)
    assert 0 < finished < n
    res = cli("extract", src, "-o", out, "--resume", "-j", "1")
    assert res.returncode == 0, res.stderr
    read, skipped = (int(x) for x in re.search(r"(\d+) articles read, (\d+) skipped", res.stderr).groups())
    assert skipped >= finished and read + skipped == n
    reference = tmp_path / "reference.jsonl"
    run_batch([src], BatchOptions(output=reference, workers=1, quiet=True))
    assert out.read_bytes() == reference.read_bytes()
    assert count_done(state) == n


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_stops_cleanly_and_resume_completes(tmp_path, workers):
    src = make_folder(tmp_path / "in", 120, text="SLOW: 4 officers and 5 staff.\n")
    out = tmp_path / "out.jsonl"
    proc = start_slow_batch(src, out, workers=workers, until=3)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted after" in err and "--resume" in err
    finished = count_done(state_path(out))
    assert 3 <= finished < 120
    summary, _ = run([src], out, resume=True)
    assert summary.skipped == finished and summary.read == 120 - finished
    reference = tmp_path / "reference.jsonl"
    run([src], reference)
    assert out.read_bytes() == reference.read_bytes()
