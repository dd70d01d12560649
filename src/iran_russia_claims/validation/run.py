"""Validating claims: any file or DataFrame, every rule, every problem located, nothing raised.

:func:`validate` reads a file in bounded chunks (:mod:`iran_russia_claims.readers`) and checks
each chunk in three steps:

1. :mod:`.normalise`: columns get their schema types; a missing or wrong cell is one located
   problem, and the rules that read it are not reported on it.
2. :func:`~iran_russia_claims.spec.evaluate.find_failures`: every rule of the one definition
   (:mod:`iran_russia_claims.spec.rules`) as one mask column, in one pass; :mod:`.locate` turns
   the rows where a mask is false into located problems.
3. :mod:`.keys` and :mod:`.spans`: duplicates across chunks, and, given the article, each
   span's SHA-256.

A Parquet, CSV or JSON Lines file written as the exports write it is streamed by the strict
reader instead (:mod:`iran_russia_claims.readers.strict`, :mod:`.stream`): step 2 batch by batch
on typed Polars frames, keys as hashes, pandas never imported; only a file it declines takes
the chunked path. Every problem is counted
by rule; at most ``max_problems`` are listed. Nothing here raises for bad data: only a wrong
argument (programmer error) raises. Heavy modules are imported on first use.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeGuard

from iran_russia_claims.readers import CHUNK_ROWS, FORMATS, Chunk, ReadError
from iran_russia_claims.readers.parquet import MAX_CHUNK_TEXT_BYTES
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import Context
from iran_russia_claims.validation.keys import ChunkKeys, across_chunks
from iran_russia_claims.validation.report import (
    DEFAULT_MAX_PROBLEMS,
    Sink,
    ValidationReport,
    order,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from iran_russia_claims.spec.models import Registry
    from iran_russia_claims.validation.spans import Article


#: Engines: "pandas" reads every file in chunks with the careful readers. "polars" first
#: streams a Parquet, CSV or JSON Lines file with the strict reader (Arrow and Polars, batch
#: by batch), falling back to the careful readers for a file it declines. "auto" (the
#: default) is "polars". Both run the same rules and report the same problems at the same
#: rows; only a duplicate id or span in two of the careful reader's chunks (at most
#: CHUNK_ROWS records each, cut where its read blocks end) is worded differently ("used
#: again at row N").
ENGINES: Final = ("auto", "pandas", "polars")


@cache
def shipped_registry() -> Registry:
    """The actor and source registries shipped with the package."""
    from iran_russia_claims.readers.registry import read_registry
    from iran_russia_claims.resources import shipped_dataset

    return read_registry(Path(str(shipped_dataset())))


def validate(
    data: str | os.PathLike[str] | pd.DataFrame,
    *,
    registry: Registry | None = None,
    source: str | os.PathLike[str] | Iterable[str | os.PathLike[str]] | None = None,
    format: str | None = None,
    max_problems: int | None = DEFAULT_MAX_PROBLEMS,
    chunk_rows: int = CHUNK_ROWS,
    engine: str = "auto",
    id_prefix: str | None = None,
    links: Mapping[str, str | os.PathLike[str]] | None = None,
) -> ValidationReport:
    """Check a claims file (CSV, JSON, JSON Lines, Parquet, YAML) or DataFrame against every rule.

    ``registry`` (default: the shipped one) supplies actors and sources; ``source`` is an
    article's text file, a folder of them, or several of these, to check every span's SHA-256
    too (files are matched to the registry by hash; the report tallies the spans checked
    against each); ``format`` overrides the file
    extension. The report lists at most ``max_problems`` problems (None: all) and counts all.
    Files are read ``chunk_rows`` records at a time, so memory does not grow with the file
    (given ``links``, the claims' ids, sources and actors are kept to check the links against).
    ``engine`` (see :data:`ENGINES`) changes how a file is read, never what is found.
    ``id_prefix`` is the collection's id prefix (default: the registry's, from its manifest).
    ``links`` maps link tables (``claim_dyads``, ``claim_relations``, ``claim_coding``) to
    their files, checked against these claims (their problems name their own file).
    Bad data never raises; a wrong argument raises TypeError or ValueError.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if format is not None and format not in FORMATS:
        raise ValueError(f"unknown format {format!r}: use one of {', '.join(FORMATS)}")
    if max_problems is not None and (isinstance(max_problems, bool) or max_problems < 0):
        raise ValueError(f"max_problems must be None or >= 0, not {max_problems!r}")
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, not {chunk_rows!r}")
    if links:
        from iran_russia_claims.spec.link_rules import LINK_TABLES

        unknown = sorted(set(links) - set(LINK_TABLES))
        if unknown:
            raise ValueError(f"unknown link tables {unknown}: use {', '.join(LINK_TABLES)}")
    chunks: Iterator[Chunk]
    if _is_dataframe(data):
        report = ValidationReport(
            target="<DataFrame>", format="dataframe", max_problems=max_problems
        )
        run = _Run(report, registry or shipped_registry(), id_prefix, links)
        chunks = _frame_chunks(data, chunk_rows, run.sink.emit)
    elif isinstance(data, str | os.PathLike):
        from iran_russia_claims.readers import read_chunks, resolve

        path = Path(data)
        report = ValidationReport(target=str(path), max_problems=max_problems)
        run = _Run(report, registry or shipped_registry(), id_prefix, links)
        try:
            report.format = resolve(path, format)
        except ReadError as exc:
            report.add(exc.problem)
            return report
        if source is None and engine != "pandas" and not links:
            from iran_russia_claims.validation.stream import check_streamed

            if check_streamed(str(path), report.format, report, run.ctx, run.registry):
                run.finish()
                return report
        chunks = read_chunks(path, report.format, run.sink.emit, chunk_rows=chunk_rows)
    else:
        raise TypeError(f"validate() takes a path or a pandas DataFrame, not {type(data).__name__}")
    if source is not None:
        from iran_russia_claims.validation.spans import load_articles

        paths = [source] if isinstance(source, str | os.PathLike) else list(source)
        report.articles_given = True
        run.articles = load_articles(paths, registry or shipped_registry(), run.sink)
    try:
        for chunk in chunks:
            run.check(chunk)
    except ReadError as exc:
        report.add(exc.problem)
    except OSError as exc:  # the disk, not the data: still this input's located problem
        report.add(Problem("readable", f"cannot read: {exc.strerror or exc}", report.target))
    except MemoryError:
        report.add(
            Problem(
                "readable",
                "ran out of memory while checking it",
                report.target,
                hint="check it on a machine with more memory, or split it into smaller files",
            )
        )
    run.finish()
    return report


