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

Row numbers: a CSV's header is row 1, so its first record is row 2, and every row counts as a
spreadsheet shows it (a blank line is an empty row); a JSON Lines record's row is its line
number (blank lines are skipped); JSON, YAML and Parquet records count from 1.

Layout: one module per format (:mod:`.csv`, :mod:`.json`, :mod:`.jsonl`, :mod:`.parquet`,
:mod:`.yaml`), each with one reader ``(path, emit, chunk_rows) -> Iterator[Chunk]``; what they
share is in :mod:`.common` (types, limits, encoding checks) and :mod:`.chunks` (Arrow tables and
parsed records to chunks); :mod:`.safe_yaml` is the YAML loader, also used for ``dataset/``.
:data:`READERS`, below, is the one table of formats: adding a format is one module and one line
there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final, NamedTuple

from iran_russia_claims.readers.chunks import arrow_chunk, records_chunk
from iran_russia_claims.readers.common import (
    CHUNK_ROWS,
    KINDS,
    MAX_RECORD_BYTES,
    Chunk,
    Emit,
    ReadError,
    not_regular,
    read_head,
    unreadable,
)
from iran_russia_claims.readers.csv import MAX_CSV_ROW_BYTES, csv_chunks
from iran_russia_claims.readers.json import json_chunks
from iran_russia_claims.readers.jsonl import jsonl_chunks
from iran_russia_claims.readers.parquet import MAX_ROW_GROUP_BYTES, parquet_chunks
from iran_russia_claims.readers.yaml import yaml_chunks
from iran_russia_claims.spec.vocab import LIST_COLUMNS

#: A reader: ``(path, emit, chunk_rows)`` to the file's chunks, in order.
Reader = Callable[[Path, Emit, int], Iterator[Chunk]]


class Format(NamedTuple):
    """A format's file extensions (the first is the one suggested) and its reader."""

    extensions: tuple[str, ...]
    read: Reader


#: Every format read, by name: the one table that FORMATS, EXTENSIONS and read_chunks come
#: from. A new format is a module with its reader, and one line here.
READERS: Final = {
    "csv": Format((".csv",), csv_chunks),
    "json": Format((".json",), json_chunks),
    "jsonl": Format((".jsonl", ".ndjson"), jsonl_chunks),
    "parquet": Format((".parquet", ".pq"), parquet_chunks),
    "yaml": Format((".yaml", ".yml"), yaml_chunks),
}
#: The formats :func:`read_chunks` reads; ``yaml`` is the curated dataset's own format.
FORMATS: Final = tuple(READERS)
#: The format of each file extension (in lower case).
EXTENSIONS: Final = {ext: name for name, fmt in READERS.items() for ext in fmt.extensions}
_SUGGESTED: Final = [fmt.extensions[0] for fmt in READERS.values()]


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
    kind = not_regular(path)
    if kind is not None:
        raise unreadable(
            path,
            f"is {kind}, not a regular file: nothing was read from it",
            hint="save the data to a file and pass that",
        )
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
        hint=f"name the file {', '.join(_SUGGESTED[:-1])} or {_SUGGESTED[-1]}, or pass the "
        f"format (one of {', '.join(FORMATS)})",
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
    if size == 0 and not read_head(path, 1):  # a size of 0 can be a file that holds text
        return
    yield from _marked_last(_read(path, fmt, emit, chunk_rows))


def _read(path: Path, fmt: str, emit: Emit, chunk_rows: int) -> Iterator[Chunk]:
    try:
        yield from READERS[fmt].read(path, emit, chunk_rows)
    except PermissionError:
        raise unreadable(path, "permission denied") from None
    except IsADirectoryError:  # pragma: no cover - caught above; a race at most
        raise unreadable(path, "is a directory, not a claims file") from None


def _marked_last(chunks: Iterator[Chunk]) -> Iterator[Chunk]:
    """The chunks, each marked as the file's last one or not (``Chunk.last``): each is held
    until the next one is read. A chunk read before an error stays unmarked (not known)."""
    held = next(chunks, None)
    while held is not None:
        try:
            following = next(chunks, None)
        except Exception:
            yield held
            raise
        held.last = following is None
        yield held
        held = following


__all__ = [
    "CHUNK_ROWS",
    "EXTENSIONS",
    "FORMATS",
    "KINDS",
    "LIST_COLUMNS",
    "MAX_CSV_ROW_BYTES",
    "MAX_RECORD_BYTES",
    "MAX_ROW_GROUP_BYTES",
    "READERS",
    "Chunk",
    "Emit",
    "Format",
    "ReadError",
    "Reader",
    "arrow_chunk",
    "detect_format",
    "read_chunks",
    "records_chunk",
]
