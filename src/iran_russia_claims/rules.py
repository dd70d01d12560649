"""The named rules a claim or a claims table must satisfy, and their scalar implementations.

Every failure that pydantic or pandera reports carries one of these rule names, so a message,
a test and the docs all speak of the same rule. Vectorised versions live in ``schema.py`` and
call back into the bounds defined in :mod:`iran_russia_claims.vocab`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from iran_russia_claims.vocab import (
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    BAND_UPPER_BOUNDS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    FORMULA_PREFIXES,
    HEDGE_MAX_CHARS,
    HEDGE_MAX_WORDS,
    Band,
)


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule with a stable name, the column it concerns, and what it demands."""

    name: str
    column: str | None
    description: str
    hint: str | None = None


_RULES: Final = (
    Rule("required", None, "every column is present and no value is missing"),
    Rule("no_extra_fields", None, "no column or field outside the schema"),
    Rule(
        "type", None, "each value has the column's type (string, integer, float, list of strings)"
    ),
    Rule(
        "id_pattern", "id", "id matches IRR-NNNN (four digits, zero-padded; more digits past 9999)"
    ),
    Rule(
        "id_unique",
        "id",
        "no two claims share an id",
        "ids are never reused: take the next free one",
    ),
    Rule("source_registered", "source_id", "source_id is a key of the source registry"),
    Rule("section_pattern", "section", "section is a lower-case slug"),
    Rule(
        "section_matches_offsets",
        "section",
        "section is the registry section that contains `start`",
        "run `iran-russia-claims verify-source` to see the right section",
    ),
    Rule("start_non_negative", "start", "start >= 0"),
    Rule("offsets_ordered", "end", "start < end"),
    Rule("end_within_source", "end", "end <= the source's length in characters"),
    Rule("sha256_pattern", "span_sha256", "span_sha256 is 64 lower-case hex digits"),
    Rule(
        "span_hash_matches",
        "span_sha256",
        "span_sha256 is the SHA-256 of text[start:end]",
        "recompute it from the article, or fix start/end",
    ),
    Rule("theme_vocabulary", "theme", "theme is one of the themes"),
    Rule("kind_vocabulary", "kind", "kind is one of the kinds"),
    Rule("actors_non_empty", "actors", "actors lists at least one code"),
    Rule("actors_unique", "actors", "no actor code appears twice in one claim"),
    Rule("actors_pattern", "actors", "actor codes are upper-case codes such as IRN or RUS_BUS"),
    Rule(
        "actors_registered",
        "actors",
        "every actor code is in the actor registry",
        "add the actor to dataset/actors.yaml or use an existing code",
    ),
    Rule(
        "assertion_length",
        "assertion",
        f"assertion has {ASSERTION_MIN_CHARS} to {ASSERTION_MAX_CHARS} characters",
    ),
    Rule("assertion_trimmed", "assertion", "assertion has no leading or trailing white space"),
    Rule("assertion_no_control_chars", "assertion", "assertion has no control characters"),
    Rule(
        "assertion_no_formula",
        "assertion",
        "assertion does not start with = + - @, a tab or a carriage return",
        "a spreadsheet would run such a cell as a formula: reword the start",
    ),
    Rule("confidence_finite", "confidence", "confidence is a finite number"),
    Rule(
        "confidence_range",
        "confidence",
        f"confidence is in [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}]",
        "ICD 203 has no expression for certainty",
    ),
    Rule("band_vocabulary", "confidence_band", "confidence_band is one of the ICD 203 bands"),
    Rule(
        "band_matches_confidence",
        "confidence_band",
        "confidence_band is the band whose range holds confidence",
        "ranges are open at the bottom and closed at the top; see the codebook",
    ),
    Rule(
        "hedges_words",
        "hedges",
        f"each hedge is non-empty, trimmed, at most {HEDGE_MAX_WORDS} words and "
        f"{HEDGE_MAX_CHARS} characters",
    ),
    Rule("span_unique", None, "no two claims share (source_id, start, end, assertion)"),
    # Rules of the registries and of provenance against the article.
    Rule("readable", None, "the file exists, is readable, well-formed and of a supported format"),
    Rule("not_empty", None, "a claims file or table holds at least one claim"),
    Rule("iso3_required", "iso3", "states carry an ISO 3166-1 alpha-3 code; other actors none"),
    Rule("iso3_known", "iso3", "iso3 is an ISO 3166-1 alpha-3 code known to pycountry"),
    Rule("sections_tile", "sections", "a source's sections follow each other from 0 to its length"),
    Rule(
        "source_hash_matches",
        None,
        "the article file's SHA-256 equals the registry's",
        "check that you have the same version of the article, byte for byte",
    ),
    Rule("source_length_matches", None, "the article has as many characters as the registry says"),
    Rule("anchored_in_sentence", "start", "a claim's start lies inside a sentence of the article"),
    Rule("filler_is_sentence", None, "a filler entry's offsets are exactly those of one sentence"),
    Rule("claimed_or_filler", None, "no sentence is both the anchor of a claim and filler"),
    Rule(
        "sentence_explained",
        None,
        "every sentence anchors a claim or is recorded as filler",
        "encode its claim in dataset/claims.yaml or record it in dataset/filler.yaml",
    ),
)

RULES: Final[dict[str, Rule]] = {rule.name: rule for rule in _RULES}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Regex form of the control-character rule, for vectorised string checks.
CONTROL_CHARS_REGEX: Final = _CONTROL.pattern
_BAND_ORDER: Final = tuple(BAND_UPPER_BOUNDS)
_UPPERS: Final = tuple(BAND_UPPER_BOUNDS.values())


def band_for(confidence: float) -> Band:
    """The ICD 203 band whose range holds ``confidence``.

    Ranges are open at the bottom and closed at the top, so a boundary value belongs to the lower
    band (0.05 is almost no chance, 0.55 roughly even chance). Raises ``ValueError`` outside
    [CONFIDENCE_MIN, CONFIDENCE_MAX] and for NaN.
    """
    if not (CONFIDENCE_MIN <= confidence <= CONFIDENCE_MAX):
        raise ValueError(
            f"confidence {confidence!r} is outside [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}]"
        )
    for band, upper in zip(_BAND_ORDER, _UPPERS, strict=True):
        if confidence <= upper:
            return band
    raise AssertionError("unreachable: the last upper bound is CONFIDENCE_MAX")  # pragma: no cover


def assertion_problems(text: str) -> list[str]:
    """Names of the assertion rules that ``text`` breaks (empty when it is fine)."""
    broken = []
    if not ASSERTION_MIN_CHARS <= len(text) <= ASSERTION_MAX_CHARS:
        broken.append("assertion_length")
    if text != text.strip():
        broken.append("assertion_trimmed")
    if _CONTROL.search(text):
        broken.append("assertion_no_control_chars")
    if text.startswith(FORMULA_PREFIXES):
        broken.append("assertion_no_formula")
    return broken


def hedge_ok(hedge: str) -> bool:
    """A hedge is a short cue phrase: non-empty, trimmed, at most four words, no controls."""
    return (
        bool(hedge)
        and hedge == hedge.strip()
        and len(hedge) <= HEDGE_MAX_CHARS
        and len(hedge.split()) <= HEDGE_MAX_WORDS
        and not _CONTROL.search(hedge)
    )
