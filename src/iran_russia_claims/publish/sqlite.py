"""``claims.sqlite``: every published table in one SQLite database, for SQL and Datasette.

Built with the standard library's :mod:`sqlite3` from the table definitions
(:mod:`.tables`): one SQLite table per published table, its columns in the same order, typed
from each field (text ``TEXT``, whole numbers ``INTEGER``, numbers ``REAL``; a list is ``TEXT``
holding a compact JSON array, ``["IRN","RUS"]`` as in the CSV files, so SQLite's ``json_each``
and Datasette's array facets read it), ``NOT NULL`` where a value is required, and the primary
and foreign keys of the definitions. A missing value is ``NULL``. Rows are inserted in each
table's order.

Reproducibility: the database is built in memory in one transaction with a fixed page size,
vacuumed and serialised, so the same rows give the same bytes
with the same SQLite library. The file header records the version of that library (and a
change counter its writes move), so drift checks compare the schema and the rows
(:func:`contents`), not the bytes, as they do for Parquet.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish.tables import Table, TableField, tables

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset

FILENAME: Final = "claims.sqlite"
#: SQLite's default page size, set explicitly so no build setting of the library changes it.
PAGE_SIZE: Final = 4096
_SQL_TYPES: Final = {
    "string": "TEXT",
    "integer": "INTEGER",
    "number": "REAL",
    "boolean": "INTEGER",
    "list": "TEXT",
}


def quoted(name: str) -> str:
    """An SQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


def _names(names: Sequence[str]) -> str:
    return ", ".join(quoted(n) for n in names)


def _column(field: TableField) -> str:
    return f"{quoted(field.name)} {_SQL_TYPES[field.type]}" + (
        " NOT NULL" if field.required else ""
    )


def create_statement(table: Table) -> str:
    """The ``CREATE TABLE`` statement of one published table."""
    parts = [_column(f) for f in table.fields]
    parts.append(f"PRIMARY KEY ({_names(table.primary_key)})")
    parts += [
        f"FOREIGN KEY ({_names(fk.fields)}) REFERENCES {quoted(fk.table)} ({_names(fk.reference)})"
        for fk in table.foreign_keys
    ]
    body = ",\n  ".join(parts)
    return f"CREATE TABLE {quoted(table.name)} (\n  {body}\n)"


def cell(field: TableField, value: Any) -> Any:
    """A value as SQLite stores it: a list as its compact JSON array, ``None`` as ``NULL``."""
    if value is None:
        return None
    if field.type == "list":
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    if field.type == "boolean":  # SQLite has no booleans: 1 and 0, as its own TRUE and FALSE
        return int(value)
    return value


def _fill(connection: sqlite3.Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    connection.execute(create_statement(table))
    # identifiers of our own table definitions, quoted; the values are parameters
    columns, marks = _names(table.field_names), ", ".join("?" for _ in table.fields)
    insert = f"INSERT INTO {quoted(table.name)} ({columns}) VALUES ({marks})"  # noqa: S608
    connection.executemany(insert, ([cell(f, row[f.name]) for f in table.fields] for row in rows))


def render_sqlite(
    dataset: Dataset, rows: Mapping[str, Sequence[Mapping[str, Any]]] | None = None
) -> bytes:
    """The database of every published table of ``dataset``, as bytes: built in memory (no
    temporary file for a killed export to leave behind) and serialised as a database file;
    ``rows``: each table's rows, by name, where the caller has read them already."""
    with closing(sqlite3.connect(":memory:", isolation_level=None)) as connection:
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        connection.execute("BEGIN")
        for table in tables():
            found = rows[table.name] if rows is not None else table.rows(dataset)
            _fill(connection, table, found)
        connection.execute("COMMIT")
        # every reference is checked once all rows are in (whatever the insertion order)
        problems = connection.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ValueError(f"{FILENAME}: rows refer to missing keys: {problems[:5]}")
        connection.execute("VACUUM")
        return connection.serialize()


# -- reading it back (drift checks, tests) ------------------------------------------------------
Contents = tuple[list[tuple[str, str, str]], dict[str, list[tuple[tuple[str, Any], ...]]]]


def contents(data: bytes) -> Contents:
    """What a database holds, whatever wrote it: its schema (type, name, SQL of every object)
    and each table's rows in stored order, every value with its SQLite type."""
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.deserialize(data)  # a copy in memory: nothing on disk, the bytes unchanged
        schema = connection.execute(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        rows = {}
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        ).fetchall():
            query = f"SELECT * FROM {quoted(name)} ORDER BY rowid"  # noqa: S608 (quoted)
            cursor = connection.execute(query)
            rows[name] = [tuple((type(v).__name__, v) for v in row) for row in cursor]
    return schema, rows
