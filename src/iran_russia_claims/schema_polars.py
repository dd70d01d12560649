"""The claims table schema on Polars (``pandera.polars``): the same rules as on pandas.

Columns are declared once in :class:`ClaimsTablePolars`; every check is built from
:data:`iran_russia_claims.table_rules.TABLE_CHECKS`, as the pandas schema's are, and carries the
same rule name. Checks are the Polars expressions of :mod:`iran_russia_claims.polars_rules`
(shared with the pandera-free verdict of :func:`~iran_russia_claims.polars_rules.all_rules_hold`)
over whole columns, run by Polars' own threads: nothing runs in Python per row. Rules on list
elements test each distinct element once, uniqueness counts distinct keys before marking
duplicates, and :func:`validate_polars_frame` shares the checks between threads. Needs the
``polars`` extra (``pip install 'iran-russia-claims[polars]'``); importing this module imports
Polars and pandera, so the package imports it only when asked to.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pandera.polars as pa
import polars as pl

from iran_russia_claims.polars_rules import (
    NULLABLE,
    POLARS_DTYPES,
    ElementTest,
    element_test,
    expression,
    normalise,
    registry_expression,
    rows_of_good_elements,
    unique_rows,
)
from iran_russia_claims.table_rules import TABLE_CHECKS
from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES

if TYPE_CHECKING:
    from pandera.api.polars.types import PolarsData

    from iran_russia_claims.models import Registry
    from iran_russia_claims.report import Report


class ClaimsTablePolars(pa.DataFrameModel):
    """The claims table's columns and Polars dtypes (vocabularies as strings; see
    :func:`normalise` for categoricals)."""

    id: str = pa.Field(nullable=False)
    source_id: str = pa.Field(nullable=False)
    section: str = pa.Field(nullable=False)
    start: pl.Int64 = pa.Field(nullable=False)
    end: pl.Int64 = pa.Field(nullable=False)
    span_sha256: str = pa.Field(nullable=False)
    theme: str = pa.Field(nullable=False)
    actors: list[str] = pa.Field(nullable=False)
    kind: str = pa.Field(nullable=False)
    assertion: str = pa.Field(nullable=False)
    confidence: pl.Float64 = pa.Field(nullable=True)  # null and NaN: confidence_finite
    confidence_band: str = pa.Field(nullable=False)
    hedges: list[str] = pa.Field(nullable=False)

    class Config:
        strict = True
        ordered = False
        name = "claims"


def _check(
    expr: pl.Expr,
    name: str,
    unique: tuple[str, ...] = (),
    elements: tuple[str, ElementTest] | None = None,
) -> pa.Check:
    def run(data: PolarsData) -> pl.LazyFrame | bool:
        if unique:
            return unique_rows(data.lazyframe, unique, name)
        if elements is not None:
            return rows_of_good_elements(data.lazyframe, *elements, name)
        return data.lazyframe.select(expr.alias(name))

    return pa.Check(run, name=name)


#: Rough relative cost of each kind of check on Polars, to share checks evenly between threads.
_COST: dict[str, int] = {
    "unique": 4, "no_control": 4, "list_hedges": 4, "section_of_offset": 3, "pattern": 2,
    "list_pattern": 2, "band": 2, "registered_actors": 2, "list_distinct": 2,
}  # fmt: skip


def _checks(registry: Registry | None) -> list[tuple[str | None, pa.Check, int]]:
    """(column or None for the table, pandera check, cost) for every rule that applies."""
    out = []
    for check in TABLE_CHECKS:
        if check.needs_registry and registry is None:
            continue
        if check.needs_registry:
            assert registry is not None
            expr = registry_expression(check, registry)
        else:
            expr = expression(check)
        unique = check.columns if check.kind == "unique" else ()
        test = element_test(check, registry)
        elements = (check.column or check.columns[0], test) if test is not None else None
        cost = _COST.get(check.kind, 1) * (2 if check.column == "span_sha256" else 1)
        out.append((check.column, _check(expr, check.rule, unique, elements), cost))
    return out


def _assemble(
    checks: list[tuple[str | None, pa.Check, int]], *, structural: bool
) -> pa.DataFrameSchema:
    """A schema running ``checks``; only a ``structural`` one also checks columns, dtypes and
    missing values (so that each is reported once when the checks are split)."""
    base = ClaimsTablePolars.to_schema()
    if structural:
        columns = dict(base.columns)
    else:
        wanted = {column for column, _, _ in checks if column is not None}
        columns = {name: pa.Column(None, nullable=True, name=name) for name in wanted}
    for column, check, _ in checks:
        if column is not None:
            columns[column] = columns[column].set_checks([*columns[column].checks, check])
    return pa.DataFrameSchema(
        columns=columns,
        checks=[check for column, check, _ in checks if column is None],
        strict=structural,
        ordered=base.ordered,
        name=base.name,
    )


def polars_schema(registry: Registry | None = None) -> pa.DataFrameSchema:
    """The claims schema on Polars, with the registry checks when a registry is given."""
    return _assemble(_checks(registry), structural=True)


def polars_schemas(registry: Registry | None = None, parts: int = 2) -> list[pa.DataFrameSchema]:
    """The same checks as :func:`polars_schema`, shared out between ``parts`` schemas of about
    equal cost, to run in parallel: pandera runs a schema's checks one after another."""
    shares: list[list[tuple[str | None, pa.Check, int]]] = [[] for _ in range(max(parts, 1))]
    for entry in sorted(_checks(registry), key=lambda e: -e[2]):
        min(shares, key=lambda s: sum(e[2] for e in s)).append(entry)
    return [
        _assemble(share, structural=i == 0) for i, share in enumerate(shares) if share or i == 0
    ]


