"""The CSV reader: pyarrow parses the text, then cells are decoded strictly, cell by cell.

pyarrow reads the file in order, every cell as text, with rows of at most
:data:`MAX_CSV_ROW_BYTES`; the header is parsed first with the ``csv`` module (a repeated
column is named and the first kept; a file separated by ``;``, tab or ``|`` gets a hint). A row
with the wrong number of cells is reported and skipped, with its row number (the header is row
1). A blank row (nothing but separators and white space, as spreadsheets leave at the end of a
file) is a record whose every cell is missing, at its own row number; validation reports it as an
empty row. Numbers must be written plainly (no ``+``, no spaces, no thousands separator) and list
cells must be JSON arrays of strings; any other cell is a located ``type`` problem, marked so
that no rule reads it.
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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.chunks import arrow_chunk, record_ids
from iran_russia_claims.readers.common import (
    HEAD_BYTES,
    KINDS,
    LIST_HINT,
    UTF8_HINT,
    Chunk,
    Emit,
    ReadError,
    arrow_source,
    check_encoding,
    decode_error,
    read_head,
    unique_keys,
    unreadable,
)
from iran_russia_claims.spec.problem import Problem

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


#: Longest CSV row pyarrow will hold (its block size): an unclosed quote cannot eat the memory.
MAX_CSV_ROW_BYTES: Final = 16 * 1024 * 1024
#: How a whole number and a decimal number are written in a CSV cell (the strict reader takes
#: no other form either).
INT_TEXT: Final = r"^(?:[0-9]{1,18}|-[1-9][0-9]{0,17})$"
NUMBER_TEXT: Final = (
    r"(?i)^-?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:e[+-]?[0-9]+)?|nan|inf|infinity)$"
)
#: A JSON array of strings as the exports write it: compact, no escapes. Anything else that
#: parses as an array of strings is still accepted, through the json module.
_FAST_LIST: Final = r'^\[(?:"[^"\\\x00-\x1f]*"(?:,"[^"\\\x00-\x1f]*")*)?\]$'
#: What a blank row may hold: separators and empty quotes (white space is stripped).
_BLANK: Final = str.maketrans("", "", ',"')
_INT_HINT: Final = "write a whole number in digits, e.g. 120"
_NUMBER_HINT: Final = "write a decimal number with a point, e.g. 0.7"


def csv_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The records of a CSV file with a header row, ``chunk_rows`` at a time."""
    import numpy as np
    import pyarrow as pa

    head = read_head(path)
    check_encoding(path, head)
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
    blank: list[int] = []

    def invalid_row(row: Any) -> str:
        text = row.text or ""
        if _is_blank(text):  # fewer separators than the header, or white space: an empty row
            blank.append(row.number)
            return "skip"
        skipped.append(row.number)
        if text.count('"') % 2:
            emit(
                Problem(
                    "readable",
                    "a quoted cell opened in this row is never closed, so the rest of the "
                    f"file ({_lines(text.count(chr(10)) + 1)}) reads as one cell",
                    where,
                    row=row.number,
                    value=text,
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
                    value=text,
                    hint="a cell holding a comma must be quoted; "
                    "remove stray separators or add the missing cells",
                )
            )
        return "skip"

    try:
        with _handler_errors(invalid_row) as failed:
            reader = _open_csv(path, names, keep, invalid_row, _header_lines(head))
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
        rows, is_blank, next_row = _csv_rows(next_row, table.num_rows, skipped, blank)
        if is_blank.any():  # the blank rows the parser skipped, back in place as empty records
            index = np.cumsum(~is_blank) - 1
            table = table.take(pa.array(index, mask=is_blank))
        for start in range(0, max(table.num_rows, 1), chunk_rows):
            part = table.slice(start, chunk_rows)
            if part.num_rows == 0 and yielded:
                continue
            yield _csv_chunk(part, rows[start : start + chunk_rows], path, emit)
            yielded = True
    tail = np.asarray([b for b in blank if b >= next_row], dtype=np.int64)
    for start in range(0, len(tail), chunk_rows):  # blank rows after the last record
        rows = tail[start : start + chunk_rows]
        nulls = pa.table({name: pa.nulls(len(rows), pa.string()) for name in keep})
        yield _csv_chunk(nulls, rows, path, emit)
        yielded = True
    if not yielded:  # header only: still check the columns
        empty = pa.table({name: pa.array([], pa.string()) for name in keep})
        yield _csv_chunk(empty, np.zeros(0, dtype=np.int64), path, emit)


