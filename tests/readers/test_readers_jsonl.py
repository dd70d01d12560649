"""The JSON Lines reader: rows are line numbers, long lines skipped, missing fields located."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims_files import write_claims
from iran_russia_claims.readers import jsonl as jsonl_reader
from iran_russia_claims.validation import validate
from reading import REGISTRY, records, rules_at


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
    # the careful reader, whose limit is lowered here (the strict one declines such a line)
    report = validate(path, registry=REGISTRY, engine="pandas")
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
