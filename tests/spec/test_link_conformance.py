"""Every rule of the link tables, broken alone, is named alike by every engine and format.

For each rule of ``claim_dyads``, ``claim_relations`` and ``claim_coding`` there is one
mutation of a valid table that breaks that rule and no other. The validator
(``validate(claims, links=...)``) must name exactly that rule on a file of every format the link
reader takes (CSV, JSON, JSON Lines, Parquet, YAML), at the mutated record's row; the pydantic
model must name it too when it is a rule one record can break by itself, and accept every
record otherwise (a rule against the claims or the whole table says nothing of one record).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from iran_russia_claims.spec.link_models import LINK_MODELS, field_rules, own_rules
from iran_russia_claims.spec.link_rules import LINK_RULES, LINK_TABLES
from iran_russia_claims.spec.models import errors_to_rules
from iran_russia_claims.validation import validate
from link_records import (
    CASES,
    CLAIMS,
    EXPORTS,
    FORMATS,
    MUTATIONS,
    OTHER,
    base,
    claims_by_id,
    shipped,
    write,
)


def test_every_link_rule_has_a_mutation() -> None:
    declared = {(t, r.name) for r in LINK_RULES for t in r.tables}
    assert declared == set(MUTATIONS)


def _claims_file(table: str, rule: str, folder: Path) -> Path:
    """The shipped claims, or for same_source, one of them moved to another source."""
    if rule != "same_source":
        return CLAIMS
    claims = list(claims_by_id().values())
    for c in claims:
        if c["id"] == OTHER:
            c["source_id"] = "another-article"
    path = folder / "claims.json"
    path.write_text(json.dumps(claims), encoding="utf-8")
    return path


def _row(rows_before: list[dict[str, Any]], fmt: str, index: int | None) -> int | None:
    """The row the validator reports for record ``index`` (CSV: its line; the header is 1)."""
    if index is None:
        return None
    return index + 2 if fmt == "csv" else index + 1


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("table", "rule"), CASES, ids=[f"{t}-{r}" for t, r in CASES])
def test_the_validator_names_the_rule(table: str, rule: str, fmt: str, tmp_path: Path) -> None:
    rows, index = MUTATIONS[(table, rule)](base(table))
    link = write(rows, table, fmt, tmp_path)
    report = validate(_claims_file(table, rule, tmp_path), links={table: link}, max_problems=None)
    found = [p for p in report.problems if p.file == str(link)]
    assert {p.rule for p in found} == {rule}, [str(p) for p in found]
    rows_reported = {p.row for p in found}
    assert _row(rows, fmt, index) in rows_reported
    assert all(p.record_id for p in found)
    assert report.links[table] == (str(link), len(rows))


@pytest.mark.parametrize(("table", "rule"), CASES, ids=[f"{t}-{r}" for t, r in CASES])
def test_the_model_agrees(table: str, rule: str) -> None:
    """A rule one record breaks by itself: the model names it for that record; any other rule:
    the model accepts every record."""
    rows, index = MUTATIONS[(table, rule)](base(table))
    model = LINK_MODELS[table]
    by_itself = {r.name for r in LINK_RULES if table in r.tables and r.constraint is not None}
    by_itself |= set(own_rules(table)) | {n for ns in field_rules(table).values() for n in ns}
    refused: dict[int, set[str]] = {}
    for i, record in enumerate(rows):
        try:
            model.model_validate(record)
        except ValidationError as exc:
            refused[i] = {found for found, _, _ in errors_to_rules(exc)}
    assert refused == ({index: {rule}} if rule in by_itself else {})


def test_the_shipped_link_tables_are_valid() -> None:
    links = {t: EXPORTS / f"{t}.parquet" for t in LINK_TABLES}
    report = validate(CLAIMS, links=links, max_problems=None)
    assert report.valid, [str(p) for p in report.problems]
    assert {t: n for t, (_, n) in report.links.items()} == {t: len(shipped(t)) for t in LINK_TABLES}


def test_a_link_file_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "claim_dyads.json"
    bad.write_text('[{"claim_id": ', encoding="utf-8")
    report = validate(CLAIMS, links={"claim_dyads": bad})
    assert not report.readable
    assert report.exit_code() == 2
    (problem,) = report.problems
    assert problem.file == str(bad)
    assert "not valid JSON" in problem.message