def _csv_header(path: Path, head: bytes) -> list[str]:
    """The header row, parsed with the csv module from the first bytes of the file."""
    head = head.removeprefix(codecs.BOM_UTF8)
    end = _record_end(head)
    if end < 0 and len(head) >= HEAD_BYTES - len(codecs.BOM_UTF8):
        raise unreadable(path, f"the header row is longer than {HEAD_BYTES} bytes", row=1)
    try:
        decoded = head[: end if end >= 0 else len(head)].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise decode_error(path, exc, 0, 1) from None
    try:
        header = next(csv.reader(io.StringIO(decoded, newline="")), [])
    except csv.Error as exc:  # pragma: no cover - the csv module accepts almost anything
        raise unreadable(path, f"the header row cannot be parsed: {exc}", row=1) from None
    if not header or header == [""]:
        raise unreadable(path, "the first row is empty: a CSV file starts with its header", row=1)
    if len(header) == 1:
        for separator in (";", "\t", "|"):
            if separator in header[0] and "id" in header[0].split(separator):
                raise unreadable(
                    path,
                    f"the header is one column; the file seems separated by {separator!r}",
                    row=1,
                    hint="save it with commas as the separator",
                )
    return header


def _record_end(data: bytes) -> int:
    """Where the first CSV record ends (its line break), a quoted name holding a line break
    included; -1 when the record does not end within ``data``."""
    quoted = False
    for position, byte in enumerate(data):
        if byte == 0x22:  # '"': a doubled quote inside quotes toggles twice
            quoted = not quoted
        elif byte == 0x0A and not quoted:
            return position
    return -1


def _header_lines(head: bytes) -> int:
    """The lines the header spans (more than one where a quoted name holds a line break)."""
    end = _record_end(head.removeprefix(codecs.BOM_UTF8))
    return head[: max(end, 0)].count(b"\n") + 1


def _open_csv(
    path: Path, names: list[str], keep: list[str], invalid_row: Any, header_lines: int = 1
) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.open_csv(
        arrow_source(path),
        read_options=pacsv.ReadOptions(
            use_threads=False,  # row numbers of bad rows are known only when parsing in order
            block_size=MAX_CSV_ROW_BYTES,
            skip_rows=header_lines,
            column_names=names,
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True,
            invalid_row_handler=invalid_row,
            ignore_empty_lines=False,  # an empty line is an empty row, with its row number
        ),
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


def _csv_rows(
    first: int, count: int, skipped: list[int], blank: list[int]
) -> tuple[np.ndarray, np.ndarray, int]:
    """Row numbers of ``count`` records from ``first`` on, stepping over the skipped rows and
    with the blank rows among them put back; which of the rows are blank; the next row."""
    import numpy as np

    gaps = np.asarray([s for s in skipped if s >= first], dtype=np.int64)
    blanks = np.asarray([b for b in blank if b >= first], dtype=np.int64)
    if not count:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool), first
    candidates = np.arange(first, first + count + len(gaps) + len(blanks), dtype=np.int64)
    candidates = candidates[~np.isin(candidates, gaps)]
    empty = np.isin(candidates, blanks)
    end = int(np.flatnonzero(~empty)[count - 1]) + 1  # up to the last record of the batch
    return candidates[:end], empty[:end], int(candidates[end - 1]) + 1


def _is_blank(text: str) -> bool:
    """Whether a row's text holds nothing but separators, quotes and white space."""
    return not text.translate(_BLANK).strip()


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
        return unreadable(
            path,
            "not UTF-8: a row with the wrong number of cells holds bytes that are not UTF-8 "
            "text; the file may be Latin-1 or Windows-1252, or not a CSV file",
            row=int(bad_row.group(1)) if bad_row else row,
            hint=UTF8_HINT,
        )
    if "invalid UTF8" in message or "UTF-8" in message:
        where = ""
        if located:
            index = int(located.group(1))
            name = columns[index] if index < len(columns) else f"#{index + 1}"
            row = int(located.group(2))
            where = f" in column {name!r}"
        return unreadable(
            path,
            f"not UTF-8: a cell{where} holds bytes that are not UTF-8 text; "
            "the file may be Latin-1 or Windows-1252",
            row=row,
            hint=UTF8_HINT,
        )
    if "straddling" in message or "block size" in message:
        return unreadable(
            path,
            f"a row is longer than {MAX_CSV_ROW_BYTES // 2**20} MiB, most likely because a "
            "quoted cell is never closed",
            row=row,
            hint='check the quotes near this row; a quote inside a quoted cell is written ""',
        )
    return unreadable(path, f"the CSV cannot be parsed: {message}", row=row)


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
                (INT_TEXT, pa.int64(), _INT_HINT)
                if kind == "integer"
                else (NUMBER_TEXT, pa.float64(), _NUMBER_HINT)
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
                LIST_HINT,
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
    for pos, record, cell in zip(positions, record_ids(table, positions), cells, strict=True):
        emit(
            Problem(
                "type",
                message,
                str(path),
                row=int(rows[pos]),
                record_id=record,
                column=column,
                value=cell,
                hint=hint,
            )
        )


def _json_string_list(cell: str) -> list[str] | None:
    """The list a CSV cell holds when it is exactly a JSON array of strings, else None."""
    if not (cell.startswith("[") and cell.endswith("]")):
        return None  # no leading space or tab either: a spreadsheet could run it as a formula
    try:
        value = json.loads(cell, object_pairs_hook=unique_keys)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _objects(values: list[Any]) -> np.ndarray:
    """A 1-d object array of ``values`` as they are (NumPy would make lists of lists 2-d)."""
    import numpy as np

    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out
