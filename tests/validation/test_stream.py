"""The strict, streamed reader and the careful, chunked reader give the same report.

``validate`` streams a Parquet, CSV or JSON Lines file with the strict reader when it is
written as the exports write it, and checks it batch by batch; anything else goes through the
careful readers. Both feed the same rules
(:func:`~iran_russia_claims.spec.evaluate.find_failures`), so every file must get the same
problems, at the same rows, whichever way it was read.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow.parquet as pq
import pytest

from iran_russia_claims.publish.synth import (
    synth_registry,
    synth_table,
    write_registry,
    write_table,
)
from iran_russia_claims.spec.evaluate import polars_types
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES
from iran_russia_claims.validation import validate
from records import MUTATIONS, mutated_table, registry, valid_record

REGISTRY = registry()


def _agree(frame: pl.DataFrame, registry: Any, tmp_path: Path) -> bool:
    """Whether the file is valid, after checking that both readers report it alike, in each
    format the strict reader takes."""
    valid = {}
    exportable = dict(frame.schema) == polars_types()  # the text formats hold only these
    for suffix in (".parquet", ".csv", ".jsonl") if exportable else (".parquet",):
        path = tmp_path / f"claims{suffix}"
        if suffix == ".parquet":
            frame.write_parquet(path)
        else:  # written as the exports write it
            try:
                write_table(frame.select(CLAIM_COLUMN_NAMES), path)
            except ValueError:  # NaN: JSON has no way to write it, nor the exports' CSV
                continue
        streamed = validate(path, registry=registry, engine="polars")
        chunked = validate(path, registry=registry, engine="pandas")
        assert [str(p) for p in streamed.problems] == [str(p) for p in chunked.problems], suffix
        assert streamed.rows == chunked.rows
        valid[suffix] = streamed.valid
    return valid[".parquet"]  # a missing value may be written otherwise in the text formats


@pytest.mark.parametrize("rule", [None, *sorted(MUTATIONS)])
def test_each_mutation_gets_the_same_report(rule: str | None, tmp_path: Path) -> None:
    frame = pl.DataFrame(mutated_table(rule))
    assert _agree(frame, REGISTRY, tmp_path) is (rule is None)


def test_registry_rules_apply_only_with_a_registry(tmp_path: Path) -> None:
    frame = pl.DataFrame(mutated_table("actors_registered"))
    assert not _agree(frame, REGISTRY, tmp_path)
    from iran_russia_claims.validation import validate_frame

    assert validate_frame(frame.to_pandas()).valid  # no registry: no registry rules


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_tables_pass_both(seed: int, tmp_path: Path) -> None:
    frame = pl.from_arrow(synth_table(3_000, seed=seed))
    assert isinstance(frame, pl.DataFrame)
    assert _agree(frame, synth_registry(), tmp_path)


def test_duplicates_across_rows_are_caught(tmp_path: Path) -> None:
    same_id = [valid_record(1), valid_record(1, start=100)]
    assert not _agree(pl.DataFrame(same_id), REGISTRY, tmp_path)
    span = valid_record(2)
    same_span = [valid_record(1), {**span, "id": "IRR-0003"}, span]
    assert not _agree(pl.DataFrame(same_span), REGISTRY, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.with_columns(extra=pl.lit(1)),
        lambda f: f.drop("hedges"),
        lambda f: f.with_columns(pl.col("start").cast(pl.Int32)),
        lambda f: f.with_columns(pl.col("confidence").cast(pl.Float32)),
        lambda f: f.with_columns(pl.col("actors").list.join(",")),
        lambda f: f.with_columns(pl.col("theme").cast(pl.Categorical)),
        lambda f: f.with_columns(pl.col("actors").cast(pl.List(pl.Categorical))),
        lambda f: f.with_columns(confidence=pl.lit(None, pl.Float64)),
        lambda f: f.with_columns(hedges=pl.lit(None, pl.List(pl.String))),
        lambda f: f.with_columns(actors=pl.lit(["IRN", None], pl.List(pl.String))),
        lambda f: f.select(reversed(f.columns)),
    ],
)
def test_structure_and_nulls_get_the_same_report(change: Any, tmp_path: Path) -> None:
    _agree(change(pl.DataFrame(mutated_table(None))), REGISTRY, tmp_path)


def test_the_validate_command_confirms_a_valid_file_without_pandas(tmp_path: Path) -> None:
    """End to end, a valid file read whole costs Polars, narwhals, our registry and pyarrow,
    which reads the Parquet file within its limits (what its pages and its dictionaries expand
    to): pandas and pandera are never imported."""
    path = tmp_path / "claims.parquet"
    pq.write_table(synth_table(2_000, seed=6), path)
    write_registry(tmp_path / "registry")
    script = (
        "import sys\n"
        "from iran_russia_claims.cli import main\n"
        "code = main(['validate', sys.argv[1], '--engine', 'polars', '--dataset', sys.argv[2]])\n"
        "heavy = [m for m in ('pandas', 'pandera') if m in sys.modules]\n"
        "print(code, heavy, flush=True)\n"
        "import os\n"
        "os._exit(0)  # as the command does: no teardown of Arrow's threads (see cli.run)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "registry")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "0 []"


def _both(path: Path, registry: Any = REGISTRY) -> Any:
    """The report of each reader, after checking that they agree."""
    streamed = validate(path, registry=registry, engine="polars")
    chunked = validate(path, registry=registry, engine="pandas")
    assert [str(p) for p in streamed.problems] == [str(p) for p in chunked.problems]
    assert (streamed.rows, dict(streamed.counts)) == (chunked.rows, dict(chunked.counts))
    return streamed


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of a few records, so that a small file streams in many."""
    from iran_russia_claims.readers import strict

    monkeypatch.setattr(strict, "BATCH_ROWS", 16)
    monkeypatch.setattr(strict, "BLOCK_BYTES", 2048)


