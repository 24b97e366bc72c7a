"""HTML views of claims: an article with every claim highlighted in its sentence.

``render(text_or_doc, claims=None)`` returns an :class:`HTML` string (a ``str`` that Jupyter
displays inline). The review report (``misconduct-nlp report``) builds on the same pieces.

Everything taken from an article or a claim is escaped: article text is untrusted. Lone
surrogates (in an API caller's text, or a file name's undecodable bytes) are escaped too, so
the HTML can always be written as UTF-8.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .bounds import quotable
from .errors import Errors, InputTypeError
from .formats import claim_record
from .io import printable

__all__ = [
    "HTML", "Placed", "claim_label", "claim_record", "claim_title", "force_name", "highlight",
    "period_text", "place", "render",
]


class HTML(str):
    """An HTML string that Jupyter shows rendered rather than as text."""

    __slots__ = ()

    def _repr_html_(self) -> str:
        return str(self)


# Inline styles keep a fragment self-contained wherever it lands (a notebook cell, an e-mail,
# a page without our stylesheet); the report overrides them with its own classes.
_STYLE = {
    "article": "white-space: pre-wrap; line-height: 1.7; font-family: Georgia, serif; "
               "max-width: 48em; color: #1a1a1a;",
    "sent": "background: #fff3bf; border-radius: 3px; padding: 1px 0;",
    "num": "background: #ff922b; color: #000; font-weight: bold; border-radius: 3px; padding: 0 2px;",
    "label": "font: 600 0.72em/1 system-ui, sans-serif; background: #364fc7; color: #fff; "
             "border-radius: 3px; padding: 2px 4px; margin: 0 2px; vertical-align: middle; "
             "white-space: nowrap;",
    "note": "font: 0.85em system-ui, sans-serif; color: #862e9c;",
}


@dataclass(frozen=True)
class Placed:
    """A claim whose sentence and number were found in the text, with their offsets."""

    record: dict[str, Any]
    sent: tuple[int, int]
    num: tuple[int, int]


def _find(
    text: str, piece: Mapping[str, Any] | None, lo: int = 0, hi: int | None = None
) -> tuple[int, int] | None:
    """Offsets of a ``{"text", "start", "end"}`` piece in ``text``.

    The stated offsets are trusted when they hold the stated text; otherwise the nearest
    occurrence of the text inside ``[lo, hi)`` is used (claims read from a JSONL file may
    come from a slightly different decoding). ``None`` when it is not there at all.
    """
    if not isinstance(piece, Mapping):
        return None
    words = piece.get("text")
    start, end = piece.get("start"), piece.get("end")
    hi = len(text) if hi is None else hi
    if isinstance(start, int) and isinstance(end, int) and lo <= start <= end <= hi:
        if words is None or text[start:end] == words:
            return start, end
    if not words:
        return None
    hits = []
    at = text.find(words, lo, hi)
    while at != -1:
        hits.append(at)
        at = text.find(words, at + 1, hi)
    if not hits:
        return None
    near = start if isinstance(start, int) else lo
    best = min(hits, key=lambda h: abs(h - near))
    return best, best + len(words)


def place(text: str, claims: Iterable[Any]) -> tuple[list[Placed], list[dict[str, Any]]]:
    """Find each claim's sentence and number in ``text``.

    Returns the placed claims in text order and the records that could not be placed.
    """
    placed: list[Placed] = []
    lost: list[dict[str, Any]] = []
    for claim in claims:
        rec = claim_record(claim)
        sent = _find(text, rec.get("sentence"))
        num = _find(text, rec.get("span"), *(sent or (0, len(text))))
        if num is None:
            lost.append(rec)
            continue
        if sent is None or not (sent[0] <= num[0] and num[1] <= sent[1]):
            sent = num
        placed.append(Placed(rec, sent, num))
    placed.sort(key=lambda p: (p.num[0], p.num[1]))
    return placed, lost


def _fmt_value(rec: Mapping[str, Any]) -> str:
    value = rec.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "?" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:g}"
    unit = rec.get("unit")
    if unit == "percent":
        text += "%"
    elif unit == "gbp":
        text = "£" + text
    elif unit and unit != "count":
        text += " " + str(unit).replace("_", " ")
    approx = rec.get("approx")
    prefix = {"about": "~", "more_than": ">", "less_than": "<", "at_least": "≥", "at_most": "≤"}
    return prefix.get(approx, "") + text


def force_name(rec: Mapping[str, Any]) -> str:
    """The force's name (or id) of a claim record, or its region, or ``""``."""
    force = rec.get("force")
    if isinstance(force, Mapping):
        return str(force.get("name") or force.get("id") or "")
    if force:
        return str(force)
    return str(rec.get("region") or "")


