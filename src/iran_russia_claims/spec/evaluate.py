"""Running the rules: every check of :mod:`~iran_russia_claims.spec.rules` in one pass.

As in dataframely, each rule is one boolean mask column, all masks come from one ``select``,
and a rule's failures are the rows where its mask is false. Rules on list elements run on the
distinct elements of the column (a handful of codes and cue words) and come back to the rows
through one lookup. This is the one place that turns rules into located failures: the
validator, the pydantic models and the pandera checks of every backend call it, on any frame
narwhals reads (Polars is the engine when the data is in pandas or Arrow, since only Polars
has every list operation the rules use). Imports narwhals and Polars on first use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.rules import RULES, Context, Rule, applicable, passes

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

    def rules(self) -> set[str]:
        return set(self.positions)

    def count(self) -> int:
        return sum(len(p) for p in self.positions.values())


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
    ``confidence_finite``: missing values are the ``required`` rule's to report.
    """
    import narwhals as nw

    frame = nw.from_native(as_polars(data), eager_only=True)
    chosen = tuple(applicable(ctx) if rules is None else rules)
    out: dict[str, np.ndarray] = {}
    whole = [r for r in chosen if r.scope in ("row", "table")]
    if whole and len(frame):
        masks = frame.select([passes(r, ctx).alias(r.name) for r in whole])
        held = masks.select(nw.all().all()).row(0)
        for rule, ok in zip(whole, held, strict=True):
            if not ok:
                out[rule.name] = _positions((~masks[rule.name]).arg_true())
    for rule in (r for r in chosen if r.scope == "element"):
        bad = _element_failures(frame, rule, ctx)
        if bad is not None and len(bad):
            out[rule.name] = bad
    return Failures(out)


def _element_failures(frame: nw.DataFrame[Any], rule: Rule, ctx: Context) -> np.ndarray | None:
    """Rows with an element that breaks ``rule``: tested once per distinct element."""
    import narwhals as nw

    column = rule.column
    assert column is not None
    elements = frame.select(nw.col(column)).with_row_index(_INDEX).explode(column)
    distinct = elements.select(nw.col(column)).unique()
    verdict = distinct.select(nw.col(column), passes(rule, ctx).alias("ok"))
    bad = verdict.filter(~nw.col("ok"))[column]
    if not len(bad):
        return None
    rows = elements.filter(nw.col(column).is_in(bad.to_list()))[_INDEX].unique().sort()
    return _positions(rows)


def _positions(series: nw.Series[Any]) -> np.ndarray:
    """Row positions as a NumPy array (NumPy is imported only when a rule fails)."""
    import numpy as np

    return np.asarray(series.to_numpy(), dtype=np.int64)


def record_failures(record: Mapping[str, Any], ctx: Context, names: Iterable[str]) -> list[str]:
    """The rules among ``names`` that one record breaks, in the catalogue's order."""
    import polars as pl

    wanted = [RULES[n] for n in names]
    needed = {c for r in wanted for q in (r, *map(RULES.get, r.requires)) if q for c in q.inputs}
    types = {name: t for name, t in polars_types().items() if name in needed}
    row = pl.DataFrame([{c: record[c] for c in types}], schema=types)
    found = find_failures(row, ctx, wanted)
    return [r.name for r in wanted if r.name in found.positions]


def polars_types() -> dict[str, Any]:
    """The Polars dtype of each claims column."""
    import polars as pl

    from iran_russia_claims.spec.vocab import CLAIM_COLUMNS

    kinds = {"string": pl.String, "integer": pl.Int64, "number": pl.Float64}
    return {c.name: kinds.get(c.type) or pl.List(pl.String) for c in CLAIM_COLUMNS}


def value_failures(column: str, value: Any, ctx: Context = NO_REGISTRY) -> list[str]:
    """The rules on ``column`` alone that ``value`` breaks (for one cell, e.g. in an editor)."""
    names = [r.name for r in applicable(ctx) if r.inputs == (column,) and r.scope != "table"]
    return record_failures({column: value}, ctx, names)


def assertion_problems(text: str) -> list[str]:
    """Names of the assertion rules that ``text`` breaks (empty when it is fine)."""
    return value_failures("assertion", text)


def hedge_ok(hedge: str) -> bool:
    """Whether ``hedge`` is a valid cue phrase (the ``hedges_words`` rule on one element)."""
    return "hedges_words" not in value_failures("hedges", [hedge])


def verdict(data: Any, ctx: Context = NO_REGISTRY, rules: Iterable[Rule] | None = None) -> set[str]:
    """The rules in ``rules`` that some row breaks, on a frame of any library narwhals reads,
    lazily where the frame is lazy (Spark, DuckDB, a Polars LazyFrame): one aggregate query for
    the row and table rules, and one per element rule; nothing is collected but booleans.

    Rules whose columns the frame lacks are left out (the missing column is a problem of its
    own).
    """
    import narwhals as nw

    frame = nw.from_native(data)
    present = set(frame.collect_schema().names())
    chosen = [r for r in (applicable(ctx) if rules is None else rules) if set(r.inputs) <= present]
    broken: set[str] = set()
    whole = [r for r in chosen if r.scope in ("row", "table")]
    if whole:
        masks = frame.select([passes(r, ctx).alias(r.name) for r in whole])  # windows first
        row = _collect(masks.select(nw.all().all()))
        broken |= {r.name for r, ok in zip(whole, row, strict=True) if ok is False}
    for rule in (r for r in chosen if r.scope == "element"):
        assert rule.column is not None
        elements = frame.select(nw.col(rule.column)).explode(rule.column)
        if _collect(elements.select(passes(rule, ctx).all()))[0] is False:
            broken.add(rule.name)
    return broken


def _collect(frame: Any) -> tuple[Any, ...]:
    """The one row of an aggregate, eager or lazy."""
    import narwhals as nw

    eager = frame.collect() if isinstance(frame, nw.LazyFrame) else frame
    return tuple(eager.row(0))


def failing(data: Any, rule: Rule, ctx: Context = NO_REGISTRY) -> Any:
    """The rows of ``data`` (any frame narwhals reads, lazily where it is lazy) that break
    ``rule``, as a frame of the same library: to look at, or to validate with located problems."""
    import narwhals as nw

    frame = nw.from_native(data)
    if rule.scope != "element":
        return frame.filter(~passes(rule, ctx)).to_native()
    assert rule.column is not None
    elements = frame.select(nw.col(rule.column)).explode(rule.column).unique()
    bad = elements.filter(~passes(rule, ctx))
    values = bad.collect() if isinstance(bad, nw.LazyFrame) else bad
    found = values[rule.column].to_list()
    if not found:
        return frame.head(0).to_native()
    column = nw.col(rule.column)
    return frame.filter(
        nw.any_horizontal(*[column.list.contains(v) for v in found], ignore_nulls=True)
    ).to_native()
