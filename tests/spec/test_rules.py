from __future__ import annotations

import math

import pytest

from iran_russia_claims.spec.evaluate import assertion_problems, hedge_ok
from iran_russia_claims.spec.rules import RULES, band_for
from iran_russia_claims.spec.vocab import BAND_UPPER_BOUNDS, Band


@pytest.mark.parametrize(
    ("confidence", "band"),
    [
        (0.01, Band.ALMOST_NO_CHANCE),
        (0.05, Band.ALMOST_NO_CHANCE),
        (0.0500001, Band.VERY_UNLIKELY),
        (0.20, Band.VERY_UNLIKELY),
        (0.2000001, Band.UNLIKELY),
        (0.45, Band.UNLIKELY),
        (0.46, Band.ROUGHLY_EVEN_CHANCE),
        (0.55, Band.ROUGHLY_EVEN_CHANCE),
        (0.5500001, Band.LIKELY),
        (0.80, Band.LIKELY),
        (0.81, Band.VERY_LIKELY),
        (0.95, Band.VERY_LIKELY),
        (0.9500001, Band.ALMOST_CERTAIN),
        (0.99, Band.ALMOST_CERTAIN),
    ],
)
def test_band_boundaries_are_closed_at_the_top(confidence: float, band: Band) -> None:
    assert band_for(confidence) is band


@pytest.mark.parametrize("confidence", [0.0, 0.0099, 0.991, 1.0, -0.5, math.nan, math.inf])
def test_confidence_outside_the_bands_is_rejected(confidence: float) -> None:
    with pytest.raises(ValueError, match="outside"):
        band_for(confidence)


def test_bands_are_ordered_and_cover_the_range() -> None:
    uppers = list(BAND_UPPER_BOUNDS.values())
    assert uppers == sorted(uppers)
    assert list(BAND_UPPER_BOUNDS) == list(Band)


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Iran and Russia cooperate on energy.", []),
        ("short", ["assertion_length"]),
        ("x" * 241, ["assertion_length"]),
        (" Iran and Russia cooperate on energy.", ["assertion_trimmed"]),
        ("Iran and Russia\ncooperate on energy.", ["assertion_no_control_chars"]),
        ("-Iran and Russia cooperate on energy.", ["assertion_no_formula"]),
        ("@Iran and Russia cooperate on energy.", ["assertion_no_formula"]),
        (
            "\tIran and Russia cooperate on energy.",
            ["assertion_trimmed", "assertion_no_control_chars", "assertion_no_formula"],
        ),
    ],
)
def test_assertion_rules(text: str, rules: list[str]) -> None:
    assert assertion_problems(text) == rules


@pytest.mark.parametrize(
    ("hedge", "ok"),
    [
        ("likely", True),
        ("perhaps less likely", True),
        ("a b c d", True),
        ("a b c d e", False),
        ("", False),
        (" could", False),
    ],
)
def test_hedges(hedge: str, ok: bool) -> None:
    assert hedge_ok(hedge) is ok


def test_every_rule_has_a_description() -> None:
    assert all(rule.description for rule in RULES.values())
