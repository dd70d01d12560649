"""The committed exports as the tools analysts use read them: Frictionless, jsonschema, DuckDB,
Polars, pandas and jq."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pytest
from frictionless import Package
from jsonschema import Draft202012Validator, ValidationError

from conftest import EXPORTS, REPO
from iran_russia_claims.api import load
from iran_russia_claims.publish.export import PANDAS_JSON_RECIPE

SCHEMAS = REPO / "schemas"
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _theme_counts() -> dict[str, int]:
    return dict(Counter(str(t) for t in load()["theme"]))


# -- Frictionless --------------------------------------------------------------------------------
def _frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess[str]:
    assert FRICTIONLESS.is_file(), f"the frictionless command is not at {FRICTIONLESS}"
    return subprocess.run(
        [str(FRICTIONLESS), "validate", str(descriptor)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_frictionless_validate_passes_and_catches_a_broken_reference(tmp_path: Path) -> None:
    result = _frictionless_validate(EXPORTS / "datapackage.json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "INVALID" not in result.stdout

    copy = shutil.copytree(EXPORTS, tmp_path / "exports")
    lines = (copy / "claim_actors.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    claim_id, rank, _ = lines[1].rstrip("\n").split(",")
    lines[1] = f"{claim_id},{rank},NOBODY\n"
    (copy / "claim_actors.csv").write_text("".join(lines), encoding="utf-8")
    broken = _frictionless_validate(copy / "datapackage.json")
    assert broken.returncode != 0
    assert "foreign-key" in broken.stdout


def test_frictionless_reads_list_columns_back_as_lists() -> None:
    package = Package(str(EXPORTS / "datapackage.json"))
    rows = package.get_resource("claims").read_rows()
    records = load(as_frame=False)
    assert [row["id"] for row in rows] == [r["id"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert row["actors"] == record["actors"]
        assert row["hedges"] == record["hedges"]
        assert float(row["confidence"]) == record["confidence"]


def test_datapackage_declares_licence_version_keys_and_every_file() -> None:
    from iran_russia_claims.__about__ import __version__

    descriptor = _json(EXPORTS / "datapackage.json")
    assert descriptor["version"] == __version__
    assert [lic["name"] for lic in descriptor["licenses"]] == ["CC-BY-4.0"]
    described = {r["path"] for r in descriptor["resources"]}
    on_disk = {p.name for p in EXPORTS.iterdir()} - {"datapackage.json", "SHA256SUMS"}
    assert described == on_disk
    claims = next(r for r in descriptor["resources"] if r["name"] == "claims")
    references = {fk["reference"]["resource"] for fk in claims["schema"]["foreignKeys"]}
    assert references == {"sources", "sections"}
    link = next(r for r in descriptor["resources"] if r["name"] == "claim-actors")
    assert {fk["reference"]["resource"] for fk in link["schema"]["foreignKeys"]} == {
        "claims",
        "actors",
    }


def test_sha256sums_cover_every_file() -> None:
    import hashlib

    listed = {}
    for line in (EXPORTS / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        listed[name] = digest
    assert set(listed) == {p.name for p in EXPORTS.iterdir()} - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256((EXPORTS / name).read_bytes()).hexdigest() == digest, name


# -- JSON Schema ---------------------------------------------------------------------------------
def _validator(name: str) -> Draft202012Validator:
    schema = _json(SCHEMAS / name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_every_record_validates_against_the_json_schemas() -> None:
    claim = _validator("claim.schema.json")
    records = _json(EXPORTS / "claims.json")
    for record in records:
        claim.validate(record)
    _validator("claims.schema.json").validate(records)
    for record in _json(EXPORTS / "actors.json"):
        _validator("actor.schema.json").validate(record)
    for record in _json(EXPORTS / "sources.json"):
        _validator("source.schema.json").validate(record)


@pytest.mark.parametrize(
    ("field", "value"),
    [("theme", "weather"), ("id", "IRR-1"), ("confidence", 1.0), ("actors", []), ("extra", 1)],
)
def test_the_json_schema_rejects_a_broken_record(field: str, value: object) -> None:
    record = {**_json(EXPORTS / "claims.json")[0], field: value}
    with pytest.raises(ValidationError):
        _validator("claim.schema.json").validate(record)


# -- DuckDB, Polars, pandas, jq -----------------------------------------------------------------
def test_duckdb_reads_parquet_lists_and_groups_by_theme() -> None:
    path = str(EXPORTS / "claims.parquet")
    con = duckdb.connect()
    types = dict(
        con.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [path]
        ).fetchall()
    )
    assert types["actors"] == "VARCHAR[]"
    assert types["confidence"] == "DOUBLE"
    assert types["start"] == "BIGINT"
    counts = con.execute("SELECT theme, count(*) FROM read_parquet(?) GROUP BY theme", [path])
    assert dict(counts.fetchall()) == _theme_counts()
    joined = con.execute(
        "SELECT a.name, count(*) FROM read_parquet(?) ca "
        "JOIN read_parquet(?) a ON ca.actor = a.code WHERE a.code = 'RUS' GROUP BY a.name",
        [str(EXPORTS / "claim_actors.parquet"), str(EXPORTS / "actors.parquet")],
    ).fetchall()
    assert joined == [("Russia", sum("RUS" in a for a in load()["actors"]))]


def test_polars_reads_parquet_lists_and_groups_by_theme() -> None:
    frame = pl.read_parquet(EXPORTS / "claims.parquet")
    assert frame.schema["actors"] == pl.List(pl.String)
    assert frame.schema["hedges"] == pl.List(pl.String)
    assert frame.schema["confidence"] == pl.Float64
    counts = frame.group_by("theme").len()
    assert {str(t): n for t, n in counts.iter_rows()} == _theme_counts()


def test_claims_json_loads_in_one_call_everywhere() -> None:
    path = EXPORTS / "claims.json"
    records = load(as_frame=False)
    expected_actors = [r["actors"] for r in records]
    from_pandas = eval(PANDAS_JSON_RECIPE, {"pd": pd, "path": path})
    assert from_pandas["actors"].tolist() == expected_actors
    assert from_pandas["confidence"].tolist() == [r["confidence"] for r in records]
    from_polars = pl.read_json(path)
    assert from_polars.schema["actors"] == pl.List(pl.String)
    assert from_polars["actors"].to_list() == expected_actors
    from_duckdb = duckdb.sql(f"SELECT actors FROM read_json('{path}')").fetchall()
    assert [row[0] for row in from_duckdb] == expected_actors


def test_jq_reads_claims_json() -> None:
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq is not installed")
    result = subprocess.run(
        [
            jq,
            "-c",
            "group_by(.theme) | map({(.[0].theme): length}) | add",
            str(EXPORTS / "claims.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout) == _theme_counts()
