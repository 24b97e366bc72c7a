"""A lock on a batch output, so that two runs cannot write the same file at once.

The lock is ``OUTPUT.lock`` beside the output, held with ``flock`` for the whole run and
removed when the run ends. The kernel drops it when the process dies (``kill -9`` included),
so a crashed run never leaves the output locked; the file left behind is taken over by the
next run. Where ``flock`` does not exist (Windows), or the lock file cannot be made (an
output such as ``/dev/stdout``, whose folder is not writable), no lock is taken.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Errors, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

LOCK_SUFFIX = ".lock"


def lock_path(output: Path) -> Path:
    """The lock file of an output: ``OUTPUT.lock``."""
    return output.with_name(output.name + LOCK_SUFFIX)


class OutputLock:
    """The held lock of one output; :meth:`release` (or the process ending) frees it."""

    def __init__(self, output: Path, fd: int | None) -> None:
        self.output = output
        self.path = lock_path(output)
        self.fd = fd

    @classmethod
    def acquire(cls, output: Path) -> OutputLock:
        """Take the lock of ``output``, or raise :class:`~misconduct_nlp.errors.UsageError` at once
        (``E014``: another run holds it; never waits)."""
        if fcntl is None:
            return cls(output, None)
        path = lock_path(output)
        while True:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:  # nowhere to put a lock: the output itself will say what is wrong
                return cls(output, None)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _read_pid(fd)
                os.close(fd)
                who = f" (process {holder})" if holder else ""
                raise UsageError(Errors.E014.format(path=output, holder=who)) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(path).st_ino
            except FileNotFoundError:
                same = False
            if same:  # not a file the previous holder removed just after we opened it
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return cls(output, fd)

    def release(self) -> None:
        """Remove the lock file and free the lock (once; later calls do nothing)."""
        if self.fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self.fd)
            self.fd = None


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
