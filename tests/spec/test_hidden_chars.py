"""Bidirectional controls and invisible characters are refused in assertions and hedges, by
every engine and in every input format; the joiners and ordinary Persian, Arabic and Cyrillic
text pass. Spark's column is in tests/engines/test_pandera_spark.py."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pytest

from claims_files import FORMATS, row_of, write_claims
from conftest import DATASET, EXPORTS
from iran_russia_claims.engines.pandera_pandas import claims_schema
from iran_russia_claims.engines.pandera_polars import polars_schema
from iran_russia_claims.spec.patterns import HIDDEN_RANGES
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.validation import validate
from records import mutated_table, pandera_rules, pydantic_rules, registry, valid_record

REGISTRY = registry()
PANDAS_SCHEMA = claims_schema(REGISTRY)
POLARS_SCHEMA = polars_schema(REGISTRY)
#: The first, middle and last character of every hidden range.
SAMPLES = sorted({chr(c) for low, high in HIDDEN_RANGES for c in (low, (low + high) // 2, high)})
#: The characters the issue names, each of which must be among the hidden ones.
NAMED = [chr(c) for c in (
    *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C, 0x200B,
    *range(0x2060, 0x2065), 0xFEFF, 0x180E, 0x00AD, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0,
    0xE0000, 0xE0001, 0xE0041, 0xE007F,
)]  # fmt: skip
#: Text that must pass: Persian with the zero-width non-joiner (U+200C) it needs, Arabic,
#: Cyrillic, Hindi with a zero-width joiner (U+200D), and an emoji sequence joined by U+200D.
ALLOWED = [
    "ایران و روسیه در زمینه\u200cی انرژی همکاری می\u200cکنند.",
    "تتعاون إيران وروسيا في مجال الطاقة والنقل.",
    "Россия и Иран сотрудничают в энергетике.",
    "ईरान और रूस क्\u200dष ऊर्जा में सहयोग करते हैं।",
    "Iran and Russia cooperate \U0001f469\u200d\U0001f52c on energy.",
]
HIDDEN_RULES = {"assertion_no_hidden_chars", "hedges_no_hidden_chars"}


def _pandera(schema: Any, frame: Any) -> set[str]:
    return pandera_rules(schema, frame)


def _pydantic(records: list[dict[str, Any]]) -> set[str]:
    return pydantic_rules(records, REGISTRY)


ENGINES: dict[str, Callable[[list[dict[str, Any]]], set[str]]] = {
    "pydantic": _pydantic,
    "pandera-pandas": lambda r: _pandera(PANDAS_SCHEMA, pd.DataFrame.from_records(r)),
    "pandera-polars": lambda r: _pandera(POLARS_SCHEMA, pl.DataFrame(r)),
    "validate-dataframe": lambda r: validate(
        pd.DataFrame.from_records(r), registry=REGISTRY
    ).rules_broken(),
}


def _with_hidden(char: str) -> list[dict[str, Any]]:
    """Three claims: the second's assertion and the third's second hedge hold ``char``."""
    records = mutated_table(None, 3)
    records[1]["assertion"] = f"Iran and Russia{char} cooperate on energy."
    records[2]["hedges"] = ["likely", f"prob{char}ably"]
    return records


def test_the_samples_cover_what_the_issue_names() -> None:
    hidden = {chr(c) for low, high in HIDDEN_RANGES for c in range(low, high + 1)}
    assert set(NAMED) <= hidden
    assert "\u200c" not in hidden
    assert "\u200d" not in hidden


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("char", sorted(set(SAMPLES) | set(NAMED)), ids=lambda c: f"U+{ord(c):04X}")
def test_every_engine_refuses_each_hidden_character(engine: str, char: str) -> None:
    assert ENGINES[engine](_with_hidden(char)) == HIDDEN_RULES


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_joiners_and_ordinary_scripts_pass_every_engine(engine: str) -> None:
    records = mutated_table(None, len(ALLOWED))
    for record, text in zip(records, ALLOWED, strict=True):
        record["assertion"] = text
        record["hedges"] = [text.split()[0], "می\u200cتواند", "может"]
    assert ENGINES[engine](records) == set()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_locates_each_hidden_character(tmp_path: Path, fmt: str) -> None:
    """One claim per sample character, each refused at its row, with its code in the message
    and the fix in the hint."""
    records = [valid_record(n, start=n) for n in range(1, len(SAMPLES) + 1)]
    for record, char in zip(records, SAMPLES, strict=True):
        record["assertion"] = f"Iran and Russia{char} cooperate on energy."
    path = write_claims(records, tmp_path / f"claims.{fmt}")
    report = validate(path, registry=REGISTRY, max_problems=None)
    assert report.rules_broken() == {"assertion_no_hidden_chars"}
    assert [p.row for p in report.problems] == [row_of(fmt, n) for n in range(len(SAMPLES))]
    for problem, char in zip(report.problems, SAMPLES, strict=True):
        assert f"U+{ord(char):04X} " in problem.message
        assert unicodedata.name(char, "an unassigned code point") in problem.message
        assert problem.hint == RULES["assertion_no_hidden_chars"].hint
        assert problem.hint is not None
        assert problem.hint.startswith("delete the character")


def test_claims_that_read_alike_but_differ_by_a_zero_width_space_are_refused() -> None:
    """The issue's case: two claims of the same span whose assertions look identical, one with
    a U+200B, are not the same claim to span_unique; the hidden character is refused."""
    records = mutated_table(None, 3)
    records[2].update({k: records[1][k] for k in ("source_id", "section", "start", "end",
                                                  "span_sha256")})  # fmt: skip
    records[2]["assertion"] = records[1]["assertion"].replace(" gas", "\u200b gas")
    assert records[2]["assertion"] != records[1]["assertion"]
    report = validate(pd.DataFrame.from_records(records), registry=REGISTRY)
    assert [(p.rule, p.row, p.record_id) for p in report.problems] == [
        ("assertion_no_hidden_chars", 3, "IRR-0003")
    ]
    assert "U+200B ZERO WIDTH SPACE" in report.problems[0].message


@pytest.mark.parametrize("path", [DATASET / "claims.yaml", EXPORTS / "claims.parquet"])
def test_the_shipped_dataset_still_passes(path: Path) -> None:
    from iran_russia_claims.curation.dataset import read_registry

    report = validate(path, registry=read_registry(DATASET))
    assert report.valid, report.render()
