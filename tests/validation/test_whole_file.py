"""The whole-file reader and the chunked reader give the same report.

``validate`` reads a large Parquet, CSV or JSON Lines file whole when a strict reader can, and
checks it in one pass; anything else goes through the chunked readers. Both feed the same rules
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

from iran_russia_claims.publish.synth import synth_registry, synth_table, write_registry
from iran_russia_claims.validation import validate
from records import MUTATIONS, mutated_table, registry, valid_record

REGISTRY = registry()


def _agree(frame: pl.DataFrame, registry: Any, tmp_path: Path) -> bool:
    """Whether the file is valid, after checking that both readers report it alike."""
    path = tmp_path / "claims.parquet"
    frame.write_parquet(path)
    whole = validate(path, registry=registry, engine="polars")
    chunked = validate(path, registry=registry, engine="pandas")
    assert [str(p) for p in whole.problems] == [str(p) for p in chunked.problems]
    assert whole.rows == chunked.rows
    return whole.valid


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
        "print(code, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "registry")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "0 []"
