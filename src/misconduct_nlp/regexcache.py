"""Compiled regular expressions kept on disk, so a new process does not compile them again.

The force matcher and the period grammar are a few very large regular expressions (the
force names as one trie, the period phrases as one alternation); compiling them is most of
what the first ``extract()`` costs beyond importing spaCy. :func:`compile` gives the same
``re.Pattern`` as :func:`re.compile` (equal to it: same pattern, flags and code) and keeps
the compiled code of each pattern in a file of the cache folder, named after a hash of the
pattern, its flags and the interpreter; the next process reads that file instead of
compiling. The cache is content-addressed: a change of the package data makes different
patterns, hence different files, and nothing stale is ever read.

The folder is ``$MISCONDUCT_NLP_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/misconduct-nlp``
(``~/.cache/misconduct-nlp``), one sub-folder per interpreter version. Set
``MISCONDUCT_NLP_CACHE_DIR=off`` to compile every time. A folder that cannot be created or
written, or a file that cannot be read or is damaged, only means compiling as
:func:`re.compile` does; no error is ever raised for the cache. Delete the folder at any time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
from array import array
from functools import lru_cache
from pathlib import Path

__all__ = ["cache_dir", "compile"]

ENV = "MISCONDUCT_NLP_CACHE_DIR"
_FORMAT = 1

try:  # CPython's regex engine, whose compiled code is what the files keep
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - another interpreter: compile every time
    _sre = None


def _interpreter() -> str:
    """What the compiled code depends on: interpreter, version and regex engine."""
    magic = getattr(_sre, "MAGIC", None)
    return f"{sys.implementation.cache_tag}-{sys.hexversion:x}-sre{magic}-{_FORMAT}"


@lru_cache(maxsize=8)
def _folder(setting: str | None) -> Path | None:
    if setting is not None and setting.strip().lower() in ("off", "0", "no", "false", ""):
        return None
    if setting:
        base = Path(setting).expanduser()
    else:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = (Path(xdg) if xdg else Path.home() / ".cache") / "misconduct-nlp"
    return base / _interpreter()


def cache_dir() -> Path | None:
    """The folder compiled patterns are kept in, or None when the cache is off."""
    if _sre is None or array("I").itemsize != 4:
        return None
    try:
        return _folder(os.environ.get(ENV))
    except (OSError, RuntimeError):  # no home folder
        return None


def _file(folder: Path, pattern: str, flags: int) -> Path:
    digest = hashlib.sha256(f"{flags}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()
    return folder / f"{digest[:40]}.sre"


def _read(path: Path, pattern: str, flags: int) -> re.Pattern[str] | None:
    try:
        data = marshal.loads(path.read_bytes())
        tag, pat, flg, final_flags, code_bytes, groups, groupindex, indexgroup = data
        if tag != _interpreter() or pat != pattern or flg != flags:
            return None
        code = array("I")
        code.frombytes(code_bytes)
        return _sre.compile(pattern, final_flags, code.tolist(), groups, groupindex, indexgroup)
    except Exception:  # missing, unreadable, damaged, or made by another engine: compile
        return None


def _compile_and_write(path: Path | None, pattern: str, flags: int) -> re.Pattern[str]:
    """Compile as ``re.compile`` does (``re._compiler.compile``) and keep the code in ``path``."""
    p = _parser.parse(pattern, flags)
    code = _compiler._code(p, flags)
    groupindex = p.state.groupdict
    indexgroup = [None] * p.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    final_flags, groups = flags | p.state.flags, p.state.groups - 1
    compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
    if path is not None:
        try:
            data = marshal.dumps((_interpreter(), pattern, flags, final_flags, array("I", code).tobytes(),
                                  groups, dict(groupindex), tuple(indexgroup)))
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)  # whole files only, whoever else writes the same one
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except Exception:  # an unwritable or full cache folder: the pattern is compiled anyway
            pass
    return compiled


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:  # noqa: A001
    """``re.compile(pattern, flags)``, read from the cache folder when it was compiled before.

    The result equals ``re.compile(pattern, flags)`` (``==``). Only ``str`` patterns without
    ``re.DEBUG`` are cached; anything else goes to :func:`re.compile`.
    """
    flags = int(flags)
    folder = cache_dir()
    if folder is None or not isinstance(pattern, str) or flags & re.DEBUG:
        return re.compile(pattern, flags)
    path = _file(folder, pattern, flags)
    found = _read(path, pattern, flags)
    if found is not None:
        return found
    try:
        return _compile_and_write(path, pattern, flags)
    except re.error:
        raise
    except Exception:  # an engine whose internals differ from 3.11's: the public way
        return re.compile(pattern, flags)
