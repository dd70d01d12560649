"""The one column-wise writer: the bytes the csv and json modules would write, the published
schema and metadata in every Parquet file, Polars frames as well as Arrow tables, atomic files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims_files import render_csv
from iran_russia_claims.publish.export import render_json
from iran_russia_claims.publish.parquet import METADATA_PREFIX, conform, our_metadata
from iran_russia_claims.publish.synth import synth_table, write_synth, write_table
from iran_russia_claims.publish.tables import table
from iran_russia_claims.publish.writer import render, write
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, SCHEMA_VERSION

#: Text that needs escaping in JSON or quoting in CSV (no bare CR: see the next test).
HOSTILE = [
    'He said "no", twice.',
    "back\\slash and a tab\there",
    "line one\nline two",
    "control \x00\x01\x1f and DEL \x7f",
    "Ir\u00e1n, \u0420\u043e\u0441\u0441\u0438\u044f, \u2028 and \U0001f600",
    "",
]


def _hostile_table() -> pa.Table:
    data = synth_table(len(HOSTILE), seed=2)
    hedges = pa.array([[v] if v else [] for v in HOSTILE], pa.list_(pa.string()))
    data = data.set_column(data.schema.get_field_index("assertion"), "assertion", pa.array(HOSTILE))
    return data.set_column(data.schema.get_field_index("hedges"), "hedges", hedges)


def test_text_is_what_the_csv_and_json_modules_write() -> None:
    data = _hostile_table()
    records = data.to_pylist()
    assert render(data, ".csv") == render_csv(records, CLAIM_COLUMN_NAMES)
    assert render(data, ".json") == render_json(records)
    compact = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records]
    assert render(data, ".jsonl") == "".join(compact).encode("utf-8")  # U+2028 left as it is


def test_a_bare_carriage_return_is_quoted_and_reads_back() -> None:
    data = synth_table(2, seed=0)
    odd = pa.array(["a bare\rcarriage return", "plain"])
    data = data.set_column(data.schema.get_field_index("assertion"), "assertion", odd)
    text = render(data, ".csv").decode("utf-8")
    assert '"a bare\rcarriage return"' in text
    back = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["assertion"] for r in back] == odd.to_pylist()


def test_json_refuses_non_finite_numbers() -> None:
    data = synth_table(3, seed=0)
    bad = pa.array([0.5, float("nan"), 0.5])
    data = data.set_column(data.schema.get_field_index("confidence"), "confidence", bad)
    with pytest.raises(ValueError, match="JSON compliant"):
        render(data, ".json")


def test_synth_parquet_carries_the_descriptions_and_table_metadata(tmp_path: Path) -> None:
    path = write_synth(tmp_path / "s.parquet", 50, seed=1)
    schema = pq.read_schema(path)
    for field, published in zip(schema, table("claims").fields, strict=True):
        assert field.metadata == {b"description": published.description.encode()}
    ours = our_metadata(schema.metadata)
    assert ours[f"{METADATA_PREFIX}table"] == "claims"
    assert ours[f"{METADATA_PREFIX}description"] == table("claims").description
    assert ours[f"{METADATA_PREFIX}schema_version"] == SCHEMA_VERSION
    assert json.loads(ours[f"{METADATA_PREFIX}primary_key"]) == ["id"]
    assert json.loads(ours[f"{METADATA_PREFIX}synthetic"]) == {"rows": 50, "seed": 1}
    assert pq.ParquetFile(path).metadata.row_group(0).sorting_columns == ()  # not vouched for


def test_a_polars_frame_or_a_bare_table_is_written_with_the_published_schema(
    tmp_path: Path,
) -> None:
    data = synth_table(40, seed=6)
    frame = pl.from_arrow(data)
    bare = pa.Table.from_pylist(data.to_pylist())  # plain strings, no metadata
    for source, name in ((frame, "frame"), (bare, "bare")):
        path = write_table(source, tmp_path / f"{name}.parquet")
        back = pq.read_table(path)
        assert back.equals(data)
        for field, published in zip(back.schema, table("claims").fields, strict=True):
            assert field.metadata == {b"description": published.description.encode()}
        assert our_metadata(back.schema.metadata)[f"{METADATA_PREFIX}table"] == "claims"
        for suffix in (".csv", ".json", ".jsonl"):
            assert render(source, suffix) == render(data, suffix)


def test_a_value_outside_its_vocabulary_or_a_missing_column_is_refused() -> None:
    data = synth_table(3, seed=0)
    themes = pa.array(["energy", "weather", "energy"])
    claims = table("claims")
    with pytest.raises(ValueError, match="theme: values outside its vocabulary"):
        conform(data.set_column(data.schema.get_field_index("theme"), "theme", themes), claims)
    with pytest.raises(ValueError, match="missing columns"):
        conform(data.drop_columns(["hedges"]), claims)


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = write(synth_table(5, seed=0), tmp_path / "c.json")
    before = target.read_bytes()
    data = synth_table(5, seed=1)
    bad = data.set_column(
        data.schema.get_field_index("confidence"), "confidence", pa.array([float("inf")] * 5)
    )
    with pytest.raises(ValueError, match="JSON compliant"):
        write(bad, target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]
