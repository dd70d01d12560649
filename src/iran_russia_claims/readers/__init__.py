"""Reading a claims file of any supported format in bounded chunks, without trusting it.

Each reader yields :class:`Chunk`\\ s: a pandas frame of at most ``chunk_rows`` records, the row
number of each record, and which cells the reader has already reported, so that validation
neither misses a problem nor reports it twice. Problems met while reading (a ragged CSV row, a
cell that is not a number, a JSON line that does not parse) go to the ``emit`` callback with
their location; a file that cannot be read any further raises :class:`ReadError`, and every
chunk yielded before it stays valid, so one run still reports everything it could read.

Safety: nothing is evaluated. CSV, JSON Lines and Parquet are parsed by pyarrow, JSON by the
``json`` module, YAML by a safe loader; there is no pickle and no ``eval``. Whatever a hostile
file could inflate is bounded: the size of a CSV row, a JSON record or line, a Parquet row
group, a YAML document. Memory stays proportional to ``chunk_rows``, not to the file.

Row numbers: a CSV's header is row 1, so its first record is row 2 (blank lines are skipped, as
a spreadsheet would show them); a JSON Lines record's row is its line number; JSON, YAML and
Parquet records count from 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.report import Problem, shorten
from iran_russia_claims.vocab import CLAIM_COLUMNS, LIST_COLUMNS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

#: The formats :func:`read_chunks` reads; ``yaml`` is the curated dataset's own format.
FORMATS: Final = ("csv", "json", "jsonl", "parquet", "yaml")
EXTENSIONS: Final = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".yaml": "yaml",
    ".yml": "yaml",
}
CHUNK_ROWS: Final = 65_536
#: Longest CSV row pyarrow will hold (its block size): an unclosed quote cannot eat the memory.
MAX_CSV_ROW_BYTES: Final = 16 * 1024 * 1024
#: Longest JSON record or JSON Lines line; a claim is well under 4 KiB.
MAX_RECORD_BYTES: Final = 1024 * 1024
#: Largest Parquet row group (uncompressed) read; a 10^6-row export is about 300 MB.
MAX_ROW_GROUP_BYTES: Final = 4 * 1024**3
_JSONL_BLOCK: Final = 16 * 1024 * 1024
_HEAD_BYTES: Final = 64 * 1024

#: Each claim column's kind, from the one definition in vocab.
KINDS: Final = {c.name: c.type for c in CLAIM_COLUMNS}
_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_UTF8_HINT: Final = "save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')"
_LIST_HINT: Final = 'write a JSON array of strings, e.g. ["IRN","RUS"] (or [] for none)'
_INT_HINT: Final = "write a whole number in digits, e.g. 120"
_NUMBER_HINT: Final = "write a decimal number with a point, e.g. 0.7"

Emit = Callable[[Problem], None]


class ReadError(Exception):
    """The file cannot be read (any further); carries the ``readable`` problem saying why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(slots=True)
class Chunk:
    """Up to ``chunk_rows`` records of a file, ready for validation.

    ``bad`` marks, per column, the cells a reader has already reported (missing or of the wrong
    type): validation does not report them again, nor any rule that reads them. ``lists_checked``
    names the list columns whose cells are known to be lists of strings (Arrow typed them).
    """

    frame: pd.DataFrame
    rows: np.ndarray
    bad: dict[str, np.ndarray] = field(default_factory=dict)
    lists_checked: frozenset[str] = frozenset()


def _unreadable(
    path: Path | str, message: str, *, row: int | None = None, hint: str | None = None
) -> ReadError:
    return ReadError(Problem("readable", message, str(path), row=row, hint=hint))


def resolve(path: Path, fmt: str | None = None) -> str:
    """Check that ``path`` is a file we may read, and return the format to read it as."""
    if path.is_dir():
        inside = next((p.name for p in sorted(path.glob("claims.*"))), None)
        raise _unreadable(
            path,
            "is a directory, not a claims file",
            hint=f"pass the file inside it, e.g. {path / inside}" if inside else None,
        )
    if not path.exists():
        raise _unreadable(path, "file not found", hint="check the path and its spelling")
    return detect_format(path, fmt)


