"""misconduct-nlp: numeric claims about police misconduct, extracted from news articles.

Public API (imported lazily so that ``import misconduct_nlp`` stays cheap)::

    load(model=None) -> spacy.Language
    extract(text, *, published=None, article_id=None, nlp=None) -> list[Claim]
    extract_many(items, *, nlp=None, batch_size=32) -> Iterator[list[Claim]]
    match_force(text) -> Force | None
    parse_period(text, published=None) -> Period | None
    to_dataframe(claims) -> pandas.DataFrame
    render(text_or_doc, claims=None) -> str
    ledger(claims) -> Ledger
    evaluate(claims, gold) -> Metrics
"""

from __future__ import annotations

import importlib
from typing import Any

from .model import Claim, ForceRef, PeriodRef, Published, TextSpan

__version__ = "0.1.0"

_LAZY = {
    "load": "misconduct_nlp.pipeline",
    "extract": "misconduct_nlp.extraction",
    "extract_many": "misconduct_nlp.extraction",
    "match_force": "misconduct_nlp.forces",
    "Force": "misconduct_nlp.forces",
    "parse_period": "misconduct_nlp.periods",
    "Period": "misconduct_nlp.periods",
    "to_dataframe": "misconduct_nlp.formats",
    "render": "misconduct_nlp.render",
    "ledger": "misconduct_nlp.ledger",
    "evaluate": "misconduct_nlp.evaluation",
}

__all__ = ["Claim", "ForceRef", "PeriodRef", "Published", "TextSpan", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'misconduct_nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
