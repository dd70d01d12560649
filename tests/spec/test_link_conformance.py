"""Every rule of the link tables, broken alone, is named alike by every engine and format.

For each rule of ``claim_dyads``, ``claim_relations`` and ``claim_coding`` there is one
mutation of a valid table that breaks that rule and no other. The validator
(``validate(claims, links=...)``) must name exactly that rule on a file of every format the link
reader takes (CSV, JSON, JSON Lines, Parquet, YAML), at the mutated record's row; the pydantic
model must name it too when it is a rule one record can break by itself, and accept every
record otherwise (a rule against the claims or the whole table says nothing of one record).
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from pydantic import ValidationError

from iran_russia_claims.spec.link_models import LINK_MODELS, field_rules, own_rules
from iran_russia_claims.spec.link_rules import LINK_RULES, LINK_TABLES
from iran_russia_claims.spec.models import errors_to_rules
from iran_russia_claims.spec.vocab import LINK_COLUMNS, LINK_FILES
from iran_russia_claims.validation import validate

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "exports"
CLAIMS = EXPORTS / "claims.parquet"
FORMATS = ("csv", "json", "jsonl", "parquet", "yaml")
Rows = list[dict[str, Any]]


def _rows(table: str) -> Rows:
    rows: Rows = json.loads((EXPORTS / f"{table}.json").read_text(encoding="utf-8"))
    return rows


def base(table: str) -> Rows:
    """A valid table: the shipped dyads and relations (the first 12), all the codings."""
    rows = _rows(table)
    return rows if table == "claim_coding" else rows[:12]


def _claims() -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in json.loads((EXPORTS / "claims.json").read_text("utf-8"))}


def _first(rows: Rows, test: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, r in enumerate(rows) if test(r))


def _set(at: Callable[[Rows], int], **values: Any) -> Callable[[Rows], tuple[Rows, int]]:
    def mutate(rows: Rows) -> tuple[Rows, int]:
        i = at(rows)
        rows[i] = {**rows[i], **values}
        return rows, i

    return mutate


def _first_row(rows: Rows) -> int:
    return 0


def _outsider(rows: Rows, column: str) -> tuple[Rows, int]:
    """A registered actor that the first dyad's claim does not name, as its source or target."""
    claims = _claims()
    actors = claims[rows[0]["claim_id"]]["actors"]
    other = next(c for c in ("SAU", "ISR", "UNSC", "USA", "WEST") if c not in actors)
    rows[0] = {**rows[0], column: other}
    return rows, 0


def _swap_mutual(rows: Rows) -> tuple[Rows, int]:
    i = _first(rows, lambda r: r["mutual"])
    rows[i] = {**rows[i], "source": rows[i]["target"], "target": rows[i]["source"]}
    return rows, i


def _again(rows: Rows, at: int = 0) -> tuple[Rows, int]:
    rows.append(dict(rows[at]))
    return rows, len(rows) - 1


def _self_loop(rows: Rows) -> tuple[Rows, int]:
    i = _first(rows, lambda r: r["relation"] != "alternative_to")
    rows[i] = {**rows[i], "to_id": rows[i]["from_id"]}
    return rows, i


def _alternative_swapped(rows: Rows) -> tuple[Rows, int]:
    rows.append(
        {**rows[0], "from_id": "IRR-0102", "to_id": "IRR-0101", "relation": "alternative_to"}
    )
    return rows, len(rows) - 1


def _reverse_edge(rows: Rows) -> tuple[Rows, int]:
    i = _first(rows, lambda r: r["relation"] == "elaborates")
    rows.append({**rows[i], "from_id": rows[i]["to_id"], "to_id": rows[i]["from_id"]})
    return rows, len(rows) - 1


def _cycle(rows: Rows) -> tuple[Rows, int]:
    """Three claims no edge of the base table touches, each supporting the next."""
    ring = ("IRR-0104", "IRR-0105", "IRR-0106", "IRR-0104")
    for a, b in itertools.pairwise(ring):
        rows.append({**rows[0], "from_id": a, "to_id": b, "relation": "supports"})
    return rows, len(rows) - 1


def _other_source(rows: Rows) -> tuple[Rows, int]:
    """An edge to a claim of another source (the claims file is changed to hold one)."""
    rows.append({**rows[0], "from_id": "IRR-0104", "to_id": OTHER, "relation": "elaborates"})
    return rows, len(rows) - 1


def _drop_first(rows: Rows) -> tuple[Rows, None]:
    return rows[1:], None


