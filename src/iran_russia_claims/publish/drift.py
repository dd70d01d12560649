"""Is every generated file on disk what ``iran-russia-claims export`` would write now?

Text files must match byte for byte. A Parquet file must match in decoded schema (field
metadata included), values and our own key-value metadata, but not in bytes: the footer names
the pyarrow release that wrote it (``created_by``), and a new patch release must not count as
drift. The SQLite database likewise must hold the same schema and the same rows, each value of
the same type, but its header records the version of the SQLite library that wrote it. For the
same reason the line of either in ``SHA256SUMS`` is checked against the file beside it, not
against a fresh hash.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

from iran_russia_claims.publish.export import CHECKSUMS, EXPORT_COMMAND

REMEDY: Final = f"run `{EXPORT_COMMAND}` and commit the result"
#: Files compared by what they hold, not by their bytes, which name the library that wrote them.
BY_CONTENT: Final = (".parquet", ".sqlite")


def _parquet_difference(expected: bytes, actual: bytes) -> str | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.parquet import our_metadata

    try:
        old = pq.read_table(pa.BufferReader(actual))
    except (pa.ArrowException, OSError) as error:
        return f"cannot be read as Parquet ({error})"
    new = pq.read_table(pa.BufferReader(expected))
    if our_metadata(old.schema.metadata) != our_metadata(new.schema.metadata):
        return "its key-value metadata differs (dataset version, schema version or source hash)"
    if not old.schema.equals(new.schema, check_metadata=True):
        return f"its schema differs:\n{old.schema}\n  now:\n{new.schema}"
    if not old.equals(new):
        return "its values differ"
    return None


def _sqlite_difference(expected: bytes, actual: bytes) -> str | None:
    import sqlite3

    from iran_russia_claims.publish.sqlite import contents

    try:
        old_schema, old_rows = contents(actual)
    except sqlite3.Error as error:
        return f"cannot be read as SQLite ({error})"
    new_schema, new_rows = contents(expected)
    if old_schema != new_schema:
        return "its schema differs (tables, columns, types or keys)"
    for name, rows in new_rows.items():
        if old_rows.get(name) != rows:
            return f"the rows of its table {name!r} differ"
    return None


def _checksums(data: bytes) -> dict[str, str]:
    sums = {}
    for line in data.decode("utf-8", "replace").splitlines():
        digest, _, name = line.partition("  ")
        sums[name] = digest
    return sums


def _checksums_difference(expected: bytes, actual: bytes, directory: Path) -> str | None:
    new, old = _checksums(expected), _checksums(actual)
    if set(new) != set(old):
        return f"lists {sorted(old)}, but the exports are {sorted(new)}"
    for name in sorted(new):
        if not name.endswith(BY_CONTENT):
            if new[name] != old[name]:
                return f"the hash of {name} is out of date"
            continue
        path = directory / name
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != old[name]:
            return f"the hash of {name} does not match the file"
    return None


def difference(path: Path, expected: bytes) -> str | None:
    """Why the file at ``path`` is not what the export would write, or None if it is."""
    if not path.is_file():
        return "is missing"
    actual = path.read_bytes()
    if path.name == CHECKSUMS:  # even when unchanged: a file beside it may have changed bytes
        return _checksums_difference(expected, actual, path.parent)
    if actual == expected:
        return None
    if path.suffix == ".parquet":
        return _parquet_difference(expected, actual)
    if path.suffix == ".sqlite":
        return _sqlite_difference(expected, actual)
    return "differs from a fresh export"


def stale(expected: Mapping[Path, bytes], directories: Iterable[Path]) -> list[str]:
    """One line per generated file that is missing, out of date, or no longer generated."""
    problems = [
        f"{path}: {why}"
        for path, data in expected.items()
        if (why := difference(path, data)) is not None
    ]
    for directory in directories:
        if directory.is_dir():
            extra = sorted(p for p in directory.iterdir() if p.is_file() and p not in expected)
            problems += [f"{p}: export no longer writes it; delete it" for p in extra]
    return problems
