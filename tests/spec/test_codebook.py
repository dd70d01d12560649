"""The codebook's vocabulary tables say what vocab.py defines: one definition, quoted twice."""

from __future__ import annotations

import re

import pytest

from conftest import REPO
from iran_russia_claims.spec.vocab import (
    BAND_UPPER_BOUNDS,
    CODEBOOK_VERSIONS,
    KIND_DEFINITIONS,
    QUAD_CLASS_DEFINITIONS,
    RELATION_DEFINITIONS,
    THEME_DEFINITIONS,
)

CODEBOOK = (REPO / "docs" / "codebook.md").read_text(encoding="utf-8")


def table_row(value: str) -> str:
    match = re.search(rf"^\| `{value}` \|(.*)$", CODEBOOK, flags=re.MULTILINE)
    assert match, f"docs/codebook.md has no table row for `{value}`"
    return match.group(1)


@pytest.mark.parametrize(
    ("value", "definition"),
    [
        *THEME_DEFINITIONS.items(),
        *KIND_DEFINITIONS.items(),
        *QUAD_CLASS_DEFINITIONS.items(),
        *RELATION_DEFINITIONS.items(),
    ],
)
def test_vocabulary_definitions_match_vocab(value: str, definition: str) -> None:
    row = table_row(value)
    assert definition in row, f"codebook row for {value} differs from vocab.py: {definition!r}"


def test_band_ranges_match_vocab() -> None:
    lower = "[0.01"
    for band, upper in BAND_UPPER_BOUNDS.items():
        row = table_row(band.value)
        assert f"{upper:.2f}]" in row, row
        assert lower in row, row
        lower = f"({upper:.2f}"


def test_the_codebook_is_at_the_latest_version_records_may_follow() -> None:
    assert f"**Codebook version {CODEBOOK_VERSIONS[-1]}.**" in CODEBOOK