def detect_format(path: Path, fmt: str | None = None) -> str:
    """The format to read ``path`` as: ``fmt`` when given, else from its extension."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    suffix = path.suffix.lower()
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    raise _unreadable(
        path,
        f"cannot tell the format from the extension {suffix or '(none)'!r}",
        hint=f"name the file .csv, .json, .jsonl, .parquet or .yaml, or pass the format "
        f"(one of {', '.join(FORMATS)})",
    )


def read_chunks(
    path: str | Path, fmt: str | None, emit: Emit, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[Chunk]:
    """Chunks of the claims file at ``path``; raises :class:`ReadError` where reading stops."""
    path = Path(path)
    fmt = resolve(path, fmt)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise _unreadable(path, "file not found", hint="check the path and its spelling") from None
    except OSError as exc:
        raise _unreadable(path, f"cannot read: {exc.strerror}") from None
    if size == 0:
        return
    readers: dict[str, Callable[[Path, Emit, int], Iterator[Chunk]]] = {
        "csv": _read_csv,
        "json": _read_json,
        "jsonl": _read_jsonl,
        "parquet": _read_parquet,
        "yaml": _read_yaml,
    }
    try:
        yield from readers[fmt](path, emit, chunk_rows)
    except PermissionError:
        raise _unreadable(path, "permission denied") from None
    except IsADirectoryError:  # pragma: no cover - caught above; a race at most
        raise _unreadable(path, "is a directory, not a claims file") from None


# -- shared: Arrow tables and Python records to chunks --------------------------------------------
def _ids(table: pa.Table, positions: np.ndarray) -> list[str | None]:
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
        for pos, record in zip(positions, _ids(table, positions), strict=True):
            emit(
                Problem(
                    "readable",
                    "the text is not UTF-8",
                    str(path),
                    row=int(rows[pos]),
                    record_id=record,
                    column=name,
                    hint=_UTF8_HINT,
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


def arrow_chunk(
    table: pa.Table,
    rows: np.ndarray,
    path: Path,
    emit: Emit,
    bad: dict[str, np.ndarray] | None = None,
) -> Chunk:
    """A chunk from an Arrow table: typed columns checked as columns, then one pandas frame.

    A column whose Arrow type cannot hold its values (text in ``start``, floats in ``end``) is
    one problem for the column, not one per cell; a null cell is ``required``; a list with a
    null element is a ``type`` problem. This is the single point where Arrow becomes pandas.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    bad = dict(bad or {})
    checked: set[str] = set()
    columns: dict[str, Any] = {}
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
            nulls = column.is_null().to_numpy(zero_copy_only=False) & ~mask
            positions = np.flatnonzero(nulls)
            ids = _ids(table, positions)
            for pos, record in zip(positions, ids, strict=True):
                emit(
                    Problem(
                        "required",
                        "the value is missing",
                        where,
                        row=int(rows[pos]),
                        record_id=record,
                        column=name,
                    )
                )
            mask = mask | column.is_null().to_numpy(zero_copy_only=False)
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
                for pos, record in zip(positions, _ids(table, positions), strict=True):
                    emit(
                        Problem(
                            "type",
                            "the list holds a null element; it must hold only strings",
                            where,
                            row=int(rows[pos]),
                            record_id=record,
                            column=name,
                            hint=_LIST_HINT,
                        )
                    )
                mask = mask.copy()
                mask[positions] = True
            checked.add(name)
        elif kind == "integer" and column.type != pa.int64():
            too_big = pc.greater(column, pa.scalar(2**63 - 1, pa.uint64()))
            if pa.types.is_uint64(column.type) and pc.any(too_big).as_py():
                positions = np.flatnonzero(too_big.to_numpy(zero_copy_only=False) & ~mask)
                for pos, record in zip(positions, _ids(table, positions), strict=True):
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
    return Chunk(frame, rows, bad, frozenset(checked))


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
                    value=shorten(record),
                )
            )
            continue
        kept.append(record)
        rows.append(row)
    frame = pd.DataFrame(kept, dtype=object) if kept else pd.DataFrame()
    for name in frame.columns:
        if KINDS.get(name) == "number":  # a missing key is missing, not the number NaN
            absent = np.fromiter((name not in r for r in kept), dtype=bool, count=len(kept))
            if absent.any():
                frame[name] = frame[name].where(~absent, None)
    return Chunk(frame.reset_index(drop=True), np.asarray(rows, dtype=np.int64))


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array of ``values`` as they are (NumPy would make lists of lists 2-d)."""
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


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


def _batched(items: list[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that refuses a key given twice (json keeps the last one silently)."""
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKeyError(key)
            seen.add(key)
    return mapping


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(f"the field {key!r} is given twice in one object")
        self.key = key


