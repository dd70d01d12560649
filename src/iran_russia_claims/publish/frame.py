"""Records to pandas and back, with the documented dtypes.

Vocabulary columns are categoricals whose categories are the full vocabulary in its defined
order (the band ordered from lowest to highest), offsets are int64, confidence is float64, and
``actors``/``hedges`` hold Python lists of str.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, LIST_COLUMNS, VOCABULARY_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

#: The dtype of each column of a frame returned by :func:`iran_russia_claims.load`.
DTYPES: dict[str, str] = {
    name: (
        "category"
        if name in VOCABULARY_COLUMNS
        else "object (list of str)"
        if name in LIST_COLUMNS
        else {"start": "int64", "end": "int64", "confidence": "float64"}.get(name, "object (str)")
    )
    for name in CLAIM_COLUMN_NAMES
}


def apply_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a frame of claim columns the documented dtypes (in place order of CLAIM_COLUMNS)."""
    import pandas as pd

    out = frame.loc[:, list(CLAIM_COLUMN_NAMES)].copy()
    for name, vocabulary in VOCABULARY_COLUMNS.items():
        values = [str(v) for v in vocabulary]
        dtype = pd.CategoricalDtype(values, ordered=name == "confidence_band")
        out[name] = out[name].astype(object).astype(dtype)
    for name in ("start", "end"):
        out[name] = out[name].astype("int64")
    for name in CLAIM_COLUMN_NAMES:
        if DTYPES[name] == "object (str)":
            out[name] = out[name].astype(object)
    out["confidence"] = out["confidence"].astype("float64")
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
