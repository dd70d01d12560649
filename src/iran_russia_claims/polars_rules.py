"""The claims table's rules as Polars expressions, without pandera or pandas.

Each kind of :data:`iran_russia_claims.table_rules.TABLE_CHECKS` is implemented here once, as
Polars expressions. :mod:`iran_russia_claims.schema_polars` wraps them in pandera checks, to
locate and report problems; :func:`all_rules_hold` evaluates the very same expressions in one
lazy ``select`` for a yes-or-no verdict, so that a valid file is judged without importing
pandera and pandas (about half a second, longer than the checks on a large file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

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
from iran_russia_claims.vocab import CLAIM_COLUMNS

if TYPE_CHECKING:
    from iran_russia_claims.models import Registry

_NUMBERS = frozenset(c.name for c in CLAIM_COLUMNS if c.type in ("integer", "number"))
_WHITESPACE_CHARS = [chr(c) for low, high in WHITESPACE_RANGES for c in range(low, high + 1)]
_DTYPES: Final[dict[str, pl.DataType]] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "list": pl.List(pl.String()),
}
#: The dtype of each column, as ``schema_polars.ClaimsTablePolars`` declares it.
POLARS_DTYPES: Final = {c.name: _DTYPES[c.type] for c in CLAIM_COLUMNS}
#: Columns that may hold nulls (a null or NaN confidence breaks ``confidence_finite``).
NULLABLE: Final = frozenset({"confidence"})


# -- row expressions, one per kind --------------------------------------------------------------
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


def expression(check: TableCheck) -> pl.Expr:
    """The check as a boolean expression over the frame (null: left to ``required``)."""
    kind = check.kind
    col = pl.col(check.column) if check.column is not None else None
    if col is not None:
        if kind == "pattern":
            return col.str.contains(anchored(check.pattern or ""))
        if kind == "vocabulary":
            return col.is_in(list(check.values))
        if kind == "unique":
            return ~col.is_duplicated()  # see unique_rows: counted first, compared only on failure
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


def registry_expression(check: TableCheck, registry: Registry) -> pl.Expr:
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


def unique_rows(lf: pl.LazyFrame, key: tuple[str, ...], name: str) -> pl.LazyFrame | bool:
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


def element_test(check: TableCheck, registry: Registry | None) -> ElementTest | None:
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


def rows_of_good_elements(
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
    # elements that explode() leaves out of the count are null elements
    nulls = int(summary["elements"][0]) - int(summary["present"][0])
    verdict = pl.DataFrame({"v": values}).select(test(pl.col("v")).fill_null(False))
    bad = values.filter(~verdict.to_series())
    if bad.len() == 0 and nulls == 0:
        return True
    failing = pl.element().is_in(bad.to_list()) | pl.element().is_null()
    return lf.select((~col.list.eval(failing).list.any()).fill_null(True).alias(name))


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


def _holds(check: TableCheck, registry: Registry | None) -> pl.Expr:
    """One boolean: ``check`` holds on every row, as the pandera check built from the same
    expression decides it (a null outcome passes, as under pandera's ``ignore_na``).

    Uniqueness and rules on list elements take the shortcuts of :func:`unique_rows` and
    :func:`rows_of_good_elements` as aggregates: distinct keys counted, distinct elements tested.
    """
    test = element_test(check, registry)
    if test is not None:
        col = pl.col(check.column or check.columns[0])
        values = col.explode().drop_nulls().unique()
        no_null_elements = col.list.len().sum() == col.explode().count()
        return test(values).fill_null(False).all() & no_null_elements
    if check.kind == "unique":
        key = check.columns
        if len(key) == 1:
            return pl.col(key[0]).n_unique() == pl.len()
        cheap = [c for c in key if c in _NUMBERS] or list(key)
        return ~pl.struct(key).filter(pl.struct(cheap).is_duplicated()).is_duplicated().any()
    if check.needs_registry:
        assert registry is not None
        return registry_expression(check, registry).all()
    return expression(check).all()


def _structure_holds(schema: pl.Schema) -> bool:
    """The columns are exactly the claims columns (in any order) with their dtypes: what the
    strict pandera model checks before any rule."""
    return set(schema.names()) == set(POLARS_DTYPES) and all(
        schema[name] == dtype for name, dtype in POLARS_DTYPES.items()
    )


def all_rules_hold(frame: pl.DataFrame | pl.LazyFrame, registry: Registry | None = None) -> bool:
    """Whether ``schema_polars.validate_polars_frame`` would find no problem, without pandera.

    Checks what the pandera schema does, in one lazy ``select`` run by Polars' threads: the
    columns and dtypes, no nulls (nor NaN in a float column) where the model forbids them, and
    every rule of :data:`TABLE_CHECKS` that applies (the registry rules only with a registry).
    Any error counts as "no": the caller then runs the validator that explains.
    """
    lazy = normalise(frame)
    if not _structure_holds(lazy.collect_schema()):
        return False
    present = []
    for name, dtype in POLARS_DTYPES.items():
        if name in NULLABLE:
            continue
        present.append(pl.col(name).null_count() == 0)
        if dtype == pl.Float64:
            present.append(~pl.col(name).is_nan().any())
    rules = [
        _holds(check, registry).alias(check.rule)
        for check in TABLE_CHECKS
        if registry is not None or not check.needs_registry
    ]
    try:
        verdict = lazy.select(pl.all_horizontal([*present, *rules])).collect()
    except pl.exceptions.PolarsError:
        return False
    return bool(verdict.item())