#: pandera's checks of the columns themselves: the rule and message our readers use.
_COLUMN_PROBLEMS = {
    "column_in_dataframe": ("required", "the column is missing"),
    "column_in_schema": ("no_extra_fields", "the column is not part of the claims schema"),
}


def validate_polars_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
    threads: int | None = None,
) -> Report:
    """Validate a Polars frame with the Polars schema; the same report as ``validate_frame``.

    Row numbers are 0-based positions plus ``row_offset``. The checks run in ``threads``
    threads (default: one per core). Only the failing rows are turned into pandas, to locate
    and quote them.
    """
    import pandas as pd
    import pandera.errors as pa_errors

    from iran_russia_claims.report import Problem, Report
    from iran_russia_claims.validation import _problems

    data = normalise(frame).collect()
    report = Report(target=target, rows=data.height)

    def run(schema: pa.DataFrameSchema) -> Any:
        try:
            schema.validate(data, lazy=True)
        except pa_errors.SchemaErrors as exc:
            cases = exc.failure_cases
            return cases.to_pandas() if isinstance(cases, pl.DataFrame) else cases
        return None

    schemas = polars_schemas(registry, parts=threads or os.cpu_count() or 1)
    if len(schemas) == 1:
        found = [run(schemas[0])]
    else:  # Polars releases the GIL while it computes, so the shares run side by side
        with ThreadPoolExecutor(len(schemas)) as pool:
            found = list(pool.map(run, schemas))
    failures = [cases for cases in found if cases is not None]
    if not failures:
        return report
    cases = pd.concat(failures, ignore_index=True)
    structural = cases["check"].astype(str).isin(list(_COLUMN_PROBLEMS))
    for check, name in (
        cases.loc[structural, ["check", "failure_case"]].drop_duplicates().itertuples(index=False)
    ):
        rule, message = _COLUMN_PROBLEMS[str(check)]
        report.extend([Problem(rule, message, target, column=str(name))])
    cases = cases[~structural]
    rows = sorted({int(i) for i in cases["index"].dropna()})
    # only the failing rows, as plain Python values, labelled by position, to locate and quote
    failing = pd.DataFrame.from_records(data[rows].to_dicts(), columns=data.columns)
    failing.index = pd.Index(rows, dtype="int64")
    report.extend(_problems(cases, failing, target, row_offset))
    return report


assert tuple(ClaimsTablePolars.to_schema().columns) == CLAIM_COLUMN_NAMES, "drifted from vocab"
# all_rules_hold checks the same structure without pandera: the two must not drift apart
assert {
    name: (column.dtype.type, column.nullable)
    for name, column in ClaimsTablePolars.to_schema().columns.items()
} == {name: (dtype, name in NULLABLE) for name, dtype in POLARS_DTYPES.items()}, "drifted"
