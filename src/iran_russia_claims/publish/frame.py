"""Records and exported tables to pandas (and Polars), with the documented dtypes, and back.

Vocabulary columns are categoricals whose categories are the full vocabulary in its defined
order (the band ordered from lowest to highest), offsets are int64, confidence is float64, and
``actors``/``hedges`` hold Python lists of str.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iran_russia_claims.spec.vocab import (
    CLAIM_COLUMN_NAMES,
    CLAIM_COLUMNS,
    LIST_COLUMNS,
    ORDINAL_VOCABULARIES,
    VOCABULARY_COLUMNS,
)

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from iran_russia_claims.publish.tables import Table

#: The dtype of each column of a frame returned by :func:`iran_russia_claims.load`.
#: (A vocabulary column is a categorical; other columns follow the column's type.)
_BY_TYPE: dict[str, str] = {
    "integer": "int64",
    "number": "float64",
    "boolean": "bool",
    "string": "object (str)",
    "list": "object (list of str)",
}
DTYPES: dict[str, str] = {
    c.name: "category" if c.vocabulary else _BY_TYPE[c.type] for c in CLAIM_COLUMNS
}


def apply_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a frame of claim columns the documented dtypes (in place order of CLAIM_COLUMNS)."""
    import pandas as pd

    out = frame.loc[:, list(CLAIM_COLUMN_NAMES)].copy()
    for name, vocabulary in VOCABULARY_COLUMNS.items():
        values = [str(v) for v in vocabulary]
        categorical = pd.CategoricalDtype(values, ordered=vocabulary in ORDINAL_VOCABULARIES)
        out[name] = out[name].astype(object).astype(categorical)
    for name, dtype in DTYPES.items():
        if dtype == "int64":
            out[name] = out[name].astype("int64")
        elif dtype == "float64":
            out[name] = out[name].astype("float64")
        elif dtype == "object (str)":
            out[name] = out[name].astype(object)
    for name in LIST_COLUMNS:
        out[name] = [list(map(str, v)) for v in out[name]]
    return out.reset_index(drop=True)


def records_to_frame(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A claims frame from plain records (dicts with the claim columns)."""
    import pandas as pd

    frame = pd.DataFrame.from_records(list(records), columns=list(CLAIM_COLUMN_NAMES))
    return apply_dtypes(frame)


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain records (str for vocabularies, lists for list columns) from a claims frame."""
    records = []
    for row in frame.loc[:, list(CLAIM_COLUMN_NAMES)].itertuples(index=False, name=None):
        record = dict(zip(CLAIM_COLUMN_NAMES, row, strict=True))
        for name in VOCABULARY_COLUMNS:
            record[name] = str(record[name])
        for name in ("start", "end"):
            record[name] = int(record[name])
        record["confidence"] = float(record["confidence"])
        for name in LIST_COLUMNS:
            record[name] = [str(v) for v in record[name]]
        records.append(record)
    return records


# -- any published table, from its Arrow rendering ----------------------------------------------
def arrow_records(data: pa.Table) -> list[dict[str, Any]]:
    """Plain records of an exported table (vocabularies as str, lists as lists, None where an
    optional value is absent)."""
    records: list[dict[str, Any]] = data.to_pylist()
    return records


def to_pandas(data: pa.Table, table: Table) -> pd.DataFrame:
    """A published table as pandas, typed from its definition: vocabularies categorical over
    the whole vocabulary (ordered where the vocabulary is ordinal), integers int64 (``Int64``
    when optional), numbers float64, lists Python lists of str, text ``object`` with ``None``
    where absent. For the claims this is exactly :data:`DTYPES`."""
    import pandas as pd

    columns: dict[str, Any] = {}
    for field in table.fields:
        values = data.column(field.name).to_pylist()
        if field.vocabulary is not None:
            dtype = pd.CategoricalDtype(list(field.vocabulary), ordered=field.ordered)
            columns[field.name] = pd.Series(values, dtype=object).astype(dtype)
        elif field.type == "integer":
            columns[field.name] = pd.Series(values, dtype="int64" if field.required else "Int64")
        elif field.type == "number":
            columns[field.name] = pd.Series(values, dtype="float64")
        elif field.type == "boolean":
            columns[field.name] = pd.Series(values, dtype="bool" if field.required else "boolean")
        else:  # text and lists of text stay Python objects
            columns[field.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(columns, index=pd.RangeIndex(data.num_rows))


def to_polars(data: pa.Table, table: Table) -> pl.DataFrame:
    """A published table as Polars, vocabulary columns as ``pl.Enum`` over the vocabulary (so
    the band sorts lowest first), the rest as Arrow gives them."""
    import polars as pl

    frame = pl.from_arrow(data)
    assert isinstance(frame, pl.DataFrame)
    return frame.with_columns(
        pl.col(f.name).cast(pl.String).cast(pl.Enum(list(f.vocabulary)))
        for f in table.fields
        if f.vocabulary is not None
    ).select(table.field_names)
