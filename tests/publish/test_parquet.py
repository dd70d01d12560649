"""Parquet exports: real types, descriptions, our metadata, and the same bytes every time."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import DATASET
from iran_russia_claims.__about__ import __version__
from iran_russia_claims.curation.dataset import Dataset, read_dataset
from iran_russia_claims.publish.export import render_parquet
from iran_russia_claims.publish.parquet import key_value_metadata, our_metadata
from iran_russia_claims.publish.tables import table, tables
from iran_russia_claims.spec.vocab import SCHEMA_VERSION, Band


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_dataset(DATASET)


def _file(dataset: Dataset, name: str) -> pq.ParquetFile:
    t = table(name)
    data = render_parquet(t, t.rows(dataset), key_value_metadata(dataset, t))
    return pq.ParquetFile(pa.BufferReader(data))


def test_claims_have_real_types_and_descriptions(dataset: Dataset) -> None:
    schema = _file(dataset, "claims").schema_arrow
    assert schema.field("actors").type == pa.list_(pa.field("element", pa.string(), False))
    assert schema.field("hedges").type == schema.field("actors").type
    for name in ("theme", "kind", "confidence_band"):
        assert schema.field(name).type == pa.dictionary(
            pa.int32(), pa.string(), ordered=name == "confidence_band"
        )
    assert schema.field("start").type == schema.field("end").type == pa.int64()
    assert schema.field("confidence").type == pa.float64()
    assert not any(f.nullable for f in schema)
    for field, described in zip(schema, table("claims").fields, strict=True):
        assert field.metadata == {b"description": described.description.encode()}


def test_dictionaries_hold_the_whole_vocabulary_in_order(dataset: Dataset) -> None:
    bands = _file(dataset, "claims").read().column("confidence_band").chunk(0).dictionary
    assert bands.to_pylist() == [b.value for b in Band]  # used or not


def test_metadata_names_versions_hashes_and_licence(dataset: Dataset) -> None:
    for t in tables():
        f = _file(dataset, t.name)
        ours = our_metadata(f.metadata.metadata)
        assert ours["iran_russia_claims.table"] == t.name
        assert ours["iran_russia_claims.dataset_version"] == __version__
        assert ours["iran_russia_claims.schema_version"] == SCHEMA_VERSION
        assert ours["iran_russia_claims.license"] == "CC-BY-4.0"
        hashes = json.loads(ours["iran_russia_claims.source_sha256"])
        assert hashes == {k: s.sha256 for k, s in dataset.registry.sources.items()}
        assert b"ARROW:schema" in f.metadata.metadata  # so every reader gets the Arrow types


def test_zstd_one_row_group_sorted_with_checksums(dataset: Dataset) -> None:
    f = _file(dataset, "sections")
    assert f.metadata.num_row_groups == 1
    group = f.metadata.row_group(0)
    assert {group.column(i).compression for i in range(group.num_columns)} == {"ZSTD"}
    names = [f.schema_arrow.names[c.column_index] for c in group.sorting_columns]
    assert names == ["source_id", "start"]


def test_rows_out_of_order_are_refused(dataset: Dataset) -> None:
    t = table("claims")
    rows = list(reversed(t.rows(dataset)))
    with pytest.raises(ValueError, match="not sorted by"):
        render_parquet(t, rows, {})


def test_same_rows_same_bytes_and_created_by_is_the_only_writer_trace(dataset: Dataset) -> None:
    t = table("claims")
    first = render_parquet(t, t.rows(dataset), key_value_metadata(dataset, t))
    second = render_parquet(t, t.rows(dataset), key_value_metadata(dataset, t))
    assert first == second
    meta = pq.read_metadata(pa.BufferReader(first))
    assert meta.created_by == f"parquet-cpp-arrow version {pa.__version__}"
    assert set(meta.metadata) - {b"ARROW:schema"} == {
        k.encode() for k in key_value_metadata(dataset, t)
    }
