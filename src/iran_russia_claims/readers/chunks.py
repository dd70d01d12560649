"""Arrow tables and parsed records become :class:`~iran_russia_claims.readers.common.Chunk`\\ s.

:func:`arrow_chunk` turns a typed Arrow table (from pyarrow's CSV, JSON or Parquet readers) into
a chunk: text that is not UTF-8, columns of the wrong type, missing cells and null list elements
are reported and marked, and the table becomes one pandas frame, text and lists Arrow-backed.
:func:`records_chunk` does the same for records parsed by the ``json`` module or the YAML
loader, keeping each value as the Python object it was parsed as. :func:`claim_schema` and
:func:`without_absent_fields` are what the JSON and JSON Lines readers need to let pyarrow read
claims.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.common import (
    KINDS,
    LIST_HINT,
    MAX_EXTRA_FIELDS,
    UTF8_HINT,
    Chunk,
    Emit,
)
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


def arrow_chunk(
    table: pa.Table,
    rows: np.ndarray,
    path: Path,
    emit: Emit,
    bad: dict[str, np.ndarray] | None = None,
) -> Chunk:
    """A chunk from an Arrow table: typed columns checked as columns, then one pandas frame.

    A column whose Arrow type cannot hold its values (text in ``start``, floats in ``end``) is
    one problem for the column, not one per cell; a null cell is marked ``missing`` (validation
    reports it, or its row when every cell of the row is missing); a list with a null element
    is a ``type`` problem. This is the single point where Arrow becomes pandas.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    bad = dict(bad or {})
    checked: set[str] = set()
    columns: dict[str, Any] = {}
    missing: dict[str, np.ndarray] = {}
    where = str(path)
    table = _valid_utf8(table, rows, path, emit, bad)
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        kind = KINDS.get(name)
        if kind is None:  # not ours: validation names it once
            columns[name] = column
            continue
        mask = bad.get(name, np.zeros(n, dtype=bool))
        if not _compatible(kind, column.type):
            emit(
                Problem(
                    "type",
                    f"the column holds {column.type} values; it must hold {_KIND_WORDS[kind]}",
                    where,
                    column=name,
                    hint=_column_hint(kind, column.type),
                )
            )
            bad[name] = np.ones(n, dtype=bool)
            columns[name] = column
            continue
        if pa.types.is_null(column.type):
            target = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64()}
            column = column.cast(target.get(kind, pa.list_(pa.string())))
        if column.null_count:
            nulls = column.is_null().to_numpy(zero_copy_only=False)
            missing[name] = nulls & ~mask  # reported by validation: as a cell, or an empty row
            mask = mask | nulls
            column = column.fill_null(_placeholder(kind, column.type))
        if kind == "list":
            column = pa.chunked_array(
                [c.cast(pa.list_(pa.string())) for c in column.chunks], pa.list_(pa.string())
            )
            flat = pc.list_flatten(column)
            if flat.null_count:
                parents = pc.list_parent_indices(column).to_numpy()
                nulls = flat.is_null().to_numpy(zero_copy_only=False)
                positions = np.setdiff1d(np.unique(parents[nulls]), np.flatnonzero(mask))
                for pos, record in zip(positions, record_ids(table, positions), strict=True):
                    emit(
                        Problem(
                            "type",
                            "the list holds a null element; it must hold only strings",
                            where,
                            row=int(rows[pos]),
                            record_id=record,
                            column=name,
                            hint=LIST_HINT,
                        )
                    )
                mask = mask.copy()
                mask[positions] = True
            checked.add(name)
        elif kind == "integer" and column.type != pa.int64():
            too_big = pc.greater(column, pa.scalar(2**63 - 1, pa.uint64()))
            if pa.types.is_uint64(column.type) and pc.any(too_big).as_py():
                positions = np.flatnonzero(too_big.to_numpy(zero_copy_only=False) & ~mask)
                for pos, record in zip(positions, record_ids(table, positions), strict=True):
                    emit(
                        Problem(
                            "type",
                            "the number is too large for a 64-bit integer",
                            where,
                            row=int(rows[pos]),
                            record_id=record,
                            column=name,
                        )
                    )
                mask = mask | too_big.to_numpy(zero_copy_only=False)
                column = pc.if_else(too_big, pa.scalar(0, column.type), column)
            column = column.cast(pa.int64())
        elif kind == "number" and column.type != pa.float64():
            column = column.cast(pa.float64())
        elif kind == "string" and pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        columns[name] = column
        bad[name] = mask
    typed = pa.table(columns) if columns else table
    frame = typed.to_pandas(ignore_metadata=True, split_blocks=True, types_mapper=_arrow_backed)
    if not typed.num_columns:  # records with no field: a slice of such a table lies about its
        import pandas as pd  # length (pyarrow), the rows do not

        frame = pd.DataFrame(index=pd.RangeIndex(len(rows)))
    return Chunk(frame, rows, bad, frozenset(checked), missing)


