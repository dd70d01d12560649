"""The readers: each format decoded exactly, bad bytes located, memory bounded, nothing run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from claims_files import write_claims
from iran_russia_claims.readers import Chunk, ReadError, read_chunks, resolve
from iran_russia_claims.readers import csv as csv_reader
from iran_russia_claims.readers import json as json_reader
from iran_russia_claims.readers import jsonl as jsonl_reader
from iran_russia_claims.readers import parquet as parquet_reader
from iran_russia_claims.report import Problem
from iran_russia_claims.validation import validate
from records import registry, valid_record

REGISTRY = registry()


def records(n: int = 3) -> list[dict[str, Any]]:
    return [valid_record(i, start=10 * i) for i in range(1, n + 1)]


def read(
    path: Path, fmt: str | None = None, chunk_rows: int = 1000
) -> tuple[list[Chunk], list[Problem]]:
    problems: list[Problem] = []
    chunks = list(read_chunks(path, fmt, problems.append, chunk_rows=chunk_rows))
    return chunks, problems


def rules_at(path: Path, **kwargs: Any) -> list[tuple[str, int | None, str | None]]:
    report = validate(path, registry=REGISTRY, **kwargs)
    return [(p.rule, p.row, p.column) for p in report.problems]


def csv_with(tmp_path: Path, column: str, cell: str, rows: int = 2) -> Path:
    """A CSV of valid records whose last record's ``column`` cell is written as ``cell``."""
    path = write_claims(records(rows), tmp_path / "c.csv")
    header, *lines = path.read_text().splitlines()
    names = header.split(",")
    import csv
    import io

    cells = next(csv.reader([lines[-1]]))
    cells[names.index(column)] = cell
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[-1] = out.getvalue()
    path.write_text("\n".join([header, *lines]) + "\n")
    return path


# -- formats and paths -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.csv", "csv"), ("a.CSV", "csv"), ("a.ndjson", "jsonl"), ("a.pq", "parquet"),
     ("a.yml", "yaml"), ("a.json", "json")],
)  # fmt: skip
def test_the_format_comes_from_the_extension(tmp_path: Path, name: str, fmt: str) -> None:
    path = tmp_path / name
    path.write_text("x")
    assert resolve(path) == fmt
    assert resolve(path, "jsonl") == "jsonl"
    with pytest.raises(ValueError, match="unknown format"):
        resolve(path, "xlsx")


def test_unreadable_paths_raise_a_read_error_with_a_readable_problem(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as missing:
        read(tmp_path / "nope.csv")
    assert missing.value.problem.rule == "readable"
    with pytest.raises(ReadError, match="directory"):
        read(tmp_path, "csv")


# -- CSV -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "expected"),
    [('["IRN","RUS"]', ["IRN", "RUS"]), ("[]", []), ('[ "IRN" , "RUS" ]', ["IRN", "RUS"]),
     ('["a \\"quoted\\" word"]', ['a "quoted" word']), ('["caf\\u00e9"]', ["café"])],
)  # fmt: skip
def test_csv_lists_are_json_arrays_of_strings(
    tmp_path: Path, cell: str, expected: list[str]
) -> None:
    chunks, problems = read(csv_with(tmp_path, "hedges", cell))
    assert problems == []
    assert list(chunks[0].frame["hedges"].iloc[-1]) == expected


@pytest.mark.parametrize(
    "cell", ["IRN", "[1]", '["IRN",null]', '\t["IRN"]', '["IRN"] ', "{}", '"IRN"', "[IRN]"]
)
def test_csv_cells_that_are_not_lists_of_strings(tmp_path: Path, cell: str) -> None:
    assert rules_at(csv_with(tmp_path, "actors", cell)) == [("type", 3, "actors")]


@pytest.mark.parametrize(
    ("column", "cell", "ok"),
    [("start", "007", True), ("start", "+5", False), ("start", "-0", False),
     ("start", "5.0", False), ("start", " 5", False), ("start", "1e3", False),
     ("start", "99999999999999999999", False),
     ("confidence", "7e-1", True), ("confidence", ".7", True), ("confidence", "+0.7", False),
     ("confidence", "0,7", False), ("confidence", "0.7 ", False), ("confidence", "seventy", False)],
)  # fmt: skip
def test_csv_numbers_are_strict(tmp_path: Path, column: str, cell: str, ok: bool) -> None:
    found = rules_at(csv_with(tmp_path, column, cell))
    if ok:
        assert found == []
    else:
        assert found == [("type", 3, column)]