def _check_encoding(path: Path, head: bytes) -> None:
    """Refuse UTF-16/32 text and binary data up front, with a message that says which."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            raise _unreadable(path, f"the file is {name} text, not UTF-8", hint=_UTF8_HINT)
    if b"\x00" in head:
        raise _unreadable(
            path,
            "the file holds NUL bytes: it is binary, or UTF-16 text without a byte order mark",
            hint=_UTF8_HINT,
        )


def _head(path: Path, size: int = _HEAD_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def _decode_error(path: Path, exc: UnicodeDecodeError, offset: int, row: int | None) -> ReadError:
    byte = exc.object[exc.start : exc.start + 1].hex() if exc.object else "?"
    return _unreadable(
        path,
        f"not UTF-8: byte 0x{byte} at byte offset {offset + exc.start} cannot be decoded "
        f"({exc.reason}); the file may be Latin-1 or Windows-1252",
        row=row,
        hint=_UTF8_HINT,
    )


# -- CSV -----------------------------------------------------------------------------------------
_INT_TEXT: Final = r"^(?:[0-9]{1,18}|-[1-9][0-9]{0,17})$"
_NUMBER_TEXT: Final = (
    r"(?i)^-?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?|nan|inf|infinity)$"
)
#: A JSON array of strings as the exports write it: compact, no escapes. Anything else that
#: parses as an array of strings is still accepted, through the json module.
_FAST_LIST: Final = r'^\[(?:"[^"\\\x00-\x1f]*"(?:,"[^"\\\x00-\x1f]*")*)?\]$'


def _csv_header(path: Path, head: bytes) -> list[str]:
    """The header row, parsed with the csv module from the first bytes of the file."""
    head = head.removeprefix(codecs.BOM_UTF8)
    end = head.find(b"\n")
    if end < 0 and len(head) >= _HEAD_BYTES - len(codecs.BOM_UTF8):
        raise _unreadable(path, f"the header row is longer than {_HEAD_BYTES} bytes", row=1)
    try:
        decoded = head[: end if end >= 0 else len(head)].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _decode_error(path, exc, 0, 1) from None
    try:
        header = next(csv.reader(io.StringIO(decoded, newline="")), [])
    except csv.Error as exc:  # pragma: no cover - the csv module accepts almost anything
        raise _unreadable(path, f"the header row cannot be parsed: {exc}", row=1) from None
    if not header or header == [""]:
        raise _unreadable(path, "the first row is empty: a CSV file starts with its header", row=1)
    if len(header) == 1:
        for separator in (";", "\t", "|"):
            if separator in header[0] and "id" in header[0].split(separator):
                raise _unreadable(
                    path,
                    f"the header is one column; the file seems separated by {separator!r}",
                    row=1,
                    hint="save it with commas as the separator",
                )
    return header


def _read_csv(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    import numpy as np
    import pyarrow as pa

    head = _head(path)
    _check_encoding(path, head)
    header = _csv_header(path, head)
    where = str(path)
    names: list[str] = []
    keep: list[str] = []
    for number, name in enumerate(header):
        if name in keep:
            emit(
                Problem(
                    "no_extra_fields",
                    f"the header names column {name!r} twice (columns {header.index(name) + 1} "
                    f"and {number + 1}); the second is ignored",
                    where,
                    row=1,
                    column=name,
                    hint="delete or rename the second column",
                )
            )
            names.append(f"\x00duplicate {number}")
        else:
            names.append(name)
            keep.append(name)
    skipped: list[int] = []

    def invalid_row(row: Any) -> str:
        skipped.append(row.number)
        text = row.text or ""
        if text.count('"') % 2:
            emit(
                Problem(
                    "readable",
                    "a quoted cell opened in this row is never closed, so the rest of the "
                    f"file ({_lines(text.count(chr(10)) + 1)}) reads as one cell",
                    where,
                    row=row.number,
                    value=shorten(text),
                    hint='close the quote; a quote inside a quoted cell is written ""',
                )
            )
        else:
            rule = "required" if row.actual_columns < row.expected_columns else "no_extra_fields"
            emit(
                Problem(
                    rule,
                    f"the row has {row.actual_columns} cells, the header {row.expected_columns}; "
                    f"the row was not checked further",
                    where,
                    row=row.number,
                    value=shorten(text),
                    hint="a cell holding a comma must be quoted; "
                    "remove stray separators or add the missing cells",
                )
            )
        return "skip"

    try:
        with _handler_errors(invalid_row) as failed:
            reader = _open_csv(path, names, keep, invalid_row)
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, str(exc), keep, 2, failed) from None
    next_row = 2
    yielded = False
    while True:
        try:
            with _handler_errors(invalid_row) as failed:
                batch = reader.read_next_batch()
        except StopIteration:
            break
        except pa.ArrowInvalid as exc:
            raise _csv_error(path, str(exc), keep, next_row, failed) from None
        table = pa.Table.from_batches([batch])
        rows, next_row = _csv_rows(next_row, table.num_rows, skipped)
        for start in range(0, max(table.num_rows, 1), chunk_rows):
            part = table.slice(start, chunk_rows)
            if part.num_rows == 0 and yielded:
                continue
            yield _csv_chunk(part, rows[start : start + chunk_rows], path, emit)
            yielded = True
    if not yielded:  # header only: still check the columns
        empty = pa.table({name: pa.array([], pa.string()) for name in keep})
        yield _csv_chunk(empty, np.zeros(0, dtype=np.int64), path, emit)


def _open_csv(path: Path, names: list[str], keep: list[str], invalid_row: Any) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.open_csv(
        str(path),
        read_options=pacsv.ReadOptions(
            use_threads=False,  # row numbers of bad rows are known only when parsing in order
            block_size=MAX_CSV_ROW_BYTES,
            skip_rows=1,
            column_names=names,
        ),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=invalid_row),
        convert_options=pacsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            include_columns=keep,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def _lines(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


def _csv_rows(first: int, count: int, skipped: list[int]) -> tuple[np.ndarray, int]:
    """Row numbers of ``count`` records from ``first`` on, stepping over the skipped rows."""
    import numpy as np

    gaps = np.asarray([s for s in skipped if s >= first], dtype=np.int64)
    candidates = np.arange(first, first + count + len(gaps), dtype=np.int64)
    rows = candidates[~np.isin(candidates, gaps)][:count]
    return rows, int(rows[-1]) + 1 if count else first


@contextmanager
def _handler_errors(handler: Callable[..., Any]) -> Iterator[list[BaseException]]:
    """Collect the errors pyarrow raises around our invalid-row handler (it decodes a bad row's
    text before calling it, and a row that is not UTF-8 fails there). Python would print them
    with a traceback as "ignored"; every other unraisable error goes to the usual hook."""
    failed: list[BaseException] = []
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if unraisable.object is handler and unraisable.exc_value is not None:
            failed.append(unraisable.exc_value)
        else:
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield failed
    finally:
        sys.unraisablehook = previous


def _csv_error(
    path: Path, message: str, columns: list[str], row: int, failed: Sequence[BaseException] = ()
) -> ReadError:
    located = re.search(r"column #(\d+): Row #(\d+)", message)
    bad_row = re.search(r"Row #(\d+)", message)
    if any(isinstance(e, UnicodeDecodeError) for e in failed):
        return _unreadable(
            path,
            "not UTF-8: a row with the wrong number of cells holds bytes that are not UTF-8 "
            "text; the file may be Latin-1 or Windows-1252, or not a CSV file",
            row=int(bad_row.group(1)) if bad_row else row,
            hint=_UTF8_HINT,
        )
    if "invalid UTF8" in message or "UTF-8" in message:
        where = ""
        if located:
            index = int(located.group(1))
            name = columns[index] if index < len(columns) else f"#{index + 1}"
            row = int(located.group(2))
            where = f" in column {name!r}"
        return _unreadable(
            path,
            f"not UTF-8: a cell{where} holds bytes that are not UTF-8 text; "
            "the file may be Latin-1 or Windows-1252",
            row=row,
            hint=_UTF8_HINT,
        )
    if "straddling" in message or "block size" in message:
        return _unreadable(
            path,
            f"a row is longer than {MAX_CSV_ROW_BYTES // 2**20} MiB, most likely because a "
            "quoted cell is never closed",
            row=row,
            hint='check the quotes near this row; a quote inside a quoted cell is written ""',
        )
    return _unreadable(path, f"the CSV cannot be parsed: {message}", row=row)


def _csv_chunk(table: pa.Table, rows: np.ndarray, path: Path, emit: Emit) -> Chunk:
    """Decode the text cells of a CSV batch: numbers, and lists written as JSON arrays.

    A cell that does not decode is a located ``type`` problem; its value becomes null and its
    cell is marked, so the rules that read it are not run on a guess.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = table.num_rows
    bad: dict[str, np.ndarray] = {}
    slow: dict[str, list[tuple[int, list[str]]]] = {}
    columns: dict[str, Any] = {}
    for name in table.column_names:
        text = table.column(name)
        kind = KINDS.get(name)
        if kind in ("integer", "number"):
            pattern, target, hint = (
                (_INT_TEXT, pa.int64(), _INT_HINT)
                if kind == "integer"
                else (_NUMBER_TEXT, pa.float64(), _NUMBER_HINT)
            )
            ok = pc.match_substring_regex(text, pattern)
            wrong = _true(pc.invert(ok), n)
            _emit_cells(
                emit,
                table,
                rows,
                path,
                name,
                wrong,
                text,
                "not a whole number" if kind == "integer" else "not a number",
                hint,
            )
            bad[name] = wrong
            columns[name] = pc.cast(pc.if_else(ok, text, pa.scalar(None, pa.string())), target)
        elif kind == "list":
            ok = pc.match_substring_regex(text, _FAST_LIST)
            inner = pc.utf8_slice_codeunits(text, 2, -2)
            lists = pc.if_else(
                pc.equal(text, "[]"),
                pa.scalar([], pa.list_(pa.string())),
                pc.split_pattern(inner, '","'),
            )
            lists = pc.if_else(ok, lists, pa.scalar(None, pa.list_(pa.string())))
            others = np.flatnonzero(_true(pc.invert(ok), n))
            wrong = np.zeros(n, dtype=bool)
            parsed: list[tuple[int, list[str]]] = []
            for pos, cell in zip(others, text.take(pa.array(others)).to_pylist(), strict=True):
                value = _json_string_list(cell)
                if value is None:
                    wrong[pos] = True
                else:
                    parsed.append((int(pos), value))
            _emit_cells(
                emit,
                table,
                rows,
                path,
                name,
                wrong,
                text,
                "not a JSON array of strings",
                _LIST_HINT,
            )
            # cells parsed by json are null in Arrow: marked here, filled in below
            bad[name] = wrong.copy()
            bad[name][[pos for pos, _ in parsed]] = True
            slow[name] = parsed
            columns[name] = lists
        else:
            columns[name] = text
    chunk = arrow_chunk(pa.table(columns, schema=None) if columns else table, rows, path, emit, bad)
    for name, parsed in slow.items():
        if not parsed:
            continue
        values = chunk.frame[name].to_numpy(dtype=object, copy=True)
        values[[pos for pos, _ in parsed]] = _objects([value for _, value in parsed])
        chunk.frame[name] = values
        chunk.bad[name][[pos for pos, _ in parsed]] = False
    return chunk


