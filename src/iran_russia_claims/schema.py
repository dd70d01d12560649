"""Table-level validation with pandera on pandas: the claims table as a whole.

The checks are built from :data:`iran_russia_claims.table_rules.TABLE_CHECKS`, the one
definition the Polars and Spark schemas are built from too, and carry the rule names of
:mod:`iran_russia_claims.rules`. The table adds what one record cannot see: unique ids and
spans, and, given a :class:`~iran_russia_claims.models.Registry`, registered actors and sources
and sections that agree with the offsets.

Every check runs as Arrow compute kernels or NumPy on whole columns: no Python runs per row or
per list element on valid data. A column of Python objects is converted to Arrow once
(:func:`prepare_frame`, in C); string and list columns that are already Arrow-backed are used
without a copy. Only when a column holds values of the wrong type does a slower path find
which rows they are. Importing this module imports pandera, so the package imports it only
when a table is validated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from iran_russia_claims.models import Registry
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
from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS, LIST_COLUMNS

_LIST_TYPES = (list, tuple, np.ndarray)
_STRING_COLUMNS = tuple(c.name for c in CLAIM_COLUMNS if c.type == "string")
_NUMERIC_COLUMNS = tuple(c.name for c in CLAIM_COLUMNS if c.type in ("integer", "number"))
_LIST_OF_STRINGS = pyarrow.list_(pyarrow.string())

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


# -- columns as Arrow ------------------------------------------------------------------------------
def _is_string_type(t: pyarrow.DataType) -> bool:
    return bool(pyarrow.types.is_string(t) or pyarrow.types.is_large_string(t))


def _arrow_of(values: Any) -> pyarrow.Array:
    """The Arrow array of a pandas column's values: no copy for Arrow-backed columns."""
    if isinstance(values, pd.Categorical):  # codes and categories, no per-row objects
        codes = values.codes
        return pyarrow.DictionaryArray.from_arrays(
            pyarrow.array(codes, mask=codes < 0),
            pyarrow.array(np.asarray(values.categories, dtype=object), from_pandas=True),
        )
    arrow = values.__arrow_array__() if hasattr(values, "__arrow_array__") else None
    if arrow is None:
        arrow = pyarrow.array(np.asarray(values, dtype=object), from_pandas=True)
    if isinstance(arrow, pyarrow.ChunkedArray):
        arrow = arrow.combine_chunks() if arrow.num_chunks != 1 else arrow.chunk(0)
    return arrow


def _strings(s: pd.Series) -> tuple[pyarrow.Array, BoolArray | None]:
    """A column as Arrow strings (possibly dictionary-encoded), and the rows that are not strings.

    Missing values are nulls (the ``required`` rule reports them); the mask is None when every
    non-missing value is a string, the case that must be fast.
    """
    try:
        arrow = _arrow_of(s.array)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
        arrow = None
    if arrow is not None:
        value_type = (
            arrow.type.value_type if pyarrow.types.is_dictionary(arrow.type) else arrow.type
        )
        if _is_string_type(value_type):
            return arrow, None
        if pyarrow.types.is_null(arrow.type):  # nothing but missing values (or no rows)
            return arrow.cast(pyarrow.string()), None
    # wrong types somewhere: find them (the slow path, taken only for invalid data)
    values = s.astype(object).to_numpy()
    is_str = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
    missing = pd.isna(values)
    kept = values.copy()
    kept[~is_str] = None
    return pyarrow.array(kept, pyarrow.string()), ~(is_str | missing)


