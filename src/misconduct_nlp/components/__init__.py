"""spaCy components of misconduct-nlp, each registered with ``@Language.factory``.

:data:`CLAIMS_NEEDS` is what ``misconduct_claims`` reads, in pipeline order;
:func:`missing_for_claims` says which of them a pipeline lacks.
"""

from __future__ import annotations

from spacy.language import Language

#: the factories whose output ``misconduct_claims`` reads, in the order they must run
CLAIMS_NEEDS = (
    "misconduct_sentencizer", "misconduct_measures", "misconduct_subjects", "misconduct_ranks",
    "misconduct_platforms", "misconduct_numbers", "misconduct_forces", "misconduct_periods",
)


def missing_for_claims(nlp: Language) -> list[str]:
    """The factories of :data:`CLAIMS_NEEDS` that no component of ``nlp`` was made by, in order."""
    present = {nlp.get_pipe_meta(name).factory for name in nlp.component_names}
    return [f for f in CLAIMS_NEEDS if f not in present]


# importing any component (spaCy does, through one entry point) registers every factory, so a
# saved pipeline loads even where the package's entry points are not installed
from . import claims, forces, lexicons, numbers, periods, sentencizer  # noqa: E402, F401
