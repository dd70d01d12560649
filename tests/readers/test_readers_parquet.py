"""The Parquet reader: Arrow types, nulls and bad text located; what a file costs to decode
bounded by its size, checked from its page headers before any page is read."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError, read_chunks
from iran_russia_claims.readers import parquet as parquet_reader
from iran_russia_claims.readers.parquet_pages import page_bytes
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


def test_pages_that_decompress_past_the_limit_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.parquet"
    table = pa.Table.from_pylist(records(3))
    pq.write_table(table, path, compression="zstd")
    expanded = page_bytes(path, pq.ParquetFile(path).metadata)
    assert expanded > 0
    monkeypatch.setattr(parquet_reader, "PARQUET_EXPANSION", 0)
    monkeypatch.setattr(parquet_reader, "PARQUET_ALLOWANCE", expanded - 1)
    with pytest.raises(ReadError, match=f"decompress to {expanded} bytes, over the limit"):
        read(path)
    monkeypatch.setattr(parquet_reader, "PARQUET_ALLOWANCE", expanded)
    assert sum(len(c.frame) for c in read(path)[0]) == 3  # at the limit: read


def test_a_compressed_huge_cell_costs_nothing_to_refuse(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    rows = records(1)
    rows[0]["assertion"] = "y" * (80 * 1024 * 1024)
    pq.write_table(pa.Table.from_pylist(rows), path, compression="zstd", use_dictionary=False)
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(ReadError, match="pages decompress to"):
        read(path)


@pytest.mark.parametrize("version", ["1.0", "2.6"])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_page_headers_agree_with_what_the_writer_recorded(
    tmp_path: Path, version: str, page_version: str
) -> None:
    """The walk over the page headers finds each column chunk's pages: their sizes add up to
    what pyarrow's writer recorded in the footer (which counts the headers too)."""
    path = tmp_path / "c.parquet"
    rows = records(500)
    pq.write_table(
        pa.Table.from_pylist(rows), path, version=version, data_page_version=page_version,
        data_page_size=2048, compression="snappy", row_group_size=200,
    )  # fmt: skip
    metadata = pq.ParquetFile(path).metadata
    recorded = sum(
        metadata.row_group(g).column(c).total_uncompressed_size
        for g in range(metadata.num_row_groups)
        for c in range(metadata.num_columns)
    )
    found = page_bytes(path, metadata)
    assert 0.8 * recorded < found <= recorded


