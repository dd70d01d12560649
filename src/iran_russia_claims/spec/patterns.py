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
#: The bidirectional controls (Unicode's Bidi_Control property): the Arabic letter mark U+061C,
#: the left-to-right and right-to-left marks U+200E and U+200F, the embeddings, pop and overrides
#: U+202A to U+202E, and the isolates U+2066 to U+2069. Invisible themselves, they reorder the
#: text around them, so a value can read otherwise than it is.
BIDI_CONTROL_RANGES: Final = ((0x061C, 0x061C), (0x200E, 0x200F), (0x202A, 0x202E),
                              (0x2066, 0x2069))  # fmt: skip
#: Characters drawn as nothing: Unicode's default-ignorable code points (DerivedCoreProperties)
#: but the bidirectional controls above, the zero-width non-joiner and joiner U+200C and U+200D
#: (Persian, Arabic and Indic scripts need them) and the variation selectors (U+180B-U+180D,
#: U+180F, U+FE00-U+FE0F, U+E0100-U+E01EF: they choose a glyph in Mongolian, CJK and emoji);
#: and the interlinear annotation characters U+FFF9 to U+FFFB, which hide the text they enclose.
#: That is: the soft hyphen U+00AD, the combining grapheme joiner U+034F, the Hangul fillers
#: U+115F, U+1160, U+3164 and U+FFA0, the Khmer inherent vowels U+17B4 and U+17B5, the Mongolian
#: vowel separator U+180E, the zero-width space U+200B, the word joiner and invisible operators
#: U+2060 to U+2064 (and the unassigned U+2065), the deprecated format characters U+206A to
#: U+206F, the zero-width no-break space (byte-order mark) U+FEFF, the unassigned U+FFF0 to
#: U+FFF8 and the annotation characters, the shorthand format controls U+1BCA0 to U+1BCA3, the
#: musical formatting controls U+1D173 to U+1D17A, and the tags U+E0000 to U+E007F with the
#: unassigned rest of that plane's ignorable block (U+E0080-U+E00FF, U+E01F0-U+E0FFF). Every
#: other format character (category Cf) is visible: the Arabic, Syriac and Kaithi number and
#: verse signs and the Egyptian hieroglyph format controls.
INVISIBLE_RANGES: Final = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180E, 0x180E),
    (0x200B, 0x200B), (0x2060, 0x2065), (0x206A, 0x206F), (0x3164, 0x3164), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFFB), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE00FF), (0xE01F0, 0xE0FFF),
)  # fmt: skip
#: Characters a text holds without showing them: the bidirectional controls and the invisible
#: characters (sorted by code point).
HIDDEN_RANGES: Final = tuple(sorted(BIDI_CONTROL_RANGES + INVISIBLE_RANGES))
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
#: One hidden character: a bidirectional control or an invisible character.
HIDDEN: Final = char_class(HIDDEN_RANGES)
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
#: A value starting like a spreadsheet formula (every prefix is one character).
FORMULA_START: Final = "^" + char_class(tuple((ord(p), ord(p)) for p in FORMULA_PREFIXES))


def full_match(pattern: str) -> str:
    """A ``^...$`` pattern of :mod:`~iran_russia_claims.spec.vocab` (the form JSON Schema and
    pydantic read) as a full match for engines that only search."""
    assert pattern.startswith("^"), pattern
    assert pattern.endswith("$"), pattern
    return anchored(pattern[1:-1])