def period_text(rec: Mapping[str, Any]) -> str:
    """The claim's period as ``start – end`` (ISO dates), or ``""``."""
    period = rec.get("period")
    if not isinstance(period, Mapping):
        return ""
    start, end = period.get("start"), period.get("end")
    if start and end:
        return f"{start} – {end}"
    return str(start or end or period.get("text") or "")


def claim_label(rec: Mapping[str, Any]) -> str:
    """A short plain-text label: value, measure, subject, force and period (unescaped)."""
    parts = [_fmt_value(rec), rec.get("measure") or "measure?"]
    if rec.get("subject"):
        parts.append(str(rec["subject"]))
    if force_name(rec):
        parts.append(force_name(rec))
    if period_text(rec):
        parts.append(period_text(rec))
    return " · ".join(str(p) for p in parts)


def claim_title(rec: Mapping[str, Any]) -> str:
    """A longer plain-text description for tooltips (unescaped)."""
    lines = [claim_label(rec)]
    for key in ("measure_text", "subject_text", "rank"):
        if rec.get(key):
            lines.append(f"{key}: {rec[key]}")
    force = rec.get("force")
    if isinstance(force, Mapping) and force.get("text"):
        how = "inherited" if force.get("inherited") else "in sentence"
        lines.append(f"force text: {force['text']} ({how})")
    period = rec.get("period")
    if isinstance(period, Mapping) and period.get("text"):
        how = "inherited" if period.get("inherited") else "in sentence"
        lines.append(f"period text: {period['text']} ({how})")
    if rec.get("platforms"):
        lines.append("platforms: " + ", ".join(map(str, rec["platforms"])))
    if rec.get("confidence") is not None:
        lines.append(f"confidence: {rec['confidence']}")
    return "\n".join(lines)


def _attr(value: Any) -> str:
    return html.escape(printable(str(value)), quote=True)


def _style(inline: bool, name: str) -> str:
    return f' style="{_STYLE[name]}"' if inline else ""


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def highlight(
    text: str,
    placed: list[Placed],
    *,
    start: int = 0,
    end: int | None = None,
    labels: bool = True,
    inline: bool = True,
    ids: Mapping[int, str] | None = None,
) -> str:
    """Escaped HTML of ``text[start:end]`` with claimed sentences and numbers marked.

    Each claimed sentence is one ``<mark class="mn-sent">``; inside it each number is a
    ``<mark class="mn-num">`` (the claim's description as its tooltip) followed, when
    ``labels``, by one ``<span class="mn-label">`` per claim. ``inline`` adds style
    attributes so the fragment needs no stylesheet. ``ids`` maps an index into ``placed``
    to an element id, set on that claim's label (or on its number without labels).
    """
    end = len(text) if end is None else end
    inside = [i for i, p in enumerate(placed) if start <= p.num[0] and p.num[1] <= end]
    blocks = _merge((max(start, placed[i].sent[0]), min(end, placed[i].sent[1])) for i in inside)
    # numbers in text order; claims on the same or overlapping words share one mark
    groups: list[tuple[int, int, list[int]]] = []
    for i in sorted(inside, key=lambda i: placed[i].num):
        a, b = placed[i].num
        if groups and a < groups[-1][1]:
            ga, gb, members = groups[-1]
            groups[-1] = (ga, max(gb, b), [*members, i])
        else:
            groups.append((a, b, [i]))

    def esc(a: int, b: int) -> str:
        return html.escape(quotable(text[a:b]), quote=False)

    def anchor(i: int) -> str:
        return f' id="{_attr(ids[i])}"' if ids and i in ids else ""

    def number(a: int, b: int, members: list[int]) -> str:
        recs = [placed[i].record for i in members]
        title = "\n\n".join(claim_title(r) for r in recs)
        first = "" if labels else anchor(members[0])
        html_ = (f'<mark class="mn-num"{first} data-measure="{_attr(recs[0].get("measure") or "")}"'
                 f' title="{_attr(title)}"{_style(inline, "num")}>{esc(a, b)}</mark>')
        if labels:
            for i, rec in zip(members, recs, strict=True):
                label = html.escape(printable(claim_label(rec)), quote=False)
                html_ += f'<span class="mn-label"{anchor(i)}{_style(inline, "label")}>{label}</span>'
        return html_

    out: list[str] = []
    pos = start
    for sa, sb in blocks:
        out.append(esc(pos, sa))
        body: list[str] = []
        at = sa
        for a, b, members in groups:
            if sa <= a and b <= sb:
                body.append(esc(at, a))
                body.append(number(a, b, members))
                at = b
        body.append(esc(at, sb))
        out.append(f'<mark class="mn-sent"{_style(inline, "sent")}>{"".join(body)}</mark>')
        pos = sb
    out.append(esc(pos, end))
    return "".join(out)


