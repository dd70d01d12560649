"""``validate --engine spark``: the rules of :mod:`iran_russia_claims.spec.rules` run on Apache
Spark, for a Parquet file or a folder of them wherever Spark reads (local, ``hdfs://``,
``s3a://``), on ``local[*]`` or a cluster.

Nothing here states a rule: Spark runs each rule's narwhals expression
(:func:`~iran_russia_claims.spec.evaluate.verdict` tells which rules some row breaks, in one
aggregate query and one per list-element rule; :func:`~iran_russia_claims.spec.evaluate.failing`
gives a broken rule's rows, lazily). What is collected to the driver is booleans, counts and
the rows listed in the report. The shape of the input (missing, extra and mistyped columns,
missing values) is checked from Spark's schema and one aggregate, as the ``required``,
``no_extra_fields``, ``type`` and ``row_not_empty`` rules of the other engines. Spark keeps no
record's position, so a problem is located by its file (``input_file_name()``) and record id,
with no row. PySpark is imported on first use; a path is handed to Spark as given.
"""

from __future__ import annotations

import difflib
import os
from typing import TYPE_CHECKING, Any, Final

from iran_russia_claims.spec.problem import Problem
from iran_russia_claims.spec.rules import SPAN_KEY, Context, Rule, applicable, columns_read
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, CLAIM_COLUMNS, DERIVED_COLUMNS
from iran_russia_claims.validation.report import DEFAULT_MAX_PROBLEMS, ValidationReport

if TYPE_CHECKING:
    from iran_russia_claims.spec.models import Registry

INSTALL: Final = 'pip install "iran-russia-claims[spark]"'
#: The environment variable naming the master when ``--spark-master`` is not given (Spark's own
#: ``MASTER`` and ``spark.master`` in spark-defaults.conf, and spark-submit's ``--master``,
#: are read by Spark itself; with none of them Spark runs on ``local[*]``).
MASTER_ENV: Final = "SPARK_MASTER"
#: The column holding each row's file while the rules run (a name no claims table uses).
_FILE: Final = "__iran_russia_claims_file__"
_EMPTY: Final = "__iran_russia_claims_empty__"
_UNREADABLE_HINT: Final = (
    "give a Parquet file or a folder of Parquet files that Spark can read: a local path, "
    "hdfs://..., or s3a://... (with the hadoop-aws jars and credentials configured in Spark)"
)
#: What a column of each kind must hold, as ``normalise`` says it for the other engines.
_MUST_HOLD: Final = {
    "string": "text",
    "integer": "whole numbers",
    "number": "numbers",
    "list": "lists of strings",
}


_SHAPE_MESSAGES: Final = {
    "row_not_empty": "the row is empty (every cell missing): delete it",
    "required": "the value is missing",
    "type": "not a list of strings: an element is missing",
}


class SparkMissing(ImportError):
    """PySpark is not installed (the ``spark`` extra)."""


def require_pyspark() -> None:
    """Raise :class:`SparkMissing`, saying what to install, unless PySpark imports."""
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkMissing(f"--engine spark needs PySpark and a Java runtime: {INSTALL}") from exc


def spark_types() -> dict[str, Any]:
    """The Spark SQL type of each kind of claims column (imports PySpark)."""
    import pyspark.sql.types as T

    return {
        "string": T.StringType(),
        "integer": T.LongType(),
        "number": T.DoubleType(),
        "list": T.ArrayType(T.StringType()),
    }


