"""The ``misconduct-nlp`` command: ``extract`` (batch extraction) and ``report`` (HTML review).

Each sub-command lives in its own module with ``add_arguments(parser)`` and ``run(args)``;
those modules import spaCy and friends only inside ``run``, so ``--help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = {
    "extract": ("misconduct_nlp.batch", "extract claims from article files or folders"),
    "report": ("misconduct_nlp.report", "write a self-contained HTML page to review claims"),
    "ledger": ("misconduct_nlp.ledger", "group claims into distinct figures, sources and conflicts"),
    "evaluate": ("misconduct_nlp.evaluation", "score claims against gold annotations"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with each sub-command's options added by its own module."""
    parser = argparse.ArgumentParser(
        prog="misconduct-nlp",
        description="Extract numeric claims about police misconduct from news articles.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_text) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module)
        importlib.import_module(module).add_arguments(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 2
    return int(importlib.import_module(args._module).run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
