"""The pandera-free verdict: it agrees with the pandera schema built from the same expressions.

The fast path of ``validate`` trusts :func:`all_rules_hold` to call a file valid; it must never
pass a table that :func:`validate_polars_frame` rejects (nor reject one it passes, or valid
files would pay for the careful validator).
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pl = pytest.importorskip("polars", reason="the polars extra is not installed")
pytest.importorskip("pandera.polars", reason="pandera[polars] is not installed")

from iran_russia_claims.polars_rules import all_rules_hold  # noqa: E402
from iran_russia_claims.publish.synth import synth_registry, synth_table  # noqa: E402
from iran_russia_claims.engines.pandera_polars import validate_polars_frame  # noqa: E402
from records import MUTATIONS, registry, valid_record  # noqa: E402

REGISTRY = registry()


def _records(rule: str | None) -> list[dict[str, Any]]:
    records = [valid_record(n, start=10 * n) for n in range(1, 4)]
    if rule is not None:
        records[1] = copy.deepcopy(records[1])
        MUTATIONS[rule](records[1])
    return records


def _agree(frame: Any, registry: Any) -> bool:
    fast = all_rules_hold(frame, registry)
    assert fast == validate_polars_frame(frame, registry).valid
    return fast


@pytest.mark.parametrize("rule", [None, *sorted(MUTATIONS)])
def test_each_mutation_gets_the_same_verdict(rule: str | None) -> None:
    frame = pl.DataFrame(_records(rule))
    assert _agree(frame, REGISTRY) is (rule is None)


def test_registry_rules_apply_only_with_a_registry() -> None:
    frame = pl.DataFrame(_records("actors_registered"))
    assert _agree(frame, None)
    assert not _agree(frame, REGISTRY)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_tables_pass_both(seed: int) -> None:
    frame = pl.from_arrow(synth_table(3_000, seed=seed))
    assert _agree(frame, synth_registry())
    assert _agree(frame, None)


def test_duplicates_across_rows_are_caught() -> None:
    same_id = [valid_record(1), valid_record(1, start=100)]
    assert not _agree(pl.DataFrame(same_id), REGISTRY)
    span = valid_record(2)
    same_span = [valid_record(1), {**span, "id": "IRR-0003"}, span]
    assert not _agree(pl.DataFrame(same_span), REGISTRY)


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
def test_structure_and_nulls_get_the_same_verdict(change: Any) -> None:
    _agree(change(pl.DataFrame(_records(None))), REGISTRY)


def test_a_valid_file_is_judged_without_pandera(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    path = tmp_path / "claims.parquet"
    pq.write_table(synth_table(2_000, seed=5), path)
    script = (
        "import sys\n"
        "from iran_russia_claims.readers.whole_file import validate_file\n"
        "from iran_russia_claims.publish.synth import synth_registry\n"
        "rows = validate_file(sys.argv[1], 'parquet', synth_registry())\n"
        "print(rows, sorted(m for m in ('pandera', 'pandas') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["2000", "[]"]


def test_the_validate_command_confirms_a_valid_file_with_polars_alone(tmp_path: Path) -> None:
    """End to end, a valid file costs Polars and our registry: no pandas, pandera or pyarrow."""
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.synth import write_registry

    path = tmp_path / "claims.parquet"

    pq.write_table(synth_table(2_000, seed=6), path)
    write_registry(tmp_path / "registry")
    script = (
        "import sys\n"
        "from iran_russia_claims.cli import main\n"
        "code = main(['validate', sys.argv[1], '--engine', 'polars', '--dataset', sys.argv[2]])\n"
        "heavy = [m for m in ('pandas', 'pandera', 'pyarrow', 'numpy') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path), str(tmp_path / "registry")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "0 []"
