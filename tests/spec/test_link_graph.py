"""The two whole-table rules of the argument graph against brute force on random graphs."""

from __future__ import annotations

import random

import polars as pl
import pytest

from iran_russia_claims.spec.rules import RULES


def _frame(edges: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(edges, schema=["from_id", "to_id", "relation"], orient="row")


def _reaches(edges: list[tuple[str, str]], start: str, goal: str) -> bool:
    seen, todo = {start}, [start]
    while todo:
        node = todo.pop()
        for a, b in edges:
            if a == node and b not in seen:
                if b == goal:
                    return True
                seen.add(b)
                todo.append(b)
    return False


@pytest.mark.parametrize("seed", range(40))
def test_an_edge_breaks_supports_acyclic_exactly_when_it_closes_a_cycle(seed: int) -> None:
    rng = random.Random(seed)
    nodes = [f"IRR-{i:04d}" for i in range(1, rng.randint(3, 12))]
    edges = [
        (rng.choice(nodes), rng.choice(nodes), rng.choice(["supports", "elaborates"]))
        for _ in range(rng.randint(1, 25))
    ]
    supports = [(a, b) for a, b, r in edges if r == "supports" and a != b]
    expected = [not (r == "supports" and a != b and _reaches(supports, b, a)) for a, b, r in edges]
    graph = RULES["supports_acyclic"].graph
    assert graph is not None
    assert graph(_frame(edges)).to_list() == expected


@pytest.mark.parametrize("seed", range(20))
def test_an_edge_breaks_edge_unique_exactly_when_another_joins_its_claims(seed: int) -> None:
    rng = random.Random(seed)
    nodes = [f"IRR-{i:04d}" for i in (1, 2, 3, 9999, 10000)]  # four and five digits
    edges = [(rng.choice(nodes), rng.choice(nodes), "elaborates") for _ in range(12)]
    pairs = [frozenset((a, b)) for a, b, _ in edges]
    expected = [pairs.count(p) == 1 for p in pairs]
    graph = RULES["edge_unique"].graph
    assert graph is not None
    assert graph(_frame(edges)).to_list() == expected


def test_a_long_chain_and_a_long_cycle() -> None:
    chain = [(f"IRR-{i:05d}", f"IRR-{i + 1:05d}", "supports") for i in range(10000, 60000)]
    graph = RULES["supports_acyclic"].graph
    assert graph is not None
    assert graph(_frame(chain)).all()
    cycle = [*chain, ("IRR-60000", "IRR-10000", "supports")]
    assert not graph(_frame(cycle)).any()
