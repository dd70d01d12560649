"""Reading a link table's file (dyads, relations, codings) into numbered records.

A link table is small (a few rows per claim), so its file is read whole, after its size is
checked: at most :data:`MAX_LINK_BYTES`, which keeps what the parsed records cost inside the
memory bound of ``readers.common``. The formats are those the exports write (CSV, JSON, JSON
Lines, Parquet) and the curated YAML, a mapping with the records under the table's key (as
``dataset/claim_dyads.yaml``) or a bare list. CSV cells are text: a boolean column takes
``true`` or ``false``, and an empty cell is a missing value. Each record comes with its row:
its number in the file (in CSV, its line, the header being line 1). Where a file cannot be
read at all, :class:`~iran_russia_claims.readers.common.ReadError` says why.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from iran_russia_claims.readers.common import (
    DuplicateKeyError,
    ReadError,
    check_encoding,
    decode_error,
    duplicate_key,
    not_regular,
    read_head,
    repeated,
    unique_keys,
    unreadable,
)
from iran_russia_claims.spec.problem import DataError, Problem
from iran_russia_claims.spec.vocab import FALSE_VALUES, LINK_COLUMNS, LINK_FILES, TRUE_VALUES

#: The largest link file read (a link table of a million rows takes some 100 MiB as CSV;
#: split a larger one, or check it as Parquet on Spark).
MAX_LINK_BYTES: Final = 64 * 1024 * 1024
#: The records a link table's Parquet file may hold beyond one per byte of the file: each
#: record costs a fixed few hundred bytes to check, whatever the file compresses it to.
LINK_SPARE_RECORDS: Final = 1 << 16
LINK_FORMATS: Final = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".yaml": "yaml",
    ".yml": "yaml",
}
_BOOLEANS: Final = {**dict.fromkeys(TRUE_VALUES, True), **dict.fromkeys(FALSE_VALUES, False)}


def read_link_records(path: Path, table: str) -> Iterator[tuple[int, Any]]:
    """Every record of a link table's file, with its row; raise ReadError where it cannot be
    read (at once for what is wrong with the file as a whole, else where reading stops). A
    record may be anything the file holds (the model says what is wrong with it). CSV, JSON
    Lines and Parquet records come one at a time."""
    kind = not_regular(path)
    if kind is not None:
        raise unreadable(path, f"this is {kind}, not a file")
    fmt = LINK_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise unreadable(
            path,
            f"unknown extension {path.suffix!r} for a {table} file",
            hint=f"use one of {', '.join(sorted(LINK_FORMATS))}",
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise unreadable(path, f"cannot read: {exc.strerror or exc}") from None
    if size > MAX_LINK_BYTES:
        raise unreadable(
            path,
            f"the file has {size} bytes; a link table is read whole, at most {MAX_LINK_BYTES}",
            hint="a link table is checked whole (its keys and cycles span every row): write it "
            "as Parquet, which holds the same rows in far fewer bytes",
        )
    try:
        if fmt == "parquet":
            return _parquet(path)
        if fmt == "yaml":
            return iter(_yaml(path, table))
        head = read_head(path)
        check_encoding(path, head)
        data = path.read_bytes()
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte order mark is no data
    except UnicodeDecodeError as exc:  # located: the line (a CSV row, a JSON Lines line)
        row = data.count(b"\n", 0, exc.start) + 1 if fmt in ("csv", "jsonl") else None
        raise decode_error(path, exc, 0, row) from None
    except OSError as exc:
        raise unreadable(path, f"cannot read: {exc.strerror or exc}") from None
    del data
    if fmt == "csv":
        return _csv(path, text, table)
    if fmt == "jsonl":
        return _jsonl(path, text)
    if text.lstrip().startswith("["):  # an array, as the exports write it: record by record
        return _json_array(path, text)
    whole = _json(path, text, 1)
    del text
    return iter(_listed(path, whole, table))


def _listed(path: Path, data: Any, table: str) -> list[tuple[int, Any]]:
    key = LINK_FILES[table][1]
    if isinstance(data, dict) and isinstance(data.get(key), list):
        data = data[key]
    if not isinstance(data, list):
        raise unreadable(
            path,
            f"expected a list of records, or a mapping with the list under {key!r}",
        )
    return list(enumerate(data, start=1))


def _yaml(path: Path, table: str) -> list[tuple[int, Any]]:
    from iran_russia_claims.readers.safe_yaml import read_yaml

    try:
        data = read_yaml(path)
    except DataError as exc:
        raise ReadError(exc.problems[0]) from None
    return _listed(path, data, table)


def _json(path: Path, text: str, row: int) -> Any:
    try:
        return json.loads(text, object_pairs_hook=unique_keys)
    except DuplicateKeyError as exc:
        raise unreadable(path, str(exc), row=row, hint="delete one of the two") from None
    except RecursionError:
        raise unreadable(path, "the JSON is nested too deeply", row=row) from None
    except ValueError as exc:
        raise unreadable(path, f"not valid JSON: {exc}", row=row) from None


@dataclass(frozen=True, slots=True)
class Note:
    """A located problem the reader found in a record it still yields (a JSON key given twice:
    the last value is read)."""

    problem: Problem


def _json_array(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """The records of a JSON array, each decoded alone, so that a problem names its record."""
    decoder = json.JSONDecoder(object_pairs_hook=unique_keys)
    plain = json.JSONDecoder()
    at = len(text) - len(text.lstrip()) + 1
    number = 0
    while True:
        while at < len(text) and text[at] in " \t\r\n":
            at += 1
        if at < len(text) and text[at] == "]":
            if text[at + 1 :].strip():
                raise unreadable(path, "not valid JSON: text after the array", row=number)
            return
        if number:
            if at >= len(text) or text[at] != ",":
                raise unreadable(path, "not valid JSON: expected , or ] after a record",
                                 row=number)  # fmt: skip
            at += 1
            while at < len(text) and text[at] in " \t\r\n":
                at += 1
        number += 1
        try:
            record, end = decoder.raw_decode(text, at)
        except DuplicateKeyError as exc:
            yield number, Note(duplicate_key(path, number, exc))
            record, end = plain.raw_decode(text, at)
        except RecursionError:
            raise unreadable(path, "the JSON is nested too deeply", row=number) from None
        except ValueError as exc:
            raise unreadable(path, f"not valid JSON: {exc}", row=number) from None
        yield number, record
        at = end


def _jsonl(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    start, number = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        line = text[start:end]
        start = end + 1
        if not line.strip():
            continue
        try:
            record = _json(path, line, number)
        except ReadError as exc:
            if not exc.problem.message.startswith("the field"):  # not a key given twice
                raise
            yield number, Note(replace(exc.problem, rule="no_extra_fields"))
            record = json.loads(line)
        yield number, record


def _csv(path: Path, text: str, table: str) -> Iterator[tuple[int, Any]]:
    import csv
    import io

    kinds = {c.name: c.type for c in LINK_COLUMNS[table]}
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 1  # rows as the claims' CSV counts them: the header is row 1
    try:
        header = next(reader, None)
        if header is None:
            return
        given = set(header)
        absent = tuple(name for name in kinds if name not in given)
        twice = tuple(repeated(header))
        if absent or twice:
            yield 1, Header(absent, twice)
        for row in reader:
            number += 1
            if not row:  # a blank line
                continue
            record: dict[str, Any] = {}
            for name, cell in zip(header, row, strict=False):
                record.setdefault(name, _cell(cell, kinds.get(name)))  # the first of a name
            for name in header[len(row) :]:
                record.setdefault(name, None)
            if len(row) > len(header):
                record[f"column {len(header) + 1}"] = row[len(header)]
            yield number, record
    except csv.Error as exc:
        raise unreadable(path, f"not valid CSV: {exc}", row=number) from None


@dataclass(frozen=True, slots=True)
class Header:
    """What is wrong with a CSV file's header: the table's columns it lacks, and the names it
    gives twice (the first of each is read)."""

    absent: tuple[str, ...]
    twice: tuple[str, ...]


def _cell(cell: str, kind: str | None) -> Any:
    """A CSV cell as its column's type: empty is missing; a boolean one of the spellings of
    ``vocab.TRUE_VALUES`` and ``FALSE_VALUES`` (any other text stays text, for the model to
    refuse)."""
    if cell == "":
        return None
    if kind == "boolean":
        return _BOOLEANS.get(cell, cell)
    return cell


def _parquet(path: Path) -> Iterator[tuple[int, Any]]:
    from iran_russia_claims.readers.parquet import checked

    parquet, _ = checked(path)
    records, size = parquet.metadata.num_rows, path.stat().st_size
    if records > size + LINK_SPARE_RECORDS:  # what each record costs to check is fixed
        raise unreadable(
            path,
            f"the file says it holds {records} records in {size} bytes, more than one per byte "
            f"(plus {LINK_SPARE_RECORDS}) for a link table",
            hint="a link table's Parquet file takes a few bytes per record; write it again",
        )
    return _batches(path, parquet)


def _batches(path: Path, parquet: Any) -> Iterator[tuple[int, Any]]:
    """The records of a Parquet file, a batch at a time, each text value one Python object
    however many rows repeat it (a dictionary column names its values once; so does a column
    of repeated text once encoded): what a few bytes can repeat costs no more in Python. A
    column name given twice is reported, and the first column of the name read."""
    import pyarrow as pa

    names = list(parquet.schema_arrow.names)
    twice = tuple(repeated(names))
    if twice:
        yield 1, Header((), twice)
    first = list({n: i for i, n in reversed(list(enumerate(names)))}.values())
    first.sort()  # the first column of each name, in the file's order
    number = 0
    try:
        for batch in parquet.iter_batches(batch_size=8192, use_threads=False):
            columns = [_values(batch.column(i)) for i in first]
            for values in zip(*columns, strict=True):
                number += 1
                yield number, dict(zip((names[i] for i in first), values, strict=True))
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise unreadable(path, f"not a readable Parquet file: {exc}", row=number + 1) from None


def _values(column: Any) -> list[Any]:
    """A column's values as Python objects, text values shared among the rows that repeat
    them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = column.type
    if pa.types.is_dictionary(kind):
        coded = column
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        coded = pc.dictionary_encode(column)
    else:
        return list(column.to_pylist())
    values = coded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in coded.indices.to_pylist()]
