"""The whole-file reader: a large file read in one go by strict readers, as one typed frame.

A large file should cost little more than reading it, valid or not. :func:`read_strict` reads
Parquet (Polars), CSV and JSON Lines (Arrow's multi-threaded readers) in one go, but only when
every value is exactly as the exports write it; :func:`whole_file` adds that every column has
its type and every record a row of its own. Anything unusual returns None, and the caller
falls back to the careful, chunked readers of :mod:`iran_russia_claims.readers`, which accept
or explain it. The frame then goes through the rules in one pass like any chunk. This module
imports Polars (and pyarrow for CSV and JSON Lines), not pandas or pandera.
"""

from __future__ import annotations

import os
from typing import Final

import polars as pl

from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

#: A list cell as the exports write it: a compact JSON array of strings with no escapes.
_COMPACT_LIST: Final = r'^\[(?:"[^"\\\x00-\x1f]*"(?:,"[^"\\\x00-\x1f]*")*)?\]$'
#: No claim is written in fewer bytes (its SHA-256 alone is 64 characters): a file with more
#: lines than that allows is left to the chunked readers.
_MIN_RECORD_BYTES: Final = 64
#: The formats the fast path reads; JSON arrays and YAML always take the careful path.
STRICT_FORMATS: Final = ("parquet", "csv", "jsonl")


def _read_csv(path: str) -> pl.DataFrame | None:
    """A CSV file whose every cell is as the exports write it, typed; None otherwise.

    Parsed by pyarrow as the careful reader parses it, but on every core and in one go; a
    number or list written any other way (``007``, ``[ "IRN" ]``) sends the file to the
    careful reader, which accepts or explains it.
    """
    import pyarrow
    import pyarrow.csv as pacsv

    from iran_russia_claims.readers.common import arrow_source

    table = pacsv.read_csv(
        arrow_source(path),
        read_options=pacsv.ReadOptions(use_threads=True),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pyarrow.string() for name in CLAIM_COLUMN_NAMES},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )
    if table.column_names != list(CLAIM_COLUMN_NAMES):
        return None
    raw = pl.from_arrow(table)
    assert isinstance(raw, pl.DataFrame)
    typed: dict[str, pl.Expr] = {}
    exact: list[pl.Expr] = []
    for column in CLAIM_COLUMNS:
        text = pl.col(column.name)
        if column.type in ("integer", "number"):
            dtype = pl.Int64 if column.type == "integer" else pl.Float64
            value = text.cast(dtype, strict=False)
            typed[column.name] = value
            exact.append((value.cast(pl.String) == text).fill_null(False).all())
        elif column.type == "list":
            inner = text.str.strip_prefix('["').str.strip_suffix('"]').str.split('","')
            typed[column.name] = pl.when(text == "[]").then(pl.lit([], pl.List(pl.String))) \
                .otherwise(inner)  # fmt: skip
            exact.append(text.str.contains(_COMPACT_LIST).fill_null(False).all())
        else:
            exact.append(text.is_not_null().all())
    if not all(raw.select(exact).row(0)):
        return None
    return raw.select(**typed, **{n: pl.col(n) for n in CLAIM_COLUMN_NAMES if n not in typed}) \
        .select(CLAIM_COLUMN_NAMES)  # fmt: skip


def read_strict(path: str, fmt: str) -> pl.DataFrame | None:
    """The claims file as a typed Polars frame when a strict, fast reader can read it all;
    None when the file needs the careful reader (anything unusual, any error)."""
    import pyarrow

    if fmt == "parquet":  # read within the Parquet reader's limits, text as dictionaries
        from pathlib import Path

        from iran_russia_claims.readers.parquet import read_bounded

        table = read_bounded(Path(path))
        try:
            frame = pl.from_arrow(table) if table is not None else None
        except (pyarrow.ArrowException, pl.exceptions.PolarsError, ValueError):
            return None
        return frame if isinstance(frame, pl.DataFrame) else None

    try:
        if fmt == "jsonl":
            import pyarrow.json as pajson

            from iran_russia_claims.readers.chunks import claim_schema
            from iran_russia_claims.readers.common import arrow_source

            table = pajson.read_json(
                arrow_source(path),
                parse_options=pajson.ParseOptions(
                    explicit_schema=claim_schema(), unexpected_field_behavior="error"
                ),
            )
            frame = pl.from_arrow(table)
            return frame if isinstance(frame, pl.DataFrame) else None
        if fmt == "csv":
            return _read_csv(path)
    except (pyarrow.ArrowException, pl.exceptions.PolarsError, OSError, ValueError):
        return None
    return None


def whole_file(path: str, fmt: str) -> tuple[pl.DataFrame | None, int]:
    """The whole file as a typed frame, and the row number of its first record, when a strict
    reader can read it and every record stands on a row of its own (so row numbers are the
    careful reader's); (None, 0) when the file needs the careful, chunked reader.

    The frame has exactly the claims columns, their types, and no missing value or element:
    what is left to find is what the rules find.
    """
    from iran_russia_claims.spec.evaluate import plain_strings, polars_types

    if fmt not in STRICT_FORMATS:
        return None, 0
    lines = _lines(path) if fmt != "parquet" else 0
    if lines * _MIN_RECORD_BYTES > os.path.getsize(path):
        return None, 0  # records too short to be claims: read whole, each costs a full row
    frame = read_strict(path, fmt)
    if frame is None or frame.height == 0:
        return None, 0
    coded = (pl.Categorical, pl.Enum)
    if any(isinstance(t, pl.List) and isinstance(t.inner, coded) for t in frame.schema.values()):
        return None, 0  # lists of dictionary codes: the careful reader says what to write
    frame = plain_strings(frame)
    types = polars_types()
    if set(frame.columns) != set(types) or any(frame.schema[n] != t for n, t in types.items()):
        return None, 0
    lists = [n for n, t in types.items() if isinstance(t, pl.List)]
    complete = frame.select(
        pl.all_horizontal(pl.all().null_count() == 0).alias("__complete"),
        *[
            (pl.col(n).list.eval(pl.element().null_count()).explode().sum() == 0).alias(n)
            for n in lists
        ],
    ).row(0)
    if not all(complete):
        return None, 0
    if fmt == "parquet":
        return frame.select(list(types)), 1
    header = 1 if fmt == "csv" else 0
    if lines != frame.height + header:  # blank lines or values over several lines
        return None, 0
    return frame.select(list(types)), 1 + header


def _lines(path: str) -> int:
    """Lines in a file (a last line without a line break counts)."""
    count, last = 0, b"\n"
    with open(path, "rb") as f:
        while block := f.read(1 << 24):
            count += block.count(b"\n")
            last = block[-1:]
    return count + (last != b"\n")
