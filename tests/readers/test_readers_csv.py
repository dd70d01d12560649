"""The CSV reader: lists and numbers decoded strictly, the header checked, rows numbered right."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError
from iran_russia_claims.readers import csv as csv_reader
from reading import read, records, rules_at


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
    rows, blank, next_row = csv_reader._csv_rows(2, 5, [3, 5, 40], [])
    assert rows.tolist() == [2, 4, 6, 7, 8]
    assert not blank.any()
    assert next_row == 9
    rows, _, _ = csv_reader._csv_rows(41, 2, [3, 5, 40], [])
    assert rows.tolist() == [41, 42]


def test_row_numbers_put_blank_rows_back_in_place() -> None:
    """Rows of separators or white space alone are skipped by the parser, then come back as
    empty records at their row numbers; blank rows after a batch's last record wait."""
    rows, blank, next_row = csv_reader._csv_rows(2, 3, [3], [5, 6, 9])
    assert rows.tolist() == [2, 4, 5, 6, 7]
    assert blank.tolist() == [False, False, True, True, False]
    assert next_row == 8


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
