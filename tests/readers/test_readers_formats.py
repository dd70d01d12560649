"""The readers as a whole: the format from the extension, unreadable paths, bounded chunks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims_files import write_claims
from iran_russia_claims.readers import ReadError, resolve
from reading import read, records


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


def test_an_unknown_extension_names_the_formats_and_their_extensions(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(ReadError, match="cannot tell the format") as error:
        resolve(path)
    assert error.value.problem.hint == (
        "name the file .csv, .json, .jsonl, .parquet or .yaml, or pass the format "
        "(one of csv, json, jsonl, parquet, yaml)"
    )


def test_unreadable_paths_raise_a_read_error_with_a_readable_problem(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as missing:
        read(tmp_path / "nope.csv")
    assert missing.value.problem.rule == "readable"
    with pytest.raises(ReadError, match="directory"):
        read(tmp_path, "csv")


def test_chunks_never_exceed_chunk_rows(tmp_path: Path) -> None:
    for fmt in ("csv", "json", "jsonl", "parquet", "yaml"):
        chunks, _ = read(write_claims(records(25), tmp_path / f"c.{fmt}"), chunk_rows=4)
        sizes = [len(c.frame) for c in chunks]
        assert sum(sizes) == 25
        assert max(sizes) <= 4
        assert np.concatenate([c.rows for c in chunks]).tolist() == [
            i + (2 if fmt == "csv" else 1) for i in range(25)
        ]
