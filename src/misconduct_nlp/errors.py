"""Errors and warnings of misconduct-nlp, with codes, as spaCy's ``Errors``/``Warnings`` do.

Each message says what to do; the code (``[E100]``) is part of the text so it can be looked up.
"""

from __future__ import annotations

from typing import Any


class ErrorsWithCodes(type):
    """Puts ``[code]`` before each message read from the class (``Errors.E100``)."""

    def __getattribute__(cls, code: str) -> Any:
        msg = super().__getattribute__(code)
        if code.startswith("__") or not isinstance(msg, str):
            return msg
        return f"[{code}] {msg}"


class Errors(metaclass=ErrorsWithCodes):
    """Error messages; format them with ``.format(...)``."""

    # E100-E119: building pipelines (misconduct_nlp.pipeline, components)
    E100 = ("'{name}' reads what other components leave on the Doc, and this pipeline lacks "
            "{missing}. Add them before it, in this order: nlp.add_pipe(...) for each of "
            "{missing}, then nlp.add_pipe('{name}') -- or build the whole pipeline with "
            "misconduct_nlp.load() or misconduct_nlp.pipeline.add_to_pipeline(nlp).")


class PipelineError(ValueError):
    """A pipeline is built wrongly (a component is missing or out of order)."""
