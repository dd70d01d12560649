"""The strict reader: a Parquet, CSV or JSON Lines file streamed as typed Polars frames.

Most files are as the exports write them, and should cost little more than reading them,
small or large, valid or not. :func:`strict_batches` streams such a file in batches of about
:data:`BATCH_ROWS` records with Arrow's readers (a Parquet file batch by batch within its row
groups, CSV and JSON Lines block by block), each batch one typed Polars frame with exactly the
claims columns, their types and no missing value, and each record on a line of its own (so
that a record's row number is its position). Memory holds a batch, not the file.

The first thing unusual (a column more or less, a type, a missing value, a number or list not
written as the exports write it, a record over several lines, anything over a limit, any
damage) raises :class:`Declined`, possibly after some batches: the caller then discards what
it found and reads the file again with the careful, chunked readers of
:mod:`iran_russia_claims.readers`, which accept or explain it. This module imports Polars and
pyarrow, never pandas.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa

#: The formats the strict reader takes; JSON arrays and YAML always take the careful path.
STRICT_FORMATS: Final = ("parquet", "csv", "jsonl")
#: Records per batch of a CSV file, and of a Parquet file read by pyarrow (Polars reads
#: Parquet a row group at a time); JSON Lines is read in blocks of :data:`BLOCK_BYTES`.
BATCH_ROWS: Final = 65_536
#: Records per slice of a large Parquet row group (each slice costs a look-up of its first
#: page: slices of 2^16 records read a row group of 10^6 in 0.73 s, of 2^17 in 0.52 s, of
#: 2^18 in 0.41 s but with twice the memory).
_GROUP_SLICE_ROWS: Final = 2**17
#: Bytes per block of a CSV or JSON Lines file.
BLOCK_BYTES: Final = 8 * 2**20
#: A list cell as the exports write it: a compact JSON array of strings with no escapes.
_COMPACT_LIST: Final = r'^\[(?:"[^"\\\x00-\x1f]*"(?:,"[^"\\\x00-\x1f]*")*)?\]$'
#: No claim is written in fewer bytes (its SHA-256 alone is 64 characters): a file with more
#: lines than that allows is left to the careful readers.
_MIN_RECORD_BYTES: Final = 64
#: The start of a file looked at for such lines before anything is parsed.
_HEAD_BYTES: Final = 2**20
#: The most records a block of CSV or JSON Lines holds, its records at least
#: _MIN_RECORD_BYTES long (a Parquet batch is bounded by how it is sliced).
_MOST_BLOCK_ROWS: Final = max(BATCH_ROWS, BLOCK_BYTES // _MIN_RECORD_BYTES)


class Declined(Exception):
    """The file needs the careful reader (the message says why, for debugging)."""


def first_row(fmt: str) -> int:
    """The row number of a file's first record: CSV counts its header as row 1."""
    return 2 if fmt == "csv" else 1


def strict_batches(path: str, fmt: str) -> Iterator[pl.DataFrame]:
    """The records of the file as typed, complete Polars frames, in order; raises
    :class:`Declined` as soon as the file needs the careful reader (at the latest after the
    last batch, when a CSV or JSON Lines file turns out to hold a record over several lines or
    a blank line). A file with no record is declined too: the careful reader says so.

    The next batch is read on another thread while the caller checks this one."""
    return _prefetched(_batches(path, fmt))


def _batches(path: str, fmt: str) -> Iterator[pl.DataFrame]:
    import stat

    if fmt not in STRICT_FORMATS:
        raise Declined(f"{fmt} is read by the careful reader")
    try:  # a FIFO or a device is never opened here: the careful reader says what it is
        regular = stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError) as exc:
        raise Declined(str(exc)) from None
    if not regular:
        raise Declined("not a regular file")
    if fmt == "parquet":
        yield from _parquet(Path(path))
        return
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise Declined(str(exc)) from None
    with open(path, "rb") as f:  # records too short to be claims: declined before parsing
        head = f.read(_HEAD_BYTES)
    if (head.count(b"\n") - 1) * _MIN_RECORD_BYTES > len(head):
        raise Declined("records too short to be claims")
    from iran_russia_claims.readers.common import HEAD_BYTES, ReadError, check_encoding

    try:  # UTF-16 or NUL bytes where the careful reader looks: its to report
        check_encoding(Path(path), head[:HEAD_BYTES])
    except ReadError as exc:
        raise Declined(str(exc)) from None
    # CSV: a record over several lines, a blank line or a row over the limit shows in its
    # batch (see _csv_typed); JSON Lines: its lines are counted beside the read
    lines = _Lines(path) if fmt == "jsonl" else None
    rows = 0
    batches = _csv(path) if fmt == "csv" else _jsonl(path)
    for batch in batches:
        rows += batch.height
        if rows * _MIN_RECORD_BYTES > size:
            raise Declined("records too short to be claims")
        yield batch
    if rows == 0:
        raise Declined("no records")
    if lines is None:
        return
    if lines.count() != rows:
        raise Declined("blank lines, records over several lines or sharing one")
    from iran_russia_claims.readers.common import MAX_RECORD_BYTES

    if lines.longest + 4 > MAX_RECORD_BYTES:  # a line near the limit: the careful reader's
        raise Declined("a line over the careful reader's limit")


