"""The ``extract`` command: claims from folders of articles, at scale.

``misconduct-nlp extract PATH... [-o FILE] [--format jsonl|csv|parquet] [--published DATE]``

How a run goes:

1. :func:`plan` finds the article files (``io.discover``: recursive, sorted by id, symlink
   loops reported), gives each its publication date (manifest, else ``--published``, else
   none: extract then looks for a dateline) and numbers them in sorted order.
2. :func:`make_chunks` cuts the sorted list into small contiguous chunks; a worker reads and
   extracts one chunk at a time with ``extract_many`` (``nlp.pipe`` batching). There is one
   pipeline per worker process, loaded once (:func:`process_chunk` caches it).
3. Results come back in order whatever the number of workers (a bounded window of chunks in
   flight, consumed head first: a reorder buffer), and :class:`BatchOutput` writes them article
   by article, flushing each. Beside a file output, ``OUTPUT.done.jsonl`` remembers every
   finished article (id, path, sha256 of its bytes, number of claims, byte range in the
   output) so that ``--resume`` skips what is done, truncates a half-written tail, and
   re-extracts articles whose content changed (removing their old claims).
4. A file that cannot be read or extracted is reported (one line on stderr, one JSON row in
   ``--errors``) and the run goes on; the exit status is 1 when anything failed, or when no
   article was found. Warnings (a folder with no articles, a ``manifest.jsonl`` line that
   cannot be used) are printed and counted in the summary; they do not change the exit status.

Only the standard library is imported at module level: ``misconduct-nlp --help`` stays fast.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib
import json
import os
import signal
import sys
import threading
import time
import warnings
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import lru_cache, partial
from pathlib import Path
from typing import IO, Any

from misconduct_nlp.cli import NumberOption
from misconduct_nlp.errors import (
    ArticleError,
    Errors,
    ExtractorError,
    MisconductWarning,
    UsageError,
    code_of,
)
from misconduct_nlp.formats import FORMATS, format_for_path
from misconduct_nlp.io import DEFAULT_MAX_BYTES, discover, printable, read_article
from misconduct_nlp.model import Published

__all__ = [
    "ArticleResult", "BatchOptions", "BatchOutput", "BatchSummary", "Failure", "Resources", "Task",
    "UsageError", "WorkerConfig", "add_arguments", "add_resource_arguments", "check_resources",
    "load_pipeline", "local_results", "make_chunks", "pipeline_model", "plan", "plan_and_warnings",
    "process_chunk", "read_resources", "run", "run_batch",
]

DEFAULT_EXTRACTOR = "misconduct_nlp:extract_many"  # through the package's public names
DEFAULT_LOADER = "misconduct_nlp:load"
STATE_SUFFIX = ".done.jsonl"
STATE_VERSION = 1
CHUNK_ARTICLES = 32
CHUNK_BYTES = 400_000
#: Below this much text, one process is faster than starting workers that each load a pipeline.
MIN_PARALLEL_BYTES = 300_000

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_OUTPUT = 3  # the output could not be written (disk full, closed pipe): what is written is kept
#: The code of an article result that means no article can be extracted: the run stops.
PIPELINE_FAILURE = "E201"

#: The numeric options of ``extract``, checked on the command line and in :class:`BatchOptions`.
WORKERS = NumberOption("-j/--workers", "the number of worker processes (0: one per core)", minimum=0)
MAX_BYTES = NumberOption("--max-bytes", "a size in bytes, such as 5000000 (0: no limit)", minimum=0)
BATCH_SIZE = NumberOption("--batch-size", "the number of articles per nlp.pipe batch, such as 32", minimum=1)
ARTICLE_TIMEOUT = NumberOption("--article-timeout",
                               "a time in seconds, such as 60 (0: no limit)", integer=False, minimum=0.0)
#: The time one article may take by default, in seconds: ordinary articles take well under one.
DEFAULT_ARTICLE_TIMEOUT = 60.0
MIN_CONFIDENCE = NumberOption("--min-confidence",
                              "a confidence from 0 to 1, such as 0.5 (0 keeps every claim)",
                              integer=False, minimum=0.0, maximum=1.0)


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``misconduct-nlp extract``."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="article files (.txt, .md, .html) or folders, searched recursively")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="output file (default: stdout); with --engine dask, a folder ending "
                             "in / gets one file per partition")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="output format (default: from the output's suffix, else jsonl)")
    parser.add_argument("--published", type=iso_date, metavar="YYYY-MM-DD",
                        help="publication date for articles the manifest.jsonl does not date")
    parser.add_argument("-j", "--workers", type=WORKERS, default=0, metavar="N",
                        help="worker processes (default: all cores)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run: skip articles already in the output")
    parser.add_argument("--force", action="store_true", help="overwrite an existing output")
    parser.add_argument("--errors", metavar="FILE",
                        help="also write failures as JSON lines (path, article, reason) to FILE")
    parser.add_argument("--max-bytes", type=MAX_BYTES, default=DEFAULT_MAX_BYTES, metavar="N",
                        help=f"skip files larger than N bytes (default {DEFAULT_MAX_BYTES}; 0: no limit)")
    parser.add_argument("--article-timeout", type=ARTICLE_TIMEOUT, default=DEFAULT_ARTICLE_TIMEOUT,
                        metavar="SECONDS",
                        help=f"leave out (and report) an article that takes longer than SECONDS to "
                             f"extract (default {DEFAULT_ARTICLE_TIMEOUT:g}; 0: no limit)")
    parser.add_argument("--follow-links", action="store_true",
                        help="read symlinks that lead outside the folders given (skipped by default)")
    parser.add_argument("--csv-raw", action="store_true",
                        help="CSV: write cells starting with = + - @ as they are (default: a leading ')")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="no progress bar and no summary (failures are still reported)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="run on local processes (default) or on a Dask cluster (needs the dask extra)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="Dask scheduler address (default: a LocalCluster of --workers processes)")
    add_resource_arguments(parser)
    parser.add_argument("--min-confidence", type=MIN_CONFIDENCE, default=0.0, metavar="X",
                        help="leave out claims whose confidence is below X, from 0 to 1 (default: 0)")
    parser.add_argument("--batch-size", type=BATCH_SIZE, default=32, metavar="N", help=argparse.SUPPRESS)


def add_resource_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say which pipeline extracts, and what the user adds to it:
    ``--model``, ``--pipeline``, ``--lexicon`` and ``--aliases`` (shared by every command that
    extracts)."""
    parser.add_argument("--model", default=None, metavar="NAME",
                        help="installed spaCy pipeline to build on (default: a blank English pipeline)")
    parser.add_argument("--pipeline", default=None, metavar="DIR",
                        help="a saved misconduct pipeline (the folder nlp.to_disk() writes), loaded as it is")
    parser.add_argument("--lexicon", action="append", default=[], metavar="[GROUP=]FILE",
                        help="extra lexicon rows (JSONL, the package's format) for GROUP (measures, "
                             "subjects, ranks, platforms), or rows that each name their \"group\"; "
                             "may be repeated")
    parser.add_argument("--aliases", action="append", default=[], metavar="FILE",
                        help='extra force aliases: JSON {"kent": ["..."]} or JSONL rows '
                             '{"id": "kent", "aliases": ["..."]}; may be repeated')


