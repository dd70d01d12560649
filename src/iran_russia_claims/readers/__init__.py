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

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

from iran_russia_claims.readers.chunks import arrow_chunk, records_chunk
from iran_russia_claims.readers.common import (
    CHUNK_ROWS,
    KINDS,
    MAX_RECORD_BYTES,
    Chunk,
    Emit,
    ReadError,
    check_encoding,
    read_head,
    unreadable,
)
from iran_russia_claims.readers.csv import MAX_CSV_ROW_BYTES, csv_chunks
from iran_russia_claims.readers.json import json_chunks
from iran_russia_claims.readers.jsonl import jsonl_chunks
from iran_russia_claims.vocab import LIST_COLUMNS

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
#: Largest Parquet row group (uncompressed) read; a 10^6-row export is about 300 MB.
MAX_ROW_GROUP_BYTES: Final = 4 * 1024**3


def resolve(path: Path, fmt: str | None = None) -> str:
    """Check that ``path`` is a file we may read, and return the format to read it as."""
    if path.is_dir():
        inside = next((p.name for p in sorted(path.glob("claims.*"))), None)
        raise unreadable(
            path,
            "is a directory, not a claims file",
            hint=f"pass the file inside it, e.g. {path / inside}" if inside else None,
        )
    if not path.exists():
        raise unreadable(path, "file not found", hint="check the path and its spelling")
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
    raise unreadable(
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
        raise unreadable(path, "file not found", hint="check the path and its spelling") from None
    except OSError as exc:
        raise unreadable(path, f"cannot read: {exc.strerror}") from None
    if size == 0:
        return
    readers: dict[str, Callable[[Path, Emit, int], Iterator[Chunk]]] = {
        "csv": csv_chunks,
        "json": json_chunks,
        "jsonl": jsonl_chunks,
        "parquet": _read_parquet,
        "yaml": _read_yaml,
    }
    try:
        yield from readers[fmt](path, emit, chunk_rows)
    except PermissionError:
        raise unreadable(path, "permission denied") from None
    except IsADirectoryError:  # pragma: no cover - caught above; a race at most
        raise unreadable(path, "is a directory, not a claims file") from None


def _batched(items: list[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- CSV -----------------------------------------------------------------------------------------


# -- JSON Lines ------------------------------------------------------------------------------------


# -- JSON ------------------------------------------------------------------------------------------


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
                raise unreadable(
                    path,
                    f"row group {group} holds {size} bytes uncompressed, over the limit of "
                    f"{MAX_ROW_GROUP_BYTES}",
                    hint="write the file with smaller row groups (row_group_size)",
                )
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise unreadable(
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
        raise unreadable(
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

    check_encoding(path, read_head(path, 4))
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
        raise unreadable(
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
    "KINDS",
    "LIST_COLUMNS",
    "MAX_CSV_ROW_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_ROW_GROUP_BYTES",
    "Chunk",
    "Emit",
    "ReadError",
    "arrow_chunk",
    "detect_format",
    "read_chunks",
    "records_chunk",
]
