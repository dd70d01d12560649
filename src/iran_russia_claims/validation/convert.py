"""Each claim column to its schema type: the converters step 1 of validating uses.

:data:`CONVERTERS` maps a column kind (text, whole number, number, list of text) to a function
that takes a pandas column and returns a :class:`Typed`: the values in their type, and which
cells are missing, of the wrong type, or not valid Unicode. Valid columns convert in C (Arrow
or NumPy casts); per-value Python runs only on a column holding a wrong value, to locate it.
:func:`empty` and :func:`fill` make marked cells neutral. The pandera engine for pandas uses
the same converters.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: A lone surrogate: a code point UTF-8 cannot encode.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


@dataclass(slots=True)
class Typed:
    """A column converted to its schema type, and which cells could not be."""

    values: Any
    missing: np.ndarray | None = None
    wrong: np.ndarray | None = None
    column_problem: str | None = None
    #: Text cells that are not valid Unicode (a lone surrogate, as a JSON ``\ud800`` escape
    #: without its pair gives): no engine can hold them.
    not_unicode: np.ndarray | None = None


def _arrow_type(dtype: Any) -> Any:
    import pandas as pd

    return dtype.pyarrow_dtype if isinstance(dtype, pd.ArrowDtype) else None


def _arrow_values(s: pd.Series) -> Any:
    """The Arrow data behind an Arrow-backed column, as a ChunkedArray (no copy)."""
    import pyarrow as pa

    values = s.array.__arrow_array__()
    return values if isinstance(values, pa.ChunkedArray) else pa.chunked_array([values])


def _is_object(dtype: Any) -> bool:
    import numpy as np

    return isinstance(dtype, np.dtype) and dtype.kind == "O"


def _all_of(values: np.ndarray, allowed: tuple[type, ...], refused: tuple[type, ...] = ()) -> bool:
    """Whether every value's type is one of ``allowed`` (and none of ``refused``).

    One C loop over the values and a check per distinct type, so the fast paths below are
    taken only where the per-value checks would accept every value.
    """
    import numpy as np
    import pandas as pd

    if not len(values):
        return False
    kinds = pd.unique(np.frompyfunc(type, 1, 1)(values))
    return all(issubclass(k, allowed) and not issubclass(k, refused) for k in kinds)


def _missing_objects(values: np.ndarray, nan_is_missing: bool = True) -> np.ndarray:
    import numpy as np
    import pandas as pd

    if nan_is_missing:
        return np.asarray(pd.isna(values), dtype=bool)
    return np.fromiter((v is None or v is pd.NA for v in values), dtype=bool, count=len(values))


def _as_strings(s: pd.Series, checked: bool) -> Typed:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    dtype = s.dtype
    arrow = _arrow_type(dtype)
    if arrow is not None:
        value = arrow.value_type if pa.types.is_dictionary(arrow) else arrow
        if pa.types.is_string(value) or pa.types.is_large_string(value) or pa.types.is_null(value):
            return Typed(s, missing=np.array(s.isna().to_numpy(), dtype=bool))
    elif isinstance(dtype, pd.StringDtype):
        return Typed(s, missing=np.array(s.isna().to_numpy(), dtype=bool))
    elif isinstance(dtype, pd.CategoricalDtype):
        if pd.api.types.infer_dtype(dtype.categories, skipna=True) in ("string", "empty"):
            return Typed(s, missing=np.array(s.isna().to_numpy(), dtype=bool))
        s = s.astype(object)
        dtype = s.dtype
    if not _is_object(dtype):
        return Typed(s, column_problem=f"the column holds {dtype} values; it must hold text")
    values = s.to_numpy()
    missing = _missing_objects(values)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        not_unicode = _not_unicode(values) if _has_surrogate(values) else None
        return Typed(s, missing=missing, not_unicode=not_unicode)
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    not_unicode = _not_unicode(values) if _has_surrogate(values[is_str]) else None
    return Typed(s, missing=missing, wrong=~is_str & ~missing, not_unicode=not_unicode)


def _has_surrogate(strings: np.ndarray) -> bool:
    """Whether any of these strings (and missing values) holds a lone surrogate: one search
    over their joined text, so valid text costs one pass in C."""
    import pyarrow as pa

    try:
        pa.array(strings, pa.string(), from_pandas=True)
    except UnicodeEncodeError:
        return True
    except (pa.ArrowException, TypeError, ValueError):  # not all text: search each
        return any(isinstance(v, str) and _SURROGATE.search(v) for v in strings)
    return False


def _not_unicode(values: np.ndarray) -> np.ndarray:
    """The cells holding text, or a list with text, that is not valid Unicode."""
    import numpy as np

    def faulty(value: Any) -> bool:
        if isinstance(value, str):
            return _SURROGATE.search(value) is not None
        if isinstance(value, list | tuple | np.ndarray):
            return any(isinstance(x, str) and _SURROGATE.search(x) for x in value)
        return False

    return np.fromiter((faulty(v) for v in values), dtype=bool, count=len(values))


def _as_integers(s: pd.Series, checked: bool) -> Typed:
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    numeric = not isinstance(dtype, pd.CategoricalDtype) and not _is_object(dtype)
    if numeric and pd.api.types.is_integer_dtype(dtype):
        missing = np.array(s.isna().to_numpy(), dtype=bool)
        if getattr(dtype, "kind", "") == "u" or str(dtype).lower().startswith("uint"):
            too_big = np.array((s > np.iinfo(np.int64).max).fillna(False).to_numpy(), dtype=bool)
            values = s.where(~too_big, 0).to_numpy(dtype=np.int64, na_value=0)
            return Typed(values, missing=missing, wrong=too_big)
        return Typed(s.to_numpy(dtype=np.int64, na_value=0), missing=missing)
    if numeric and pd.api.types.is_float_dtype(dtype):
        return Typed(
            s,
            column_problem=f"the column holds {dtype} values (decimals); it must hold whole "
            "numbers (pandas turns whole numbers into floats when a value is missing: fill "
            "the gaps, or use the Int64 dtype)",
        )
    if not _is_object(dtype):
        return Typed(
            s, column_problem=f"the column holds {dtype} values; it must hold whole numbers"
        )
    values = s.to_numpy()
    if _all_of(values, (int, np.integer), (bool, np.bool_)):  # valid data: one cast in C
        try:
            out = values.astype(np.int64)
        except OverflowError:  # beyond int64: the loop below locates it
            pass
        else:
            none = np.zeros(len(values), dtype=bool)
            return Typed(out, missing=none, wrong=none.copy())
    limit = np.iinfo(np.int64)
    is_int = np.fromiter(
        (
            isinstance(v, int | np.integer)
            and not isinstance(v, bool | np.bool_)
            and limit.min <= v <= limit.max
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = _missing_objects(values) & ~is_int
    out = np.zeros(len(values), dtype=np.int64)
    out[is_int] = [int(v) for v in values[is_int]]
    return Typed(out, missing=missing, wrong=~is_int & ~missing)


def _as_numbers(s: pd.Series, checked: bool) -> Typed:
    import numpy as np
    import pandas as pd

    dtype = s.dtype
    numeric = not isinstance(dtype, pd.CategoricalDtype) and not _is_object(dtype)
    if numeric and not pd.api.types.is_bool_dtype(dtype) and pd.api.types.is_numeric_dtype(dtype):
        missing = np.array(s.isna().to_numpy(), dtype=bool)
        if isinstance(dtype, np.dtype) and dtype.kind == "f":  # NaN is a number, not missing
            missing = np.zeros(len(s), dtype=bool)
        return Typed(s.to_numpy(dtype=np.float64, na_value=np.nan), missing=missing)
    if not _is_object(dtype):
        return Typed(s, column_problem=f"the column holds {dtype} values; it must hold numbers")
    values = s.to_numpy()
    if _all_of(values, (int, float, np.integer, np.floating), (bool, np.bool_)):
        try:  # valid data: one cast in C
            out = values.astype(np.float64)
        except OverflowError:  # an int beyond float: the loop below behaves as before
            pass
        else:
            none = np.zeros(len(values), dtype=bool)
            return Typed(out, missing=none, wrong=none.copy())
    is_number = np.fromiter(
        (
            isinstance(v, int | float | np.number) and not isinstance(v, bool | np.bool_)
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = _missing_objects(values, nan_is_missing=False) & ~is_number
    out = np.full(len(values), np.nan)
    out[is_number] = [float(v) for v in values[is_number]]
    return Typed(out, missing=missing, wrong=~is_number & ~missing)


def _as_lists(s: pd.Series, checked: bool) -> Typed:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = _arrow_type(s.dtype)
    if arrow is not None and (pa.types.is_list(arrow) or pa.types.is_large_list(arrow)):
        inner = arrow.value_type
        if pa.types.is_string(inner) or pa.types.is_large_string(inner) or pa.types.is_null(inner):
            missing = np.array(s.isna().to_numpy(), dtype=bool)
            array = _arrow_values(s).cast(pa.list_(pa.string()))
            wrong = None
            if not checked:
                flat = pc.list_flatten(array)
                if flat.null_count:
                    parents = pc.list_parent_indices(array).to_numpy()
                    wrong = np.zeros(len(s), dtype=bool)
                    wrong[parents[flat.is_null().to_numpy(zero_copy_only=False)]] = True
            lists = pd.Series(pd.arrays.ArrowExtensionArray(array), index=s.index)
            return Typed(lists, missing=missing, wrong=wrong)
    if not _is_object(s.dtype):
        return Typed(
            s, column_problem=f"the column holds {s.dtype} values; it must hold lists of strings"
        )
    values = s.to_numpy()
    arrow = _lists_at_once(values)
    if arrow is not None:
        none = np.zeros(len(values), dtype=bool)
        lists = pd.Series(pd.arrays.ArrowExtensionArray(arrow), index=s.index)
        return Typed(lists, missing=none, wrong=none.copy())
    is_list = np.fromiter(
        (
            isinstance(v, list | tuple) or (isinstance(v, np.ndarray) and v.ndim == 1)
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    missing = np.fromiter(
        (not is_list[i] and _is_missing_scalar(v) for i, v in enumerate(values)),
        dtype=bool,
        count=len(values),
    )
    wrong = ~is_list & ~missing
    # each list's items as iterating it gives them (never its len(), which a subclass can
    # fake); a list whose iteration fails is of the wrong type
    items: list[list[Any] | None] = [None] * len(values)
    for position in np.flatnonzero(is_list):
        try:
            items[position] = [x for x in values[position]]  # a comprehension: no len()
        except Exception:  # a subclass whose iteration raises
            wrong[position] = True
    if not checked:
        for position in np.flatnonzero(is_list & ~wrong):
            if not all(isinstance(x, str) for x in items[position] or ()):
                wrong[position] = True
    # the good cells as Arrow list<string> (an empty NumPy array is a float array, which no
    # engine should take as the column's type), the others null
    cells = np.empty(len(items), dtype=object)
    for index, cell in enumerate(items):  # one by one: lists of one length stay cells
        cells[index] = cell
    not_unicode = _not_unicode(cells) & ~wrong if is_list.any() else None
    good = is_list & ~wrong & (~not_unicode if not_unicode is not None else True)
    kept = [cell if ok else None for cell, ok in zip(items, good, strict=True)]
    try:
        arrow = pa.array(kept, pa.list_(pa.string()))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # elements the reader vouched for, yet not text
        return Typed(s, missing=missing, wrong=wrong)
    lists = pd.Series(pd.arrays.ArrowExtensionArray(arrow), index=s.index)
    return Typed(lists, missing=missing, wrong=wrong, not_unicode=not_unicode)


def _lists_at_once(values: np.ndarray) -> Any:
    """Python lists of strings as one Arrow list<string> array, converted in C; None unless
    every cell is a list, tuple or 1-D array of strings with no null anywhere.

    Anything else (a null, a set, a number, a non-string element) is left to the per-value
    checks, which locate it: so per-value Python runs only on a column with a problem.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not _all_of(values, (list, tuple, np.ndarray)):
        return None
    if any(isinstance(v, np.ndarray) and v.ndim != 1 for v in values):
        return None
    try:  # a list subclass may refuse to be iterated
        elements = np.fromiter(itertools.chain.from_iterable(values), dtype=object)
    except Exception:
        return None
    if len(elements) and not _all_of(elements, (str,)):  # a list inside a list, a number...
        return None  # never handed to pyarrow to infer: a list holding itself has no end
    try:
        arrow = pa.array(values, pa.list_(pa.string()), from_pandas=True)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):  # e.g. a lone surrogate
        return None
    if arrow.null_count or pc.list_flatten(arrow).null_count:
        return None
    return arrow