def iso_date(text: str) -> date:
    """An argparse ``type`` for ``YYYY-MM-DD`` dates; anything else is a usage error."""
    try:
        value = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(Errors.E024.format(value=text))
    return value


def run(args: argparse.Namespace) -> int:
    """Run ``misconduct-nlp extract`` from parsed arguments; the exit status."""
    try:
        options = BatchOptions(
            output=Path(args.output) if args.output else None,
            format=args.format,
            published=args.published,
            workers=args.workers,
            resume=args.resume,
            force=args.force,
            errors=Path(args.errors) if args.errors else None,
            max_bytes=args.max_bytes,
            article_timeout=args.article_timeout,
            quiet=args.quiet,
            engine=args.engine,
            scheduler=args.scheduler,
            model=args.model,
            pipeline=getattr(args, "pipeline", None),
            lexicons=tuple(getattr(args, "lexicon", ()) or ()),
            aliases=tuple(getattr(args, "aliases", ()) or ()),
            min_confidence=args.min_confidence,
            batch_size=args.batch_size,
            partitioned=bool(args.output) and args.engine == "dask" and _is_folder_arg(args.output),
            follow_links=args.follow_links,
            csv_raw=args.csv_raw,
        )
        summary = run_batch(args.paths, options)
    except UsageError as e:
        print(f"misconduct-nlp extract: {e}", file=sys.stderr)
        return EXIT_USAGE
    return summary.exit_status


def _is_folder_arg(text: str) -> bool:
    return text.endswith(("/", os.sep)) or Path(text).is_dir()


# --------------------------------------------------------------------------- options, plan


