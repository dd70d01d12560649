"""The claims table schema on PySpark (``pandera.pyspark``), for collections past one machine.

Built from :data:`iran_russia_claims.table_rules.TABLE_CHECKS`, the one definition the pandas
and Polars schemas are built from, with the same rule names. Every check is a Spark SQL column
expression (list columns through higher-order functions such as ``forall``; no Python UDF), so
the work runs in the executors' JVMs, which need no Python package of ours; all checks of a
table are answered by one aggregation query, and the driver receives one row. pandera's PySpark
backend reports which rules fail, not which rows: find the rows with :func:`failing_rows`, or
validate a suspect partition on pandas or Polars.

Needs the ``spark`` extra (``pip install 'iran-russia-claims[spark]'``) and Java; importing
this module imports PySpark and pandera.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandera.pyspark as pa
import pyspark.sql.types as T
from pyspark.sql import Column as SparkColumn
from pyspark.sql import functions as F

from iran_russia_claims.table_rules import (
    BAND_LOWEST,
    BAND_UPPERS,
    BANDS,
    CONTROL,
    FORMULA_START,
    TABLE_CHECKS,
    WHITESPACE,
    WHITESPACE_RANGES,
    TableCheck,
    anchored,
)
from iran_russia_claims.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from iran_russia_claims.models import Registry

_WHITESPACE_CHARS = [chr(c) for low, high in WHITESPACE_RANGES for c in range(low, high + 1)]

#: The Spark SQL type of each kind of column.
SPARK_TYPES: dict[str, T.DataType] = {
    "string": T.StringType(),
    "integer": T.LongType(),
    "number": T.DoubleType(),
    "list": T.ArrayType(T.StringType()),
}


def spark_struct() -> T.StructType:
    """The claims table as a Spark schema, e.g. for ``spark.read.schema(...).json(path)``."""
    return T.StructType(
        [T.StructField(c.name, SPARK_TYPES[c.type], nullable=True) for c in CLAIM_COLUMNS]
    )


class ClaimsTableSpark(pa.DataFrameModel):  # type: ignore[type-arg]
    """The claims table's columns and Spark SQL types.

    Missing values are not pandera's ``nullable`` check here (one Spark job per column) but the
    ``required`` check of each column, answered in the schema's single pass.
    """

    id: T.StringType = pa.Field(nullable=True)
    source_id: T.StringType = pa.Field(nullable=True)
    section: T.StringType = pa.Field(nullable=True)
    start: T.LongType = pa.Field(nullable=True)
    end: T.LongType = pa.Field(nullable=True)
    span_sha256: T.StringType = pa.Field(nullable=True)
    theme: T.StringType = pa.Field(nullable=True)
    actors: T.ArrayType(T.StringType()) = pa.Field(nullable=True)  # type: ignore[valid-type]
    kind: T.StringType = pa.Field(nullable=True)
    assertion: T.StringType = pa.Field(nullable=True)
    confidence: T.DoubleType = pa.Field(nullable=True)
    confidence_band: T.StringType = pa.Field(nullable=True)
    hedges: T.ArrayType(T.StringType()) = pa.Field(nullable=True)  # type: ignore[valid-type]

    class Config:
        strict = True
        name = "claims"


# -- expressions, one per kind: True where the row passes (null: left to ``required``) -----------
def untrimmed(e: SparkColumn) -> SparkColumn:
    return F.substring(e, 1, 1).isin(_WHITESPACE_CHARS) | F.substring(e, -1, 1).isin(
        _WHITESPACE_CHARS
    )


def hedge_ok(e: SparkColumn, max_words: int, max_chars: int) -> SparkColumn:
    """``rules.hedge_ok``: non-empty, trimmed, short, few words (split on white space)."""
    n = F.length(e)
    return F.coalesce(
        (n > 0)
        & (n <= max_chars)
        & ~untrimmed(e)
        & (F.size(F.split(e, f"{WHITESPACE}+")) <= max_words)
        & ~e.rlike(CONTROL),
        F.lit(False),
    )


def _expression(check: TableCheck, registry: Registry | None) -> SparkColumn:
    kind = check.kind
    c = F.col(check.column) if check.column is not None else None
    if c is not None:
        if kind == "pattern":
            return c.rlike(anchored(check.pattern or ""))
        if kind == "vocabulary":
            return c.isin(list(check.values))
        if kind == "at_least":
            return c >= check.lower
        if kind == "finite":
            return F.coalesce(~F.isnan(c) & ~c.isin(float("inf"), float("-inf")), F.lit(False))
        if kind == "between":
            finite = ~F.isnan(c) & ~c.isin(float("inf"), float("-inf"))
            return ~finite | c.between(check.lower, check.upper)
        if kind == "length_between":
            return F.length(c).between(check.lower, check.upper)
        if kind == "trimmed":
            return ~untrimmed(c)
        if kind == "no_control":
            return ~c.rlike(CONTROL)
        if kind == "no_prefix":
            return ~c.rlike(FORMULA_START)
        if kind == "list_non_empty":
            return F.size(c) > 0
        if kind == "list_pattern":
            regex = anchored(check.pattern or "")
            return F.forall(c, lambda x: F.coalesce(x.rlike(regex), F.lit(False)))
        if kind == "list_distinct":
            return F.size(F.array_distinct(c)) == F.size(c)
        if kind == "list_hedges":
            words, chars = int(check.lower), int(check.upper)
            return F.forall(c, lambda x: hedge_ok(x, words, chars))
    if kind == "less_than":
        a, b = check.columns
        return F.col(a) < F.col(b)
    if kind == "band":
        number, band = check.columns
        value = F.col(number)
        expected = F.when(value <= BAND_UPPERS[0], BANDS[0])
        for name, upper in zip(BANDS[1:], BAND_UPPERS[1:], strict=True):
            expected = expected.when(value <= upper, name)
        valid = value.between(BAND_LOWEST, BAND_UPPERS[-1])
        return ~valid | ~F.col(band).isin(list(BANDS)) | (F.col(band) == expected)
    assert registry is not None, check.rule
    return _registry_expression(check, registry)


def _registry_expression(check: TableCheck, registry: Registry) -> SparkColumn:
    kind = check.kind
    ids = list(registry.sources)
    if kind == "registered_source":
        return F.col(check.columns[0]).isin(ids)
    if kind == "registered_actors":
        codes = list(registry.actors)
        return F.forall(F.col(check.columns[0]), lambda x: F.coalesce(x.isin(codes), F.lit(False)))
    if kind == "within_source":
        source, end = check.columns
        limit = F.lit(None).cast("long")
        for sid, src in registry.sources.items():
            limit = F.when(F.col(source) == sid, F.lit(src.length)).otherwise(limit)
        return F.coalesce(F.col(end) <= limit, F.lit(True))
    if kind == "section_of_offset":
        source, section, start = check.columns
        offset = F.col(start)
        expected = F.lit(None).cast("string")
        for sid, src in registry.sources.items():
            for sec in src.sections:
                inside = (F.col(source) == sid) & (offset >= sec.start) & (offset < sec.end)
                expected = F.when(inside, F.lit(sec.slug)).otherwise(expected)
        known = F.col(source).isin(ids)
        return ~known | F.coalesce(F.col(section) == expected, F.lit(False))
    raise ValueError(f"no Spark expression for {check.rule} ({kind})")  # pragma: no cover


def _reads(check: TableCheck) -> tuple[str, ...]:
    return check.columns or ((check.column,) if check.column else ())


class _OnePass:
    """Every check of one schema, answered by a single Spark query per DataFrame.

    pandera runs checks one by one, and on Spark each would be a job over the whole data (one
    per column for missing values, one per rule). Here the first check to run computes, in one
    aggregation, whether any row breaks each rule (distinct counts for the uniqueness rules);
    the others read their answer. Checks of columns the frame lacks are left out: pandera
    reports the missing column itself.
    """

    def __init__(self, checks: list[TableCheck], registry: Registry | None) -> None:
        self.checks = checks
        self.registry = registry
        self.frame: DataFrame | None = None
        self.answers: dict[str, bool] = {}
        self.built: dict[frozenset[str], dict[str, SparkColumn]] = {}

    def _failures(self, frame: DataFrame) -> dict[str, SparkColumn]:
        """One aggregate per rule, built once per set of columns (each is many JVM calls)."""
        present = frozenset(frame.columns)
        if present not in self.built:
            self.built[present] = self._build(present)
        return self.built[present]

    def _build(self, present: frozenset[str]) -> dict[str, SparkColumn]:
        out: dict[str, SparkColumn] = {}
        for name in CLAIM_COLUMN_NAMES:
            if name in present:
                out[f"required:{name}"] = F.max(F.col(name).isNull().cast("int")) > 0
        for check in self.checks:
            reads = _reads(check)
            if not set(reads) <= present:
                continue
            if check.kind == "unique":
                known = F.col(reads[0]).isNotNull()
                for c in reads[1:]:
                    known = known & F.col(c).isNotNull()
                complete = F.count(F.when(known, F.lit(1)))  # count_distinct skips nulls too
                out[check.rule] = F.count_distinct(*[F.col(c) for c in reads]) < complete
            else:
                passes = F.coalesce(_expression(check, self.registry), F.lit(True))
                out[check.rule] = F.max((~passes).cast("int")) > 0
        return out

    def passes(self, frame: DataFrame, key: str) -> bool:
        if self.frame is not frame:
            failures = self._failures(frame)
            row = frame.agg(*[f.alias(k) for k, f in failures.items()]).first()
            self.answers = {k: not (row is not None and row[k]) for k in failures}
            self.frame = frame
        return self.answers.get(key, True)


def _column_check(rule: str, key: str, one_pass: _OnePass) -> pa.Check:
    """A column check: pandera's PySpark backend hands it the frame and the column name."""

    def run(data: Any, key: str) -> bool:
        return one_pass.passes(data.dataframe, key)

    return pa.Check(run, name=rule, key=key)


