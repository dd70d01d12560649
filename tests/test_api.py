"""The one-line loaders, read from the data shipped inside the package."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

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
