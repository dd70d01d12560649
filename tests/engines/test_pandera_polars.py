"""The Polars schema: built from the same definition, naming the same rules as the pandas one."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

pl = pytest.importorskip("polars", reason="the polars extra is not installed")
pytest.importorskip("pandera.polars", reason="pandera[polars] is not installed")

from iran_russia_claims.engines.pandera_pandas import claims_schema  # noqa: E402
from iran_russia_claims.engines.pandera_polars import polars_schema, validate_polars_frame  # noqa: E402
from iran_russia_claims.publish.synth import synth_registry, synth_table  # noqa: E402
from iran_russia_claims.spec.rules import RULES, Context, applicable  # noqa: E402
from iran_russia_claims.validation import validate_frame  # noqa: E402
from records import MUTATIONS, mutated_table, registry, valid_record  # noqa: E402

REGISTRY = registry()


def _names(schema: Any) -> set[str]:
    names = {c.name for c in schema.checks}
    for column in schema.columns.values():
        names |= {c.name for c in column.checks}
    return names


def test_both_schemas_carry_every_rule_of_the_definition() -> None:
    expected = {r.name for r in applicable(Context.of(REGISTRY))}
    assert _names(polars_schema(REGISTRY)) == expected
    assert _names(claims_schema(REGISTRY)) - {"type"} == expected
    assert expected < set(RULES)
    without_registry = {r.name for r in applicable(Context.of(None))}
    assert without_registry == {r for r in expected if not RULES[r].needs_registry}
    assert _names(polars_schema()) == without_registry


def test_a_synthetic_table_passes_on_both_engines() -> None:
    registry = synth_registry()
    table = synth_table(2_000, seed=3)
    assert validate_polars_frame(pl.from_arrow(table), registry).valid
    assert validate_frame(table.to_pandas(), registry).valid


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_mutation_is_named_alike_by_pandas_and_polars(rule: str) -> None:
    records = mutated_table(rule)
    on_pandas = validate_frame(pd.DataFrame.from_records(records), REGISTRY)
    on_polars = validate_polars_frame(pl.DataFrame(records), REGISTRY)
    assert rule in on_polars.rules_broken()
    assert on_polars.rules_broken() == on_pandas.rules_broken()
    located = {(p.rule, p.row) for p in on_polars if p.row is not None}
    assert located == {(p.rule, p.row) for p in on_pandas if p.row is not None}
    assert {row for _, row in located} <= {2}


def test_polars_reports_carry_ids_and_values() -> None:
    records = mutated_table("actors_registered")
    report = validate_polars_frame(pl.DataFrame(records), REGISTRY, target="x.parquet")
    (problem,) = [p for p in report if p.rule == "actors_registered"]
    assert (problem.file, problem.row, problem.record_id) == ("x.parquet", 2, "IRR-0002")
    assert problem.column == "actors"


def test_duplicates_are_reported_on_every_row_involved() -> None:
    records = [valid_record(1), valid_record(1, start=100)]
    report = validate_polars_frame(pl.DataFrame(records), REGISTRY)
    assert {(p.rule, p.row) for p in report if p.rule == "id_unique"} == {
        ("id_unique", 1),
        ("id_unique", 2),
    }


def test_categorical_columns_are_read_as_their_strings() -> None:
    frame = pl.DataFrame(mutated_table(None)).with_columns(
        pl.col("theme").cast(pl.Categorical), pl.col("kind").cast(pl.Enum(["causal", "other"]))
    )
    assert validate_polars_frame(frame, REGISTRY).valid


def test_wrong_column_types_and_columns_are_named() -> None:
    frame = pl.DataFrame(mutated_table(None)).with_columns(pl.col("start").cast(pl.String))
    assert "type" in validate_polars_frame(frame, REGISTRY).rules_broken()
    frame = pl.DataFrame(mutated_table(None)).drop("theme").with_columns(note=pl.lit("x"))
    report = validate_polars_frame(frame, REGISTRY)
    assert {(p.rule, p.column) for p in report} >= {
        ("required", "theme"),
        ("no_extra_fields", "note"),
    }


@pytest.mark.parametrize(
    ("hedge", "ok"),
    [("likely", True), ("a b c d", True), ("a b c d e", False), ("a\u3000b", True),
     ("a\u3000b c d e", False), ("", False), (" could", False), ("could\u00a0", False),
     ("x\x07", False)],
)  # fmt: skip
def test_hedges_follow_pythons_white_space_on_both_engines(hedge: str, ok: bool) -> None:
    records = mutated_table(None)
    records[0]["hedges"] = [hedge]
    on_polars = validate_polars_frame(pl.DataFrame(records), REGISTRY)
    on_pandas = validate_frame(pd.DataFrame.from_records(records), REGISTRY)
    assert ("hedges_words" not in on_polars.rules_broken()) is ok
    assert on_polars.rules_broken() == on_pandas.rules_broken()


def test_a_missing_element_inside_a_list_fails_on_both_engines() -> None:
    records = mutated_table(None)
    records[2]["actors"] = ["IRN", None]
    on_polars = validate_polars_frame(pl.DataFrame(records), REGISTRY)
    on_pandas = validate_frame(pd.DataFrame.from_records(records), REGISTRY)
    # a missing element is a list of the wrong type, on both engines (the Polars engine used
    # to call it actors_pattern and actors_registered, the pandas one type)
    assert on_polars.rules_broken() == on_pandas.rules_broken() == {"type"}
    assert {p.row for p in on_polars if p.rule == "type"} == {3}


def test_a_missing_list_element_breaks_the_element_rules_in_the_schema() -> None:
    import pandera.errors

    from iran_russia_claims.engines import failed_rules

    records = mutated_table(None)
    records[2]["actors"] = ["IRN", None]
    records[0]["hedges"] = [None]
    with pytest.raises(pandera.errors.SchemaErrors) as caught:
        polars_schema(REGISTRY).validate(pl.DataFrame(records), lazy=True)
    assert failed_rules(caught.value) == {"actors_pattern", "actors_registered", "hedges_words"}
