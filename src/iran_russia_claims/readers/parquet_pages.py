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

import itertools
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Final, NamedTuple

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

    def struct(self, depth: int, wanted: tuple[int, ...] = ()) -> dict[int, Any]:
        """Read a struct: the i32 fields named in ``wanted`` (and, for a wanted struct field,
        its own first i32 field: a data page's number of values); skip the rest."""
        found: dict[int, Any] = {}
        field = 0
        while True:
            head = self.byte()
            if head == 0:
                return found
            delta, kind = head >> 4, head & 0x0F
            field = field + delta if delta else self.zigzag()
            if field in wanted and kind == 5:
                found[field] = self.zigzag()
            elif field in wanted and kind == 12:
                found[field] = self.struct(depth + 1, (1,)).get(1)
            else:
                self.skip(kind, depth)


class Page(NamedTuple):
    """A page as its header states it."""

    offset: int
    kind: int  # 0 data, 1 index, 2 dictionary, 3 data (v2)
    header: int
    uncompressed: int
    compressed: int
    values: int | None  # a data page's number of values


def _page(handle: BinaryIO, offset: int) -> Page:
    """The page at ``offset``, from its header."""
    size = 256
    while True:
        handle.seek(offset)
        data = handle.read(size)
        try:
            header = _Header(data)
            fields = header.struct(0, (1, 2, 3, 5, 8))
        except EOFError:
            if len(data) < size or size >= _MAX_HEADER:
                raise PageError(
                    f"the page header at byte {offset} is cut short or too long"
                ) from None
            size *= 16
            continue
        if any(not isinstance(fields.get(f), int) for f in (1, 2, 3)):
            raise PageError(f"the page header at byte {offset} gives no page sizes")
        uncompressed, compressed = fields[2], fields[3]
        if uncompressed < 0 or compressed < 0:
            raise PageError(f"the page header at byte {offset} gives a negative size")
        values = fields.get(5, fields.get(8))
        return Page(offset, fields[1], header.pos, uncompressed, compressed, values)


class Costs(NamedTuple):
    """What reading a file's pages costs: the bytes they decompress to, and, per leaf column,
    the most its text can expand to from dictionaries (None: not known, so read it as a
    dictionary and weigh it batch by batch)."""

    pages: int
    expansion: dict[int, int | None]


def costs(path: Path, metadata: pq.FileMetaData, text: set[int], limit: int | None = None) -> Costs:
    """The costs of every page, and of the dictionaries of the ``text`` leaf columns: each
    dictionary page is read to find its longest value, and a column can expand to at most its
    values times that. The pages are walked first, each column chunk once (chunks that
    overlap, so that one run of pages would be walked again and again, are refused as
    damage); a dictionary page is decompressed only when the pages' total is within
    ``limit``, so no more than that is ever decompressed here."""
    size = path.stat().st_size
    walked: list[tuple[int, Any, list[Page]]] = []
    spans: list[tuple[int, int]] = []
    with path.open("rb") as handle:
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            if row_group.num_rows == 0:  # nothing is read from it
                continue
            for index in range(row_group.num_columns):
                chunk = row_group.column(index)
                start, end = _span(chunk)
                if start < 0 or end > size:
                    raise PageError(f"a column chunk lies outside the file (bytes {start}-{end})")
                spans.append((start, end))
                walked.append((index, chunk, []))
        _no_overlap(spans)
        for _, chunk, pages in walked:
            pages.extend(_pages(handle, chunk))
        total = sum(p.uncompressed for _, _, pages in walked for p in pages)
        expansion: dict[int, int | None] = dict.fromkeys(text, 0)
        if limit is not None and total > limit:
            return Costs(total, dict.fromkeys(text))
        for index, chunk, pages in walked:
            if index not in text or expansion[index] is None:
                continue
            dictionaries = [p for p in pages if p.kind == 2]
            if not dictionaries:
                continue
            longest = _longest(handle, dictionaries[0], chunk.compression)
            counts = [p.values for p in pages if p.kind in (0, 3)]
            values = [v for v in counts if v is not None and v >= 0]
            so_far = expansion[index]
            if longest is None or len(dictionaries) > 1 or len(values) < len(counts):
                expansion[index] = None
            elif so_far is not None:
                expansion[index] = so_far + longest * sum(values)
    return Costs(total, expansion)


def _span(chunk: Any) -> tuple[int, int]:
    """The bytes of a column chunk: from its first page (its dictionary's, if any)."""
    start = chunk.data_page_offset
    dictionary = chunk.dictionary_page_offset
    if chunk.has_dictionary_page and dictionary and 0 < dictionary < (start or 1 << 62):
        start = dictionary
    return start, start + chunk.total_compressed_size


def _no_overlap(spans: list[tuple[int, int]]) -> None:
    ordered = sorted(spans)
    for (_, end), (start, _) in itertools.pairwise(ordered):
        if start < end:
            raise PageError("two column chunks claim the same bytes of the file")


def _pages(handle: BinaryIO, chunk: Any) -> Iterator[Page]:
    start, end = _span(chunk)
    offset = start
    while offset < end:
        page = _page(handle, offset)
        yield page
        offset += page.header + page.compressed


#: Parquet's codecs as pyarrow's Codec names them. pyarrow writes LZ4 as LZ4_RAW and reports
#: both as "LZ4"; a page LZ4 as Hadoop framed it does not decompress here, and its column is
#: then weighed batch by batch instead.
_CODECS: Final = {"SNAPPY": "snappy", "GZIP": "gzip", "BROTLI": "brotli", "ZSTD": "zstd",
                  "LZ4_RAW": "lz4_raw", "LZ4": "lz4_raw"}  # fmt: skip


def _longest(handle: BinaryIO, page: Page, compression: str) -> int | None:
    """The longest value of a dictionary page of text (4-byte length, then the bytes, for each
    value); None when it cannot be read here (the reader then weighs the column as it goes)."""
    import pyarrow as pa

    handle.seek(page.offset + page.header)
    data = handle.read(page.compressed)
    if compression != "UNCOMPRESSED":
        if compression not in _CODECS:
            return None
        try:
            data = pa.Codec(_CODECS[compression]).decompress(
                data, decompressed_size=page.uncompressed, asbytes=True
            )
        except (pa.ArrowException, ValueError):
            return None
    longest = pos = 0
    size = len(data)
    unpack = struct.Struct("<I").unpack_from
    while pos + 4 <= size:
        (length,) = unpack(data, pos)
        if length > longest:
            longest = length
        pos += 4 + length
    return longest if pos == size else None


def page_bytes(path: Path, metadata: pq.FileMetaData) -> int:
    """What the pages of every column decompress to, in bytes."""
    return costs(path, metadata, set()).pages
