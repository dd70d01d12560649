"""The claims table as a pandera schema on Polars (``pandera.polars``), from the one definition.

Columns and dtypes come from :data:`~iran_russia_claims.spec.vocab.CLAIM_COLUMNS`; every check
is a rule of :mod:`iran_russia_claims.spec.rules`, named as the rule, returning the rule's own
mask (:func:`~iran_russia_claims.spec.evaluate.find_failures`). :func:`validate_polars_frame`
gives the report ``validate`` gives. Needs Polars and ``pandera[polars]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandera.polars as pa
import polars as pl

from iran_russia_claims.spec.evaluate import find_failures, plain_strings, polars_types
from iran_russia_claims.spec.rules import Context, Rule, applicable
from iran_russia_claims.spec.vocab import ID_PREFIX

if TYPE_CHECKING:
    from pandera.api.polars.types import PolarsData

    from iran_russia_claims.spec.models import Registry
    from iran_russia_claims.validation.report import ValidationReport

#: Columns that may hold nulls in the pandera schema (a null confidence: confidence_finite).
NULLABLE: Final = frozenset({"confidence"})


def _rule_check(rule: Rule, ctx: Context) -> pa.Check:
    """A table check whose mask is the rule's own expression on the frame."""

    def check(data: PolarsData) -> pl.LazyFrame:
        frame = plain_strings(data.lazyframe.collect())
        ok = np.ones(frame.height, dtype=bool)
        if set(rule.inputs) <= set(frame.columns):
            ok[find_failures(frame, ctx, [rule]).positions.get(rule.name, [])] = False
        return pl.LazyFrame({rule.name: ok})

    return pa.Check(check, name=rule.name)


def polars_schema(
    registry: Registry | None = None, *, id_prefix: str = ID_PREFIX
) -> pa.DataFrameSchema:
    """The claims schema on Polars, with the registry rules when a registry is given."""
    ctx = Context.of(registry, id_prefix)
    columns = {
        name: pa.Column(dtype, nullable=name in NULLABLE, name=name)
        for name, dtype in polars_types().items()
    }
    checks = [_rule_check(rule, ctx) for rule in applicable(ctx)]
    return pa.DataFrameSchema(columns=columns, checks=checks, strict=True, name="claims")


def validate_polars_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
    **_: Any,
) -> ValidationReport:
    """Validate a Polars frame: the same report as ``validate_frame`` (rows: 0-based positions
    plus ``row_offset``)."""
    from iran_russia_claims.validation.run import validate_frame

    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return validate_frame(
        plain_strings(data).to_pandas(use_pyarrow_extension_array=True),
        registry,
        target=target,
        row_offset=row_offset,
    )
