"""Regular expressions and character sets the rules share, in one dialect every engine reads.

The rules run on Polars (Rust ``regex``), Spark (Java) and DuckDB (RE2); all three read
``\\x{...}`` code points, ``(?:...)`` groups and ``\\z`` for the very end of the text (Java's ``$``
also matches before a final line break, so ``$`` is never used for a full match). pydantic
and JSON Schema read the ``^...$`` patterns of :mod:`~iran_russia_claims.spec.vocab`, which
:func:`full_match` turns into this dialect. Nothing is imported here.
"""

from __future__ import annotations

from typing import Final

from iran_russia_claims.spec.vocab import FORMULA_PREFIXES

#: Ranges of code points that count as control characters.
CONTROL_RANGES: Final = ((0x00, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029))
#: Ranges of code points that Python's ``str.isspace`` (so ``strip`` and ``split``) treats as
#: white space; spelled out so that every engine trims and splits exactly as Python does.
WHITESPACE_RANGES: Final = (
    (0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
    (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
)  # fmt: skip


def char_class(ranges: tuple[tuple[int, int], ...], *, negate: bool = False) -> str:
    """A regex character class of code point ranges, in the ``\\x{...}`` syntax."""
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def anchored(body: str) -> str:
    """A full-match regex for engines that only search: ``^(?:body)\\z``."""
    return f"^(?:{body})\\z"


def chars(ranges: tuple[tuple[int, int], ...]) -> tuple[str, ...]:
    """Every character of the ranges, for set lookups."""
    return tuple(chr(c) for low, high in ranges for c in range(low, high + 1))


#: One white-space character, as Python's ``str.strip`` and ``str.split`` see it.
WHITESPACE: Final = char_class(WHITESPACE_RANGES)
WHITESPACE_CHARS: Final = chars(WHITESPACE_RANGES)
#: One control character.
CONTROL: Final = char_class(CONTROL_RANGES)
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
#: A value starting like a spreadsheet formula (every prefix is one character).
FORMULA_START: Final = "^" + char_class(tuple((ord(p), ord(p)) for p in FORMULA_PREFIXES))


def full_match(pattern: str) -> str:
    """A ``^...$`` pattern of :mod:`~iran_russia_claims.spec.vocab` (the form JSON Schema and
    pydantic read) as a full match for engines that only search."""
    assert pattern.startswith("^"), pattern
    assert pattern.endswith("$"), pattern
    return anchored(pattern[1:-1])