def record_ids(table: pa.Table, positions: np.ndarray) -> list[str | None]:
    """The id of each record at ``positions``, where the id column is text."""
    import pyarrow as pa

    if "id" not in table.column_names or len(positions) == 0:
        return [None] * len(positions)
    column = table.column("id")
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return [None] * len(positions)
    return column.take(pa.array(positions)).to_pylist()  # type: ignore[no-any-return]


def _compatible(kind: str, arrow_type: pa.DataType) -> bool:
    import pyarrow as pa

    types = pa.types
    if types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if types.is_null(arrow_type):
        return True  # every cell missing: reported cell by cell as `required`
    if kind == "string":
        return bool(types.is_string(arrow_type) or types.is_large_string(arrow_type))
    if kind == "integer":
        return bool(types.is_integer(arrow_type))
    if kind == "number":
        return bool(types.is_integer(arrow_type) or types.is_floating(arrow_type))
    if types.is_list(arrow_type) or types.is_large_list(arrow_type):
        value = arrow_type.value_type
        if types.is_dictionary(value):  # text a Parquet file stores as a dictionary
            value = value.value_type
        return bool(types.is_string(value) or types.is_large_string(value) or types.is_null(value))
    return False


def _valid_utf8(
    table: pa.Table, rows: np.ndarray, path: Path, emit: Emit, bad: dict[str, np.ndarray]
) -> pa.Table:
    """The table with text that is not UTF-8 reported and nulled, cell by cell.

    Not every Arrow reader checks its strings (JSON and Parquet do not); an invalid one would
    fail later, far from its cause. The check is one pass over the text; locating the bad cells
    runs only when there are some.
    """
    import numpy as np
    import pyarrow as pa

    names = sorted(table.column_names, key=lambda name: name != "id")  # ids first: they locate
    for name in names:
        column = table.column(name)
        try:
            column.validate(full=True)
            continue
        except pa.ArrowInvalid:
            wrong = _invalid_text_rows(column)
        if not wrong.any():  # pragma: no cover - invalid for another reason than the text
            continue
        index = table.column_names.index(name)
        table = table.set_column(index, name, _nulled(column, wrong))
        positions = np.flatnonzero(wrong)
        for pos, record in zip(positions, record_ids(table, positions), strict=True):
            emit(
                Problem(
                    "readable",
                    "the text is not UTF-8",
                    str(path),
                    row=int(rows[pos]),
                    record_id=record,
                    column=name,
                    hint=UTF8_HINT,
                )
            )
        bad[name] = bad.get(name, np.zeros(table.num_rows, dtype=bool)) | wrong
    return table


