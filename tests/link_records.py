"""Single-rule mutations of the link tables, shared by the conformance test and the data
package test: for each rule of ``claim_dyads``, ``claim_relations`` and ``claim_coding``, a
change to a valid table (the shipped rows) that breaks that rule and no other."""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from iran_russia_claims.spec.link_rules import LINK_TABLES
from iran_russia_claims.spec.vocab import LINK_COLUMNS, LINK_FILES

REPO = Path(__file__).resolve().parents[1]
EXPORTS = REPO / "exports"
CLAIMS = EXPORTS / "claims.parquet"
FORMATS = ("csv", "json", "jsonl", "parquet", "yaml")
Rows = list[dict[str, Any]]


def shipped(table: str) -> Rows:
    rows: Rows = json.loads((EXPORTS / f"{table}.json").read_text(encoding="utf-8"))
    return rows


def base(table: str) -> Rows:
    """A valid table: the shipped dyads and relations (the first 12), all the codings."""
    rows = shipped(table)
    return rows if table == "claim_coding" else rows[:12]


def claims_by_id() -> dict[str, dict[str, Any]]:
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
    claims = claims_by_id()
    actors = claims[rows[0]["claim_id"]]["actors"]
    other = next(c for c in ("SAU", "ISR", "UNSC", "USA", "WEST") if c not in actors)
    rows[0] = {**rows[0], column: other}
    return rows, 0


def _swap_mutual(rows: Rows) -> tuple[Rows, int]:
    i = _first(rows, lambda r: r["mutual"])
    rows[i] = {**rows[i], "source": rows[i]["target"], "target": rows[i]["source"]}
    return rows, i


def _reversed_dyad(rows: Rows) -> tuple[Rows, int]:
    """A one-way dyad of a claim given again the other way round (the codebook: one row per
    pair of actors; a reciprocal relation is one row with ``mutual``)."""
    i = _first(rows, lambda r: not r["mutual"])
    rows.append({**rows[i], "source": rows[i]["target"], "target": rows[i]["source"]})
    return rows, len(rows) - 1


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
    (D, "dyad_unique"): lambda rows: _reversed_dyad(rows),
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
