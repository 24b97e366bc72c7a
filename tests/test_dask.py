"""The Dask engine gives the same claims, in the same order, as the local one.

An in-process ``LocalCluster`` (one worker, ``processes=False``) keeps these tests short;
one CLI test starts a real single-process cluster through ``--engine dask``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

from _articles import write_articles  # noqa: E402
from misconduct_nlp.batch import BatchOptions, UsageError, WorkerConfig, run_batch  # noqa: E402
from misconduct_nlp.dask import (  # noqa: E402
    PARTS_MANIFEST,
    article_bag,
    clear_parts,
    extract_bag,
    part_names,
)
from misconduct_nlp.formats import read_claims  # noqa: E402

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None, silence_logs=40) as c:
        yield c


@pytest.fixture
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


def local(paths, out: Path, **kw) -> list[dict]:
    run_batch([str(p) for p in paths], BatchOptions(output=out, workers=1, quiet=True, **kw),
              stderr=io.StringIO())
    return read_claims(out)


def fake_folder(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(n):
        (folder / f"{(i * 37) % n:03d}_{i}.txt").write_text(f"Item: {i} officers, {i + 100} staff.\n")
    (folder / "empty.txt").write_bytes(b"")
    return folder


def test_bag_matches_local_engine_with_failures(tmp_path, client):
    src = fake_folder(tmp_path / "in", 50)
    expected = local([src], tmp_path / "local.jsonl", **FAKE)
    bag = extract_bag([src], config=WorkerConfig(**FAKE), articles_per_partition=8)
    assert bag.npartitions > 1
    assert bag.compute() == expected
    results = article_bag([src], config=WorkerConfig(**FAKE)).compute()
    failed = [r for r in results if r["error"]]
    assert [(r["id"], r["error"].split(":")[0]) for r in failed] == [("empty", "[E101] empty file")]
    assert [r["id"] for r in results] == sorted(r["id"] for r in results)


def test_engine_dask_single_file_and_partitioned(tmp_path, cluster):
    src = fake_folder(tmp_path / "in", 30)
    expected = (tmp_path / "local.jsonl")
    local([src], expected, **FAKE)
    address = cluster.scheduler_address
    out = tmp_path / "dask.jsonl"
    summary = run_batch([str(src)], BatchOptions(output=out, engine="dask", scheduler=address, quiet=True,
                                                 **FAKE), stderr=io.StringIO())
    assert summary.failed == 1 and summary.read == 30
    assert out.read_bytes() == expected.read_bytes()
    folder = tmp_path / "parts"
    opts = BatchOptions(output=folder, engine="dask", scheduler=address, partitioned=True, quiet=True, **FAKE)
    run_batch([str(src)], opts, stderr=io.StringIO())
    parts = sorted(folder.glob("part-*.jsonl"))
    assert len(parts) == 1
    assert b"".join(p.read_bytes() for p in parts) == expected.read_bytes()
    with pytest.raises(Exception, match="--force"):
        run_batch([str(src)], opts, stderr=io.StringIO())


def test_real_extraction_same_on_dask(tmp_path, client):
    src = tmp_path / "in"
    write_articles(src, 12, seed=21)
    expected = local([src], tmp_path / "local.jsonl")
    assert expected, "the real extractor should find claims in these articles"
    assert extract_bag([src], articles_per_partition=4).compute() == expected


def test_cli_engine_dask(tmp_path):
    src = tmp_path / "in"
    write_articles(src, 6, seed=22)
    expected = tmp_path / "local.jsonl"
    local([src], expected)
    out = tmp_path / "dask.jsonl"
    cmd = [sys.executable, "-m", "misconduct_nlp.cli", "extract", str(src), "-o", str(out),
           "--engine", "dask", "-j", "1", "-q"]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes() == expected.read_bytes()


def test_force_deletes_only_the_partitions_the_engine_wrote(tmp_path, cluster):
    src = fake_folder(tmp_path / "in", 6)
    folder = tmp_path / "parts"
    folder.mkdir()
    thesis = folder / "part-of-my-thesis.docx"
    thesis.write_bytes(b"chapter one")
    (folder / "notes.txt").write_text("mine")
    opts = BatchOptions(output=folder, engine="dask", scheduler=cluster.scheduler_address,
                        partitioned=True, quiet=True, **FAKE)
    run_batch([str(src)], opts, stderr=io.StringIO())
    manifest = json.loads((folder / PARTS_MANIFEST).read_text())
    assert manifest["files"] == ["part-00000.jsonl"]
    stale = folder / "part-00007.jsonl.partial"  # as if an earlier run died half-way
    manifest["files"].append("part-00007.jsonl")
    (folder / PARTS_MANIFEST).write_text(json.dumps(manifest))
    stale.write_text("half")
    with pytest.raises(Exception, match="--force"):
        run_batch([str(src)], opts, stderr=io.StringIO())
    forced = BatchOptions(output=folder, engine="dask", scheduler=cluster.scheduler_address,
                          partitioned=True, quiet=True, force=True, **FAKE)
    run_batch([str(src)], forced, stderr=io.StringIO())
    assert thesis.read_bytes() == b"chapter one" and (folder / "notes.txt").read_text() == "mine"
    assert not stale.exists()
    assert sorted(p.name for p in folder.iterdir()) == [
        PARTS_MANIFEST, "notes.txt", "part-00000.jsonl", "part-of-my-thesis.docx"]


def test_a_partition_name_the_engine_did_not_write_is_never_overwritten(tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    theirs = folder / "part-00000.jsonl"
    theirs.write_text("someone else's data\n")
    (folder / PARTS_MANIFEST).write_text(json.dumps({"files": ["../outside.txt", "/etc/passwd"]}))
    (tmp_path / "outside.txt").write_text("keep")
    for force in (False, True):
        with pytest.raises(UsageError, match=r"\[E016\].*not written by misconduct-nlp"):
            clear_parts(folder, part_names(5, "jsonl"), force=force)
    assert theirs.read_text() == "someone else's data\n"
    assert (tmp_path / "outside.txt").read_text() == "keep"
    clear_parts(folder, part_names(2500, "csv"), force=False)  # other names: nothing in the way
    assert json.loads((folder / PARTS_MANIFEST).read_text())["files"] == ["part-00000.csv", "part-00001.csv"]
    assert theirs.exists()