def test_empty_and_quoted_empty_cells_are_missing(tmp_path: Path) -> None:
    path = csv_with(tmp_path, "kind", "")
    path.write_text(path.read_text().replace(",energy,", ',"",', 1))
    assert rules_at(path) == [("required", 2, "theme"), ("required", 3, "kind")]


def test_a_repeated_header_column_is_named_and_the_first_kept(tmp_path: Path) -> None:
    path = write_claims(records(2), tmp_path / "c.csv")
    header, *lines = path.read_text().splitlines()
    path.write_text("\n".join([header + ",theme", *(line + ",weather" for line in lines)]) + "\n")
    assert rules_at(path) == [("no_extra_fields", 1, "theme")]


def test_a_semicolon_separated_file_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id;source_id;section\nIRR-0001;test-source;intro\n")
    with pytest.raises(ReadError) as error:
        read(path)
    assert "';'" in error.value.problem.message
    assert "commas" in (error.value.problem.hint or "")


def test_a_quoted_line_break_stays_in_its_cell_and_rows_stay_right(tmp_path: Path) -> None:
    rows = records(4)
    rows[1]["assertion"] = "Iran and Russia\ncooperate on energy."
    rows[3]["kind"] = "opinion"
    assert rules_at(write_claims(rows, tmp_path / "c.csv")) == [
        ("assertion_no_control_chars", 3, "assertion"),
        ("kind_vocabulary", 5, "kind"),
    ]


def test_row_numbers_step_over_skipped_rows() -> None:
    rows, next_row = csv_reader._csv_rows(2, 5, [3, 5, 40])
    assert rows.tolist() == [2, 4, 6, 7, 8]
    assert next_row == 9
    rows, _ = csv_reader._csv_rows(41, 2, [3, 5, 40])
    assert rows.tolist() == [41, 42]


def test_ragged_rows_in_later_batches_keep_row_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_reader, "MAX_CSV_ROW_BYTES", 4096)  # many small batches
    rows = records(60)
    rows[55]["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.csv")
    lines = path.read_text().splitlines()
    lines[30] += ",surplus"  # record 30, row 31
    path.write_text("\n".join(lines) + "\n")
    assert rules_at(path, chunk_rows=7) == [
        ("no_extra_fields", 31, None),
        ("theme_vocabulary", 57, "theme"),
    ]


def test_chunks_never_exceed_chunk_rows(tmp_path: Path) -> None:
    for fmt in ("csv", "json", "jsonl", "parquet", "yaml"):
        chunks, _ = read(write_claims(records(25), tmp_path / f"c.{fmt}"), chunk_rows=4)
        sizes = [len(c.frame) for c in chunks]
        assert sum(sizes) == 25
        assert max(sizes) <= 4
        assert np.concatenate([c.rows for c in chunks]).tolist() == [
            i + (2 if fmt == "csv" else 1) for i in range(25)
        ]


# -- JSON Lines ------------------------------------------------------------------------------------
def test_blank_lines_do_not_shift_json_lines_rows(tmp_path: Path) -> None:
    rows = records(4)
    rows[3]["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.jsonl")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], "", "   ", *lines[1:]]) + "\n")
    assert rules_at(path) == [("theme_vocabulary", 6, "theme")]


def test_two_records_on_one_line_are_not_read_as_two_lines(tmp_path: Path) -> None:
    path = write_claims(records(3), tmp_path / "c.jsonl")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0] + " " + lines[1], "", lines[2]]) + "\n")
    found = rules_at(path)
    assert ("readable", 1, None) in found
    assert all(row in (1, 3) for _, row, _ in found)


def test_a_line_too_long_is_skipped_not_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonl_reader, "MAX_RECORD_BYTES", 2000)
    monkeypatch.setattr(jsonl_reader, "_JSONL_BLOCK", 1000)
    rows = records(3)
    rows[1]["assertion"] = "x" * 5000
    path = write_claims(rows, tmp_path / "c.jsonl")
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.row) for p in report.problems] == [("readable", 2)]
    assert "longer than 2000 bytes" in report.problems[0].message
    assert report.rows == 2


