"""What a stranger's file can be besides claims: special files, odd names, thousands of
fields, fields nested past what pyarrow's JSON parser survives, a header over two lines."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError, read_chunks
from iran_russia_claims.readers import chunks as chunks_module
from iran_russia_claims.readers import parquet as parquet_reader
from iran_russia_claims.validation import validate
from reading import REGISTRY, records


def _found(path: Path) -> list[tuple[str, int | None, str | None]]:
    report = validate(path, registry=REGISTRY)
    return [(p.rule, p.row, p.column) for p in report.problems]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_or_a_device_is_refused_without_reading_from_it(tmp_path: Path) -> None:
    fifo = tmp_path / "claims.csv"
    os.mkfifo(fifo)  # reading from it would wait for a writer forever
    for path in (fifo, Path(os.devnull)):
        report = validate(path, registry=REGISTRY, format="csv")
        assert [p.rule for p in report.problems] == ["readable"]
        assert "not a regular file" in report.problems[0].message


def test_a_regular_file_whose_size_reads_zero_is_still_read() -> None:
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size != 0:
        pytest.skip("no /proc file whose size reads 0 here")
    report = validate(status, registry=REGISTRY, format="csv")
    assert "not_empty" not in report.rules_broken()
    assert "required" in report.rules_broken()  # read: it has no claim columns


def test_a_file_whose_name_is_not_utf8_is_read(tmp_path: Path) -> None:
    name = os.fsdecode(b"claims-\xff")  # a lone surrogate in Python's str
    for suffix in (".csv", ".parquet"):
        written = write_claims(records(2), tmp_path / f"plain{suffix}")
        path = written.rename(tmp_path / f"{name}{suffix}")
        assert validate(path, registry=REGISTRY).valid


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_a_deeply_nested_field_outside_the_schema_never_reaches_pyarrows_parser(
    tmp_path: Path, suffix: str
) -> None:
    """pyarrow infers the type of an unknown field recursively in C: 50,000 levels overflow
    its stack (a crash). Unknown fields go to the careful parser instead."""
    rows = records(2)
    text = [json.dumps(r) for r in rows]
    text[1] = text[1][:-1] + ', "notes": ' + "[" * 50_000 + "]" * 50_000 + "}"
    path = tmp_path / f"c{suffix}"
    path.write_text("\n".join(text) + "\n" if suffix == ".jsonl" else "[" + ",".join(text) + "]")
    found = _found(path)
    assert ("readable", 2, None) in found  # Python's recursion limit, located


def test_thousands_of_distinct_fields_are_counted_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chunks_module, "MAX_EXTRA_FIELDS", 3)
    rows = records(2)
    rows[0].update({f"k{i}": i for i in range(10)})
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    report = validate(path, registry=REGISTRY)
    extra = [p for p in report.problems if p.rule == "no_extra_fields"]
    assert sorted(p.column for p in extra if p.column) == ["k0", "k1", "k2"]
    assert any("7 more fields outside the claims schema" in p.message for p in extra)


def test_a_field_name_that_is_not_unicode_is_located(tmp_path: Path) -> None:
    rows = records(2)
    path = tmp_path / "c.json"
    text = json.dumps(rows)
    path.write_text(text[:-2] + ', "\\udc9b[2J": 1}]')
    assert ("readable", 2, "\udc9b[2J") in _found(path)


def test_a_csv_header_may_span_lines(tmp_path: Path) -> None:
    path = write_claims(records(2), tmp_path / "c.csv")
    lines = path.read_text().split("\n")
    lines[0] = lines[0].replace("id", '"x\nid"', 1)
    path.write_text("\n".join(lines))
    report = validate(path, registry=REGISTRY)
    assert report.rows == 2
    assert ("no_extra_fields", "x\nid") in [(p.rule, p.column) for p in report.problems]


def test_a_parquet_list_over_the_item_limit_is_located_and_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_reader, "MAX_LIST_ITEMS", 5)
    rows = records(2)
    rows[1]["hedges"] = ["likely"] * 6
    path = write_claims(rows, tmp_path / "c.parquet")
    assert _found(path) == [("readable", 2, "hedges")]


def test_a_parquet_column_name_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    pq.write_table(pa.table({"idXX": ["IRR-0001"]}), path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b"idXX", b"id\xff\xfe"))
    with pytest.raises(ReadError, match="not UTF-8"):
        list(read_chunks(path, None, lambda problem: None))
