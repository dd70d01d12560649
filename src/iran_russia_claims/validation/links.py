"""Validating a link table (dyads, relations, codings) against its claims, every problem located.

Two steps, as for the claims:

1. each record by its pydantic model (``spec.link_models``): types, missing and extra fields,
   patterns and vocabularies, and the rules one record breaks by itself; a cell at fault is
   one problem and is left out of step 2 (set missing: every rule passes a missing value);
2. the rows joined with what they read of the claims (``spec.link_rules.joined``), and every
   other rule of the table (against the claims, over the whole table, the graph's) in one
   pass of :func:`~iran_russia_claims.spec.evaluate.find_failures`.

Each problem names the file, the record's row, the record (``IRR-0006 WEST->IRN``, ``IRR-0007
-> IRR-0001``), the column, the rule and its fix. Nothing here raises for bad data.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.readers.links import Header, Note
from iran_russia_claims.spec.link_models import FIELD_MODELS
from iran_russia_claims.spec.link_rules import CODING, DYADS, RELATIONS, joined
from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import RULES, Context, link_rules
from iran_russia_claims.spec.vocab import LINK_COLUMNS

if TYPE_CHECKING:
    import polars as pl

    from iran_russia_claims.validation.report import Sink

Emit = Callable[[Problem], None]


def claim_keys(claims: Iterable[Any]) -> pl.DataFrame:
    """What the link rules read of the claims (``id``, ``source_id``, ``actors``), from
    claim records (mappings or models)."""
    import polars as pl

    rows = [c if isinstance(c, dict) else c.model_dump(mode="json") for c in claims]
    return pl.DataFrame(
        {
            "id": [r.get("id") for r in rows],
            "source_id": [r.get("source_id") for r in rows],
            "actors": [_codes(r.get("actors")) for r in rows],
        },
        schema={"id": pl.String, "source_id": pl.String, "actors": pl.List(pl.String)},
    )


def _codes(actors: Any) -> list[str] | None:
    """A claim's actors as a list of codes; None where the claims' check found the cell
    wrong (then no dyad of the claim is judged against them)."""
    if actors is None or isinstance(actors, str):
        return None
    try:
        codes = list(actors)
    except TypeError:
        return None
    return codes if all(isinstance(a, str) for a in codes) else None


def label(table: str, record: Any) -> str | None:
    """How a record is named in a report."""
    if not isinstance(record, dict):
        return None

    def get(key: str) -> str:
        value = record.get(key)
        return "?" if value is None else str(value)

    if table == DYADS:
        return f"{get('claim_id')} {get('source')}->{get('target')}"
    if table == RELATIONS:
        return f"{get('from_id')} -> {get('to_id')}"
    return None if record.get("claim_id") is None else get("claim_id")


def check_links(
    table: str,
    records: Iterable[tuple[int, Any]],
    claims: pl.DataFrame,
    ctx: Context,
    path: str | Path,
    sink: Sink,
    *,
    keep: bool = False,
) -> tuple[int, list[dict[str, Any]]]:
    """Check ``records`` ((row, record) pairs) of a link table, problems into ``sink`` (all
    counted, the first ones listed and worded); return how many records were read and, with
    ``keep``, those that break no rule. Memory holds the table's cells as columns, never a
    problem per failing row."""
    import numpy as np
    import polars as pl

    from iran_russia_claims.spec.evaluate import find_failures, polars_types

    model = FIELD_MODELS[table]
    names = [c.name for c in LINK_COLUMNS[table]]
    columns: dict[str, list[Any]] = {n: [] for n in names}
    numbers = array("q")  # each record's row
    good: dict[int, dict[str, Any]] = {}
    absent: set[str] = set()
    seen: dict[str, dict[Any, Any]] = {n: {} for n in names}
    for row, record in records:
        if isinstance(record, Header):  # one problem per column, not one per row
            absent |= set(record.absent)
            _header(record, table, str(path), sink.emit)
            continue
        if isinstance(record, Note):
            sink.emit(record.problem)
            continue
        cells, ok = _typed(table, model, row, record, ctx, str(path), sink.emit, absent)
        if ok and keep:
            good[len(numbers)] = cells
        numbers.append(row)
        for name in names:  # one object per distinct text, however many rows repeat it
            value = cells[name]
            columns[name].append(seen[name].setdefault(value, value) if value else value)
    frame = pl.DataFrame(columns, schema=polars_types(table))
    del columns
    rows = joined(table, frame, claims)
    # the rules the fields' model does not state, all in one pass over the table
    failures = find_failures(rows, ctx, [r for r in link_rules(table) if r.constraint is None])
    actors = _actors(claims) if _NAMES_ACTORS & set(failures.positions) else {}
    row_of = np.asarray(numbers, dtype=np.int64)
    for name, positions in failures.positions.items():
        rule = RULES[name]
        listed = positions[positions < len(numbers)]
        # the rows added for the claims no coding row names: only claim_coded speaks of them
        added = positions[positions >= len(numbers)] if name == "claim_coded" else listed[:0]

        def record(i: int) -> dict[str, Any]:
            return rows.row(i, named=True)

        def worded(i: int, name: str = name) -> str:
            return _message(name, record(i), actors)

        def value(i: int, column: str = rule.column or "") -> Any:
            return record(i).get(column)

        sink.cells(
            name,
            rule.column,
            listed,
            row_of,
            lambda i: label(table, record(i)),
            worded,
            value if rule.column else None,
            file=str(path),
        )
        if len(added):  # no row: each is counted, and offered in report order
            report = sink.report
            report.counts[name] += len(added)
            limit = report.max_problems
            for i in (added if limit is None else added[:limit]).tolist():
                found = record(i)
                report.offer(
                    Problem(
                        name,
                        _message(name, found, actors),
                        str(path),
                        record_id=label(table, found),
                        column=rule.column,
                        value=found.get(rule.column) if rule.column else None,
                    )
                )
        if good:  # only when the records are kept: a position per failure, as a Python int
            for i in positions.tolist():
                good.pop(i, None)
    return len(numbers), [good[p] for p in sorted(good)]


_NAMES_ACTORS: Final = frozenset({"source_among_actors", "target_among_actors"})


def _actors(claims: pl.DataFrame) -> dict[str, list[str]]:
    """Each claim's actors, by id (for messages that list them)."""
    return dict(zip(claims["id"].to_list(), claims["actors"].to_list(), strict=True))


