"""Claims extraction on a Dask cluster (the ``dask`` extra).

The same extraction as the local engine (:func:`misconduct_nlp.batch.process_chunk`, one
pipeline per worker process, loaded on first use), scheduled by Dask:

* :func:`extract_bag` / :func:`article_bag` — lazy ``dask.bag`` of claim records (or of
  per-article results, failures included), in sorted article order, for your own pipelines::

      from misconduct_nlp.dask import extract_bag
      bag = extract_bag(["archive/"])
      bag.map(json.dumps).to_textfiles("claims/part-*.jsonl")

* ``misconduct-nlp extract ... --engine dask [--scheduler ADDRESS]`` — results gathered by the
  client and written like the local engine (one file, sorted, resumable), through
  :func:`dask_results`; with ``-o FOLDER/`` each partition is written by its worker as
  ``FOLDER/part-NNNNN.jsonl`` (:func:`write_partitioned`), which needs a folder every worker sees.

Without ``--scheduler`` a ``LocalCluster`` of ``--workers`` single-threaded processes is started.
This module is named like the library it uses: it imports ``dask`` absolutely, inside functions.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from misconduct_nlp.batch import (
    ArticleResult,
    BatchOptions,
    BatchSummary,
    Failure,
    Task,
    WorkerConfig,
    _failed,
    _Reporter,
    check_resources,
    default_workers,
    make_chunks,
    ordered_results,
    plan,
    plan_and_warnings,
    process_chunk,
)
from misconduct_nlp.errors import Errors, PathWarning, UsageError, Warnings
from misconduct_nlp.io import DEFAULT_MAX_BYTES

PART_ARTICLES = 2000
#: The file in a partitioned output folder that lists the files the engine wrote there; only
#: those are ever replaced or deleted (a user's ``part-of-my-thesis.docx`` is left alone).
PARTS_MANIFEST = "misconduct-nlp-parts.json"


@contextlib.contextmanager
def client_for(scheduler: str | None = None, workers: int = 0, *, processes: bool = True) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``scheduler``, or to a new ``LocalCluster`` of
    ``workers`` single-threaded workers (closed on exit)."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    n = workers if workers > 0 else default_workers()
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        yield client


def dask_results(chunks: Sequence[list[Task]], config: WorkerConfig, *, workers: int = 0,
                 scheduler: str | None = None, client: Any = None) -> Iterator[ArticleResult]:
    """Results of :func:`process_chunk` on a Dask cluster, in chunk order (as the local engine).

    A chunk whose task fails for good on the cluster (a worker killed repeatedly, say) gives
    a failure for each of its articles.
    """
    if client is None:
        with client_for(scheduler, workers) as own:
            yield from dask_results(chunks, config, client=own)
        return
    window = max(4, 3 * sum(client.nthreads().values()))

    def submit(chunk: list[Task]) -> Any:
        return client.submit(process_chunk, chunk, config, pure=False)

    def on_error(chunk: list[Task], exc: BaseException, pending: Any) -> list[ArticleResult]:
        return _failed(chunk, Errors.E205.format(error=f"{type(exc).__name__}: {exc}"))

    yield from ordered_results(chunks, submit, window, on_error)


def _tasks(paths: Iterable[str | Path], published: date | None) -> list[Task]:
    tasks, failures = plan(paths, published)
    for f in failures:
        warnings.warn(Warnings.W002.format(path=f.path, reason=f.reason), PathWarning, stacklevel=3)
    return tasks


def article_bag(paths: Iterable[str | Path], *, published: date | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, model: str | None = None,
                articles_per_partition: int = 256, config: WorkerConfig | None = None) -> Any:
    """A ``dask.bag`` of per-article results (dicts of :class:`ArticleResult`: ``id``, ``path``,
    ``sha256``, ``words``, ``claims`` or ``error``), in sorted article order.

    Paths that cannot be used (missing, symlink loops) are reported with ``warnings.warn``
    (:class:`~misconduct_nlp.errors.PathWarning`), as are folders with no articles
    and ``manifest.jsonl`` lines that cannot be used (:class:`~misconduct_nlp.errors.ManifestWarning`).
    """
    import dask.bag as db

    config = config or WorkerConfig(model=model, max_bytes=max_bytes)
    chunks = make_chunks(_tasks(paths, published))
    per_part = max(1, articles_per_partition // max(1, max((len(c) for c in chunks), default=1)))
    if not chunks:
        return db.from_sequence([], npartitions=1)
    bag = db.from_sequence(chunks, partition_size=per_part)
    return bag.map(process_chunk, config).flatten().map(asdict)


def _claims_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    return result["claims"] or []


def extract_bag(paths: Iterable[str | Path], *, published: date | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES, model: str | None = None,
                articles_per_partition: int = 256, config: WorkerConfig | None = None) -> Any:
    """A ``dask.bag`` of claim records (CLAIM_SCHEMA.md dicts) from the articles under ``paths``.

    Computing it gives the same claims, in the same order, as the batch command's local
    engine. Articles that fail are left out (see :func:`article_bag` for their reasons).
    """
    return article_bag(paths, published=published, max_bytes=max_bytes, model=model,
                       articles_per_partition=articles_per_partition, config=config
                       ).map(_claims_of).flatten()


@dataclass
class PartResult:
    """One written partition: its file and what went into it."""

    path: str
    read: int = 0
    claims: int = 0
    words: int = 0
    failures: list[Failure] = field(default_factory=list)


def write_part(part: tuple[int, list[Task]], folder: str, fmt: str, config: WorkerConfig) -> PartResult:
    """Extract one partition's articles and write them to ``folder/part-NNNNN.FMT`` (on a worker).

    Written under a ``.partial`` name and renamed when complete.
    """
    from misconduct_nlp.formats import ParquetWriter, make_writer

    number, tasks = part
    final = Path(folder) / f"part-{number:05d}.{fmt}"
    out = PartResult(str(final))
    results = (r for chunk in make_chunks(tasks) for r in process_chunk(chunk, config))
    if fmt == "parquet":
        pw = ParquetWriter(final)
        write = pw.write
    else:
        partial = final.with_name(final.name + ".partial")
        fh = open(partial, "wb")  # noqa: SIM115
        writer = make_writer(fmt, fh, csv_raw=config.csv_raw)
        writer.write_header()
        write = writer.write
    for res in results:
        if res.error is None:
            try:
                write(res.claims or [])  # encodes everything before writing anything
            except (UnicodeError, ValueError, TypeError) as e:
                res.error = Errors.E207.format(error=f"{type(e).__name__}: {e}")
        if res.error is not None:
            out.failures.append(Failure(res.path, res.error, res.id))
            continue
        out.read += 1
        out.claims += len(res.claims or [])
        out.words += res.words
    if fmt == "parquet":
        pw.close()
    else:
        fh.close()
        partial.replace(final)
    return out


def write_partitioned(paths: Iterable[str | Path], folder: str | Path, *, fmt: str = "jsonl",
                      published: date | None = None, config: WorkerConfig | None = None,
                      part_articles: int = PART_ARTICLES, client: Any = None,
                      tasks: list[Task] | None = None) -> Iterator[PartResult]:
    """Write the claims of the articles under ``paths`` as one file per partition in ``folder``.

    Partitions hold ``part_articles`` consecutive articles of the sorted list, so reading the
    parts in name order gives the local engine's order. Yields each part's result as it
    completes, in part order. Uses ``client`` or the current default Dask client.
    """
    from distributed import default_client

    config = config or WorkerConfig()
    if tasks is None:
        tasks = _tasks(paths, published)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = [(i // part_articles, tasks[i:i + part_articles]) for i in range(0, len(tasks), part_articles)]
    client = client or default_client()
    futures = client.map(write_part, parts, folder=str(folder), fmt=fmt, config=config, pure=False)
    for part, fut in zip(parts, futures, strict=True):
        try:
            yield fut.result()
        except Exception as e:  # noqa: BLE001
            reason = Errors.E205.format(error=f"{type(e).__name__}: {e}")
            yield PartResult("", failures=[Failure(t.path, reason, t.id) for t in part[1]])


def part_names(articles: int, fmt: str, part_articles: int = PART_ARTICLES) -> list[str]:
    """The file names :func:`write_partitioned` gives the partitions of ``articles`` articles."""
    return [f"part-{i:05d}.{fmt}" for i in range(-(-articles // part_articles))]


def written_parts(folder: Path) -> list[str]:
    """The files the engine recorded as its own in ``folder`` (its :data:`PARTS_MANIFEST`)."""
    try:
        data = json.loads((folder / PARTS_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return []
    # names only: a manifest cannot point the engine at a file outside the folder
    return [f for f in files if isinstance(f, str) and f and os.path.basename(f) == f
            and f not in (".", "..")]


def clear_parts(folder: Path, names: Sequence[str], *, force: bool) -> None:
    """Make ``folder`` ready for partitions named ``names``, and record them in its manifest.

    Only files the engine wrote before (listed in :data:`PARTS_MANIFEST`, with their
    ``.partial`` files) are deleted, and only with ``force`` (else :class:`UsageError` E013);
    any other file is left alone, and one whose name a partition would take is a
    :class:`UsageError` (E016), never overwritten. The new names are recorded before any
    part is written, so a run that dies half-way can still be cleared by the next.
    """
    own = written_parts(folder) if folder.is_dir() else []
    present = [n for n in own if (folder / n).exists() or (folder / f"{n}.partial").exists()]
    if present and not force:
        raise UsageError(Errors.E013.format(folder=folder))
    mine = set(own)
    for name in names:
        path = folder / name
        if name not in mine and (path.exists() or path.is_symlink()):
            raise UsageError(Errors.E016.format(path=path, manifest=folder / PARTS_MANIFEST))
    for name in own:
        for path in (folder / name, folder / f"{name}.partial"):
            if path.is_file() or path.is_symlink():
                path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    record = {"written_by": "misconduct-nlp", "files": list(names)}
    tmp = folder / f"{PARTS_MANIFEST}.tmp"
    tmp.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    tmp.replace(folder / PARTS_MANIFEST)


def run_partitioned(paths: Sequence[str | Path], options: BatchOptions, *,
                    stderr: IO[str]) -> BatchSummary:
    """``misconduct-nlp extract --engine dask -o FOLDER/``: partitioned output written by workers."""
    import time

    t0 = time.perf_counter()
    folder = options.output
    assert folder is not None
    fmt = options.format or "jsonl"
    if options.resume:
        raise UsageError(Errors.E012)
    check_resources(options.worker_config())
    tasks, path_failures, notes = plan_and_warnings(paths, options.published,
                                                    follow_links=options.follow_links)
    names = part_names(len(tasks), fmt)
    clear_parts(folder, names, force=options.force)
    summary = BatchSummary(found=len(tasks))
    report = _Reporter(options, stderr)
    try:
        for message in notes:
            summary.warnings.append(message)
            report.warning(message)
        for f in path_failures:
            summary.failed += 1
            summary.failures.append(f)
            report.failure(f)
        with client_for(options.scheduler, options.workers) as client:
            for part in write_partitioned(paths, folder, fmt=fmt, config=options.worker_config(),
                                          client=client, tasks=tasks):
                summary.read += part.read
                summary.claims += part.claims
                summary.words += part.words
                for f in part.failures:
                    summary.failed += 1
                    summary.failures.append(f)
                    report.failure(f)
    finally:
        report.close()
    summary.seconds = time.perf_counter() - t0
    if not options.quiet:
        print(f"misconduct-nlp: {summary.line()}", file=stderr, flush=True)
    return summary