def _table_check(rule: str, one_pass: _OnePass) -> pa.Check:
    def run(frame: DataFrame) -> bool:
        return one_pass.passes(frame, rule)

    return pa.Check(run, name=rule)


def spark_schema(registry: Registry | None = None) -> pa.DataFrameSchema:
    """The claims schema on PySpark, with the registry checks when a registry is given."""
    base = ClaimsTableSpark.to_schema()
    checks = [c for c in TABLE_CHECKS if registry is not None or not c.needs_registry]
    one_pass = _OnePass(checks, registry)
    # missing values are checked in the one pass too, as the rule "required" of each column
    columns = {
        name: column.set_checks([_column_check("required", f"required:{name}", one_pass)])
        for name, column in base.columns.items()
    }
    table_checks = []
    for check in checks:
        if check.column is not None:
            column = columns[check.column]
            columns[check.column] = column.set_checks(
                [*column.checks, _column_check(check.rule, check.rule, one_pass)]
            )
        else:
            table_checks.append(_table_check(check.rule, one_pass))
    return pa.DataFrameSchema(columns=columns, checks=table_checks, strict=True, name=base.name)


#: pandera's names for its own structural checks, as our rule names.
_STRUCTURAL = {
    "not_nullable": "required",
    "column_in_dataframe": "required",
    "column_in_schema": "no_extra_fields",
    "dtype": "type",
}