def _is_dataframe(data: object) -> TypeGuard[pd.DataFrame]:
    """Whether ``data`` is a pandas DataFrame, without importing pandas to find out.

    A file the strict reader takes is checked on Polars alone; importing pandas just for this
    test would cost a fresh process about 0.15 s.
    """
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def validate_frame(
    frame: pd.DataFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
    id_prefix: str | None = None,
) -> ValidationReport:
    """Validate one in-memory claims frame, collecting every failure (no limit, no chunking).

    A row is reported as its index label plus ``row_offset`` (with the default RangeIndex, the
    1-based record number; a CSV reader passes 2 so that the header is row 1); without an
    integer index, or with a label so large that a row number cannot hold it plus the offset,
    its position plus ``row_offset``. Without ``registry`` the registry rules are
    not checked; ``id_prefix`` is the collection's id prefix. Raises nothing for bad data; the
    report holds it.
    """
    report = ValidationReport(target=target, max_problems=None)
    run = _Run(report, registry, id_prefix)
    chunk = _frame_chunk(frame, _row_numbers(frame, row_offset), run.sink.emit)
    run.check(chunk)
    report.problems.sort(key=order)
    return report


class _Run:
    """State of one validation: where problems go, the rules' context, the keys seen so far."""

    def __init__(
        self,
        report: ValidationReport,
        registry: Registry | None,
        id_prefix: str | None = None,
        links: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> None:
        self.report = report
        #: The link tables' files to check against the claims, and what they read of them.
        self.links = dict(links or {})
        self.claims: list[dict[str, Any]] = []
        self.registry = registry
        self.ctx = Context.of(registry, id_prefix)
        self.sink = Sink(report)
        self.keys = ChunkKeys()
        #: The articles to check spans against, by source id (None: no article was asked for).
        self.articles: dict[str, Article] | None = None

    def check(self, chunk: Chunk) -> None:
        """All three steps on one chunk."""
        from iran_russia_claims.spec.evaluate import as_polars, find_failures
        from iran_russia_claims.validation.locate import locate
        from iran_russia_claims.validation.normalise import Ids, normalise

        n = len(chunk.frame)
        self.report.rows += n
        typed, bad = normalise(chunk, self.sink)
        if n == 0:
            return
        ids = Ids(typed, bad["id"])
        frame = as_polars(typed)
        failures = find_failures(frame, self.ctx)
        flagged = locate(failures, frame, chunk.rows, ids, bad, self.sink, self.registry)
        across_chunks(self.keys, self.sink, typed, chunk.rows, ids, bad)
        if self.links:
            kept = typed.loc[:, ["id", "source_id", "actors"]]
            self.claims += [{str(k): v for k, v in r.items()} for r in kept.to_dict("records")]
        if self.articles is not None:
            from iran_russia_claims.validation.spans import check_spans

            check_spans(self.articles, typed, chunk.rows, ids, bad, flagged, self.sink)

    def finish(self) -> None:
        report = self.report
        if self.links and report.readable:
            self.check_links()
        if report.rows == 0 and report.readable:
            report.add(
                Problem(
                    "not_empty",
                    "the input holds no claims",
                    report.target,
                    hint="a claims file holds at least one record (in CSV, a header and a row)",
                )
            )
        report.problems.sort(key=order)

    def check_links(self) -> None:
        """Each link table's file, against the claims read."""
        from iran_russia_claims.readers.links import read_link_records
        from iran_russia_claims.validation.links import check_links, claim_keys

        keys = claim_keys(c for c in self.claims if isinstance(c.get("id"), str))
        for table, path in self.links.items():
            try:
                records = read_link_records(Path(path), table)
                n, _ = check_links(table, records, keys, self.ctx, str(path), self.sink)
            except ReadError as exc:
                self.report.add(exc.problem)
                continue
            self.report.links[table] = (str(path), n)


def _row_numbers(frame: pd.DataFrame, offset: int) -> np.ndarray:
    import numpy as np

    labels = np.asarray(frame.index)
    if labels.dtype.kind in "iu" and (
        not len(labels) or int(labels.max()) <= np.iinfo(np.int64).max - offset
    ):  # a label so large that a row number cannot hold it: positions instead
        return np.asarray(labels, dtype=np.int64) + offset
    return np.arange(len(frame), dtype=np.int64) + offset


def _frame_chunk(frame: pd.DataFrame, rows: np.ndarray, emit: Callable[[Problem], None]) -> Chunk:
    frame = frame.set_axis([str(c) for c in frame.columns], axis=1)  # 1 and "1" are one name
    if frame.columns.duplicated().any():
        for name in frame.columns[frame.columns.duplicated()].unique():
            emit(
                Problem(
                    "no_extra_fields",
                    "the column appears more than once; the first is checked",
                    column=str(name),
                )
            )
        frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame.rename(columns=str).reset_index(drop=True)
    return Chunk(frame, rows)


def _frame_chunks(
    frame: pd.DataFrame, size: int, emit: Callable[[Problem], None]
) -> Iterator[Chunk]:
    import numpy as np

    rows = _row_numbers(frame, 1)
    if len(frame) == 0:
        yield _frame_chunk(frame, rows, emit)
    cumulative = np.cumsum(_coded_text(frame))  # text stored as codes, as it would expand
    start = 0
    while start < len(frame):
        base = cumulative[start - 1] if start else 0
        end = int(np.searchsorted(cumulative, base + MAX_CHUNK_TEXT_BYTES, side="right"))
        end = min(max(end, start + 1), start + size)
        yield _frame_chunk(frame.iloc[start:end], rows[start:end], emit)
        start = end


def _coded_text(frame: pd.DataFrame) -> np.ndarray:
    """Per row, the bytes of text its categorical and Arrow dictionary cells expand to: a
    frame can hold a large value once and name it in every row."""
    import numpy as np
    import pandas as pd

    weight = np.zeros(len(frame), dtype=np.int64)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        dtype = column.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            lengths = np.array([len(str(c)) for c in dtype.categories] + [0], dtype=np.int64)
            weight += lengths[np.asarray(column.cat.codes)]
        elif isinstance(dtype, pd.ArrowDtype) and "dictionary" in str(dtype.pyarrow_dtype):
            import pyarrow.compute as pc

            array = column.array.__arrow_array__()
            array = array.combine_chunks() if hasattr(array, "combine_chunks") else array
            if hasattr(array, "dictionary"):
                lengths = pc.binary_length(array.dictionary.cast("large_string")).fill_null(0)
                taken = lengths.take(array.indices).fill_null(0)
                weight += np.asarray(taken.to_numpy(zero_copy_only=False), dtype=np.int64)
    return weight


__all__ = ["ENGINES", "shipped_registry", "validate", "validate_frame"]