def _is_missing_scalar(value: Any) -> bool:
    import pandas as pd

    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


CONVERTERS: Final[dict[str, Callable[[Any, bool], Typed]]] = {
    "string": _as_strings,
    "integer": _as_integers,
    "number": _as_numbers,
    "list": _as_lists,
}


def empty(kind: str, n: int) -> Any:
    """A column of the right type whose every cell is marked bad."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    if kind == "integer":
        return -1 - np.arange(n, dtype=np.int64)
    if kind == "number":
        return np.full(n, np.nan)
    arrow = pa.nulls(n, pa.string() if kind == "string" else pa.list_(pa.string()))
    return pd.arrays.ArrowExtensionArray(arrow)


def fill(kind: str, values: Any, mask: np.ndarray) -> Any:
    """Values with every marked cell made neutral: null for text and lists (the schema's checks
    pass nulls), a distinct negative number for offsets (no false duplicate), NaN for numbers."""
    import numpy as np
    import pandas as pd

    if not mask.any():
        return values
    if kind == "integer":
        out = np.array(values, dtype=np.int64, copy=True)
        out[mask] = -1 - np.flatnonzero(mask)
        return out
    if kind == "number":
        out = np.array(values, dtype=np.float64, copy=True)
        out[mask] = np.nan
        return out
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.ArrowDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        array = _arrow_values(series)
        array = pc.if_else(pa.array(mask), pa.scalar(None, array.type), array)
        return pd.arrays.ArrowExtensionArray(array)
    kept = np.where(mask, np.array(None, dtype=object), series.to_numpy(dtype=object))
    import pyarrow as pa

    arrow_type = pa.string() if kind == "string" else pa.list_(pa.string())
    try:  # typed even when every cell is marked (an all-null object column has no type)
        return pd.arrays.ArrowExtensionArray(pa.array(kept, arrow_type, from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # pragma: no cover - kept cells are typed
        return kept