_DONE: Final = object()


def _prefetched(batches: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """The batches, each read while the one before it is being checked (Arrow and Polars
    release the GIL). At most two batches are held; an error is raised where it would be."""
    import queue

    ready: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for batch in batches:
                while not stop.is_set():
                    try:
                        ready.put(batch, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            ready.put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            ready.put(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()


def _breaks(block: bytes) -> tuple[int, int, int, int]:
    """The line breaks in ``block``: how many, where the first and the last are, and the
    longest line between two of them (with its break). NumPy only for a large block: a small
    file is checked without importing it."""
    if len(block) <= 2**20:
        lines = block.split(b"\n")
        if len(lines) == 1:
            return 0, -1, -1, 0
        inner = max((len(line) + 1 for line in lines[1:-1]), default=0)
        return len(lines) - 1, len(lines[0]), len(block) - len(lines[-1]) - 1, inner
    import numpy as np

    found = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10)
    if not len(found):
        return 0, -1, -1, 0
    inner = int(np.diff(found).max()) if len(found) > 1 else 0
    return len(found), int(found[0]), int(found[-1]), inner


#: Two JSON objects on one line: only white space between one's end and the next's start.
_TWO_ON_A_LINE: Final = re.compile(rb"}[ \t\r]*{")
_OPEN_START: Final = re.compile(rb"\A[ \t\r]*{")


class _Lines:
    """A JSON Lines file's lines (a last line without a line break counts), counted beside
    the read, its longest line, and whether two objects share a line. As many lines as
    records, and no line with two, is each record on a line of its own: a blank line or a
    record over several lines adds a line, and only a line with two records takes one away."""

    def __init__(self, path: str) -> None:
        self._count = 0
        self._shared = False
        #: The longest line, in bytes (with its line break).
        self.longest = 0
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)
        self._thread.start()

    def _run(self, path: str) -> None:
        count, last, open_end, carried = 0, b"\n", False, 0
        try:
            with open(path, "rb") as f:
                while block := f.read(1 << 24):
                    breaks, first_break, last_break, inner = _breaks(block)
                    if breaks:
                        self.longest = max(self.longest, carried + first_break + 1, inner)
                        carried = len(block) - last_break - 1
                    else:
                        carried += len(block)
                    self.longest = max(self.longest, carried)
                    count += breaks
                    last = block[-1:]
                    if not self._shared:
                        self._shared = bool(
                            _TWO_ON_A_LINE.search(block) or (open_end and _OPEN_START.match(block))
                        )
                        tail = block.rstrip(b" \t\r")
                        open_end = tail.endswith(b"}") if tail else open_end
        except OSError as exc:
            self._error = exc
        self._count = count + (last != b"\n")

    def count(self) -> int:
        """The lines, or -1 when two objects share one."""
        self._thread.join()
        if self._error is not None:
            raise Declined(f"cannot count lines: {self._error}")
        return -1 if self._shared else self._count


def _guarded(
    batches: Iterator[Any], typed: Callable[[Any], pl.DataFrame], most_rows: int | None = None
) -> Iterator[pl.DataFrame]:
    """Typed frames of Arrow batches or Polars frames; any Arrow or Polars error declines the
    file, as does a batch of more records than claims could fill it with."""
    import sys

    import polars as pl

    errors: tuple[type[BaseException], ...] = (pl.exceptions.PolarsError, OSError, ValueError)
    while True:
        try:
            batch = next(batches)
            if most_rows is not None and len(batch) > most_rows:  # records too short
                raise Declined(f"{len(batch)} records in one block")
            frame = typed(batch)
        except StopIteration:
            return
        except Exception as exc:
            arrow = sys.modules.get("pyarrow")  # its errors, if it is in use (never imported here)
            if isinstance(exc, errors) or (arrow and isinstance(exc, arrow.ArrowException)):
                raise Declined(f"{type(exc).__name__}: {exc}") from None
            raise
        if frame.height:
            yield frame


def _utf8(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch, once its text is known to be UTF-8 (pyarrow's JSON and Parquet readers do
    not check): text that is not is the careful reader's to locate."""
    batch.validate(full=True)
    return batch


def _parquet(path: Path) -> Iterator[pl.DataFrame]:
    """A Parquet file's batches, within the careful reader's limits (see readers.parquet):
    read by Polars when every column expands within them, by pyarrow, text as dictionaries
    where it could expand past them, otherwise."""
    import polars as pl
    import pyarrow

    from iran_russia_claims.readers.common import KINDS, ReadError
    from iran_russia_claims.readers.parquet import checked
    from iran_russia_claims.readers.parquet_pages import PARQUET_ALLOWANCE, PARQUET_EXPANSION

    try:
        parquet, risky = checked(path)
        names = parquet.schema_arrow.names
    except (ReadError, pyarrow.ArrowException, OSError) as exc:
        raise Declined(str(exc)) from None
    if len(names) != len(KINDS) or set(names) != set(KINDS) or not parquet.metadata.num_rows:
        raise Declined("not the claims columns, or no records")
    weigh = _Weights(PARQUET_EXPANSION * path.stat().st_size + PARQUET_ALLOWANCE)
    if risky:
        try:
            batches = parquet.iter_batches(batch_size=BATCH_ROWS, use_threads=True)
        except (pyarrow.ArrowException, OSError) as exc:
            raise Declined(str(exc)) from None
        yield from _guarded(iter(batches), lambda b: _typed(_from_arrow(weigh.arrow(_utf8(b)))))
        return
    try:  # hive_partitioning and glob off: this one file, its own columns
        lazy = pl.scan_parquet(str(path), glob=False, hive_partitioning=False)
    except (pl.exceptions.PolarsError, OSError, ValueError, TypeError) as exc:
        raise Declined(str(exc)) from None
    groups = [
        parquet.metadata.row_group(i).num_rows for i in range(parquet.metadata.num_row_groups)
    ]
    yield from _guarded(_slices(lazy, groups), lambda frame: weigh.polars(_typed(frame)))


def _slices(lazy: pl.LazyFrame, groups: list[int]) -> Iterator[pl.DataFrame]:
    """A Parquet file's records, a row group at a time (a large one _GROUP_SLICE_ROWS at a
    time): a slice reads only the pages it needs, so memory holds one batch, where Polars' own
    batches read ahead of what is checked without bound."""
    start = 0
    for rows in groups:
        if not rows:  # an empty row group
            continue
        step = rows if rows <= 2 * _GROUP_SLICE_ROWS else _GROUP_SLICE_ROWS
        for at in range(start, start + rows, step):
            want = min(step, start + rows - at)
            frame = lazy.slice(at, want).collect()
            if frame.height != want:
                raise Declined(f"{frame.height} records where the file says {want}")
            yield frame
        start += rows


class _Weights:
    """The text of a Parquet file's batches, weighed as the careful reader weighs it: no cell
    over MAX_CELL_BYTES, no list over MAX_LIST_ITEMS, no more text in all than ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.text = 0

    def add(self, longest: int, total: int, items: int) -> None:
        from iran_russia_claims.readers.parquet import MAX_CELL_BYTES, MAX_LIST_ITEMS

        self.text += total
        if longest > MAX_CELL_BYTES or items > MAX_LIST_ITEMS or self.text > self.limit:
            raise Declined("text over the careful reader's limits")

    def arrow(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        import pyarrow
        import pyarrow.compute as pc

        from iran_russia_claims.readers.parquet import text_lengths

        for column in batch.columns:
            lengths = text_lengths(column)
            if lengths is not None and len(lengths):
                self.add(pc.max(lengths).as_py() or 0, pc.sum(lengths).as_py() or 0, 0)
            if pyarrow.types.is_list(column.type) or pyarrow.types.is_large_list(column.type):
                self.add(0, 0, pc.max(pc.list_value_length(column)).as_py() or 0)
        return batch

    def polars(self, frame: pl.DataFrame) -> pl.DataFrame:
        """A typed frame (plain strings and lists of them), weighed."""
        import polars as pl

        texts, lists = [], []
        for name, dtype in frame.schema.items():
            if dtype == pl.String:
                texts.append(pl.col(name).str.len_bytes())
            elif isinstance(dtype, pl.List):
                texts.append(pl.col(name).list.eval(pl.element().str.len_bytes()).explode())
                lists.append(pl.col(name).list.len().max())
        longest = frame.select(pl.max_horizontal([t.max() for t in texts])).item() or 0
        total = frame.select(pl.sum_horizontal([t.sum() for t in texts])).item() or 0
        items = frame.select(pl.max_horizontal(lists)).item() if lists else 0
        self.add(int(longest), int(total), int(items or 0))
        return frame


def _csv(path: str) -> Iterator[pl.DataFrame]:
    """A CSV file's batches, read by Polars as text, each cell exactly as the exports write
    it (anything else, a quoted empty cell among it, is declined)."""
    import polars as pl

    try:  # glob off: this one file; a ragged row, a stray quote or bytes not UTF-8: an error
        lazy = pl.scan_csv(
            path,
            infer_schema=False,
            glob=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
            encoding="utf8",
        )
        names = lazy.collect_schema().names()
    except (pl.exceptions.PolarsError, OSError, ValueError, TypeError) as exc:
        raise Declined(str(exc)) from None
    if names != list(CLAIM_COLUMN_NAMES):
        raise Declined("not the claims columns, in order")
    try:
        batches = lazy.collect_batches(chunk_size=BATCH_ROWS)
    except (pl.exceptions.PolarsError, OSError, ValueError, TypeError) as exc:
        raise Declined(str(exc)) from None
    yield from _guarded(iter(batches), lambda frame: _typed(_csv_typed(frame)), _MOST_BLOCK_ROWS)


def _csv_typed(raw: pl.DataFrame) -> pl.DataFrame:
    """CSV text as typed columns; declined unless every number and list is written exactly
    as the exports write it (``007`` or ``[ "IRN" ]`` go to the careful reader), no text
    holds a line break (so each record is one line of the file: a blank line is a row of
    missing cells) and no row could be near the careful reader's limit."""
    import polars as pl

    from iran_russia_claims.readers.csv import INT_TEXT, MAX_CSV_ROW_BYTES, NUMBER_TEXT

    typed: dict[str, pl.Expr] = {}
    # a row's bytes in the file: at most twice its text (quotes doubled) and 3 per cell
    longest = pl.sum_horizontal(pl.all().str.len_bytes()).max() * 2 + 3 * raw.width + 4
    exact: list[pl.Expr] = [(longest < MAX_CSV_ROW_BYTES).fill_null(True)]
    for column in CLAIM_COLUMNS:
        text = pl.col(column.name)
        if column.type in ("integer", "number"):
            dtype = pl.Int64 if column.type == "integer" else pl.Float64
            value = text.cast(dtype, strict=False)
            typed[column.name] = value
            written = text.str.contains(INT_TEXT if column.type == "integer" else NUMBER_TEXT)
            exact.append(((value.cast(pl.String) == text) & written).fill_null(False).all())
        elif column.type == "list":
            inner = text.str.strip_prefix('["').str.strip_suffix('"]').str.split('","')
            empty = pl.lit([], pl.List(pl.String))
            typed[column.name] = pl.when(text == "[]").then(empty).otherwise(inner)
            exact.append(text.str.contains(_COMPACT_LIST).fill_null(False).all())
        else:  # the careful reader reads an empty cell, quoted or not, as missing
            exact.append((text.str.len_bytes() > 0).fill_null(False).all())
            broken = text.str.contains("\n", literal=True) | text.str.contains("\r", literal=True)
            exact.append((~broken).fill_null(True).all())
    if not all(raw.select(e.alias(f"_{i}") for i, e in enumerate(exact)).row(0)):
        raise Declined("a number or list not written as the exports write it")
    return raw.with_columns(**typed)


def _jsonl(path: str) -> Iterator[pl.DataFrame]:
    """A JSON Lines file's batches, parsed against the claims' Arrow schema."""
    import pyarrow
    import pyarrow.json as pajson

    from iran_russia_claims.readers.chunks import claim_schema
    from iran_russia_claims.readers.common import arrow_source

    try:
        reader = pajson.open_json(
            arrow_source(path),
            read_options=pajson.ReadOptions(use_threads=True, block_size=BLOCK_BYTES),
            parse_options=pajson.ParseOptions(
                explicit_schema=claim_schema(), unexpected_field_behavior="error"
            ),
        )
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        raise Declined(str(exc)) from None
    yield from _guarded(
        iter(reader), lambda batch: _typed(_from_arrow(_utf8(batch))), _MOST_BLOCK_ROWS
    )


def _from_arrow(batch: pa.RecordBatch) -> pl.DataFrame:
    import polars as pl

    frame = pl.from_arrow(batch)
    if not isinstance(frame, pl.DataFrame):
        raise Declined("not a table")
    return frame


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    """The claims columns in order, with their types and no missing value or element;
    declined otherwise."""
    import polars as pl

    from iran_russia_claims.spec.evaluate import plain_strings, polars_types

    coded = (pl.Categorical, pl.Enum)
    if any(isinstance(t, pl.List) and isinstance(t.inner, coded) for t in frame.schema.values()):
        raise Declined("lists of dictionary codes")  # the careful reader says what to write
    frame = plain_strings(frame)
    types = polars_types()
    if set(frame.columns) != set(types) or any(frame.schema[n] != t for n, t in types.items()):
        raise Declined("a column of another type")
    lists = [n for n, t in types.items() if isinstance(t, pl.List)]
    complete = frame.select(
        pl.all_horizontal(pl.all().null_count() == 0).alias("__complete"),
        *[(pl.col(n).list.eval(pl.element().null_count()).explode().sum() == 0) for n in lists],
    ).row(0)
    if not all(complete):
        raise Declined("a missing value")
    return frame.select(list(types))
