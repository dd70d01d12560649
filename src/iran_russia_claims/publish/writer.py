"""The one writer of published tables: CSV, JSON, JSON Lines and Parquet, column by column.

Both the exports (:mod:`.export`) and the synthetic tables (:mod:`.synth`) are written here, from
an Arrow table or a Polars frame. :func:`.parquet.conform` first gives the data the published
Arrow schema of its table (real types, dictionaries over the whole vocabulary, each field's
description in its metadata, our key-value metadata), so every file carries them.
Nothing is rendered row by row:

- **CSV** (RFC 4180, LF line ends, UTF-8 without BOM): Polars' CSV writer quoting only what needs
  it, fed text columns prepared with Arrow compute: lists as compact JSON arrays, floats as
  Python's shortest ``repr``, empty strings as nothing (as :mod:`csv` writes them); a bare CR is
  quoted too.
- **JSON** (two-space indent, keys in schema order, as ``json.dumps(indent=2,
  ensure_ascii=False)``) and **JSON Lines** (one compact object per line): each value's text is
  built with Arrow compute, escaped as :mod:`json` escapes it, and the rows joined in one buffer;
  a NaN or infinite float is refused, as ``allow_nan=False`` refuses it.
- **Parquet**: zstd, one row group up to 2^20 rows, statistics, page checksums, the Arrow schema
  stored, and the row order declared (``sorting_columns``) when the caller vouches for it (it
  is checked).

:func:`render` returns a file's bytes (the exports are written as one set through
:func:`.atomic.write_files`); :func:`write` writes one file atomically
(:func:`.atomic.atomic_path`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final

from iran_russia_claims.publish.parquet import COMPRESSION, conform
from iran_russia_claims.publish.tables import Table, TableField

if TYPE_CHECKING:
    import pyarrow as pa

#: The formats written, by file extension.
FORMATS: Final = (".parquet", ".csv", ".json", ".jsonl")
#: Arrow's default zstd level: fast at any size (a million claims write faster than Polars
#: does, and smaller). The exports ask for :data:`.parquet.COMPRESSION_LEVEL`.
DEFAULT_COMPRESSION_LEVEL: Final = 1
#: Rows rendered at a time, by format, to bound memory: CSV in large chunks (Polars' writer
#: uses every core on each), JSON in smaller ones, several at once (each chunk's text is one
#: Arrow string array, which holds at most 2 GiB).
CHUNK_ROWS: Final = {".csv": 1 << 20, ".json": 1 << 17, ".jsonl": 1 << 17}
#: Threads rendering JSON chunks at once (Polars' CSV writer uses its own).
THREADS: Final = min(4, os.cpu_count() or 1)

#: What ``json.dumps`` escapes in a string (``ensure_ascii=False``), the backslash first.
_JSON_ESCAPES: Final = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    **{chr(c): f"\\u{c:04x}" for c in range(0x20) if chr(c) not in "\n\r\t\b\f"},
}
_JSON_SPECIAL: Final = r'[\x00-\x1f"\\]'


def _published(table: Table | None) -> Table:
    from iran_russia_claims.publish.tables import table as table_named

    return table if table is not None else table_named("claims")


# -- values the text formats need prepared (Arrow) ----------------------------------------------
def _buffer_bytes(text: Any) -> memoryview:
    """The concatenated bytes of a string array, straight from its data buffer (no copy)."""
    import numpy as np

    if len(text) == 0:
        return memoryview(b"")
    _, offsets_buf, data = text.buffers()
    if data is None:  # every string empty
        return memoryview(b"")
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    return memoryview(data)[int(offsets[0]) : int(offsets[-1])]


def _json_escaped(text: Any) -> Any:
    """Strings escaped as ``json.dumps`` escapes them; only the rows that need it are touched.

    Whether any does is read from the data buffer at once (almost never: ids, slugs, codes and
    hashes cannot hold such a character).
    """
    import numpy as np
    import pyarrow.compute as pc

    codes = np.frombuffer(_buffer_bytes(text), dtype=np.uint8)
    if not len(codes) or not (
        codes.min() < 0x20 or (codes == ord('"')).any() or (codes == ord("\\")).any()
    ):
        return text
    needs = pc.fill_null(pc.match_substring_regex(text, _JSON_SPECIAL), False)
    subset = text.filter(needs)
    for char, escape in _JSON_ESCAPES.items():
        subset = pc.replace_substring(subset, char, escape)
    return pc.replace_with_mask(text, needs, subset)


def _number_text(column: Any, *, finite: bool) -> Any:
    """Floats as Python's ``repr`` (what ``json.dumps`` and the csv module write), each distinct
    value (by its bits, so -0.0 stays apart from 0.0) formatted once."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    values = column.fill_null(0.0).to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(pa.array(values.view(np.int64)))
    distinct = encoded.dictionary.to_numpy().view(np.float64)
    if finite and not np.isfinite(distinct).all():
        bad = [repr(float(v)) for v in distinct if not np.isfinite(v)]
        raise ValueError(f"Out of range float values are not JSON compliant: {', '.join(bad)}")
    text = pa.array([repr(float(v)) for v in distinct], pa.string()).take(encoded.indices)
    return pc.if_else(pc.is_valid(column), text, pa.scalar(None, pa.string()))


