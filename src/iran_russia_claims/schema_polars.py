"""The claims table schema on Polars (``pandera.polars``): the same rules as on pandas.

Columns are declared once in :class:`ClaimsTablePolars`; every check is built from
:data:`iran_russia_claims.table_rules.TABLE_CHECKS`, as the pandas schema's are, and carries the
same rule name. Checks are Polars expressions over whole columns (list columns through list
expressions), run by Polars' own threads: nothing runs in Python per row. Rules on list
elements test each distinct element once, uniqueness counts distinct keys before marking
duplicates, and :func:`validate_polars_frame` shares the checks between threads. Needs the
``polars`` extra (``pip install 'iran-russia-claims[polars]'``); importing this module imports
Polars and pandera, so the package imports it only when asked to.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pandera.polars as pa
import polars as pl

from iran_russia_claims.table_rules import (
    BAND_LOWEST,
    BAND_UPPERS,
    BANDS,
    CONTROL,
    FORMULA_START,
    TABLE_CHECKS,
    WHITESPACE,
    WHITESPACE_RANGES,
    TableCheck,
    anchored,
)
from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

if TYPE_CHECKING:
    from pandera.api.polars.types import PolarsData

    from iran_russia_claims.models import Registry
    from iran_russia_claims.report import Report

_NUMBERS = frozenset(c.name for c in CLAIM_COLUMNS if c.type in ("integer", "number"))
_WHITESPACE_CHARS = [chr(c) for low, high in WHITESPACE_RANGES for c in range(low, high + 1)]


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


# -- expressions, one per kind -------------------------------------------------------------------
def untrimmed(e: pl.Expr) -> pl.Expr:
    """White space at either end: two one-character slices and a set lookup."""
    return e.str.head(1).is_in(_WHITESPACE_CHARS) | e.str.tail(1).is_in(_WHITESPACE_CHARS)


def hedge_ok(e: pl.Expr, max_words: int, max_chars: int) -> pl.Expr:
    """``rules.hedge_ok`` as an expression: non-empty, trimmed, short, few words, no controls."""
    n = e.str.len_chars()
    return (
        (n > 0)
        & (n <= max_chars)
        & ~untrimmed(e)
        & (e.str.count_matches(f"{WHITESPACE}+") < max_words)
        & ~e.str.contains(CONTROL)
    ).fill_null(False)


def _expression(check: TableCheck) -> pl.Expr:
    """The check as a boolean expression over the frame (null: left to ``required``)."""
    kind = check.kind
    col = pl.col(check.column) if check.column is not None else None
    if col is not None:
        if kind == "pattern":
            return col.str.contains(anchored(check.pattern or ""))
        if kind == "vocabulary":
            return col.is_in(list(check.values))
        if kind == "unique":
            return ~col.is_duplicated()  # see _check: counted first, compared only on failure
        if kind == "at_least":
            return col >= check.low
        if kind == "finite":
            return col.is_finite().fill_null(False)
        if kind == "between":
            return (~col.is_finite() | col.is_between(check.lower, check.upper)).fill_null(True)
        if kind == "length_between":
            return col.str.len_chars().is_between(check.lower, check.upper)
        if kind == "trimmed":
            return ~untrimmed(col)
        if kind == "no_control":
            return ~col.str.contains(CONTROL)
        if kind == "no_prefix":
            return ~col.str.contains(FORMULA_START)
        if kind == "list_non_empty":
            return col.list.len() > 0
        if kind == "list_pattern":
            regex = anchored(check.pattern or "")
            return col.list.eval(pl.element().str.contains(regex).fill_null(False)).list.all()
        if kind == "list_distinct":
            return col.list.n_unique() == col.list.len()
        if kind == "list_hedges":
            words, chars = int(check.lower), int(check.upper)
            return col.list.eval(hedge_ok(pl.element(), words, chars)).list.all()
    if kind == "less_than":
        a, b = check.columns
        return pl.col(a) < pl.col(b)
    if kind == "unique":
        return ~pl.struct(check.columns).is_duplicated()
    if kind == "band":
        number, band = check.columns
        value = pl.col(number)
        position = pl.lit(pl.Series(BAND_UPPERS)).search_sorted(value, side="left")
        expected = _gather(list(BANDS), position.clip(0, len(BANDS) - 1))
        valid = (value >= BAND_LOWEST) & (value <= BAND_UPPERS[-1])
        return (~valid | ~pl.col(band).is_in(list(BANDS)) | (pl.col(band) == expected)).fill_null(
            True
        )
    raise ValueError(f"no expression for {check.rule} ({kind})")  # pragma: no cover


def _gather(values: list[Any], index: pl.Expr) -> pl.Expr:
    """``values[index]`` per row (null for a null index): an array lookup, not a hash."""
    return pl.lit(pl.Series(values)).gather(index)


def _registry_expression(check: TableCheck, registry: Registry) -> pl.Expr:
    ids = list(registry.sources)
    lengths = [s.length for s in registry.sources.values()]
    kind = check.kind
    if kind == "registered_source":
        return pl.col(check.columns[0]).is_in(ids)
    if kind == "registered_actors":
        codes = list(registry.actors)
        return pl.col(check.columns[0]).list.eval(pl.element().is_in(codes)).list.all()
    if kind == "within_source":
        source, end = check.columns
        limit = _gather(lengths, _source_index(source, ids))
        return (pl.col(end) <= limit).fill_null(True)
    if kind == "section_of_offset":
        source, section, start = check.columns
        sources = list(registry.sources.values())
        bases, starts, slugs = [], [], []
        base = 0
        for src in sources:
            bases.append(base)
            starts += [base + sec.start for sec in src.sections]
            slugs += [sec.slug for sec in src.sections]
            base += src.length
        offset, which = pl.col(start), _source_index(source, ids)
        inside = (offset >= 0) & (offset < _gather(lengths, which))
        global_offset = _gather(bases, which) + offset.clip(0)
        position = pl.lit(pl.Series(starts)).search_sorted(global_offset, side="right") - 1
        expected = _gather(slugs, position.clip(0, len(slugs) - 1))
        return which.is_null() | (inside & (pl.col(section) == expected))
    raise ValueError(f"no expression for {check.rule} ({kind})")  # pragma: no cover


def _source_index(source: str, ids: list[str]) -> pl.Expr:
    """Position of each row's source in the registry; null when unknown."""
    return pl.col(source).replace_strict(
        ids, list(range(len(ids))), default=None, return_dtype=pl.Int64
    )


