"""The conformance matrix: every single-rule mutation, every engine, every input format.

Each engine must name exactly the mutated rule: the pydantic model (per record), the pandera
schemas on pandas and Polars, and ``validate`` on CSV, JSON, JSON Lines, Parquet, YAML and a
DataFrame, through both of its readers (chunked and whole-file). The export path
(``read_dataset``) and ``validate`` must report the same problems for the same file. Spark is
in tests/engines/test_pandera_spark.py (one Spark session for the whole matrix there).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest
import yaml

from claims_files import FORMATS, write_claims
from iran_russia_claims.curation.dataset import read_dataset, read_registry
from iran_russia_claims.engines.pandera_pandas import claims_schema
from iran_russia_claims.engines.pandera_polars import polars_schema
from iran_russia_claims.spec.problem import DataError
from iran_russia_claims.spec.rules import CHECKED, RULES
from iran_russia_claims.validation import validate
from records import (
    MUTATIONS,
    TABLE_MUTATIONS,
    mutated_table,
    pandera_rules,
    pydantic_rules,
    registry,
    valid_record,
)

REGISTRY = registry()
ROW_RULES = sorted(MUTATIONS)
TABLE_RULES = sorted(TABLE_MUTATIONS)
REPO = Path(__file__).resolve().parents[2]


def _pydantic(records: list[dict[str, Any]]) -> set[str]:
    return pydantic_rules(records, REGISTRY)


def _pandera(schema: Any, frame: Any) -> set[str]:
    return pandera_rules(schema, frame)


ENGINES: dict[str, Callable[[list[dict[str, Any]]], set[str]]] = {
    "pydantic": _pydantic,
    "pandera-pandas": lambda r: _pandera(claims_schema(REGISTRY), pd.DataFrame.from_records(r)),
    "pandera-polars": lambda r: _pandera(polars_schema(REGISTRY), pl.DataFrame(r)),
    "validate-dataframe": lambda r: validate(
        pd.DataFrame.from_records(r), registry=REGISTRY
    ).rules_broken(),
}


def test_every_checked_rule_has_a_mutation() -> None:
    assert {r.name for r in CHECKED} == (set(MUTATIONS) | set(TABLE_MUTATIONS)) - {"required"}


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("rule", [None, *ROW_RULES])
def test_each_engine_names_exactly_the_mutated_rule(engine: str, rule: str | None) -> None:
    expected = set() if rule is None else {rule}
    assert ENGINES[engine](mutated_table(rule, 4)) == expected


@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"pydantic"}))
@pytest.mark.parametrize("rule", TABLE_RULES)
def test_each_table_engine_names_exactly_the_table_rule(engine: str, rule: str) -> None:
    assert ENGINES[engine](mutated_table(rule, 4)) == {rule}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", [None, *ROW_RULES, *TABLE_RULES])
def test_every_format_and_reader_names_exactly_the_mutated_rule(
    tmp_path: Path, fmt: str, rule: str | None
) -> None:
    path = write_claims(mutated_table(rule, 4), tmp_path / f"claims.{fmt}")
    expected = set() if rule is None else {rule}
    chunked = validate(path, registry=REGISTRY, engine="pandas")
    whole = validate(path, registry=REGISTRY, engine="polars")
    assert chunked.rules_broken() == expected
    assert whole.rules_broken() == expected
    assert [str(p) for p in whole.problems] == [str(p) for p in chunked.problems]


def _dataset_with(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    """A copy of the shipped dataset with its first claim changed."""
    folder = tmp_path / "dataset"
    shutil.copytree(REPO / "dataset", folder)
    claims = yaml.safe_load((folder / "claims.yaml").read_text(encoding="utf-8"))
    change(claims["claims"][0])
    (folder / "claims.yaml").write_text(yaml.safe_dump(claims, allow_unicode=True))
    return folder


def _offsets(record: dict[str, Any]) -> None:
    record.update(start=-3, end=0)


@pytest.mark.parametrize(
    "change", [_offsets, *(MUTATIONS[r] for r in ROW_RULES)], ids=["offsets", *ROW_RULES]
)
def test_the_export_path_and_validate_report_the_same(tmp_path: Path, change: Any) -> None:
    folder = _dataset_with(tmp_path, change)
    report = validate(folder / "claims.yaml", registry=read_registry(folder), max_problems=None)
    try:
        read_dataset(folder)
        problems = []
    except DataError as exc:
        problems = exc.problems
    assert [str(p) for p in problems] == [str(p) for p in report.problems]
    assert report.total == len(problems)


def test_the_issue_example_is_one_problem_everywhere(tmp_path: Path) -> None:
    """start=-3, end=0: one mistake (a negative start), one problem, in every engine."""
    record = valid_record()
    _offsets(record)
    assert _pydantic([record]) == {"start_non_negative"}
    folder = _dataset_with(tmp_path, _offsets)
    report = validate(folder / "claims.yaml", registry=read_registry(folder))
    assert report.rules_broken() == {"start_non_negative"}
    assert report.total == 1


def test_a_source_id_that_is_not_a_slug_is_named_alike_with_and_without_registry() -> None:
    records = mutated_table("source_id_pattern", 4)
    frame = pd.DataFrame.from_records(records)
    assert validate(frame, registry=REGISTRY).rules_broken() == {"source_id_pattern"}
    from iran_russia_claims.validation import validate_frame

    assert validate_frame(frame).rules_broken() == {"source_id_pattern"}
    assert _pydantic(records) == {"source_id_pattern"}


def test_rule_descriptions_are_complete() -> None:
    for rule in RULES.values():
        assert rule.description, rule.name
        assert rule.description[0].islower(), rule.name
        assert all(r in RULES for r in rule.requires), rule.name
