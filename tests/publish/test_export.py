"""Exports: reproducible, up to date, exact on a round trip, and all-or-nothing on disk."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import DATASET, EXPORTS, REPO
from iran_russia_claims.api import load
from iran_russia_claims.cli import main
from iran_russia_claims.curation.dataset import Dataset, read_dataset
from iran_russia_claims.publish import atomic as atomic_module
from iran_russia_claims.publish import export as export_module
from iran_russia_claims.publish.drift import REMEDY, stale
from iran_russia_claims.publish.export import (
    CHECKSUMS,
    EXPORT_COMMAND,
    PANDAS_CSV_RECIPE,
    export,
    render_checksums,
    render_json,
)
from iran_russia_claims.publish.frame import apply_dtypes, records_to_frame
from iran_russia_claims.publish.tables import Table, TableField, tables
from iran_russia_claims.publish.writer import render
from iran_russia_claims.validation import validate_frame
from iran_russia_claims.validation.report import DataError

SCHEMAS = REPO / "schemas"


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return read_dataset(DATASET)


def _snapshot(*directories: Path) -> dict[Path, bytes]:
    return {
        p: p.read_bytes()
        for d in directories
        if d.exists()
        for p in sorted(d.rglob("*"))
        if p.is_file()
    }


# -- text formats --------------------------------------------------------------------------------
def test_csv_is_rfc4180_with_lf_utf8_and_json_lists() -> None:
    fields = (
        TableField("a", "string", "A.", True, {}),
        TableField("b", "list", "B.", True, {}),
        TableField("c", "number", "C.", True, {}),
        TableField("d", "integer", "D.", False, {}),
    )
    abcd = Table("abcd", "ABCD", "A test table.", fields, ("a",), (), lambda _: [])
    rows = [
        {"a": 'say "hi", then\nleave', "b": ["X", "Y"], "c": 0.1 + 0.2, "d": None},
        {"a": "Ir\u00e1n", "b": [], "c": 1e-05, "d": 3},
    ]
    data = render(pa.Table.from_pylist(rows), ".csv", table=abcd)
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in data.replace(b"\n", b"")
    text = data.decode("utf-8")
    assert text.splitlines()[0] == "a,b,c,d"
    assert text.endswith("\n")
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert parsed[0]["a"] == 'say "hi", then\nleave'
    assert json.loads(parsed[0]["b"]) == ["X", "Y"]
    assert json.loads(parsed[1]["b"]) == []
    assert float(parsed[0]["c"]) == 0.1 + 0.2  # shortest repr, exact on reading
    assert parsed[1]["c"] == "1e-05"  # Python's repr, as json.dumps writes it
    assert parsed[0]["d"] == ""


def test_json_refuses_non_finite_numbers() -> None:
    assert render_json([{"x": 1.5}]) == b'[\n  {\n    "x": 1.5\n  }\n]\n'
    with pytest.raises(ValueError, match="JSON compliant"):
        render_json([{"x": float("nan")}])


def test_checksums_are_in_sha256sum_format() -> None:
    sums = render_checksums({"b.csv": b"", "a.csv": b"x"}).decode()
    assert sums.splitlines() == [
        "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  a.csv",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  b.csv",
    ]


# -- reproducibility and drift -------------------------------------------------------------------
def test_two_exports_are_byte_identical(dataset: Dataset, tmp_path: Path) -> None:
    export(dataset, tmp_path / "one", tmp_path / "one-schemas")
    export(dataset, tmp_path / "two", tmp_path / "two-schemas")
    for name in ("", "-schemas"):
        one, two = tmp_path / f"one{name}", tmp_path / f"two{name}"
        first = {p.relative_to(one): data for p, data in _snapshot(one).items()}
        second = {p.relative_to(two): data for p, data in _snapshot(two).items()}
        assert first == second
        # CSV, JSON and Parquet per table; the database, its Datasette metadata, the data
        # package and the checksums
        # the JSON Schemas: one per record model (claim, actor, source and the three link
        # tables), the claims document and the report
        assert len(first) == (3 * len(tables()) + 4 if name == "" else 8)


def _fresh(dataset: Dataset, tmp_path: Path) -> dict[Path, bytes]:
    """A fresh export written to tmp_path, keyed by where it belongs in the repository."""
    export(dataset, tmp_path / "exports", tmp_path / "schemas")
    return {
        (EXPORTS if p.parent.name == "exports" else SCHEMAS) / p.name: data
        for p, data in _snapshot(tmp_path / "exports", tmp_path / "schemas").items()
    }


def test_committed_exports_and_schemas_equal_a_fresh_export(
    dataset: Dataset, tmp_path: Path
) -> None:
    problems = stale(_fresh(dataset, tmp_path), [EXPORTS, SCHEMAS])
    assert not problems, f"exports/ or schemas/ are out of date; {REMEDY}:\n  " + "\n  ".join(
        problems
    )


def test_drift_is_found_but_a_new_parquet_writer_is_not(dataset: Dataset, tmp_path: Path) -> None:
    export(dataset, tmp_path / "exports", tmp_path / "schemas")
    expected = _snapshot(tmp_path / "exports", tmp_path / "schemas")
    dirs = [tmp_path / "exports", tmp_path / "schemas"]
    assert stale(expected, dirs) == []

    # Same table written differently (as by another pyarrow release): not drift.
    target = tmp_path / "exports" / "claims.parquet"
    same = pq.read_table(target)
    pq.write_table(same, target, compression="snappy")
    sums = tmp_path / "exports" / CHECKSUMS
    sums.write_bytes(
        render_checksums(
            {
                p.name: p.read_bytes()
                for p in sorted((tmp_path / "exports").iterdir())
                if p.name != CHECKSUMS
            }
        )
    )
    assert target.read_bytes() != expected[target]
    assert stale(expected, dirs) == []

    # Changed values, metadata, text, stale checksums, a missing and an extra file: drift.
    changed = same.set_column(4, "end", pa.array([e + 1 for e in same.column("end").to_pylist()]))
    pq.write_table(changed.cast(same.schema), target)
    assert set(stale(expected, dirs)) == {
        f"{target}: its values differ",
        f"{sums}: the hash of claims.parquet does not match the file",
    }
    pq.write_table(same.replace_schema_metadata({}), target)
    assert f"{target}: its key-value metadata differs" in "\n".join(stale(expected, dirs))
    target.write_bytes(expected[target])
    sums.write_bytes(expected[sums])
    (tmp_path / "schemas" / "claim.schema.json").write_text("{}\n")
    (tmp_path / "exports" / "actors.csv").unlink()
    (tmp_path / "exports" / "notes.txt").write_text("x")
    assert stale(expected, dirs) == [
        f"{tmp_path}/exports/actors.csv: is missing",
        f"{tmp_path}/schemas/claim.schema.json: differs from a fresh export",
        f"{tmp_path}/exports/notes.txt: export no longer writes it; delete it",
    ]


def test_export_check_names_the_command_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, schemas = tmp_path / "exports", tmp_path / "schemas"
    args = ["export", "--dataset", str(DATASET), "--out", str(out), "--schemas", str(schemas)]
    assert main([*args, "-q"]) == 0
    assert main([*args, "--check"]) == 0
    (out / "claims.csv").write_bytes((out / "claims.csv").read_bytes() + b"\n")
    capsys.readouterr()
    assert main([*args, "--check"]) == 1
    err = capsys.readouterr().err
    assert f"run `{EXPORT_COMMAND}`" in err
    assert f"{out}/claims.csv: differs from a fresh export" in err


# -- round trips ---------------------------------------------------------------------------------
def _valid_and_equal_to_load(frame: pd.DataFrame, dataset: Dataset) -> None:
    report = validate_frame(frame, dataset.registry)
    assert report.valid, report.render()
    pd.testing.assert_frame_equal(frame, load(), check_exact=True)


def test_csv_read_with_the_documented_recipe_equals_load(dataset: Dataset) -> None:
    path = EXPORTS / "claims.csv"
    frame = eval(PANDAS_CSV_RECIPE, {"pd": pd, "json": json, "path": path})
    _valid_and_equal_to_load(apply_dtypes(frame), dataset)


def test_json_equals_load(dataset: Dataset) -> None:
    records = json.loads((EXPORTS / "claims.json").read_text(encoding="utf-8"))
    _valid_and_equal_to_load(records_to_frame(records), dataset)
    assert records == load(as_frame=False)


def test_parquet_equals_load(dataset: Dataset) -> None:
    frame = pq.read_table(EXPORTS / "claims.parquet").to_pandas()
    _valid_and_equal_to_load(apply_dtypes(frame), dataset)


def test_registry_tables_agree_across_formats() -> None:
    for name in ("actors", "sections", "claim_actors"):
        from_json = json.loads((EXPORTS / f"{name}.json").read_text(encoding="utf-8"))
        assert pq.read_table(EXPORTS / f"{name}.parquet").to_pylist() == from_json
        with (EXPORTS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            from_csv = list(csv.DictReader(handle))
        as_text = [{k: "" if v is None else str(v) for k, v in r.items()} for r in from_json]
        assert from_csv == as_text
    sources = json.loads((EXPORTS / "sources.json").read_text(encoding="utf-8"))
    flat = [{k: v for k, v in s.items() if k != "sections"} for s in sources]
    assert pq.read_table(EXPORTS / "sources.parquet").to_pylist() == flat


# -- all or nothing ------------------------------------------------------------------------------
def _smaller(dataset: Dataset) -> Dataset:
    """A different valid dataset: every claim but the last (and the links to it)."""
    gone = dataset.claims[-1].id

    def kept(rows: tuple[Any, ...], *keys: str) -> tuple[Any, ...]:
        return tuple(r for r in rows if all(getattr(r, k) != gone for k in keys))

    return dataclasses.replace(
        dataset,
        claims=dataset.claims[:-1],
        dyads=kept(dataset.dyads, "claim_id"),
        relations=kept(dataset.relations, "from_id", "to_id"),
        codings=kept(dataset.codings, "claim_id"),
    )


def test_a_failure_part_way_restores_every_previous_file(
    dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, schemas = tmp_path / "exports", tmp_path / "schemas"
    export(dataset, out, schemas)
    (out / "claims.csv").unlink()  # a file the failed export would have created
    before = _snapshot(out, schemas)
    real_replace = os.replace
    calls = 0

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        nonlocal calls
        if atomic_module.STAGING_PREFIX not in str(dst):  # a rename into place, not the journal's
            calls += 1
            if calls == 3:
                raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(atomic_module.os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space left"):
        export(_smaller(dataset), out, schemas)
    assert calls > 3  # the two files already replaced were put back
    assert _snapshot(out, schemas) == before
    leftovers = [p for d in (out, schemas) for p in d.iterdir() if p.name.startswith(".")]
    assert leftovers == []

    calls = 0  # into directories that do not exist yet: they are gone again afterwards
    with pytest.raises(OSError, match="No space left"):
        export(dataset, tmp_path / "new", tmp_path / "new-schemas")
    assert not (tmp_path / "new").exists()
    assert not (tmp_path / "new-schemas").exists()


def test_a_renderer_failure_writes_nothing(
    dataset: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("renderer broke")

    monkeypatch.setattr(export_module, "render", broken)
    with pytest.raises(RuntimeError, match="renderer broke"):
        export(dataset, tmp_path / "exports", tmp_path / "schemas")
    assert list(tmp_path.iterdir()) == []


def test_export_validates_the_table_before_writing(dataset: Dataset, tmp_path: Path) -> None:
    twice = dataclasses.replace(dataset, claims=(*dataset.claims, dataset.claims[0]))
    with pytest.raises(DataError) as caught:
        export(twice, tmp_path / "exports")
    assert "id_unique" in {p.rule for p in caught.value.problems}
    assert list(tmp_path.iterdir()) == []


def test_invalid_dataset_exits_1_names_the_problem_and_writes_nothing(
    dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "dataset"
    shutil.copytree(DATASET, broken)
    document = yaml.safe_load((broken / "claims.yaml").read_text(encoding="utf-8"))
    document["claims"][0]["theme"] = "weather"
    (broken / "claims.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    out, schemas = tmp_path / "exports", tmp_path / "schemas"
    export(dataset, out, schemas)
    before = _snapshot(out, schemas)
    capsys.readouterr()

    code = main(["export", "--dataset", str(broken), "--out", str(out), "--schemas", str(schemas)])
    assert code == 1
    err = capsys.readouterr().err
    first_id = document["claims"][0]["id"]
    assert f"{broken / 'claims.yaml'}, row 1, record {first_id}, column theme" in err
    assert "[rule: theme_vocabulary]" in err
    assert "nothing was written" in err
    assert _snapshot(out, schemas) == before
