"""Output formats for claims: JSONL, CSV (flattened columns), Parquet, and pandas DataFrames.

A claim is the JSON record of CLAIM_SCHEMA.md (``Claim.to_dict()``). JSONL keeps it nested;
CSV, Parquet and :func:`to_dataframe` flatten it: ``force.id`` becomes ``force_id``,
``sentence.start`` becomes ``sentence_start``, the platform list becomes ``platforms``
(``;``-joined in CSV). pandas and pyarrow are imported only when used.

The streaming writers encode one article's claims at a time into bytes, so the batch
command can write article by article, remember byte offsets and resume after a crash. An
article whose claims cannot be encoded raises before anything of it is written.

CSV cells of text that start with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return get
a leading ``'`` so that a spreadsheet shows them instead of running them as formulas
(OWASP's advice on CSV injection); numbers are never changed. ``csv_raw=True`` turns it off.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .errors import ClaimsFileError, Errors, UsageError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from misconduct_nlp.model import Claim

FORMATS = ("jsonl", "csv", "parquet")

#: Flattened columns, in order, for CSV, Parquet and DataFrames.
COLUMNS = (
    "article", "value", "unit", "approx", "measure", "measure_text", "subject", "subject_text",
    "rank", "value_max", "change", "change_from",
    "force_id", "force_name", "force_text", "force_score", "force_inherited", "force_source", "force_rule",
    "force_probability",
    "region", "region_source", "region_rule",
    "period_start", "period_end", "period_text", "period_inherited", "period_source", "period_rule",
    "period_probability",
    "platforms",
    "sentence_text", "sentence_start", "sentence_end", "sentence_truncated",
    "span_text", "span_start", "span_end",
    "confidence", "probability", "measure_probability", "subject_probability",
    "published", "published_source",
)
_DATE_COLUMNS = ("period_start", "period_end", "published")
_NESTED = {
    "force": ("id", "name", "text", "score", "inherited", "source", "rule", "probability"),
    "period": ("start", "end", "text", "inherited", "source", "rule", "probability"),
    "sentence": ("text", "start", "end", "truncated"),
    "span": ("text", "start", "end"),
}


_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) builds per call


def claim_record(claim: Claim | Mapping[str, Any]) -> dict[str, Any]:
    """The JSON record of a claim, whether given as a :class:`Claim` or already as a dict."""
    if isinstance(claim, Mapping):
        return dict(claim)
    return claim.to_dict()


def flatten(claim: Claim | Mapping[str, Any], *, join_lists: bool = False) -> dict[str, Any]:
    """One claim as a flat row with the :data:`COLUMNS` (plus any fields added to the schema).

    ``published`` becomes ``published`` (the date) and ``published_source``. With
    ``join_lists`` the platform list becomes one ``;``-separated string (for CSV).
    """
    rec = claim_record(claim)
    row: dict[str, Any] = {}
    for key, value in rec.items():
        if key in _NESTED:
            value = value or {}
            for sub in _NESTED[key]:
                row[f"{key}_{sub}"] = value.get(sub)
        elif key == "published":
            value = value or {}
            row["published"] = value.get("date")
            row["published_source"] = value.get("source")
        elif isinstance(value, dict):
            for sub, v in value.items():
                row[f"{key}_{sub}"] = v
        else:
            row[key] = value
    platforms = row.get("platforms") or []
    row["platforms"] = ";".join(platforms) if join_lists else list(platforms)
    row["sentence_truncated"] = bool(row.get("sentence_truncated"))
    for col in COLUMNS:
        row.setdefault(col, None)
    return row


def to_dataframe(claims: Iterable[Claim | Mapping[str, Any]]) -> pd.DataFrame:
    """Claims (``Claim`` objects or their dicts) as a pandas DataFrame, one flattened row each.

    Columns follow :data:`COLUMNS`; dates (``period_start``, ``period_end``, ``published``)
    are pandas datetimes, ``value``/``confidence``/``force_score`` floats, offsets integers and
    the ``*_inherited`` flags nullable booleans. Requires the ``dataframe`` extra (pandas).
    """
    import pandas as pd

    rows = [flatten(c) for c in claims]
    extra = [k for row in rows for k in row if k not in COLUMNS]
    columns = list(COLUMNS) + list(dict.fromkeys(extra))
    df = pd.DataFrame(rows, columns=columns)
    for col in _DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col], errors="coerce")
    for col in ("value", "confidence", "force_score"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    for col in ("sentence_start", "sentence_end", "span_start", "span_end"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    for col in ("force_inherited", "period_inherited"):
        df[col] = df[col].astype("boolean")
    df["sentence_truncated"] = df["sentence_truncated"].astype(bool)
    return df


#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(text: str) -> str:
    """``text`` with a leading ``'`` when it starts with a :data:`FORMULA_STARTS` character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_value(value: Any, raw: bool = False) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and not raw:
        return neutralise_cell(value)
    return value


