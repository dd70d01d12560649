"""`iran-russia-claims summary`: correct counts, a readable table, and stable JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from iran_russia_claims import load
from iran_russia_claims.cli import main
from iran_russia_claims.describe.summary import band_ranges, render, summarise
from iran_russia_claims.spec.vocab import Band, Kind, Theme


def record(
    theme: str, kind: str, band: str, confidence: float, actors: list[str]
) -> dict[str, Any]:
    return {
        "source_id": "s",
        "theme": theme,
        "kind": kind,
        "confidence_band": band,
        "confidence": confidence,
        "actors": actors,
    }


RECORDS = [
    record("nuclear", "causal", "very_likely", 0.9, ["IRN", "RUS"]),
    record("nuclear", "predictive", "roughly_even_chance", 0.5, ["IRN"]),
    record("energy", "descriptive", "very_likely", 0.9, ["RUS", "RUS_BUS"]),
    record("diplomacy", "evaluative", "unlikely", 0.3, ["UNSC"]),
]


def test_counts_list_every_vocabulary_value_in_order_zero_included() -> None:
    s = summarise(RECORDS)
    assert s["claims"] == 4
    assert list(s["theme"]) == [t.value for t in Theme]
    assert list(s["kind"]) == [k.value for k in Kind]
    assert list(s["confidence_band"]) == [b.value for b in Band]
    assert s["theme"]["nuclear"] == 2
    assert s["theme"]["sanctions"] == 0
    assert s["confidence_band"]["very_likely"] == 2
    assert s["actors"] == {"IRN": 2, "RUS": 2, "RUS_BUS": 1, "UNSC": 1}  # by count, then code
    assert s["confidence"] == {
        "min": 0.3,
        "q1": 0.45,
        "median": 0.7,
        "mean": 0.65,
        "q3": 0.9,
        "max": 0.9,
    }


def test_empty_and_single_record_summaries() -> None:
    empty = summarise([])
    assert empty["claims"] == 0
    assert set(empty["confidence"].values()) == {None}
    assert "0 claims from 0 sources" in render(empty)
    one = summarise(RECORDS[:1])
    assert one["confidence"]["q1"] == one["confidence"]["q3"] == 0.9


def test_table_is_readable() -> None:
    text = render(summarise(RECORDS), {"IRN": "Iran", "UNSC": "UN Security Council"})
    lines = text.splitlines()
    assert lines[0] == "4 claims from 1 source"
    assert max(map(len, lines)) <= 80, "fits a standard terminal"
    assert any(line.split()[:3] == ["nuclear", "2", "50.0%"] for line in lines)
    assert any("IRN" in line and "Iran" in line for line in lines)
    assert any(f"unlikely{' ' * 13}{band_ranges()['unlikely']}" in line for line in lines)
    assert "median 0.7" in text


def test_band_ranges_are_open_below_closed_above() -> None:
    ranges = band_ranges()
    assert ranges["almost_no_chance"] == "[0.01, 0.05]"
    assert ranges["roughly_even_chance"] == "(0.45, 0.55]"
    assert list(ranges) == [b.value for b in Band]


def test_cli_json_is_stable_and_matches_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--format", "json"]) == 0
    first = capsys.readouterr().out
    assert main(["summary", "--format", "json"]) == 0
    assert capsys.readouterr().out == first
    data = json.loads(first)
    frame = load()
    assert data["claims"] == len(frame)
    assert data["theme"] == {t.value: int((frame["theme"] == t.value).sum()) for t in Theme}
    assert list(data) == [
        "claims",
        "sources",
        "theme",
        "kind",
        "confidence_band",
        "actors",
        "confidence",
        "dyads",
        "quad_class",
        "relations",
        "relation",
        "actor_pairs",
    ]
    dyads, relations = load("claim_dyads"), load("claim_relations")
    assert data["dyads"] == len(dyads)
    assert data["relations"] == len(relations)
    assert data["quad_class"] == dyads["quad_class"].value_counts(sort=False).to_dict()
    assert sum(data["relation"].values()) == len(relations)
    pair = data["actor_pairs"]["IRN-RUS"]
    between = dyads[dyads["source"].isin(["IRN", "RUS"]) & dyads["target"].isin(["IRN", "RUS"])]
    conflict = between["quad_class"].astype(str).str.endswith("conflict")
    assert (pair["cooperation"], pair["conflict"]) == (int((~conflict).sum()), int(conflict.sum()))


def test_cli_text_names_the_actors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    out = capsys.readouterr().out
    assert "IRN" in out
    assert "Iran" in out
    assert "confidence band" in out
    assert "actors named" in out
