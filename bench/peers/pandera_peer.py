"""Peer: a plain pandera ``DataFrameSchema`` of a claims CSV file, read with pandas.

    python bench/peers/pandera_peer.py FILE.csv REGISTRY_DIR

Exits 0 when every row passes, 1 when some fail (printing the failures by column and check).
Written as a pandera user would, with pandera's built-in checks only (``str_matches``,
``isin``, ``ge``, ``in_range``, ``str_length``, ``unique``, ``strict``): no call into the
package's rule engine. The vocabularies, patterns, bounds and registries are the package's
(``spec.vocab``, ``spec.patterns``) and the collection folder's, never copied. pandera
compiles each pattern with Python's ``re`` and pandas' Arrow-backed ``str`` dtype (the default
of pandas 3) runs it with RE2, so the patterns are written in what both read: character
classes of literal characters (not the package's ``\\x{...}``) and ``$`` for the end (RE2's
``$`` is the very end; Python 3.11 has no ``\\z``). ``validate(lazy=True)`` collects every
failure instead of stopping at the first.

The list columns stay text, as CSV holds them (a JSON array per cell): pandera has no built-in
check of list elements, so each list is matched whole by a regular expression built from the
package's element pattern (or the registry's codes). That assumes arrays of plain strings,
written without escapes: a valid hedge written with a ``\\u`` escape is refused.

Our rules it states (``RULES``): every row, table and registry rule of ``spec/rules.py`` that a
built-in check reaches, plus ``required`` (no column nullable), ``type`` (each column's dtype)
and ``no_extra_fields`` (``strict=True``). What built-in checks cannot state:

- rules across columns: ``offsets_ordered`` (start < end), ``band_matches_confidence``,
  ``end_within_source``, ``section_matches_offsets`` (a built-in check sees one column and
  compares with constants; ``DataFrameSchema(unique=...)`` is the one built-in over columns);
- ``actors_unique``: a regular expression without back-references cannot say no item repeats;
- ``hedges_words``: the element pattern holds each hedge to 1 to HEDGE_MAX_WORDS words of
  visible characters (so it checks trimming, words and control characters) but not to
  HEDGE_MAX_CHARS characters, which needs a look-ahead RE2 does not have (partly checked, not
  counted);
- ``not_empty``, ``row_not_empty``, ``readable``, the registry files' and the provenance rules,
  and ``requires``, as for dataframely (see ``dfy_peer.py``).
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
from _common import Registry, arguments, finish

from iran_russia_claims.spec.patterns import CONTROL_RANGES, HIDDEN_RANGES, WHITESPACE_RANGES
from iran_russia_claims.spec.rules import SPAN_KEY
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    FORMULA_PREFIXES,
    HEDGE_MAX_WORDS,
    SHA256_PATTERN,
    SLUG_PATTERN,
    Band,
    Kind,
    Theme,
    id_pattern,
)

#: The rules of ``spec/rules.py`` this peer states.
RULES = (
    "required", "type", "no_extra_fields",
    "id_pattern", "source_id_pattern", "section_pattern", "start_non_negative",
    "sha256_pattern", "theme_vocabulary", "kind_vocabulary", "actors_non_empty",
    "actors_pattern", "assertion_length", "assertion_trimmed", "assertion_no_control_chars",
    "assertion_no_hidden_chars", "assertion_no_formula", "confidence_finite",
    "confidence_range", "band_vocabulary", "hedges_no_hidden_chars", "id_unique",
    "span_unique", "source_registered", "actors_registered",
)  # fmt: skip


Ranges = tuple[tuple[int, int], ...]


def _ranges(chars: str) -> Ranges:
    return tuple((ord(c), ord(c)) for c in chars)


def _char(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else re.escape(chr(code))


def char_class(ranges: Ranges, *, negate: bool = False) -> str:
    """A class of code point ranges that Python's ``re`` and RE2 both read."""
    body = "".join(_char(a) if a == b else f"{_char(a)}-{_char(b)}" for a, b in ranges)
    return f"[{'^' if negate else ''}{body}]"


