"""Messages that say the fix, in every engine that words problems with ``messages.message``.

Each kind of message is checked through ``validate`` on a small file of every format (the
problem keeps its file, row, record id, column, rule and value) and through the pydantic
``Claim``; empty rows are one problem each, the empty rows at the end of a file one together.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import ValidationError

from claims_files import FORMATS, row_of, write_claims
from iran_russia_claims import validate
from iran_russia_claims.spec.models import Claim, errors_to_rules
from iran_russia_claims.spec.problem import json_value
from iran_russia_claims.spec.vocab import Band, Kind, Theme
from iran_russia_claims.validation import validate_frame
from records import mutated_table, registry, valid_record

REGISTRY = registry()
THEMES = ", ".join(Theme)
KINDS = ", ".join(Kind)
BANDS = ", ".join(Band)
CODES = ", ".join(sorted(REGISTRY.actors))

#: (field, value, rule, message): one record with ``field`` set to ``value`` breaks ``rule``
#: alone, and every engine says ``message``.
CASES: list[tuple[str, Any, str, str]] = [
    ("theme", "nucelar", "theme_vocabulary",
     f"theme 'nucelar' is not a theme; did you mean 'nuclear'? (allowed: {THEMES})"),
    ("theme", "weather", "theme_vocabulary", f"theme 'weather' is not a theme (allowed: {THEMES})"),
    ("theme", "nuclear ", "theme_vocabulary",
     "theme 'nuclear ' has white space at its end: use 'nuclear'"),
    ("theme", " nuclear", "theme_vocabulary",
     "theme ' nuclear' has white space at its start: use 'nuclear'"),
    ("kind", "Descriptive", "kind_vocabulary",
     "kind 'Descriptive' differs from 'descriptive' only in case: use 'descriptive'"),
    ("kind", " Causal ", "kind_vocabulary",
     "kind ' Causal ' has white space at its start and end and differs from 'causal' in case: "
     "use 'causal'"),
    ("kind", "predictve", "kind_vocabulary",
     f"kind 'predictve' is not a kind; did you mean 'predictive'? (allowed: {KINDS})"),
    ("confidence_band", "likly", "band_vocabulary",
     f"confidence_band 'likly' is not an ICD 203 band; did you mean 'likely'? (allowed: {BANDS})"),
    ("confidence_band", "LIKELY", "band_vocabulary",
     "confidence_band 'LIKELY' differs from 'likely' only in case: use 'likely'"),
    ("actors", ["iran", "RUS"], "actors_pattern",
     f"actor code 'iran' is not an upper-case code; did you mean 'IRN'? (registered: {CODES})"),
    ("actors", ["irn"], "actors_pattern",
     "actor code 'irn' differs from 'IRN' only in case: use 'IRN'"),
    ("actors", ["RUS", "IRN "], "actors_pattern",
     "actor code 'IRN ' has white space at its end: use 'IRN'"),
    ("actors", ["RUS", "IRAN"], "actors_registered",
     f"actor code 'IRAN' is not in the actor registry; did you mean 'IRN'? (registered: {CODES})"),
    ("actors", ["IRN", "CHN"], "actors_registered",
     f"actor code 'CHN' is not in the actor registry (registered: {CODES})"),
    ("confidence", 1.5, "confidence_range", "confidence 1.5 is above the maximum 0.99 by 0.51"),
    ("confidence", 0.995, "confidence_range",
     "confidence 0.995 is above the maximum 0.99 by 0.005"),
    ("confidence", 0.001, "confidence_range",
     "confidence 0.001 is below the minimum 0.01 by 0.009"),
    ("start", -5, "start_non_negative", "start -5 is below the minimum 0 by 5"),
    ("assertion", "Too short", "assertion_length",
     "assertion has 9 characters, 6 fewer than the minimum 15"),
    ("assertion", "Iran trades. " * 19 + "Russia too.", "assertion_length",
     "assertion has 258 characters, 18 more than the maximum 240"),
    ("assertion", "Iran and Russia\u200b cooperate on energy.", "assertion_no_hidden_chars",
     "assertion holds U+200B ZERO WIDTH SPACE at character 16, which the eye does not see: "
     "delete it"),
    ("assertion", "\u202bIran and Russia cooperate\u2069 on energy.", "assertion_no_hidden_chars",
     "assertion holds U+202B RIGHT-TO-LEFT EMBEDDING at character 1, U+2069 POP DIRECTIONAL "
     "ISOLATE at character 27, which the eye does not see: delete them"),
    ("hedges", ["likely", "\u202eylekil"], "hedges_no_hidden_chars",
     "hedge '\\u202eylekil' holds U+202E RIGHT-TO-LEFT OVERRIDE at character 1, which the eye "
     "does not see: delete it"),
]  # fmt: skip
IDS = [f"{rule}-{value!r}" for _, value, rule, _ in CASES]


def _with(field: str, value: Any) -> list[dict[str, Any]]:
    records = mutated_table(None, 3)
    records[1][field] = value
    return records


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("field", "value", "rule", "expected"), CASES, ids=IDS)
def test_validate_says_the_fix(
    tmp_path: Path, fmt: str, field: str, value: Any, rule: str, expected: str
) -> None:
    path = write_claims(_with(field, value), tmp_path / f"claims.{fmt}")
    report = validate(path, registry=REGISTRY)
    (problem,) = report.problems
    assert problem.message == expected
    assert (problem.rule, problem.file, problem.row, problem.record_id, problem.column) == (
        rule,
        str(path),
        row_of(fmt, 1),
        "IRR-0002",
        field,
    )
    assert problem.value == json_value(value)


@pytest.mark.parametrize(("field", "value", "rule", "expected"), CASES, ids=IDS)
def test_the_pydantic_claim_says_the_same(field: str, value: Any, rule: str, expected: str) -> None:
    record = valid_record()
    record[field] = value
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record, context=REGISTRY)
    # a rule the model checks on the whole record is named with the rule's column
    assert errors_to_rules(caught.value) == [(rule, field, expected)]


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (["iran"], "actor code 'iran' is not in upper case: use 'IRAN'"),
        (["RUS", " IRN"], "actor code ' IRN' has white space at its start: use 'IRN'"),
        (["I-R"], "actor code 'I-R' is not an upper-case code such as IRN or RUS_BUS (a capital "
                  "letter, then 1 to 15 capital letters, digits or _)"),
    ],
)  # fmt: skip
def test_actor_codes_without_a_registry(codes: list[str], expected: str) -> None:
    """Without the registry the fix is the code's own spelling; both engines say it alike."""
    record = valid_record()
    record["actors"] = codes
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record)
    assert errors_to_rules(caught.value) == [("actors_pattern", "actors", expected)]
    (problem,) = validate_frame(pd.DataFrame([valid_record(2), record])).problems
    assert (problem.rule, problem.row, problem.message) == ("actors_pattern", 2, expected)


