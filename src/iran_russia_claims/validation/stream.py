"""Validating a file the strict reader streams (:mod:`iran_russia_claims.readers.strict`).

Each batch goes through step 2 of :mod:`.run` as it comes: every rule of the row and its
elements in one pass (:func:`~iran_russia_claims.spec.evaluate.find_failures`), failures
located by :mod:`.locate`. A rule of the whole table is a key no two records share (``id``;
the span): of those, each batch leaves only its keys' 64-bit hashes, so memory holds one batch
and 16 bytes per record. After the last batch the hashes seen more than once are the only
suspects; a second pass gathers the records holding one, and the table rules' own expressions
judge them, so a hash collision is never reported and every duplicate is, worded as for a
file checked whole ("also used at row(s) ...").

A file the strict reader declines part way leaves the report as it found it: the caller reads
it again with the careful reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.strict import Declined, first_row, strict_batches
from iran_russia_claims.spec.rules import Context, Rule, applicable
from iran_russia_claims.validation.report import Sink, ValidationReport

if TYPE_CHECKING:
    import polars as pl

    from iran_russia_claims.spec.models import Registry

_ROW = "__row__"


def check_streamed(
    path: str, fmt: str, report: ValidationReport, ctx: Context, registry: Registry | None
) -> bool:
    """Check the file with the strict reader into ``report``; False, with ``report`` as it
    was, when the file needs the careful reader."""
    rows, problems, counts = report.rows, list(report.problems), report.counts.copy()
    try:
        _check(path, fmt, Sink(report), ctx, registry)
    except (Declined, OSError, MemoryError):  # the careful reader reports what it is
        report.rows, report.problems, report.counts = rows, problems, counts
        return False
    return True


def _check(path: str, fmt: str, sink: Sink, ctx: Context, registry: Registry | None) -> None:
    from iran_russia_claims.spec.evaluate import find_failures

    rules = applicable(ctx)
    by_row = tuple(r for r in rules if r.scope != "table")
    keys = tuple(r for r in rules if r.scope == "table")
    expected = _expected_records(path, fmt)
    logs = [_HashLog(expected) for _ in keys]
    row = first_row(fmt)
    for frame in strict_batches(path, fmt):
        n = frame.height
        sink.report.rows += n
        failures = find_failures(frame, ctx, by_row)
        if failures:
            import numpy as np  # only for a file with problems

            from iran_russia_claims.validation.locate import locate

            numbers = np.arange(row, row + n, dtype=np.int64)
            locate(failures, frame, numbers, _ids(frame), {}, sink, registry)
        hashed = frame.select(_hashes(keys))
        for log, column in zip(logs, hashed.iter_columns(), strict=True):
            log.add(column)
        row += n
    suspects = [log.repeated() for log in logs]
    if any(len(s) for s in suspects):
        _duplicates(path, fmt, keys, suspects, sink, ctx, registry)


def _ids(frame: pl.DataFrame) -> Callable[[int], str | None]:
    """The record id at a position, for the problems listed."""
    ids = frame["id"]
    return lambda i: ids[i]


def _hashes(keys: tuple[Rule, ...]) -> list[pl.Expr]:
    """Each table rule's key as one 64-bit hash per record."""
    import polars as pl

    return [
        (pl.struct(r.inputs) if len(r.inputs) > 1 else pl.col(r.inputs[0])).hash().alias(r.name)
        for r in keys
    ]


def _duplicates(
    path: str,
    fmt: str,
    keys: tuple[Rule, ...],
    suspects: list[pl.Series],
    sink: Sink,
    ctx: Context,
    registry: Registry | None,
) -> None:
    """The second pass: the records whose key hash was seen twice, judged by the rules."""
    import numpy as np
    import polars as pl

    from iran_russia_claims.spec.evaluate import find_failures
    from iran_russia_claims.validation.locate import locate

    candidates = pl.concat(list(_suspected(path, fmt, keys, suspects)), how="vertical")
    if not candidates.height:
        return
    rows = candidates[_ROW].to_numpy().astype(np.int64)
    frame = candidates.drop(_ROW)
    failures = find_failures(frame, ctx, keys)
    if failures:
        locate(failures, frame, rows, _ids(frame), {}, sink, registry)


def _suspected(
    path: str, fmt: str, keys: tuple[Rule, ...], suspects: list[pl.Series]
) -> Iterator[pl.DataFrame]:
    """The records, with their row numbers, whose key hash is among the suspects."""
    import polars as pl

    hit = pl.any_horizontal(
        [h.is_in(s.implode()) for h, s in zip(_hashes(keys), suspects, strict=True)]
    )
    row = first_row(fmt)
    for frame in strict_batches(path, fmt):
        numbered = frame.with_columns(pl.int_range(row, row + frame.height).alias(_ROW))
        yield numbered.filter(hit)
        row += frame.height


#: The most records whose hashes are set aside before the first batch (8 bytes each, in
#: memory only as it is written): a file that says it holds more grows its log as it goes.
_MOST_EXPECTED: Final = 2**26


def _expected_records(path: str, fmt: str) -> int:
    """How many records a Parquet file says it holds (0 for other formats, or if unsure)."""
    if fmt != "parquet":
        return 0
    try:
        import pyarrow.parquet as pq

        from iran_russia_claims.readers.common import arrow_source

        return min(int(pq.read_metadata(arrow_source(path)).num_rows), _MOST_EXPECTED)
    except Exception:  # a hint only: the strict reader judges the file
        return 0


class _HashLog:
    """64-bit hashes, appended batch by batch; which ones occur more than once.

    With the number of records known (a Parquet file, whose reader has NumPy loaded), the
    hashes go straight into one NumPy array, sorted in place: 8 bytes per record, no copy.
    Otherwise they are kept as Polars series, and NumPy is never imported for them."""

    def __init__(self, expected: int = 0) -> None:
        self.filled = 0
        self.store: Any = None
        if expected:
            import numpy as np

            self.store = np.empty(expected, dtype=np.uint64)
        self.parts: list[pl.Series] = []

    def add(self, hashes: pl.Series) -> None:
        n = len(hashes)
        if self.store is not None and not self.parts and self.filled + n <= len(self.store):
            self.store[self.filled : self.filled + n] = hashes.to_numpy()
            self.filled += n
        else:
            self.parts.append(hashes)

    def repeated(self) -> pl.Series:
        """The hashes seen more than once, each once."""
        import polars as pl

        if self.store is not None:
            import numpy as np

            every = self.store[: self.filled]
            if self.parts:
                every = np.concatenate([every, *[p.to_numpy() for p in self.parts]])
            self.parts, self.store = [], None
            every.sort()
            return pl.Series(np.unique(every[1:][every[1:] == every[:-1]]), dtype=pl.UInt64)
        joined = pl.concat(self.parts) if self.parts else pl.Series([], dtype=pl.UInt64)
        self.parts = []
        joined = joined.sort()  # the parts are gone: one copy at a time
        later, earlier = joined.slice(1), joined.slice(0, max(len(joined) - 1, 0))
        return later.filter(later == earlier).unique()
