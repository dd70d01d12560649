"""Table-level validation with pandera: the claims table as a whole.

The per-column rules are the same as the pydantic model's (read from :mod:`vocab` and named as
in :mod:`rules`); the table adds what one record cannot see: unique ids and spans, and, given a
:class:`~iran_russia_claims.models.Registry`, registered actors and sources and sections that
agree with the offsets. Every check is vectorised: list columns are exploded once per check,
never looped over in Python. Importing this module imports pandera, so the package imports it
only when a table is validated.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from iran_russia_claims.models import Registry
from iran_russia_claims.rules import CONTROL_CHARS_REGEX
from iran_russia_claims.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    BAND_UPPER_BOUNDS,
    CLAIM_COLUMN_NAMES,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    FORMULA_PREFIXES,
    HEDGE_MAX_CHARS,
    HEDGE_MAX_WORDS,
    ID_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    Band,
    Kind,
    Theme,
)

_BANDS = np.array([b.value for b in BAND_UPPER_BOUNDS], dtype=object)
_UPPERS = np.array(list(BAND_UPPER_BOUNDS.values()))
_LIST_TYPES = (list, tuple, np.ndarray)


def _is_list(s: pd.Series) -> pd.Series:
    return s.map(type).isin(_LIST_TYPES)


def _explode(s: pd.Series) -> pd.Series:
    """One row per list element, index kept, non-lists and empty lists dropped."""
    return s[_is_list(s)].explode().dropna()


def _all_per_row(element_ok: pd.Series, index: pd.Index) -> pd.Series:
    """Reduce element results back to one boolean per row (True where every element passed)."""
    bad = element_ok.index[~element_ok.to_numpy(dtype=bool)]
    return pd.Series(~index.isin(bad), index=index)


def _str_ok(s: pd.Series, ok: pd.Series) -> pd.Series:
    """Turn a .str result (NaN for non-strings) into booleans where non-strings fail."""
    return ok.fillna(False).astype(bool)


def expected_band(confidence: pd.Series) -> pd.Series:
    """The band for each confidence, vectorised; values outside the bands map to None."""
    values = confidence.to_numpy(dtype=float, na_value=np.nan)
    idx = np.searchsorted(_UPPERS, values, side="left")
    valid = (values >= CONFIDENCE_MIN) & (values <= CONFIDENCE_MAX)
    out = np.where(valid, _BANDS[np.minimum(idx, len(_BANDS) - 1)], None)
    return pd.Series(out, index=confidence.index, dtype=object)


class ClaimsTable(pa.DataFrameModel):
    """The claims table: one row per claim, the columns of :data:`vocab.CLAIM_COLUMNS`."""

    id: Series[str] = pa.Field(nullable=False)
    source_id: Series[str] = pa.Field(nullable=False)
    section: Series[str] = pa.Field(nullable=False)
    start: Series[int] = pa.Field(nullable=False)
    end: Series[int] = pa.Field(nullable=False)
    span_sha256: Series[str] = pa.Field(nullable=False)
    theme: Series[Any] = pa.Field(nullable=False)
    actors: Series[Any] = pa.Field(nullable=False)
    kind: Series[Any] = pa.Field(nullable=False)
    assertion: Series[str] = pa.Field(nullable=False)
    confidence: Series[float] = pa.Field(nullable=True)  # NaN is named by confidence_finite
    confidence_band: Series[Any] = pa.Field(nullable=False)
    hedges: Series[Any] = pa.Field(nullable=False)

    class Config:
        strict = True
        ordered = False
        name = "claims"

    # -- per column ---------------------------------------------------------------------------
    @pa.check("id", name="id_pattern")
    def id_pattern(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, s.str.fullmatch(ID_PATTERN[1:-1]))

    @pa.check("id", name="id_unique")
    def id_unique(cls, s: pd.Series) -> pd.Series:
        return ~s.duplicated(keep=False)

    @pa.check("section", name="section_pattern")
    def section_pattern(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, s.str.fullmatch(SLUG_PATTERN[1:-1]))

    @pa.check("start", name="start_non_negative")
    def start_non_negative(cls, s: pd.Series) -> pd.Series:
        return s >= 0

    @pa.check("span_sha256", name="sha256_pattern")
    def sha256_pattern(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, s.str.fullmatch(SHA256_PATTERN[1:-1]))

    @pa.check("theme", name="theme_vocabulary")
    def theme_vocabulary(cls, s: pd.Series) -> pd.Series:
        return s.isin([t.value for t in Theme])

    @pa.check("kind", name="kind_vocabulary")
    def kind_vocabulary(cls, s: pd.Series) -> pd.Series:
        return s.isin([k.value for k in Kind])

    @pa.check("confidence_band", name="band_vocabulary")
    def band_vocabulary(cls, s: pd.Series) -> pd.Series:
        return s.isin([b.value for b in Band])

    @pa.check("actors", name="type")
    def actors_type(cls, s: pd.Series) -> pd.Series:
        return _is_list(s)

    @pa.check("actors", name="actors_non_empty")
    def actors_non_empty(cls, s: pd.Series) -> pd.Series:
        return ~_is_list(s) | (s.str.len() > 0)

    @pa.check("actors", name="actors_pattern")
    def actors_pattern(cls, s: pd.Series) -> pd.Series:
        flat = _explode(s)
        return _all_per_row(_str_ok(flat, flat.str.fullmatch(ACTOR_CODE_PATTERN[1:-1])), s.index)

    @pa.check("actors", name="actors_unique")
    def actors_unique(cls, s: pd.Series) -> pd.Series:
        flat = _explode(s)
        frame = pd.DataFrame({"row": flat.index, "code": flat.to_numpy()})
        dup = frame.duplicated(keep=False).to_numpy()
        return pd.Series(~s.index.isin(frame["row"][dup]), index=s.index)

    @pa.check("assertion", name="assertion_length")
    def assertion_length(cls, s: pd.Series) -> pd.Series:
        n = s.str.len()
        return _str_ok(s, (n >= ASSERTION_MIN_CHARS) & (n <= ASSERTION_MAX_CHARS))

    @pa.check("assertion", name="assertion_trimmed")
    def assertion_trimmed(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, s.str.strip() == s)

    @pa.check("assertion", name="assertion_no_control_chars")
    def assertion_no_control_chars(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, ~s.str.contains(CONTROL_CHARS_REGEX, regex=True).astype("boolean"))

    @pa.check("assertion", name="assertion_no_formula")
    def assertion_no_formula(cls, s: pd.Series) -> pd.Series:
        return _str_ok(s, ~s.str.startswith(FORMULA_PREFIXES).astype("boolean"))

    @pa.check("confidence", name="confidence_finite", ignore_na=False)
    def confidence_finite(cls, s: pd.Series) -> pd.Series:
        return pd.Series(np.isfinite(s.to_numpy(dtype=float)), index=s.index)

    @pa.check("confidence", name="confidence_range")
    def confidence_range(cls, s: pd.Series) -> pd.Series:
        values = s.to_numpy(dtype=float)
        return pd.Series(
            ~np.isfinite(values) | ((values >= CONFIDENCE_MIN) & (values <= CONFIDENCE_MAX)),
            index=s.index,
        )

    @pa.check("hedges", name="type")
    def hedges_type(cls, s: pd.Series) -> pd.Series:
        return _is_list(s)

    @pa.check("hedges", name="hedges_words")
    def hedges_words(cls, s: pd.Series) -> pd.Series:
        flat = _explode(s)
        as_str = flat.astype(str)
        ok = (
            flat.map(type).eq(str)
            & (as_str.str.len() > 0)
            & (as_str.str.len() <= HEDGE_MAX_CHARS)
            & (as_str.str.strip() == as_str)
            & (as_str.str.count(r"\s+") < HEDGE_MAX_WORDS)
            & ~as_str.str.contains(CONTROL_CHARS_REGEX, regex=True)
        )
        return _all_per_row(ok, s.index)

    # -- across columns -----------------------------------------------------------------------
    @pa.dataframe_check(name="offsets_ordered")
    def offsets_ordered(cls, df: pd.DataFrame) -> pd.Series:
        return df["start"] < df["end"]

    @pa.dataframe_check(name="band_matches_confidence")
    def band_matches_confidence(cls, df: pd.DataFrame) -> pd.Series:
        expected = expected_band(df["confidence"])
        return expected.isna() | (df["confidence_band"].astype(object) == expected)

    @pa.dataframe_check(name="span_unique")
    def span_unique(cls, df: pd.DataFrame) -> pd.Series:
        key = ["source_id", "start", "end", "assertion"]
        return ~df[key].duplicated(keep=False)


def _registry_checks(registry: Registry) -> list[pa.Check]:
    """Table checks that need the registries: they close over them."""
    actor_codes = list(registry.actors)
    lengths = {sid: src.length for sid, src in registry.sources.items()}

    def source_registered(df: pd.DataFrame) -> pd.Series:
        return df["source_id"].isin(list(lengths))

    def actors_registered(df: pd.DataFrame) -> pd.Series:
        flat = _explode(df["actors"])
        return _all_per_row(flat.isin(actor_codes), df.index)

    def end_within_source(df: pd.DataFrame) -> pd.Series:
        limit = df["source_id"].astype(object).map(lengths)
        return limit.isna() | (df["end"] <= limit)

    def section_matches_offsets(df: pd.DataFrame) -> pd.Series:
        ok = pd.Series(True, index=df.index)
        for sid, src in registry.sources.items():
            rows = df["source_id"].astype(object).eq(sid).to_numpy()
            if not rows.any():
                continue
            starts = np.array([sec.start for sec in src.sections])
            slugs = np.array([sec.slug for sec in src.sections], dtype=object)
            offsets = df["start"].to_numpy()[rows]
            pos = np.clip(np.searchsorted(starts, offsets, side="right") - 1, 0, len(starts) - 1)
            inside = (offsets >= 0) & (offsets < src.length)
            expected = np.where(inside, slugs[pos], None)
            ok.iloc[np.flatnonzero(rows)] = df["section"].astype(object).to_numpy()[rows] == expected
        return ok

    return [
        pa.Check(fn, name=fn.__name__)
        for fn in (source_registered, actors_registered, end_within_source, section_matches_offsets)
    ]


def claims_schema(registry: Registry | None = None) -> pa.DataFrameSchema:
    """The claims table schema, with the registry checks added when a registry is given."""
    schema = ClaimsTable.to_schema()
    if registry is None:
        return schema
    schema = copy.deepcopy(schema)
    schema.checks = [*schema.checks, *_registry_checks(registry)]
    return schema


assert tuple(ClaimsTable.to_schema().columns) == CLAIM_COLUMN_NAMES, "schema drifted from vocab"