def _unique_rows(lf: pl.LazyFrame, key: tuple[str, ...], name: str) -> pl.LazyFrame | bool:
    """True where no other row has the same ``key``, computed cheaply.

    One column: count distinct values first (several times cheaper than marking duplicates),
    so only a table with duplicates pays for finding them. Several columns: only rows that
    share the numbers (offsets) can share the whole key, so the long strings are hashed for
    those few rows only.
    """
    if len(key) == 1:
        if lf.select(pl.col(key[0]).n_unique() == pl.len()).collect().item():
            return True
        return lf.select((~pl.col(key[0]).is_duplicated()).alias(name))
    cheap = [c for c in key if c in _NUMBERS] or list(key)
    rows = lf.with_row_index("__row")
    candidates = rows.filter(pl.struct(cheap).is_duplicated())
    repeated = candidates.filter(pl.struct(key).is_duplicated()).select("__row")
    found = repeated.collect().to_series().to_list()  # a handful of rows at most
    return rows.select((~pl.col("__row").is_in(found)).alias(name))


ElementTest = Callable[[pl.Expr], pl.Expr]


def _element_test(check: TableCheck, registry: Registry | None) -> ElementTest | None:
    """For rules on each element of a list: the test of one element (None for other rules)."""
    if check.kind == "list_pattern":
        regex = anchored(check.pattern or "")
        return lambda e: e.str.contains(regex)
    if check.kind == "list_hedges":
        words, chars = int(check.lower), int(check.upper)
        return lambda e: hedge_ok(e, words, chars)
    if check.kind == "registered_actors" and registry is not None:
        codes = list(registry.actors)
        return lambda e: e.is_in(codes)
    return None


def _rows_of_good_elements(
    lf: pl.LazyFrame, column: str, test: ElementTest, name: str
) -> pl.LazyFrame | bool:
    """True where every element of the row's list passes ``test``, testing each distinct
    element once: list columns repeat a few codes and cue words, so the test runs on a
    handful of values and rows are looked at again only when some value failed."""
    col = pl.col(column)
    summary = lf.select(
        values=col.explode().drop_nulls().unique().implode(),
        elements=col.list.len().sum(),
        present=col.explode().count(),
    ).collect()
    values = summary["values"][0]
    # explode() turns each empty list into one null: what is left are null elements
    nulls = int(summary["elements"][0]) - int(summary["present"][0])
    verdict = pl.DataFrame({"v": values}).select(test(pl.col("v")).fill_null(False))
    bad = values.filter(~verdict.to_series())
    if bad.len() == 0 and nulls == 0:
        return True
    failing = pl.element().is_in(bad.to_list()) | pl.element().is_null()
    return lf.select((~col.list.eval(failing).list.any()).fill_null(True).alias(name))


def _check(
    expr: pl.Expr,
    name: str,
    unique: tuple[str, ...] = (),
    elements: tuple[str, ElementTest] | None = None,
) -> pa.Check:
    def run(data: PolarsData) -> pl.LazyFrame | bool:
        if unique:
            return _unique_rows(data.lazyframe, unique, name)
        if elements is not None:
            return _rows_of_good_elements(data.lazyframe, *elements, name)
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
            expr = _registry_expression(check, registry)
        else:
            expr = _expression(check)
        unique = check.columns if check.kind == "unique" else ()
        test = _element_test(check, registry)
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


def normalise(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Categorical and Enum columns as plain strings (a Parquet reader returns dictionary
    columns as categoricals), so one dtype per column is checked; nothing else changes."""
    lazy = frame.lazy()
    fixed = []
    for name, dtype in lazy.collect_schema().items():
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, pl.Categorical | pl.Enum):
            fixed.append(pl.col(name).cast(pl.List(pl.String)))
        elif isinstance(dtype, pl.Categorical | pl.Enum):
            fixed.append(pl.col(name).cast(pl.String))
    return lazy.with_columns(fixed) if fixed else lazy


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