def _lists(s: pd.Series) -> tuple[pyarrow.ListArray, BoolArray | None]:
    """A column as an Arrow list<string> array, and the rows that are not lists of strings."""
    try:
        arrow = _arrow_of(s.array)
    except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
        arrow = None
    if arrow is not None and pyarrow.types.is_list(arrow.type):
        value_type = arrow.type.value_type
        if pyarrow.types.is_dictionary(value_type):
            arrow = arrow.cast(pyarrow.list_(value_type.value_type))
            value_type = value_type.value_type
        if _is_string_type(value_type) or pyarrow.types.is_null(value_type):
            return arrow.cast(_LIST_OF_STRINGS), None
    values = s.astype(object).to_numpy()
    kept: list[Any] = []
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):  # slow path: only for columns holding wrong types
        ok = isinstance(v, _LIST_TYPES) and all(isinstance(x, str) or x is None for x in v)
        kept.append(list(v) if ok else None)
        bad[i] = not ok and not (np.ndim(v) == 0 and pd.isna(v))
    return pyarrow.array(kept, _LIST_OF_STRINGS), bad


def _per_value(arrow: pyarrow.Array, fn: Callable[[pyarrow.Array], Any]) -> BoolArray:
    """``fn`` (strings to booleans) on each value; a dictionary column runs it once per distinct
    value. Nulls pass: they are the ``required`` rule's to report."""
    if pyarrow.types.is_dictionary(arrow.type):
        result = fn(arrow.dictionary.cast(pyarrow.string())).take(arrow.indices)
    else:
        result = fn(arrow)
    return np.asarray(pc.fill_null(result, True).to_numpy(zero_copy_only=False), dtype=bool)


def _rows_where_all(n_rows: int, parents: Any, element_ok: Any) -> BoolArray:
    """One boolean per row: True unless one of its elements failed."""
    ok = np.ones(n_rows, dtype=bool)
    failed = np.asarray(pc.fill_null(element_ok, False).to_numpy(zero_copy_only=False), bool)
    ok[np.asarray(parents)[~failed]] = False
    return ok


def _codes(arrow: pyarrow.Array) -> np.ndarray[Any, Any]:
    """Integer codes of a column's values (equal values, equal codes; null is its own code)."""
    if pyarrow.types.is_dictionary(arrow.type):
        if len(pc.unique(arrow.dictionary)) == len(arrow.dictionary):
            return np.asarray(pc.fill_null(arrow.indices, -1).to_numpy(zero_copy_only=False))
        arrow = arrow.cast(arrow.type.value_type)
    if pyarrow.types.is_integer(arrow.type) or pyarrow.types.is_floating(arrow.type):
        return np.asarray(arrow.to_numpy(zero_copy_only=False))
    encoded = pc.dictionary_encode(arrow, null_encoding="encode")
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False))


def _duplicated(columns: list[np.ndarray[Any, Any]]) -> BoolArray:
    """Rows whose combination of codes appears more than once."""
    if len(columns) == 1 and columns[0].dtype.kind in "iu" and len(columns[0]):
        codes = columns[0].astype(np.int64) - columns[0].min()
        return np.asarray(np.bincount(codes)[codes] > 1)
    frame = pd.DataFrame({str(i): c for i, c in enumerate(columns)})
    return np.asarray(frame.duplicated(keep=False).to_numpy(), dtype=bool)


def _numbers(s: pd.Series) -> np.ndarray[Any, Any]:
    return np.asarray(s.to_numpy(dtype=float, na_value=np.nan))


def _result(ok: BoolArray, index: pd.Index) -> pd.Series:
    return pd.Series(ok, index=index, copy=False)


# -- the checks, one implementation per kind -------------------------------------------------------
def _string_test(check: TableCheck) -> Callable[[pyarrow.Array], Any]:
    """Strings to booleans for the per-value string kinds."""
    kind = check.kind
    if kind == "pattern":
        regex = anchored(check.pattern or "")
        return lambda a: pc.match_substring_regex(a, regex)
    if kind == "vocabulary":
        allowed = pyarrow.array(check.values, pyarrow.string())
        return lambda a: pc.is_in(a, value_set=allowed)
    if kind == "length_between":
        low, high = check.low, check.high

        def length_ok(a: pyarrow.Array) -> Any:
            n = pc.utf8_length(a)
            return pc.and_(pc.greater_equal(n, low), pc.less_equal(n, high))

        return length_ok
    if kind == "trimmed":
        return lambda a: pc.invert(untrimmed(a))
    if kind == "no_control":
        return lambda a: pc.invert(pc.match_substring_regex(a, CONTROL))
    if kind == "no_prefix":
        return lambda a: pc.invert(pc.match_substring_regex(a, FORMULA_START))
    raise ValueError(f"not a string kind: {kind}")  # pragma: no cover


