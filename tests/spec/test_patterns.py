"""The shared patterns and character sets mean what Python means, in every regex engine.

Each test runs the real rule (its narwhals expression, on Polars) or the rendered regex (on
Arrow's RE2, and on pydantic's Rust regex through the model) and compares it with Python's own
definition, character by character.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from iran_russia_claims.spec.evaluate import find_failures
from iran_russia_claims.spec.patterns import (
    CONTROL,
    CONTROL_RANGES,
    FORMULA_START,
    WHITESPACE_RANGES,
    anchored,
    full_match,
)
from iran_russia_claims.spec.rules import RULES
from iran_russia_claims.spec.vocab import FORMULA_PREFIXES, ID_PATTERN, id_pattern

ALL_CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
SAMPLE = [c for c in ALL_CHARS if ord(c) < 0x3100]


def _codes(ranges: tuple[tuple[int, int], ...]) -> set[int]:
    return {c for low, high in ranges for c in range(low, high + 1)}


def _failing(rule: str, column: str, values: list[object]) -> list[bool]:
    frame = pl.DataFrame({column: values})
    bad = set(find_failures(frame, rules=[RULES[rule]]).positions.get(rule, ()))
    return [i in bad for i in range(len(values))]


def test_white_space_is_pythons() -> None:
    assert _codes(WHITESPACE_RANGES) == {ord(c) for c in ALL_CHARS if c.isspace()}


def test_control_characters_are_the_c0_c1_controls_and_the_line_separators() -> None:
    expected = {ord(c) for c in ALL_CHARS if unicodedata.category(c) in ("Cc", "Zl", "Zp")}
    assert _codes(CONTROL_RANGES) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("IRR-0001", True), ("IRR-12345", True), ("IRR-01234", False), ("IRR-001", False),
     ("IRR-0001\n", False), ("xIRR-0001", False)],
)  # fmt: skip
def test_anchored_patterns_match_whole_values_only(value: str, ok: bool) -> None:
    assert bool(re.fullmatch(ID_PATTERN[1:-1], value)) is ok
    rendered = full_match(ID_PATTERN)
    assert pc.match_substring_regex(pa.array([value]), rendered).to_pylist() == [ok]
    assert _failing("id_pattern", "id", [value]) == [not ok]


def test_the_id_prefix_is_a_parameter() -> None:
    assert re.fullmatch(id_pattern("ABC"), "ABC-0042")
    assert not re.fullmatch(id_pattern("ABC"), "IRR-0042")
    assert anchored("a|b") == "^(?:a|b)\\z"


def test_the_rules_agree_with_python_on_every_character() -> None:
    middles = [f"Iran and Russia {c} cooperate." for c in SAMPLE]
    assert _failing("assertion_no_control_chars", "assertion", middles) == [
        ord(c) in _codes(CONTROL_RANGES) for c in SAMPLE
    ]
    edges = [f"{c}Iran and Russia cooperate" for c in SAMPLE] + [
        f"Iran and Russia cooperate{c}" for c in SAMPLE
    ]
    assert _failing("assertion_trimmed", "assertion", edges) == [v != v.strip() for v in edges]
    starts = [f"{c}Iran and Russia cooperate" for c in SAMPLE]
    assert _failing("assertion_no_formula", "assertion", starts) == [
        v.startswith(FORMULA_PREFIXES) for v in starts
    ]


def test_the_rendered_classes_read_the_same_on_re2() -> None:
    values = [f"a{c}b" for c in SAMPLE]
    assert pc.match_substring_regex(pa.array(values), CONTROL).to_pylist() == [
        ord(c) in _codes(CONTROL_RANGES) for c in SAMPLE
    ]
    starts = [f"{c}ab" for c in SAMPLE]
    assert pc.match_substring_regex(pa.array(starts), FORMULA_START).to_pylist() == [
        v.startswith(FORMULA_PREFIXES) for v in starts
    ]


@pytest.mark.parametrize(
    ("hedge", "ok"),
    [("likely", True), ("a b c d", True), ("a b c d e", False), ("a\u3000b", True),
     ("a\u3000b c d e", False), ("", False), (" could", False), ("could\u00a0", False),
     ("x\x07", False), ("a\x1cb", False), ("a" * 60, True), ("a" * 61, False)],
)  # fmt: skip
def test_hedges_split_on_pythons_white_space(hedge: str, ok: bool) -> None:
    python = (
        bool(hedge)
        and hedge == hedge.strip()
        and len(hedge) <= 60
        and (len(hedge.split()) <= 4)
        and not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", hedge)
    )
    assert python is ok
    assert _failing("hedges_words", "hedges", [[hedge]]) == [not ok]
