"""The PySpark schema in Spark local mode: same definition, same rules as pandas and Polars.

Skipped, with the reason, unless the ``spark`` extra (PySpark) and a Java runtime are present.
One local session serves the module; every mutation is validated with one schema, whose
checks run as a single Spark query per table.
"""

from __future__ import annotations

import copy
import shutil
from typing import Any

import pandas as pd
import pytest

pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install '.[spark]')")
pytest.importorskip(
    "pandera.pyspark",
    reason="pandera's PySpark schemas do not import here (PySpark's pandas API needs pandas < 3; "
    "the spark extra pins it)",
    exc_type=ImportError,
)
if shutil.which("java") is None:
    pytest.skip("PySpark needs a Java runtime (java on PATH)", allow_module_level=True)

from pyspark.sql import SparkSession

from iran_russia_claims.engines.pandera_spark import (
    failing_rows,
    rules_broken,
    spark_schema,
    spark_struct,
)
from iran_russia_claims.publish.synth import synth_registry, synth_table
from iran_russia_claims.spec.patterns import HIDDEN_RANGES
from iran_russia_claims.spec.rules import Context, applicable
from iran_russia_claims.validation import validate_frame
from records import MUTATIONS, TABLE_MUTATIONS, registry, valid_record

REGISTRY = registry()
COLUMNS = [field.name for field in spark_struct()]


@pytest.fixture(scope="module")
def schema() -> Any:
    return spark_schema(REGISTRY)


def frame(spark: SparkSession, records: list[dict[str, Any]]) -> Any:
    return spark.createDataFrame([{k: r.get(k) for k in COLUMNS} for r in records], spark_struct())


def test_the_schema_names_every_rule_of_the_definition(schema: Any) -> None:
    names = {c.name for c in schema.checks}
    for column in schema.columns.values():
        names |= {c.name for c in column.checks}
    assert names == {r.name for r in applicable(Context.of(REGISTRY))} | {"required"}


def test_a_synthetic_table_is_valid(spark: SparkSession) -> None:
    records = synth_table(300, seed=5).to_pylist()
    assert rules_broken(frame(spark, records), synth_registry()) == {}


@pytest.mark.parametrize("rule", sorted(MUTATIONS) + sorted(TABLE_MUTATIONS))
def test_each_mutation_is_named_as_on_pandas(spark: SparkSession, schema: Any, rule: str) -> None:
    """Spark's column of the conformance matrix (tests/spec/test_conformance.py)."""
    records = [valid_record(n, start=10 * n) for n in range(1, 4)]
    records[1] = copy.deepcopy(records[1])
    if rule in MUTATIONS:
        MUTATIONS[rule](records[1])
    else:
        TABLE_MUTATIONS[rule](records)
    broken = rules_broken(frame(spark, records), schema=schema)
    assert set(broken) == {rule}
    assert (
        set(broken) == validate_frame(pd.DataFrame.from_records(records), REGISTRY).rules_broken()
    )


def test_failing_rows_finds_the_rows(spark: SparkSession) -> None:
    records = [valid_record(n, start=10 * n) for n in range(1, 4)]
    records[2]["actors"] = ["IRN", "CHN"]
    records[0]["id"] = records[1]["id"]
    data = frame(spark, records)
    assert [r["id"] for r in failing_rows(data, "actors_registered", REGISTRY).collect()] == [
        "IRR-0003"
    ]
    assert sorted(r["start"] for r in failing_rows(data, "id_unique").collect()) == [10, 20]


def test_hidden_characters_are_refused_and_the_joiners_pass(
    spark: SparkSession, schema: Any
) -> None:
    """Every hidden range (its first, middle and last character) is refused by Java's regex
    as by the others; the joiners U+200C and U+200D and other scripts pass."""
    chars = sorted({chr(c) for low, high in HIDDEN_RANGES for c in (low, (low + high) // 2, high)})
    records = [valid_record(n, start=n) for n in range(1, len(chars) + 1)]
    for record, char in zip(records, chars, strict=True):
        record["assertion"] = f"Iran and Russia{char} cooperate on energy."
        record["hedges"] = ["likely", f"prob{char}ably"]
    data = frame(spark, records)
    assert set(rules_broken(data, schema=schema)) == {
        "assertion_no_hidden_chars",
        "hedges_no_hidden_chars",
    }
    ids = sorted(r["id"] for r in records)
    for rule in ("assertion_no_hidden_chars", "hedges_no_hidden_chars"):
        assert sorted(r["id"] for r in failing_rows(data, rule, REGISTRY).collect()) == ids
    allowed = [valid_record(n, start=n) for n in range(1, 4)]
    allowed[0]["assertion"] = "ایران و روسیه در زمینه\u200cی انرژی همکاری می\u200cکنند."
    allowed[1]["assertion"] = "Iran and Russia cooperate \U0001f469\u200d\U0001f52c on energy."
    allowed[2]["assertion"] = "Россия и Иран сотрудничают в энергетике."
    allowed[2]["hedges"] = ["می\u200cتواند", "может"]
    assert rules_broken(frame(spark, allowed), schema=schema) == {}
