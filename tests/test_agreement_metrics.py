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


# --- issue 15: dyads and relations ------------------------------------------------------------


def _dyad(claim, source, target, quad, mutual=False):
    return {
        "claim_id": claim,
        "source": source,
        "target": target,
        "quad_class": quad,
        "mutual": mutual,
    }


def _edge(a, b, relation, ground="connective"):
    return {"from_id": a, "to_id": b, "relation": relation, "ground": ground}


def test_claim_range_and_numbers():
    assert ag.claim_range("IRR-0009", "IRR-0011") == ["IRR-0009", "IRR-0010", "IRR-0011"]
    assert ag.claim_number("IRR-0111") == 111
    with pytest.raises(ValueError, match="not a claim id"):
        ag.claim_number("P2-0001")


def test_dyad_key_mutual_is_an_unordered_pair_and_direction_counts_otherwise():
    stored_irn_first = ag.dyad_key(_dyad("IRR-0001", "IRN", "RUS", "x", mutual=True))
    stored_rus_first = ag.dyad_key(_dyad("IRR-0001", "RUS", "IRN", "x", mutual=True))
    assert stored_irn_first == stored_rus_first
    one_way = ag.dyad_key(_dyad("IRR-0001", "RUS", "IRN", "x"))
    other_way = ag.dyad_key(_dyad("IRR-0001", "IRN", "RUS", "x"))
    assert one_way != other_way
    assert one_way != stored_rus_first  # same codes, but one-way is not mutual


def test_edge_key_alternative_is_unordered_in_numeric_order_other_relations_directed():
    # numeric order, not string order: "IRR-10000" < "IRR-9999" as strings
    assert ag.edge_key(_edge("IRR-10000", "IRR-9999", "alternative_to")) == (
        "IRR-9999",
        "IRR-10000",
    )
    assert ag.edge_key(_edge("IRR-0101", "IRR-0088", "alternative_to")) == (
        "IRR-0088",
        "IRR-0101",
    )
    assert ag.edge_key(_edge("IRR-0101", "IRR-0088", "supports")) == ("IRR-0101", "IRR-0088")


def test_one_pass_may_not_hold_one_key_twice():
    rows = [
        _dyad("IRR-0001", "IRN", "RUS", "verbal_cooperation", mutual=True),
        _dyad("IRR-0001", "RUS", "IRN", "material_cooperation", mutual=True),
    ]
    with pytest.raises(ValueError, match="share the matching key"):
        ag.measure_dyads(rows, [], ["IRR-0001"])


def test_measure_dyads_by_hand():
    # Range IRR-0001..IRR-0006; rows of IRR-0009 lie outside and are ignored.
    first = [
        _dyad("IRR-0001", "IRN", "RUS", "verbal_cooperation", mutual=True),  # meets B's RUS<->IRN
        _dyad("IRR-0001", "WEST", "IRN", "material_conflict"),  # matched, label differs
        _dyad("IRR-0002", "RUS", "IRN", "material_cooperation"),  # B has it reversed: no match
        _dyad("IRR-0002", "WEST", "RUS", "material_conflict"),  # A only
        _dyad("IRR-0003", "RUS", "IRN", "verbal_cooperation"),  # B has it mutual: no match
        _dyad("IRR-0004", "RUS", "IRN", "verbal_cooperation"),  # the claim has no B dyad
        _dyad("IRR-0009", "IRN", "RUS", "verbal_cooperation", mutual=True),
    ]
    second = [
        _dyad("IRR-0001", "RUS", "IRN", "verbal_cooperation", mutual=True),
        _dyad("IRR-0001", "WEST", "IRN", "verbal_conflict"),
        _dyad("IRR-0002", "IRN", "RUS", "material_cooperation"),
        _dyad("IRR-0003", "IRN", "RUS", "verbal_cooperation", mutual=True),
        _dyad("IRR-0005", "INTL", "IRN", "verbal_conflict"),  # the claim has no A dyad
        _dyad("IRR-0009", "IRN", "RUS", "verbal_cooperation", mutual=True),
    ]
    r = ag.measure_dyads(first, second, ag.claim_range("IRR-0001", "IRR-0006"))
    # n1 = 6, n2 = 5, matched = 2: precision = 2/5 (pass 1 is the reference), recall = 2/6,
    # F1 = 2 * 2 / (6 + 5) = 4/11
    assert (r["claims"], r["n1"], r["n2"], r["matched"]) == (6, 6, 5, 2)
    assert r["precision"] == pytest.approx(0.4)
    assert r["recall"] == pytest.approx(1 / 3)
    assert r["f1"] == pytest.approx(4 / 11)
    # labels (vc, vc), (mc, vconf): p_o = 1/2; p_e = (1 * 1) / 4 (only vc on both sides);
    # kappa = (1/2 - 1/4) / (3/4) = 1/3
    assert r["label_agree"] == 1
    assert r["kappa"] == pytest.approx(1 / 3)
    assert r["no_dyad_either"] == ["IRR-0006"]
    assert r["dyad_one_pass"] == ["IRR-0004", "IRR-0005"]
    assert r["matched_keys"] == [
        ("IRR-0001", "IRN", "RUS", True),
        ("IRR-0001", "WEST", "IRN", False),
    ]


