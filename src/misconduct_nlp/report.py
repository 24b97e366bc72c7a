"""``misconduct-nlp report``: one self-contained HTML page to review claims by eye.

The page lists every article with each claim highlighted in its sentence, and a sortable
table of all claims with filters by force and measure. It fetches nothing: the stylesheet
and script are inlined, and a Content-Security-Policy allows only that one script (by its
hash), so text taken from an article — escaped everywhere — could not run even if it
slipped through.

Heavy imports (spaCy, the pipeline) happen inside :func:`run`, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .batch import MIN_CONFIDENCE, add_resource_arguments, iso_date
from .errors import ClaimsFileError, Errors, PackageDataError
from .io import printable
from .model import Published
from .render import Placed, claim_label, claim_record, force_name, highlight, period_text, place

__all__ = ["CHECK_BELOW", "ReportItem", "add_arguments", "build_report", "run", "write_report"]

#: "Check these first" shows the claims whose probability is below this (and those without one).
CHECK_BELOW = 0.9


@dataclass
class ReportItem:
    """One article of the report: its id, text (``None`` when only claims are known) and claims."""

    id: str
    text: str | None
    claims: list[dict[str, Any]] = field(default_factory=list)
    published: str | None = None
    source: str | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``misconduct-nlp report``."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="article files (.txt, .md, .html) or folders, searched recursively")
    parser.add_argument("-o", "--output", default="report.html", metavar="FILE",
                        help="where to write the HTML page ('-' for standard output; default: %(default)s)")
    parser.add_argument("--claims", metavar="JSONL",
                        help="review the claims in this file (the output of 'misconduct-nlp extract') "
                             "instead of extracting them again")
    parser.add_argument("--published", type=iso_date, metavar="YYYY-MM-DD",
                        help="publication date for articles that no manifest.jsonl lists")
    add_resource_arguments(parser)
    parser.add_argument("--min-confidence", type=MIN_CONFIDENCE, default=0.0, metavar="X",
                        help="leave out claims whose confidence is below X, from 0 to 1 "
                             "(default: %(default)s)")
    parser.add_argument("--title", default="Police misconduct claims: review",
                        help="page title (default: %(default)r)")
    parser.add_argument("--no-text", action="store_true",
                        help="show only the claimed sentences of each article, not its full text")
    parser.add_argument("--follow-links", action="store_true",
                        help="read symlinks that lead outside the folders given (skipped by default)")


# --------------------------------------------------------------------------- building the page


@cache
def _asset(name: str) -> str:
    return resources.files("misconduct_nlp").joinpath("templates", name).read_text(encoding="utf-8")


def _esc(value: Any) -> str:
    return html.escape("" if value is None else printable(str(value)), quote=True)


def _script() -> str:
    # "</" must not appear inside an inline script; the asset is ours, but check anyway.
    js = _asset("report.js")
    if "</" in js:
        raise PackageDataError(Errors.E302)
    return js


def _csp(script: str) -> str:
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


def _value_cell(rec: Mapping[str, Any]) -> str:
    value = rec.get("value")
    key = value if isinstance(value, (int, float)) else ""
    return f'<td class="num" data-sort="{_esc(key)}">{_esc(claim_label(rec).split(" · ")[0])}</td>'


def _how(source: Any, rule: Any, default: str) -> str:
    """The hover text saying how an attribute was decided ("from the article's frame: headline_force")."""
    where = {"frame": "from the article's frame", "previous_claim": "from the figure it is part of",
             "sentence": "named in the sentence", "clause": "named in the figure's clause",
             "list_item": "named in the list item"}.get(str(source), default)
    return f"{where}: rule {rule}" if rule else where


def _force_cell(rec: Mapping[str, Any]) -> str:
    force = rec.get("force")
    name = force_name(rec)
    inherited = isinstance(force, Mapping) and force.get("inherited")
    cls = ""
    if isinstance(force, Mapping) and (inherited or force.get("rule")):
        how = _how(force.get("source"), force.get("rule"), "from the headline or an earlier sentence")
        cls = f' class="inherited" title="{_esc(how)}"' if inherited else f' title="{_esc(how)}"'
    if not force and rec.get("region"):
        how = _how(rec.get("region_source"), rec.get("region_rule"),
                   "region of a national or multi-force figure")
        cls = f' class="inherited" title="{_esc(how)}"'
    return f"<td{cls}>{_esc(name)}</td>"


def _period_cell(rec: Mapping[str, Any]) -> str:
    period = rec.get("period")
    start = period.get("start") if isinstance(period, Mapping) else None
    words = period.get("text") if isinstance(period, Mapping) else None
    inherited = isinstance(period, Mapping) and period.get("inherited")
    cls = " inherited" if inherited else ""
    rule = period.get("rule") if isinstance(period, Mapping) else None
    how = f"{words} ({_how(period.get('source'), rule, 'inherited')})" if words and rule else words
    title = f' title="{_esc(how)}"' if how else ""
    return f'<td class="period{cls}"{title} data-sort="{_esc(start or "")}">{_esc(period_text(rec))}</td>'


def frame_summary(records: Sequence[Mapping[str, Any]]) -> str:
    """The article's frame as its claims record it: the force or area and the period that
    figures with none of their own took, and the rules that set them ("" when none did)."""
    parts = []
    for rec in records:
        force = rec.get("force")
        if isinstance(force, Mapping) and force.get("source") == "frame":
            parts.append(f"force {force.get('name') or force.get('id')} ({force.get('rule')})")
            break
        if not force and rec.get("region") and rec.get("region_source") == "frame":
            parts.append(f"national: {rec.get('region')} ({rec.get('region_rule')})")
            break
    for rec in records:
        period = rec.get("period")
        if isinstance(period, Mapping) and period.get("source") == "frame":
            parts.append(f"period {period.get('start')} to {period.get('end')} from "
                         f"\u201c{period.get('text')}\u201d ({period.get('rule')})")
            break
    return " · ".join(parts)


def _row(rec: Mapping[str, Any], doc_index: int, sentence_html: str, claim_id: str | None) -> str:
    force = rec.get("force")
    force_id = force.get("id") if isinstance(force, Mapping) else (force or "")
    conf = rec.get("confidence")
    prob = rec.get("probability")
    prob_key = "" if prob is None else f"{float(prob):.3f}"
    article = rec.get("article") or ""
    name = _esc(article).replace("_", "_<wbr>").replace("-", "-<wbr>")  # break long ids at joins
    link = f'<a href="#{claim_id}">{name}</a>' if claim_id else name
    attrs = (f'data-article="a{doc_index}" data-force="{_esc(force_id)}" '
             f'data-force-name="{_esc(force_name(rec) if force_id else "")}" '
             f'data-measure="{_esc(rec.get("measure") or "")}" data-probability="{prob_key}"')
    return (
        f'<tr {attrs}><td class="article">{link}</td>{_value_cell(rec)}'
        f"<td>{_esc(rec.get('measure'))}</td><td>{_esc(rec.get('subject'))}</td>"
        f"{_force_cell(rec)}{_period_cell(rec)}"
        f'<td class="num" data-sort="{_esc(conf if conf is not None else "")}">{_esc(conf)}</td>'
        f'<td class="num prob" data-sort="{prob_key}">{"" if prob is None else f"{float(prob):.2f}"}</td>'
        f'<td class="sentence">{sentence_html}</td></tr>'
    )


def _sentences_only(text: str, placed: list[Placed], ids: Mapping[int, str]) -> str:
    """The claimed sentences of an article, in order, with '…' between them."""
    blocks: list[tuple[int, int]] = []
    for p in sorted(placed, key=lambda p: p.sent):
        if blocks and p.sent[0] <= blocks[-1][1]:
            blocks[-1] = (blocks[-1][0], max(blocks[-1][1], p.sent[1]))
        else:
            blocks.append(p.sent)
    gap = '<span class="gap"> … </span>'
    return gap.join(highlight(text, placed, start=a, end=b, inline=False, ids=ids) for a, b in blocks)


def build_report(
    items: Iterable[ReportItem],
    *,
    title: str = "Police misconduct claims: review",
    errors: Sequence[tuple[str, str]] = (),
    full_text: bool = True,
) -> str:
    """The review page as one HTML string.

    ``items`` are the articles with their claim records; ``errors`` are ``(path, reason)``
    pairs of files that could not be read, listed at the end of the page. Every string that
    comes from an article or a claim is escaped.
    """
    rows: list[str] = []
    docs: list[str] = []
    n_claims = n_docs = 0
    for d, item in enumerate(items):
        n_docs += 1
        records = [claim_record(c) for c in item.claims]
        n_claims += len(records)
        text = item.text or ""
        placed, lost = place(text, records) if item.text is not None else ([], records)
        ids = {i: f"c{d}-{i}" for i in range(len(placed))}
        for i, p in enumerate(placed):
            a, b = p.sent
            sentence = highlight(text, [p], start=a, end=b, labels=False, inline=False)
            rows.append(_row(p.record, d, sentence, ids[i]))
        for rec in lost:
            sent = rec.get("sentence")
            words = sent.get("text") if isinstance(sent, Mapping) else sent
            rows.append(_row(rec, d, f'<span class="lost">{_esc(words)}</span>', None))
        meta = [f"{len(records)} claim{'s' if len(records) != 1 else ''}"]
        if item.published:
            meta.append(f"published {_esc(item.published)}")
        if item.source:
            meta.append(_esc(item.source))
        if item.text is None:
            body = '<p class="lost">The article text was not given; its claims are in the table.</p>'
        elif full_text or not placed:
            body = f'<div class="text">{highlight(text, placed, inline=False, ids=ids)}</div>'
        else:
            body = f'<div class="text">{_sentences_only(text, placed, ids)}</div>'
        if lost and item.text is not None:
            body += (f'<p class="lost">{len(lost)} claim(s) could not be found in this text '
                     "(their sentence or number differs); they are listed in the table.</p>")
        frame = frame_summary(records)
        frame_html = f'<p class="frame">Frame: {_esc(frame)}</p>' if frame else ""
        docs.append(f'<article class="doc" id="a{d}"><h3>{_esc(item.id)}</h3>'
                    f'<p class="meta">{" · ".join(meta)}</p>{frame_html}{body}</article>')
    script = _script()
    error_html = ""
    if errors:
        lis = "".join(f"<li>{_esc(path)}: {_esc(reason)}</li>" for path, reason in errors)
        error_html = (f'<section id="skipped"><h2>Skipped files ({len(errors)})</h2>'
                      f'<ul class="errors">{lis}</ul></section>')
    summary = f"{n_claims} claims in {n_docs} articles"
    if errors:
        summary += f"; {len(errors)} file(s) skipped"
    head = ("<tr><th data-key=\"article\">Article</th><th data-key=\"value\" data-type=\"num\">Value</th>"
            "<th data-key=\"measure\">Measure</th><th data-key=\"subject\">Subject</th>"
            "<th data-key=\"force\">Force</th><th data-key=\"period\">Period</th>"
            "<th data-key=\"confidence\" data-type=\"num\">Confidence</th>"
            "<th data-key=\"probability\" data-type=\"num\" title=\"estimated probability that the claim is "
            "right as a whole\">Probability</th><th>Sentence</th></tr>")
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_csp(script)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="misconduct-nlp">
<title>{_esc(title)}</title>
<style>
{_asset("report.css")}</style>
</head>
<body>
<header>
<h1>{_esc(title)}</h1>
<p class="muted" id="summary">{summary}. Highlighted: <mark class="mn-sent">the sentence</mark> of each claim,
<mark class="mn-num">its number</mark> and <span class="mn-label">what was extracted</span>;
grey italics mark a force or period taken from the headline or an earlier sentence.</p>
</header>
<nav class="filters" aria-label="Filters">
<label>Force <select id="f-force"><option value="">All forces</option></select></label>
<label>Measure <select id="f-measure"><option value="">All measures</option></select></label>
<label>Search <input id="f-text" type="search" placeholder="words in any column"></label>
<label title="only claims whose probability of being right is below {CHECK_BELOW}, least likely first">
<input id="f-check" type="checkbox" data-below="{CHECK_BELOW}"> Check these first</label>
<span id="shown">{n_claims} claims</span>
</nav>
<main>
<section id="claims">
<h2>All claims</h2>
<table id="claims-table">
<thead>{head}</thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>
<section id="articles">
<h2>Articles</h2>
{chr(10).join(docs)}
</section>
{error_html}
</main>
<script>{script}</script>
</body>
</html>
"""