@dataclass
class BatchOptions:
    """Everything a batch run needs besides its paths (the command-line options)."""

    output: Path | None = None
    format: str | None = None
    published: date | None = None
    workers: int = 0
    resume: bool = False
    force: bool = False
    errors: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    #: Seconds one article may take to extract (0: no limit); one over it is reported (E208).
    article_timeout: float = DEFAULT_ARTICLE_TIMEOUT
    quiet: bool = False
    progress: bool | None = None
    engine: str = "local"
    scheduler: str | None = None
    model: str | None = None
    pipeline: str | None = None
    lexicons: Sequence[str] = ()
    aliases: Sequence[str] = ()
    min_confidence: float = 0.0
    batch_size: int = 32
    partitioned: bool = False
    min_parallel_bytes: int = MIN_PARALLEL_BYTES
    extractor: str = DEFAULT_EXTRACTOR
    loader: str = DEFAULT_LOADER
    follow_links: bool = False
    csv_raw: bool = False
    #: What ``lexicons`` and ``aliases`` hold, read when the options are made (a bad file is a
    #: :class:`UsageError` before anything runs).
    resources: Resources = field(init=False)

    def __post_init__(self) -> None:
        for name in ("output", "errors"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                setattr(self, name, Path(value))
        if isinstance(self.published, str):
            try:
                self.published = date.fromisoformat(self.published)
            except ValueError:
                raise UsageError(Errors.E024.format(value=self.published)) from None
        self.workers = int(WORKERS.check(self.workers))
        self.max_bytes = int(MAX_BYTES.check(self.max_bytes))
        self.batch_size = int(BATCH_SIZE.check(self.batch_size))
        self.article_timeout = float(ARTICLE_TIMEOUT.check(self.article_timeout))
        self.min_confidence = float(MIN_CONFIDENCE.check(self.min_confidence))
        self.model = pipeline_model(self.model, self.pipeline)
        self.resources = read_resources(self.lexicons, self.aliases)

    def worker_config(self) -> WorkerConfig:
        return WorkerConfig(self.model, self.max_bytes, self.batch_size, self.extractor, self.loader,
                            self.min_confidence, self.csv_raw, self.resources, self.article_timeout)


@dataclass(frozen=True)
class Task:
    """One article to read and extract, numbered in sorted (id, path) order."""

    index: int
    path: str
    id: str
    size: int
    published: Published | None = None


@dataclass
class ArticleResult:
    """What became of one article: its claims (as JSON records) or the reason it failed."""

    index: int
    id: str
    path: str
    sha256: str = ""
    words: int = 0
    claims: list[dict[str, Any]] | None = None
    error: str | None = None


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build its pipeline: picklable, the same for every chunk."""

    model: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    batch_size: int = 32
    extractor: str = DEFAULT_EXTRACTOR
    loader: str = DEFAULT_LOADER
    min_confidence: float = 0.0
    csv_raw: bool = False  # for writers on workers (Dask partitions)
    resources: Resources = field(default_factory=lambda: Resources())
    article_timeout: float = DEFAULT_ARTICLE_TIMEOUT  # seconds per article (0: no limit)


@dataclass
class Failure:
    """A path or article that failed, and why (one line)."""

    path: str
    reason: str
    article: str | None = None


# --------------------------------------------------------------------------- user resources

#: A user's lexicon row: (group, label, terms, strength, noun).
LexiconRow = tuple[str, str, tuple[str, ...], int, bool]


@dataclass(frozen=True)
class Resources:
    """What the user adds to the pipeline from ``--lexicon`` and ``--aliases`` files, as plain data.

    The files are read once, in the process that plans the run (:func:`read_resources`); the
    data travels in the :class:`WorkerConfig` to every worker, local or on a Dask cluster (which
    may not see the user's files), and each worker adds it to the pipeline it loads
    (:meth:`apply`). Hashable, so the worker's pipeline cache tells pipelines apart by it.
    """

    lexicon: tuple[LexiconRow, ...] = ()
    #: (file, force id, aliases), in the order the files give them.
    aliases: tuple[tuple[str, str, tuple[str, ...]], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lexicon or self.aliases)

    def apply(self, nlp: Any, model: str = "misconduct_nlp.load()") -> None:
        """Add the rows to the lexicon components and the aliases to ``misconduct_forces``.

        Raises :class:`UsageError` when the pipeline lacks a component they need, or an alias
        names a force the pipeline does not know.
        """
        names = getattr(nlp, "pipe_names", ())
        for group, label, terms, strength, noun in self.lexicon:
            component = f"misconduct_{group}"
            if component not in names:
                raise UsageError(Errors.E033.format(model=model, component=component, option="--lexicon"))
            nlp.get_pipe(component).add_terms(label, terms, strength=strength, noun=noun)
        if not self.aliases:
            return
        if "misconduct_forces" not in names:
            raise UsageError(Errors.E033.format(model=model, component="misconduct_forces",
                                                option="--aliases"))
        forces = nlp.get_pipe("misconduct_forces")
        known = forces.registry.entries
        for path, force_id, names_ in self.aliases:
            if force_id not in known:
                close = difflib.get_close_matches(force_id, list(known), n=3) or sorted(known)[:3]
                raise UsageError(Errors.E030.format(path=path, force=force_id, examples=", ".join(close)))
            forces.add_aliases({force_id: list(names_)})


def read_resources(lexicons: Sequence[str] = (), aliases: Sequence[str] = ()) -> Resources:
    """The rows of ``--lexicon`` specs (``GROUP=FILE`` or ``FILE``) and ``--aliases`` files.

    A lexicon file is JSONL in the package's format (``data/measures.jsonl``: ``label``,
    ``terms``, optional ``strength``, ``noun`` and ``examples``); with ``GROUP=`` every row is
    of that group, otherwise each row names its own ``"group"``. An aliases file is one JSON
    object of force ids and their aliases, or JSONL rows ``{"id": ..., "aliases": [...]}``.
    Anything that cannot be used raises :class:`UsageError` naming the file and line.
    """
    rows: list[LexiconRow] = []
    for spec in lexicons:
        group, path = _lexicon_spec(spec)
        rows.extend(_lexicon_rows(group, path))
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for path in aliases:
        found.extend(_alias_rows(path))
    return Resources(tuple(rows), tuple(found))


def _groups() -> tuple[str, ...]:
    from misconduct_nlp.lexicon import GROUPS

    return GROUPS


def _lexicon_spec(spec: str) -> tuple[str | None, str]:
    groups = _groups()
    head, eq, tail = spec.partition("=")
    if not eq or (not head and not tail):
        return None, spec
    if head in groups:
        if not tail:
            raise UsageError(Errors.E026.format(value=spec, reason="no file after '='",
                                                groups=", ".join(groups)))
        return head, tail
    if Path(spec).exists():  # a file name with '=' in it
        return None, spec
    raise UsageError(Errors.E026.format(value=spec, reason=f"unknown group {head!r}",
                                        groups=", ".join(groups)))


def _read_text(option: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise UsageError(Errors.E027.format(option=option, path=path, reason=reason)) from None


def _row_error(path: str, line: int, reason: str) -> str:
    return Errors.E028.format(path=path, line=line, reason=reason)


def _lexicon_rows(group: str | None, path: str) -> list[LexiconRow]:
    from misconduct_nlp.lexicon import entries

    groups = _groups()
    out: list[LexiconRow] = []
    for n, line in enumerate(_read_text("--lexicon", path).splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            row = json.loads(line)
        except ValueError as e:
            raise UsageError(_row_error(path, n, f"not JSON: {e}")) from None
        if not isinstance(row, dict):
            raise UsageError(_row_error(path, n, "not a JSON object"))
        own = row.get("group")
        if own is not None and group is not None and own != group:
            raise UsageError(_row_error(path, n, f"its group is {own!r}, and --lexicon names {group!r}"))
        row_group = group or own
        if row_group not in groups:
            names = ", ".join(groups)
            reason = (f"no \"group\" (one of {names}); give it, or use --lexicon GROUP={path}"
                      if row_group is None else f"unknown group {row_group!r} (use one of {names})")
            raise UsageError(_row_error(path, n, reason))
        label, terms = row.get("label"), row.get("terms")
        labels = sorted({e.label for e in entries(row_group)})
        if label not in labels:
            reason = f"unknown {row_group} label {label!r} (use one of {', '.join(labels)})"
            raise UsageError(_row_error(path, n, reason))
        if (not isinstance(terms, list) or not terms
                or not all(isinstance(t, str) and t.strip() for t in terms)):
            raise UsageError(_row_error(path, n, '"terms" must be a list of phrases'))
        strength, noun = row.get("strength", 2), row.get("noun", False)
        if isinstance(strength, bool) or not isinstance(strength, int) or not 0 <= strength <= 2:
            raise UsageError(_row_error(path, n, '"strength" must be 0, 1 or 2'))
        if not isinstance(noun, bool):
            raise UsageError(_row_error(path, n, '"noun" must be true or false'))
        out.append((row_group, label, tuple(t.strip().lower() for t in terms), strength, noun))
    return out


def _alias_rows(path: str) -> list[tuple[str, str, tuple[str, ...]]]:
    text = _read_text("--aliases", path)

    def names_of(value: Any, where: str) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and v.strip() for v in value)):
            raise UsageError(Errors.E029.format(path=where, reason="the aliases must be a list of names"))
        return tuple(v.strip() for v in value)

    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict) and not ("id" in whole and "aliases" in whole):
        return [(path, str(fid), names_of(names, f"{path} ({fid})")) for fid, names in whole.items()]
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{path}:{n}"
        try:
            row = json.loads(line)
        except ValueError as e:
            raise UsageError(Errors.E029.format(path=where, reason=f"not JSON ({e})")) from None
        if not isinstance(row, dict) or not isinstance(row.get("id"), str) or "aliases" not in row:
            raise UsageError(Errors.E029.format(path=where, reason='a row needs "id" and "aliases"'))
        out.append((path, row["id"], names_of(row["aliases"], where)))
    return out


def pipeline_model(model: str | None, pipeline: str | None) -> str | None:
    """What to load for ``--model NAME`` and ``--pipeline DIR`` (at most one of them).

    ``--pipeline`` must be a folder written by ``nlp.to_disk()`` of a misconduct pipeline;
    it is loaded as it is, with the terms, aliases and grammar saved in it.
    """
    if pipeline is None:
        return model
    if model is not None:
        raise UsageError(Errors.E032)
    from misconduct_nlp.pipeline import is_saved_pipeline

    if not is_saved_pipeline(pipeline):
        raise UsageError(Errors.E031.format(path=pipeline))
    return str(pipeline)


def check_resources(config: WorkerConfig) -> None:
    """Load the pipeline here, once, with the user's resources, so that an alias of an unknown
    force or a pipeline without the component a file needs is a :class:`UsageError` before
    any output is written. A pipeline that cannot be loaded at all is left to the workers,
    which report it as they always do (E201). Nothing to check without resources."""
    if not config.resources:
        return
    try:
        _pipeline(config.loader, config.model, config.min_confidence, config.resources)
    except UsageError:
        raise
    except Exception:  # noqa: BLE001, S110 - reported by the workers
        pass


def load_pipeline(model: str | None = None, *, pipeline: str | None = None, lexicons: Sequence[str] = (),
                  aliases: Sequence[str] = ()) -> Any:
    """A new pipeline for ``--model``/``--pipeline``, ``--lexicon`` and ``--aliases``, for commands
    that extract in this process (``report``); raises :class:`UsageError` for bad options."""
    model = pipeline_model(model, pipeline)
    resources = read_resources(lexicons, aliases)
    nlp = _resolve(DEFAULT_LOADER)(model)
    resources.apply(nlp, model or "misconduct_nlp.load()")
    return nlp


def plan(paths: Iterable[str | Path], published: date | None = None, *,
         follow_links: bool = False) -> tuple[list[Task], list[Failure]]:
    """Sorted, numbered tasks for the article files under ``paths``, and the paths that failed.

    A date from a ``manifest.jsonl`` wins (source ``manifest``); otherwise ``published``
    (source ``argument``); otherwise none. Problems that are not failures (a folder with no
    articles, a manifest line that cannot be used) are given as ``warnings.warn``
    (:class:`~misconduct_nlp.errors.MisconductWarning`); :func:`plan_and_warnings` collects them.
    Hidden files and symlinks leading out of a folder given are left out with a warning
    (``io.discover``), the symlinks unless ``follow_links``.
    """
    files, errors = discover(paths, follow_links=follow_links)
    tasks = []
    for i, f in enumerate(files):
        if f.published is not None:
            pub: Published | None = Published(f.published, "manifest")
        elif published is not None:
            pub = Published(published, "argument")
        else:
            pub = None
        tasks.append(Task(i, str(f.path), f.id, f.size, pub))
    return tasks, [Failure(str(e.path), e.reason) for e in errors]


def plan_and_warnings(paths: Iterable[str | Path], published: date | None = None, *,
                      follow_links: bool = False) -> tuple[list[Task], list[Failure], list[str]]:
    """:func:`plan`, with the misconduct warnings it gives collected as messages (in order).

    Other warnings are passed on as usual.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tasks, failures = plan(paths, published, follow_links=follow_links)
    messages = []
    for w in caught:
        if issubclass(w.category, MisconductWarning):
            messages.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    return tasks, failures, messages


def make_chunks(tasks: Sequence[Task], workers: int = 1, *, max_articles: int = CHUNK_ARTICLES,
                max_bytes: int = CHUNK_BYTES) -> list[list[Task]]:
    """Contiguous chunks of ``tasks``: at most ``max_articles`` articles or about ``max_bytes`` each,
    and small enough that every worker gets several chunks (load balance)."""
    if workers > 1 and tasks:
        max_articles = max(1, min(max_articles, -(-len(tasks) // (workers * 4))))
    chunks: list[list[Task]] = []
    cur: list[Task] = []
    size = 0
    for t in tasks:
        if cur and (len(cur) >= max_articles or size + t.size > max_bytes):
            chunks.append(cur)
            cur, size = [], 0
        cur.append(t)
        size += t.size
    if cur:
        chunks.append(cur)
    return chunks


# --------------------------------------------------------------------------- worker side


def _resolve(ref: str) -> Callable[..., Any]:
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


@lru_cache(maxsize=4)
def _pipeline(loader: str, model: str | None, min_confidence: float = 0.0,
              resources: Resources | None = None) -> Any:
    nlp = _resolve(loader)(model)
    if resources:
        resources.apply(nlp, model or loader)
    if min_confidence:
        if "misconduct_claims" not in getattr(nlp, "pipe_names", ()):
            raise UsageError(Errors.E025.format(model=model or loader))
        nlp.get_pipe("misconduct_claims").min_confidence = min_confidence
    return nlp


_PIPELINE_LOCK = threading.Lock()


def process_chunk(chunk: Sequence[Task], config: WorkerConfig) -> list[ArticleResult]:
    """Read and extract one chunk of articles; never raises for a bad article.

    Runs in a worker process (or in-process with one worker). The pipeline is loaded on
    first use and kept for the life of the process. When ``extract_many`` fails on the
    chunk, its articles are extracted one by one so that only the culprit fails.
    """
    results: dict[int, ArticleResult] = {}
    readable = []
    for t in chunk:
        try:
            art = read_article(t.path, max_bytes=config.max_bytes)
        except ArticleError as e:
            results[t.index] = ArticleResult(t.index, t.id, t.path, error=str(e))
            continue
        except Exception as e:  # noqa: BLE001 - a worker must outlive any bad file
            reason = Errors.E113.format(error=_describe(e))
            results[t.index] = ArticleResult(t.index, t.id, t.path, error=reason)
            continue
        results[t.index] = ArticleResult(t.index, t.id, t.path, art.sha256, len(art.text.split()))
        readable.append((t, art.text))
    if readable:
        with _PIPELINE_LOCK:
            for t, outcome in zip(readable, _extract_all(readable, config), strict=True):
                res = results[t[0].index]
                if isinstance(outcome, str):
                    res.error = outcome
                else:
                    res.claims = outcome
    return [results[t.index] for t in chunk]


def _extract_all(readable: list[tuple[Task, str]], config: WorkerConfig) -> list[list[dict] | str]:
    """Claims (as records) per article, or an error string for an article whose extraction failed
    or ran over ``config.article_timeout`` (:class:`_Budget`)."""
    try:
        nlp = _pipeline(config.loader, config.model, config.min_confidence, config.resources)
        extract_many = _resolve(config.extractor)
    except Exception as e:  # noqa: BLE001
        return [Errors.E201.format(error=_describe(e))] * len(readable)
    items = [(text, t.id, t.published) for t, text in readable]
    with _Budget(config.article_timeout) as budget:
        return _extract_budgeted(items, nlp, extract_many, config.batch_size, budget)


def _extract_budgeted(items: list[tuple[str, str, Any]], nlp: Any, extract_many: Callable[..., Any],
                      batch_size: int, budget: _Budget) -> list[list[dict] | str]:
    """The articles streamed through ``extract_many`` (``nlp.pipe`` batching), each on its budget.

    The budget runs while an article is in the extractor: from when the extractor takes it
    to when its claims come out, one budget more for each further article taken meanwhile
    (a pipeline that batches). When the stream fails or runs over, the one article in it is
    the culprit; with several in it, each is extracted again alone, on its own budget, so that
    only the culprit fails. Then the stream goes on with the next article.
    """
    out: list[list[dict] | str | None] = [None] * len(items)
    start = 0
    while start < len(items):
        flow = _Flow(start, start)
        try:
            for claims in extract_many(flow.feed(items, budget), nlp=nlp, batch_size=batch_size):
                if flow.done >= flow.taken:
                    raise ExtractorError(Errors.E206.format(got=flow.done + 1, expected=flow.taken))
                out[flow.done] = _records(claims, items[flow.done][1])
                flow.done += 1
                budget.arm(flow.taken - flow.done)
            budget.arm(0)
            if flow.done < len(items):
                raise ExtractorError(Errors.E206.format(got=flow.done, expected=len(items)))
            return out  # type: ignore[return-value]
        except (Exception, _OverBudget) as e:  # noqa: BLE001 - find the article, keep the others
            budget.arm(0)
            failed = e
        done, taken = flow.done, flow.taken
        if isinstance(failed, _OverBudget) and taken == done:
            start = done  # the budget ran out as an article came out: none was over it
            continue
        culprits = range(done, max(taken, done + 1))
        if len(culprits) == 1 and (isinstance(failed, _OverBudget) or taken > done):
            out[done] = _failure_reason(failed, budget)
        else:
            for k in culprits:
                out[k] = _extract_one(items[k], nlp, extract_many, budget)
        start = culprits[-1] + 1
    return out  # type: ignore[return-value]


@dataclass
class _Flow:
    """How far a stream of articles through the extractor got: ``taken`` by it, ``done`` (their
    claims out); the articles ``done`` to ``taken`` are in it."""

    taken: int
    done: int

    def feed(self, items: list[tuple[str, str, Any]], budget: _Budget) -> Iterator[tuple[str, str, Any]]:
        """The items from ``taken`` on, giving each its budget as the extractor takes it."""
        while self.taken < len(items):
            item = items[self.taken]
            self.taken += 1
            budget.arm(self.taken - self.done)
            yield item


def _extract_one(item: tuple[str, str, Any], nlp: Any, extract_many: Callable[..., Any],
                 budget: _Budget) -> list[dict] | str:
    """One article alone, on its budget: its records, or why it failed."""
    try:
        budget.arm(1)
        claims = next(iter(extract_many([item], nlp=nlp, batch_size=1)))
        budget.arm(0)
        return _records(claims, item[1])
    except (Exception, _OverBudget) as e:  # noqa: BLE001
        budget.arm(0)
        return _failure_reason(e, budget)


def _failure_reason(e: BaseException, budget: _Budget) -> str:
    if isinstance(e, _OverBudget):
        return Errors.E208.format(seconds=f"{budget.seconds:g}")
    return Errors.E202.format(error=_describe(e))


class _OverBudget(BaseException):
    """Raised in the extracting thread when an article runs over its time budget (a
    ``BaseException``, so that no ``except Exception`` on the way swallows it)."""


class _Budget:
    """A per-article time budget for the thread that extracts (a context manager).

    :meth:`arm` gives the articles in the extractor ``n`` budgets from now (0: none). When
    they run out, :class:`_OverBudget` is raised in that thread: by ``SIGALRM`` in the main
    thread (which also breaks a sleep or a blocking call), else by an exception set on the
    thread from a timer (CPython), which lands at its next line of Python. Neither can stop
    one long call into C that holds the interpreter (a runaway regular expression): for that,
    a worker process also sets a CPU-time limit of twice the budget and a second, after which
    the kernel kills it (``SIGPROF``); the pool then reports the article (E208) and replaces
    the worker (:class:`_LocalPool`). ``seconds`` 0 turns everything off.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.main = (seconds > 0 and threading.current_thread() is threading.main_thread()
                     and hasattr(signal, "setitimer"))
        self.hard = self.main and hasattr(signal, "SIGPROF") and _in_worker_process()
        self.lock = threading.Lock()
        self.armed = False
        self.injected = False
        self.timer: threading.Timer | None = None
        self.thread_id = threading.get_ident()
        self.previous: Any = None

    def __enter__(self) -> _Budget:
        if self.main:
            self.previous = signal.signal(signal.SIGALRM, self._on_alarm)
        if self.hard:
            signal.signal(signal.SIGPROF, signal.SIG_DFL)  # the kernel ends the process
        return self

    def __exit__(self, *exc: object) -> None:
        self.arm(0)
        if self.main:
            signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)

    def _on_alarm(self, signum: int, frame: Any) -> None:
        if self.armed:
            self.armed = False
            raise _OverBudget

    def _inject(self) -> None:
        import ctypes

        with self.lock:
            if self.armed:
                self.armed = False
                self.injected = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id),
                                                           ctypes.py_object(_OverBudget))

    def arm(self, n: int) -> None:
        """Give the articles now in the extractor ``n`` budgets from now; 0 disarms."""
        if self.seconds <= 0:
            return
        seconds = self.seconds * n
        if self.main:
            self.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            if self.hard:
                signal.setitimer(signal.ITIMER_PROF, 2 * seconds + 1 if n else 0)
            if n:
                self.armed = True
                signal.setitimer(signal.ITIMER_REAL, seconds)
            return
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.injected:  # the budget ran out as the article came out: take it back
                import ctypes

                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), None)
                self.injected = False
            self.armed = False
            if n:
                self.armed = True
                self.timer = threading.Timer(seconds, self._inject)
                self.timer.daemon = True
                self.timer.start()


def _in_worker_process() -> bool:
    """True in a process the local pool started (where the kernel may end the process)."""
    import multiprocessing

    return multiprocessing.parent_process() is not None and os.environ.get(_WORKER_ENV) == "1"


#: Set in the local pool's worker processes (by :func:`_init_worker`).
_WORKER_ENV = "MISCONDUCT_NLP_POOL_WORKER"


def _records(claims: Iterable[Any], article_id: str) -> list[dict[str, Any]]:
    out = []
    for c in claims:
        rec = dict(c) if isinstance(c, dict) else c.to_dict()
        if rec.get("article") is None:
            rec["article"] = article_id
        out.append(rec)
    return out


def _describe(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:200]}" if text else type(e).__name__


def _init_worker(config: WorkerConfig, run_pid: int | None = None) -> None:
    """Process-pool initializer: leave Ctrl-C to the parent, die with the run, load the pipeline once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[_WORKER_ENV] = "1"
    if run_pid is not None:
        _die_with_run(run_pid)
    try:
        _pipeline(config.loader, config.model, config.min_confidence)
    except Exception:  # noqa: BLE001 - reported per article by process_chunk
        pass


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _die_with_run(run_pid: int) -> None:
    """Make this worker exit when the run that started it (process ``run_pid``) dies, even by
    ``kill -9``, instead of waiting for work forever.

    On Linux the kernel kills the worker when its parent dies (``prctl(PR_SET_PDEATHSIG)``;
    the parent is the forkserver, which exits with the run). Elsewhere, and as a check that
    the run did not die before that was set, a daemon thread looks for the run every second.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the thread below does it
            pass

    def alive() -> bool:
        try:
            os.kill(run_pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's process took the number: the run is gone
            return False
        return True

    if not alive():
        os._exit(1)

    def watch() -> None:
        while alive():
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="misconduct-nlp-run-watch", daemon=True).start()


# --------------------------------------------------------------------------- engines


def ordered_results(chunks: Iterable[list[Task]], submit: Callable[[list[Task]], Any], window: int,
                    on_error: Callable[[list[Task], BaseException, deque], Iterable[ArticleResult]]
                    ) -> Iterator[ArticleResult]:
    """Results of ``submit(chunk)`` futures in chunk order, with at most ``window`` chunks in flight.

    The head chunk is waited for while later ones run: a reorder buffer bounded by the window.
    ``on_error(chunk, exc, pending)`` turns a failed future into results (it may resubmit the
    pending ``(chunk, future)`` pairs).
    """
    it = iter(chunks)
    pending: deque[tuple[list[Task], Any]] = deque()

    def fill() -> None:
        while len(pending) < window:
            chunk = next(it, None)
            if chunk is None:
                return
            pending.append((chunk, submit(chunk)))

    fill()
    while pending:
        chunk, fut = pending[0]
        try:
            results = fut.result()
        except Exception as e:  # noqa: BLE001
            pending.popleft()
            results = list(on_error(chunk, e, pending))
        else:
            pending.popleft()
        fill()
        yield from results


def _failed(chunk: Sequence[Task], reason: str) -> list[ArticleResult]:
    return [ArticleResult(t.index, t.id, t.path, error=reason) for t in chunk]


class _LocalPool:
    """A process pool that survives a worker dying: the chunk in which it died is re-run one
    article per task, so that only the article that kills the worker fails."""

    def __init__(self, workers: int, config: WorkerConfig) -> None:
        import multiprocessing as mp

        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self.ctx = mp.get_context(method)
        if method == "forkserver":
            # workers fork from a server that has imported spaCy and the pipeline code once
            mods = {ref.partition(":")[0] for ref in (config.extractor, config.loader)}
            mods = {"misconduct_nlp.pipeline" if m == "misconduct_nlp" else m for m in mods}
            self.ctx.set_forkserver_preload(["misconduct_nlp.batch", *sorted(mods)])
        self.workers = workers
        self.config = config
        self.executor = self._new()

    def _new(self):  # -> ProcessPoolExecutor
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(self.workers, mp_context=self.ctx, initializer=_init_worker,
                                   initargs=(self.config, os.getpid()))

    def submit(self, chunk: list[Task]) -> Any:
        return self.executor.submit(process_chunk, chunk, self.config)

    def restart(self) -> None:
        self.close(kill=True)
        self.executor = self._new()

    def on_error(self, chunk: list[Task], exc: BaseException, pending: deque) -> Iterator[ArticleResult]:
        from concurrent.futures.process import BrokenProcessPool

        if not isinstance(exc, BrokenProcessPool):
            yield from _failed(chunk, Errors.E204.format(error=_describe(exc)))
            return
        self.restart()
        for t in chunk:  # isolate: one article at a time
            try:
                yield from self.submit([t]).result()
            except BrokenProcessPool:
                over = self.over_budget()
                self.restart()
                seconds = f"{self.config.article_timeout:g}"
                reason = Errors.E208.format(seconds=seconds) if over else Errors.E203
                yield from _failed([t], reason)
        for i, (c, _) in enumerate(pending):  # their futures died with the pool
            pending[i] = (c, self.submit(c))

    def over_budget(self) -> bool:
        """True when a worker of the broken pool was ended by its CPU-time limit (:class:`_Budget`)."""
        procs = list(getattr(self.executor, "_processes", {}).values())
        return hasattr(signal, "SIGPROF") and any(p.exitcode == -signal.SIGPROF for p in procs)

    def close(self, kill: bool = False) -> None:
        if kill:
            for p in list(getattr(self.executor, "_processes", {}).values()):
                if p.is_alive():
                    p.kill()
        self.executor.shutdown(wait=not kill, cancel_futures=kill)


def local_results(chunks: list[list[Task]], config: WorkerConfig, workers: int) -> Iterator[ArticleResult]:
    """Results in order from ``workers`` local processes (in this process when ``workers`` is 1)."""
    if workers <= 1:
        for chunk in chunks:
            yield from process_chunk(chunk, config)
        return
    pool = _LocalPool(workers, config)
    ok = False
    try:
        yield from ordered_results(chunks, pool.submit, workers * 3, pool.on_error)
        ok = True
    finally:
        pool.close(kill=not ok)


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- output and state


def state_path(output: Path) -> Path:
    """The sidecar file that remembers finished articles: ``OUTPUT.done.jsonl``."""
    return output.with_name(output.name + STATE_SUFFIX)


@dataclass
class _Done:
    id: str
    path: str
    sha256: str
    claims: int
    start: int
    end: int


class BatchOutput:
    """The output of a batch run: claims written article by article, and the state file.

    Opened fresh (refusing to overwrite without ``force``) or for ``resume``: then the state
    is read, a half-written tail of either file is cut off, and :meth:`is_done` tells which
    articles to skip.
    """

    def __init__(self, path: Path | None, fmt: str, *, resume: bool = False, force: bool = False,
                 stdout: IO[bytes] | None = None, csv_raw: bool = False) -> None:
        from misconduct_nlp.formats import make_writer as make

        make_writer = partial(make, csv_raw=csv_raw)

        self.path, self.format = path, fmt
        self.done: Counter[tuple[str, str]] = Counter()
        self.rows: list[_Done] = []
        self.state_fh: IO[bytes] | None = None
        self.offset = self.data_start = 0
        if fmt not in ("jsonl", "csv"):
            raise UsageError(Errors.E009.format(format=fmt))
        if path is None:
            if resume:
                raise UsageError(Errors.E004)
            self.fh: IO[bytes] = stdout or sys.stdout.buffer
            self.writer = make_writer(fmt, self.fh)
            self.writer.write_header()
            return
        self.state = state_path(path)
        exists = path.exists()
        if exists and not (resume or force):
            raise UsageError(Errors.E001.format(path=path))
        if path.is_dir():
            raise UsageError(Errors.E003.format(path=path))
        if resume and exists:
            if not self.state.exists():
                raise UsageError(Errors.E005.format(state=self.state.name, path=path))
            self._reopen()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.fh = open(path, "wb")  # noqa: SIM115 - kept open for the whole run
            self.writer = make_writer(fmt, self.fh)
            self.offset = self.data_start = self.writer.write_header()
            self.fh.flush()
            self.state_fh = open(self.state, "wb")  # noqa: SIM115
            head = {"state": "misconduct-nlp", "version": STATE_VERSION, "format": fmt,
                    "output": path.name, "data_start": self.offset}
            self.state_fh.write((json.dumps(head) + "\n").encode())
            self.state_fh.flush()
        self.writer = make_writer(fmt, self.fh)

    def _reopen(self) -> None:
        """Read the state, drop what the output does not hold, cut half-written tails."""
        raw = self.state.read_bytes()
        lines = raw.split(b"\n")
        try:
            head = json.loads(lines[0])
        except ValueError:
            raise UsageError(Errors.E006.format(state=self.state)) from None
        if head.get("state") != "misconduct-nlp":
            raise UsageError(Errors.E006.format(state=self.state))
        if head.get("format") != self.format:
            raise UsageError(Errors.E007.format(path=self.path, old=head.get("format"), new=self.format))
        size = self.path.stat().st_size
        good = len(lines[0]) + 1
        end = int(head.get("data_start", 0))
        if size < end:
            raise UsageError(Errors.E008.format(path=self.path))
        for line in lines[1:-1]:  # the last piece has no newline: half-written or empty
            try:
                row = _Done(**json.loads(line))
            except (ValueError, TypeError):
                break
            if row.start != end or row.end > size:
                break
            self.rows.append(row)
            end = row.end
            good += len(line) + 1
        self.data_start = int(head.get("data_start", 0))
        with open(self.state, "r+b") as fh:
            fh.truncate(good)
        with open(self.path, "r+b") as fh:
            fh.truncate(end)
        self.offset = end
        self.done = Counter((r.id, r.sha256) for r in self.rows)
        self.fh = open(self.path, "ab")  # noqa: SIM115
        self.state_fh = open(self.state, "ab")  # noqa: SIM115

    def drop_stale(self, current: dict[str, Counter[str]]) -> int:
        """Remove the claims of articles whose file changed since they were written.

        ``current`` maps each article id in the input to the sha256 hashes its files have
        now; a finished row of such an id with another hash is stale. Returns how many.
        """
        stale = [r for r in self.rows if r.id in current and current[r.id][r.sha256] == 0]
        if not stale or self.state_fh is None:
            return 0
        assert self.path is not None
        self.fh.close()
        self.state_fh.close()
        keep = [r for r in self.rows if r not in stale]
        tmp = self.path.with_name(self.path.name + ".tmp")
        new_rows = []
        with open(self.path, "rb") as src, open(tmp, "wb") as dst:
            dst.write(src.read(self.data_start))
            pos = self.data_start
            for r in keep:
                src.seek(r.start)
                dst.write(src.read(r.end - r.start))
                new_rows.append(_Done(r.id, r.path, r.sha256, r.claims, pos, pos + r.end - r.start))
                pos += r.end - r.start
        head = self.state.read_bytes().split(b"\n", 1)[0]
        with open(self.state, "wb") as fh:
            fh.write(head + b"\n")
            for r in new_rows:
                fh.write((json.dumps(asdict(r)) + "\n").encode())
        tmp.replace(self.path)
        self.rows = new_rows
        self.offset = new_rows[-1].end if new_rows else self.data_start
        self.done = Counter((r.id, r.sha256) for r in self.rows)
        self.fh = open(self.path, "ab")  # noqa: SIM115
        self.state_fh = open(self.state, "ab")  # noqa: SIM115
        self.writer.stream = self.fh
        return len(stale)

    def take_done(self, article_id: str, sha256: str) -> bool:
        """True (once per finished copy) when this article is already in the output."""
        key = (article_id, sha256)
        if self.done[key] > 0:
            self.done[key] -= 1
            return True
        return False

    def write(self, res: ArticleResult) -> None:
        """Write one article's claims, then remember it as finished."""
        start = self.offset
        self.offset += self.writer.write(res.claims or [])
        if self.state_fh is not None:
            row = _Done(res.id, res.path, res.sha256, len(res.claims or []), start, self.offset)
            self.state_fh.write((json.dumps(asdict(row)) + "\n").encode())
            self.state_fh.flush()

    def close(self) -> None:
        """Flush everything; a file output and its state are synced to disk and closed."""
        self.writer.close()
        if self.path is None:
            return
        for fh in (self.fh, self.state_fh):
            if fh is not None and not fh.closed:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()


class _ParquetOutput:
    """Parquet output through :class:`formats.ParquetWriter` (not resumable)."""

    def __init__(self, path: Path | None, *, resume: bool, force: bool) -> None:
        from misconduct_nlp.formats import ParquetWriter

        if path is None:
            raise UsageError(Errors.E010)
        if resume:
            raise UsageError(Errors.E011)
        if path.exists() and not force:
            raise UsageError(Errors.E002.format(path=path))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.writer = ParquetWriter(path)

    def take_done(self, article_id: str, sha256: str) -> bool:
        return False

    def drop_stale(self, current: dict[str, Counter[str]]) -> int:
        return 0

    def write(self, res: ArticleResult) -> None:
        self.writer.write(res.claims or [])

    def close(self) -> None:
        self.writer.close()


def file_sha256(path: str | Path) -> str:
    """The sha256 of a file's bytes ('' when it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


# --------------------------------------------------------------------------- the run


@dataclass
class BatchSummary:
    """What a run did: articles read (extracted), skipped (already done), failed; claims; time.

    ``warnings`` are the messages of the run's warnings (they do not change the exit status);
    ``found`` is how many articles the paths held (``None`` before planning).
    """

    read: int = 0
    skipped: int = 0
    failed: int = 0
    claims: int = 0
    words: int = 0
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    interrupted: bool = False
    warnings: list[str] = field(default_factory=list)
    found: int | None = None
    output_error: str | None = None  # why the output could not be written; the run stopped there

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds > 0 else 0.0

    @property
    def exit_status(self) -> int:
        if self.output_error:
            return EXIT_OUTPUT
        if self.interrupted:
            return EXIT_INTERRUPTED
        return EXIT_FAILED if self.failed or self.found == 0 else EXIT_OK

    def line(self) -> str:
        n = len(self.warnings)
        return (f"{self.read} articles read, {self.skipped} skipped, {self.failed} failed, "
                f"{n} warning{'' if n == 1 else 's'}, "
                f"{self.claims} claims written in {self.seconds:.1f} s "
                f"({self.words_per_second:,.0f} words/s)")


class _Reporter:
    """Failures to stderr (one line each, above the progress bar) and to the --errors log."""

    def __init__(self, options: BatchOptions, stderr: IO[str], bar: Any = None) -> None:
        self.stderr = stderr
        self.bar = bar
        self.log = None
        if options.errors:
            options.errors.parent.mkdir(parents=True, exist_ok=True)
            self.log = open(options.errors, "w", encoding="utf-8")  # noqa: SIM115

    def say(self, text: str) -> None:
        if self.bar is not None and not self.bar.disable:
            self.bar.write(text, file=self.stderr)
        else:
            print(text, file=self.stderr, flush=True)

    def warning(self, message: str) -> None:
        self.say(f"misconduct-nlp: warning: {message}")

    def failure(self, f: Failure) -> None:
        path = printable(f.path)
        self.say(f"misconduct-nlp: {path}: {f.reason}")
        if self.log is not None:
            self.log.write(json.dumps({"path": path, "article": f.article, "reason": printable(f.reason)},
                                      ensure_ascii=False) + "\n")
            self.log.flush()

    def close(self) -> None:
        if self.log is not None:
            self.log.close()


def run_batch(paths: Sequence[str | Path], options: BatchOptions | None = None, *,
              stderr: IO[str] | None = None, stdout: IO[bytes] | None = None) -> BatchSummary:
    """Extract claims from every article under ``paths`` and write them as ``options`` say.

    Raises :class:`UsageError` before doing anything when the output cannot be used.
    Returns the summary; failures and warnings are reported (and counted), not raised. When
    the paths hold no article at all, the exit status is 1.
    """
    options = options or BatchOptions()
    stderr = stderr or sys.stderr
    t0 = time.perf_counter()
    fmt = options.format or format_for_path(options.output)
    workers = options.workers if options.workers > 0 else default_workers()
    if options.partitioned:
        from misconduct_nlp.dask import run_partitioned

        return run_partitioned(paths, options, stderr=stderr)

    tasks, path_failures, notes = plan_and_warnings(paths, options.published,
                                                    follow_links=options.follow_links)
    check_resources(options.worker_config())  # a bad alias is a usage error, before any output
    lock = _lock_output(options.output)  # before the output is opened, truncated or repaired
    try:
        if fmt == "parquet":
            out: BatchOutput | _ParquetOutput = _ParquetOutput(options.output, resume=options.resume,
                                                               force=options.force)
        else:
            out = BatchOutput(options.output, fmt, resume=options.resume, force=options.force,
                              stdout=stdout, csv_raw=options.csv_raw)
    except BaseException as e:
        if lock is not None:
            lock.release()
        if isinstance(e, OSError):  # a read-only folder, a full disk, no permission
            raise UsageError(Errors.E015.format(path=options.output or "standard output",
                                                reason=e.strerror or e)) from None
        raise
    summary = BatchSummary(found=len(tasks))
    bar = _progress_bar(paths, len(tasks), options, stderr)
    report = _Reporter(options, stderr, bar)
    previous = _sigterm_as_interrupt()
    results: Iterator[ArticleResult] | None = None
    try:
        for message in notes:
            summary.warnings.append(message)
            report.warning(message)
        for f in path_failures:
            summary.failed += 1
            summary.failures.append(f)
            report.failure(f)
        todo = _skip_done(tasks, out, summary)
        if bar is not None:
            bar.update(summary.skipped)
        chunks = make_chunks(todo, workers)
        n_workers = min(workers, len(chunks))
        if sum(t.size for t in todo) < options.min_parallel_bytes:
            n_workers = 1
        if options.engine == "dask":
            from misconduct_nlp.dask import dask_results

            results = dask_results(chunks, options.worker_config(), workers=workers,
                                   scheduler=options.scheduler)
        else:
            results = local_results(chunks, options.worker_config(), n_workers)
        for res in results:
            if res.error is not None and code_of(res.error) == PIPELINE_FAILURE:
                summary.failed += 1  # nothing else can work: stop, keep what is written
                summary.failures.append(Failure(res.path, res.error, res.id))
                report.say(f"misconduct-nlp: {res.error}; stopping")
                break
            if res.error is None:
                try:
                    out.write(res)  # encodes everything before writing anything
                except (UnicodeError, ValueError, TypeError) as e:
                    res.error = Errors.E207.format(error=_describe(e))
                except OSError as e:  # nothing more can be written: stop, keep what is
                    summary.output_error = e.strerror or str(e)
                    break
            if res.error is not None:
                f = Failure(res.path, res.error, res.id)
                summary.failed += 1
                summary.failures.append(f)
                report.failure(f)
            else:
                summary.read += 1
                summary.claims += len(res.claims or [])
                summary.words += res.words
            if bar is not None:
                bar.update(1)
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        if results is not None and hasattr(results, "close"):
            results.close()  # stops the workers
        _restore_sigterm(previous)
        if bar is not None:
            bar.close()
        try:
            out.close()
        except OSError as e:
            summary.output_error = summary.output_error or e.strerror or str(e)
        finally:
            if lock is not None:
                lock.release()
        report.close()
    summary.seconds = time.perf_counter() - t0
    resumable = options.output is not None and fmt != "parquet"
    if summary.output_error:
        if options.output is None and stdout is None:
            _quiet_closed_stdout()
        hint = " (make room, then run again with --resume to continue)" if resumable else ""
        print(f"misconduct-nlp: cannot write {options.output or 'standard output'}: "
              f"{summary.output_error}; stopped after {summary.read} articles{hint}", file=stderr)
    elif summary.interrupted:
        hint = " (run again with --resume to continue)" if resumable else ""
        print(f"misconduct-nlp: interrupted after {summary.read} articles{hint}", file=stderr)
    elif not options.quiet:
        print(f"misconduct-nlp: {summary.line()}", file=stderr, flush=True)
    return summary


def _quiet_closed_stdout() -> None:
    """After standard output failed (a closed pipe), point it at /dev/null so that Python's
    own flush at exit does not print a second traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests), or no fd
        pass


def _lock_output(output: Path | None) -> Any:
    """The lock of a file output (``lock.OutputLock``), or ``None`` for standard output.

    Raises :class:`UsageError` when another run holds it.
    """
    if output is None:
        return None
    from misconduct_nlp.lock import OutputLock

    return OutputLock.acquire(output)


def _skip_done(tasks: list[Task], out: BatchOutput | _ParquetOutput, summary: BatchSummary) -> list[Task]:
    """The tasks still to do: those whose (id, content hash) is not finished in the output."""
    if not isinstance(out, BatchOutput) or not out.rows:
        return tasks
    known = {r.id for r in out.rows}
    hashes = {t.index: file_sha256(t.path) for t in tasks if t.id in known}
    current: dict[str, Counter[str]] = {}
    for t in tasks:
        if t.index in hashes:
            current.setdefault(t.id, Counter())[hashes[t.index]] += 1
    out.drop_stale(current)
    todo = []
    for t in tasks:
        sha = hashes.get(t.index)
        if sha and out.take_done(t.id, sha):
            summary.skipped += 1
        else:
            todo.append(t)
    return todo


def _progress_bar(paths: Sequence[str | Path], total: int, options: BatchOptions, stderr: IO[str]) -> Any:
    show = options.progress
    if show is None:
        show = (not options.quiet and any(Path(p).is_dir() for p in paths)
                and hasattr(stderr, "isatty") and stderr.isatty())
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="article", file=stderr, dynamic_ncols=True, smoothing=0.1)


def _sigterm_as_interrupt() -> Any:
    """Make SIGTERM stop the run like Ctrl-C (output flushed, state kept); the old handler."""
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return signal.getsignal(signal.SIGTERM)


def _restore_sigterm(previous: Any) -> None:
    try:
        signal.signal(signal.SIGTERM, previous)
    except (ValueError, TypeError):
        pass