def test_measure_edges_by_hand():
    # Range IRR-0001..IRR-0010.
    first = [
        _edge("IRR-0002", "IRR-0001", "supports"),  # matched, same
        _edge("IRR-0003", "IRR-0001", "elaborates", "relative clause"),  # label and ground differ
        _edge("IRR-0004", "IRR-0005", "alternative_to", "scenario list"),  # B stores it 5 -> 4
        _edge("IRR-0006", "IRR-0007", "elaborates"),  # B has it the other way round
        _edge("IRR-0008", "IRR-0001", "contrasts", "contrast connective"),  # A only
        _edge("IRR-0009", "IRR-0020", "supports"),  # one end outside: out of scope
        _edge("IRR-0030", "IRR-0031", "supports"),  # wholly outside
    ]
    second = [
        _edge("IRR-0002", "IRR-0001", "supports"),
        _edge("IRR-0003", "IRR-0001", "supports", "thesis and support"),
        _edge("IRR-0005", "IRR-0004", "alternative_to", "scenario_list"),
        _edge("IRR-0007", "IRR-0006", "supports"),
        _edge("IRR-0010", "IRR-0001", "elaborates"),  # B only
        _edge("IRR-0009", "IRR-0001", "elaborates"),  # B only
    ]
    r = ag.measure_edges(first, second, ag.claim_range("IRR-0001", "IRR-0010"))
    # n1 = 5, n2 = 6, matched = 3: precision 3/6, recall 3/5, F1 = 6/11
    assert (r["n1"], r["n2"], r["matched"]) == (5, 6, 3)
    assert r["matched_keys"] == [
        ("IRR-0002", "IRR-0001"),
        ("IRR-0003", "IRR-0001"),
        ("IRR-0004", "IRR-0005"),
    ]
    assert r["precision"] == pytest.approx(0.5)
    assert r["recall"] == pytest.approx(0.6)
    assert r["f1"] == pytest.approx(6 / 11)
    assert r["reversed"] == [("IRR-0006", "IRR-0007")]
    assert [(e["from_id"], e["to_id"]) for e in r["crossing_1"]] == [("IRR-0009", "IRR-0020")]
    assert r["crossing_2"] == []
    # relations (s, s), (e, s), (a, a): p_o = 2/3; A: s 1, e 1, a 1; B: s 2, a 1;
    # p_e = (1 * 2 + 1 * 1) / 9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5
    assert r["label_agree"] == 2
    assert r["kappa"] == pytest.approx(0.5)
    # grounds compared in snake_case: relative_clause / thesis_support differ, the rest agree
    assert r["ground_agree"] == 2


def test_ground_names_map_the_passes_words_to_the_vocabulary():
    assert ag.ground_name("thesis and support") == "thesis_support"
    assert ag.ground_name("for-X frame") == "for_frame"
    assert ag.ground_name("contrast connective") == "contrast_connective"
    assert ag.ground_name("relative_clause") == "relative_clause"


def test_relations_mode_prints_the_table(capsys):
    assert ag.main(["relations"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| measure | dyads | edges |")
    assert "## Dyads in pass 1 only" not in out
    assert ag.main(["relations", "--details"]) == 0
    assert "## Dyads in pass 1 only" in capsys.readouterr().out


def test_frozen_relation_passes_give_the_published_table():
    """docs/agreement.md (issue 15) reports this table; the frozen files must keep giving it."""
    claim_ids = ag.claim_range(ag.DEFAULT_FIRST_ID, ag.DEFAULT_LAST_ID)
    d = ag.measure_dyads(
        ag.load_rows(ag.DEFAULT_DYADS[0], "dyads"),
        ag.load_rows(ag.DEFAULT_DYADS[1], "dyads"),
        claim_ids,
    )
    e = ag.measure_edges(
        ag.load_rows(ag.DEFAULT_EDGES[0], "relations"),
        ag.load_rows(ag.DEFAULT_EDGES[1], "relations"),
        claim_ids,
    )
    assert (d["n1"], d["n2"], d["matched"]) == (43, 40, 39)
    assert (e["n1"], e["n2"], e["matched"], len(e["reversed"])) == (38, 39, 36, 1)
    table = ag.render_relations_table(d, e, ag.DEFAULT_FIRST_ID, ag.DEFAULT_LAST_ID)
    assert table in (SCRIPT.parents[1] / "docs" / "agreement.md").read_text(encoding="utf-8")