def anchored(body: str) -> str:
    return f"^(?:{body})$"


def full_match(pattern: str) -> str:
    """A ``^...$`` pattern of ``spec.vocab``, whole."""
    return anchored(pattern[1:-1])


WHITESPACE = char_class(WHITESPACE_RANGES)


def _none_of(ranges: Ranges) -> str:
    """A text with no character of ``ranges``, as one full match."""
    return anchored(f"(?s:{char_class(ranges, negate=True)}*)")


def _json_list(item: str, *, empty: bool) -> str:
    """A JSON array (compact or spaced) of strings each matching ``item`` (no quotes)."""
    one = f'"(?:{item})"'
    items = f"{one}(?:\\s*,\\s*{one})*"
    return anchored(f"\\[\\s*{f'(?:{items})?' if empty else items}\\s*\\]")


def claims_schema(registry: Registry) -> pa.DataFrameSchema:
    visible = char_class(
        WHITESPACE_RANGES + CONTROL_RANGES + HIDDEN_RANGES + _ranges('"\\'), negate=True
    )
    hedge = f"{visible}+(?:{WHITESPACE}+{visible}+){{0,{HEDGE_MAX_WORDS - 1}}}"
    codes = "|".join(re.escape(code) for code in registry.actors)
    not_white = char_class(WHITESPACE_RANGES, negate=True)

    def text(*checks: pa.Check, unique: bool = False) -> pa.Column:
        return pa.Column(str, checks=list(checks), unique=unique)

    return pa.DataFrameSchema(
        {
            "id": text(
                pa.Check.str_matches(full_match(id_pattern(registry.id_prefix))), unique=True
            ),
            "source_id": text(
                pa.Check.str_matches(full_match(SLUG_PATTERN)),
                pa.Check.isin(list(registry.lengths)),
            ),
            "section": text(pa.Check.str_matches(full_match(SLUG_PATTERN))),
            "start": pa.Column("int64", pa.Check.ge(0)),
            "end": pa.Column("int64"),
            "span_sha256": text(pa.Check.str_matches(full_match(SHA256_PATTERN))),
            "theme": text(pa.Check.isin([t.value for t in Theme])),
            "actors": text(
                pa.Check.str_matches(_json_list(ACTOR_CODE_PATTERN[1:-1], empty=False)),
                pa.Check.str_matches(_json_list(codes, empty=False)),
            ),
            "kind": text(pa.Check.isin([k.value for k in Kind])),
            "assertion": text(
                pa.Check.str_length(ASSERTION_MIN_CHARS, ASSERTION_MAX_CHARS),
                # trimmed: a visible first and last character
                pa.Check.str_matches(anchored(f"(?s:{not_white}(?:.*{not_white})?)")),
                pa.Check.str_matches(_none_of(CONTROL_RANGES)),
                pa.Check.str_matches(_none_of(HIDDEN_RANGES)),
                pa.Check.str_matches(
                    "^" + char_class(_ranges("".join(FORMULA_PREFIXES)), negate=True)
                ),
            ),
            # in_range fails NaN and infinities
            "confidence": pa.Column("float64", pa.Check.in_range(CONFIDENCE_MIN, CONFIDENCE_MAX)),
            "confidence_band": text(pa.Check.isin([b.value for b in Band])),
            "hedges": text(pa.Check.str_matches(_json_list(hedge, empty=True))),
        },
        strict=True,
        unique=list(SPAN_KEY),
    )


def main() -> None:
    path, registry = arguments()
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    try:
        claims_schema(registry).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        # a check is named by its call, values and all: keep its name
        names = cases["column"].astype(str) + "|" + cases["check"].astype(str).str.split("(").str[0]
        finish("pandera", len(frame), {k: int(n) for k, n in names.value_counts().items()})
    finish("pandera", len(frame), {})


if __name__ == "__main__":
    main()
