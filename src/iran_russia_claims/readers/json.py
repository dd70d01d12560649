"""The JSON reader: one top-level array of claim objects, fast while it parses cleanly.

The file is cut into blocks of whole records (about 4 MiB) at the commas between them, and
pyarrow reads each block as JSON Lines. From the first block pyarrow cannot vouch for (a string
where a number belongs, a field outside the schema, whose type pyarrow is never asked to infer,
broken JSON, anything unusual), the ``json`` module parses the rest
record by record, and says why: a record that is not an object is a located ``type`` problem,
a key given twice a ``no_extra_fields`` one, broken JSON stops the reading with its line and
column, a file cut short says so, and a record longer than :data:`MAX_RECORD_BYTES` is refused.
Records count from 1.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.chunks import (
    arrow_chunk,
    claim_schema,
    records_chunk,
    without_absent_fields,
)
from iran_russia_claims.readers.common import (
    CHUNK_BYTES,
    MAX_RECORD_BYTES,
    Chunk,
    DuplicateKeyError,
    Emit,
    ReadError,
    check_encoding,
    decode_error,
    duplicate_key,
    read_head,
    unique_keys,
    unreadable,
)

if TYPE_CHECKING:
    import pyarrow as pa

#: The comma between two records of an array. Inside a block of whole records it becomes a
#: line break for pyarrow. Where the pattern is not a record separator the result cannot parse
#: (a raw line break inside a string, or a list of objects missing its comma), so pyarrow fails
#: and the careful parser takes over: the fast path never changes what a file means.
_SEPARATOR: Final = re.compile(rb"\}[ \t\r\n]*,[ \t\r\n]*\{")
#: Bytes read at a time; a block is cut after its last whole record. Tiny records ("{}") cost
#: pyarrow some 40 bytes per byte (every column, null), so blocks stay small.
_JSON_BLOCK: Final = 4 * 1024 * 1024


def json_chunks(path: Path, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    """A JSON array: pyarrow on blocks of whole records while they parse cleanly; from the
    first block that does not, the careful record-by-record parser, which explains why."""
    import numpy as np

    check_encoding(path, read_head(path, 4))
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
    held = 0  # characters behind the records held
    try:
        for row, value, size in _json_array(path, emit, offset=offset, number=number, line=line):
            batch.append((row, value))
            held += size
            if len(batch) >= chunk_rows or held >= CHUNK_BYTES:
                yield records_chunk(batch, path, emit)
                batch, held = [], 0
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
                explicit_schema=claim_schema(),
                unexpected_field_behavior="error",
                newlines_in_values=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if table.num_rows != separators + 1:
        return None
    return without_absent_fields(table, body)


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
                raise decode_error(self.path, exc, self.bytes_read, None) from None
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
) -> Iterator[tuple[int, Any, int]]:
    """The elements of a top-level JSON array, parsed one by one (memory: one record), each
    with its length in characters.

    From ``offset`` > 0, the parse resumes inside the array at record ``number``, which starts
    on ``line``.
    """
    decoder = json.JSONDecoder(object_pairs_hook=unique_keys)
    text = _JsonText(path, offset, line)
    resumed = offset > 0
    number -= 1
    try:
        if resumed:
            pass
        elif text.skip_space() != "[":
            raise unreadable(
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
            except DuplicateKeyError as exc:
                emit(duplicate_key(path, number, exc))
                value, end = json.JSONDecoder().raw_decode(text.buffer, text.pos)
                yield number, value, end - text.pos
            except json.JSONDecodeError as exc:
                rest = len(text.buffer.rstrip())
                if text.eof and (exc.pos >= rest or exc.msg.startswith("Unterminated string")):
                    raise _truncated(path, number, text) from None
                if not text.eof and (
                    exc.pos >= rest - 1 or exc.msg.startswith("Unterminated string")
                ):  # MAX_RECORD_BYTES were at hand and the record did not end in them
                    raise unreadable(
                        path,
                        f"record {number} is longer than {MAX_RECORD_BYTES} characters, or a "
                        "string in it is never closed",
                        row=number,
                    ) from None
                raise unreadable(
                    path,
                    f"not valid JSON at {text.where(exc.pos)}: {exc.msg}",
                    row=number,
                ) from None
            except (ValueError, RecursionError) as exc:
                raise unreadable(
                    path, f"record {number} cannot be read: {exc}", row=number
                ) from None
            else:
                yield number, value, end - text.pos
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
            raise unreadable(
                path,
                f"not valid JSON at {text.where(text.pos)}: expected ',' or ']' after record "
                f"{number}",
                row=number,
            )
        if text.skip_space() != "":
            raise unreadable(path, f"unexpected data after the array at {text.where(text.pos)}")
    finally:
        text.close()


def _truncated(path: Path, number: int, text: _JsonText) -> ReadError:
    return unreadable(
        path,
        f"the JSON ends inside record {number} ({text.where(len(text.buffer))}): "
        "the file is cut short",
        row=number,
        hint="write the file again; the records before this one were checked",
    )