def spark_session(master: str | None = None) -> Any:
    """The active SparkSession, or a new one on ``master`` (else ``$SPARK_MASTER``, else what
    Spark is configured with: spark-submit's ``--master``, spark-defaults.conf, ``$MASTER``,
    else ``local[*]``), logging errors only."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_ENV) or None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName("iran-russia-claims validate").config(
        "spark.ui.showConsoleProgress", "false"
    )
    if master:
        builder = builder.master(master)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def validate_spark(
    path: str,
    *,
    registry: Registry | None = None,
    master: str | None = None,
    max_problems: int | None = DEFAULT_MAX_PROBLEMS,
    id_prefix: str | None = None,
) -> ValidationReport:
    """Check a Parquet file or folder of Parquet files on Spark against every rule.

    ``path`` goes to ``spark.read.parquet`` as given. ``registry`` defaults to the shipped
    one. The report counts every problem and lists the first ``max_problems`` (None: all),
    each with its file and record id; a path Spark cannot read is a ``readable`` problem (exit
    code 2). Raises :class:`SparkMissing` without PySpark; bad data never raises.
    """
    if not isinstance(path, str):
        raise TypeError(f"validate_spark() takes the path as a string, not {type(path).__name__}")
    require_pyspark()
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    from iran_russia_claims.validation.run import shipped_registry

    registry = registry or shipped_registry()
    report = ValidationReport(target=path, format="spark", max_problems=max_problems)
    try:
        spark = spark_session(master)
    except (PySparkException, Py4JError, OSError, RuntimeError) as exc:
        report.add(
            Problem(
                "readable",
                f"Spark did not start: {_reason(exc)}",
                path,
                hint="Spark needs a Java runtime (17 or later) and a master it can reach "
                "(--spark-master URL; default local[*])",
            )
        )
        return report
    try:
        _check(spark.read.parquet(path), report, Context.of(registry, id_prefix), registry)
    except (PySparkException, Py4JError) as exc:
        report.add(
            Problem(
                "readable", f"Spark cannot read it: {_reason(exc)}", path, hint=_UNREADABLE_HINT
            )
        )
    if report.rows == 0 and report.readable:
        report.add(Problem("not_empty", "the input holds no claims", path))
    report.problems.sort(key=lambda p: (p.file or "", p.record_id or "", p.column or "", p.rule))
    return report


def _check(frame: Any, report: ValidationReport, ctx: Context, registry: Registry | None) -> None:
    """Every problem of one Spark DataFrame into ``report``."""
    from pyspark.sql import functions as F

    from iran_russia_claims.spec.evaluate import failing, verdict
    from iran_russia_claims.spec.messages import message
    from iran_russia_claims.validation.normalise import _HINTS

    given = {f.name: f.dataType for f in frame.schema.fields}
    kinds = _columns(given, report)
    types = spark_types()
    empty = F.lit(bool(given))  # a row whose every cell is missing
    for name in given:
        empty = empty & _col(name).isNull()
    typed = frame.select(
        *[_col(n).cast(types[k]).alias(n) for n, k in kinds.items()],
        F.input_file_name().alias(_FILE),
        empty.alias(_EMPTY),
    )
    blank = {n: F.col(n).isNull() & ~F.col(_EMPTY) for n in kinds}
    holes = {n: F.exists(F.col(n), lambda x: x.isNull()) for n, k in kinds.items() if k == "list"}
    shape = {"row_not_empty": F.col(_EMPTY)}
    shape |= {f"required:{n}": c for n, c in blank.items()}
    shape |= {f"type:{n}": c for n, c in holes.items()}
    counts = typed.agg(
        F.count(F.lit(1)).alias("rows"),
        *[F.sum(c.cast("long")).alias(w) for w, c in shape.items()],
    ).first()
    report.rows = int(counts["rows"])
    by_id = ("id",) if "id" in kinds else ()
    for what, cond in shape.items():
        kind, _, column = what.partition(":")
        text = _SHAPE_MESSAGES[kind]
        hint = _HINTS["list"] if kind == "type" else None
        for row in _listed(report, kind, typed.filter(cond), by_id, int(counts[what] or 0)):
            value = row.get(column) if column else None
            report.problems.append(
                Problem(kind, text, row[_FILE], None, _id(row), column or None, value, hint)
            )
    # the rules, on the rows whose cells they read were not reported above
    reported = {n: blank[n] | F.col(_EMPTY) | holes.get(n, F.lit(False)) for n in kinds}
    rules = [r for r in applicable(ctx) if set(columns_read(r)) <= set(kinds)]
    broken = verdict(typed.drop(_FILE, _EMPTY), ctx, rules)
    for rule in (r for r in rules if r.name in broken):
        rows = failing(typed, rule, ctx)
        for name in rule.inputs:
            rows = rows.filter(~reported[name])
        key: tuple[str, ...] = {"id_unique": ("id",), "span_unique": SPAN_KEY}.get(rule.name, ())
        first = _listed(report, rule.name, rows, key or by_id, int(rows.count()))
        shown = (rule.column,) if rule.column else rule.inputs
        for row in first:
            values = tuple(row.get(c) for c in shown)
            text = _duplicate(rule, row, key, first) if key else message(rule.name, row, registry)
            value = values[0] if len(values) == 1 else values
            report.problems.append(
                Problem(rule.name, text, row[_FILE], None, _id(row), rule.column, value)
            )


def _columns(given: dict[str, Any], report: ValidationReport) -> dict[str, str]:
    """Report the columns missing, extra or of a wrong type; the usable ones, with their kind."""
    from iran_russia_claims.validation.normalise import _HINTS

    def add(rule: str, text: str, column: str, hint: str) -> None:
        report.add(Problem(rule, text, report.target, column=column, hint=hint))

    for name in sorted(set(given) - set(CLAIM_COLUMN_NAMES)):
        close = difflib.get_close_matches(name, CLAIM_COLUMN_NAMES, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "remove the column"
        add("no_extra_fields", "the column is not part of the claims schema", name, hint)
    kinds: dict[str, str] = {}
    for column in CLAIM_COLUMNS:
        name, kind = column.name, column.type
        if name not in given:
            hint = (
                "`iran-russia-claims fill` computes it in a collection's claims.yaml"
                if name in DERIVED_COLUMNS
                else f"add it: a claims table has the {len(CLAIM_COLUMN_NAMES)} columns of the "
                "data dictionary"
            )
            add("required", "the column is missing", name, hint)
        elif _fits(given[name], kind):
            kinds[name] = kind
        else:
            held = given[name].simpleString()
            text = f"the column holds {held} values; it must hold {_MUST_HOLD[kind]}"
            add("type", text, name, _HINTS[kind])
    return kinds


def _listed(
    report: ValidationReport, rule: str, rows: Any, order: tuple[str, ...], n: int
) -> list[dict[str, Any]]:
    """Count ``n`` problems of ``rule``; the first rows to list (by ``order``, then file), as
    many as the report has room for, as dicts: only these reach the driver."""
    if n:
        report.counts[rule] += n
    room = min(report.room(), n)
    if not room:
        return []
    first = rows.orderBy(*order, _FILE).limit(room).collect()
    return [r.asDict(recursive=True) for r in first]


def _duplicate(
    rule: Rule, row: dict[str, Any], key: tuple[str, ...], listed: list[dict[str, Any]]
) -> str:
    """Where else a duplicate key is used, among the rows listed (ordered by key, so together)."""
    same = [r for r in listed if r is not row and all(r.get(k) == row.get(k) for k in key)]
    if not same:
        return rule.description
    label = f"id {row.get('id')!r}" if rule.name == "id_unique" else "the span"
    where = [
        "this file" + (f" (record {r.get('id')})" if rule.name != "id_unique" else "")
        if r[_FILE] == row[_FILE]
        else str(r[_FILE])
        for r in same
    ]
    where = list(dict.fromkeys(where))
    more = f" and {len(where) - 5} more" if len(where) > 5 else ""
    return f"{label} is also used in {', '.join(where[:5])}{more}"


def _fits(dtype: Any, kind: str) -> bool:
    """Whether a Spark column type holds values of the column's kind (cast without loss)."""
    import pyspark.sql.types as T

    text = (T.StringType, T.VarcharType, T.CharType)
    whole = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
    if kind == "string":
        return isinstance(dtype, text)
    if kind == "integer":
        return isinstance(dtype, whole)
    if kind == "number":
        return isinstance(dtype, (*whole, T.FloatType, T.DoubleType))
    return isinstance(dtype, T.ArrayType) and isinstance(dtype.elementType, text)


def _col(name: str) -> Any:
    """A column of the input by its name as given (dots and backticks taken literally)."""
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _id(row: dict[str, Any]) -> str | None:
    value = row.get("id")
    return value if isinstance(value, str) else None


def _reason(exc: BaseException) -> str:
    """The first line of what Spark (or the JVM) says went wrong, without the stack trace."""
    lines = [line.strip(" :\t") for line in str(exc).splitlines()]
    lines = [line for line in lines if line and not line.startswith("An error occurred while")]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


__all__ = [
    "INSTALL",
    "MASTER_ENV",
    "SparkMissing",
    "require_pyspark",
    "spark_session",
    "spark_types",
    "validate_spark",
]
