"""The data package's Table Schemas state exactly the rules they claim to, rule by rule.

Each single-rule mutation of the conformance matrix is written as a claims CSV into a small data
package (the test registry's sources and sections beside it, every schema from
``datapackage.table_schema``) and checked with Frictionless itself: it must reject the file
exactly when the rule is one of :data:`datapackage.STATED_RULES`. The README's list of rules that
only ``validate`` checks is the complement, so it cannot claim more than Frictionless does.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from claims_files import write_claims
from iran_russia_claims.publish import datapackage
from iran_russia_claims.publish.tables import table
from iran_russia_claims.spec.link_rules import LINK_RULES
from iran_russia_claims.spec.rules import CHECKED
from link_records import CASES as LINK_CASES
from link_records import MUTATIONS as LINK_MUTATIONS
from link_records import base, shipped
from records import MUTATIONS, TABLE_MUTATIONS, mutated_table, registry

frictionless = pytest.importorskip("frictionless")

REGISTRY = registry()
KEYS = {"actors": sorted(REGISTRY.actors)}


def _write_csv(path: Path, name: str, rows: list[dict[str, Any]]) -> None:
    fields = table(name).field_names
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: ("" if r.get(k) is None else r[k]) for k in fields} for r in rows)


def _package(folder: Path, records: list[dict[str, Any]]) -> Path:
    """A data package of the records and the test registry, with our Table Schemas."""
    sources = [s.model_dump(mode="json") for s in REGISTRY.sources.values()]
    sections = [{"source_id": s["id"], **section} for s in sources for section in s.pop("sections")]
    _write_csv(folder / "sources.csv", "sources", sources)
    _write_csv(folder / "sections.csv", "sections", sections)
    write_claims(records, folder / "claims.csv")
    resources = [
        {
            "name": table(name).resource,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "schema": datapackage.table_schema(table(name), KEYS),
        }
        for name in ("claims", "sources", "sections")
    ]
    descriptor = folder / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "test", "resources": resources}), encoding="utf-8")
    return descriptor


def _errors(descriptor: Path) -> list[str]:
    report = frictionless.validate(str(descriptor))
    return [error.type for task in report.tasks for error in task.errors]


def test_a_valid_table_passes(tmp_path: Path) -> None:
    assert _errors(_package(tmp_path, mutated_table(None, 4))) == []


@pytest.mark.parametrize("rule", sorted(set(MUTATIONS) | set(TABLE_MUTATIONS)))
def test_frictionless_rejects_a_broken_rule_exactly_when_the_schema_states_it(
    rule: str, tmp_path: Path
) -> None:
    errors = _errors(_package(tmp_path, mutated_table(rule, 4)))
    if rule in datapackage.STATED_RULES:
        assert errors, f"the Table Schema is said to state {rule}, but Frictionless passes it"
    else:
        assert errors == [], f"Frictionless catches {rule}: add it to STATED_RULES ({errors})"


def test_stated_rules_are_rules() -> None:
    names = {r.name for r in (*CHECKED, *LINK_RULES)}
    names |= {"required", "type", "no_extra_fields", "row_not_empty"}
    assert names >= datapackage.STATED_RULES


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"actors": ["IRN", "XXX"]}, "constraint-error"),  # not in the registry's enum
        ({"hedges": [1]}, "type-error"),  # arrayItem: a string
    ],
    ids=["unknown actor", "non-string hedge"],
)
def test_the_issues_examples_are_rejected(
    change: dict[str, Any], error: str, tmp_path: Path
) -> None:
    records = mutated_table(None, 4)
    records[1].update(change)
    assert _errors(_package(tmp_path, records)) == [error]


@pytest.mark.parametrize("name", ["claims", "actors", "sources", "sections", "claim_actors"])
def test_categories_say_what_load_gives_every_vocabulary(name: str) -> None:
    """Each vocabulary field lists its values as ``categories`` (Table Schema v2), in the order of
    load()'s categoricals, and ``categoriesOrdered`` exactly where load() orders them: R and other
    readers take their factors from the descriptor."""
    import pandas as pd

    import iran_russia_claims as irc

    descriptor = json.loads((Path(irc.files()["datapackage.json"])).read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == table(name).resource)
    frame = irc.load(name)
    categorical = {c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)}
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert {n for n, f in fields.items() if "categories" in f} == categorical
    for column in categorical:
        dtype = frame[column].dtype
        assert fields[column]["categories"] == list(dtype.categories)
        assert fields[column]["categories"] == fields[column]["constraints"]["enum"]
        assert fields[column]["categoriesOrdered"] is bool(dtype.ordered)


def _link_package(folder: Path, table_name: str, rows: list[dict[str, Any]]) -> Path:
    """A data package of the shipped claims and registries and one (mutated) link table."""
    for name in ("claims", "actors", "sources", "sections"):
        _write_link_csv(folder / f"{name}.csv", name, shipped(name))
    _write_link_csv(folder / f"{table_name}.csv", table_name, rows)
    keys = {"actors": sorted(a["code"] for a in shipped("actors"))}
    resources = [
        {
            "name": table(name).resource,
            "path": f"{name}.csv",
            "profile": "tabular-data-resource",
            "schema": datapackage.table_schema(table(name), keys),
        }
        for name in ("claims", "actors", "sources", "sections", table_name)
    ]
    descriptor = folder / "datapackage.json"
    descriptor.write_text(json.dumps({"name": "test", "resources": resources}), encoding="utf-8")
    return descriptor


def _write_link_csv(path: Path, name: str, rows: list[dict[str, Any]]) -> None:
    """Rows as the exports write them: lists as JSON arrays, booleans as true and false."""

    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, list):
            return json.dumps(value, separators=(",", ":"))
        return "" if value is None else value

    fields = table(name).field_names
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: cell(r.get(k)) for k in fields} for r in rows)


@pytest.mark.parametrize(
    ("table_name", "rule"), LINK_CASES, ids=[f"{t}-{r}" for t, r in LINK_CASES]
)
def test_frictionless_rejects_a_broken_link_rule_exactly_when_the_schema_states_it(
    table_name: str, rule: str, tmp_path: Path
) -> None:
    if rule == "same_source":
        pytest.skip("the mutation needs a claim of another source, which no package here holds")
    rows, _ = LINK_MUTATIONS[(table_name, rule)](base(table_name))
    errors = _errors(_link_package(tmp_path, table_name, rows))
    if rule in datapackage.STATED_RULES:
        assert errors, f"the Table Schema is said to state {rule}, but Frictionless passes it"
    else:
        assert errors == [], f"Frictionless catches {rule}: add it to STATED_RULES ({errors})"


@pytest.mark.parametrize("table_name", ["claim_dyads", "claim_relations", "claim_coding"])
def test_the_shipped_link_tables_pass_frictionless(table_name: str, tmp_path: Path) -> None:
    assert _errors(_link_package(tmp_path, table_name, base(table_name))) == []
