"""Two runs on one output: the second refuses (exit status 2) while the first holds the lock,
whether it resumes, forces or does neither; nothing the first wrote is touched."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from misconduct_nlp.batch import BatchOptions, UsageError, run_batch, state_path
from misconduct_nlp.cli import main
from misconduct_nlp.lock import OutputLock, OutputLocked, lock_path

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


def count_done(state: Path) -> int:
    return max(0, len(state.read_bytes().split(b"\n")) - 2) if state.exists() else 0


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
        with pytest.raises(OutputLocked):
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
    script = (
        "import sys\n"
        "from misconduct_nlp.batch import BatchOptions, run_batch\n"
        f"o = BatchOptions(output={str(out)!r}, workers=1, quiet=True, min_parallel_bytes=0,\n"
        "                 extractor='_fake_extract:extract_many', loader='_fake_extract:load')\n"
        f"sys.exit(run_batch([{str(src)!r}], o).exit_status)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), *sys.path]),
               FAKE_EXTRACT_SLOW="1")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while count_done(state_path(out)) < 2:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.01)
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
