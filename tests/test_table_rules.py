"""The engine-neutral declaration of the table checks: complete, and read alike by every engine."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from iran_russia_claims.spec.rules import CONTROL_CHARS_REGEX, RULES
from iran_russia_claims.table_rules import (
    CONTROL,
    CONTROL_RANGES,
    FORMULA_START,
    TABLE_CHECKS,
    UNTRIMMED,
    WHITESPACE_RANGES,
    anchored,
)
from iran_russia_claims.spec.vocab import CLAIM_COLUMN_NAMES, FORMULA_PREFIXES, ID_PATTERN

ALL_CHARS = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def _codes(ranges: tuple[tuple[int, int], ...]) -> set[int]:
    return {c for low, high in ranges for c in range(low, high + 1)}


def test_every_check_names_a_rule_and_reads_claim_columns() -> None:
    assert len({c.rule for c in TABLE_CHECKS}) == len(TABLE_CHECKS)
    for check in TABLE_CHECKS:
        assert check.rule in RULES
        assert set(check.columns) | ({check.column} - {None}) <= set(CLAIM_COLUMN_NAMES)


def test_white_space_is_pythons() -> None:
    assert _codes(WHITESPACE_RANGES) == {ord(c) for c in ALL_CHARS if c.isspace()}


def test_control_characters_are_those_of_the_rules() -> None:
    python = re.compile(CONTROL_CHARS_REGEX)
    assert _codes(CONTROL_RANGES) == {ord(c) for c in ALL_CHARS if python.search(c)}


def _arrow(pattern: str, values: list[str]) -> list[bool]:
    return pc.match_substring_regex(pa.array(values), pattern).to_pylist()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("IRR-0001", True), ("IRR-12345", True), ("IRR-01234", False), ("IRR-001", False),
     ("IRR-0001\n", False), ("xIRR-0001", False)],
)  # fmt: skip
def test_anchored_patterns_match_whole_values_only(value: str, ok: bool) -> None:
    assert bool(re.fullmatch(ID_PATTERN[1:-1], value)) is ok
    assert _arrow(anchored(ID_PATTERN[1:-1]), [value]) == [ok]


def test_rendered_classes_agree_with_python_on_every_character() -> None:
    sample = [c for c in ALL_CHARS if ord(c) < 0x3100]
    values = [f"a{c}b" for c in sample]
    assert _arrow(CONTROL, values) == [c in _CONTROL_SET for c in sample]
    edges = [f"{c}ab" for c in sample] + [f"ab{c}" for c in sample]
    assert _arrow(UNTRIMMED, edges) == [v != v.strip() for v in edges]
    starts = [f"{c}ab" for c in sample]
    assert _arrow(FORMULA_START, starts) == [v.startswith(FORMULA_PREFIXES) for v in starts]


_CONTROL_SET = {chr(c) for c in _codes(CONTROL_RANGES)}
