"""The table checks of the claims schema, declared once for every engine.

Each :class:`TableCheck` names a rule of :mod:`iran_russia_claims.rules`, the column it is about
and an engine-neutral kind with its parameters, all read from :mod:`iran_russia_claims.vocab`.
The pandas, Polars and PySpark schemas (``schema``, ``schema_polars``, ``schema_spark``) each
implement every kind once in their own library and build their checks from this list, so the
three accept and reject the same tables under the same rule names. Regular expressions are
rendered per engine (Python ``re`` for pandas fallbacks, RE2 for Arrow, Rust regex for Polars,
Java regex for Spark) from one definition. Nothing heavy is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from iran_russia_claims.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    BAND_UPPER_BOUNDS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    FORMULA_PREFIXES,
    HEDGE_MAX_CHARS,
    HEDGE_MAX_WORDS,
    ID_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    VOCABULARY_COLUMNS,
)

Kind = Literal[
    "pattern",  # every value fully matches a regex
    "vocabulary",  # every value is one of a closed set
    "unique",  # no two rows share the value(s) of these columns
    "at_least",  # value >= bound
    "finite",  # a finite number (NaN fails)
    "between",  # bound_low <= value <= bound_high (non-finite values are left to "finite")
    "length_between",  # a string of min..max characters (code points)
    "trimmed",  # no leading or trailing white space (Python's str.isspace set)
    "no_control",  # no control character (rules.CONTROL_CHARS_REGEX)
    "no_prefix",  # does not start with any of the prefixes
    "list_non_empty",  # a list with at least one element
    "list_distinct",  # no element twice in one list
    "list_pattern",  # every element fully matches a regex
    "list_hedges",  # every element is a hedge (rules.hedge_ok)
    "less_than",  # column a < column b
    "band",  # the band column is the band whose range holds the number column
    "registered_source",  # value is a source id of the registry
    "registered_actors",  # every element is an actor code of the registry
    "within_source",  # end <= the length of the row's source
    "section_of_offset",  # section is the slug of the source section holding start
]


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One named rule on the claims table, as data every engine can implement."""

    rule: str
    column: str | None
    kind: Kind
    columns: tuple[str, ...] = ()
    pattern: str | None = None
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    needs_registry: bool = False

    @property
    def lower(self) -> float:
        """``low``, for the kinds that have one."""
        assert self.low is not None, self.rule
        return self.low

    @property
    def upper(self) -> float:
        """``high``, for the kinds that have one."""
        assert self.high is not None, self.rule
        return self.high


def _strip_anchors(pattern: str) -> str:
    assert pattern.startswith("^"), pattern
    assert pattern.endswith("$"), pattern
    return pattern[1:-1]


#: Ranges of code points that ``rules._CONTROL`` treats as control characters.
CONTROL_RANGES: Final = ((0x00, 0x1F), (0x7F, 0x9F), (0x2028, 0x2029))
#: Ranges of code points that Python's ``str.isspace`` (so ``strip`` and ``split``) treats as
#: white space; spelled out so that every engine trims and splits exactly as pydantic does.
WHITESPACE_RANGES: Final = (
    (0x09, 0x0D), (0x1C, 0x20), (0x85, 0x85), (0xA0, 0xA0), (0x1680, 0x1680),
    (0x2000, 0x200A), (0x2028, 0x2029), (0x202F, 0x202F), (0x205F, 0x205F), (0x3000, 0x3000),
)  # fmt: skip


