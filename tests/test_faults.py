"""Faults around the batch run: workers that outlive their run, articles over their budget.

Runs the batch machinery with the stand-in extractor (``tests/_fake_extract.py``), whose
``HANG`` articles never finish, so that every test is quick when the guard works and fails
clearly (a bounded wait runs out) when it does not.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from misconduct_nlp.batch import BatchOptions, Task, UsageError, WorkerConfig, process_chunk, run_batch
from misconduct_nlp.formats import read_claims

TESTS = Path(__file__).parent


def _children(pid: int) -> list[int]:
    """The live processes whose parent is ``pid`` (Linux ``/proc``)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(entry))
    return out


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        for child in _children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc to find the workers")
def test_workers_exit_when_the_run_is_killed(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"a{i:02d}.txt").write_text(f"HANG: {i} officers.\n")
    script = (
        "import sys\n"
        "from misconduct_nlp.batch import BatchOptions, run_batch\n"
        f"o = BatchOptions(output={str(tmp_path / 'out.jsonl')!r}, workers=2, quiet=True,\n"
        "                 min_parallel_bytes=0, article_timeout=0,\n"
        "                 extractor='_fake_extract:extract_many', loader='_fake_extract:load')\n"
        f"run_batch([{str(src)!r}], o)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), *sys.path]))
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 3:  # the forkserver and its two workers (and the resource tracker)
            assert proc.poll() is None, "the run ended before its workers started"
            assert time.monotonic() < deadline, f"the workers did not start: {workers}"
            time.sleep(0.1)
            workers = _descendants(proc.pid)
        time.sleep(0.5)  # let the workers reach their (hanging) articles
        workers = _descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [p for p in workers if _alive(p)]
    finally:
        for p in _descendants(proc.pid) | workers:
            if _alive(p):
                os.kill(p, signal.SIGKILL)
    assert not left, f"processes left behind by the killed run: {left}"


# --------------------------------------------------------------------------- the time budget

FAKE = dict(extractor="_fake_extract:extract_many", loader="_fake_extract:load")


def _folder(tmp_path: Path, bodies: dict[str, str]) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    for name, body in bodies.items():
        (src / f"{name}.txt").write_text(body)
    return src


def _run(src: Path, out: Path, **kw):
    kw = {"quiet": True, "workers": 1, "min_parallel_bytes": 0, **FAKE, **kw}
    err = io.StringIO()
    summary = run_batch([str(src)], BatchOptions(output=out, **kw), stderr=err)
    return summary, err.getvalue()


@pytest.mark.parametrize("workers", [1, 2])
def test_an_article_over_its_budget_is_reported_and_the_run_goes_on(tmp_path, workers):
    bodies = {f"a{i:02d}": f"Item {i}: {i} officers.\n" for i in range(12)}
    bodies["a03"] = "HANG: 7 officers.\n"  # never finishes
    bodies["a08"] = "HANG: 8 officers.\n"
    src = _folder(tmp_path, bodies)
    out = tmp_path / "out.jsonl"
    summary, err = _run(src, out, workers=workers, article_timeout=0.3)
    assert summary.exit_status == 1 and summary.read == 10 and summary.failed == 2
    assert sorted(f.article for f in summary.failures) == ["a03", "a08"]
    assert all(f.reason.startswith("[E208] took more than --article-timeout 0.3 s") for f in summary.failures)
    assert "a03.txt: [E208]" in err
    assert sorted({c["article"] for c in read_claims(out)}) == sorted(set(bodies) - {"a03", "a08"})
    resumed, _ = _run(src, out, workers=workers, article_timeout=0.3, resume=True)
    assert resumed.skipped == 10 and resumed.failed == 2  # tried again, and over budget again


@pytest.mark.skipif(not hasattr(signal, "SIGPROF"), reason="the CPU-time limit needs SIGPROF")
def test_a_worker_stuck_in_one_long_call_is_replaced(tmp_path):
    """A runaway regular expression holds the interpreter: no exception can stop it, so the
    worker's CPU-time limit ends the process and the pool replaces it."""
    bodies = {f"a{i}": f"Item {i}: {i} officers.\n" for i in range(6)}
    bodies["a2"] = "STALL: 3 officers.\n"
    src = _folder(tmp_path, bodies)
    summary, _ = _run(src, tmp_path / "out.jsonl", workers=2, article_timeout=0.2)
    assert summary.read == 5 and [f.article for f in summary.failures] == ["a2"]
    assert summary.failures[0].reason.startswith("[E208]")


def test_the_budget_works_in_a_thread_too():
    """Off the main thread (a Dask worker's, a program's own) there is no SIGALRM: the budget
    raises in the thread from a timer instead."""
    tasks = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, body in enumerate(["Item: 4 officers.\n", "HANG: 5 officers.\n", "Item: 6 staff.\n"]):
            path = Path(tmp) / f"t{i}.txt"
            path.write_text(body)
            tasks.append(Task(i, str(path), f"t{i}", path.stat().st_size))
        config = WorkerConfig(article_timeout=0.3, **FAKE)
        results: list = []
        thread = threading.Thread(target=lambda: results.extend(process_chunk(tasks, config)))
        thread.start()
        thread.join(60)
        assert not thread.is_alive(), "the HANG article was not stopped"
    assert [r.error is None for r in results] == [True, False, True]
    assert results[1].error.startswith("[E208]")
    assert [c["value"] for c in results[2].claims] == [6]


def test_no_budget_when_it_is_zero(tmp_path):
    src = _folder(tmp_path, {"a": "SLOW: 3 officers.\n"})
    summary, _ = _run(src, tmp_path / "out.jsonl", article_timeout=0)
    assert summary.exit_status == 0 and summary.claims == 1


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "inf"])
def test_bad_article_timeout_is_a_usage_error(value):
    """(The command line's checks are in tests/test_cli.py, with every numeric option's.)"""
    with pytest.raises(UsageError, match=r"--article-timeout must be"):
        BatchOptions(article_timeout=value)


def test_a_slow_real_article_over_a_tiny_budget_is_left_out(tmp_path):
    """The real pipeline: an article of 3,000 table rows takes seconds; a single sentence takes
    milliseconds once the pipeline is warm (its first article compiles the period grammar).
    A 0.5 s budget stops the first only."""
    rows = "\n".join(f"Kent Police {i}" for i in range(3000))
    src = _folder(tmp_path, {"a-long": f"Complaints recorded by force:\n\n{rows}\n",
                             "b-short": "Kent Police sacked 12 officers in 2022.\n"})
    warm = BatchOptions(output=tmp_path / "warm.jsonl", workers=1, quiet=True, article_timeout=0)
    assert run_batch([str(src / "b-short.txt")], warm, stderr=io.StringIO()).claims == 1
    out = tmp_path / "out.jsonl"
    summary = run_batch([str(src)], BatchOptions(output=out, workers=1, quiet=True, article_timeout=0.5),
                        stderr=io.StringIO())
    assert [(f.article, f.reason[:6]) for f in summary.failures] == [("a-long", "[E208]")]
    assert [(c["article"], c["value"]) for c in read_claims(out)] == [("b-short", 12)]
