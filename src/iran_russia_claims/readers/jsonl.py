"""The JSON Lines reader: one claim object per line, by pyarrow while the lines are plain.

The file is read in blocks of whole lines (about 4 MiB). A block whose every line is one claim
object with only the claim's fields goes through pyarrow's JSON reader; otherwise (a field
outside the schema, a blank line, two objects on one line, a line that does not parse) each
line is parsed by the ``json`` module, and a bad line is reported with its line number and
skipped, while the other lines are still read. A record's row is its line number, and a line
longer than :data:`MAX_RECORD_BYTES` is reported and skipped without being held in memory.
pyarrow never infers the type of a field outside the schema: it would recurse in C through a
deeply nested value until the stack overflows, and make a value with thousands of distinct
keys as many columns.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from iran_russia_claims.readers.chunks import (
    arrow_chunk,
    claim_schema,
    records_chunk,
    without_absent_fields,
)
from iran_russia_claims.readers.common import (
    CHUNK_BYTES,
    MAX_RECORD_BYTES,
    UTF8_HINT,
    Chunk,
    DuplicateKeyError,
    Emit,
    check_encoding,
    duplicate_key,
    read_head,
    unique_keys,
)
from iran_russia_claims.spec.problem import Problem

#: Bytes read at a time; a block is cut after its last whole line.
_JSONL_BLOCK: Final = 4 * 1024 * 1024
#: Two objects on one line: pyarrow would read both, and the record count could not show that
#: a blank line elsewhere shifted the line numbers.
_TWO_ON_A_LINE: Final = re.compile(rb"\}[ \t\r]*\{")


def jsonl_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """The records of a JSON Lines file, ``chunk_rows`` at a time; blank lines are skipped."""
    check_encoding(path, read_head(path, 4))
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
                    explicit_schema=claim_schema(), unexpected_field_behavior="error"
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            table = None
        if table is not None:
            table = without_absent_fields(table, block)
        if table is not None and table.num_rows == lines:
            rows = np.arange(line, line + lines, dtype=np.int64)
            for start in range(0, lines, chunk_rows):
                yield arrow_chunk(
                    table.slice(start, chunk_rows), rows[start : start + chunk_rows], path, emit
                )
            return
    records: list[tuple[int, Any]] = []
    held = 0  # bytes behind the records held
    for number, raw in enumerate(block.split(b"\n"), start=line):
        value = _jsonl_value(path, raw, number, emit)
        if value is not _SKIP:
            records.append((number, value))
            held += len(raw)
        if len(records) >= chunk_rows or held >= CHUNK_BYTES:
            yield records_chunk(records, path, emit)
            records, held = [], 0
    if records:
        yield records_chunk(records, path, emit)


_SKIP: Final = object()


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
                hint=UTF8_HINT,
            )
        )
        return _SKIP
    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except DuplicateKeyError as exc:
        emit(duplicate_key(path, number, exc))
        return json.loads(text)  # parsed before: the last value of each key, as json keeps it
    except json.JSONDecodeError as exc:
        emit(
            Problem(
                "readable",
                f"the line is not valid JSON: {exc.msg} at column {exc.colno}",
                str(path),
                row=number,
                value=text,
                hint="the line ends inside a value: cut short?"
                if exc.pos >= len(text.rstrip())
                else None,
            )
        )
    except (ValueError, RecursionError) as exc:
        emit(Problem("readable", f"the line is not valid JSON: {exc}", str(path), row=number))
    return _SKIP