def test_page_headers_are_walked_in_files_polars_writes(tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    path = tmp_path / "c.parquet"
    pl.DataFrame(records(300)).write_parquet(path, row_group_size=100)
    assert page_bytes(path, pq.ParquetFile(path).metadata) > 0
    assert sum(len(c.frame) for c in read(path)[0]) == 300


def test_a_repeated_large_dictionary_value_is_read_in_small_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dictionary page holds one large value that every record names: the file stays small,
    and the reader expands it a few records at a time, never all at once."""
    big = "x" * 200_000
    table = pa.table({"id": [f"IRR-{i:04d}" for i in range(1, 401)], "assertion": [big] * 400})
    table = table.set_column(1, "assertion", table.column("assertion").dictionary_encode())
    path = tmp_path / "c.parquet"
    pq.write_table(table, path, compression="zstd")
    assert path.stat().st_size < 64 * 1024
    monkeypatch.setattr(parquet_reader, "MAX_CHUNK_TEXT_BYTES", 1_000_000)
    sizes = [len(chunk.frame) for chunk in read_chunks(path, "parquet", lambda p: None)]
    assert sum(sizes) == 400
    assert max(sizes) == 5  # 5 x 200,000 bytes of dictionary text fit in 1,000,000


def test_a_cell_over_the_limit_is_located_and_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text stored as a dictionary is weighed before it is expanded: a cell over the limit is
    located, and left out (text stored plainly is bounded by the page check instead)."""
    monkeypatch.setattr(parquet_reader, "MAX_CELL_BYTES", 1000)
    rows = records(3)
    rows[1]["assertion"] = "z" * 1001
    rows[2]["hedges"] = ["h" * 600, "h" * 600]
    table = pa.Table.from_pylist(rows)
    coded = pa.list_(pa.dictionary(pa.int32(), pa.string()))
    table = table.set_column(
        table.column_names.index("assertion"), "assertion",
        table.column("assertion").dictionary_encode(),
    )  # fmt: skip
    table = table.set_column(
        table.column_names.index("hedges"), "hedges", table.column("hedges").cast(coded)
    )
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    report = validate(path, registry=REGISTRY)
    found = [(p.rule, p.row, p.column) for p in report.problems]
    assert found == [("readable", 2, "assertion"), ("readable", 3, "hedges")]
    assert "1001 bytes long, over the limit of 1000" in report.problems[0].message


def test_more_records_than_bytes_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_claims(records(3), tmp_path / "c.parquet")
    monkeypatch.setattr(parquet_reader, "PARQUET_SPARE_ROWS", -path.stat().st_size + 2)
    with pytest.raises(ReadError, match="holds 3 records"):
        read(path)


def test_columns_outside_the_schema_are_named_never_decoded(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(records(2))
    nested = pa.array([{"a": [[1, 2]], "b": "x"}, None])
    table = table.append_column("extra", nested)
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    chunk = next(read_chunks(path, "parquet", lambda p: None))
    assert chunk.frame["extra"].tolist()[0] is True  # only whether it holds something
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.column) for p in report.problems] == [("no_extra_fields", "extra")]


def test_unsigned_offsets_too_large_for_int64(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(records(2))
    table = table.set_column(3, "start", pa.array([10, 2**63 + 5], pa.uint64()))
    path = tmp_path / "c.parquet"
    pq.write_table(table, path)
    assert rules_at(path) == [("type", 2, "start")]


@pytest.mark.parametrize("compression", ["none", "snappy", "zstd", "gzip", "brotli", "lz4"])
def test_a_dictionary_expands_at_most_its_longest_value_times_its_values(
    tmp_path: Path, compression: str
) -> None:
    """The bound on what a dictionary-coded column expands to comes from its dictionary page,
    read and decompressed here, and its data pages' value counts (never from the footer)."""
    from iran_russia_claims.readers.parquet_pages import costs

    values = ["a" * 10, "b" * 300, "c" * 7] * 100
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"assertion": values}), path, compression=compression)
    metadata = pq.ParquetFile(path).metadata
    found = costs(path, metadata, {0})
    assert found.expansion == {0: 300 * len(values)}
    assert found.pages == page_bytes(path, metadata)


def test_text_that_could_expand_past_the_limit_is_read_as_a_dictionary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_claims(records(50), tmp_path / "c.parquet")
    plain = next(read_chunks(path, "parquet", lambda p: None)).frame
    assert str(plain["assertion"].dtype).startswith("string")
    monkeypatch.setattr(parquet_reader, "PARQUET_EXPANSION", 0)
    monkeypatch.setattr(parquet_reader, "PARQUET_ALLOWANCE", page_bytes(
        path, pq.ParquetFile(path).metadata))  # fmt: skip
    opened = parquet_reader.open_checked(path)
    coded = [f.name for f in opened.schema_arrow if pa.types.is_dictionary(f.type)]
    assert coded  # the largest, until what is left fits the limit
    report = validate(path, registry=REGISTRY)
    assert report.valid, report.render()


def test_column_chunks_that_claim_the_same_bytes_are_refused() -> None:
    """Chunks pointing at one run of pages would have it walked once per chunk: refused."""
    from iran_russia_claims.readers.parquet_pages import PageError, _no_overlap

    _no_overlap([(4, 100), (100, 180), (180, 200)])
    with pytest.raises(PageError, match="claim the same bytes"):
        _no_overlap([(4, 100), (50, 180)])