def test_several_bad_codes_are_each_named_and_the_registry_listed_once() -> None:
    record = valid_record()
    record["actors"] = ["iran", " RUS"]
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record, context=REGISTRY)
    (entry,) = errors_to_rules(caught.value)
    assert entry[2] == (
        "actor code 'iran' is not an upper-case code; did you mean 'IRN'?; "
        f"actor code ' RUS' has white space at its start: use 'RUS' (registered: {CODES})"
    )


def test_other_errors_of_a_worded_field_pass_unchanged() -> None:
    """Only the constraint a message words is reworded: an empty actor list stays
    actors_non_empty, a list of numbers stays a type error."""
    for actors, rule in (([], "actors_non_empty"), ([1], "type")):
        record = valid_record()
        record["actors"] = actors
        with pytest.raises(ValidationError) as caught:
            Claim.model_validate(record, context=REGISTRY)
        assert [r for r, _, _ in errors_to_rules(caught.value)] == [rule]


# -- empty rows -----------------------------------------------------------------------------------
def _csv_with_empty_rows(tmp_path: Path, empty_row: str) -> Path:
    """Four claims (the fourth with a misspelt theme) with an empty row after the second and
    two at the end, as a spreadsheet leaves them."""
    records = mutated_table(None, 4)
    records[3]["theme"] = "nucelar"
    lines = write_claims(records, tmp_path / "claims.csv").read_text().splitlines(keepends=True)
    lines = [*lines[:3], empty_row, *lines[3:], empty_row, empty_row]
    path = tmp_path / "claims.csv"
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 1000])
@pytest.mark.parametrize(
    "empty_row", ["\n", "," * 12 + "\n", "  \n"], ids=["blank", "commas", "spaces"]
)
def test_empty_csv_rows_are_one_problem_each_and_the_trailing_ones_one(
    tmp_path: Path, empty_row: str, chunk_rows: int
) -> None:
    path = _csv_with_empty_rows(tmp_path, empty_row)
    report = validate(path, registry=REGISTRY, chunk_rows=chunk_rows, engine="pandas")
    assert not report.valid
    assert report.total == 3
    assert [(p.rule, p.row, p.message) for p in report.problems] == [
        ("row_not_empty", 4, "row 4 is empty: delete it"),
        ("theme_vocabulary", 6, report.problems[1].message),  # after the empty row: row 6
        ("row_not_empty", 7, "rows 7-8 are empty (at the end of the file): delete them"),
    ]
    assert report.problems[1].record_id == "IRR-0004"
    assert validate(path, registry=REGISTRY, engine="polars").problems == report.problems


