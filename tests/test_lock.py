"""Two runs on one output: the second refuses (exit status 2) while the first holds the lock,
whether it resumes, forces or does neither; nothing the first wrote is touched."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from _slow_batch import count_done, start_slow_batch
from misconduct_nlp.batch import BatchOptions, UsageError, run_batch, state_path
from misconduct_nlp.cli import main
from misconduct_nlp.lock import OutputLock, lock_path

pytest.importorskip("fcntl", reason="output locks need flock (POSIX)")

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")


def folder_of(path: Path, n: int, text: str) -> Path:
    path.mkdir(parents=True)
    for i in range(n):
        (path / f"a{i:03d}.txt").write_text(text.replace("N", str(i)))
    return path


def run(src: Path, out: Path, **kw):
    opts = BatchOptions(output=out, workers=1, quiet=True, min_parallel_bytes=0, **{**FAKE, **kw})
    return run_batch([str(src)], opts, stderr=io.StringIO())


def test_a_held_lock_refuses_every_kind_of_second_run(tmp_path):
    src = folder_of(tmp_path / "in", 3, "N officers\n")
    out = tmp_path / "out.jsonl"
    run(src, out)
    before = out.read_bytes()
    lock = OutputLock.acquire(out)
    try:
        assert lock_path(out).read_text().strip() == str(os.getpid())
        for kw in ({"resume": True}, {"force": True}, {}):
            with pytest.raises(UsageError, match=f"being written by another run \\(process {os.getpid()}\\)"):
                run(src, out, **kw)
        with pytest.raises(UsageError, match=r"\[E014\]"):
            OutputLock.acquire(out)
        assert out.read_bytes() == before
    finally:
        lock.release()
    assert not lock_path(out).exists()
    summary = run(src, out, resume=True)  # free again
    assert summary.skipped == 3
    assert not lock_path(out).exists()


def test_a_lock_file_left_by_a_dead_run_is_taken_over(tmp_path):
    out = tmp_path / "out.jsonl"
    lock_path(out).write_text("99999999\n")  # what kill -9 leaves: a file nobody holds
    src = folder_of(tmp_path / "in", 2, "N staff\n")
    assert run(src, out).read == 2
    assert not lock_path(out).exists()


def test_a_second_run_refuses_while_the_first_is_running(tmp_path):
    src = folder_of(tmp_path / "in", 80, "SLOW: N officers\n")
    out = tmp_path / "out.jsonl"
    proc = start_slow_batch(src, out, workers=1, until=2)
    try:
        for flag in ("--resume", "--force"):
            assert main(["extract", str(src), "-o", str(out), flag, "-q"]) == 2
        assert proc.poll() is None, "the first run was disturbed"
    finally:
        proc.terminate()
        proc.communicate(timeout=60)
    finished = count_done(state_path(out))
    summary = run(src, out, resume=True)
    assert summary.skipped == finished and summary.read == 80 - finished
    reference = tmp_path / "reference.jsonl"
    run(src, reference)
    assert out.read_bytes() == reference.read_bytes()  # no claim twice, none lost


# --------------------------------------------------------------------------- output faults


def test_a_full_disk_stops_the_run_with_one_message_and_resume_completes(tmp_path, monkeypatch):
    import errno

    from misconduct_nlp import formats

    src = folder_of(tmp_path / "in", 6, "N officers\n")
    out = tmp_path / "out.jsonl"
    real_write = formats.Writer.write
    calls = []

    def full_after_two(self, claims):
        calls.append(1)
        if len(calls) > 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, claims)

    monkeypatch.setattr(formats.Writer, "write", full_after_two)
    err = io.StringIO()
    opts = BatchOptions(output=out, workers=1, quiet=True, min_parallel_bytes=0, **FAKE)
    summary = run_batch([str(src)], opts, stderr=err)
    assert summary.exit_status == 3 and summary.read == 2
    (line,) = err.getvalue().splitlines()
    assert line == (f"misconduct-nlp: cannot write {out}: No space left on device; stopped after 2 "
                    "articles (make room, then run again with --resume to continue)")
    assert not lock_path(out).exists()
    monkeypatch.setattr(formats.Writer, "write", real_write)
    again = run(src, out, resume=True)
    assert (again.skipped, again.read, again.exit_status) == (2, 4, 0)
    reference = tmp_path / "reference.jsonl"
    run(src, reference)
    assert out.read_bytes() == reference.read_bytes()


def test_standard_output_that_cannot_be_written(tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    src = folder_of(tmp_path / "in", 3, "N officers\n")
    err = io.StringIO()
    with open("/dev/full", "wb") as full:
        opts = BatchOptions(workers=1, quiet=True, min_parallel_bytes=0, **FAKE)
        summary = run_batch([str(src)], opts, stderr=err, stdout=full)
        with pytest.raises(OSError):
            full.close()  # what the run could not write is still buffered
    assert summary.exit_status == 3
    assert err.getvalue().splitlines() == [
        "misconduct-nlp: cannot write standard output: No space left on device; stopped after 0 articles"]


def test_an_output_that_cannot_be_opened_is_a_usage_error(tmp_path):
    src = folder_of(tmp_path / "in", 1, "N officers\n")
    (tmp_path / "afile").write_text("not a folder")
    with pytest.raises(UsageError, match=r"\[E015\] cannot write .*afile/out.jsonl: "):
        run(src, tmp_path / "afile" / "out.jsonl")
    assert main(["extract", str(src), "-o", str(tmp_path / "afile" / "out.jsonl"), "-q"]) == 2