def rules_broken(
    frame: DataFrame,
    registry: Registry | None = None,
    *,
    schema: pa.DataFrameSchema | None = None,
) -> dict[str, set[str]]:
    """Validate a Spark DataFrame; the rules it breaks, each with the columns concerned.

    Empty when the table is valid. All checks together are one Spark query over the table
    (see :class:`_OnePass`). Pass the ``schema`` of :func:`spark_schema` to validate many
    frames with one schema (it builds its Spark expressions once).
    """
    validated = (schema or spark_schema(registry)).validate(frame)
    errors: dict[str, Any] = validated.pandera.errors or {}
    broken: dict[str, set[str]] = {}
    for by_reason in errors.values():
        for cases in by_reason.values():
            for case in cases:
                check = str(case.get("check", ""))
                name = check.split("(")[0].strip("<>")
                rule = _STRUCTURAL.get(name, "type" if name.startswith("dtype") else name)
                broken.setdefault(rule, set()).add(str(case.get("column", "")))
    return broken


def failing_rows(frame: DataFrame, rule: str, registry: Registry | None = None) -> DataFrame:
    """The rows of ``frame`` that break ``rule`` (a table rule of :data:`TABLE_CHECKS`), to
    inspect or to validate with the pandas or Polars schema for located problems."""
    (check,) = [c for c in TABLE_CHECKS if c.rule == rule]
    if check.kind == "unique":
        counts = frame.groupBy(*check.columns).count().filter(F.col("count") > 1)
        return frame.join(counts.drop("count"), on=list(check.columns), how="inner")
    return frame.filter(~F.coalesce(_expression(check, registry), F.lit(True)))


assert tuple(ClaimsTableSpark.to_schema().columns) == CLAIM_COLUMN_NAMES, "drifted from vocab"
