"""Parquet files of the published tables: real types, our metadata, the same bytes every time.

Types: ``list<string>`` for list fields, dictionaries over the *whole* vocabulary (ordered for
the ICD 203 bands) for categoricals, int64 offsets, float64 confidence; each field's
description is in its Arrow field metadata, and the Arrow schema is stored in the file
(``ARROW:schema``) so every Arrow-based reader gets these types back. Files are
zstd-compressed, one row group, with page checksums and the row order declared
(``sorting_columns``) so engines can skip a sort. This module defines the schema and metadata;
:mod:`.writer` writes the files (the exports at :data:`COMPRESSION_LEVEL`, which costs
milliseconds on the shipped tables; other tables at zstd's default by default).

Reproducibility: pyarrow writes no timestamp and no path, so the same table gives the same
bytes. The one writer-dependent item is the footer's ``created_by`` (e.g. ``parquet-cpp-arrow
version 26.0.1``), which pyarrow sets and does not let us change: a new pyarrow release changes
it, so drift checks compare schema, values and our own key-value metadata, not bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.publish.tables import Table, TableField
from iran_russia_claims.spec.vocab import SCHEMA_VERSION

if TYPE_CHECKING:
    import pyarrow as pa

    from iran_russia_claims.curation.dataset import Dataset

#: Prefix of our keys in the Parquet footer's key-value metadata.
METADATA_PREFIX: Final = "iran_russia_claims."
COMPRESSION: Final = "zstd"
#: The exports' zstd level: small files, shipped to every user.
COMPRESSION_LEVEL: Final = 9


def table_metadata(table: Table) -> dict[str, str]:
    """Our key-value metadata that the table alone determines (any file of it carries these)."""
    pairs = {
        "table": table.name,
        "description": table.description,
        "schema_version": SCHEMA_VERSION,
        "primary_key": json.dumps(list(table.primary_key)),
    }
    return {METADATA_PREFIX + key: value for key, value in pairs.items()}


def key_value_metadata(dataset: Dataset, table: Table) -> dict[str, str]:
    """What a reader of one file needs to know which data it holds."""
    hashes = {sid: src.sha256 for sid, src in sorted(dataset.registry.sources.items())}
    pairs = {
        "dataset": dataset.manifest.name,
        "table": table.name,
        "description": table.description,
        "dataset_version": dataset.manifest.version,
        "schema_version": SCHEMA_VERSION,
        "source_sha256": json.dumps(hashes, sort_keys=True),
        "primary_key": json.dumps(list(table.primary_key)),
        "license": dataset.manifest.license.id,
    }
    return {METADATA_PREFIX + key: value for key, value in pairs.items()}


def our_metadata(metadata: Mapping[bytes, bytes] | None) -> dict[str, str]:
    """Our keys of a file's key-value metadata (not pyarrow's ``ARROW:schema``)."""
    return {
        k.decode(): v.decode()
        for k, v in (metadata or {}).items()
        if k.decode().startswith(METADATA_PREFIX)
    }


def _arrow_type(field: TableField) -> pa.DataType:
    import pyarrow as pa

    if field.vocabulary is not None:
        return pa.dictionary(pa.int32(), pa.string(), ordered=field.ordered)
    return {
        "string": pa.string(),
        "integer": pa.int64(),
        "number": pa.float64(),
        "boolean": pa.bool_(),
        "list": pa.list_(pa.field("element", pa.string(), nullable=False)),
    }[field.type]


def arrow_schema(table: Table, metadata: Mapping[str, str]) -> pa.Schema:
    """The Arrow schema of a table, descriptions in the field metadata."""
    import pyarrow as pa

    return pa.schema(
        [
            pa.field(
                f.name,
                _arrow_type(f),
                nullable=not f.required,
                metadata={"description": f.description},
            )
            for f in table.fields
        ],
        metadata=dict(metadata),
    )


def _column(field: TableField, arrow_type: pa.DataType, values: list[Any]) -> pa.Array:
    import pyarrow as pa

    if field.vocabulary is None:
        return pa.array(values, arrow_type)
    # Indices into the full vocabulary, so every file and reader sees all categories in order.
    position = {value: i for i, value in enumerate(field.vocabulary)}
    indices = pa.array([position[v] for v in values], pa.int32())
    dictionary = pa.array(list(field.vocabulary), pa.string())
    return pa.DictionaryArray.from_arrays(indices, dictionary, ordered=field.ordered)


def arrow_table(
    table: Table, rows: Sequence[Mapping[str, Any]], metadata: Mapping[str, str]
) -> pa.Table:
    """Rows as an Arrow table with the published schema."""
    import pyarrow as pa

    schema = arrow_schema(table, metadata)
    columns = [
        _column(f, schema.field(f.name).type, [row[f.name] for row in rows]) for f in table.fields
    ]
    return pa.Table.from_arrays(columns, schema=schema)


# -- any table's data with the published schema ------------------------------------------------
def _to_vocabulary(chunk: Any, field: TableField, arrow_type: pa.DataType) -> Any:
    """A text or dictionary chunk as indices into the field's whole vocabulary, in its order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    vocabulary = pa.array(field.vocabulary, pa.string())
    if pa.types.is_dictionary(chunk.type):
        if chunk.type == arrow_type and chunk.dictionary.equals(vocabulary):
            return chunk
        positions = pc.index_in(chunk.dictionary.cast(pa.string()), value_set=vocabulary)
        indices = positions.take(chunk.indices)
    else:
        indices = pc.index_in(chunk.cast(pa.string()), value_set=vocabulary)
    if indices.null_count != chunk.null_count:
        found = pc.unique(chunk.filter(pc.and_(pc.is_valid(chunk), pc.is_null(indices))))
        raise ValueError(f"{field.name}: values outside its vocabulary: {found.to_pylist()[:5]}")
    return pa.DictionaryArray.from_arrays(
        indices.cast(pa.int32()), vocabulary, ordered=field.ordered
    )


def conform(
    data: Any,
    table: Table,
    metadata: Mapping[str, str] | None = None,
    *,
    outside_vocabulary: str = "raise",
) -> pa.Table:
    """``data`` (an Arrow table or a Polars frame) with the published schema of ``table``.

    ``metadata`` is the file's key-value metadata; by default the table's own
    (:func:`table_metadata`) and any of our keys ``data`` carries. Columns are taken in the
    table's order; a missing column raises ``ValueError``, and so does a value outside a
    vocabulary, unless ``outside_vocabulary="text"``: that column is then written as plain
    text (test data that breaks a rule on purpose).
    """
    import pyarrow as pa

    if not isinstance(data, pa.Table):
        data = data.to_arrow()  # a Polars frame
    if metadata is None:
        metadata = {**table_metadata(table), **our_metadata(data.schema.metadata)}
    schema = arrow_schema(table, metadata)
    missing = [f.name for f in table.fields if f.name not in data.column_names]
    if missing:
        raise ValueError(f"{table.name}: missing columns {missing}")
    columns = []
    for field in table.fields:
        target = schema.field(field.name).type
        column = data.column(field.name)
        if field.vocabulary is not None:
            try:
                chunks = [_to_vocabulary(c, field, target) for c in column.chunks]
            except ValueError:
                if outside_vocabulary != "text":
                    raise
                plain = pa.string()
                columns.append(column.cast(plain) if column.type != plain else column)
                i = schema.get_field_index(field.name)
                schema = schema.set(i, schema.field(i).with_type(plain))
                continue
            columns.append(pa.chunked_array(chunks, target))
        else:
            columns.append(column if column.type == target else column.cast(target))
    return pa.Table.from_arrays(columns, schema=schema)
