"""Exporting the validated dataset: CSV, JSON, Parquet, SQLite (with Datasette's metadata), a
data package, checksums and schemas.

Validation comes first; then every table is rendered to bytes in memory by the one column-wise
writer (:mod:`.writer`), from one Arrow table per table, and all of them into one SQLite
database (:mod:`.sqlite`), so the same dataset gives the same bytes (only Parquet's
``created_by`` names the pyarrow release, and the SQLite header the SQLite library). Writing
goes through :func:`~iran_russia_claims.publish.atomic.write_files`: every file is staged beside
its target, a journal commits the set, then the files are renamed into place; an exception
part-way restores the files already replaced, and a kill part-way is completed by the next
command (:func:`~iran_russia_claims.publish.atomic.recover`), so a reader sees the old set or
the new one. An invalid dataset writes nothing. The ``export`` command writes the exports, the JSON
Schemas and the refreshed metadata as one such set.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish import datapackage, datasette, sqlite
from iran_russia_claims.publish.atomic import write_files
from iran_russia_claims.publish.jsonschemas import render_schemas
from iran_russia_claims.publish.parquet import COMPRESSION_LEVEL, arrow_table, key_value_metadata
from iran_russia_claims.publish.tables import Table, claim_rows, source_records, tables
from iran_russia_claims.publish.writer import render
from iran_russia_claims.validation.report import DataError, Problem

if TYPE_CHECKING:
    from iran_russia_claims.curation.dataset import Dataset

CHECKSUMS: Final = "SHA256SUMS"
#: How to read ``claims.csv`` with pandas: list cells are JSON arrays. ``keep_default_na``
#: stops pandas reading a value such as ``NA`` as missing; ``float`` parses each number to the
#: exact float that was written (pandas 3 deprecates ``float_precision="round_trip"``).
PANDAS_CSV_RECIPE: Final = (
    'pd.read_csv(path, converters={"actors": json.loads, "hedges": json.loads, '
    '"confidence": float}, keep_default_na=False)'
)
#: How to read ``claims.json`` with pandas: without ``precise_float`` its fast parser can be
#: one unit in the last place off.
PANDAS_JSON_RECIPE: Final = "pd.read_json(path, precise_float=True)"
#: The command that regenerates every generated file; drift checks tell people to run it.
EXPORT_COMMAND: Final = "iran-russia-claims export"


# -- documents ----------------------------------------------------------------------------------
def render_json(document: Any) -> bytes:
    """A JSON document (the data package, ``sources.json`` with its nested sections), two-space
    indented, UTF-8, final newline: the layout :mod:`.writer` gives the tables' JSON files."""
    text = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)
    return (text + "\n").encode("utf-8")


def render_checksums(files: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format (two spaces, sorted by name), for ``sha256sum -c SHA256SUMS``."""
    lines = [
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())
    ]
    return "".join(lines).encode("utf-8")


# -- the whole export ---------------------------------------------------------------------------
def check_exportable(dataset: Dataset) -> None:
    """Validate the claims table again, so no caller can export a table that breaks a rule.

    A :class:`Dataset` from ``read_dataset`` has passed already; one built by hand may not
    have (duplicate ids, for instance, pass every record check).
    """
    from iran_russia_claims.publish.frame import records_to_frame
    from iran_russia_claims.validation import validate_frame

    if not dataset.claims:
        raise DataError(
            [
                Problem(
                    "not_empty",
                    "the collection has no claims yet; nothing was written",
                    str(dataset.directory / "claims.yaml"),
                    hint="code its claims first (see docs/own-collection.md)",
                )
            ]
        )
    frame = records_to_frame(claim_rows(dataset))
    report = validate_frame(frame, dataset.registry, target="claims to export")
    if not report.valid:
        raise DataError(report.problems)


def render_exports(dataset: Dataset) -> dict[str, bytes]:
    """Every file of the exports directory, by name, as bytes; the checksums last."""
    files: dict[str, bytes] = {}
    rows = {table.name: table.rows(dataset) for table in tables()}
    for table in tables():
        metadata = key_value_metadata(dataset, table)
        data = arrow_table(table, rows[table.name], metadata)
        options: dict[str, Any] = {"table": table, "metadata": metadata}
        files[f"{table.name}.csv"] = render(data, ".csv", **options)
        files[f"{table.name}.json"] = (
            render_json(source_records(dataset))  # the sources with their sections nested
            if table.name == "sources"
            else render(data, ".json", **options)
        )
        files[f"{table.name}.parquet"] = render_parquet(table, data, metadata)
    files[sqlite.FILENAME] = sqlite.render_sqlite(dataset, rows)  # the rows read once
    files[datasette.FILENAME] = render_json(datasette.metadata(dataset))
    files[datapackage.FILENAME] = render_json(datapackage.descriptor(dataset))
    files[CHECKSUMS] = render_checksums(files)
    return files


def render_parquet(
    table: Table, data: Any, metadata: Mapping[str, str], *, vocabularies_as_text: bool = False
) -> bytes:
    """One export's Parquet file as bytes (``data``: its rows as a table, or as records), rows
    sorted by the table's order (checked), at :data:`.parquet.COMPRESSION_LEVEL`;
    ``vocabularies_as_text`` as for :func:`.writer.render`."""
    if not hasattr(data, "schema"):
        data = arrow_table(table, data, metadata)
    return render(
        data,
        ".parquet",
        table=table,
        metadata=metadata,
        sorted_by=table.order_by,
        compression_level=COMPRESSION_LEVEL,
        vocabularies_as_text=vocabularies_as_text,
    )


def render_all(dataset: Dataset, out: Path, schemas: Path | None) -> dict[Path, bytes]:
    """Every generated file, by path: the exports in ``out``, the JSON Schemas in ``schemas``."""
    check_exportable(dataset)
    paths = {out / name: data for name, data in render_exports(dataset).items()}
    if schemas is not None:
        rendered = render_schemas(dataset.manifest.id_prefix)
        paths.update({schemas / name: data for name, data in rendered.items()})
    return paths


def export(dataset: Dataset, out: str | Path, schemas: str | Path | None = None) -> list[Path]:
    """Validate, then write every export into ``out`` (and the JSON Schemas into ``schemas``)."""
    return write_files(
        render_all(dataset, Path(out), Path(schemas) if schemas is not None else None)
    )