@pytest.mark.parametrize("chunk_rows", [1, 2, 1000])
@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_rows_in_every_format(tmp_path: Path, fmt: str, chunk_rows: int) -> None:
    nothing = dict.fromkeys(valid_record())
    records = mutated_table(None, 3)
    path = write_claims(
        [*records[:1], nothing, *records[1:], nothing, nothing], tmp_path / f"c.{fmt}"
    )
    report = validate(path, registry=REGISTRY, chunk_rows=chunk_rows)
    first, last = row_of(fmt, 4), row_of(fmt, 5)
    assert [(p.rule, p.row, p.message) for p in report.problems] == [
        ("row_not_empty", row_of(fmt, 1), f"row {row_of(fmt, 1)} is empty: delete it"),
        ("row_not_empty", first,
         f"rows {first}-{last} are empty (at the end of the file): delete them"),
    ]  # fmt: skip
    assert report.total == 2


def test_a_file_of_empty_rows_alone(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text("{}\n\n{}\n")  # JSON Lines rows are line numbers
    report = validate(path, registry=REGISTRY)
    assert [(p.rule, p.row, p.message) for p in report.problems] == [
        ("row_not_empty", 1, "rows 1, 3 are empty (at the end of the file): delete them")
    ]


def test_empty_rows_of_a_dataframe_are_one_problem_each() -> None:
    """A DataFrame has no end of file to speak of: each empty row is a problem."""
    records = mutated_table(None, 3)
    frame = pd.DataFrame([*records, {}, {}]).astype({"start": "Int64", "end": "Int64"})
    report = validate(frame, registry=REGISTRY)
    assert [(p.rule, p.row, p.message) for p in report.problems] == [
        ("row_not_empty", 4, "row 4 is empty: delete it"),
        ("row_not_empty", 5, "row 5 is empty: delete it"),
    ]


@pytest.mark.parametrize("record", [{}, dict.fromkeys(valid_record())], ids=["no-field", "nulls"])
def test_the_pydantic_claim_names_an_empty_record(record: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record, context=REGISTRY)
    assert errors_to_rules(caught.value) == [
        ("row_not_empty", "", "the record is empty (every field is missing): delete it")
    ]


def test_a_row_with_some_cells_missing_is_not_empty(tmp_path: Path) -> None:
    """Only a row with every cell missing is empty: other missing cells are `required`, each
    located (no record id where the id is missing)."""
    records = mutated_table(None, 3)
    records[1].update(id=None, kind=None)
    report = validate(write_claims(records, tmp_path / "c.csv"), registry=REGISTRY)
    assert [(p.rule, p.row, p.record_id, p.column, p.message) for p in report.problems] == [
        ("required", 3, None, "id", "the value is missing"),
        ("required", 3, None, "kind", "the value is missing"),
    ]
