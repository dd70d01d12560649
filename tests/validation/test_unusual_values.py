"""Values no well-behaved file holds, from a parsed file or a DataFrame: each one located,
never a crash. Text that is not valid Unicode (a lone surrogate), lists inside lists, a list
that holds itself."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from iran_russia_claims.validation import validate
from reading import REGISTRY, records


def _found(report: object) -> list[tuple[str, int | None, str | None]]:
    return [(p.rule, p.row, p.column) for p in report.problems]  # type: ignore[attr-defined]


@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
def test_a_lone_surrogate_is_located_in_text_and_lists(tmp_path: Path, suffix: str) -> None:
    rows = records(3)
    rows[0]["assertion"] = "Half an emoji \ud83d here."
    rows[2]["hedges"] = ["likely", "\udfff"]
    path = tmp_path / f"c{suffix}"
    if suffix == ".jsonl":  # json.dumps writes the escape \ud83d: valid JSON, not Unicode
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    elif suffix == ".json":
        path.write_text(json.dumps(rows))
    else:
        path.write_text("claims: " + json.dumps(rows))
    report = validate(path, registry=REGISTRY)
    assert _found(report) == [("readable", 1, "assertion"), ("readable", 3, "hedges")]
    assert "lone surrogate" in report.problems[0].message
    assert report.rows == 3
    assert report.exit_code() == 2


def test_a_dataframe_with_a_lone_surrogate_is_reported_not_raised() -> None:
    # object columns: pandas 3's string dtype refuses a lone surrogate before we see it
    frame = pd.DataFrame(records(2), dtype=object)
    frame.loc[1, "id"] = "IRR-\ud800"
    report = validate(frame, registry=REGISTRY)
    assert ("readable", 2, "id") in _found(report)


def test_lists_inside_lists_and_a_list_that_holds_itself_are_type_problems() -> None:
    frame = pd.DataFrame(records(3))
    itself: list[object] = []
    itself.append(itself)
    deep: list[object] = []
    cursor = deep
    for _ in range(100_000):  # far past any recursion limit
        inner: list[object] = []
        cursor.append(inner)
        cursor = inner
    frame.at[0, "hedges"] = itself
    frame.at[1, "actors"] = deep
    frame.at[2, "hedges"] = [["likely"]]
    report = validate(frame, registry=REGISTRY)
    assert _found(report) == [("type", 1, "hedges"), ("type", 2, "actors"), ("type", 3, "hedges")]


def test_column_names_that_read_alike_list_subclasses_and_huge_labels() -> None:
    """1 and "1" are one name; a list subclass is read by iterating it (never its len(), which
    it can fake); an index label whose row number would not fit 64 bits gives positions."""

    class LyingList(list):  # type: ignore[type-arg]
        def __len__(self) -> int:
            return 10**9

    class Refusing(list):  # type: ignore[type-arg]
        def __iter__(self) -> object:
            raise RuntimeError("no")

    frame = pd.DataFrame(records(3))
    frame[1] = "a"
    frame["1"] = "b"
    frame.at[0, "hedges"] = LyingList(["likely", 5])
    frame.at[1, "hedges"] = Refusing(["likely"])
    report = validate(frame, registry=REGISTRY)
    found = _found(report)
    assert ("type", 1, "hedges") in found
    assert ("type", 2, "hedges") in found
    assert [p.column for p in report.problems if p.rule == "no_extra_fields"].count("1") == 2
    frame = pd.DataFrame(records(2), index=[2**63 - 1, 0])
    frame["confidence"] = [1.5, frame["confidence"][0]]
    assert _found(validate(frame, registry=REGISTRY)) == [("confidence_range", 1, "confidence")]


def test_the_model_refuses_a_whole_number_no_engine_can_hold() -> None:
    import sys

    from pydantic import ValidationError

    from iran_russia_claims.spec.models import Claim, errors_to_rules

    record = records(1)[0]
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(10_000)
    try:
        record["start"] = int("9" * 5000)
    finally:
        sys.set_int_max_str_digits(limit)
    with pytest.raises(ValidationError) as caught:
        Claim.model_validate(record)
    assert [(rule, column) for rule, column, _ in errors_to_rules(caught.value)] == [
        ("type", "start")
    ]