def _true(mask: Any, n: int) -> np.ndarray:
    """An Arrow boolean array as NumPy, null counting as False."""
    import numpy as np
    import pyarrow as pa

    if n == 0:
        return np.zeros(0, dtype=bool)
    return np.asarray(mask.fill_null(pa.scalar(False)).to_numpy(zero_copy_only=False), dtype=bool)


def _emit_cells(
    emit: Emit,
    table: pa.Table,
    rows: np.ndarray,
    path: Path,
    column: str,
    wrong: np.ndarray,
    text: Any,
    message: str,
    hint: str,
) -> None:
    import numpy as np
    import pyarrow as pa

    positions = np.flatnonzero(wrong)
    if not len(positions):
        return
    cells = text.take(pa.array(positions)).to_pylist()
    for pos, record, cell in zip(positions, _ids(table, positions), cells, strict=True):
        emit(
            Problem(
                "type",
                message,
                str(path),
                row=int(rows[pos]),
                record_id=record,
                column=column,
                value=shorten(cell),
                hint=hint,
            )
        )


def _json_string_list(cell: str) -> list[str] | None:
    """The list a CSV cell holds when it is exactly a JSON array of strings, else None."""
    if not (cell.startswith("[") and cell.endswith("]")):
        return None  # no leading space or tab either: a spreadsheet could run it as a formula
    try:
        value = json.loads(cell, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


# -- JSON Lines ------------------------------------------------------------------------------------
#: Two objects on one line: pyarrow would read both, and the record count could not show that
#: a blank line elsewhere shifted the line numbers.
_TWO_ON_A_LINE: Final = re.compile(rb"\}[ \t\r]*\{")


def _jsonl_schema(names: Any = None) -> pa.Schema:
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    return pa.schema([(c.name, types[c.type]) for c in CLAIM_COLUMNS])


def _read_jsonl(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    _check_encoding(path, _head(path, 4))
    for line, block in _line_blocks(path, emit):
        if line == 1:
            block = block.removeprefix(codecs.BOM_UTF8)
        yield from _jsonl_block(path, block, line, emit, chunk_rows)


def _line_blocks(path: Path, emit: Emit) -> Iterator[tuple[int, bytes]]:
    """Blocks of whole lines (about ``_JSONL_BLOCK`` bytes), each with its first line's number.

    A line too long to hold is reported and skipped, so memory stays bounded.
    """
    line = 1
    skipping = False
    pending = b""
    with path.open("rb") as handle:
        while True:
            data = handle.read(_JSONL_BLOCK)
            if not data:
                if pending and not skipping:
                    yield line, pending
                return
            buffer, pending = pending + data, b""
            if skipping:
                cut = buffer.find(b"\n")
                if cut < 0:
                    continue
                buffer, line, skipping = buffer[cut + 1 :], line + 1, False
            cut = buffer.rfind(b"\n") + 1
            if cut == 0:
                if len(buffer) > MAX_RECORD_BYTES:
                    emit(
                        Problem(
                            "readable",
                            f"the line is longer than {MAX_RECORD_BYTES} bytes; it was skipped",
                            str(path),
                            row=line,
                        )
                    )
                    skipping = True
                else:
                    pending = buffer
                continue
            block, pending = buffer[:cut], buffer[cut:]
            yield line, block
            line += block.count(b"\n")


def _jsonl_block(
    path: Path, block: bytes, line: int, emit: Emit, chunk_rows: int
) -> Iterator[Chunk]:
    """Whole lines of JSON Lines: pyarrow when every line is a plain claim object, else json."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.json as pajson

    if not block:
        return
    lines = block.count(b"\n") + (0 if block.endswith(b"\n") else 1)
    if not _TWO_ON_A_LINE.search(block):  # then a blank line shows as a missing record
        try:
            table = pajson.read_json(
                io.BytesIO(block),
                read_options=pajson.ReadOptions(use_threads=True, block_size=1 << 20),
                parse_options=pajson.ParseOptions(
                    explicit_schema=_jsonl_schema(), unexpected_field_behavior="infer"
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            table = None
        if table is not None:
            table = _without_absent_fields(table, block)
        if table is not None and table.num_rows == lines:
            rows = np.arange(line, line + lines, dtype=np.int64)
            for start in range(0, lines, chunk_rows):
                yield arrow_chunk(
                    table.slice(start, chunk_rows), rows[start : start + chunk_rows], path, emit
                )
            return
    records: list[tuple[int, Any]] = []
    for number, raw in enumerate(block.split(b"\n"), start=line):
        value = _jsonl_value(path, raw, number, emit)
        if value is not _SKIP:
            records.append((number, value))
        if len(records) >= chunk_rows:
            yield records_chunk(records, path, emit)
            records = []
    if records:
        yield records_chunk(records, path, emit)


_SKIP: Final = object()


def _duplicate_key(path: Path, row: int, exc: _DuplicateKeyError) -> Problem:
    return Problem(
        "no_extra_fields",
        f"{exc}; only one value is allowed, and the last one was checked",
        str(path),
        row=row,
        column=exc.key,
        hint="delete one of the two",
    )


def _jsonl_value(path: Path, raw: bytes, number: int, emit: Emit) -> Any:
    """One line's value; blank lines are skipped, bad lines reported as unreadable."""
    if not raw.strip():
        return _SKIP
    if len(raw) > MAX_RECORD_BYTES:
        emit(
            Problem(
                "readable",
                f"the line is longer than {MAX_RECORD_BYTES} bytes",
                str(path),
                row=number,
            )
        )
        return _SKIP
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        emit(
            Problem(
                "readable",
                f"the line is not UTF-8: byte 0x{raw[exc.start : exc.start + 1].hex()} at column "
                f"{exc.start + 1} cannot be decoded ({exc.reason})",
                str(path),
                row=number,
                hint=_UTF8_HINT,
            )
        )
        return _SKIP
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except _DuplicateKeyError as exc:
        emit(_duplicate_key(path, number, exc))
        return json.loads(text)  # parsed before: the last value of each key, as json keeps it
    except json.JSONDecodeError as exc:
        emit(
            Problem(
                "readable",
                f"the line is not valid JSON: {exc.msg} at column {exc.colno}",
                str(path),
                row=number,
                value=shorten(text),
                hint="the line ends inside a value: cut short?"
                if exc.pos >= len(text.rstrip())
                else None,
            )
        )
    except (ValueError, RecursionError) as exc:
        emit(Problem("readable", f"the line is not valid JSON: {exc}", str(path), row=number))
    return _SKIP


# -- JSON ------------------------------------------------------------------------------------------
#: The comma between two records of an array. Inside a block of whole records it becomes a
#: line break for pyarrow. Where the pattern is not a record separator the result cannot parse
#: (a raw line break inside a string, or a list of objects missing its comma), so pyarrow fails
#: and the careful parser takes over: the fast path never changes what a file means.
_SEPARATOR: Final = re.compile(rb"\}[ \t\r\n]*,[ \t\r\n]*\{")
_JSON_BLOCK: Final = 16 * 1024 * 1024


def _read_json(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """A JSON array: pyarrow on blocks of whole records while they parse cleanly; from the
    first block that does not, the careful record-by-record parser, which explains why."""
    import numpy as np

    _check_encoding(path, _head(path, 4))
    number, offset, line = 1, 0, 1
    for block, size, newlines, last in _json_blocks(path):
        table = _json_block_table(block, first=offset == 0, last=last)
        if table is None:
            break
        rows = np.arange(number, number + table.num_rows, dtype=np.int64)
        for start in range(0, table.num_rows, chunk_rows):
            yield arrow_chunk(
                table.slice(start, chunk_rows), rows[start : start + chunk_rows], path, emit
            )
        number += table.num_rows
        offset += size
        line += newlines
        if last:
            return
    batch: list[tuple[int, Any]] = []
    try:
        for row, value in _json_array(path, emit, offset=offset, number=number, line=line):
            batch.append((row, value))
            if len(batch) >= chunk_rows:
                yield records_chunk(batch, path, emit)
                batch = []
    except ReadError:  # the records read before a damaged one are still checked
        if batch:
            yield records_chunk(batch, path, emit)
        raise
    if batch:
        yield records_chunk(batch, path, emit)


def _json_blocks(path: Path) -> Iterator[tuple[bytes, int, int, bool]]:
    """Blocks of whole records of a JSON array, split at record separators: each block, the
    bytes and line breaks it spans up to the next record (separator included), and whether it
    is the last."""
    pending = b""
    with path.open("rb") as handle:
        while True:
            data = handle.read(_JSON_BLOCK)
            buffer, pending = pending + data, b""
            if not data:
                yield buffer, len(buffer), buffer.count(b"\n"), True
                return
            cut = None
            for match in _SEPARATOR.finditer(buffer, max(0, len(buffer) - 2**20)):
                cut = match
            if cut is None:
                *_, cut = (None, *_SEPARATOR.finditer(buffer))
            if cut is None:
                if len(buffer) > 4 * _JSON_BLOCK:
                    return  # a record this long: the careful parser reports it
                pending = buffer
                continue
            end = cut.end() - 1  # the next record's "{"
            yield buffer[: cut.start() + 1], end, buffer[:end].count(b"\n"), False
            pending = buffer[end:]


def _json_block_table(block: bytes, *, first: bool, last: bool) -> pa.Table | None:
    """The records of one block as an Arrow table, or None if pyarrow cannot vouch for them."""
    import pyarrow as pa
    import pyarrow.json as pajson

    body = block
    if first:
        body = body.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
        if not body.startswith(b"["):
            return None
        body = body[1:].lstrip(b" \t\r\n")
    if last:
        body = body.rstrip(b" \t\r\n")
        if not body.endswith(b"]"):
            return None
        body = body[:-1].rstrip(b" \t\r\n")
    if not body:
        return pa.table({}) if first and last else None
    if not body.startswith(b"{"):
        return None
    body, separators = _SEPARATOR.subn(b"}\n{", body)
    try:
        table = pajson.read_json(
            io.BytesIO(body),
            read_options=pajson.ReadOptions(use_threads=True, block_size=1 << 20),
            parse_options=pajson.ParseOptions(
                explicit_schema=_jsonl_schema(),
                unexpected_field_behavior="infer",
                newlines_in_values=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows != separators + 1:
        return None
    return _without_absent_fields(table, body)


def _without_absent_fields(table: pa.Table, text: bytes) -> pa.Table:
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


_SPACE: Final = re.compile(r"[ \t\r\n]*")


class _JsonText:
    """UTF-8 text of a file read in blocks, with enough look-ahead to parse one record."""

    def __init__(self, path: Path, offset: int = 0, line: int = 1) -> None:
        self.path = path
        self.handle = path.open("rb")
        self.handle.seek(offset)
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.bytes_read = offset
        self.line = line  # line number of buffer[0]
        self.column = 1  # column of buffer[0]
        self.first = offset == 0

    def close(self) -> None:
        self.handle.close()

    def fill(self) -> None:
        """Make sure ``MAX_RECORD_BYTES`` characters lie ahead of ``pos`` (or the file ends)."""
        while not self.eof and len(self.buffer) - self.pos < MAX_RECORD_BYTES:
            data = self.handle.read(4 * MAX_RECORD_BYTES)
            if self.first:
                data = data.removeprefix(codecs.BOM_UTF8)
                self.first = False
            try:
                text = self.decoder.decode(data, final=not data)
            except UnicodeDecodeError as exc:
                raise _decode_error(self.path, exc, self.bytes_read, None) from None
            self.bytes_read += len(data)
            self.eof = not data
            if self.pos > 4 * MAX_RECORD_BYTES:  # drop what was parsed
                consumed = self.buffer[: self.pos]
                newlines = consumed.count("\n")
                if newlines:
                    self.line += newlines
                    self.column = self.pos - consumed.rfind("\n")
                else:
                    self.column += self.pos
                self.buffer, self.pos = self.buffer[self.pos :], 0
            self.buffer += text

    def skip_space(self) -> str:
        """The next non-blank character ('' at the end), with ``pos`` on it."""
        while True:
            self.fill()
            match = _SPACE.match(self.buffer, self.pos)
            self.pos = match.end() if match else self.pos
            if self.pos < len(self.buffer) or self.eof:
                return self.buffer[self.pos : self.pos + 1]

    def where(self, pos: int) -> str:
        before = self.buffer[:pos]
        newlines = before.count("\n")
        column = pos - before.rfind("\n") if newlines else self.column + pos
        return f"line {self.line + newlines}, column {column}"


def _json_array(
    path: Path, emit: Emit, *, offset: int = 0, number: int = 1, line: int = 1
) -> Iterator[tuple[int, Any]]:
    """The elements of a top-level JSON array, parsed one by one (memory: one record).

    From ``offset`` > 0, the parse resumes inside the array at record ``number``, which starts
    on ``line``.
    """
    decoder = json.JSONDecoder(object_pairs_hook=_unique_keys)
    text = _JsonText(path, offset, line)
    resumed = offset > 0
    number -= 1
    try:
        if resumed:
            pass
        elif text.skip_space() != "[":
            raise _unreadable(
                path,
                f"expected a JSON array of claim objects; the file starts with "
                f"{text.buffer[text.pos : text.pos + 20]!r}",
                hint="export a list of records, e.g. DataFrame.to_json(orient='records')",
            )
        else:
            text.pos += 1
        while True:
            char = text.skip_space()
            if char == "]" and number == 0 and not resumed:
                text.pos += 1
                break
            number += 1
            if char == "":
                raise _truncated(path, number, text)
            try:
                value, end = decoder.raw_decode(text.buffer, text.pos)
            except _DuplicateKeyError as exc:
                emit(_duplicate_key(path, number, exc))
                value, end = json.JSONDecoder().raw_decode(text.buffer, text.pos)
                yield number, value
            except json.JSONDecodeError as exc:
                rest = len(text.buffer.rstrip())
                if text.eof and (exc.pos >= rest or exc.msg.startswith("Unterminated string")):
                    raise _truncated(path, number, text) from None
                if not text.eof and (
                    exc.pos >= rest - 1 or exc.msg.startswith("Unterminated string")
                ):  # MAX_RECORD_BYTES were at hand and the record did not end in them
                    raise _unreadable(
                        path,
                        f"record {number} is longer than {MAX_RECORD_BYTES} characters, or a "
                        "string in it is never closed",
                        row=number,
                    ) from None
                raise _unreadable(
                    path,
                    f"not valid JSON at {text.where(exc.pos)}: {exc.msg}",
                    row=number,
                ) from None
            except (ValueError, RecursionError) as exc:
                raise _unreadable(
                    path, f"record {number} cannot be read: {exc}", row=number
                ) from None
            else:
                yield number, value
            text.pos = end
            char = text.skip_space()
            if char == ",":
                text.pos += 1
                continue
            if char == "]":
                text.pos += 1
                break
            if char == "":
                raise _truncated(path, number + 1, text)
            raise _unreadable(
                path,
                f"not valid JSON at {text.where(text.pos)}: expected ',' or ']' after record "
                f"{number}",
                row=number,
            )
        if text.skip_space() != "":
            raise _unreadable(path, f"unexpected data after the array at {text.where(text.pos)}")
    finally:
        text.close()


def _truncated(path: Path, number: int, text: _JsonText) -> ReadError:
    return _unreadable(
        path,
        f"the JSON ends inside record {number} ({text.where(len(text.buffer))}): "
        "the file is cut short",
        row=number,
        hint="write the file again; the records before this one were checked",
    )


# -- Parquet ---------------------------------------------------------------------------------------
def _read_parquet(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(str(path), memory_map=False)
        metadata = parquet.metadata
        for group in range(metadata.num_row_groups):
            size = metadata.row_group(group).total_byte_size
            if size > MAX_ROW_GROUP_BYTES:
                raise _unreadable(
                    path,
                    f"row group {group} holds {size} bytes uncompressed, over the limit of "
                    f"{MAX_ROW_GROUP_BYTES}",
                    hint="write the file with smaller row groups (row_group_size)",
                )
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(
            path,
            f"not a readable Parquet file: {exc}",
            hint="the file may be cut short, or another format with a .parquet name",
        ) from None
    row = 1
    try:
        for batch in parquet.iter_batches(batch_size=chunk_rows, use_threads=True):
            table = pa.Table.from_batches([batch])
            rows = np.arange(row, row + table.num_rows, dtype=np.int64)
            yield arrow_chunk(table, rows, path, emit)
            row += table.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise _unreadable(
            path,
            f"the Parquet data is damaged after record {row - 1}: {exc}",
            row=row,
            hint="the file may be cut short; write it again",
        ) from None
    if row == 1:  # no records: still check the columns
        yield arrow_chunk(schema.empty_table(), np.zeros(0, dtype=np.int64), path, emit)


# -- YAML (the curated dataset's own format) -------------------------------------------------------
def _read_yaml(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    from iran_russia_claims.readers.safe_yaml import read_yaml
    from iran_russia_claims.report import DataError

    _check_encoding(path, _head(path, 4))
    try:
        data = read_yaml(path)
    except DataError as error:
        problem = error.problems[0]
        raise ReadError(problem) from None
    if isinstance(data, dict) and isinstance(data.get("claims"), list):
        items = data["claims"]
    elif isinstance(data, list):
        items = data
    else:
        raise _unreadable(
            path,
            "expected a mapping with a list under 'claims' (as in dataset/claims.yaml) "
            "or a list of claims",
        )
    records = list(enumerate(items, start=1))
    for batch in _batched(records, chunk_rows):
        yield records_chunk(batch, path, emit, what="claim")


__all__ = [
    "CHUNK_ROWS",
    "EXTENSIONS",
    "FORMATS",
    "LIST_COLUMNS",
    "Chunk",
    "ReadError",
    "arrow_chunk",
    "detect_format",
    "read_chunks",
    "records_chunk",
]