OTHER = "IRR-0110"  # the claim given another source for same_source
D, R, C = LINK_TABLES
MUTATIONS: dict[tuple[str, str], Callable[[Rows], tuple[Rows, int | None]]] = {
    (D, "claim_id_pattern"): _set(_first_row, claim_id="IRR-12"),
    (D, "source_pattern"): _set(_first_row, source="iran"),
    (D, "target_pattern"): _set(_first_row, target="Russia"),
    (D, "quad_class_vocabulary"): _set(_first_row, quad_class="cooperation"),
    (D, "coded_by_vocabulary"): _set(_first_row, coded_by="pass3"),
    (D, "codebook_version_known"): _set(_first_row, codebook_version="9.9"),
    (D, "dyad_distinct"): lambda rows: _set(_first_row, target=rows[0]["source"])(rows),
    (D, "claim_exists"): _set(_first_row, claim_id="IRR-9999"),
    (D, "source_among_actors"): lambda rows: _outsider(rows, "source"),
    (D, "target_among_actors"): lambda rows: _outsider(rows, "target"),
    (D, "mutual_ordered"): _swap_mutual,
    (D, "dyad_unique"): _again,
    (R, "from_id_pattern"): _set(_first_row, from_id="IRR_0001"),
    (R, "to_id_pattern"): _set(_first_row, to_id="irr-0002"),
    (R, "relation_vocabulary"): _set(_first_row, relation="causes"),
    (R, "ground_vocabulary"): _set(_first_row, ground="vibes"),
    (R, "coded_by_vocabulary"): _set(_first_row, coded_by="Pass1"),
    (R, "codebook_version_known"): _set(_first_row, codebook_version="1"),
    (R, "no_self_loop"): _self_loop,
    (R, "alternative_ordered"): _alternative_swapped,
    (R, "from_exists"): _set(_first_row, from_id="IRR-9998"),
    (R, "to_exists"): _set(_first_row, to_id="IRR-9997"),
    (R, "same_source"): _other_source,
    (R, "edge_unique"): _reverse_edge,
    (R, "supports_acyclic"): _cycle,
    (C, "claim_id_pattern"): lambda rows: ([*rows, {**rows[0], "claim_id": "IRR-1"}], len(rows)),
    (C, "coded_by_vocabulary"): _set(_first_row, coded_by="both"),
    (C, "codebook_version_known"): _set(_first_row, codebook_version="0.9"),
    (C, "claim_exists"): lambda rows: ([*rows, {**rows[0], "claim_id": "IRR-9999"}], len(rows)),
    (C, "coding_unique"): _again,
    (C, "claim_coded"): _drop_first,
}
CASES = sorted(MUTATIONS)


def test_every_link_rule_has_a_mutation() -> None:
    declared = {(t, r.name) for r in LINK_RULES for t in r.tables}
    assert declared == set(MUTATIONS)


def write(rows: Rows, table: str, fmt: str, folder: Path) -> Path:
    path = folder / f"{table}.{fmt}"
    columns = [c.name for c in LINK_COLUMNS[table]]
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            out = csv.writer(handle, lineterminator="\n")
            out.writerow(columns)
            for r in rows:
                out.writerow([_text(r.get(c)) for c in columns])
    elif fmt == "json":
        path.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    elif fmt == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    elif fmt == "parquet":
        pq.write_table(pa.Table.from_pylist(rows), path)
    else:
        path.write_text(yaml.safe_dump({LINK_FILES[table][1]: rows}), encoding="utf-8")
    return path


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _claims_file(table: str, rule: str, folder: Path) -> Path:
    """The shipped claims, or for same_source, one of them moved to another source."""
    if rule != "same_source":
        return CLAIMS
    claims = list(_claims().values())
    for c in claims:
        if c["id"] == OTHER:
            c["source_id"] = "another-article"
    path = folder / "claims.json"
    path.write_text(json.dumps(claims), encoding="utf-8")
    return path


def _row(rows_before: Rows, fmt: str, index: int | None) -> int | None:
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
    assert {t: n for t, (_, n) in report.links.items()} == {t: len(_rows(t)) for t in LINK_TABLES}


def test_a_link_file_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "claim_dyads.json"
    bad.write_text('[{"claim_id": ', encoding="utf-8")
    report = validate(CLAIMS, links={"claim_dyads": bad})
    assert not report.readable
    assert report.exit_code() == 2
    (problem,) = report.problems
    assert problem.file == str(bad)
    assert "not valid JSON" in problem.message