def _invalid_text_rows(column: Any) -> np.ndarray:
    """Rows of a text or list-of-text column holding bytes that are not UTF-8."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        words = _utf8_flags(array.dictionary)
        indices = array.indices.fill_null(0).to_numpy(zero_copy_only=False)
        return words[indices] if len(words) else np.zeros(len(array), dtype=bool)
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        flat = pc.list_flatten(array)
        if flat.null_count:
            flat = flat.fill_null("")
        parents = pc.list_parent_indices(array).to_numpy(zero_copy_only=False)
        wrong = np.zeros(len(array), dtype=bool)
        wrong[parents[_utf8_flags(flat)]] = True
        return wrong
    return _utf8_flags(array)


def _utf8_flags(array: Any) -> np.ndarray:
    import numpy as np
    import pyarrow as pa

    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return np.zeros(len(array), dtype=bool)
    raw = array.view(pa.binary() if pa.types.is_string(array.type) else pa.large_binary())
    flags = np.zeros(len(array), dtype=bool)
    for i, value in enumerate(raw.to_pylist()):
        if value is not None:
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                flags[i] = True
    return flags


def _nulled(column: Any, mask: np.ndarray) -> Any:
    """The column with the masked rows set to null; their bytes are dropped, never decoded."""
    import pyarrow as pa
    import pyarrow.compute as pc

    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if pa.types.is_dictionary(array.type):
        array = array.dictionary.take(array.indices)
    return pc.if_else(pa.array(mask), pa.scalar(None, array.type), array)


def _placeholder(kind: str, arrow_type: pa.DataType) -> Any:
    import pyarrow as pa

    values = {"string": "", "integer": 0, "number": float("nan"), "list": []}
    return pa.scalar(values[kind], arrow_type)


def _arrow_backed(arrow_type: pa.DataType) -> Any:
    """Text and lists stay Arrow-backed in pandas: no Python object per value, no copy."""
    import pandas as pd
    import pyarrow as pa

    types = pa.types
    if types.is_string(arrow_type) or types.is_large_string(arrow_type):
        return pd.ArrowDtype(arrow_type)
    if types.is_list(arrow_type) or types.is_large_list(arrow_type):
        return pd.ArrowDtype(arrow_type)
    return None


_KIND_WORDS: Final = {
    "string": "text",
    "integer": "whole numbers",
    "number": "numbers",
    "list": "lists of strings",
}


def _column_hint(kind: str, arrow_type: pa.DataType) -> str | None:
    import pyarrow as pa

    if kind == "integer" and pa.types.is_floating(arrow_type):
        return (
            "pandas stores whole numbers as floats when a value is missing: fill the gaps, "
            "or write the column with an integer dtype (int64 or Int64)"
        )
    if kind == "list":
        return "write the column as a list of strings (Arrow list<string>)"
    return None


def records_chunk(
    records: list[tuple[int, Any]], path: Path, emit: Emit, *, what: str = "record"
) -> Chunk:
    """A chunk from parsed JSON/YAML records: each ``(row, value)``, the value a mapping.

    The frame keeps every value as the Python object it was parsed as (``dtype=object``), so a
    string where a number belongs, or a number where a list belongs, reaches validation as is.
    A record that is not a mapping is a ``type`` problem and is left out.
    """
    import numpy as np
    import pandas as pd

    kept: list[dict[str, Any]] = []
    rows: list[int] = []
    for row, record in records:
        if not isinstance(record, dict):
            emit(
                Problem(
                    "type",
                    f"the {what} is {_json_kind(record)}, not an object with the claim's fields",
                    str(path),
                    row=row,
                    value=record,
                )
            )
            continue
        kept.append(record)
        rows.append(row)
    kept = _ordinary_fields(kept, rows, path, emit)
    frame = pd.DataFrame(kept, dtype=object) if kept else pd.DataFrame()
    for name in frame.columns:
        if KINDS.get(name) == "number":  # a missing key is missing, not the number NaN
            absent = np.fromiter((name not in r for r in kept), dtype=bool, count=len(kept))
            if absent.any():
                frame[name] = frame[name].where(~absent, None)
    return Chunk(frame.reset_index(drop=True), np.asarray(rows, dtype=np.int64))


def _ordinary_fields(
    records: list[dict[Any, Any]], rows: list[int], path: Path, emit: Emit
) -> list[dict[Any, Any]]:
    """The records with the fields no frame should be built from taken out, and reported: a
    name that is not valid Unicode (a lone surrogate), and the fields outside the schema past
    the first MAX_EXTRA_FIELDS names (a record of thousands of distinct keys would make as many
    columns, each as long as the chunk)."""
    import re

    names: set[Any] = set().union(*(r.keys() for r in records)) if records else set()
    extra = [n for n in names if n not in KINDS]
    if not extra:
        return records
    surrogate = re.compile("[\ud800-\udfff]")
    dropped = {n for n in extra if isinstance(n, str) and surrogate.search(n)}
    for name in dropped:
        for row, record in zip(rows, records, strict=True):
            if name in record:
                emit(
                    Problem(
                        "readable",
                        "a field name is not valid Unicode: it holds a lone surrogate (such as a "
                        "JSON \\ud800 escape without its partner)",
                        str(path),
                        row=row,
                        column=name,
                        hint="write the name in UTF-8, or delete the field",
                    )
                )
    rest = sorted((n for n in extra if n not in dropped), key=str)
    if len(rest) > MAX_EXTRA_FIELDS:
        over = rest[MAX_EXTRA_FIELDS:]
        dropped.update(over)
        emit(
            Problem(
                "no_extra_fields",
                f"{len(over)} more fields outside the claims schema, beyond the "
                f"{MAX_EXTRA_FIELDS} named one by one, were not read",
                str(path),
                hint=f"a claim has the {len(KINDS)} fields of the data dictionary; remove the "
                "others",
            )
        )
    if not dropped:
        return records
    return [
        {k: v for k, v in r.items() if k not in dropped} if not dropped.isdisjoint(r) else r
        for r in records
    ]


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    kinds = {
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }
    return kinds.get(type(value), f"a {type(value).__name__}")


def claim_schema() -> pa.Schema:
    """The Arrow type of every claim column, for pyarrow's JSON readers."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([(c.name, types[c.type]) for c in CLAIM_COLUMNS])


def without_absent_fields(table: pa.Table, text: bytes) -> pa.Table:
    """Drop the claim columns the explicit schema added but no record names: a field absent
    from every record is a missing column, as the careful parser reports it, not a null in
    every row."""
    absent = [
        name
        for name in KINDS
        if name in table.column_names
        and table.column(name).null_count == table.num_rows
        and f'"{name}"'.encode() not in text
    ]
    return table.drop_columns(absent) if absent else table
