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
    frame = pd.DataFrame(records(2))
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
