"""The JSON reader: bad records located deep in big arrays, wrong shapes named, memory bounded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claims_files import write_claims
from iran_russia_claims.readers import json as json_reader
from iran_russia_claims.readers import read_chunks
from iran_russia_claims.validation import validate
from reading import REGISTRY, records, rules_at


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


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_the_careful_parser_ends_chunks_at_a_byte_bound_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """Parsed records cost some twenty times their text as Python objects: a chunk of them
    ends at CHUNK_BYTES of text, not only at a number of records."""
    import importlib

    rows = records(6)
    rows[0]["start"] = "10"  # pyarrow cannot vouch for it: the careful parser reads the file
    path = tmp_path / f"c{suffix}"
    if suffix == ".json":
        path.write_text(json.dumps(rows))
    else:
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    module = importlib.import_module(f"iran_russia_claims.readers.{suffix[1:]}")
    monkeypatch.setattr(module, "CHUNK_BYTES", 1)
    sizes = [len(c.frame) for c in read_chunks(path, None, lambda problem: None)]
    assert sizes == [1] * 6
