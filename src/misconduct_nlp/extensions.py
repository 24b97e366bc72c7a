"""spaCy ``Doc``/``Span`` extension attributes used by the misconduct components.

Registered once, on import of the package; re-imports are harmless. Importing this module
also registers the msgpack codec (:mod:`misconduct_nlp.serialize`) so that Docs holding these
values serialise (``Doc.to_bytes``, ``DocBin(store_user_data=True)``, ``nlp.pipe(n_process=2)``).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span
from spacy.tokens.underscore import Underscore

from . import serialize  # noqa: F401  (registers the msgpack codec of the extension values)

DOC_EXTENSIONS = {
    "article_id": None,   # str | None: the article's id, set by extract()
    "published": None,    # datetime.date | None: publication date for relative periods
    "frame": None,        # ArticleFrame | None: the article's frame, set by misconduct_claims
    # "claims" (list[Claim] | None, set by misconduct_claims) has a getter: see _get_claims
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

# where spaCy keeps a plain extension value: doc.user_data[key] (serialised with the Doc)
_CLAIMS_KEY = ("._.", "claims", None, None)


def _get_claims(doc: Doc) -> list[Any] | None:
    """``doc._.claims``: list[Claim] | None, set by the misconduct_claims component.

    Kept in ``doc.user_data`` like a plain extension; a Doc read back from a DocBin holds a
    tuple there (spaCy reads arrays as tuples), turned back into the list once, here.
    """
    claims = doc.user_data.get(_CLAIMS_KEY)
    if isinstance(claims, tuple):
        claims = doc.user_data[_CLAIMS_KEY] = list(claims)
    return claims


def _set_claims(doc: Doc, claims: list[Any] | None) -> None:
    doc.user_data[_CLAIMS_KEY] = claims


def span_value(span: Span, name: str) -> Any:
    """``span._.<name>``, read straight from ``doc.user_data`` where spaCy keeps it.

    ``span._`` makes an ``Underscore`` object on every access (about 4 us; this is about
    0.6 us), and the components read the numbers', forces' and periods' values tens of
    thousands of times per 100k words. An extension with a getter or method, or a mutable
    default, is read through ``span._`` as usual.
    """
    default, method, getter, _ = Underscore.span_extensions[name]
    if getter is not None or method is not None or isinstance(default, Underscore.mutable_types):
        return getattr(span._, name)
    return span.doc.user_data.get(("._.", name, span.start_char, span.end_char), default)


def set_span_value(span: Span, name: str, value: Any) -> None:
    """``span._.<name> = value`` without an ``Underscore`` object (see :func:`span_value`)."""
    setter = Underscore.span_extensions[name][3]
    if setter is not None:
        setter(span, value)
    else:
        span.doc.user_data[("._.", name, span.start_char, span.end_char)] = value


def doc_value(doc: Doc, name: str) -> Any:
    """``doc._.<name>`` for a plain Doc extension, without an ``Underscore`` object."""
    default, method, getter, _ = Underscore.doc_extensions[name]
    if getter is not None or method is not None or isinstance(default, Underscore.mutable_types):
        return getattr(doc._, name)
    return doc.user_data.get(("._.", name, None, None), default)


def register_extensions() -> None:
    """Register every extension attribute (idempotent)."""
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Doc.has_extension("claims"):
        Doc.set_extension("claims", getter=_get_claims, setter=_set_claims)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
