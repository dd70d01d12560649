"""The Parquet reader: pyarrow reads the file in record batches, typed as it was written.

Before any page is read, what the file will cost is checked against its size (see
:mod:`.parquet_pages`): the pages' stated sizes, found in their own headers, and the number of
records. Text is read as pyarrow's dictionary arrays where the file stores it so, and each
batch is weighed as it would be once expanded: a cell of more than :data:`MAX_CELL_BYTES` is a
located problem and is not expanded, and a batch is cut into chunks of at most
:data:`MAX_CHUNK_TEXT_BYTES` of text, so a small file repeating a large value cannot claim the
memory. Columns outside the claims schema are kept only as "has a value" flags: their names
are reported, their content is never decoded into Python. Chunks then go through
``arrow_chunk``, which checks the column types and the text; a file with no records still has
its columns checked. Records count from 1, and damage found mid-file stops the reading after
the records already read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.chunks import arrow_chunk, record_ids
from iran_russia_claims.readers.common import (
    KINDS,
    MAX_EXTRA_FIELDS,
    MAX_RECORD_BYTES,
    Chunk,
    Emit,
    arrow_source,
    repeated,
    unreadable,
)
from iran_russia_claims.readers.parquet_pages import (
    PARQUET_ALLOWANCE,
    PARQUET_EXPANSION,
    PARQUET_SPARE_ROWS,
    PageError,
    costs,
)
from iran_russia_claims.spec.problem import Problem

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

#: Largest text cell (or list of text) read from Parquet, in bytes: as a JSON record.
MAX_CELL_BYTES: Final = MAX_RECORD_BYTES
#: Most items of one list cell read from Parquet (a claim names a few actors and hedges).
MAX_LIST_ITEMS: Final = 10_000
#: Most text, in bytes, one chunk of a Parquet file expands to; a batch over it is cut.
MAX_CHUNK_TEXT_BYTES: Final = 16 * 1024 * 1024
#: Kept for callers of 0.2: the limit is now on what the pages decompress to (see above).
MAX_ROW_GROUP_BYTES: Final = PARQUET_ALLOWANCE


def parquet_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The records of a Parquet file, at most ``chunk_rows`` per chunk."""
    import numpy as np
    import pyarrow as pa

    parquet = open_checked(path)
    schema = parquet.schema_arrow
    twice = sorted(repeated(schema.names))
    if twice:  # which of the two is the claims' cannot be told: refused, naming them
        raise unreadable(
            path,
            f"the file has more than one column named {', '.join(map(repr, twice))}",
            hint="rename or delete the other column, and write the file again",
        )
    columns = _columns_read(schema.names, path, emit)
    row = 1
    try:
        batches = parquet.iter_batches(batch_size=chunk_rows, columns=columns, use_threads=True)
        for batch in batches:
            table = pa.Table.from_batches([batch])
            rows = np.arange(row, row + table.num_rows, dtype=np.int64)
            for part, part_rows, bad in _weighed(table, rows, path, emit):
                yield arrow_chunk(part, part_rows, path, emit, bad)
            row += table.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(
            path,
            f"the Parquet data is damaged after record {row - 1}: {_first_line(exc)}",
            row=row,
            hint="the file may be cut short; write it again",
        ) from None
    if row == 1:  # no records: still check the columns
        empty = schema.empty_table()
        empty = empty if columns is None else empty.select(columns)
        yield arrow_chunk(empty, np.zeros(0, dtype=np.int64), path, emit)


def _columns_read(names: list[str], path: Path, emit: Emit) -> list[str] | None:
    """The columns to read: all (None), unless more than MAX_EXTRA_FIELDS lie outside the
    schema; then the schema's and the first MAX_EXTRA_FIELDS others by name, the rest named in
    one problem and never read (each column costs time and memory, whatever it holds: a file
    of 60,000 tiny columns is 10 MB), as for the fields of parsed records."""
    extra = sorted({n for n in names if n not in KINDS})
    if len(extra) <= MAX_EXTRA_FIELDS:
        return None
    emit(
        Problem(
            "no_extra_fields",
            f"{len(extra) - MAX_EXTRA_FIELDS} more columns outside the claims schema, beyond "
            f"the {MAX_EXTRA_FIELDS} named one by one, were not read",
            str(path),
            hint=f"a claim has the {len(KINDS)} columns of the data dictionary; remove the others",
        )
    )
    kept = set(extra[:MAX_EXTRA_FIELDS])
    return list(dict.fromkeys(n for n in names if n in KINDS or n in kept))


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def open_checked(path: Path) -> pq.ParquetFile:
    """The file, after its costs are checked: opened with the text that could expand past the
    limit (by the longest value of each dictionary page) read as dictionaries."""
    return checked(path)[0]