_WHITESPACE_CHARS = pyarrow.array(
    [chr(c) for low, high in WHITESPACE_RANGES for c in range(low, high + 1)], pyarrow.string()
)


def untrimmed(a: pyarrow.Array) -> Any:
    """True where a value starts or ends with white space: two one-character slices and a set
    lookup, several times faster than a regex over the whole text."""
    first = pc.utf8_slice_codeunits(a, 0, 1)
    last = pc.utf8_slice_codeunits(a, -1)
    return pc.or_(pc.is_in(first, value_set=_WHITESPACE_CHARS),
                  pc.is_in(last, value_set=_WHITESPACE_CHARS))  # fmt: skip


def hedges_ok(flat: pyarrow.Array, max_words: int, max_chars: int) -> Any:
    """Element test of ``rules.hedge_ok``: non-empty, trimmed, short, few words, no controls."""
    n = pc.utf8_length(flat)
    gaps = pc.count_substring_regex(flat, f"{WHITESPACE}+")
    return pc.and_kleene(
        pc.and_kleene(pc.greater(n, 0), pc.less_equal(n, max_chars)),
        pc.and_kleene(
            pc.less(gaps, max_words),
            pc.invert(pc.or_kleene(untrimmed(flat), pc.match_substring_regex(flat, CONTROL))),
        ),
    )


def _on_distinct(flat: pyarrow.Array, fn: Callable[[pyarrow.Array], Any]) -> Any:
    """``fn`` on list elements, run once per distinct element: list columns hold few distinct
    codes and cue words, so this is one hash pass plus work on a handful of values."""
    encoded = pc.dictionary_encode(flat)
    return fn(encoded.dictionary).take(encoded.indices)


def _column_check(check: TableCheck) -> Callable[[pd.Series], pd.Series]:
    kind = check.kind
    if kind in ("pattern", "vocabulary", "length_between", "trimmed", "no_control", "no_prefix"):
        test = _string_test(check)

        def on_strings(s: pd.Series) -> pd.Series:
            arrow, bad = _strings(s)
            ok = _per_value(arrow, test)
            return _result(ok if bad is None else ok & ~bad, s.index)

        return on_strings
    if kind == "unique":

        def unique(s: pd.Series) -> pd.Series:
            arrow, _ = _strings(s)
            return _result(~_duplicated([_codes(arrow)]), s.index)

        return unique
    if kind == "at_least":
        low = check.low
        return lambda s: _result(~(_numbers(s) < low), s.index)
    if kind == "finite":
        return lambda s: _result(np.isfinite(_numbers(s)), s.index)
    if kind == "between":
        low, high = check.low, check.high

        def between(s: pd.Series) -> pd.Series:
            v = _numbers(s)
            return _result(~np.isfinite(v) | ((v >= low) & (v <= high)), s.index)

        return between
    if kind in ("list_non_empty", "list_pattern", "list_distinct", "list_hedges"):
        return _list_check(check)
    raise ValueError(f"not a column kind: {kind}")  # pragma: no cover


