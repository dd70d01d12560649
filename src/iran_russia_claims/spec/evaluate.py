"""Running the rules: every check of :mod:`~iran_russia_claims.spec.rules` in one pass.

As in dataframely, each rule is one boolean mask column, all masks come from one ``select``,
and a rule's failures are the rows where its mask is false. Rules on list elements run on the
distinct elements of the column (a handful of codes and cue words) and come back to the rows
through one lookup. This is the one place that turns rules into located failures: the
validator, the pydantic models and the pandera checks of every backend call it. Eager data
runs on Polars (data in pandas or Arrow is handed to Polars: narwhals' pandas and PyArrow
backends lack list operations the rules use), with each rule's narwhals expression translated
to Polars once; lazy frames (Spark, DuckDB) are judged where they are, through narwhals
(:func:`verdict`, :func:`failing`). Imports narwhals and Polars on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.rules import RULES, Context, Rule, applicable, columns_read, passes

if TYPE_CHECKING:
    import narwhals as nw
    import numpy as np
    import polars as pl

_INDEX = "__row__"
#: The context of a collection checked without its registries.
NO_REGISTRY: Final = Context()


@dataclass(frozen=True, slots=True)
class Failures:
    """Where each broken rule failed: 0-based positions, ascending, per rule name."""

    positions: dict[str, np.ndarray]

    def __bool__(self) -> bool:
        return bool(self.positions)


def as_polars(data: Any) -> pl.DataFrame:
    """An eager Polars frame of ``data`` (Polars, pandas, PyArrow or anything narwhals reads)."""
    import narwhals as nw
    import polars as pl

    native = nw.to_native(data) if isinstance(data, nw.DataFrame | nw.LazyFrame) else data
    if isinstance(native, pl.LazyFrame):
        native = native.collect()
    if isinstance(native, pl.DataFrame):
        frame = native
    elif type(native).__module__.startswith("pandas"):
        frame = pl.from_pandas(native, nan_to_null=False)
    else:
        frame = pl.DataFrame(nw.from_native(native, eager_only=True).to_arrow())
    return plain_strings(frame)


def plain_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """Categorical and Enum columns (and lists of them) as plain strings: a Parquet reader
    returns dictionary columns as categoricals, and a rule compares text."""
    import polars as pl

    coded = (pl.Categorical, pl.Enum)
    fixed = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.List) and isinstance(dtype.inner, coded):
            fixed.append(pl.col(name).cast(pl.List(pl.String)))
        elif isinstance(dtype, coded):
            fixed.append(pl.col(name).cast(pl.String))
    return frame.with_columns(fixed) if fixed else frame


def find_failures(
    data: Any, ctx: Context = NO_REGISTRY, rules: Iterable[Rule] | None = None
) -> Failures:
    """Every row that breaks each rule in ``rules`` (default: all that apply in ``ctx``).

    ``data`` holds the claims columns with their types (strings, whole numbers, floats, lists
    of strings); a column a rule reads must be present. Nulls pass every rule but
    ``confidence_finite`` and the element rules: a missing value is the ``required`` rule's to
    report, a missing element in a list breaks the rules on its elements.
    """
    import polars as pl

    frame = as_polars(data)
    plan = _plan(ctx, tuple(applicable(ctx) if rules is None else rules))
    out: dict[str, np.ndarray] = {}
    if plan.whole is not None and frame.height:
        masks = plan.whole(frame)
        held = masks.select(pl.all().all()).row(0)
        for name, ok in zip(masks.columns, held, strict=True):
            if not ok:
                out[name] = _positions((~masks[name]).arg_true())
    for column, names, verdict in plan.elements:
        out.update(_element_failures(frame, column, names, verdict))
    for rule in plan.graphs:
        assert rule.graph is not None
        ok = rule.graph(frame) if frame.height else None
        if ok is not None and not ok.all():
            out[rule.name] = _positions((~ok).arg_true())
    return Failures(out)


Select = Callable[["pl.DataFrame"], "pl.DataFrame"]


def compiled(exprs: list[nw.Expr]) -> Select:
    """A Polars ``select`` of narwhals expressions, translated to Polars once.

    narwhals translates an expression on every query it runs, which costs more than the query
    on one record; here the translation is done once, through narwhals' own Polars backend. If
    a narwhals release moves that backend, the public (slower) path is taken instead: the
    result is the same.
    """
    import narwhals as nw

    try:
        from narwhals._polars.namespace import PolarsNamespace
        from narwhals._utils import Version

        space = PolarsNamespace(version=Version.MAIN)
        native = [e._to_compliant_expr(space).native for e in exprs]  # type: ignore[attr-defined]
    except (ImportError, AttributeError, TypeError):  # pragma: no cover - another narwhals
        return lambda frame: nw.from_native(frame, eager_only=True).select(exprs).to_native()
    return lambda frame: frame.select(native)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The rules' queries, built once per context and set of rules."""

    whole: Select | None
    #: Per list column: the names of the rules on its elements, and their query.
    elements: list[tuple[str, tuple[str, ...], Select]]
    #: The rules on the whole table that a function states (a graph's cycles).
    graphs: tuple[Rule, ...] = ()


