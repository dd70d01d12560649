"""Exporting the validated dataset to CSV, JSON and Parquet, byte for byte reproducibly.

Everything is rendered to bytes in memory first (after validation), then every file is staged
as a temporary file beside its target and renamed into place, so an invalid dataset or a
failure part-way leaves the previous exports untouched.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from iran_russia_claims.__about__ import __version__
from iran_russia_claims.dataset import Dataset
from iran_russia_claims.vocab import (
    CLAIM_COLUMN_NAMES,
    LIST_COLUMNS,
    SCHEMA_VERSION,
    VOCABULARY_COLUMNS,
)

ACTOR_COLUMNS = ("code", "name", "kind", "iso3", "wikidata", "cameo")
SOURCE_COLUMNS = ("id", "title", "author", "language", "filename", "sha256", "length")
SECTION_COLUMNS = ("source_id", "slug", "title", "start", "end")


def claim_records(dataset: Dataset) -> list[dict[str, Any]]:
    records = [c.model_dump(mode="json") for c in dataset.claims]
    return sorted(records, key=lambda r: r["id"])


def actor_records(dataset: Dataset) -> list[dict[str, Any]]:
    rows = [a.model_dump(mode="json") for a in dataset.registry.actors.values()]
    return sorted(rows, key=lambda r: r["code"])


def source_records(dataset: Dataset) -> list[dict[str, Any]]:
    rows = [s.model_dump(mode="json") for s in dataset.registry.sources.values()]
    return sorted(rows, key=lambda r: r["id"])


def section_records(dataset: Dataset) -> list[dict[str, Any]]:
    return [
        {"source_id": s["id"], **sec} for s in source_records(dataset) for sec in s["sections"]
    ]


# -- renderers ----------------------------------------------------------------------------------
def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, float):
        return repr(value)
    return str(value)


def render_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """RFC 4180 CSV (LF line ends), UTF-8 without BOM; lists as compact JSON arrays."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return buffer.getvalue().encode("utf-8")


def render_json(rows: Any) -> bytes:
    """A JSON document, two-space indented, keys in schema order, UTF-8, final newline."""
    return (json.dumps(rows, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def parquet_metadata(dataset: Dataset) -> dict[str, str]:
    """Our key-value metadata: what a reader needs to know which data this is."""
    hashes = {sid: src.sha256 for sid, src in sorted(dataset.registry.sources.items())}
    return {
        "iran_russia_claims.dataset_version": __version__,
        "iran_russia_claims.schema_version": SCHEMA_VERSION,
        "iran_russia_claims.source_sha256": json.dumps(hashes, sort_keys=True),
    }


def _claims_arrow_schema(metadata: Mapping[str, str]) -> Any:
    import pyarrow as pa

    from iran_russia_claims.vocab import CLAIM_COLUMNS

    types = {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "list": pa.list_(pa.string()),
    }
    fields = []
    for column in CLAIM_COLUMNS:
        arrow_type = types[column.type]
        if column.name in VOCABULARY_COLUMNS or column.name in ("source_id", "section"):
            arrow_type = pa.dictionary(pa.int32(), pa.string())
        fields.append(
            pa.field(column.name, arrow_type, nullable=False,
                     metadata={"description": column.description})
        )
    return pa.schema(fields, metadata=dict(metadata))


def render_parquet(rows: Sequence[Mapping[str, Any]], schema: Any) -> bytes:
    """Parquet (zstd, dictionary-encoded vocabularies) with no timestamps in it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {}
    for field in schema:
        values = [row[field.name] for row in rows]
        if pa.types.is_dictionary(field.type):
            columns[field.name] = pa.array(values, pa.string()).dictionary_encode()
        else:
            columns[field.name] = pa.array(values, field.type)
    table = pa.Table.from_pydict(columns, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(
        table,
        sink,
        compression="zstd",
        compression_level=9,
        use_dictionary=True,
        write_statistics=True,
        data_page_version="2.0",
    )
    return bytes(sink.getvalue().to_pybytes())


def _registry_parquet(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], ints: Sequence[str] = ()) -> bytes:
    import pyarrow as pa

    schema = pa.schema(
        [pa.field(c, pa.int64() if c in ints else pa.string(), nullable=True) for c in columns]
    )
    return render_parquet([{c: r.get(c) for c in columns} for r in rows], schema)


def render_all(dataset: Dataset) -> dict[str, bytes]:
    """Every export file, by name, as bytes."""
    claims = claim_records(dataset)
    actors = actor_records(dataset)
    sources = source_records(dataset)
    sections = section_records(dataset)
    meta = parquet_metadata(dataset)
    files = {
        "claims.csv": render_csv(claims, CLAIM_COLUMN_NAMES),
        "claims.json": render_json(claims),
        "claims.parquet": render_parquet(claims, _claims_arrow_schema(meta)),
        "actors.csv": render_csv(actors, ACTOR_COLUMNS),
        "actors.json": render_json(actors),
        "actors.parquet": _registry_parquet(actors, ACTOR_COLUMNS),
        "sources.csv": render_csv(sources, SOURCE_COLUMNS),
        "sources.json": render_json(sources),
        "sources.parquet": _registry_parquet(sources, SOURCE_COLUMNS, ints=("length",)),
        "sections.csv": render_csv(sections, SECTION_COLUMNS),
    }
    assert not set(LIST_COLUMNS) - set(CLAIM_COLUMN_NAMES)
    return files


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


def write_files(directory: str | Path, files: Mapping[str, bytes]) -> list[Path]:
    """Stage every file beside its target, then rename them all; on failure remove the stages."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, _FILE_MODE)
            staged.append((Path(tmp), directory / name))
        for tmp_path, target in staged:
            os.replace(tmp_path, target)
    finally:
        for tmp_path, _ in staged:
            tmp_path.unlink(missing_ok=True)
    return [target for _, target in staged]


def export(dataset: Dataset, directory: str | Path) -> list[Path]:
    """Write every export of an already validated dataset into ``directory``."""
    return write_files(directory, render_all(dataset))