def checked(path: Path) -> tuple[pq.ParquetFile, list[str]]:
    """:func:`open_checked`, and the columns it reads as dictionaries (none: every column
    expands within the limit, whichever reader reads it)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(arrow_source(path), memory_map=False)
        metadata = parquet.metadata
        size = path.stat().st_size
        if metadata.num_rows > size + PARQUET_SPARE_ROWS:
            raise unreadable(
                path,
                f"the file says it holds {metadata.num_rows} records in {size} bytes, more "
                f"than one per byte (plus {PARQUET_SPARE_ROWS})",
                hint="a Parquet file of claims takes tens of bytes per record; write it again",
            )
        limit = PARQUET_EXPANSION * size + PARQUET_ALLOWANCE
        schema = parquet.schema
        text = {
            i: schema.column(i).path
            for i in range(len(schema))
            if schema.column(i).physical_type == "BYTE_ARRAY"  # a column outside the schema
        }  # too: pyarrow would expand its dictionaries before it is reduced to flags
        found = costs(path, metadata, set(text), limit)
        if found.pages > limit:
            raise unreadable(
                path,
                f"the file's pages decompress to {found.pages} bytes, over the limit of {limit} "
                f"({PARQUET_EXPANSION} times its size plus {PARQUET_ALLOWANCE})",
                hint="a Parquet file of claims compresses a few times at most; a file this "
                "compressed is not claims data",
            )
        # text whose dictionaries could expand past the limit is read as dictionaries, and
        # weighed batch by batch; the rest is read as plain text, as cheap as it gets
        known = sorted((most, i) for i, most in found.expansion.items() if most is not None)
        risky = [text[i] for i, most in found.expansion.items() if most is None]
        while known and sum(most for most, _ in known) > limit:
            risky.append(text[known.pop()[1]])  # the largest first
        if not risky:
            return parquet, []
        opened = pq.ParquetFile(arrow_source(path), memory_map=False, read_dictionary=risky)
        return opened, risky
    except UnicodeDecodeError:
        raise unreadable(
            path,
            "a column name or the file's metadata is not UTF-8",
            hint="write the file again with column names in UTF-8",
        ) from None
    except (pa.ArrowException, OSError, PageError) as exc:
        raise unreadable(
            path,
            f"not a readable Parquet file: {_first_line(exc)}",
            hint="the file may be cut short, or another format with a .parquet name",
        ) from None


def text_lengths(column: Any) -> Any:
    """The length in bytes of every text value (list elements too) as it would be expanded,
    in Arrow alone (no NumPy, no pandas); None for a column without text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    types = pa.types
    if types.is_list(column.type) or types.is_large_list(column.type):
        return text_lengths(pc.list_flatten(column))
    if types.is_dictionary(column.type):
        lengths = text_lengths(column.dictionary)
        return None if lengths is None else lengths.take(column.indices)
    if types.is_string(column.type) or types.is_large_string(column.type):
        return pc.binary_length(column)
    return None


