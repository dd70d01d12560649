"""What a Parquet file will cost to decode, read from its page headers before any page is.

A Parquet file is compressed page by page, and each page's header states the size it
decompresses to; pyarrow allocates exactly that much to decompress it. The footer's column
sizes are only a summary a hostile writer can fill with anything, so :func:`page_bytes` walks
the page headers themselves (a few bytes of Thrift compact protocol each, found one after the
other from each column chunk's first page) and adds up what they say. The reader refuses a file
whose pages would decompress to more than :data:`PARQUET_EXPANSION` times the file's size plus
:data:`PARQUET_ALLOWANCE` before reading a single page, and a file with more records than
bytes plus :data:`PARQUET_SPARE_ROWS` (memory kept per record is a few bytes).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

if TYPE_CHECKING:
    import pyarrow.parquet as pq

#: How many times its own size a Parquet file may decompress to (pyarrow's output of real
#: claims is 3 to 6 times).
PARQUET_EXPANSION: Final = 16
#: What a Parquet file may decompress to beyond PARQUET_EXPANSION times its size.
PARQUET_ALLOWANCE: Final = 64 * 1024 * 1024
#: Records a Parquet file may hold beyond one per byte of the file.
PARQUET_SPARE_ROWS: Final = 1 << 20
#: Largest page header read (pyarrow's own limit).
_MAX_HEADER: Final = 16 * 1024 * 1024
_DEPTH: Final = 32


class PageError(ValueError):
    """The pages of a column chunk cannot be walked: the file is damaged or not Parquet."""


class _Header:
    """A Thrift compact-protocol reader over one page header's bytes."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise EOFError
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7
            if shift > 70:
                raise PageError("a number in a page header is too long")

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def skip(self, kind: int, depth: int) -> None:
        if depth > _DEPTH:
            raise PageError("a page header is nested too deeply")
        if kind in (1, 2):  # booleans live in the field header
            return
        if kind == 3:
            self.byte()
        elif kind in (4, 5, 6):
            self.varint()
        elif kind == 7:
            self.take(8)
        elif kind == 8:
            self.take(self.varint())
        elif kind in (9, 10):
            head = self.byte()
            size, element = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            for _ in range(size):
                self.skip(3 if element in (1, 2) else element, depth + 1)
        elif kind == 11:
            size = self.varint()
            if size:
                types = self.byte()
                for _ in range(size):
                    self.skip(types >> 4, depth + 1)
                    self.skip(types & 0x0F, depth + 1)
        elif kind == 12:
            self.struct(depth + 1)
        else:
            raise PageError(f"a page header holds an unknown Thrift type {kind}")

    def take(self, n: int) -> None:
        if n < 0 or self.pos + n > len(self.data):
            raise EOFError
        self.pos += n

    def struct(self, depth: int, wanted: tuple[int, ...] = ()) -> dict[int, int]:
        """Skip a struct; return the i32 fields named in ``wanted``."""
        found: dict[int, int] = {}
        field = 0
        while True:
            head = self.byte()
            if head == 0:
                return found
            delta, kind = head >> 4, head & 0x0F
            field = field + delta if delta else self.zigzag()
            if field in wanted and kind == 5:
                found[field] = self.zigzag()
            else:
                self.skip(kind, depth)


def _page(handle: BinaryIO, offset: int) -> tuple[int, int, int]:
    """(header length, uncompressed size, compressed size) of the page at ``offset``."""
    size = 256
    while True:
        handle.seek(offset)
        data = handle.read(size)
        try:
            header = _Header(data)
            fields = header.struct(0, (2, 3))
        except EOFError:
            if len(data) < size or size >= _MAX_HEADER:
                raise PageError(
                    f"the page header at byte {offset} is cut short or too long"
                ) from None
            size *= 16
            continue
        if 2 not in fields or 3 not in fields:
            raise PageError(f"the page header at byte {offset} gives no page sizes")
        uncompressed, compressed = fields[2], fields[3]
        if uncompressed < 0 or compressed < 0:
            raise PageError(f"the page header at byte {offset} gives a negative size")
        return header.pos, uncompressed, compressed


def page_bytes(path: Path, metadata: pq.FileMetaData, columns: set[int] | None = None) -> int:
    """What the pages of the given leaf columns (all by default) decompress to, in bytes."""
    total = 0
    with path.open("rb") as handle:
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            if row_group.num_rows == 0:  # nothing is read from it
                continue
            for index in range(row_group.num_columns):
                if columns is not None and index not in columns:
                    continue
                chunk = row_group.column(index)
                start = chunk.data_page_offset
                dictionary = chunk.dictionary_page_offset
                if chunk.has_dictionary_page and dictionary and 0 < dictionary < (start or 1 << 62):
                    start = dictionary
                end = start + chunk.total_compressed_size
                offset = start
                while offset < end:
                    length, uncompressed, compressed = _page(handle, offset)
                    total += uncompressed
                    offset += length + compressed
    return total
