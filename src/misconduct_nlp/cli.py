"""The ``misconduct-nlp`` command: ``extract`` (batch extraction) and ``report`` (HTML review).

Each sub-command lives in its own module with ``add_arguments(parser)`` and ``run(args)``;
those modules import spaCy and friends only inside ``run``, so ``--help`` starts fast.

Exit statuses: 0 done, 1 something failed (or nothing to do), 2 a usage error (argparse's
own, or a :class:`~misconduct_nlp.errors.UsageError`), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import math
import sys
from dataclasses import dataclass

from . import __version__
from .errors import Errors, UsageError

EXIT_USAGE = 2

COMMANDS = {
    "extract": ("misconduct_nlp.batch", "extract claims from article files or folders"),
    "report": ("misconduct_nlp.report", "write a self-contained HTML page to review claims"),
    "ledger": ("misconduct_nlp.ledger", "group claims into distinct figures, sources and conflicts"),
    "evaluate": ("misconduct_nlp.evaluation", "score claims against gold annotations"),
}


@dataclass(frozen=True)
class NumberOption:
    """A numeric option with bounds: an argparse ``type`` that rejects bad values as a usage
    error (exit status 2), and a check for the same value given from Python.

    ``hint`` completes "give ...": what a good value is, such as "a size in bytes (0: no limit)".
    """

    option: str
    hint: str
    integer: bool = True
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: str | float) -> int | float:
        """``value`` as a number within bounds; raises :class:`~misconduct_nlp.errors.UsageError`."""
        number: int | float
        bad = UsageError((Errors.E020 if self.integer else Errors.E021).format(
            option=self.option, value=value, hint=self.hint))
        if isinstance(value, bool):
            raise bad
        try:
            if self.integer:
                if isinstance(value, float) and not value.is_integer():
                    raise bad
                number = int(value)
            else:
                number = float(value)
        except (TypeError, ValueError, OverflowError):
            raise bad from None
        if isinstance(number, float) and not math.isfinite(number):
            raise bad
        if self.minimum is not None and number < self.minimum:
            raise UsageError(Errors.E022.format(option=self.option, minimum=self.minimum, value=number,
                                                hint=self.hint))
        if self.maximum is not None and number > self.maximum:
            raise UsageError(Errors.E023.format(option=self.option, maximum=self.maximum, value=number,
                                                hint=self.hint))
        return number

    def __call__(self, text: str) -> int | float:
        try:
            return self.check(text)
        except UsageError as e:
            raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with each sub-command's options added by its own module."""
    parser = argparse.ArgumentParser(
        prog="misconduct-nlp",
        description="Extract numeric claims about police misconduct from news articles.",
    )
    parser.add_argument("--version", action="version", version=f"misconduct-nlp {__version__}",
                        help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status.

    A bad option is argparse's usage message on standard error and status 2 (returned, not
    raised); ``--help`` and ``--version`` return 0.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else EXIT_USAGE)
    if not getattr(args, "_module", None):
        parser.print_help()
        return EXIT_USAGE
    return int(importlib.import_module(args._module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