def test_a_missing_field_in_every_record_is_a_missing_column(tmp_path: Path) -> None:
    rows = records(3)
    for row in rows:
        del row["hedges"]
    for fmt in ("jsonl", "json"):
        assert rules_at(write_claims(rows, tmp_path / f"c.{fmt}")) == [("required", None, "hedges")]
    rows = records(3)
    rows[0]["hedges"] = None
    assert rules_at(write_claims(rows, tmp_path / "n.jsonl")) == [("required", 1, "hedges")]


# -- JSON ------------------------------------------------------------------------------------------
def test_a_bad_record_deep_in_a_big_array_is_located(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_reader, "_JSON_BLOCK", 2048)  # many blocks: the fast path, then not
    rows = records(40)
    rows[30]["start"] = "310"  # a string: pyarrow refuses the block, json explains it
    rows[35]["theme"] = "weather"
    path = write_claims(rows, tmp_path / "c.json")
    text = path.read_text()
    path.write_text(text.replace('"id": "IRR-0034",', '"id": "IRR-0034", "id": "IRR-0034",'))
    assert rules_at(path, chunk_rows=8) == [
        ("type", 31, "start"),
        ("no_extra_fields", 34, "id"),
        ("theme_vocabulary", 36, "theme"),
    ]


def test_json_errors_name_the_line_and_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_reader, "_JSON_BLOCK", 1024)
    path = write_claims(records(12), tmp_path / "c.json")
    lines = path.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if '"IRR-0009"' in line)
    lines[number] = lines[number].replace('"IRR-0009",', '"IRR-0009" ')
    path.write_text("\n".join(lines) + "\n")
    report = validate(path, registry=REGISTRY)
    (problem,) = report.problems
    assert (problem.rule, problem.row) == ("readable", 9)
    assert f"line {number + 2}" in problem.message  # the next field, where the comma is missing
    assert report.rows == 8


@pytest.mark.parametrize(
    ("text", "message"),
    [('{"claims": []}', "expected a JSON array"), ("[] []", "after the array"),
     ('[{"id": 1}] x', "after the array"), ("[1, 2", "cut short")],
)  # fmt: skip
def test_json_documents_of_the_wrong_shape(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text)
    report = validate(path, registry=REGISTRY)
    assert "readable" in report.rules_broken()
    assert any(message in p.message for p in report.problems), report.render()


def test_nan_in_json_is_a_number_that_is_not_finite(tmp_path: Path) -> None:
    rows = records(2)
    rows[0]["confidence"] = float("nan")
    path = write_claims(rows, tmp_path / "c.json")
    assert "NaN" in path.read_text()
    assert rules_at(path) == [("confidence_finite", 1, "confidence")]


def test_a_record_too_long_for_memory_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_reader, "MAX_RECORD_BYTES", 1000)
    monkeypatch.setattr(json_reader, "_JSON_BLOCK", 600)
    rows = records(3)
    rows[1]["assertion"] = "y" * 6000
    path = tmp_path / "c.json"
    path.write_text("[" + ",\n".join(json.dumps(r) for r in rows) + "]")
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.row) for p in report.problems] == [("readable", 2)]
    assert "longer than 1000 characters" in report.problems[0].message
    assert report.rows == 1


# -- Parquet ---------------------------------------------------------------------------------------
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


# -- YAML ------------------------------------------------------------------------------------------
def test_yaml_takes_a_claims_mapping_or_a_list(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(json.dumps(records(2)))  # JSON is YAML: a bare list
    assert validate(path, registry=REGISTRY).valid
    path.write_text("actors: []\n")
    with pytest.raises(ReadError, match="'claims'"):
        read(path)


def test_yaml_duplicate_keys_and_size_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_claims(records(2), tmp_path / "c.yaml")
    path.write_text(path.read_text().replace("kind: causal", "kind: causal\n  kind: opinion", 1))
    with pytest.raises(ReadError, match="duplicate key"):
        read(path)
    from iran_russia_claims.readers import safe_yaml

    monkeypatch.setattr(safe_yaml, "MAX_YAML_BYTES", 100)
    with pytest.raises(ReadError, match="over 100"):
        read(write_claims(records(2), tmp_path / "d.yaml"))


def test_records_keep_their_python_types(tmp_path: Path) -> None:
    rows = records(2)
    rows[0]["start"] = "10"
    del rows[1]["confidence"]
    chunks, problems = read(write_claims(rows, tmp_path / "c.yaml"))
    frame = chunks[0].frame
    assert problems == []
    assert frame["start"].tolist() == ["10", 20]
    assert frame["confidence"].tolist() == [0.7, None]  # missing, not NaN
