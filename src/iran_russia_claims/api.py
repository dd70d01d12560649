"""The one-line entry points: every shipped table, in the dataframe library of your choice.

In the style of ``sklearn.datasets``: ``load(name, as_frame=..., backend=...)`` reads the
exported Parquet file of one table (validated at export time) with pyarrow and hands it over
as a pandas or Polars frame, an Arrow table, or plain records; ``files()`` gives the paths of the
shipped exports for any other tool. Nothing here imports pandera, and only the backend asked
for is imported, so ``import iran_russia_claims; load()`` costs what reading the file costs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args, overload

from iran_russia_claims.resources import exported, exports_dir
from iran_russia_claims.spec.problem import DataError, Problem

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from iran_russia_claims.spec.manifest import Manifest
    from iran_russia_claims.spec.models import Actor, Claim, Source

TableName = Literal[
    "claims",
    "actors",
    "sources",
    "sections",
    "claim_actors",
    "claim_dyads",
    "claim_relations",
    "claim_coding",
]
Backend = Literal["pandas", "polars", "pyarrow"]
#: The backends ``load`` can hand a table to.
BACKENDS: Final[tuple[str, ...]] = get_args(Backend)
CLAIMS_PARQUET = "claims.parquet"
ACTORS_JSON = "actors.json"
SOURCES_JSON = "sources.json"


@overload
def load(
    name: TableName = ..., *, as_frame: Literal[True] = ..., backend: Literal["pandas"] = ...
) -> pd.DataFrame: ...
@overload
def load(
    name: TableName = ..., *, as_frame: Literal[True] = ..., backend: Literal["polars"]
) -> pl.DataFrame: ...
@overload
def load(
    name: TableName = ..., *, as_frame: Literal[True] = ..., backend: Literal["pyarrow"]
) -> pa.Table: ...
@overload
def load(
    name: TableName = ..., *, as_frame: Literal[False], backend: Backend = ...
) -> list[dict[str, Any]]: ...


def load(
    name: TableName = "claims", *, as_frame: bool = True, backend: Backend = "pandas"
) -> pd.DataFrame | pl.DataFrame | pa.Table | list[dict[str, Any]]:
    """One shipped table: ``claims`` (the default), ``actors``, ``sources``, ``sections``,
    ``claim_actors``, or a link table: ``claim_dyads``, ``claim_relations``, ``claim_coding``.

    With ``as_frame`` (the default), a frame of the ``backend`` library: in **pandas**,
    vocabulary columns are categoricals over the whole vocabulary (the confidence band ordered,
    lowest first), integers int64, numbers float64, list columns Python lists of str, text
    ``object`` (``None`` where an optional value is absent; see ``frame.DTYPES`` for claims); in
    **Polars**, vocabulary columns are ``pl.Enum`` over the vocabulary and lists ``List(String)``;
    in **pyarrow**, the table as stored (vocabularies dictionary-encoded). With
    ``as_frame=False``, plain records (dicts of str, int, float, list and None).
    """
    from iran_russia_claims.publish.tables import tables

    by_name = {t.name: t for t in tables()}
    if name not in by_name:
        raise DataError(
            [
                Problem(
                    "readable",
                    f"there is no shipped table {name!r}",
                    "load()",
                    hint=f"ask for one of {', '.join(repr(t) for t in by_name)}",
                )
            ]
        )
    if backend not in BACKENDS:
        raise DataError(
            [
                Problem(
                    "readable",
                    f"load() cannot hand a table to {backend!r}",
                    "load()",
                    hint=f"use backend= one of {', '.join(repr(b) for b in BACKENDS)}",
                )
            ]
        )
    import pyarrow as pa
    import pyarrow.parquet as pq

    from iran_russia_claims.publish import frame

    # read whole, on this thread, without pyarrow.dataset (which starts a thread pool): no Arrow
    # thread is left for the interpreter's exit to tear down, which aborted a script now and
    # then ("terminate called without an active exception": apache/arrow#34314)
    source = pa.BufferReader(exported(f"{name}.parquet").read_bytes())
    data = pq.ParquetFile(source).read(use_threads=False)
    table = by_name[name]
    if not as_frame:
        return frame.arrow_records(data)
    if backend == "pyarrow":
        return data
    if backend == "polars":
        return frame.to_polars(data, table)
    return frame.to_pandas(data, table)


def files() -> dict[str, Path]:
    """The path of every shipped export file (``claims.csv``, ``claims.parquet``,
    ``datapackage.json``, ...), by file name, for tools that read files: R, DuckDB, a
    spreadsheet. All of them sit in one folder: ``files()["claims.csv"].parent``."""
    folder = exports_dir()
    return {path.name: path for path in sorted(folder.iterdir()) if path.is_file()}


def _json(name: str) -> list[dict[str, Any]]:
    with exported(name).open("rb") as handle:
        data: list[dict[str, Any]] = json.load(handle)
    return data


def claims() -> list[Claim]:
    """All claims as validated pydantic :class:`Claim` objects."""
    from iran_russia_claims.spec.models import Claim

    return [Claim.model_validate(record) for record in load(as_frame=False)]


def actors() -> list[Actor]:
    """The actor registry."""
    from iran_russia_claims.spec.models import Actor

    return [Actor.model_validate(record) for record in _json(ACTORS_JSON)]


def sources() -> list[Source]:
    """The source registry, sections included."""
    from iran_russia_claims.spec.models import Source

    return [Source.model_validate(record) for record in _json(SOURCES_JSON)]


def manifest() -> Manifest:
    """The shipped collection's manifest: its name, title, version, licence and creators."""
    from iran_russia_claims.readers.collection import read_manifest
    from iran_russia_claims.resources import shipped_dataset

    return read_manifest(str(shipped_dataset()))