def _list_check(check: TableCheck) -> Callable[[pd.Series], pd.Series]:
    kind = check.kind

    def on_lists(s: pd.Series) -> pd.Series:
        lists, bad = _lists(s)
        n = len(lists)
        if kind == "list_non_empty":
            ok = np.asarray(
                pc.fill_null(pc.greater(pc.list_value_length(lists), 0), True)
                .to_numpy(zero_copy_only=False), dtype=bool,
            )  # fmt: skip
        else:
            flat, parents = pc.list_flatten(lists), pc.list_parent_indices(lists)
            if kind == "list_pattern":
                regex = anchored(check.pattern or "")
                element_ok = _on_distinct(flat, lambda d: pc.match_substring_regex(d, regex))
                ok = _rows_where_all(n, parents, element_ok)
            elif kind == "list_hedges":
                words, chars = int(check.lower), int(check.upper)
                element_ok = _on_distinct(flat, lambda d: hedges_ok(d, words, chars))
                ok = _rows_where_all(n, parents, element_ok)
            else:  # list_distinct
                ok = _distinct_within_lists(lists, flat, parents)
        return _result(ok if bad is None else ok & ~bad, s.index)

    return on_lists


def _distinct_within_lists(lists: pyarrow.ListArray, flat: Any, parents: Any) -> BoolArray:
    """True for rows whose list holds no element twice.

    Elements of a row are adjacent, so comparing each element with the one 1, 2, ... places
    before it finds every repeat in (longest list - 1) vectorised passes; very long lists fall
    back to one sort of (row, element) keys.
    """
    n = len(lists)
    ok = np.ones(n, dtype=bool)
    rows = np.asarray(parents.to_numpy(zero_copy_only=False), dtype=np.int64)
    if len(rows) == 0:
        return ok
    codes = _codes(flat).astype(np.int64)
    longest = int(pc.max(pc.list_value_length(lists)).as_py() or 0)
    if longest <= 16:
        for lag in range(1, longest):
            same = (rows[lag:] == rows[:-lag]) & (codes[lag:] == codes[:-lag])
            ok[rows[lag:][same]] = False
        return ok
    dup = _duplicated([rows, codes])
    ok[rows[dup]] = False
    return ok


def _type_check(column: str) -> Callable[[pd.Series], pd.Series]:
    """The ``type`` rule for a string or list column (numbers get pandera's dtype check)."""
    if column in LIST_COLUMNS:
        return lambda s: _result(_ok_mask(_lists(s)[1], len(s)), s.index)
    return lambda s: _result(_ok_mask(_strings(s)[1], len(s)), s.index)


def _ok_mask(bad: BoolArray | None, n: int) -> BoolArray:
    return np.ones(n, dtype=bool) if bad is None else ~bad


def _band_positions(values: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Index of the band holding each value (ranges closed at the top), -1 outside them."""
    position = np.searchsorted(np.array(BAND_UPPERS), values, side="left")
    valid = (values >= BAND_LOWEST) & (values <= BAND_UPPERS[-1])
    return np.where(valid, position, -1)


def _frame_check(check: TableCheck, registry: Registry | None) -> Callable[[pd.DataFrame], Any]:
    kind = check.kind
    if kind == "less_than":
        a, b = check.columns
        return lambda df: _result(~(_numbers(df[a]) >= _numbers(df[b])), df.index)
    if kind == "band":
        number, band = check.columns

        def band_matches(df: pd.DataFrame) -> pd.Series:
            expected = _band_positions(_numbers(df[number]))
            arrow, _ = _strings(df[band])
            if pyarrow.types.is_dictionary(arrow.type):
                arrow = arrow.cast(arrow.type.value_type)
            given = pc.index_in(arrow, value_set=pyarrow.array(BANDS))
            given_np = np.asarray(pc.fill_null(given, -1).to_numpy(zero_copy_only=False))
            ok = (expected < 0) | (given_np < 0) | (given_np == expected)
            return _result(ok, df.index)

        return band_matches
    if kind == "unique":
        numeric = [c for c in check.columns if c in _NUMERIC_COLUMNS]

        def unique_together(df: pd.DataFrame) -> pd.Series:
            # Only rows that collide on the numbers (offsets) can collide on every column: the
            # strings (long assertions) are hashed for those few rows only.
            candidates = np.arange(len(df))
            if numeric and len(numeric) < len(check.columns):
                codes = [_codes(_column_arrow(df[c])) for c in numeric]
                candidates = candidates[_duplicated(codes)]
            subset = df.iloc[candidates][list(check.columns)] if len(candidates) < len(df) else df
            dup = _duplicated([_codes(_column_arrow(subset[c])) for c in check.columns])
            ok = np.ones(len(df), dtype=bool)
            ok[candidates[dup]] = False
            return _result(ok, df.index)

        return unique_together
    assert registry is not None
    return _registry_check(check, registry)


def _column_arrow(s: pd.Series) -> pyarrow.Array:
    if s.dtype.kind in "iufb":
        return pyarrow.array(s.to_numpy())
    return _strings(s)[0]


def _source_index(df: pd.DataFrame, column: str, ids: list[str]) -> np.ndarray[Any, Any]:
    """Position of each row's source in ``ids``; -1 for unknown or missing sources."""
    arrow, _ = _strings(df[column])
    if pyarrow.types.is_dictionary(arrow.type):
        arrow = arrow.cast(arrow.type.value_type)
    found = pc.index_in(arrow, value_set=pyarrow.array(ids, pyarrow.string()))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False))