def write_report(items: Iterable[ReportItem], output: str | Path, **options: Any) -> Path:
    """Build the page (see :func:`build_report`) and write it to ``output``; returns the path.

    The page is built and encoded in full first, then written beside ``output`` and renamed
    over it, so a failure never leaves an empty or half-written page.
    """
    out = Path(output)
    data = build_report(items, **options).encode("utf-8", "backslashreplace")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return out


# --------------------------------------------------------------------------- reading articles


def _read_claims(path: str) -> dict[str, list[dict[str, Any]]]:
    by_article: dict[str, list[dict[str, Any]]] = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as e:
                raise ClaimsFileError(Errors.E301.format(path=path, line=n, reason=e.msg)) from e
            if isinstance(rec, dict) and "error" not in rec:
                by_article.setdefault(str(rec.get("article")), []).append(rec)
    return by_article


def _published_of(records: list[dict[str, Any]], fallback: Published | None) -> str | None:
    """The publication date shown for an article: the one its claims used, else the planned one."""
    for rec in records:
        pub = rec.get("published")
        if isinstance(pub, Mapping) and pub.get("date"):
            return f"{pub['date']} ({pub.get('source') or 'unknown source'})"
    return f"{fallback.date.isoformat()} ({fallback.source})" if fallback else None


def run(args: argparse.Namespace) -> int:
    """Run ``misconduct-nlp report``: find and read articles, extract (or load) claims, write the page.

    Articles are found and dated as ``misconduct-nlp extract`` does (:func:`misconduct_nlp.batch.plan`).
    """
    from .batch import load_pipeline, plan_and_warnings
    from .errors import UsageError
    from .io import ArticleError, read_article

    default_pub = args.published
    if isinstance(default_pub, str):  # a Namespace built by hand
        default_pub = date.fromisoformat(default_pub)
    tasks, failures, notes = plan_and_warnings(args.paths, default_pub,
                                               follow_links=getattr(args, "follow_links", False))
    for message in notes:
        print(f"misconduct-nlp report: warning: {message}", file=sys.stderr)
    errors = [(printable(f.path), f.reason) for f in failures]
    try:
        given = _read_claims(args.claims) if args.claims else None
    except ClaimsFileError as e:
        print(f"misconduct-nlp report: {e}", file=sys.stderr)
        return 1
    nlp = None
    if given is None and tasks:  # a bad --lexicon or --aliases is a usage error before any work
        try:
            nlp = load_pipeline(getattr(args, "model", None), pipeline=getattr(args, "pipeline", None),
                                lexicons=getattr(args, "lexicon", None) or (),
                                aliases=getattr(args, "aliases", None) or ())
        except UsageError as e:
            print(f"misconduct-nlp report: {e}", file=sys.stderr)
            return 2
    items: list[ReportItem] = []
    for task in tasks:
        try:
            article = read_article(task.path)
        except ArticleError as e:
            errors.append((printable(task.path), str(e)))
            continue
        if given is not None:
            claims = given.pop(article.id, [])
        else:
            from .extraction import extract

            found = extract(article.text, published=task.published, article_id=article.id, nlp=nlp)
            claims = [c.to_dict() for c in found]
        claims = [c for c in claims if (c.get("confidence") or 0) >= args.min_confidence]
        pub = _published_of(claims, task.published)
        items.append(ReportItem(article.id, article.text, claims, pub, printable(task.path)))
    for article_id, claims in sorted((given or {}).items()):
        claims = [c for c in claims if (c.get("confidence") or 0) >= args.min_confidence]
        items.append(ReportItem(article_id, None, claims, _published_of(claims, None)))
    if not items:
        for path, reason in errors:
            print(f"misconduct-nlp report: {path}: {reason}", file=sys.stderr)
        print(f"misconduct-nlp report: {Errors.E304}", file=sys.stderr)
        return 1
    options = {"title": args.title, "errors": errors, "full_text": not args.no_text}
    if args.output == "-":
        page = build_report(items, **options)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(page)
        else:
            sys.stdout.flush()
            buffer.write(page.encode("utf-8", "backslashreplace"))
            buffer.flush()
    else:
        write_report(items, args.output, **options)
    n_claims = sum(len(i.claims) for i in items)
    for path, reason in errors:
        print(f"misconduct-nlp report: skipped {path}: {reason}", file=sys.stderr)
    where = "standard output" if args.output == "-" else args.output
    print(f"wrote {where}: {n_claims} claims in {len(items)} articles"
          + (f", {len(errors)} skipped" if errors else "")
          + (f", {len(notes)} warning{'' if len(notes) == 1 else 's'}" if notes else ""), file=sys.stderr)
    return 0
