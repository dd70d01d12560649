"""Peer: a dataframely schema of a claims CSV file, read with Polars.

    python bench/peers/dfy_peer.py FILE.csv REGISTRY_DIR

Exits 0 when every row passes, 1 when some fail (printing the failures by dataframely rule).
The rules are written in dataframely's API, as a dataframely user would write them; the
vocabularies, patterns, bounds and registries are the package's (``spec.vocab``,
``spec.patterns``) and the collection folder's, never copied. ``Schema.filter(cast=True)``
runs every rule on every row, so all failures are counted, not just the first.

Our rules it states (``RULES``): all the row, element, table and registry rules of
``spec/rules.py``, and ``required`` (no column nullable), ``type`` (``cast=True``: a value that
does not cast fails) and ``no_extra_fields`` (checked on the header: dataframely drops columns
it does not know). What it cannot state:

- ``not_empty``: a rule judges rows, so an empty table passes every rule (and the schema);
- ``row_not_empty``, ``readable``: a reader's matter; Polars skips empty lines and raises on a
  malformed file or list cell (then this script fails as a whole, with no per-row report);
- the registry files' rules (``code_unique``, ``sections_tile``, ...) and the provenance rules
  (``span_hash_matches``, ...): they read the registry files or the article, not the table;
- ``requires`` (a rule judged only when its prerequisites hold): dataframely runs every rule on
  every row, so one mistake may fail several rules (an unknown source fails
  ``source_registered``, ``end_within_source`` and ``section_matches_offsets``).

``String(min_length=..., max_length=...)`` counts bytes, not characters, so the lengths of
the assertion and of each hedge are column checks on ``str.len_chars``.
"""

from __future__ import annotations

from typing import Any

import dataframely as dfy
import polars as pl
from _common import Registry, arguments, finish

from iran_russia_claims.spec.patterns import CONTROL, FORMULA_START, HIDDEN, WHITESPACE, full_match
from iran_russia_claims.spec.rules import SPAN_KEY
from iran_russia_claims.spec.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    BAND_UPPERS,
    CLAIM_COLUMN_NAMES,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    HEDGE_MAX_CHARS,
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
    "offsets_ordered", "sha256_pattern", "theme_vocabulary", "kind_vocabulary",
    "actors_non_empty", "actors_unique", "actors_pattern", "assertion_length",
    "assertion_trimmed", "assertion_no_control_chars", "assertion_no_hidden_chars",
    "assertion_no_formula", "confidence_finite", "confidence_range", "band_vocabulary",
    "band_matches_confidence", "hedges_words", "hedges_no_hidden_chars", "id_unique",
    "span_unique", "source_registered", "actors_registered", "end_within_source",
    "section_matches_offsets",
)  # fmt: skip

BANDS = [b.value for b in Band]
#: White space at either end of a text.
UNTRIMMED = f"^{WHITESPACE}|{WHITESPACE}\\z"


def claims_schema(registry: Registry) -> type[dfy.Schema]:
    """The schema of one collection: its id prefix and registries enter as values."""
    sources = list(registry.lengths)
    section_low = {f"{s}/{x}": lo for (s, x), (lo, _) in registry.sections.items()}
    section_high = {f"{s}/{x}": hi for (s, x), (_, hi) in registry.sections.items()}

    def no_match(pattern: str) -> Any:
        return lambda c: ~c.str.contains(pattern)

    class Claims(dfy.Schema):
        id = dfy.String(primary_key=True, regex=full_match(id_pattern(registry.id_prefix)))
        source_id = dfy.String(
            regex=full_match(SLUG_PATTERN), check={"registered": lambda c: c.is_in(sources)}
        )
        section = dfy.String(regex=full_match(SLUG_PATTERN))
        start = dfy.Int64(min=0)
        end = dfy.Int64()
        span_sha256 = dfy.String(regex=full_match(SHA256_PATTERN))
        theme = dfy.Enum([t.value for t in Theme])
        actors = dfy.List(
            dfy.String(
                primary_key=True,  # list items unique
                regex=full_match(ACTOR_CODE_PATTERN),
                check={"registered": lambda c: c.is_in(registry.actors)},
            ),
            min_length=1,
        )
        kind = dfy.Enum([k.value for k in Kind])
        assertion = dfy.String(
            check={
                "length": lambda c: c.str.len_chars().is_between(
                    ASSERTION_MIN_CHARS, ASSERTION_MAX_CHARS
                ),
                "trimmed": no_match(UNTRIMMED),
                "no_control": no_match(CONTROL),
                "no_hidden": no_match(HIDDEN),
                "no_formula": no_match(FORMULA_START),
            }
        )
        confidence = dfy.Float64(min=CONFIDENCE_MIN, max=CONFIDENCE_MAX)  # no NaN, no inf
        confidence_band = dfy.Enum(BANDS)
        hedges = dfy.List(
            dfy.String(
                check={
                    "length": lambda c: c.str.len_chars().is_between(1, HEDGE_MAX_CHARS),
                    "trimmed": no_match(UNTRIMMED),
                    "words": lambda c: c.str.count_matches(f"{WHITESPACE}+") < HEDGE_MAX_WORDS,
                    "no_control": no_match(CONTROL),
                    "no_hidden": no_match(HIDDEN),
                }
            )
        )

        @dfy.rule()
        def offsets_ordered(cls) -> pl.Expr:
            return pl.col("start") < pl.col("end")

        @dfy.rule()
        def band_matches_confidence(cls) -> pl.Expr:
            # bands are open at the bottom and closed at the top: right-closed intervals
            expected = pl.col("confidence").bin_intervals(
                list(BAND_UPPERS[:-1]), labels=BANDS, right_closed=True
            )
            return pl.col("confidence_band").cast(pl.String) == expected.cast(pl.String)

        @dfy.rule()
        def span_unique(cls) -> pl.Expr:
            return pl.len().over(SPAN_KEY) == 1

        @dfy.rule()
        def end_within_source(cls) -> pl.Expr:
            length = pl.col("source_id").replace_strict(
                registry.lengths, default=None, return_dtype=pl.Int64
            )
            return pl.col("end") <= length  # null (unknown source) passes here

        @dfy.rule()
        def section_matches_offsets(cls) -> pl.Expr:
            key = pl.concat_str("source_id", "section", separator="/")
            low = key.replace_strict(section_low, default=None, return_dtype=pl.Int64)
            high = key.replace_strict(section_high, default=None, return_dtype=pl.Int64)
            return low.is_not_null() & (pl.col("start") >= low) & (pl.col("start") < high)

    return Claims


def main() -> None:
    path, registry = arguments()
    frame = pl.read_csv(path)
    extra = [c for c in frame.columns if c not in CLAIM_COLUMN_NAMES]
    lists = pl.List(pl.String)
    frame = frame.with_columns(
        pl.col("actors").str.json_decode(lists), pl.col("hedges").str.json_decode(lists)
    )
    _, failure = claims_schema(registry).filter(frame, cast=True)
    counts = dict(failure.counts())
    if extra:
        counts[f"extra columns {extra}"] = 1
    finish("dataframely", len(frame), counts)


if __name__ == "__main__":
    main()