def char_class(ranges: tuple[tuple[int, int], ...], *, negate: bool = False) -> str:
    """A regex character class of code point ranges, in the ``\\x{...}`` syntax that Arrow's
    RE2, Polars' Rust regex and Java's regex all read the same way."""
    body = "".join(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def anchored(body: str) -> str:
    """A full-match regex for engines that only search (RE2, Rust, Java): ``\\z`` is the very
    end of the text, unlike ``$``, which Java also matches before a final line break."""
    return f"^(?:{body})\\z"


#: One white-space character, as Python's ``str.strip`` and ``str.split`` see it.
WHITESPACE: Final = char_class(WHITESPACE_RANGES)
#: One control character, as ``rules.CONTROL_CHARS_REGEX`` sees it.
CONTROL: Final = char_class(CONTROL_RANGES)
#: A value with white space at either end.
UNTRIMMED: Final = f"^{WHITESPACE}|{WHITESPACE}\\z"
#: A value starting like a spreadsheet formula (every prefix is one character).
assert all(len(p) == 1 for p in FORMULA_PREFIXES)
FORMULA_START: Final = "^" + char_class(tuple((ord(p), ord(p)) for p in FORMULA_PREFIXES))

#: The band names in order and their inclusive upper bounds (ranges closed at the top).
BANDS: Final = tuple(b.value for b in BAND_UPPER_BOUNDS)
BAND_UPPERS: Final = tuple(BAND_UPPER_BOUNDS.values())
#: The lowest confidence any band holds (inclusive).
BAND_LOWEST: Final = CONFIDENCE_MIN
SPAN_KEY: Final = ("source_id", "start", "end", "assertion")

TABLE_CHECKS: Final[tuple[TableCheck, ...]] = (
    TableCheck("id_pattern", "id", "pattern", pattern=_strip_anchors(ID_PATTERN)),
    TableCheck("id_unique", "id", "unique", columns=("id",)),
    TableCheck("section_pattern", "section", "pattern", pattern=_strip_anchors(SLUG_PATTERN)),
    TableCheck("start_non_negative", "start", "at_least", low=0),
    TableCheck("sha256_pattern", "span_sha256", "pattern", pattern=_strip_anchors(SHA256_PATTERN)),
    TableCheck("theme_vocabulary", "theme", "vocabulary",
               values=tuple(str(v) for v in VOCABULARY_COLUMNS["theme"])),
    TableCheck("kind_vocabulary", "kind", "vocabulary",
               values=tuple(str(v) for v in VOCABULARY_COLUMNS["kind"])),
    TableCheck("band_vocabulary", "confidence_band", "vocabulary", values=BANDS),
    TableCheck("actors_non_empty", "actors", "list_non_empty"),
    TableCheck("actors_pattern", "actors", "list_pattern",
               pattern=_strip_anchors(ACTOR_CODE_PATTERN)),
    TableCheck("actors_unique", "actors", "list_distinct"),
    TableCheck("assertion_length", "assertion", "length_between",
               low=ASSERTION_MIN_CHARS, high=ASSERTION_MAX_CHARS),
    TableCheck("assertion_trimmed", "assertion", "trimmed"),
    TableCheck("assertion_no_control_chars", "assertion", "no_control"),
    TableCheck("assertion_no_formula", "assertion", "no_prefix", values=FORMULA_PREFIXES),
    TableCheck("confidence_finite", "confidence", "finite"),
    TableCheck("confidence_range", "confidence", "between", low=CONFIDENCE_MIN,
               high=CONFIDENCE_MAX),
    TableCheck("hedges_words", "hedges", "list_hedges", low=HEDGE_MAX_WORDS,
               high=HEDGE_MAX_CHARS),
    # across columns
    TableCheck("offsets_ordered", None, "less_than", columns=("start", "end")),
    TableCheck("band_matches_confidence", None, "band", columns=("confidence", "confidence_band")),
    TableCheck("span_unique", None, "unique", columns=SPAN_KEY),
    # against the registries
    TableCheck("source_registered", None, "registered_source", columns=("source_id",),
               needs_registry=True),
    TableCheck("actors_registered", None, "registered_actors", columns=("actors",),
               needs_registry=True),
    TableCheck("end_within_source", None, "within_source", columns=("source_id", "end"),
               needs_registry=True),
    TableCheck("section_matches_offsets", None, "section_of_offset",
               columns=("source_id", "section", "start"), needs_registry=True),
)  # fmt: skip

#: Every rule a table schema names: the checks above plus the structural ones.
SCHEMA_RULES: Final = frozenset(
    {c.rule for c in TABLE_CHECKS} | {"required", "type", "no_extra_fields"}
)
