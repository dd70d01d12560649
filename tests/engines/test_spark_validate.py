"""``validate --engine spark`` in Spark local mode, on folders of several Parquet files: the same
rules, report and exit codes as the other engines, problems located by file and record id.

The Spark tests are skipped, with the reason, unless the ``spark`` extra (PySpark) and a Java
runtime are present; one local session (``local[2]``) serves the module. The message for a
missing PySpark is tested everywhere.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from iran_russia_claims.cli import main
from iran_russia_claims.publish.synth import (
    synth_registry,
    synth_table,
    write_registry,
    write_table,
)
from iran_russia_claims.validation import validate

needs_spark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="needs the spark extra (pip install '.[spark]') and a Java runtime (java on PATH)",
)
REGISTRY = synth_registry()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A valid folder of three Parquet files, and the same with broken rows in its last file:
    a bad theme, an unknown source, and an id that the first file uses too."""
    root = tmp_path_factory.mktemp("spark")
    table = synth_table(300, seed=3)
    good, bad = root / "good", root / "bad"
    for folder in (good, bad):
        folder.mkdir()
        for i in range(3):
            write_table(table.slice(100 * i, 100), folder / f"part-{i}.parquet")
    rows = table.slice(200, 100).to_pylist()
    rows[0]["theme"] = "nucelar"
    rows[1]["source_id"] = "nowhere"
    rows[2]["id"] = table["id"][5].as_py()
    write_table(pa.Table.from_pylist(rows, schema=table.schema), bad / "part-2.parquet")
    write_registry(root / "registry", REGISTRY)
    return {"good": good, "bad": bad, "registry": root / "registry", "root": root}


@needs_spark
def test_a_valid_folder_of_parquet_files_is_valid(spark: Any, folders: dict[str, Path]) -> None:
    from iran_russia_claims.engines.spark_validate import validate_spark

    report = validate_spark(str(folders["good"]), registry=REGISTRY)
    assert (report.exit_code(), report.problems, report.rows) == (0, [], 300)
    assert report.format == "spark"


@needs_spark
def test_broken_rows_are_found_with_their_record_and_file(
    spark: Any, folders: dict[str, Path]
) -> None:
    from iran_russia_claims.engines.spark_validate import validate_spark

    report = validate_spark(str(folders["bad"]), registry=REGISTRY)
    assert report.exit_code() == 1
    found = {(p.rule, p.record_id, Path(str(p.file)).name, p.column) for p in report}
    assert found == {
        ("theme_vocabulary", "IRR-0201", "part-2.parquet", "theme"),
        ("source_registered", "IRR-0202", "part-2.parquet", "source_id"),
        ("id_unique", "IRR-0006", "part-0.parquet", "id"),
        ("id_unique", "IRR-0006", "part-2.parquet", "id"),
    }
    assert all(p.row is None for p in report)
    theme = next(p for p in report if p.rule == "theme_vocabulary")
    assert theme.value == "nucelar"
    assert "did you mean 'nuclear'" in theme.message  # the other engines' message
    duplicate = next(p for p in report if p.rule == "id_unique" and "part-0" in str(p.file))
    assert "part-2.parquet" in duplicate.message
    # the same rules and counts as the one-machine engines on the same records in one file
    whole = folders["root"] / "bad-whole.parquet"
    # one file of the same records (a column broken on purpose is written as plain text)
    parts = [pl.read_parquet(p) for p in sorted(folders["bad"].iterdir())]
    pl.concat(parts, how="vertical_relaxed").write_parquet(whole)
    local = validate(whole, registry=REGISTRY)
    assert local.counts == report.counts


@needs_spark
def test_columns_missing_extra_or_mistyped_and_missing_values(spark: Any, tmp_path: Path) -> None:
    from iran_russia_claims.engines.spark_validate import validate_spark

    table = synth_table(20, seed=4)
    rows = table.to_pylist()
    rows[3]["theme"] = None
    table = pa.Table.from_pylist(rows)  # every column nullable
    table = table.drop_columns(["kind"]).append_column("knd", pa.array(["x"] * 20))
    table = table.set_column(
        table.schema.get_field_index("start"), "start", table["start"].cast(pa.string())
    )
    pq.write_table(table, tmp_path / "odd.parquet")
    report = validate_spark(str(tmp_path), registry=REGISTRY, max_problems=None)
    assert report.exit_code() == 1
    found = {(p.rule, p.column, p.record_id) for p in report}
    assert found == {
        ("no_extra_fields", "knd", None),
        ("required", "kind", None),
        ("type", "start", None),
        ("required", "theme", rows[3]["id"]),
    }
    extra = next(p for p in report if p.rule == "no_extra_fields")
    assert extra.hint == "did you mean 'kind'?"


@needs_spark
def test_a_path_spark_cannot_read_is_unreadable(spark: Any, tmp_path: Path) -> None:
    from iran_russia_claims.engines.spark_validate import validate_spark

    report = validate_spark(str(tmp_path / "nowhere"), registry=REGISTRY)
    assert report.exit_code() == 2
    [problem] = report.problems
    assert problem.rule == "readable"
    assert "Path does not exist" in problem.message
    assert problem.hint is not None
    assert "s3a://" in problem.hint


@needs_spark
def test_the_command_runs_on_spark_and_hands_urls_on_as_given(
    spark: Any, folders: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url = folders["bad"].as_uri()  # file:///..., which a local Path would turn into file:/...
    argv = ["validate", "--engine", "spark", "--collection", str(folders["registry"])]
    assert main([*argv, "--format", "json", url, str(folders["good"])]) == 1
    data = json.loads(capsys.readouterr().out)
    bad, good = data["reports"]
    assert (bad["target"], bad["format"], bad["problem_count"]) == (url, "spark", 4)
    assert good["valid"]
    assert good["rows"] == 300
    assert main([*argv, str(folders["good"])]) == 0
    assert "valid, 300 records" in capsys.readouterr().out
    assert main([*argv, str(folders["root"] / "nowhere")]) == 2


def test_without_pyspark_the_command_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark raises ImportError
    assert main(["validate", "--engine", "spark", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert 'pip install "iran-russia-claims[spark]"' in err
    assert "Traceback" not in err


def test_spark_options_out_of_place_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--spark-master", "local[2]", "claims.parquet"]) == 2
    assert "--engine spark" in capsys.readouterr().err
