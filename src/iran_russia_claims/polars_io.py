"""The Polars engine's fast path for files: strict readers, and a verdict on the whole file.

A large file that is valid should cost little more than reading it. :func:`read_strict` reads
Parquet (Polars), CSV and JSON Lines (Arrow's multi-threaded readers) in one go, but only when
every value is exactly as the exports write it; anything unusual returns None, and the caller
falls back to the careful, chunked readers of :mod:`iran_russia_claims.readers`, which accept
or explain it. This module imports Polars and pyarrow only, not pandera: a valid file is read
and judged without pandera and pandas ever being imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import polars as pl

from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

if TYPE_CHECKING:
    from iran_russia_claims.models import Registry

#: A list cell as the exports write it: a compact JSON array of strings with no escapes.
_COMPACT_LIST: Final = r'^\[(?:"[^"\\\x00-\x1f]*"(?:,"[^"\\\x00-\x1f]*")*)?\]$'
#: The formats the fast path reads; JSON arrays and YAML always take the careful path.
STRICT_FORMATS: Final = ("parquet", "csv", "jsonl")


def _arrow_claims_schema() -> Any:
    import pyarrow

    types = {
        "string": pyarrow.string(),
        "integer": pyarrow.int64(),
        "number": pyarrow.float64(),
        "list": pyarrow.list_(pyarrow.string()),
    }
    return pyarrow.schema([(c.name, types[c.type]) for c in CLAIM_COLUMNS])


def _read_csv(path: str) -> pl.DataFrame | None:
    """A CSV file whose every cell is as the exports write it, typed; None otherwise.

    Parsed by pyarrow as the careful reader parses it, but on every core and in one go; a
    number or list written any other way (``007``, ``[ "IRN" ]``) sends the file to the
    careful reader, which accepts or explains it.
    """
    import pyarrow
    import pyarrow.csv as pacsv

    table = pacsv.read_csv(
        path,
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
    if fmt == "parquet":  # Polars alone: importing pyarrow would cost a cold process ~0.13 s
        try:
            return pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError, ValueError):
            return None
    import pyarrow

    try:
        if fmt == "jsonl":
            import pyarrow.json as pajson

            table = pajson.read_json(
                path,
                parse_options=pajson.ParseOptions(
                    explicit_schema=_arrow_claims_schema(), unexpected_field_behavior="error"
                ),
            )
            frame = pl.from_arrow(table)
            return frame if isinstance(frame, pl.DataFrame) else None
        if fmt == "csv":
            return _read_csv(path)
    except (pyarrow.ArrowException, pl.exceptions.PolarsError, OSError, ValueError):
        return None
    return None


def validate_file(path: str, fmt: str, registry: Registry | None) -> int | None:
    """The Polars engine's verdict on a file: its number of rows when every rule holds, None
    when it does not or cannot be shown fast (the caller then runs the careful, chunked
    validator, which locates and explains every problem).

    The verdict is :func:`~iran_russia_claims.polars_rules.all_rules_hold`: the pandera
    schema's own expressions in one Polars query, so a valid file never imports pandera and
    pandas, which cost about as much as reading a million rows.
    """
    if fmt not in STRICT_FORMATS:
        return None
    from iran_russia_claims.polars_rules import all_rules_hold

    frame = read_strict(path, fmt)
    if frame is None or frame.height == 0:
        return None
    return frame.height if all_rules_hold(frame, registry) else None