def _registry_check(check: TableCheck, registry: Registry) -> Callable[[pd.DataFrame], Any]:
    """The checks that read the registries: they close over them."""
    ids = list(registry.sources)
    lengths = np.array([src.length for src in registry.sources.values()], dtype=np.int64)
    kind = check.kind
    if kind == "registered_source":
        (column,) = check.columns
        return lambda df: _result(_source_index(df, column, ids) >= 0, df.index)
    if kind == "registered_actors":
        (column,) = check.columns
        codes = pyarrow.array(list(registry.actors), pyarrow.string())

        def actors_registered(df: pd.DataFrame) -> pd.Series:
            lists, _ = _lists(df[column])
            flat, parents = pc.list_flatten(lists), pc.list_parent_indices(lists)
            return _result(
                _rows_where_all(len(lists), parents, pc.is_in(flat, value_set=codes)), df.index
            )

        return actors_registered
    if kind == "within_source":
        source, end = check.columns

        def end_within_source(df: pd.DataFrame) -> pd.Series:
            position = _source_index(df, source, ids)
            limit = np.where(position >= 0, lengths[np.maximum(position, 0)], np.inf)
            return _result(~(_numbers(df[end]) > limit), df.index)

        return end_within_source
    if kind == "section_of_offset":
        return _section_check(check, registry)
    raise ValueError(f"not a table kind: {kind}")  # pragma: no cover