class Writer:
    """Writes claims to a binary stream article by article; ``write`` returns the bytes written."""

    format = ""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def header(self) -> bytes:
        """Bytes that open a new file (the CSV header row), empty for JSONL."""
        return b""

    def encode(self, claims: Iterable[Claim | Mapping[str, Any]]) -> bytes:
        raise NotImplementedError

    def write_header(self) -> int:
        data = self.header()
        self.stream.write(data)
        return len(data)

    def write(self, claims: Iterable[Claim | Mapping[str, Any]]) -> int:
        """Write one article's claims and flush; the number of bytes written."""
        data = self.encode(claims)
        if data:
            self.stream.write(data)
            self.stream.flush()
        return len(data)

    def close(self) -> None:
        self.stream.flush()


class JsonlWriter(Writer):
    """One JSON object per line, as in CLAIM_SCHEMA.md."""

    format = "jsonl"

    def encode(self, claims: Iterable[Claim | Mapping[str, Any]]) -> bytes:
        encode = _JSON.encode
        lines = [encode(claim_record(c)) + "\n" for c in claims]
        return "".join(lines).encode("utf-8")


_CSV_QUOTE = re.compile(r'[,"\n\r]')


def _csv_line(cells: Iterable[Any]) -> str:
    """One CSV row as Python's ``csv`` module writes it (minimal quoting, ``\\n`` line ends),
    except that a cell holding a carriage return is quoted too (the module leaves it bare,
    which splits the row in a spreadsheet)."""
    out = []
    for value in cells:
        text = value if isinstance(value, str) else str(value)
        if _CSV_QUOTE.search(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out) + "\n"


class CsvWriter(Writer):
    """Flattened columns (:data:`COLUMNS`), a header row, platforms joined with ``;``.

    Text cells that a spreadsheet would run as a formula start with ``'`` unless ``raw``
    (:func:`neutralise_cell`); numeric cells (a value of -5 included) are written as they are.
    """

    format = "csv"

    def __init__(self, stream: BinaryIO, *, raw: bool = False) -> None:
        super().__init__(stream)
        self.raw = raw

    def _rows(self, rows: Iterable[Iterable[Any]]) -> bytes:
        return "".join(_csv_line(row) for row in rows).encode("utf-8")

    def header(self) -> bytes:
        return self._rows([COLUMNS])

    def encode(self, claims: Iterable[Claim | Mapping[str, Any]]) -> bytes:
        rows = []
        for c in claims:
            flat = flatten(c, join_lists=True)
            rows.append([_csv_value(flat[col], self.raw) for col in COLUMNS])
        return self._rows(rows) if rows else b""


