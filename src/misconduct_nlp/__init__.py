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

Errors and warnings: :mod:`misconduct_nlp.errors`.

A lazily exported name may be the name of a submodule too (``render`` is a function of the
submodule ``misconduct_nlp.render``). Importing such a submodule makes Python set the
package's attribute of that name to the submodule, which would hide the function; the
package's :class:`_Package` type refuses that binding, so ``misconduct_nlp.render`` is the
function whatever was imported first. Import the submodule itself with
``from misconduct_nlp.render import ...`` or ``importlib.import_module("misconduct_nlp.render")``.
"""

from __future__ import annotations

import importlib
import sys
import types
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


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


class _Package(types.ModuleType):
    """The package's module type: a submodule never replaces a lazily exported name.

    The import system binds a submodule on its package (``setattr(package, "render",
    module)``) after running it; for a name in ``_LAZY`` that binding is dropped, and the
    name keeps (or later resolves to, through ``__getattr__``) the exported function or class.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