def _section_check(check: TableCheck, registry: Registry) -> Callable[[pd.DataFrame], Any]:
    """section is the slug of the section holding start: one search over all sections."""
    source, section, start = check.columns
    ids = list(registry.sources)
    sources = list(registry.sources.values())
    lengths = np.array([s.length for s in sources], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    starts = np.array([base[i] + sec.start for i, s in enumerate(sources) for sec in s.sections])
    all_slugs = [sec.slug for s in sources for sec in s.sections]
    slugs = sorted(set(all_slugs))
    slug_of_section = np.array([slugs.index(slug) for slug in all_slugs], dtype=np.int64)

    def section_matches_offsets(df: pd.DataFrame) -> pd.Series:
        position = _source_index(df, source, ids)
        known = position >= 0
        offsets = _numbers(df[start])
        safe = np.maximum(position, 0)
        inside = known & (offsets >= 0) & (offsets < lengths[safe])
        global_offset = np.where(inside, base[safe] + np.nan_to_num(offsets), 0)
        expected = slug_of_section[np.searchsorted(starts, global_offset, side="right") - 1]
        arrow, _ = _strings(df[section])
        if pyarrow.types.is_dictionary(arrow.type):
            arrow = arrow.cast(arrow.type.value_type)
        given = pc.index_in(arrow, value_set=pyarrow.array(slugs, pyarrow.string()))
        given_np = np.asarray(pc.fill_null(given, -1).to_numpy(zero_copy_only=False))
        ok = ~known | (inside & (given_np == expected))
        return _result(ok, df.index)

    return section_matches_offsets


# -- the schema ------------------------------------------------------------------------------------
class ClaimsTable(pa.DataFrameModel):
    """The claims table's columns: one row per claim, the columns of :data:`vocab.CLAIM_COLUMNS`.

    String and list columns carry no pandera dtype: pandera's ``str`` check tests every value in
    Python, so their ``type`` rule is one of our vectorised checks instead.
    """

    id: Series[Any] = pa.Field(nullable=False)
    source_id: Series[Any] = pa.Field(nullable=False)
    section: Series[Any] = pa.Field(nullable=False)
    start: Series[int] = pa.Field(nullable=False)
    end: Series[int] = pa.Field(nullable=False)
    span_sha256: Series[Any] = pa.Field(nullable=False)
    theme: Series[Any] = pa.Field(nullable=False)
    actors: Series[Any] = pa.Field(nullable=False)
    kind: Series[Any] = pa.Field(nullable=False)
    assertion: Series[Any] = pa.Field(nullable=False)
    confidence: Series[float] = pa.Field(nullable=True)  # NaN is named by confidence_finite
    confidence_band: Series[Any] = pa.Field(nullable=False)
    hedges: Series[Any] = pa.Field(nullable=False)

    class Config:
        strict = True
        ordered = False
        name = "claims"


def _check(fn: Callable[..., Any], name: str) -> pa.Check:
    # ignore_na=False: our checks let nulls pass themselves, and pandera would otherwise scan
    # every column (or the whole frame) for nulls once per check
    return pa.Check(fn, name=name, ignore_na=False)


def claims_schema(registry: Registry | None = None) -> pa.DataFrameSchema:
    """The claims table schema, with the registry checks added when a registry is given."""
    schema = ClaimsTable.to_schema()
    columns = dict(schema.columns)
    for name in (*_STRING_COLUMNS, *LIST_COLUMNS):
        columns[name] = columns[name].set_checks([_check(_type_check(name), "type")])
    table_checks = []
    for check in TABLE_CHECKS:
        if check.needs_registry and registry is None:
            continue
        if check.column is not None:
            col = columns[check.column]
            columns[check.column] = col.set_checks(
                [*col.checks, _check(_column_check(check), check.rule)]
            )
        else:
            table_checks.append(_check(_frame_check(check, registry), check.rule))
    return pa.DataFrameSchema(
        columns=columns,
        checks=table_checks,
        strict=schema.strict,
        ordered=schema.ordered,
        name=schema.name,
    )


def prepare_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy of ``frame`` with string and list columns of Python objects in Arrow.

    One conversion per column, in C, instead of one per check; columns that do not convert
    cleanly (wrong types) are left as they are for the checks to locate. Numbers in Arrow-backed
    columns become NumPy (no copy when there is no missing value), as pandera's dtypes expect.
    """
    out = frame.copy(deep=False)
    for name in out.columns:
        s = out[name]
        if name in LIST_COLUMNS or name in _STRING_COLUMNS:
            if s.dtype != object:
                continue
            try:
                arrow = pyarrow.array(s.to_numpy(), from_pandas=True)
            except (pyarrow.ArrowInvalid, pyarrow.ArrowTypeError):
                continue
            if name in LIST_COLUMNS:
                if not pyarrow.types.is_list(arrow.type):
                    continue
                inner = arrow.type.value_type
                if not (_is_string_type(inner) or pyarrow.types.is_null(inner)):
                    continue
                arrow = arrow.cast(_LIST_OF_STRINGS)
            elif not _is_string_type(arrow.type):
                continue
            out[name] = pd.Series(pd.arrays.ArrowExtensionArray(arrow), index=s.index)
        elif name in _NUMERIC_COLUMNS and isinstance(s.dtype, pd.ArrowDtype) and not s.hasnans:
            out[name] = pd.Series(np.asarray(s.array.to_numpy()), index=s.index)
    return out


assert tuple(ClaimsTable.to_schema().columns) == CLAIM_COLUMN_NAMES, "schema drifted from vocab"
