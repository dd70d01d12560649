"""The one-line entry points: the claims and registries as shipped inside the package.

Loading reads the exported Parquet file with pyarrow (already validated at export time); it
does not import pandera, so ``import iran_russia_claims; load()`` stays as cheap as reading the
file with pandas.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, overload

from iran_russia_claims.resources import exported

if TYPE_CHECKING:
    import pandas as pd

    from iran_russia_claims.spec.manifest import Manifest
    from iran_russia_claims.spec.models import Actor, Claim, Source

CLAIMS_PARQUET = "claims.parquet"
ACTORS_JSON = "actors.json"
SOURCES_JSON = "sources.json"


@overload
def load(*, as_frame: Literal[True] = ...) -> pd.DataFrame: ...
@overload
def load(*, as_frame: Literal[False]) -> list[dict[str, Any]]: ...


def load(*, as_frame: bool = True) -> pd.DataFrame | list[dict[str, Any]]:
    """All claims, as a pandas DataFrame with the documented dtypes, or as plain records.

    Vocabulary columns are categoricals over the whole vocabulary, ``start``/``end`` int64,
    ``confidence`` float64, ``actors``/``hedges`` lists of str (see ``frame.DTYPES``).
    """
    import pyarrow.parquet as pq

    from iran_russia_claims.publish.frame import apply_dtypes, frame_to_records

    with exported(CLAIMS_PARQUET).open("rb") as handle:
        table = pq.read_table(handle)
    frame = apply_dtypes(table.to_pandas())
    return frame if as_frame else frame_to_records(frame)


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
