"""Every error and warning misconduct-nlp raises, with a code and a message that says what to do.

As in spaCy (``spacy.errors``): :class:`Errors` and :class:`Warnings` hold the messages as
format strings named by their codes; reading one gives it with its code in front::

    raise UsageError(Errors.E001.format(path=path))
    # UsageError: [E001] out.jsonl exists: use --force to overwrite it or --resume to continue

    warnings.warn(Warnings.W010.format(...), ManifestWarning)

Each message says what went wrong, then (after a colon or a semicolon) what to do about it.
The exception classes all derive from :class:`MisconductError`; those raised where Python
code expects a built-in type derive from it too (``UsageError`` is a ``ValueError``,
``InputTypeError`` a ``TypeError``, ``NotFoundError`` a ``KeyError``), so ``except ValueError``
keeps working.

Only the standard library is imported here: the command line imports this module before
it knows whether it needs spaCy.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "ArticleError", "ClaimError", "ClaimsFileError", "DocDataError", "Errors", "ExtractorError", "GoldError",
    "InputTypeError", "ManifestWarning", "MisconductError", "MisconductWarning", "NotFoundError",
    "PackageDataError", "PathWarning", "PipelineError", "RemovedError", "UsageError", "Warnings",
    "code_of", "codes",
]


class ErrorsWithCodes(type):
    """Metaclass of :class:`Errors` and :class:`Warnings`: ``Errors.E001`` is ``"[E001] " + message``."""

    def __getattribute__(cls, code: str) -> Any:
        msg = super().__getattribute__(code)
        if code.startswith("__") or not isinstance(msg, str):  # dunders and methods
            return msg
        return f"[{code}] {msg}"


_CODE = re.compile(r"\[([EW]\d{3})\]")


def code_of(message: object) -> str | None:
    """The code (``"E001"``, ``"W010"``) at the start of a message, or ``None``."""
    m = _CODE.match(str(message))
    return m.group(1) if m else None


def codes(catalogue: type) -> dict[str, str]:
    """The raw messages of :class:`Errors` or :class:`Warnings` by code (without the ``[code]`` prefix)."""
    return {k: v for k, v in vars(catalogue).items() if re.fullmatch(r"[EW]\d{3}", k)}


class Errors(metaclass=ErrorsWithCodes):
    """Error messages, by code. E0xx: options and output; E1xx: articles; E2xx: runs; E3xx: the rest;
    E4xx: building pipelines."""

    # -- output files and runs that cannot start (UsageError: exit status 2)
    E001 = "{path} exists: use --force to overwrite it or --resume to continue"
    E002 = "{path} exists: use --force to overwrite it"
    E003 = ("{path} is a folder: give a file name to -o (with --engine dask, end a folder name with / "
            "to write one file per partition)")
    E004 = "--resume needs an output file: give the output of the interrupted run with -o FILE"
    E005 = "cannot resume: there is no {state} beside {path}: use --force to start again"
    E006 = "cannot resume: {state} is not a state file of misconduct-nlp: use --force to start again"
    E007 = ("cannot resume: {path} was written as {old}, not {new}: use --format {old} to continue it, "
            "or --force to start again")
    E008 = "cannot resume: {path} is shorter than its header: use --force to start again"
    E009 = "no streaming writer for format {format!r}: use jsonl or csv (or parquet with -o FILE)"
    E010 = ("Parquet output needs an output file: give -o FILE.parquet, or use --format jsonl or csv "
            "for standard output")
    E011 = "--resume works with jsonl and csv output, not parquet: drop --resume, or write jsonl or csv"
    E012 = ("--resume works with single-file output (-o FILE), not partitioned output: use -o FILE, "
            "or --force to write the partitions again")
    E013 = "{folder} already holds partitions: use --force to replace them"
    E014 = ("{path} is being written by another run{holder}: wait for it to finish, or write to "
            "another file with -o")
    E015 = "cannot write {path}: {reason}: check that you may write there and that there is room"
    E016 = ("{path} was not written by misconduct-nlp (it is not in {manifest}), and this run would "
            "write a file of that name: move it, or write the partitions to another folder")

    # -- option values (argparse-style usage errors: exit status 2)
    E020 = "{option} must be a whole number, not {value!r}: give {hint}"
    E021 = "{option} must be a number, not {value!r}: give {hint}"
    E022 = "{option} must be at least {minimum}, not {value}: give {hint}"
    E023 = "{option} must be at most {maximum}, not {value}: give {hint}"
    E024 = "not a date (YYYY-MM-DD): {value!r}: give the date as YYYY-MM-DD, such as 2021-03-01"
    E025 = ("--min-confidence needs the misconduct_claims component, and the pipeline {model} has none: "
            "use a pipeline built by misconduct_nlp.load(), or leave out --min-confidence")
    E026 = ("--lexicon {value!r}: {reason}: give GROUP=FILE (GROUP one of {groups}), or a FILE whose "
            "rows each name their \"group\" (see docs/cli.md)")
    E027 = "cannot read {option} {path}: {reason}: check that the file exists and that you may read it"
    E028 = ("{path}:{line}: not a lexicon row ({reason}): write one JSON object a line with \"label\" "
            "and \"terms\", as in the package's data/measures.jsonl (see docs/cli.md)")
    E029 = ("{path}: {reason}: write a JSON object of force ids and their aliases, such as "
            "{{\"kent\": [\"the Garden of England force\"]}}, or JSONL rows such as "
            "{{\"id\": \"kent\", \"aliases\": [\"...\"]}}")
    E030 = ("{path}: no force {force!r} in the pipeline: use a force id of data/forces.jsonl (such as "
            "{examples}), or add the force first")
    E031 = ("--pipeline {path} is not a saved misconduct pipeline (no config.cfg with misconduct_claims): "
            "give a folder written by nlp.to_disk(), or use --model NAME for an installed spaCy pipeline")
    E032 = ("--pipeline and --model were both given: give one of them (--pipeline DIR loads a saved "
            "pipeline as it is, --model NAME builds on an installed spaCy pipeline)")
    E033 = ("the pipeline {model} has no {component} component for {option}: use a pipeline built by "
            "misconduct_nlp.load() (or saved from one), or leave out {option}")

    # -- articles that cannot be read (ArticleError; the batch reports them and goes on)
    E101 = "empty file: there is no text to extract; leave it out, or give it the article's text"
    E102 = "binary file (contains NUL bytes): not a text article; convert it to .txt, or leave it out"
    E103 = ("binary file (too many control characters): not a text article; convert it to .txt, "
            "or leave it out")
    E104 = "not a regular file: name article files (a folder, pipe or device cannot be read as one)"
    E105 = ("too large ({size} bytes > --max-bytes {max_bytes}): raise --max-bytes to read it "
            "(0: no limit), or split the file")
    E106 = "HTML page has no visible text: save the article's text (or the page as shown) instead"
    E107 = "symlink loop: point the link at a file, or remove it"
    E108 = "broken symlink: point the link at an existing file, or remove it"
    E109 = "no such file or directory: check the path"
    E110 = "cannot read: {reason}: check that the file exists and that you may read it"
    E111 = "symlink loop (links back to a folder above it): remove the link, or point it elsewhere"
    E112 = "cannot list folder: {reason}: check that you may read the folder"
    E113 = "cannot read: {error}: check the file; if it looks fine, report a bug with it"
    E114 = ("binary file (not text after its {encoding} byte order mark): not a text article; "
            "convert it to .txt, or leave it out")

    # -- extraction (the batch reports these per article and goes on)
    E201 = ("cannot load the pipeline: {error}: check --model (an installed spaCy pipeline's name or "
            "path), or reinstall misconduct-nlp")
    E202 = "extraction failed: {error}: the article is left out; report a bug with the article if you can"
    E203 = ("worker process died while extracting this article: it is left out; extract it alone "
            "with -j 1 to see why")
    E204 = "worker error: {error}: run again with -j 1 to see it, then --resume"
    E205 = "dask task failed: {error}: check the cluster's logs, then run again with --resume"
    E206 = ("the extractor gave {got} results for {expected} articles: make it yield one list "
            "of claims per article, in order")
    E207 = ("cannot write its claims: {error}: the article is left out; report a bug with the "
            "article if you can")
    E208 = ("took more than --article-timeout {seconds} s: the article is left out; extract it "
            "alone with a larger --article-timeout (0: no limit) if you need its claims")

    # -- other input and the Python API
    E301 = "{path}:{line}: not JSON ({reason}): give the JSONL file that 'misconduct-nlp extract' writes"
    E302 = ("the package's report.js contains '</', which would end the page's script early: "
            "reinstall misconduct-nlp")
    E303 = ("render() needs text, a spaCy Doc or an Article, not {type}: pass the article's text, "
            "or the Doc from nlp(text)")
    E304 = "no articles to report on: check the paths, or give --claims FILE with claims to review"

    # -- the ledger (misconduct_nlp.ledger)
    E305 = ("claim {index} has no numeric value: {claim}: give each claim a number in \"value\" "
            "(as 'misconduct-nlp extract' writes it)")
    E306 = "no figure {figure_id!r} in this ledger: use an id from ledger.figures (such as fig-...)"
    E307 = ("Parquet output needs pyarrow: install it with pip install 'misconduct-nlp[parquet]', "
            "or use --format jsonl or csv")

    # -- gold files (misconduct_nlp.evaluation; GoldError)
    E308 = "cannot read the gold file {path}: {reason}: check that the file exists and that you may read it"
    E309 = "{path}:{line}: not JSON ({reason}): write one gold row a line as JSON (see docs/evaluation.md)"
    E310 = "{path}:{line}: a gold row needs {missing}: add them to the row (see docs/evaluation.md)"

    # -- serialised Docs (misconduct_nlp.serialize; DocDataError)
    E311 = ("refusing to rebuild {tag!r}: not a misconduct_nlp class; only read Docs that "
            "misconduct-nlp wrote, and report a bug if this one was")
    E312 = ("refusing to rebuild {tag!r}: not a dataclass; only read Docs that misconduct-nlp wrote, "
            "and report a bug if this one was")

    # -- text given to the API (misconduct_nlp.extraction, misconduct_nlp.bounds)
    E313 = "the article text must be a str, not {type}: pass a str ({hint})"
    E314 = "chunk_bounds() needs a positive limit, not {limit}: give the most characters a piece may hold"

    # -- the probability model (misconduct_nlp.probability; PackageDataError)
    E320 = ("cannot read the probability model file {path} ({reason}): reinstall misconduct-nlp, "
            "or rerun benchmarks/fit_probability.py")
    E321 = ("the probability model file {problem}: reinstall misconduct-nlp, or run "
            "benchmarks/fit_probability.py again on this version")

    # -- building pipelines (misconduct_nlp.pipeline, components)
    E401 = ("'{name}' reads what other components leave on the Doc, and this pipeline lacks "
            "{missing}. Add them before it, in this order: nlp.add_pipe(...) for each of "
            "{missing}, then nlp.add_pipe('{name}'); or build the whole pipeline with "
            "misconduct_nlp.load() or misconduct_nlp.pipeline.add_to_pipeline(nlp).")
    E402 = "unknown lexicon group {group!r}: use one of {groups}"
    E403 = ("{name} has no terms {terms}{label}: check the spelling; remove only terms the "
            "component has (see its .entries)")

    # -- process-wide defaults that are gone: each pipeline's components own their resources
    #    (RemovedError; the message names the component method that does the job)
    E404 = ("misconduct_nlp.lexicon.add_terms() is gone (it changed every pipeline built afterwards in "
            "this process): the terms belong to the pipeline's lexicon component; use "
            "nlp.get_pipe(\"misconduct_{group}\").add_terms(label, terms) on your pipeline, or "
            "misconduct_nlp.load(lexicons=...) with a file, and nlp.to_disk() to keep them")
    E405 = ("misconduct_nlp.forces.add_aliases() is gone (it changed every pipeline built afterwards in "
            "this process): the aliases belong to the pipeline's force component; use "
            "nlp.get_pipe(\"misconduct_forces\").add_aliases(...) on your pipeline, or "
            "ForceRegistry().add_aliases(...) and its .match() outside one")
    E406 = ("misconduct_nlp.forces.add_forces() is gone (it changed every pipeline built afterwards in "
            "this process): the forces belong to the pipeline's force component; use "
            "nlp.get_pipe(\"misconduct_forces\").add_forces(rows) on your pipeline, or "
            "ForceRegistry().add_forces(rows) and its .match() outside one")
    E407 = ("misconduct_nlp.forces.reset_registry() is gone (there is no process-wide registry to "
            "reset): use nlp.get_pipe(\"misconduct_forces\").reset() to give one pipeline the "
            "packaged registry again")
    E408 = ("misconduct_nlp.periods.use_grammar() is gone (it changed every pipeline built afterwards in "
            "this process): the grammar belongs to the pipeline's period component; use "
            "nlp.get_pipe(\"misconduct_periods\").use_grammar(path) on your pipeline, or "
            "parse_period(..., grammar=load_grammar(path)) outside one")
    E409 = ("misconduct_nlp.forces.default_registry() is gone (it gave the registry every pipeline "
            "shared): use nlp.get_pipe(\"misconduct_forces\").registry for a pipeline's registry, "
            "or ForceRegistry() for one of your own")


class Warnings(metaclass=ErrorsWithCodes):
    """Warning messages, by code. W0xx: input; a warning never changes the exit status."""

    W001 = ("{path} holds no articles (.txt, .md, .html or .htm files): check the path, or name the "
            "article files")
    W002 = "{path} is left out; fix it and run again to include it: {reason}"
    W003 = ("{path} is a symlink to {target}, outside {root}: it is left out; give --follow-links "
            "to read it")
    W004 = ("{count} hidden file(s) or folder(s) in {path} are left out ({names}): name them on "
            "the command line to read them")
    W010 = ("{path}:{line}: not a JSON object: {value}: write one object a line, such as "
            '{{"id": "a1", "published": "2021-03-01"}}; the line is ignored')
    W011 = ('{path}:{line}: no article id in {value}: add "id" (the article\'s file name without '
            "its suffix); the line is ignored")
    W012 = ("{path}:{line}: published {value} (article {id!r}) is not an ISO date: write it as "
            "YYYY-MM-DD, such as 2021-03-01; the article is processed without this date")
    W013 = ("{path}:{line}: published {value} (article {id!r}) is not a real date ({reason}): correct "
            "it; the article is processed without this date")
    W014 = ("{path}:{line}: id {value} is listed again (first on line {first}): keep one line per "
            "article; this line is ignored")
    W015 = ("{path}: cannot read the manifest ({reason}): check that you may read it; the articles "
            "beside it are processed without its dates")


# --------------------------------------------------------------------------- exceptions


class MisconductError(Exception):
    """Base class of every error misconduct-nlp raises; ``err.code`` is its code (``"E001"``)."""

    @property
    def code(self) -> str | None:
        return code_of(self.args[0]) if self.args else None


class UsageError(MisconductError, ValueError):
    """The run cannot start as asked (the output exists, a bad option value or combination).

    The command line prints it and exits with status 2.
    """


class PipelineError(MisconductError, ValueError):
    """A pipeline is built wrongly: a component is missing or out of order."""


class RemovedError(MisconductError, RuntimeError):
    """A function that changed process-wide defaults (lexicon terms, force aliases, the period
    grammar) was called: those resources belong to a pipeline's components now, and the
    message names the component method to use instead."""


class ArticleError(MisconductError):
    """An article that cannot be read; ``str(err)`` is the reason (with its code), on one line."""


class ClaimsFileError(MisconductError, ValueError):
    """A claims file (JSONL written by ``misconduct-nlp extract``) with a line that is not JSON."""


class PackageDataError(MisconductError, ValueError):
    """A file shipped inside the package is damaged (reinstall the package)."""


class ExtractorError(MisconductError, RuntimeError):
    """An extractor plugged into the batch broke its contract (one result per article)."""


class InputTypeError(MisconductError, TypeError):
    """A function was given an object of a type it cannot use."""


class NotFoundError(MisconductError, KeyError):
    """Something looked up by its id or name is not there (a ledger's figure, a lexicon term).

    A ``KeyError``, so ``except KeyError`` keeps working; ``str(err)`` is the message itself
    (not, as for a plain ``KeyError``, its quoted repr).
    """

    def __str__(self) -> str:
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class ClaimError(MisconductError, ValueError):
    """A claim record that cannot be used (it has no numeric value)."""


class GoldError(MisconductError, ValueError):
    """A gold file that cannot be used; the message names the file and line."""


class DocDataError(MisconductError, ValueError):
    """Serialised Doc data that names a class misconduct-nlp will not rebuild."""


# --------------------------------------------------------------------------- warnings


class MisconductWarning(UserWarning):
    """Base class of every warning misconduct-nlp gives."""


class ManifestWarning(MisconductWarning):
    """A ``manifest.jsonl`` line that cannot be used; the article goes on without that date."""


class PathWarning(MisconductWarning):
    """A path given to read holds no articles, or is left out."""
