"""The one-line loaders, read from the data shipped inside the package."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import iran_russia_claims as irc
from iran_russia_claims.publish.frame import DTYPES
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, VOCABULARY_COLUMNS


def test_load_returns_the_documented_dtypes() -> None:
    df = irc.load()
    assert tuple(df.columns) == CLAIM_COLUMN_NAMES
    assert len(df) > 0
    for name, vocabulary in VOCABULARY_COLUMNS.items():
        assert isinstance(df[name].dtype, pd.CategoricalDtype)
        assert list(df[name].cat.categories) == [str(v) for v in vocabulary]
    assert df["confidence_band"].cat.ordered
    assert df["start"].dtype == "int64"
    assert df["end"].dtype == "int64"
    assert df["confidence"].dtype == "float64"
    for name in ("actors", "hedges"):
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in df[name])
    assert all(isinstance(v, str) for v in df["assertion"])
    # the data dictionary's dtypes (frame.DTYPES, shown in the README) are what load() returns
    assert {name: _dtype_of(df[name]) for name in df.columns} == DTYPES


def _dtype_of(s: pd.Series) -> str:
    """A column's dtype as the data dictionary words it."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return "category"
    if s.dtype != object:
        return str(s.dtype)
    if all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in s):
        return "object (list of str)"
    return "object (str)" if all(isinstance(v, str) for v in s) else "object (mixed)"


def test_records_claims_and_registries_agree() -> None:
    records = irc.load(as_frame=False)
    claims = irc.claims()
    assert [c.model_dump(mode="json") for c in claims] == records
    codes = {a.code for a in irc.actors()}
    assert {code for r in records for code in r["actors"]} <= codes
    sources = {s.id: s for s in irc.sources()}
    assert {r["source_id"] for r in records} <= set(sources)
    for r in records:
        section = sources[r["source_id"]].section_at(r["start"])
        assert section is not None
        assert section.slug == r["section"]


def test_loaded_frame_passes_the_table_schema() -> None:
    from pathlib import Path

    from iran_russia_claims.curation.dataset import read_registry
    from iran_russia_claims.resources import shipped_dataset
    from iran_russia_claims.validation import validate_frame

    registry = read_registry(Path(str(shipped_dataset())))
    report = validate_frame(irc.load(), registry)
    assert report.valid, report.render()


def test_import_is_light() -> None:
    code = (
        "import sys, iran_russia_claims;"
        "heavy = [m for m in ('pandas', 'pandera', 'pyarrow', 'polars', 'matplotlib', 'pydantic')"
        " if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_load_does_not_import_pandera_or_polars() -> None:
    code = (
        "import sys, iran_russia_claims as i; i.load();"
        "print([m for m in ('pandera', 'polars', 'matplotlib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- every table, every backend -----------------------------------------------------------------
TABLES = ("claims", "actors", "sources", "sections", "claim_actors")


def _exported_records(name: str) -> list[dict]:
    """The table as its JSON export holds it (sources: without their nested sections)."""
    import json

    records = json.loads(irc.files()[f"{name}.json"].read_text(encoding="utf-8"))
    if name == "sources":
        records = [{k: v for k, v in r.items() if k != "sections"} for r in records]
    return records


@pytest.mark.parametrize("name", TABLES)
def test_every_table_loads_as_records_equal_to_its_json_export(name: str) -> None:
    records = irc.load(name, as_frame=False)
    expected = _exported_records(name)
    assert records, name
    # JSON leaves an absent optional value out or writes null; load() gives None either way
    assert [{k: v for k, v in r.items() if v is not None} for r in records] == [
        {k: v for k, v in r.items() if v is not None} for r in expected
    ]


@pytest.mark.parametrize("name", TABLES)
def test_every_backend_holds_the_same_values(name: str) -> None:
    import polars as pl
    import pyarrow as pa

    records = irc.load(name, as_frame=False)
    frame = irc.load(name)
    polars_frame = irc.load(name, backend="polars")
    arrow = irc.load(name, backend="pyarrow")
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(polars_frame, pl.DataFrame)
    assert isinstance(arrow, pa.Table)
    from_pandas = [
        {k: (None if v is pd.NA else v) for k, v in r.items()}
        for r in frame.astype(object).to_dict("records")
    ]
    assert from_pandas == records
    assert polars_frame.to_dicts() == records
    assert arrow.to_pylist() == records


@pytest.mark.parametrize("name", TABLES)
def test_types_come_from_the_table_definition(name: str) -> None:
    import polars as pl

    from iran_russia_claims.publish.tables import table

    definition = table(name)
    frame = irc.load(name)
    polars_frame = irc.load(name, backend="polars")
    assert tuple(frame.columns) == definition.field_names
    assert tuple(polars_frame.columns) == definition.field_names
    for field in definition.fields:
        column, dtype = frame[field.name], polars_frame.schema[field.name]
        if field.vocabulary is not None:
            assert list(column.cat.categories) == list(field.vocabulary)
            assert column.cat.ordered == field.ordered
            assert dtype == pl.Enum(list(field.vocabulary))
        elif field.type == "integer":
            assert column.dtype == ("int64" if field.required else "Int64")
            assert dtype == pl.Int64
        elif field.type == "list":
            assert dtype == pl.List(pl.String)
        elif field.type == "string":
            assert column.dtype == object
            assert all(isinstance(v, str) or (v is None and not field.required) for v in column)


def test_an_ordinal_vocabulary_sorts_lowest_first_in_polars() -> None:
    import polars as pl

    bands = irc.load(backend="polars").sort("confidence_band")["confidence_band"]
    assert bands.to_physical().is_sorted()
    assert bands.dtype == pl.Enum(list(irc.load()["confidence_band"].cat.categories))


def test_claims_frame_is_the_documented_one() -> None:
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.frame import apply_dtypes

    committed = apply_dtypes(pq.read_table(irc.files()["claims.parquet"]).to_pandas())
    pd.testing.assert_frame_equal(irc.load(), committed)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [({"name": "claim"}, "no shipped table 'claim'"), ({"backend": "spark"}, "'spark'")],
)
def test_a_wrong_table_or_backend_names_the_choices(kwargs: dict, needle: str) -> None:
    from iran_russia_claims.spec.problem import DataError

    with pytest.raises(DataError) as caught:
        irc.load(**kwargs)
    message = str(caught.value)
    assert needle in message
    assert "claim_actors" in message or "polars" in message


def test_files_are_every_shipped_export() -> None:
    shipped = irc.files()
    checksums = shipped["SHA256SUMS"].read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in checksums}
    assert set(shipped) == listed | {"SHA256SUMS"}
    assert {f"{t}.{ext}" for t in TABLES for ext in ("csv", "json", "parquet")} <= set(shipped)
    assert "datapackage.json" in shipped
    assert len({p.parent for p in shipped.values()}) == 1
    assert all(p.is_file() for p in shipped.values())


def test_dir_and_all_show_the_public_api_only() -> None:
    names = dir(irc)
    assert names == sorted(irc.__all__)
    for plumbing in ("Any", "TYPE_CHECKING", "_moved", "_typing", "api", "annotations"):
        assert plumbing not in names
    for public in ("load", "files", "validate", "claims", "actors", "sources", "manifest"):
        assert public in names
    assert all(hasattr(irc, name) for name in irc.__all__)


def test_the_loader_names_every_published_table_and_nothing_else() -> None:
    """``TableName`` (a Literal, for type checkers) names exactly the published tables."""
    from typing import get_args

    from iran_russia_claims.api import TableName
    from iran_russia_claims.publish.tables import tables

    assert set(get_args(TableName)) == {t.name for t in tables()}
