"""Claims for the commands that work on claims rather than write them (``ledger``, ``evaluate``).

A path ending in ``.jsonl`` is read as claims (the output of ``misconduct-nlp extract``);
any other file or folder is extracted as ``extract`` does it, through the batch machinery
of :mod:`misconduct_nlp.batch` (the same discovery, manifest dates, workers and error
handling), with the claims kept in memory instead of written to a file.

Only the standard library is imported at module level.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

__all__ = ["Gathered", "add_extraction_arguments", "extraction_options", "gather_claims"]


@dataclass
class Gathered:
    """The claims found under some paths, and the paths or articles that failed (path, reason)."""

    claims: list[dict[str, Any]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    articles: int = 0


def add_extraction_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that say how articles are extracted: ``--published``, ``-j``, and the
    pipeline with the user's additions (``--model``, ``--pipeline``, ``--lexicon``,
    ``--aliases``: :func:`misconduct_nlp.batch.add_resource_arguments`)."""
    from .batch import WORKERS, add_resource_arguments, iso_date

    parser.add_argument("--published", type=iso_date, metavar="YYYY-MM-DD",
                        help="publication date for articles the manifest.jsonl does not date")
    parser.add_argument("-j", "--workers", type=WORKERS, default=0, metavar="N",
                        help="worker processes for extraction (default: all cores)")
    add_resource_arguments(parser)


def extraction_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`gather_claims` given by the options of
    :func:`add_extraction_arguments` (missing ones take their defaults)."""
    return {
        "published": getattr(args, "published", None),
        "workers": getattr(args, "workers", 0),
        "model": getattr(args, "model", None),
        "pipeline": getattr(args, "pipeline", None),
        "lexicons": tuple(getattr(args, "lexicon", None) or ()),
        "aliases": tuple(getattr(args, "aliases", None) or ()),
    }


def _is_claims_file(path: str | Path) -> bool:
    p = Path(path)
    return p.suffix.lower() == ".jsonl" and p.is_file()


def gather_claims(paths: Sequence[str | Path], *, published: date | None = None, workers: int = 0,
                  model: str | None = None, extractor: str | None = None,
                  loader: str | None = None, pipeline: str | None = None,
                  lexicons: Sequence[str] = (), aliases: Sequence[str] = ()) -> Gathered:
    """Claims (as JSON records) for ``paths``: ``.jsonl`` files read, articles extracted.

    Articles are found, dated and extracted by :func:`misconduct_nlp.batch.plan` and
    :func:`misconduct_nlp.batch.local_results`, in sorted order of their ids, on up to
    ``workers`` processes (0: all cores; one for small inputs, as ``extract`` decides).
    A claims file that is not JSONL raises ``ValueError`` naming the line; a file that
    cannot be read or extracted is listed in ``failures`` and the others go on.
    ``extractor`` and ``loader`` are ``module:function`` names (defaults: the package's own).
    ``pipeline``, ``lexicons`` and ``aliases`` are ``--pipeline``, ``--lexicon`` and
    ``--aliases`` of ``extract``; a bad one raises :class:`~misconduct_nlp.errors.UsageError`
    before anything is extracted.
    """
    from .batch import (
        DEFAULT_EXTRACTOR,
        DEFAULT_LOADER,
        MIN_PARALLEL_BYTES,
        WorkerConfig,
        check_resources,
        default_workers,
        local_results,
        make_chunks,
        pipeline_model,
        plan,
        read_resources,
    )
    from .formats import read_claims

    model = pipeline_model(model, pipeline)
    resources = read_resources(lexicons, aliases)
    out = Gathered()
    article_paths = []
    for p in paths:
        if _is_claims_file(p):
            records = [r for r in read_claims(p) if isinstance(r, dict) and "error" not in r]
            out.claims.extend(records)
            out.articles += len({str(r.get("article")) for r in records})
        else:
            article_paths.append(p)
    if not article_paths:
        return out
    tasks, failures = plan(article_paths, published)
    out.failures.extend((f.path, f.reason) for f in failures)
    n = workers if workers > 0 else default_workers()
    chunks = make_chunks(tasks, n)
    if sum(t.size for t in tasks) < MIN_PARALLEL_BYTES:
        n = 1
    config = WorkerConfig(model=model, extractor=extractor or DEFAULT_EXTRACTOR,
                          loader=loader or DEFAULT_LOADER, resources=resources)
    check_resources(config)
    for res in local_results(chunks, config, min(n, max(1, len(chunks)))):
        if res.error is not None:
            out.failures.append((res.path, res.error))
        else:
            out.claims.extend(res.claims or [])
            out.articles += 1
    return out