def _prepared(column: Any, field: TableField, fmt: str) -> Any:
    """A column of a batch ready to render: text escaped for JSON (lists: their elements),
    floats as text, and for CSV empty strings as nulls (Polars would quote an empty string; the
    csv module writes it bare)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if field.type == "number":
        return _number_text(column, finite=fmt != ".csv")
    if field.type == "list":
        flat = column.flatten()
        escaped = _json_escaped(flat)
        if escaped is flat:
            return column
        offsets = pc.subtract(column.offsets, column.offsets[0])
        return pa.ListArray.from_arrays(offsets, escaped, mask=column.is_null())
    if field.type != "string":
        return column
    if pa.types.is_dictionary(column.type):  # the few distinct values, not every row
        dictionary = column.dictionary
        values = _prepared(dictionary, field, fmt)
        if values is dictionary:
            return column
        return pa.DictionaryArray.from_arrays(column.indices, values)
    if fmt != ".csv":
        return _json_escaped(column)
    if pc.any(pc.equal(column, "")).as_py():
        return pc.if_else(pc.equal(column, ""), pa.scalar(None, pa.string()), column)
    return column


# -- JSON and JSON Lines: each row's text built with Arrow compute -----------------------------
def _join(*parts: Any) -> Any:
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(*parts, "")


def _json_value(column: Any, field: TableField, indent: str | None) -> Any:
    """Each value of a prepared column as its JSON text (``null`` for a missing one)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):  # the few distinct values, not every row
        values = _json_value(column.dictionary, field, indent)
        return pc.fill_null(values.take(column.indices), "null")
    if field.type == "list":
        if indent is None:
            opening, separator, closing = '["', '","', '"]'
        else:
            opening, separator, closing = f'[\n{indent}  "', f'",\n{indent}  "', f'"\n{indent}]'
        column = column.cast(pa.list_(pa.string()))  # binary_join wants nullable elements
        joined = _join(opening, pc.binary_join(column, separator), closing)
        text = pc.if_else(pc.equal(pc.list_value_length(column), 0), "[]", joined)
    elif field.type == "string":
        text = _join('"', column, '"')
    else:  # integers; floats are text already
        text = column.cast(pa.string())
    return pc.fill_null(text, "null")


def _json_rows(batch: Any, fields: Sequence[TableField], fmt: str) -> Any:
    """Each row of ``batch`` as a JSON object followed by ``,\\n`` (JSON) or ``\\n`` (JSON
    Lines), in one join: keys and punctuation are its literal parts, which also hold the quotes
    of text without nulls."""
    import json

    import pyarrow as pa

    indent = "    " if fmt == ".json" else None
    parts: list[Any] = []
    literal = ""  # the text between two values
    for i, field in enumerate(fields):
        key = json.dumps(field.name, ensure_ascii=False)
        if fmt == ".json":
            literal += ("  {" if i == 0 else ",") + f"\n    {key}: "
        else:
            literal += ("{" if i == 0 else ",") + f"{key}:"
        column = _prepared(batch.column(field.name), field, fmt)
        if field.type == "string" and column.null_count == 0:
            if pa.types.is_dictionary(column.type):
                column = column.dictionary.take(column.indices)
            parts += [literal + '"', column]
            literal = '"'
        else:
            parts += [literal, _json_value(column, field, indent)]
            literal = ""
    parts.append(literal + ("\n  },\n" if fmt == ".json" else "}\n"))
    return _join(*parts)


