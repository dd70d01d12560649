"""The claims table as a pandera schema on Polars (``pandera.polars``), from the one definition.

Columns and dtypes come from :data:`~iran_russia_claims.spec.vocab.CLAIM_COLUMNS`; every check
is a rule of :mod:`iran_russia_claims.spec.rules`, named as the rule, returning the rule's own
mask (:func:`~iran_russia_claims.spec.evaluate.find_failures`, all rules in one pass per
frame). Needs ``pandera[polars]`` (the ``polars`` extra). :func:`validate_polars_frame` gives
the report ``validate`` gives, without pandera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandera.polars as pa
import polars as pl

from iran_russia_claims.spec.evaluate import find_failures, plain_strings, polars_types
from iran_russia_claims.spec.rules import NULL_CHECKED, Context, Rule, applicable, columns_read

if TYPE_CHECKING:
    from pandera.api.polars.types import PolarsData

    from iran_russia_claims.spec.models import Registry
    from iran_russia_claims.validation.report import ValidationReport

#: Columns that may hold nulls in the pandera schema (a rule names a missing value there).
NULLABLE: Final = NULL_CHECKED


class _OnePass:
    """Every rule of one schema on one frame, evaluated together the first time a check asks
    (pandera runs the checks one by one); the other checks read the answer."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.frame: pl.LazyFrame | None = None
        self.height = 0
        self.failures: dict[str, Any] = {}

    def ok(self, data: PolarsData, rule: Rule) -> pl.LazyFrame:
        if self.frame is not data.lazyframe:
            frame = plain_strings(data.lazyframe.collect())
            present = set(frame.columns)
            usable = [r for r in applicable(self.ctx) if set(columns_read(r)) <= present]
            self.frame, self.height = data.lazyframe, frame.height
            self.failures = find_failures(frame, self.ctx, usable).positions
        ok = np.ones(self.height, dtype=bool)
        ok[self.failures.get(rule.name, [])] = False
        return pl.LazyFrame({rule.name: ok})


def _rule_check(rule: Rule, one_pass: _OnePass) -> pa.Check:
    return pa.Check(lambda data: one_pass.ok(data, rule), name=rule.name)


def polars_schema(
    registry: Registry | None = None, *, id_prefix: str | None = None
) -> pa.DataFrameSchema:
    """The claims schema on Polars, with the registry rules when a registry is given."""
    one_pass = _OnePass(Context.of(registry, id_prefix))
    columns = {
        name: pa.Column(dtype, nullable=name in NULLABLE, name=name)
        for name, dtype in polars_types().items()
    }
    checks = [_rule_check(rule, one_pass) for rule in applicable(one_pass.ctx)]
    return pa.DataFrameSchema(columns=columns, checks=checks, strict=True, name="claims")


def validate_polars_frame(
    frame: pl.DataFrame | pl.LazyFrame,
    registry: Registry | None = None,
    *,
    target: str = "<frame>",
    row_offset: int = 1,
    threads: int | None = None,
) -> ValidationReport:
    """Validate a Polars frame: the same report as ``validate_frame`` (rows: 0-based positions
    plus ``row_offset``). ``threads`` is accepted for compatibility and ignored: the rules run
    in one Polars query, on Polars' own threads."""
    from iran_russia_claims.validation.run import validate_frame

    data = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return validate_frame(
        plain_strings(data).to_pandas(use_pyarrow_extension_array=True),
        registry,
        target=target,
        row_offset=row_offset,
    )
