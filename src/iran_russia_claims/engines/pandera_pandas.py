"""The claims table as a pandera schema on pandas, generated from the one rule definition.

Every check is a rule of :mod:`iran_russia_claims.spec.rules`, named as the rule, and
evaluates the rule's own expression (:func:`~iran_russia_claims.spec.evaluate.find_failures`,
run by Polars on the frame's columns): nothing here states a rule again. The column types are
checked by the validator's own converters (:mod:`iran_russia_claims.validation.normalise`),
so a cell of the wrong type is the ``type`` rule's, as in ``validate``. Importing this module
imports pandera, pandas and Polars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa

from iran_russia_claims.spec.evaluate import find_failures
from iran_russia_claims.spec.rules import Context, Rule, applicable
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS, ID_PREFIX

if TYPE_CHECKING:
    from iran_russia_claims.spec.models import Registry

#: The pandas dtype pandera checks per kind of column; text and lists are checked by ``type``.
_DTYPES: Final[dict[str, Any]] = {"integer": int, "number": float, "string": None, "list": None}


def _type_check(kind: str) -> pa.Check:
    """The ``type`` rule for a text or list column: the validator's converter finds the cells
    of the wrong type."""
    from iran_russia_claims.validation.normalise import _CONVERT

    def check(s: pd.Series) -> pd.Series:
        typed = _CONVERT[kind](s, False)
        if typed.column_problem is not None:
            return pd.Series(False, index=s.index)
        wrong = typed.wrong if typed.wrong is not None else np.zeros(len(s), dtype=bool)
        return pd.Series(~wrong, index=s.index)

    return pa.Check(check, name="type", ignore_na=False)


def _rule_check(rule: Rule, ctx: Context) -> pa.Check:
    """A table check running one rule's expression on the columns it reads."""

    def check(df: pd.DataFrame) -> pd.Series:
        ok = np.ones(len(df), dtype=bool)
        if set(rule.inputs) <= set(df.columns):
            frame = df[list(_needed(rule))].reset_index(drop=True)
            try:
                ok[find_failures(frame, ctx, [rule]).positions.get(rule.name, [])] = False
            except (TypeError, ValueError, ArithmeticError, _polars_error()):
                pass  # a column of the wrong type: the ``type`` rule reports it
        return pd.Series(ok, index=df.index)

    return pa.Check(check, name=rule.name, ignore_na=False)


def _needed(rule: Rule) -> tuple[str, ...]:
    from iran_russia_claims.spec.rules import prerequisites

    return tuple(dict.fromkeys(c for r in (rule, *prerequisites(rule)) for c in r.inputs))


def _polars_error() -> type[Exception]:
    import polars as pl

    return pl.exceptions.PolarsError


def claims_schema(
    registry: Registry | None = None, *, id_prefix: str = ID_PREFIX
) -> pa.DataFrameSchema:
    """The claims table schema, with the registry rules when a registry is given."""
    ctx = Context.of(registry, id_prefix)
    columns = {
        c.name: pa.Column(
            _DTYPES[c.type],
            nullable=c.name == "confidence",  # a missing confidence is confidence_finite's
            checks=[_type_check(c.type)] if _DTYPES[c.type] is None else [],
            name=c.name,
        )
        for c in CLAIM_COLUMNS
    }
    checks = [_rule_check(rule, ctx) for rule in applicable(ctx)]
    return pa.DataFrameSchema(
        columns=columns, checks=checks, strict=True, ordered=False, name="claims"
    )
