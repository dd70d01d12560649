from __future__ import annotations

import copy

import pandas as pd
import pytest

from iran_russia_claims.publish.frame import records_to_frame
from iran_russia_claims.validation import validate_frame
from records import MUTATIONS, registry, valid_record


def table(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records)


def test_valid_table_passes_and_typed_frame_passes() -> None:
    records = [valid_record(n, start=10 * n) for n in range(1, 60)]
    assert validate_frame(table(records), registry()).valid
    assert validate_frame(records_to_frame(records), registry()).valid


@pytest.mark.parametrize("rule", sorted(MUTATIONS))
def test_each_mutation_is_named_by_the_table_schema(rule: str) -> None:
    records = [valid_record(n, start=10 * n) for n in range(1, 4)]
    bad = copy.deepcopy(records[1])
    MUTATIONS[rule](bad)
    records[1] = bad
    report = validate_frame(table(records), registry())
    assert rule in report.rules_broken()
    located = [p for p in report if p.rule == rule and p.row is not None]
    if located:  # row-level rules point at the mutated row (1-based), with its id
        assert {p.row for p in located} == {2}


def test_duplicates_are_reported_on_every_row_involved() -> None:
    records = [valid_record(1), valid_record(1, start=100)]
    report = validate_frame(table(records), registry())
    assert {(p.rule, p.row) for p in report if p.rule == "id_unique"} == {
        ("id_unique", 1),
        ("id_unique", 2),
    }
    same_span = [valid_record(1), {**valid_record(2), "assertion": valid_record(1)["assertion"]}]
    assert "span_unique" in validate_frame(table(same_span), registry()).rules_broken()


def test_missing_and_extra_columns_are_named() -> None:
    frame = table([valid_record()]).drop(columns=["theme"]).assign(note="x")
    report = validate_frame(frame, registry())
    assert {(p.rule, p.column) for p in report} >= {
        ("required", "theme"),
        ("no_extra_fields", "note"),
    }


def test_a_number_where_a_list_is_expected() -> None:
    frame = table([valid_record()])
    frame["actors"] = [5]
    assert "type" in validate_frame(frame, registry()).rules_broken()


def test_list_cells_of_any_sequence_type_are_read_as_lists() -> None:
    """An empty NumPy array (a float array) or a tuple is an empty list, not a column type."""
    import numpy as np

    frame = table([valid_record(n, start=10 * n) for n in range(1, 4)])
    frame["hedges"] = pd.Series([np.array([]), ["likely"], ()], dtype=object)
    assert validate_frame(frame, registry()).valid
    frame["hedges"] = pd.Series([[], [3], ["likely"]], dtype=object)
    report = validate_frame(frame, registry())
    assert {(p.rule, p.row) for p in report} == {("type", 2)}
