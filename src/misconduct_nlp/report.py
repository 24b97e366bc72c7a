"""``misconduct-nlp report``: one self-contained HTML page to review claims by eye.

The page lists every article with each claim highlighted in its sentence, a sortable
table of all claims with filters by force and measure, and a **Figures** view: the distinct
figures of :func:`misconduct_nlp.ledger` (mentions, outlets, conflicts) with per-force and
per-measure totals drawn as inline SVG bars. Each claim row can be marked correct, wrong or
corrected; the page's script keeps the marks in the browser's localStorage under the
report's id (a hash of its claims) and exports them as gold JSONL rows of
docs/evaluation.md (each row carries its ready-made gold row in ``data-gold``).

It fetches nothing: the stylesheet and script are inlined, and a Content-Security-Policy
allows only that one script (by its hash), so text taken from an article — escaped
everywhere — could not run even if it slipped through.

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

__all__ = ["CHECK_BELOW", "ReportItem", "add_arguments", "build_report", "figures_section", "gold_row",
           "report_id", "run", "write_report"]

#: "Check these first" shows the claims whose probability is below this (and those without one).
CHECK_BELOW = 0.9
#: A claim's sentence longer than this is quoted in its gold row as the words around its number.
QUOTE_CHARS = 160
#: Bars drawn in each totals chart; the rest are summed in one line under it.
CHART_BARS = 20


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


def _row(rec: Mapping[str, Any], doc_index: int, sentence_html: str, claim_id: str | None,
         row_id: str = "", gold: Mapping[str, Any] | None = None) -> str:
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
    if row_id:
        attrs += f' id="{_esc(row_id)}" data-claim="{_esc(row_id)}"'
    if gold is not None:
        attrs += f' data-gold="{_esc(json.dumps(gold, ensure_ascii=False))}"'
    return (
        f'<tr {attrs}><td class="mark"></td><td class="article">{link}</td>{_value_cell(rec)}'
        f"<td>{_esc(rec.get('measure'))}</td><td>{_esc(rec.get('subject'))}</td>"
        f"{_force_cell(rec)}{_period_cell(rec)}"
        f'<td class="num" data-sort="{_esc(conf if conf is not None else "")}">{_esc(conf)}</td>'
        f'<td class="num prob" data-sort="{prob_key}">{"" if prob is None else f"{float(prob):.2f}"}</td>'
        f'<td class="sentence">{sentence_html}</td></tr>'
    )


# --------------------------------------------------------------------------- marking: gold rows


def _quote(rec: Mapping[str, Any]) -> str:
    """Words of the claim's sentence, copied exactly, that locate it (docs/evaluation.md):
    the whole sentence, or for a long one the words around its number."""
    sent, span = rec.get("sentence"), rec.get("span")
    text = sent.get("text") if isinstance(sent, Mapping) else sent
    text = str(text or "")
    number = span.get("text") if isinstance(span, Mapping) else None
    if not text:
        return str(number or "")
    if len(text) <= QUOTE_CHARS or not number:
        return text
    at = -1
    if isinstance(sent, Mapping) and isinstance(span, Mapping):
        s0, n0 = sent.get("start"), span.get("start")
        if isinstance(s0, int) and isinstance(n0, int) and text[n0 - s0:n0 - s0 + len(number)] == number:
            at = n0 - s0
    if at < 0:
        at = text.find(str(number))
    if at < 0:
        return text
    margin = (QUOTE_CHARS - len(number)) // 2
    lo, hi = max(0, at - margin), min(len(text), at + len(number) + margin)
    while lo > 0 and not text[lo - 1].isspace():  # whole words only
        lo -= 1
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    return text[lo:hi].strip()


def _month(day: Any) -> str | None:
    return str(day)[:7] if day else None


def gold_row(rec: Mapping[str, Any], article: str | None = None) -> dict[str, Any]:
    """The gold row (docs/evaluation.md) that says this claim is right as extracted.

    This is what the review page exports for a claim marked *correct*; a *corrected* claim
    exports it with the reviewer's edits. ``article`` stands in for a record without one.
    """
    force = rec.get("force")
    force_id = (force.get("id") if isinstance(force, Mapping) else force) or None
    period = rec.get("period")
    when = None
    if isinstance(period, Mapping) and (period.get("start") or period.get("end")):
        when = {"start": _month(period.get("start")), "end": _month(period.get("end"))}
    value = rec.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {"article": rec.get("article") or article, "quote": _quote(rec), "value": value,
            "unit": rec.get("unit") or "count", "approx": rec.get("approx") or "exact",
            "measure": rec.get("measure"), "subject": rec.get("subject"), "force": force_id,
            "region": rec.get("region"), "period": when, "platforms": list(rec.get("platforms") or []),
            "rank": rec.get("rank"), "tier": "core", "skip": []}


def report_id(items: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> str:
    """A stable id of a report's content: a hash of its article ids and claim records, so the
    same claims give the same id (and find the marks saved for them) on every run."""
    data = json.dumps([[a, list(recs)] for a, recs in items], sort_keys=True, default=str, ensure_ascii=True)
    return "r" + hashlib.sha256(data.encode("utf-8", "backslashreplace")).hexdigest()[:16]


def _datalists() -> str:
    """The values the correction form offers: measures, subjects and force ids."""
    from .forces import registry
    from .model import MEASURES, SUBJECTS

    def options(pairs: Iterable[tuple[str, str]]) -> str:
        return "".join(f'<option value="{_esc(v)}">{_esc(label)}</option>' if label else
                       f'<option value="{_esc(v)}"></option>' for v, label in pairs)

    forces = sorted(registry().values(), key=lambda f: f.id)
    return (f'<datalist id="mn-measures">{options((m, "") for m in MEASURES)}</datalist>'
            f'<datalist id="mn-subjects">{options((s, "") for s in SUBJECTS)}</datalist>'
            f'<datalist id="mn-forces">{options((f.id, f.name) for f in forces)}</datalist>')


# --------------------------------------------------------------------------- the figures view


def _fmt_figure(f: Any) -> str:
    rec = {"value": f.value, "unit": f.unit, "approx": f.approx}
    text = claim_label(rec).split(" · ")[0]
    if f.value_max is not None:
        text += "–" + claim_label({"value": f.value_max, "unit": f.unit}).split(" · ")[0]
    return text


def _bars(title: str, rows: Sequence[tuple[str, int, int]]) -> str:
    """A small horizontal bar chart as inline SVG: per label, its mentions (light bar) and its
    distinct figures (dark bar over it)."""
    shown, rest = list(rows[:CHART_BARS]), rows[CHART_BARS:]
    bar_h, gap, label_w, width = 14, 6, 200, 520
    room = width - label_w - 80
    top = max((m for _, _, m in shown), default=1) or 1
    height = len(shown) * (bar_h + gap) + gap
    parts = [f'<svg class="bars" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_esc(title)}">']
    for k, (label, figures, mentions) in enumerate(shown):
        y = gap + k * (bar_h + gap)
        short = label if len(label) <= 30 else label[:29] + "…"
        w_m, w_f = room * mentions / top, room * figures / top
        parts.append(
            f'<g><title>{_esc(label)}: {figures} figure{"s" if figures != 1 else ""}, '
            f'{mentions} mention{"s" if mentions != 1 else ""}</title>'
            f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end">{_esc(short)}</text>'
            f'<rect class="mentions" x="{label_w}" y="{y}" width="{w_m:.1f}" height="{bar_h}"/>'
            f'<rect class="figures" x="{label_w}" y="{y}" width="{w_f:.1f}" height="{bar_h}"/>'
            f'<text x="{label_w + w_m + 4:.1f}" y="{y + bar_h - 3}">{figures} / {mentions}</text></g>')
    parts.append("</svg>")
    more = ""
    if rest:
        more = (f'<p class="muted">and {len(rest)} more: {sum(r[1] for r in rest)} figures, '
                f"{sum(r[2] for r in rest)} mentions</p>")
    return (f'<figure class="totals"><figcaption>{_esc(title)} <span class="muted">(dark: figures, '
            f'light: mentions)</span></figcaption>{"".join(parts)}{more}</figure>')


def _totals(figures: Sequence[Any], key: Any) -> list[tuple[str, int, int]]:
    counts: dict[str, list[int]] = {}
    for f in figures:
        c = counts.setdefault(key(f), [0, 0])
        c[0] += 1
        c[1] += len(f.mentions)
    return sorted(((k, a, b) for k, (a, b) in counts.items()), key=lambda r: (-r[1], -r[2], r[0]))


def _mention_key(article: Any, span: Any, value: Any, measure: Any, subject: Any) -> tuple[Any, ...]:
    start = span.get("start") if isinstance(span, Mapping) else getattr(span, "start", None)
    end = span.get("end") if isinstance(span, Mapping) else getattr(span, "end", None)
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = None
    return (str(article), start, end, number, measure, subject)


def figures_section(claims: Sequence[tuple[str, dict[str, Any]]]) -> str:
    """The Figures view: the ledger of ``claims`` (pairs of the claim row's id and its record)
    as totals charts and one table row per distinct figure, conflicts highlighted and linked."""
    from .ledger import ledger

    usable = [(rid, r) for rid, r in claims
              if isinstance(r.get("value"), (int, float)) and not isinstance(r.get("value"), bool)]
    book = ledger([r for _, r in usable])
    rows_of: dict[tuple[Any, ...], list[str]] = {}
    names: dict[str, str] = {}
    for rid, r in usable:
        key = _mention_key(r.get("article"), r.get("span"), r.get("value"), r.get("measure"),
                           r.get("subject"))
        rows_of.setdefault(key, []).append(rid)
        force = r.get("force")
        if isinstance(force, Mapping) and force.get("id"):
            names.setdefault(str(force["id"]), str(force.get("name") or force["id"]))
    by_id = {f.id: f for f in book.figures}
    copies_of = {s.original: s.copies for s in book.sources}

    def place(f: Any) -> str:
        return names.get(f.force, f.force) if f.force else (f.region or "(not stated)")

    def link(other: str) -> str:
        g = by_id[other]
        return f'<a href="#{_esc(other)}">{_esc(_fmt_figure(g))} ({_esc(len(g.mentions))}×)</a>'

    order = sorted(book.figures, key=lambda f: (-f.articles, -len(f.mentions)))
    body = []
    for f in order:
        per_article: dict[str, list[str]] = {}  # article -> links to its mentions' claim rows
        for m in f.mentions:
            key = _mention_key(m.article, m.span, f.value, f.measure, f.subject)
            queue = rows_of.get(key)
            rid = queue.pop(0) if queue else None  # each claim row is one mention of one figure
            links = per_article.setdefault(m.article, [])
            n = len(links) + 1
            links.append(f'<a href="#{_esc(rid)}" title="{_esc(m.article)}, mention {n}">{n}</a>' if rid
                         else str(n))
        mention_links = [f'<span class="in">{_esc(a).replace("_", "_<wbr>")}: {" ".join(links)}</span>'
                         for a, links in per_article.items()]
        outlets = [f"{s} (with copies: {', '.join(c for c in copies_of.get(s, ()) if c != s)})"
                   if len(copies_of.get(s, ())) > 1 else s for s in f.sources]
        conflict = ""
        if f.conflicts:
            conflict += "conflicts with " + ", ".join(link(o) for o in f.conflicts)
        if f.weak_conflicts:
            conflict += ("; " if conflict else "") + "weak conflict with " + ", ".join(
                link(o) for o in f.weak_conflicts)
        cls = "figure conflict" if f.conflicts else "figure weak-conflict" if f.weak_conflicts else "figure"
        period = period_text({"period": {"start": f.period_start, "end": f.period_end}})
        evidence = [f"{k} {v}" for k, v in f.evidence.items() if v]
        body.append(
            f'<tr class="{cls}" id="{_esc(f.id)}" data-force="{_esc(f.force or "")}" '
            f'data-measure="{_esc(f.measure or "")}" title="{_esc("; ".join(evidence))}">'
            f'<td class="num">{_esc(_fmt_figure(f))}</td><td>{_esc(f.unit)}</td><td>{_esc(f.measure)}</td>'
            f"<td>{_esc(f.subject)}</td><td>{_esc(place(f))}</td><td class=\"period\">{_esc(period)}</td>"
            f'<td class="num">{len(f.mentions)}</td><td class="mentions">{" ".join(mention_links)}</td>'
            f'<td class="num" title="{_esc("; ".join(outlets))}">{f.articles}</td>'
            f'<td class="conflicts">{conflict}</td></tr>')
    copies = book.copies()
    syndicated = ""
    if copies:
        lis = "".join(f"<li>{_esc(s.original)}, also printed as "
                      f"{_esc(', '.join(c for c in s.copies if c != s.original))}</li>" for s in copies)
        syndicated = f'<p>Syndicated copies (counted as one outlet):</p><ul class="copies">{lis}</ul>'
    charts = (_bars("By force or region", _totals(book.figures, place))
              + _bars("By measure", _totals(book.figures, lambda f: f.measure or "(not stated)")))
    head = ("<tr><th>Value</th><th>Unit</th><th>Measure</th><th>Subject</th><th>Force or region</th>"
            "<th>Period</th><th title=\"claims that state this figure\">Mentions</th><th>Articles</th>"
            "<th title=\"distinct sources: syndicated copies count once\">Outlets</th>"
            "<th>Conflicts</th></tr>")
    return (f'<section id="figures"><h2>Figures</h2>'
            f'<p class="muted" id="ledger-summary">{_esc(book.summary())}. A figure is one statistic '
            "however often it is printed; rows in red disagree with another figure for the same "
            "measure, place and period (pale red: one side took its force or period from the headline "
            f'or an earlier sentence).</p><div class="charts">{charts}</div>'
            f'<table id="figures-table"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
            f"{syndicated}</section>")


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
    content: list[tuple[str, list[dict[str, Any]]]] = []
    in_rows: list[tuple[str, dict[str, Any]]] = []  # (row id, record) in the table's order
    n_claims = n_docs = 0
    for d, item in enumerate(items):
        n_docs += 1
        records = [claim_record(c) for c in item.claims]
        records = [r if r.get("article") else {**r, "article": item.id} for r in records]
        content.append((item.id, records))
        n_claims += len(records)
        text = item.text or ""
        placed, lost = place(text, records) if item.text is not None else ([], records)
        ids = {i: f"c{d}-{i}" for i in range(len(placed))}
        table: list[tuple[dict[str, Any], str, str | None]] = []  # record, sentence, link target
        for i, p in enumerate(placed):
            a, b = p.sent
            table.append((p.record, highlight(text, [p], start=a, end=b, labels=False, inline=False), ids[i]))
        for rec in lost:
            sent = rec.get("sentence")
            words = sent.get("text") if isinstance(sent, Mapping) else sent
            table.append((rec, f'<span class="lost">{_esc(words)}</span>', None))
        for rec, sentence, claim_id in table:
            row_id = f"r{len(in_rows)}"
            in_rows.append((row_id, rec))
            rows.append(_row(rec, d, sentence, claim_id, row_id, gold_row(rec, item.id)))
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
    head = ("<tr><th class=\"mark\" title=\"mark the claim correct, wrong, or correct it\">Check</th>"
            "<th data-key=\"article\">Article</th><th data-key=\"value\" data-type=\"num\">Value</th>"
            "<th data-key=\"measure\">Measure</th><th data-key=\"subject\">Subject</th>"
            "<th data-key=\"force\">Force</th><th data-key=\"period\">Period</th>"
            "<th data-key=\"confidence\" data-type=\"num\">Confidence</th>"
            "<th data-key=\"probability\" data-type=\"num\" title=\"estimated probability that the claim is "
            "right as a whole\">Probability</th><th>Sentence</th></tr>")
    ident = report_id(content)
    figures_html = figures_section(in_rows)
    return f"""<!doctype html>
<html lang="en" data-report="{ident}">
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
<p class="jump"><a href="#figures">Figures</a> · <a href="#claims">All claims</a> ·
<a href="#articles">Articles</a></p>
{figures_html}
<section id="claims">
<h2>All claims</h2>
<p class="muted">Mark each claim you check: <strong>✓</strong> correct as extracted,
<strong>✗</strong> wrong (not a claim), <strong>✎</strong> correct it (value, measure, subject,
force, period). Marks are kept in this browser for this report ({ident});
<strong>Export gold</strong> downloads them as gold rows for <code>misconduct-nlp evaluate</code>.</p>
<p class="review"><span id="marked">0 of {n_claims} claims marked</span>
<button type="button" id="export-gold"
title="download the marked claims as gold JSONL for 'misconduct-nlp evaluate'">Export gold</button></p>
{_datalists()}
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