class ParquetWriter:
    """Parquet output (``parquet`` extra): rows buffered and written in row groups.

    Written to ``PATH.partial`` and renamed on :meth:`close`, so an interrupted run never
    leaves a truncated file under the final name. Not resumable.
    """

    format = "parquet"
    ROW_GROUP = 20_000

    def __init__(self, path: str | Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self._pa = pa
        self.schema = parquet_schema()
        self._writer = pq.ParquetWriter(self.partial, self.schema)
        self._rows: list[dict[str, Any]] = []

    def write(self, claims: Iterable[Claim | Mapping[str, Any]]) -> int:
        """Buffer one article's claims; raises (buffering none of them) when one cannot be encoded."""
        rows = []
        for c in claims:
            row = flatten(c)
            for col in _DATE_COLUMNS:
                if isinstance(row[col], str):
                    row[col] = _date_or_none(row[col])
            for value in row.values():  # fail this article now, not a whole row group later
                if isinstance(value, str) and not value.isascii():
                    value.encode("utf-8")
            rows.append(row)
        self._rows.extend(rows)
        if len(self._rows) >= self.ROW_GROUP:
            self._flush()
        return 0

    def _flush(self) -> None:
        if self._rows:
            table = self._pa.Table.from_pylist(self._rows, schema=self.schema)
            self._writer.write_table(table)
            self._rows = []

    def close(self) -> None:
        self._flush()
        self._writer.close()
        self.partial.replace(self.path)

    def abort(self) -> None:
        """Close without publishing: the partial file is removed."""
        self._writer.close()
        self.partial.unlink(missing_ok=True)


def _date_or_none(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def parquet_schema():  # -> pyarrow.Schema
    """The Arrow schema of Parquet output: :data:`COLUMNS` with dates, lists and nullable types."""
    import pyarrow as pa

    s, i, f, b, d = pa.string(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
    types = {
        "value": f, "force_score": f, "confidence": f,
        "force_inherited": b, "period_inherited": b,
        "period_start": d, "period_end": d, "published": d,
        "platforms": pa.list_(s),
        "sentence_start": i, "sentence_end": i, "span_start": i, "span_end": i,
        "sentence_truncated": b,
    }
    return pa.schema([(col, types.get(col, s)) for col in COLUMNS])


def write_claims(
    claims: Iterable[Claim | Mapping[str, Any]], path: str | Path, format: str | None = None,
    *, csv_raw: bool = False,
) -> int:
    """Write claims to ``path`` in one go (format from ``format`` or the suffix); the number written.

    ``csv_raw`` leaves CSV text cells that start like a formula as they are.
    """
    fmt = format or format_for_path(path)
    claims = list(claims)
    if fmt == "parquet":
        pw = ParquetWriter(path)
        pw.write(claims)
        pw.close()
        return len(claims)
    with open(path, "wb") as fh:
        w = make_writer(fmt, fh, csv_raw=csv_raw)
        w.write_header()
        w.write(claims)
        w.close()
    return len(claims)


def make_writer(format: str, stream: BinaryIO, *, csv_raw: bool = False) -> Writer:
    """The streaming writer for ``jsonl`` or ``csv`` (``csv_raw``: no formula neutralising)."""
    if format == "jsonl":
        return JsonlWriter(stream)
    if format == "csv":
        return CsvWriter(stream, raw=csv_raw)
    raise UsageError(Errors.E009.format(format=format))


def format_for_path(path: str | Path | None) -> str:
    """The output format a file name implies: ``.csv`` → csv, ``.parquet``/``.pq`` → parquet, else jsonl."""
    suffix = Path(path).suffix.lower() if path else ""
    return {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}.get(suffix, "jsonl")


def read_claims(path: str | Path) -> list[dict[str, Any]]:
    """Claims from a JSONL file written by the batch command.

    Blank lines are skipped, and so is a half-written last line (one with no newline that
    is not valid JSON); any other bad line raises :class:`~misconduct_nlp.errors.ClaimsFileError`
    (a ``ValueError``) naming its line number.
    """
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                if not line.endswith("\n"):
                    break
                raise ClaimsFileError(Errors.E301.format(path=path, line=n, reason=e.msg)) from e
    return out