def _claims(n: int) -> list[dict[str, Any]]:
    return [valid_record(i, start=i) for i in range(1, n + 1)]


def _write(records: list[dict[str, Any]], path: Path) -> Path:
    write_table(pl.DataFrame(records).select(CLAIM_COLUMN_NAMES), path)
    return path


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_duplicates_batches_apart_are_found_by_the_second_pass(suffix: str, tmp_path: Path) -> None:
    records = _claims(200)
    records[180]["id"] = records[3]["id"]  # the same id, batches apart
    records[150] = {**records[10], "id": records[150]["id"]}  # the same span
    report = _both(_write(records, tmp_path / f"c{suffix}"))
    assert report.counts == {"id_unique": 2, "span_unique": 2}
    first = 2 if suffix == ".csv" else 1
    assert {(p.rule, p.row) for p in report.problems} == {
        ("id_unique", 4 + first - 1),
        ("id_unique", 181 + first - 1),
        ("span_unique", 11 + first - 1),
        ("span_unique", 151 + first - 1),
    }


@pytest.mark.usefixtures("small_batches")
def test_a_hash_collision_is_not_a_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every key hashed alike: every record is a suspect, and the rules' own expressions,
    run on the suspects, find only the real duplicate."""
    from iran_russia_claims.validation import stream

    def colliding(keys: Any) -> list[pl.Expr]:
        return [(pl.col("start") * 0).cast(pl.UInt64).alias(r.name) for r in keys]

    monkeypatch.setattr(stream, "_hashes", colliding)
    path = _write(_claims(100), tmp_path / "c.parquet")
    assert validate(path, registry=REGISTRY, engine="polars").valid
    records = _claims(100)
    records[99]["id"] = records[0]["id"]
    report = validate(_write(records, tmp_path / "d.parquet"), registry=REGISTRY)
    assert [(p.rule, p.row) for p in report.problems] == [("id_unique", 1), ("id_unique", 100)]


@pytest.mark.usefixtures("small_batches")
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_file_declined_part_way_is_read_again_by_the_careful_reader(
    suffix: str, tmp_path: Path
) -> None:
    records = _claims(200)
    records[5]["theme"] = "weather"  # found by the strict reader first, then discarded
    path = _write(records, tmp_path / f"c{suffix}")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    unusual = lines[150].replace(",", ", ", 1) if suffix == ".jsonl" else lines[150]
    if suffix == ".csv":  # a number the exports would not write
        unusual = unusual.replace(f",{records[149]['start']},", f",00{records[149]['start']},", 1)
    assert unusual != lines[150]
    lines[150] = unusual
    lines.insert(100, "\n")  # and a blank line
    path.write_text("".join(lines), encoding="utf-8")
    from iran_russia_claims.readers.strict import Declined, strict_batches

    with pytest.raises(Declined):
        list(strict_batches(str(path), suffix[1:]))
    report = _both(path)
    assert report.counts["theme_vocabulary"] == 1


def test_a_record_over_several_lines_is_read_as_the_careful_reader_reads_it(
    tmp_path: Path,
) -> None:
    """The strict reader declines it (its lines outnumber its records); rows are records."""
    records = _claims(30)
    records[2]["assertion"] = "Two lines\nin one quoted cell, which the CSV reader reads."
    records[20]["theme"] = "weather"
    report = _both(_write(records, tmp_path / "c.csv"))
    assert ("theme_vocabulary", 21 + 1) in {(p.rule, p.row) for p in report.problems}


def _edit_line(path: Path, number: int, edit: Any) -> Path:
    lines = path.read_bytes().split(b"\n")
    lines[number] = edit(lines[number])
    path.write_bytes(b"\n".join(lines))
    return path


@pytest.mark.parametrize(
    "edit",
    [
        lambda line: line.replace(b",intro,", b',"",', 1),  # a quoted empty cell
        lambda line: line.replace(b",intro,", b",,", 1),  # an empty cell
        lambda line: line.replace(b",intro,", b',"intro" ,', 1),  # space after a quote
        lambda line: line.replace(b",intro,", b',in"tro,', 1),  # a stray quote
        lambda line: line.replace(b",intro,", b",intro,,", 1),  # a cell more
        lambda line: line.rsplit(b",", 1)[0],  # a cell fewer
        lambda line: line + b"\r",  # a line ending \r\n
        lambda line: b"\xef\xbb\xbf" + line,  # a byte order mark (header) or stray bytes
        lambda line: line.replace(b"intro", b"in\xfftro", 1),  # not UTF-8
    ],
)
@pytest.mark.parametrize("number", [0, 2])
def test_csv_oddities_get_the_careful_readers_report(
    edit: Any, number: int, tmp_path: Path
) -> None:
    """Each oddity either reads exactly as the exports' CSV or is declined: both readers
    report the file alike (line 0 is the header)."""
    path = _write(_claims(5), tmp_path / "c.csv")
    _both(_edit_line(path, number, edit))


def test_csv_with_carriage_returns_only_gets_the_careful_readers_report(tmp_path: Path) -> None:
    path = _write(_claims(5), tmp_path / "c.csv")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    _both(path)
    header = path.read_bytes().split(b"\r")[0]
    path.write_bytes(path.read_bytes() + header)  # a duplicate header as a last row
    _both(path)


def test_the_size_from_which_files_were_read_whole_is_deprecated() -> None:
    import iran_russia_claims.validation as validation

    with pytest.warns(DeprecationWarning, match="strict reader"):
        assert validation.AUTO_POLARS_BYTES == 0


@pytest.mark.parametrize(
    "edit",
    [
        lambda line: line.replace(b",intro,", b",in\x00tro,", 1),  # a NUL byte near the start
        lambda line: line.replace(b",1,", b",1000000000000000000,", 1),  # 19 digits
        lambda line: line.replace(b",1,", b",-9223372036854775808,", 1),
    ],
)
def test_what_the_careful_csv_reader_refuses_the_strict_one_declines(
    edit: Any, tmp_path: Path
) -> None:
    """Found by a review: bytes or numbers the careful reader calls unreadable or of the
    wrong type must not be read as fine by the strict one."""
    records = _claims(5)
    records[1]["start"] = 1
    path = _write(records, tmp_path / "c.csv")
    before = path.read_bytes()
    _edit_line(path, 2, edit)
    assert path.read_bytes() != before
    report = _both(path)
    assert not report.valid


def test_a_name_starting_with_a_tilde_is_the_file_python_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyarrow takes a leading ~ for the home folder; open() does not: both readers must
    read the same file."""
    home, here = tmp_path / "home", tmp_path / "here"
    (here / "~").mkdir(parents=True)
    home.mkdir()
    _write(_claims(5), home / "c.jsonl")
    broken = _claims(5)
    broken[0]["theme"] = "weather"
    _write(broken, here / "~" / "c.jsonl")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(here)
    report = _both(Path("~/c.jsonl"))
    assert report.counts == {"theme_vocabulary": 1}


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_over_the_limit_both_readers_list_the_first_problems_in_report_order(
    suffix: str, tmp_path: Path
) -> None:
    """Found by a review: the strict reader finds duplicates after its last batch, the
    careful one with each chunk; the problems listed are the first in report order, however
    they were found."""
    records = _claims(40)
    records[39]["id"] = records[0]["id"]
    for record in records:
        record["actors"] = ["ZZZ"]
    path = _write(records, tmp_path / f"c{suffix}")
    streamed = validate(path, registry=REGISTRY, max_problems=5)
    chunked = validate(path, registry=REGISTRY, max_problems=5, engine="pandas")
    assert [str(p) for p in streamed.problems] == [str(p) for p in chunked.problems]
    assert streamed.counts == chunked.counts == {"actors_registered": 40, "id_unique": 2}
    first = 2 if suffix == ".csv" else 1
    assert [(p.rule, p.row) for p in streamed.problems][:2] == [
        ("actors_registered", first),
        ("id_unique", first),
    ]


def test_a_full_report_keeps_the_first_problems_in_report_order() -> None:
    from iran_russia_claims.spec.problem import Problem
    from iran_russia_claims.validation import ValidationReport

    report = ValidationReport(target="t", max_problems=3)
    for row in (9, 5, 7, 1, 8, 3, 2, 10_000, *range(100, 2000)):
        report.add(Problem("theme_vocabulary", "x", "t", row=row, column="theme"))
    assert sorted(p.row for p in report.problems) == [1, 2, 3]
    assert report.total == 1908
