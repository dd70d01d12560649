"""The claims table as a pandera schema on PySpark (``pandera.pyspark``), for collections past
one machine, from the one rule definition.

Every check is a rule of :mod:`iran_russia_claims.spec.rules`, named as the rule; its
expression runs on Spark through narwhals (:func:`~iran_russia_claims.spec.evaluate.verdict`):
Spark SQL column expressions, windows and ``explode``, no Python UDF, so the executors need no
package of ours. The first check of a validation asks Spark once for every rule (one aggregate
query, and one per list-element rule); the others read the answer. pandera's PySpark backend
reports which rules fail, not which rows: :func:`failing_rows` gives the rows. Needs the
``spark`` extra and Java; importing this module imports PySpark and pandera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandera.pyspark as pa
import pyspark.sql.types as T

from iran_russia_claims.engines import rule_name
from iran_russia_claims.engines.spark_validate import spark_types
from iran_russia_claims.spec.evaluate import failing, verdict
from iran_russia_claims.spec.rules import RULES, Context, applicable
from iran_russia_claims.spec.vocab import CLAIM_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from iran_russia_claims.spec.models import Registry

#: The Spark SQL type of each kind of column.
SPARK_TYPES: dict[str, T.DataType] = spark_types()


def spark_struct() -> T.StructType:
    """The claims table as a Spark schema, e.g. for ``spark.read.schema(...).json(path)``."""
    return T.StructType(
        [T.StructField(c.name, SPARK_TYPES[c.type], nullable=True) for c in CLAIM_COLUMNS]
    )


class _OnePass:
    """Every rule of one schema, answered by one round of Spark queries per DataFrame."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.frame: DataFrame | None = None
        self.broken: set[str] = set()

    def holds(self, frame: DataFrame, key: str) -> bool:
        if self.frame is not frame:
            from pyspark.sql import functions as F

            nulls = frame.agg(
                *[F.max(F.col(c).isNull().cast("int")).alias(c) for c in frame.columns]
            ).first()
            missing = {f"required:{c}" for c in frame.columns if nulls is not None and nulls[c]}
            self.broken = verdict(frame, self.ctx) | missing
            self.frame = frame
        return key not in self.broken


def _check(rule: str, key: str, one_pass: _OnePass, *, column: bool) -> pa.Check:
    if column:  # pandera's PySpark backend hands a column check the frame and the column name

        def on_column(data: Any, key: str) -> bool:
            return one_pass.holds(data.dataframe, key)

        return pa.Check(on_column, name=rule, key=key)
    return pa.Check(lambda frame: one_pass.holds(frame, key), name=rule)


def spark_schema(
    registry: Registry | None = None, *, id_prefix: str | None = None
) -> pa.DataFrameSchema:
    """The claims schema on PySpark, with the registry rules when a registry is given.

    Missing values are the ``required`` rule of each column, answered in the same pass.
    """
    one_pass = _OnePass(Context.of(registry, id_prefix))
    columns = {
        c.name: pa.Column(
            SPARK_TYPES[c.type],  # type: ignore[arg-type]
            nullable=True,
            name=c.name,
            checks=[_check("required", f"required:{c.name}", one_pass, column=True)],
        )
        for c in CLAIM_COLUMNS
    }
    checks = [_check(r.name, r.name, one_pass, column=False) for r in applicable(one_pass.ctx)]
    return pa.DataFrameSchema(columns=columns, checks=checks, strict=True, name="claims")


def rules_broken(
    frame: DataFrame,
    registry: Registry | None = None,
    *,
    schema: pa.DataFrameSchema | None = None,
) -> dict[str, set[str]]:
    """Validate a Spark DataFrame; the rules it breaks, each with the columns concerned.

    Empty when the table is valid. Pass the ``schema`` of :func:`spark_schema` to validate
    many frames with one schema.
    """
    validated = (schema or spark_schema(registry)).validate(frame)
    errors: dict[str, Any] = validated.pandera.errors or {}
    broken: dict[str, set[str]] = {}
    for by_reason in errors.values():
        for cases in by_reason.values():
            for case in cases:
                rule = rule_name(str(case.get("check", "")))
                broken.setdefault(rule, set()).add(str(case.get("column", "")))
    return broken


def failing_rows(frame: DataFrame, rule: str, registry: Registry | None = None) -> DataFrame:
    """The rows of ``frame`` that break ``rule``, to inspect or to validate with located
    problems on pandas or Polars."""
    result: DataFrame = failing(frame, RULES[rule], Context.of(registry))
    return result