def _weighed(
    table: pa.Table, rows: np.ndarray, path: Path, emit: Emit
) -> Iterator[tuple[pa.Table, np.ndarray, dict[str, np.ndarray]]]:
    """The batch, its text stored as dictionaries weighed as it would be expanded: cells over
    MAX_CELL_BYTES reported and emptied, and the batch cut into parts of at most
    MAX_CHUNK_TEXT_BYTES of such text. Columns outside the schema become "has a value"."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    weight = np.zeros(n, dtype=np.int64)
    bad: dict[str, np.ndarray] = {}
    flags: dict[int, pa.Array] = {}
    for index, name in enumerate(table.column_names):
        column = table.column(index).combine_chunks()
        if name not in KINDS:  # never decoded: only whether each cell holds something
            flags[index] = pc.if_else(
                column.is_valid(), pa.scalar(True), pa.scalar(None, pa.bool_())
            )
            continue
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            items = pc.list_value_length(column).fill_null(0).to_numpy(zero_copy_only=False)
            # millions of empty strings compress to nothing, yet cost plenty once read
            column = _not_read(table, index, rows, items, MAX_LIST_ITEMS, "items", bad, path, emit)
            table = table.set_column(index, name, column)
        if not _coded(column.type):  # plain text: what the pages hold, bounded already
            continue
        sizes = _sizes(column)
        if sizes is None:
            continue
        column = _not_read(table, index, rows, sizes, MAX_CELL_BYTES, "bytes", bad, path, emit)
        table = table.set_column(index, name, column)
        sizes = np.where(bad.get(name, False), 0, sizes)
        weight += sizes
    if flags:  # one new table: replacing tens of thousands of columns one by one is quadratic
        fields = [
            pa.field(field.name, pa.bool_()) if i in flags else field
            for i, field in enumerate(table.schema)
        ]
        arrays = [flags.get(i, table.column(i)) for i in range(table.num_columns)]
        table = pa.Table.from_arrays(arrays, schema=pa.schema(fields, table.schema.metadata))
    coded_lists = any(
        (pa.types.is_list(t) or pa.types.is_large_list(t)) and _coded(t) for t in table.schema.types
    )
    start = 0
    cumulative = np.cumsum(weight)
    while start < n:
        base = cumulative[start - 1] if start else 0
        end = int(np.searchsorted(cumulative, base + MAX_CHUNK_TEXT_BYTES, side="right"))
        end = max(end, start + 1)
        part_bad = {k: v[start:end] for k, v in bad.items()}
        # a slice of a list column keeps the whole of its items, which casting would expand:
        # taken rows hold only their own
        part = (
            table.take(pa.array(np.arange(start, end)))
            if coded_lists
            else table.slice(start, end - start)
        )
        yield part, rows[start:end], part_bad
        start = end


def _not_read(
    table: pa.Table,
    index: int,
    rows: np.ndarray,
    amounts: np.ndarray,
    limit: int,
    unit: str,
    bad: dict[str, np.ndarray],
    path: Path,
    emit: Emit,
) -> Any:
    """Column ``index`` with each cell whose amount (items, bytes) is over ``limit`` reported,
    marked bad and emptied (never expanded)."""
    import numpy as np

    name = table.column_names[index]
    column = table.column(index).combine_chunks()
    over = amounts > limit
    if not over.any():
        return column
    positions = np.flatnonzero(over)
    what = "list holds" if unit == "items" else "value is"
    for pos, record in zip(positions, record_ids(table, positions), strict=True):
        emit(
            Problem(
                "readable",
                f"the {what} {int(amounts[pos])} {unit}{' long' if unit == 'bytes' else ''}, "
                f"over the limit of {limit} for one cell: it was not read",
                str(path),
                row=int(rows[pos]),
                record_id=record,
                column=name,
            )
        )
    bad[name] = bad.get(name, np.zeros(len(amounts), dtype=bool)) | over
    return _emptied(column, over)


def _coded(arrow_type: Any) -> bool:
    """Whether a column's text is stored as a dictionary (at the top or in a list)."""
    import pyarrow as pa

    if pa.types.is_list(arrow_type) or pa.types.is_large_list(arrow_type):
        return _coded(arrow_type.value_type)
    return bool(pa.types.is_dictionary(arrow_type))


def _sizes(column: Any) -> np.ndarray | None:
    """Each cell's text in bytes, as it would be expanded (None: not text)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    types = pa.types
    n = len(column)
    if types.is_list(column.type) or types.is_large_list(column.type):
        flat = pc.list_flatten(column)
        element = _sizes(flat)
        if element is None:
            return None
        parents = pc.list_parent_indices(column).to_numpy(zero_copy_only=False)
        return np.bincount(parents, weights=element, minlength=n).astype(np.int64)
    if types.is_dictionary(column.type):
        lengths = _sizes(column.dictionary)
        if lengths is None:
            return None
        indices = column.indices.fill_null(0).to_numpy(zero_copy_only=False)
        out = lengths[indices] if len(lengths) else np.zeros(n, dtype=np.int64)
        return np.where(column.is_null().to_numpy(zero_copy_only=False), 0, out)
    if (
        types.is_string(column.type)
        or types.is_large_string(column.type)
        or types.is_binary(column.type)
    ):
        return np.asarray(pc.binary_length(column).fill_null(0).to_numpy(zero_copy_only=False),
                          dtype=np.int64)  # fmt: skip
    return None


def _emptied(column: Any, mask: np.ndarray) -> Any:
    """The column with the masked cells null, without expanding any dictionary."""
    import pyarrow as pa

    validity = pa.array(~mask)
    if pa.types.is_dictionary(column.type):
        indices = pa.compute.if_else(validity, column.indices, pa.scalar(None, column.indices.type))
        return pa.DictionaryArray.from_arrays(indices, column.dictionary)
    return pa.compute.if_else(validity, column, pa.scalar(None, column.type))