def _header(header: Header, table: str, path: str, emit: Emit) -> None:
    """A CSV header's problems: each column it lacks, each name it gives twice."""
    for column in header.absent:
        emit(
            Problem(
                "required",
                f"the file has no column {column!r}",
                path,
                row=1,
                column=column,
                hint=f"a {table} file has the columns "
                + ", ".join(c.name for c in LINK_COLUMNS[table]),
            )
        )
    for column in header.twice:
        emit(
            Problem(
                "no_extra_fields",
                "the column appears more than once; the first is checked",
                path,
                row=1,
                column=column,
                hint="delete or rename the other",
            )
        )


def _typed(
    table: str,
    model: Any,
    row: int,
    record: Any,
    ctx: Context,
    path: str,
    emit: Emit,
    absent: Collection[str] = (),
) -> tuple[dict[str, Any], Any]:
    """The record's cells, those at fault set missing, and its model (None when at fault).
    A column the file lacks (``absent``) was reported once, not on each row."""
    from pydantic import ValidationError

    from iran_russia_claims.spec.models import errors_to_rules

    names = [c.name for c in LINK_COLUMNS[table]]
    if not isinstance(record, dict):
        emit(
            Problem(
                "type",
                f"expected a record (a mapping of fields), found {type(record).__name__}",
                path,
                row=row,
                hint=f"write each row with the fields {', '.join(names)}",
            )
        )
        return dict.fromkeys(names), None
    record, spoiled = _unicode_only(record, row, path, emit)
    cells = {n: record.get(n) for n in names}
    if record and all(v is None for v in record.values()):
        emit(
            Problem(
                "row_not_empty",
                "the row is empty (every cell missing)",
                path,
                row=row,
                hint="delete it",
            )
        )
        return cells, None
    # a missing value is required's to report (a field outside the schema stays, to be named)
    given = {k: v for k, v in record.items() if v is not None or k not in cells}
    try:
        return cells, model.model_validate(given, context=ctx.id_prefix)
    except ValidationError as exc:
        errors = errors_to_rules(exc)
    kinds = {c.name: c.type for c in LINK_COLUMNS[table]}
    for rule, column, message in errors:
        if rule == "required" and (column in absent or column in spoiled):
            continue
        value = record.get(column) if column else None
        if rule == "no_extra_fields":
            hint = f"the fields of {table} are: {', '.join(names)}"
        elif rule == "type":
            hint = "write true or false" if kinds.get(column) == "boolean" else "write text"
        elif kinds.get(column) == "string" and isinstance(value, int | float):
            hint = f'write it as text, in quotes ("{value}"): a YAML or JSON number is no text'
        else:
            hint = None
        emit(
            Problem(
                rule,
                message if rule != "required" else f"{column} is missing",
                path,
                row=row,
                record_id=label(table, record),
                column=column or None,
                value=value,
                hint=hint,
            )
        )
        if column in cells:
            cells[column] = None
    return cells, None


def _unicode_only(
    record: dict[Any, Any], row: int, path: str, emit: Emit
) -> tuple[dict[Any, Any], set[Any]]:
    """The record without the keys and text values that are not valid Unicode (a lone
    surrogate, as JSON and YAML escapes can write one), and their keys: each is a located
    ``readable`` problem, as bytes that are not UTF-8 are."""
    bad = [k for k, v in record.items() if not (_encodes(k) and _encodes(v))]
    for key in bad:
        named = _encodes(key)
        emit(
            Problem(
                "readable",
                f"the {'value' if named else 'name of a field'} is not valid Unicode text "
                "(it holds a lone surrogate, such as \\ud800)",
                path,
                row=row,
                column=key if named else None,
                hint="write the text as UTF-8; escape only whole characters",
            )
        )
    if not bad:
        return record, set()
    return {k: v for k, v in record.items() if k not in bad}, set(bad)


def _encodes(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _message(rule: str, record: dict[str, Any], actors: dict[str, list[str]]) -> str:
    """What exactly is wrong with the row, beyond the rule's description."""
    description = RULES[rule].description
    if rule in ("source_among_actors", "target_among_actors"):
        column = "source" if rule.startswith("source") else "target"
        named = ", ".join(actors.get(str(record.get("claim_id")), []))
        return f"{record.get(column)} is not one of the claim's actors ({named})"
    if rule in ("claim_exists", "from_exists", "to_exists"):
        key = {"claim_exists": "claim_id", "from_exists": "from_id", "to_exists": "to_id"}
        return f"no claim has the id {record.get(key[rule])}"
    if rule == "same_source":
        return (
            f"{record.get('from_id')} is from {record.get('from_source')}, "
            f"{record.get('to_id')} from {record.get('to_source')}"
        )
    if rule == "claim_coded":
        return f"no coding row names the claim {record.get('claim_id')}"
    if rule == "mutual_ordered":
        return (
            f"{record.get('target')} comes before {record.get('source')} in the claim's actors: "
            f"a mutual dyad names the first of the two as source"
        )
    return description


__all__ = ["CODING", "DYADS", "RELATIONS", "check_links", "claim_keys", "label"]
