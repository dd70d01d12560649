"""The Parquet reader: Arrow types, nulls and bad text located, huge row groups refused."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError
from iran_russia_claims.readers import parquet as parquet_reader
from iran_russia_claims.validation import validate
from reading import REGISTRY, read, records, rules_at


def test_parquet_dictionaries_and_all_empty_lists_are_read(tmp_path: Path) -> None:
    rows = records(3)
    for row in rows:
        row["hedges"] = []
    table = pa.Table.from_pylist(rows)
    assert table.schema.field("hedges").type == pa.list_(pa.null())
    table = table.set_column(1, "source_id", table.column("source_id").dictionary_encode())
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    assert validate(path, registry=REGISTRY).valid


def test_parquet_nulls_and_null_list_elements_are_located(tmp_path: Path) -> None:
    rows = records(3)
    rows[0]["theme"] = None
    rows[2]["actors"] = ["IRN", None]
    path = tmp_path / "c.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    assert rules_at(path) == [("required", 1, "theme"), ("type", 3, "actors")]


def test_parquet_text_that_is_not_utf8_is_located(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(records(3))
    raw = pa.array([b"Iran and Russia sign a caf\xe9 deal, case 1.", *table.column("assertion")
                    .to_pylist()[1:]], pa.binary())  # fmt: skip
    table = table.set_column(9, "assertion", raw.view(pa.string()))
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.row, p.column) for p in report.problems] == [("readable", 1, "assertion")]
    assert report.exit_code() == 2


def test_huge_parquet_row_groups_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_reader, "MAX_ROW_GROUP_BYTES", 100)
    path = write_claims(records(3), tmp_path / "c.parquet")
    with pytest.raises(ReadError, match="row group"):
        read(path)


def test_unsigned_offsets_too_large_for_int64(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(records(2))
    table = table.set_column(3, "start", pa.array([10, 2**63 + 5], pa.uint64()))
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    assert rules_at(path) == [("type", 2, "start")]