@cache
def _plan(ctx: Context, rules: tuple[Rule, ...]) -> _Plan:
    import narwhals as nw

    whole = [passes(r, ctx).alias(r.name) for r in rules if r.scope in ("row", "table")]
    columns: dict[str, list[Rule]] = {}
    for r in rules:
        if r.scope == "element":
            columns.setdefault(str(r.column), []).append(r)
    elements = [
        (
            column,
            tuple(r.name for r in listed),
            compiled([nw.col(column), *[passes(r, ctx).alias(r.name) for r in listed]]),
        )
        for column, listed in columns.items()
    ]
    graphs = tuple(r for r in rules if r.scope == "graph")
    return _Plan(compiled(whole) if whole else None, elements, graphs)


def _element_failures(
    frame: pl.DataFrame, column: str, names: tuple[str, ...], verdict: Select
) -> dict[str, np.ndarray]:
    """Per rule on the column's elements, the rows with an element that breaks it. Each
    distinct element is judged once, by every such rule in one query; the rows are looked
    for only when some element fails. Empty and missing lists have no element (a missing
    list is the ``required`` rule's); a missing element breaks every element rule."""
    import polars as pl

    col = pl.col(column)
    judged = verdict(frame.select(col.explode(keep_nulls=False).unique()))
    broken = judged.select(~pl.col(n).all() for n in names).row(0)
    if not any(broken):
        return {}
    elements = frame.select(col).with_row_index(_INDEX).explode(column, keep_nulls=False)
    out = {}
    for name, fails in zip(names, broken, strict=True):
        if not fails:
            continue
        bad = judged.filter(~pl.col(name))[column]
        found = col.is_in(bad.drop_nulls().implode())
        if bad.null_count():  # a missing element breaks every element rule
            found = found | col.is_null()
        out[name] = _positions(elements.filter(found)[_INDEX].unique().sort())
    return out


def _positions(series: pl.Series) -> np.ndarray:
    """Row positions as a NumPy array (NumPy is imported only when a rule fails)."""
    import numpy as np

    return np.asarray(series.to_numpy(), dtype=np.int64)


def record_failures(
    record: Mapping[str, Any], ctx: Context, names: Iterable[str], table: str = "claims"
) -> list[str]:
    """The rules among ``names`` that one record breaks, in the catalogue's order (rules of
    the whole table say nothing of one record and are left out). The same expressions as
    :func:`find_failures`, in as few queries as one row needs."""
    import polars as pl

    wanted = tuple(RULES[n] for n in names)
    types, whole, elements = _record_plan(ctx, wanted, table)
    frame = pl.DataFrame([{c: record[c] for c in types}], schema=types)
    broken = set()
    if whole is not None:
        held = whole(frame).row(0, named=True)
        broken |= {name for name, ok in held.items() if ok is False}
    for name, column, verdict in elements:
        has_elements = bool(frame[column].list.len()[0])  # an empty or missing list: none
        if has_elements and not verdict(frame.select(pl.col(column)).explode(column)).item():
            broken.add(name)
    return [r.name for r in wanted if r.name in broken]


@cache
def _record_plan(
    ctx: Context, rules: tuple[Rule, ...], table: str = "claims"
) -> tuple[dict[str, Any], Select | None, list[tuple[str, str, Select]]]:
    """The column types and the queries one record is checked with, built once."""
    rules = tuple(r for r in rules if r.scope not in ("table", "graph"))
    needed = {c for r in rules for c in columns_read(r)}
    types = {name: t for name, t in polars_types(table).items() if name in needed}
    whole = [passes(r, ctx).all().alias(r.name) for r in rules if r.scope == "row"]
    elements = [
        (r.name, str(r.column), compiled([passes(r, ctx).all()]))
        for r in rules
        if r.scope == "element"
    ]
    return types, compiled(whole) if whole else None, elements


