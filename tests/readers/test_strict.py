"""The strict reader: files as the exports write them, streamed as typed frames; anything
else declined, for the careful reader."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from iran_russia_claims.publish.synth import synth_table, write_table
from iran_russia_claims.readers.strict import Declined, first_row, strict_batches


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_valid_and_broken_files_are_streamed_whole(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iran_russia_claims.readers import strict

    monkeypatch.setattr(strict, "BATCH_ROWS", 100)
    monkeypatch.setattr(strict, "_GROUP_SLICE_ROWS", 100)
    monkeypatch.setattr(strict, "BLOCK_BYTES", 16_384)
    table = synth_table(500, seed=8)
    good = write_table(table, tmp_path / f"good{suffix}")
    batches = list(strict_batches(str(good), suffix[1:]))
    assert len(batches) > 1
    assert sum(b.height for b in batches) == 500
    assert batches[0]["id"][0] == table.column("id")[0].as_py()
    assert first_row(suffix[1:]) == (2 if suffix == ".csv" else 1)
    bad = table.set_column(0, "id", pa.array([*table.column("id").to_pylist()[:-1], "IRR-0001"]))
    broken = write_table(bad, tmp_path / f"bad{suffix}")
    # read whole: the rules, not the reader, find the duplicate
    assert sum(b.height for b in strict_batches(str(broken), suffix[1:])) == 500


def test_unusual_files_are_declined(tmp_path: Path) -> None:
    csv = write_table(synth_table(5, seed=1), tmp_path / "c.csv")
    assert len(list(strict_batches(str(csv), "csv"))) == 1
    text = csv.read_text().splitlines()
    text[1] = text[1].replace('["', '[ "', 1)  # valid JSON, not as the exports write it
    csv.write_text("\n".join(text) + "\n")
    with pytest.raises(Declined):
        list(strict_batches(str(csv), "csv"))
    jsonl = write_table(synth_table(5, seed=1), tmp_path / "j.jsonl")
    lines = jsonl.read_text().splitlines()
    lines[2] = lines[2][:-1] + ',"note":"x"}'  # an extra field
    jsonl.write_text("\n".join(lines) + "\n")
    with pytest.raises(Declined):
        list(strict_batches(str(jsonl), "jsonl"))
    for missing in ("missing.parquet", "missing.csv"):
        with pytest.raises(Declined):
            list(strict_batches(str(tmp_path / missing), missing.split(".")[1]))
    with pytest.raises(Declined):
        list(strict_batches(str(csv), "yaml"))


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_blank_lines_and_headers_alone_are_declined(tmp_path: Path, suffix: str) -> None:
    path = write_table(synth_table(5, seed=1), tmp_path / f"c{suffix}")
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([*lines[:3], "\n", *lines[3:]]))
    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))
    path.write_text(lines[0] if suffix == ".csv" else "")
    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))


def test_an_error_part_way_is_raised_where_the_batch_would_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches are read ahead on another thread; what goes wrong there is raised here, after
    the batches read before it."""
    from iran_russia_claims.readers import strict

    monkeypatch.setattr(strict, "BLOCK_BYTES", 4096)
    path = write_table(synth_table(200, seed=1), tmp_path / "c.jsonl")
    lines = path.read_text().splitlines(keepends=True)
    lines[150] = lines[150].replace('"start":', '"start":"x",  "was":', 1)
    path.write_text("".join(lines))
    seen: list[int] = []
    with pytest.raises(Declined):
        seen.extend(batch.height for batch in strict_batches(str(path), "jsonl"))
    assert 0 < sum(seen) < 150


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_line_over_the_careful_readers_limit_is_declined(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The careful reader reports such a line; the strict one must not read it as fine. (A
    header is the claims' names exactly, far below the header limit.)"""
    from iran_russia_claims.readers import common
    from iran_russia_claims.readers import csv as csv_reader

    path = write_table(synth_table(5, seed=1), tmp_path / f"c{suffix}")
    assert len(list(strict_batches(str(path), suffix[1:]))) == 1
    longest = max(len(line) for line in path.read_bytes().splitlines(keepends=True))
    monkeypatch.setattr(common, "MAX_RECORD_BYTES", longest)
    monkeypatch.setattr(csv_reader, "MAX_CSV_ROW_BYTES", longest)
    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_text_that_is_not_utf8_is_declined(tmp_path: Path, suffix: str) -> None:
    """No reader may hand on bytes that are not UTF-8 as text (pyarrow's JSON and Parquet
    readers do not check): the careful reader locates them."""
    import pyarrow.parquet as pq

    table = synth_table(5, seed=1)
    if suffix == ".parquet":
        raw = pa.array([b"caf\xe9", *table.column("assertion").to_pylist()[1:]], pa.binary())
        pq.write_table(
            table.set_column(9, "assertion", raw.view(pa.string())), tmp_path / "c.parquet"
        )
        path = tmp_path / "c.parquet"
    else:
        path = write_table(table, tmp_path / f"c{suffix}")
        data = path.read_bytes()
        cut = data.index(b"Russia") if b"Russia" in data else data.index(b"Iran")
        path.write_bytes(data[:cut] + b"\xff" + data[cut + 1 :])
    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))


@pytest.mark.parametrize(("suffix", "line"), [(".jsonl", b"{}\n"), (".csv", b"\n")])
def test_records_too_short_to_be_claims_are_declined_before_parsing(
    tmp_path: Path, suffix: str, line: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iran_russia_claims.readers import strict

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed")

    monkeypatch.setattr(strict, "_jsonl", refuse)
    monkeypatch.setattr(strict, "_csv", refuse)
    path = tmp_path / f"c{suffix}"
    head = write_table(synth_table(1, seed=1), path).read_bytes()
    path.write_bytes(head + line * 100_000)
    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))
