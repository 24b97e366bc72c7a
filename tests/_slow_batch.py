"""A batch run in its own process over ``SLOW`` articles of the stand-in extractor
(``_fake_extract``), for tests that interrupt one or start a second run beside it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from misconduct_nlp.batch import state_path


def count_done(state: Path) -> int:
    """How many articles a run's state file records as done (its first line is a header)."""
    try:
        return max(0, state.read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def start_slow_batch(src: Path, out: Path, *, workers: int, until: int) -> subprocess.Popen:
    """Start ``run_batch`` on ``src`` into ``out`` in a subprocess and return it once ``until``
    articles are done (it is still running then); it is terminated if it fails first."""
    script = (
        "import sys\n"
        "from misconduct_nlp.batch import BatchOptions, run_batch\n"
        f"o = BatchOptions(output={str(out)!r}, workers={workers}, quiet=True, min_parallel_bytes=0,\n"
        "                 extractor='_fake_extract:extract_many', loader='_fake_extract:load')\n"
        f"sys.exit(run_batch([{str(src)!r}], o).exit_status)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).parent), *sys.path]),
               FAKE_EXTRACT_SLOW="1")
    proc = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while count_done(state_path(out)) < until:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.01)
    except BaseException:
        proc.terminate()
        proc.communicate(timeout=60)
        raise
    return proc