def polars_types(table: str = "claims") -> dict[str, Any]:
    """The Polars dtype of each column of a table (the claims, or a link table)."""
    import polars as pl

    from iran_russia_claims.spec.vocab import CLAIM_COLUMNS, LINK_COLUMNS

    columns = CLAIM_COLUMNS if table == "claims" else LINK_COLUMNS[table]
    kinds = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64, "boolean": pl.Boolean}
    return {c.name: kinds.get(c.type) or pl.List(pl.String) for c in columns}


def value_failures(column: str, value: Any, ctx: Context = NO_REGISTRY) -> list[str]:
    """The rules on ``column`` alone that ``value`` breaks (for one cell, e.g. in an editor)."""
    names = [r.name for r in applicable(ctx) if r.inputs == (column,) and r.scope != "table"]
    return record_failures({column: value}, ctx, names)


def assertion_problems(text: str) -> list[str]:
    """Names of the assertion rules that ``text`` breaks (empty when it is fine)."""
    return value_failures("assertion", text)


def hedge_ok(hedge: str) -> bool:
    """Whether ``hedge`` is a valid cue phrase (every rule on the elements of hedges)."""
    return not value_failures("hedges", [hedge])


def verdict(data: Any, ctx: Context = NO_REGISTRY, rules: Iterable[Rule] | None = None) -> set[str]:
    """The rules in ``rules`` that some row breaks. A lazy frame (Spark, DuckDB, a Polars
    LazyFrame) is judged where it is: one aggregate query for the row and table rules, and one
    per element rule; nothing is collected but booleans. Eager data (pandas, Arrow) is judged
    on Polars.

    Rules whose columns the frame lacks are left out (the missing column is a problem of its
    own).
    """
    import narwhals as nw

    frame = _lazy_or_polars(data)
    present = set(frame.collect_schema().names())
    chosen = [r for r in (applicable(ctx) if rules is None else rules) if set(r.inputs) <= present]
    broken: set[str] = set()
    whole = [r for r in chosen if r.scope in ("row", "table")]
    if whole:
        masks = frame.select([passes(r, ctx).alias(r.name) for r in whole])  # windows first
        row = _collect(masks.select(nw.all().all()))
        broken |= {r.name for r, ok in zip(whole, row, strict=True) if ok is False}
    for rule in (r for r in chosen if r.scope == "element"):
        if _collect(_elements(frame, rule).select(passes(rule, ctx).all()))[0] is False:
            broken.add(rule.name)
    return broken


def _lazy_or_polars(data: Any) -> Any:
    """``data`` as narwhals sees it: lazy frames as they are, eager ones on Polars."""
    import narwhals as nw

    frame = nw.from_native(data)
    if isinstance(frame, nw.LazyFrame):
        return frame
    return nw.from_native(as_polars(data), eager_only=True)


def _elements(frame: Any, rule: Rule) -> Any:
    """The elements of the rule's list column, one per row (empty and missing lists have
    none)."""
    import narwhals as nw

    assert rule.column is not None
    col = nw.col(rule.column)
    return frame.select(col).filter(col.list.len() > 0).explode(rule.column)


def _collect(frame: Any) -> tuple[Any, ...]:
    """The one row of an aggregate, eager or lazy."""
    import narwhals as nw

    eager = frame.collect() if isinstance(frame, nw.LazyFrame) else frame
    return tuple(eager.row(0))


def failing(data: Any, rule: Rule, ctx: Context = NO_REGISTRY) -> Any:
    """The rows of ``data`` that break ``rule``, lazily where the frame is lazy (a Spark or
    DuckDB frame stays one), on Polars otherwise: to look at, or to validate with located
    problems. For a rule on list elements, the distinct bad elements are collected (a
    handful) and the rows holding one are returned; a list with a missing element is the
    ``type`` rule's, not returned here."""
    import narwhals as nw

    frame = _lazy_or_polars(data)
    if rule.scope != "element":
        return frame.filter(~passes(rule, ctx)).to_native()
    assert rule.column is not None
    bad = _elements(frame, rule).unique().filter(~passes(rule, ctx))
    values = bad.collect() if isinstance(bad, nw.LazyFrame) else bad
    found = [v for v in values[rule.column].to_list() if v is not None]
    if not found:
        return frame.head(0).to_native()
    column = nw.col(rule.column)
    return frame.filter(
        nw.any_horizontal(*[column.list.contains(v) for v in found], ignore_nulls=True)
    ).to_native()