def _text_and_claims(obj: Any, claims: Any, kwargs: dict[str, Any]) -> tuple[str, Any, str | None]:
    """Text, claims (or None) and article id of a str, spaCy Doc or io.Article."""
    if isinstance(obj, str):
        return obj, claims, kwargs.get("article_id")
    text = getattr(obj, "text", None)
    if not isinstance(text, str):
        raise InputTypeError(Errors.E303.format(type=type(obj).__name__))
    ext = getattr(obj, "_", None)
    article_id = kwargs.get("article_id") or getattr(obj, "id", None)
    if ext is not None:  # a spaCy Doc: its own claims and metadata
        if claims is None and ext.get("claims") is not None:
            claims = ext.get("claims")
        article_id = article_id or ext.get("article_id")
        kwargs.setdefault("published", ext.get("published"))
    return text, claims, article_id


def render(
    text_or_doc: Any,
    claims: Iterable[Any] | None = None,
    *,
    published: Any = None,
    article_id: str | None = None,
    nlp: Any = None,
    labels: bool = True,
) -> HTML:
    """HTML of an article with each claim's sentence and number highlighted in place.

    ``text_or_doc`` is the article text, a processed spaCy ``Doc`` (its ``doc._.claims`` are
    used) or an :class:`misconduct_nlp.io.Article`. ``claims`` are :class:`Claim` objects or
    claim dicts (CLAIM_SCHEMA records); when omitted they are extracted here with
    ``published``, ``article_id`` and ``nlp`` passed on to :func:`misconduct_nlp.extract`.
    Claims of other articles (a record whose ``article`` differs from the article's id) are
    left out, so the claims of a whole corpus can be passed. The result is a ``str`` that
    Jupyter displays rendered; every piece of article text in it is escaped.
    """
    opts: dict[str, Any] = {"article_id": article_id}
    if published is not None:
        opts["published"] = published
    text, claims, article_id = _text_and_claims(text_or_doc, claims, opts)
    text = quotable(text)  # what extract() quotes: lone surrogates as U+FFFD, one for one
    if claims is None:
        from .extraction import extract

        claims = extract(text, published=opts.get("published"), article_id=article_id, nlp=nlp)
    records = [claim_record(c) for c in claims]
    if article_id is not None:
        records = [r for r in records if r.get("article") in (None, article_id)]
    placed, lost = place(text, records)
    body = highlight(text, placed, labels=labels, inline=True)
    note = ""
    if lost:
        note = (f'<p class="mn-note"{_style(True, "note")}>{len(lost)} claim(s) could not be found '
                "in this text (their sentence or number differs).</p>")
    summary = f"{len(placed)} claim{'s' if len(placed) != 1 else ''}"
    head = f'<p class="mn-note"{_style(True, "note")}>{html.escape(summary)}'
    if article_id:
        head += f" in {html.escape(printable(str(article_id)))}"
    head += "</p>"
    return HTML(f'<div class="mn-render">{head}<div class="mn-article"'
                f'{_style(True, "article")}>{body}</div>{note}</div>')