# -- CSV: Polars' writer ------------------------------------------------------------------------
def _csv_batch(batch: Any, fields: Sequence[TableField], handle: BinaryIO, header: bool) -> None:
    import polars as pl
    import pyarrow as pa

    columns = [_prepared(batch.column(f.name), f, ".csv") for f in fields]
    frame = pl.from_arrow(pa.table(columns, names=[f.name for f in fields]))
    assert isinstance(frame, pl.DataFrame)
    lists = []
    for field in fields:
        if field.type == "list":
            column = pl.col(field.name)
            joined = pl.concat_str([pl.lit('["'), column.list.join('","'), pl.lit('"]')])
            text = pl.when(column.list.len() == 0).then(pl.lit("[]")).otherwise(joined)
            lists.append(text.alias(field.name))
    handle.flush()
    frame.with_columns(lists).write_csv(
        handle,
        include_header=header,
        separator=",",
        line_terminator="\n",
        quote_char='"',
        quote_style="necessary",
        null_value="",
    )
    handle.seek(0, os.SEEK_END)


# -- the text formats ---------------------------------------------------------------------------
def _in_order(render: Callable[[Any], Any], batches: Sequence[Any]) -> Iterator[Any]:
    """``render`` of each batch, in order, on up to :data:`THREADS` threads (Arrow compute
    releases the GIL), holding at most one more rendered batch than there are threads."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    if THREADS < 2 or len(batches) < 2:
        yield from map(render, batches)
        return
    with ThreadPoolExecutor(THREADS, thread_name_prefix="irc-writer") as pool:
        pending: deque[Future[Any]] = deque()
        for batch in batches:
            pending.append(pool.submit(render, batch))
            if len(pending) > THREADS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _write_text(
    data: pa.Table, fields: Sequence[TableField], fmt: str, handle: BinaryIO, chunk_rows: int
) -> None:
    """Write a text file to ``handle`` (a binary file), ``chunk_rows`` rows at a time."""
    import pyarrow as pa

    batches = [b for b in data.to_batches(max_chunksize=chunk_rows) if b.num_rows]
    if fmt == ".csv":
        if not batches:  # the header alone
            empty = [column.combine_chunks() for column in data.columns]
            batches = [pa.RecordBatch.from_arrays(empty, schema=data.schema)]
        for number, batch in enumerate(batches):
            _csv_batch(batch, fields, handle, header=number == 0)
        return
    if fmt == ".json":
        handle.write(b"[\n" if data.num_rows else b"[]\n")
    texts = _in_order(lambda batch: _buffer_bytes(_json_rows(batch, fields, fmt)), batches)
    for number, text in enumerate(texts):
        if fmt == ".json" and number == len(batches) - 1:
            handle.write(text[: len(text) - 2])  # the last object is followed by no comma
            handle.write(b"\n]\n")
        else:
            handle.write(text)


# -- Parquet --------------------------------------------------------------------------------------
def _check_sorted(data: pa.Table, table: Table, keys: Sequence[str]) -> None:
    """Refuse rows out of order: ``keys`` compared as tuples, text by code point."""
    import pyarrow.compute as pc

    if data.num_rows < 2:
        return
    before = data.slice(0, data.num_rows - 1)
    after = data.slice(1)
    ordered: Any = None
    for key in reversed(keys):
        a, b = before.column(key), after.column(key)
        if ordered is None:
            ordered = pc.less_equal(a, b)
        else:
            ordered = pc.or_(pc.less(a, b), pc.and_(pc.equal(a, b), ordered))
    if ordered is not None and not pc.all(ordered).as_py():
        raise ValueError(f"rows of {table.name!r} are not sorted by {tuple(keys)}")


def _write_parquet(
    data: pa.Table, where: Any, table: Table, sorted_by: Sequence[str], level: int
) -> None:
    import pyarrow.parquet as pq

    if sorted_by:
        _check_sorted(data, table, sorted_by)
    pq.write_table(
        data,
        where,
        compression=COMPRESSION,
        compression_level=level,
        use_dictionary=True,
        write_statistics=True,
        write_page_checksum=True,
        store_schema=True,
        sorting_columns=[pq.SortingColumn(table.field_names.index(name)) for name in sorted_by],
    )


def _decoded(data: pa.Table) -> pa.Table:
    """``data`` with every dictionary column as plain text, field metadata kept."""
    import pyarrow as pa

    for i, field in enumerate(data.schema):
        if pa.types.is_dictionary(field.type):
            plain = field.with_type(pa.string())
            data = data.set_column(i, plain, data.column(i).cast(pa.string()))
    return data


# -- the writer -----------------------------------------------------------------------------------
def _format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    return fmt


def render(
    data: Any,
    fmt: str,
    *,
    table: Table | None = None,
    metadata: Mapping[str, str] | None = None,
    sorted_by: Sequence[str] = (),
    compression_level: int = DEFAULT_COMPRESSION_LEVEL,
    outside_vocabulary: str = "raise",
    vocabularies_as_text: bool = False,
) -> bytes:
    """One file of ``data`` in ``fmt`` (an extension of :data:`FORMATS`), as bytes.

    ``table`` (default: claims), ``metadata`` and ``outside_vocabulary`` as for
    :func:`conform`; ``sorted_by`` names
    the key the rows are sorted by, checked and declared in Parquet files.
    ``vocabularies_as_text``: vocabulary columns as plain text, not dictionaries (for readers
    that cannot take a dictionary column: the Hugging Face Hub's copy, :mod:`.describe.hub`).
    """
    import pyarrow as pa

    fmt = _format(fmt)
    published = _published(table)
    conformed = conform(data, published, metadata, outside_vocabulary=outside_vocabulary)
    if vocabularies_as_text:
        conformed = _decoded(conformed)
    if fmt == ".parquet":
        sink = pa.BufferOutputStream()
        _write_parquet(conformed, sink, published, sorted_by, compression_level)
        return bytes(sink.getvalue().to_pybytes())
    buffer = io.BytesIO()
    _write_text(conformed, published.fields, fmt, buffer, CHUNK_ROWS[fmt])
    return buffer.getvalue()


def write(
    data: Any,
    path: str | Path,
    *,
    table: Table | None = None,
    metadata: Mapping[str, str] | None = None,
    sorted_by: Sequence[str] = (),
    compression_level: int = DEFAULT_COMPRESSION_LEVEL,
    chunk_rows: int | None = None,
    outside_vocabulary: str = "raise",
) -> Path:
    """Write ``data`` to ``path`` in the format its extension names, atomically; return the path.

    The file is written beside ``path`` and renamed over it when complete, so a reader sees
    the old file or the new one. ``path``'s folder must exist (FileNotFoundError otherwise).
    Arguments as for :func:`render`; ``chunk_rows`` (rows rendered at a time in text formats)
    defaults to the format's :data:`CHUNK_ROWS`.
    """
    from iran_russia_claims.publish.atomic import atomic_path

    path = Path(path)
    fmt = _format(path.suffix)
    if not path.parent.is_dir():  # as open() would: a file goes into a folder that exists
        import errno

        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(path.parent))
    published = _published(table)
    conformed = conform(data, published, metadata, outside_vocabulary=outside_vocabulary)
    with atomic_path(path) as stage:
        if fmt == ".parquet":
            _write_parquet(conformed, str(stage), published, sorted_by, compression_level)
        else:
            with stage.open("wb") as handle:
                rows = chunk_rows if chunk_rows is not None else CHUNK_ROWS[fmt]
                _write_text(conformed, published.fields, fmt, handle, rows)
    return path
