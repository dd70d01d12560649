"""The statistics and the matching rule of scripts/agreement.py, against hand-computed cases."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "agreement.py"


def _load():
    spec = importlib.util.spec_from_file_location("agreement_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


ag = _load()


# --- Cohen's kappa ----------------------------------------------------------------------------


def test_kappa_two_by_two_by_hand():
    # 50 items: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no.
    # p_o = 35/50 = 0.7; rater 1 says yes 25/50, rater 2 30/50;
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / 0.5 = 0.4.
    first = ["y"] * 20 + ["y"] * 5 + ["n"] * 10 + ["n"] * 15
    second = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
    assert ag.cohen_kappa(first, second) == pytest.approx(0.4)


def test_kappa_three_labels_one_used_by_one_rater_only():
    # pairs: (a,a) (a,a) (b,b) (b,c) (c,c) (a,b)
    # p_o = 4/6; rater 1: a 3, b 2, c 1; rater 2: a 2, b 2, c 2
    # p_e = (3*2 + 2*2 + 1*2) / 36 = 12/36 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    first = ["a", "a", "b", "b", "c", "a"]
    second = ["a", "a", "b", "c", "c", "b"]
    assert ag.cohen_kappa(first, second) == pytest.approx(0.5)


def test_kappa_perfect_and_chance_and_undefined():
    assert ag.cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == pytest.approx(1.0)
    # p_o = 0.5, p_e = 0.5: no better than chance
    assert ag.cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]) == pytest.approx(0.0)
    # systematic disagreement is negative: p_o = 0, p_e = 0.5
    assert ag.cohen_kappa(["a", "b"], ["b", "a"]) == pytest.approx(-1.0)
    # one label for everything on both sides: chance agreement is 1, kappa undefined
    assert math.isnan(ag.cohen_kappa(["a", "a"], ["a", "a"]))
    assert math.isnan(ag.cohen_kappa([], []))


def test_kappa_needs_the_same_items():
    with pytest.raises(ValueError, match="same items"):
        ag.cohen_kappa(["a"], ["a", "b"])


# --- ranks and Spearman's rho -----------------------------------------------------------------


def test_average_ranks_share_ties():
    assert ag.average_ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert ag.average_ranks([0.9, 0.5, 0.9, 0.9]) == [3.0, 1.0, 3.0, 3.0]
    assert ag.average_ranks([3, 1, 2]) == [3.0, 1.0, 2.0]
    assert ag.average_ranks([]) == []


def test_spearman_with_ties_by_hand():
    # x ranks 1..5; y = 5 6 7 8 7 ranks 1 2 3.5 5 3.5.
    # deviations from 3: x -2 -1 0 1 2, y -2 -1 0.5 2 0.5
    # sum xy = 4 + 1 + 0 + 2 + 1 = 8; sum x^2 = 10; sum y^2 = 9.5; rho = 8 / sqrt(95)
    rho = ag.spearman_rho([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    assert rho == pytest.approx(8 / math.sqrt(95))


def test_spearman_monotone_reversed_and_constant():
    assert ag.spearman_rho([1, 2, 3], [10, 100, 1000]) == pytest.approx(1.0)
    assert ag.spearman_rho([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(ag.spearman_rho([0.9, 0.9, 0.9], [0.5, 0.7, 0.9]))
    assert math.isnan(ag.spearman_rho([1], [1]))


def test_spearman_confidence_like_values():
    # x: 0.9 0.9 0.5 0.7 -> ranks 3.5 3.5 1 2; y: 0.9 0.7 0.5 0.7 -> ranks 4 2.5 1 2.5
    # means 2.5; dx 1 1 -1.5 -0.5; dy 1.5 0 -1.5 0
    # sum dxdy = 1.5 + 0 + 2.25 + 0 = 3.75; sum dx^2 = 4.5; sum dy^2 = 4.5; rho = 3.75/4.5
    rho = ag.spearman_rho([0.9, 0.9, 0.5, 0.7], [0.9, 0.7, 0.5, 0.7])
    assert rho == pytest.approx(3.75 / 4.5)


# --- matching ---------------------------------------------------------------------------------


def _claim(cid, start, end, assertion, **extra):
    return {"id": cid, "start": start, "end": end, "assertion": assertion, **extra}


def test_stems_and_dice():
    assert ag.stems("Iran's integration with Russia deepens.") == frozenset(
        {"iran", "integ", "russi", "deepe"}
    )
    a = frozenset({"x", "y", "z"})
    assert ag.dice(a, frozenset({"x", "y"})) == pytest.approx(0.8)
    assert ag.dice(frozenset(), frozenset()) == 0.0


def test_match_pairs_claims_of_one_sentence_by_content_not_order():
    first = [
        _claim("A1", 0, 50, "Iran and Russia launch more joint business ventures."),
        _claim("A2", 0, 50, "Iran and Russia coordinate their foreign policy."),
    ]
    second = [
        _claim("B1", 0, 50, "Iran and Russia coordinate foreign policy stances more."),
        _claim("B2", 0, 40, "Iran and Russia set up additional joint ventures."),
    ]
    pairs = {(p.first["id"], p.second["id"]) for p in ag.match(first, second)}
    assert pairs == {("A1", "B2"), ("A2", "B1")}


def test_match_needs_overlap_and_a_shared_stem_beyond_names():
    first = [_claim("A1", 0, 50, "Iran and Russia trade more oil with each other.")]
    disjoint = [_claim("B1", 60, 90, "Iran and Russia trade more oil with each other.")]
    names_only = [_claim("B2", 0, 50, "Russia shields Iran at the Security Council.")]
    assert ag.match(first, disjoint) == []
    assert ag.match(first, names_only) == []


def test_match_is_one_to_one_and_greedy():
    first = [
        _claim("A1", 0, 100, "Russia helped build the Bushehr reactor in Iran."),
        _claim("A2", 0, 100, "Russia has long been involved in Iran's nuclear programme."),
    ]
    second = [
        _claim(
            "B1",
            0,
            100,
            "Russia has long been involved in Iran's nuclear programme, above all at Bushehr.",
        ),
    ]
    pairs = ag.match(first, second)
    assert [(p.first["id"], p.second["id"]) for p in pairs] == [("A2", "B1")]


def test_measure_counts_and_shares():
    first = [
        _claim(
            "A1",
            0,
            10,
            "Iran sells more oil to Russia.",
            theme="energy",
            kind="descriptive",
            confidence=0.9,
            confidence_band="very_likely",
            actors=["IRN", "RUS"],
        ),
        _claim(
            "A2",
            20,
            30,
            "Russia vetoes sanctions on Iran.",
            theme="nuclear",
            kind="predictive",
            confidence=0.5,
            confidence_band="roughly_even_chance",
            actors=["RUS", "IRN"],
        ),
        _claim(
            "A3",
            40,
            50,
            "Trade between Iran and Russia grows.",
            theme="trade_economy",
            kind="descriptive",
            confidence=0.7,
            confidence_band="likely",
            actors=["IRN", "RUS"],
        ),
    ]
    second = [
        _claim(
            "B1",
            0,
            10,
            "Iran exports more oil to Russia.",
            theme="energy",
            kind="descriptive",
            confidence=0.9,
            confidence_band="very_likely",
            actors=["RUS", "IRN"],
        ),
        _claim(
            "B2",
            20,
            30,
            "Russia blocks sanctions against Iran.",
            theme="diplomacy",
            kind="predictive",
            confidence=0.7,
            confidence_band="likely",
            actors=["RUS", "IRN", "UNSC"],
        ),
    ]
    r = ag.measure(first, second)
    assert (r["n1"], r["n2"], r["matched"], r["union"]) == (3, 2, 2, 3)
    assert r["found_by_both"] == pytest.approx(2 / 3)
    assert r["recall_1"] == pytest.approx(2 / 3)
    assert r["recall_2"] == pytest.approx(1.0)
    assert r["theme_agree"] == 1
    assert r["actor_sets_agree"] == 1
    assert r["actor_lists_agree"] == 0
    assert r["conf_rho"] == pytest.approx(1.0)
    table = ag.render_table(r)
    assert table.startswith("| measure | value |")
    assert "| matched pairs | 2 |" in table


def test_frozen_passes_give_the_published_counts():
    """docs/agreement.md reports these figures; the frozen files must keep reproducing them."""
    first = ag.load_claims(ag.DEFAULT_PASS1, ag.DEFAULT_START, ag.DEFAULT_END)
    second = ag.load_claims(ag.DEFAULT_PASS2, ag.DEFAULT_START, ag.DEFAULT_END)
    r = ag.measure(first, second)
    assert (r["n1"], r["n2"], r["matched"]) == (42, 36, 35)
    assert ag.render_table(r) in (SCRIPT.parents[1] / "docs" / "agreement.md").read_text(
        encoding="utf-8"
    )
