"""spaCy ``Doc``/``Span`` extension attributes used by the misconduct components.

Registered once, on import of the package; ``force=True`` keeps re-imports harmless.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

DOC_EXTENSIONS = {
    "article_id": None,   # str | None: the article's id, set by extract()
    "published": None,    # datetime.date | None: publication date for relative periods
    "claims": None,       # list[Claim] | None: set by the misconduct_claims component
}
SPAN_EXTENSIONS = {
    "value": None,        # float: the number a "numbers" span stands for
    "unit": None,         # str: unit hint of a number span ("count", "percent", ...)
    "approx": None,       # str: approximation of a "numbers" span ("exact", "about", ...)
    "value_max": None,    # float | None: top of a range ("between 12 and 15": value 12, value_max 15)
    "change": None,       # str | None: "up" / "down" for a figure that is a change ("rose by 40%")
    "label": None,        # str: lexicon label of a span (measure, subject, rank, platform id)
    "force": None,        # misconduct_nlp.forces.Force: the force a "forces" span names
    "region": None,       # str: the region a "regions" span names
    "period": None,       # misconduct_nlp.periods.Period: resolved period of a "periods" span
    "furniture": False,   # bool: sentence is page furniture ("Hide Ad", "Loading....")
}


def register_extensions() -> None:
    """Register every extension attribute (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
