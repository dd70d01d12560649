"""The claims table as a pandera schema on pandas, generated from the one rule definition.

Every check is a rule of :mod:`iran_russia_claims.spec.rules`, named as the rule, and
evaluates the rule's own expression (:func:`~iran_russia_claims.spec.evaluate.find_failures`,
run by Polars on the frame's columns): nothing here states a rule again. The column types are
checked by the validator's own converters (:mod:`iran_russia_claims.validation.normalise`),
so a cell of the wrong type is the ``type`` rule's, as in ``validate``. Importing this module
imports pandera, pandas and Polars.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import pandera.pandas as pa
import polars as pl

from iran_russia_claims.spec.evaluate import find_failures
from iran_russia_claims.spec.rules import NULL_CHECKED, Context, Rule, applicable, columns_read
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS

if TYPE_CHECKING:
    from iran_russia_claims.spec.models import Registry

#: What a frame of the wrong types raises when it reaches the rules.
_TYPE_ERRORS: Final = (TypeError, ValueError, ArithmeticError, pl.exceptions.PolarsError)
#: The pandas dtype pandera checks per kind of column; text and lists are checked by ``type``.
_DTYPES: Final[dict[str, Any]] = {"integer": int, "number": float, "string": None, "list": None}


def _type_check(kind: str) -> pa.Check:
    """The ``type`` rule for a text or list column: the validator's converter finds the cells
    of the wrong type."""
    from iran_russia_claims.validation.convert import CONVERTERS

    def check(s: pd.Series) -> pd.Series:
        typed = CONVERTERS[kind](s, False)
        if typed.column_problem is not None:
            return pd.Series(False, index=s.index)
        wrong = typed.wrong if typed.wrong is not None else np.zeros(len(s), dtype=bool)
        return pd.Series(~wrong, index=s.index)

    return pa.Check(check, name="type", ignore_na=False)


class _OnePass:
    """Every rule of one schema on one frame, evaluated together the first time a check asks
    (pandera runs the checks one by one); the other checks read the answer."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.frame: pd.DataFrame | None = None
        self.failures: dict[str, Any] = {}

    def ok(self, df: pd.DataFrame, rule: Rule) -> pd.Series:
        if self.frame is not df:
            self.frame, self.failures = df, self._evaluate(df)
        ok = np.ones(len(df), dtype=bool)
        ok[self.failures.get(rule.name, [])] = False
        return pd.Series(ok, index=df.index)

    def _evaluate(self, df: pd.DataFrame) -> dict[str, Any]:
        """Failing positions per rule, for the rules whose columns the frame has; a column of
        the wrong type leaves the rules that read it to the ``type`` rule."""
        present = set(df.columns)
        usable = [r for r in applicable(self.ctx) if set(columns_read(r)) <= present]
        frame = df.reset_index(drop=True)
        try:
            return find_failures(frame, self.ctx, usable).positions
        except _TYPE_ERRORS:
            out: dict[str, Any] = {}
            for rule in usable:  # one by one, to keep those whose columns are fine
                with contextlib.suppress(*_TYPE_ERRORS):
                    out.update(
                        find_failures(frame[list(columns_read(rule))], self.ctx, [rule]).positions
                    )
            return out


def _rule_check(rule: Rule, one_pass: _OnePass) -> pa.Check:
    return pa.Check(lambda df: one_pass.ok(df, rule), name=rule.name, ignore_na=False)


def claims_schema(
    registry: Registry | None = None, *, id_prefix: str | None = None
) -> pa.DataFrameSchema:
    """The claims table schema, with the registry rules when a registry is given."""
    one_pass = _OnePass(Context.of(registry, id_prefix))
    columns = {
        c.name: pa.Column(
            _DTYPES[c.type],
            nullable=c.name in NULL_CHECKED,
            checks=[_type_check(c.type)] if _DTYPES[c.type] is None else [],
            name=c.name,
        )
        for c in CLAIM_COLUMNS
    }
    checks = [_rule_check(rule, one_pass) for rule in applicable(one_pass.ctx)]
    return pa.DataFrameSchema(
        columns=columns, checks=checks, strict=True, ordered=False, name="claims"
    )
