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
    BIDI_CONTROL_RANGES,
    CONTROL,
    CONTROL_RANGES,
    FORMULA_START,
    HIDDEN,
    HIDDEN_RANGES,
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


# -- hidden characters ----------------------------------------------------------------------------
#: Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt, Unicode 15.1),
#: which the standard library does not expose.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160), (0x17B4, 0x17B5),
    (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F), (0x3164, 0x3164),
    (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)  # fmt: skip
JOINERS = {0x200C, 0x200D}
VARIATION_SELECTORS = _codes(((0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F),
                              (0xE0100, 0xE01EF)))  # fmt: skip
ANNOTATION = _codes(((0xFFF9, 0xFFFB),))
#: Format characters that are drawn: number and verse signs, hieroglyph controls.
VISIBLE_FORMAT = ("ARABIC ", "SYRIAC ", "KAITHI ", "EGYPTIAN HIEROGLYPH ")
#: Every code point a hidden character is, or sits next to, and a sample of the rest.
AROUND_HIDDEN = sorted(
    {c for low, high in HIDDEN_RANGES for c in range(low - 1, high + 2)}
    | {ord(c) for c in SAMPLE}
    | set(range(0xFE00, 0xFFFE))
    | _codes(((0xE0000, 0xE1000),))
)


def test_hidden_characters_are_the_default_ignorables_but_joiners_and_selectors() -> None:
    """Every character drawn as nothing is hidden, but the joiners and variation selectors that
    scripts and emoji need; and the interlinear annotation characters, which hide text."""
    assert all(unicodedata.name(chr(c)).startswith(("VARIATION SELECTOR", "MONGOLIAN FREE"))
               for c in VARIATION_SELECTORS)  # fmt: skip
    expected = (_codes(DEFAULT_IGNORABLE) - JOINERS - VARIATION_SELECTORS) | ANNOTATION
    assert _codes(HIDDEN_RANGES) == expected
    assert tuple(sorted(HIDDEN_RANGES)) == HIDDEN_RANGES


def test_bidirectional_controls_are_the_explicit_formatting_and_the_marks() -> None:
    explicit = {"LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI"}
    marks = {0x061C, 0x200E, 0x200F}
    assert all(unicodedata.name(chr(c)).endswith("MARK") for c in marks)
    found = {ord(c) for c in ALL_CHARS if unicodedata.bidirectional(c) in explicit}
    assert _codes(BIDI_CONTROL_RANGES) == found | marks


def test_every_other_format_character_is_drawn() -> None:
    hidden = _codes(HIDDEN_RANGES)
    for c in ALL_CHARS:
        if unicodedata.category(c) == "Cf" and ord(c) not in hidden:
            assert ord(c) in JOINERS or unicodedata.name(c).startswith(VISIBLE_FORMAT), hex(ord(c))
    assert not any(unicodedata.category(chr(c)) in ("Cc", "Zs", "Zl", "Zp") for c in hidden)


def test_the_hidden_rules_agree_with_python_on_every_character_around_them() -> None:
    hidden = _codes(HIDDEN_RANGES)
    texts = [f"Iran and Russia {chr(c)} cooperate." for c in AROUND_HIDDEN]
    expected = [c in hidden for c in AROUND_HIDDEN]
    assert sum(expected) == len(hidden)
    assert _failing("assertion_no_hidden_chars", "assertion", texts) == expected
    hedges = [[f"could {chr(c)}be"] for c in AROUND_HIDDEN]
    assert _failing("hedges_no_hidden_chars", "hedges", hedges) == expected
    assert pc.match_substring_regex(pa.array(texts), HIDDEN).to_pylist() == expected
