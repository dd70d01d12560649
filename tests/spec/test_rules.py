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
        ("Iran and Russia\u202e cooperate on energy.", ["assertion_no_hidden_chars"]),
        ("\ufeffIran and Russia cooperate on energy.", ["assertion_no_hidden_chars"]),
        ("ایران و روسیه در زمینه\u200cی انرژی همکاری می\u200cکنند.", []),
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
        ("like\u200bly", False),
        ("\u2066likely\u2069", False),
        ("می\u200cتواند", True),
    ],
)
def test_hedges(hedge: str, ok: bool) -> None:
    assert hedge_ok(hedge) is ok


def test_every_rule_has_a_description() -> None:
    assert all(rule.description for rule in RULES.values())


def test_a_registry_without_sources_registers_no_source() -> None:
    import polars as pl

    from iran_russia_claims.spec.evaluate import find_failures
    from iran_russia_claims.spec.rules import Context
    from records import valid_record

    found = find_failures(pl.DataFrame([valid_record()]), Context(sources=(), actors=("IRN",)))
    assert set(found.positions) == {"source_registered", "actors_registered"}


def test_an_id_prefix_is_checked() -> None:
    from iran_russia_claims.spec.rules import Context

    assert Context(id_prefix="ABC").id_prefix == "ABC"
    with pytest.raises(ValueError, match="id prefix"):
        Context(id_prefix="a.*")


def test_band_for_is_the_bands_of_the_rule() -> None:
    """band_for names the band the band_matches_confidence rule expects, at every edge."""
    import polars as pl

    from iran_russia_claims.spec.evaluate import find_failures

    values = sorted({round(v, 7) for u in BAND_UPPER_BOUNDS.values() for v in (u, u + 1e-7)})
    values = [v for v in values if v <= 0.99]
    frame = pl.DataFrame(
        {"confidence": values, "confidence_band": [band_for(v).value for v in values]}
    )
    assert not find_failures(frame, rules=[RULES["band_matches_confidence"]])
