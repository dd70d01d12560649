"""The rules judged where lazy data lives: a Polars LazyFrame and a DuckDB relation get the
same verdicts and failing rows as the eager one pass (Spark: tests/engines/)."""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl
import pytest

from iran_russia_claims.spec.evaluate import failing, find_failures, verdict
from iran_russia_claims.spec.rules import RULES, Context
from records import MUTATIONS, TABLE_MUTATIONS, mutated_table, registry

CTX = Context.of(registry())


def _lazy(kind: str, frame: pl.DataFrame) -> Any:
    if kind == "polars-lazy":
        return frame.lazy()
    return duckdb.from_arrow(frame.to_arrow())


@pytest.mark.parametrize("kind", ["polars-lazy", "duckdb"])
@pytest.mark.parametrize("rule", [None, *sorted(set(MUTATIONS) - {"required"}), *TABLE_MUTATIONS])
def test_lazy_verdicts_are_the_eager_ones(kind: str, rule: str | None) -> None:
    frame = pl.DataFrame(mutated_table(rule))
    eager = set(find_failures(frame, CTX).positions)
    assert eager == (set() if rule is None else {rule})
    assert verdict(_lazy(kind, frame), CTX) == eager


@pytest.mark.parametrize("kind", ["polars-lazy", "duckdb"])
@pytest.mark.parametrize("rule", ["actors_registered", "theme_vocabulary", "id_unique"])
def test_failing_rows_are_the_eager_ones(kind: str, rule: str) -> None:
    frame = pl.DataFrame(mutated_table(rule))
    rows = failing(_lazy(kind, frame), RULES[rule], CTX)
    ids = pl.from_arrow(rows.arrow()) if kind == "duckdb" else rows.collect()
    expected = frame[find_failures(frame, CTX).positions[rule].tolist()]
    assert sorted(ids["start"].to_list()) == sorted(expected["start"].to_list())
