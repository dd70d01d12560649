"""The one definition of every vocabulary, column and bound of a claims collection.

The pydantic models, the pandera schemas, the exporters, the JSON Schema, the data package and
the data dictionary in the README all read from here, so a value changes in one place only.
Nothing heavy is imported: this module is on the path of ``import iran_russia_claims``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

SCHEMA_VERSION: Final = "1.1.0"

#: The id prefix of the shipped collection; a collection of one's own may choose another.
ID_PREFIX: Final = "IRR"
#: What an id prefix may be: an upper-case letter, then 1 to 9 upper-case letters or digits.
ID_PREFIX_PATTERN: Final = r"^[A-Z][A-Z0-9]{1,9}$"


def id_pattern(prefix: str = ID_PREFIX) -> str:
    """Claim ids: the prefix, a dash and four digits, zero-padded (IRR-0001); past 9999 more
    digits with no leading zero, so a collection of any size has one spelling per number."""
    return rf"^{prefix}-(?:[0-9]{{4}}|[1-9][0-9]{{4,}})$"


ID_PATTERN: Final = id_pattern()


def with_id_prefix(value: Any, prefix: str) -> Any:
    """``value`` (text, or lists and mappings of it, as in a JSON document) with the shipped
    collection's id pattern replaced by that of ``prefix``: how the JSON Schemas, the data
    package and the data dictionary, written from the shipped model, state a collection's ids."""
    if prefix == ID_PREFIX:
        return value
    if isinstance(value, str):
        return value.replace(ID_PATTERN, id_pattern(prefix))
    if isinstance(value, list):
        return [with_id_prefix(v, prefix) for v in value]
    if isinstance(value, dict):
        return {k: with_id_prefix(v, prefix) for k, v in value.items()}
    return value


SLUG_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ACTOR_CODE_PATTERN: Final = r"^[A-Z][A-Z0-9_]{1,15}$"
SHA256_PATTERN: Final = r"^[0-9a-f]{64}$"
ISO3_PATTERN: Final = r"^[A-Z]{3}$"
WIKIDATA_PATTERN: Final = r"^Q[1-9][0-9]*$"
LANGUAGE_PATTERN: Final = r"^[a-z]{2,3}$"

#: The claim columns computed from others (``iran-russia-claims fill``), each with the column
#: it is written after when it is missing: a curator writes only offsets and judgements.
DERIVED_COLUMNS: Final = {
    "section": "source_id",
    "span_sha256": "end",
    "confidence_band": "confidence",
}

ASSERTION_MIN_CHARS: Final = 15
ASSERTION_MAX_CHARS: Final = 240
#: Leading characters a spreadsheet would run as a formula (OWASP CSV injection).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
HEDGE_MAX_WORDS: Final = 4
HEDGE_MAX_CHARS: Final = 60
CONFIDENCE_MIN: Final = 0.01
CONFIDENCE_MAX: Final = 0.99


class Theme(StrEnum):
    """What a claim is mainly about; exactly one per claim (tie-breaks in the codebook)."""

    STRATEGIC_ALIGNMENT = "strategic_alignment"
    SANCTIONS = "sanctions"
    TRADE_ECONOMY = "trade_economy"
    ENERGY = "energy"
    MILITARY_SECURITY = "military_security"
    NUCLEAR = "nuclear"
    DIPLOMACY = "diplomacy"
    FUTURE_OUTLOOK = "future_outlook"


THEME_DEFINITIONS: Final[dict[Theme, str]] = {
    Theme.STRATEGIC_ALIGNMENT: "why and how Iran and Russia draw closer: shared adversaries, "
    "mutual support, bloc-building, the partnership as such",
    Theme.SANCTIONS: "Western pressure and sanctions, and ways around them",
    Theme.TRADE_ECONOMY: "trade, investment, transit, markets, economic stability, civilian "
    "technology",
    Theme.ENERGY: "oil, gas and energy projects (not nuclear)",
    Theme.MILITARY_SECURITY: "defence cooperation, arms and military technology transfer, "
    "intelligence, "
    "exercises, military balance, regional and global security",
    Theme.NUCLEAR: "Iran's nuclear programme, Bushehr, non-proliferation",
    Theme.DIPLOMACY: "UN Security Council backing, coordinated foreign policy, negotiations",
    Theme.FUTURE_OUTLOOK: "scenarios and trajectories of the relationship as a whole",
}


class Kind(StrEnum):
    """The logical form of a claim."""

    DESCRIPTIVE = "descriptive"
    CAUSAL = "causal"
    EVALUATIVE = "evaluative"
    PREDICTIVE = "predictive"


KIND_DEFINITIONS: Final[dict[Kind, str]] = {
    Kind.DESCRIPTIVE: "states what is or was the case",
    Kind.CAUSAL: "says that one thing causes, enables or explains another",
    Kind.EVALUATIVE: "judges importance, value or meaning",
    Kind.PREDICTIVE: "says what will or may happen: scenarios, consequences, trajectories",
}


class ActorKind(StrEnum):
    """What sort of entity an actor code stands for."""

    STATE = "state"
    BLOC = "bloc"
    IGO = "igo"
    SECTOR = "sector"
    GROUP = "group"
    REGION = "region"


class Band(StrEnum):
    """ICD 203 expressions of likelihood, lowest first."""

    ALMOST_NO_CHANCE = "almost_no_chance"
    VERY_UNLIKELY = "very_unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly_even_chance"
    LIKELY = "likely"
    VERY_LIKELY = "very_likely"
    ALMOST_CERTAIN = "almost_certain"


#: Upper bound (inclusive) of each band, in the order of :class:`Band`. Every range is open at
#: the bottom and closed at the top, except the lowest, which starts at CONFIDENCE_MIN inclusive.
BAND_UPPER_BOUNDS: Final[dict[Band, float]] = {
    Band.ALMOST_NO_CHANCE: 0.05,
    Band.VERY_UNLIKELY: 0.20,
    Band.UNLIKELY: 0.45,
    Band.ROUGHLY_EVEN_CHANCE: 0.55,
    Band.LIKELY: 0.80,
    Band.VERY_LIKELY: 0.95,
    Band.ALMOST_CERTAIN: CONFIDENCE_MAX,
}
BAND_UPPERS: Final = tuple(BAND_UPPER_BOUNDS.values())


def band_position(confidence: Any, to_int: Callable[[Any], Any] = int) -> Any:
    """The position in :class:`Band` of the band holding ``confidence``: how many bands end
    below it (ranges are closed at the top). The one statement of how the bands divide the
    range, for a number and for a dataframe expression alike (``to_int`` turns a comparison
    into 0 or 1: ``int`` for numbers, a cast for expressions). Bounds are not checked here."""
    position = to_int(confidence > BAND_UPPERS[0])
    for upper in BAND_UPPERS[1:-1]:
        position = position + to_int(confidence > upper)
    return position


class FillerReason(StrEnum):
    """Why a sentence of the article carries no claim."""

    TITLE = "title"
    BYLINE = "byline"
    HEADING = "heading"
    READER_ASIDE = "reader_aside"
    SIGNPOST = "signpost"
    NO_ASSERTION = "no_assertion"


ColumnType = Literal["string", "integer", "number", "boolean", "list"]
#: How a boolean is written in a text file (CSV): the exports write the first of each; a
#: reader takes any (these are also Frictionless's defaults, stated in the data package).
TRUE_VALUES: Final = ("true", "True", "TRUE", "1")
FALSE_VALUES: Final = ("false", "False", "FALSE", "0")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the claims table, as every consumer of the schema sees it."""

    name: str
    type: ColumnType
    description: str
    vocabulary: tuple[str, ...] | None = None
    pattern: str | None = None


CLAIM_COLUMNS: Final[tuple[Column, ...]] = (
    Column("id", "string", "Stable identifier of the claim, never reused.", pattern=ID_PATTERN),
    Column(
        "source_id",
        "string",
        "Key of the source registry: the article the claim is from.",
        pattern=SLUG_PATTERN,
    ),
    Column(
        "section",
        "string",
        "Slug of the article section that contains `start`.",
        pattern=SLUG_PATTERN,
    ),
    Column("start", "integer", "Offset of the span's first character (Python str index, 0-based)."),
    Column("end", "integer", "Offset just past the span's last character (end exclusive)."),
    Column(
        "span_sha256",
        "string",
        "SHA-256 hex of the span text[start:end] encoded as UTF-8.",
        pattern=SHA256_PATTERN,
    ),
    Column("theme", "string", "What the claim is mainly about.", vocabulary=tuple(Theme)),
    Column(
        "actors",
        "list",
        "Actor codes the claim is about, most central first, each in the actor registry.",
    ),
    Column("kind", "string", "Logical form of the claim.", vocabulary=tuple(Kind)),
    Column(
        "assertion",
        "string",
        f"The claim in our own words: one standalone sentence, {ASSERTION_MIN_CHARS}-"
        f"{ASSERTION_MAX_CHARS} characters.",
    ),
    Column(
        "confidence",
        "number",
        "How likely the article says the assertion is (the author's certainty, not ours), "
        f"in [{CONFIDENCE_MIN}, {CONFIDENCE_MAX}].",
    ),
    Column(
        "confidence_band",
        "string",
        "ICD 203 expression of likelihood whose range holds `confidence`.",
        vocabulary=tuple(Band),
    ),
    Column(
        "hedges",
        "list",
        f"Cue words in the span that set the confidence (each at most "
        f"{HEDGE_MAX_WORDS} words); empty when unhedged.",
    ),
)

CLAIM_COLUMN_NAMES: Final = tuple(c.name for c in CLAIM_COLUMNS)
#: Columns holding lists of strings.
LIST_COLUMNS: Final = tuple(c.name for c in CLAIM_COLUMNS if c.type == "list")
#: Columns whose values come from a closed vocabulary (categoricals in pandas).
VOCABULARY_COLUMNS: Final = {c.name: c.vocabulary for c in CLAIM_COLUMNS if c.vocabulary}
#: The vocabularies whose values run in order, lowest first (ordered categoricals, ordered
#: dictionaries, ``categoriesOrdered`` in the data package): only the ICD 203 bands.
ORDINAL_VOCABULARIES: Final[tuple[tuple[str, ...], ...]] = (tuple(Band),)


# -- the link tables: directed dyads, the argument graph, and who coded each record -------------
#: The versions of the codebook (docs/codebook.md) a record may follow: 1.0 codes the claims;
#: 1.1 adds the dyads and the argument relations and changes nothing for claims.
CODEBOOK_VERSIONS: Final = ("1.0", "1.1")


class QuadClass(StrEnum):
    """The four classes of the CAMEO/GDELT QuadClass, for a claim's directed dyads."""

    VERBAL_COOPERATION = "verbal_cooperation"
    MATERIAL_COOPERATION = "material_cooperation"
    VERBAL_CONFLICT = "verbal_conflict"
    MATERIAL_CONFLICT = "material_conflict"


#: The quad classes of conflict (the others are of cooperation).
CONFLICT_CLASSES: Final = (QuadClass.VERBAL_CONFLICT.value, QuadClass.MATERIAL_CONFLICT.value)

QUAD_CLASS_DEFINITIONS: Final[dict[QuadClass, str]] = {
    QuadClass.VERBAL_COOPERATION: "statements, support, backing, alignment, agreements, and "
    "cooperation with no domain named or in a domain of words (diplomacy, foreign policy)",
    QuadClass.MATERIAL_COOPERATION: "trade, aid, arms, investment, joint action, cooperation "
    "in a domain of goods, money or force, and cooperation that mixes words and goods",
    QuadClass.VERBAL_CONFLICT: "criticism, concern, demands, threats, opposition, rifts, "
    "disagreement, diplomatic scrutiny",
    QuadClass.MATERIAL_CONFLICT: "sanctions, economic pressure, coercion, force",
}


class RelationType(StrEnum):
    """How one claim bears on another in the article's argument."""

    SUPPORTS = "supports"
    ELABORATES = "elaborates"
    CONTRASTS = "contrasts"
    ALTERNATIVE_TO = "alternative_to"


RELATION_DEFINITIONS: Final[dict[RelationType, str]] = {
    RelationType.SUPPORTS: "gives a reason, cause or evidence for",
    RelationType.ELABORATES: "specifies, exemplifies or details",
    RelationType.CONTRASTS: "concedes, qualifies or runs against",
    RelationType.ALTERNATIVE_TO: "is a competing scenario or outcome (symmetric)",
}
#: Relations that hold both ways, stored once with the lower id first.
SYMMETRIC_RELATIONS: Final = (RelationType.ALTERNATIVE_TO.value,)
#: Relations that may form no cycle.
ACYCLIC_RELATIONS: Final = (RelationType.SUPPORTS.value,)


class Ground(StrEnum):
    """What in the text makes a relation explicit (the codebook says what counts)."""

    CONNECTIVE = "connective"
    CONTRAST_CONNECTIVE = "contrast_connective"
    FOR_FRAME = "for_frame"
    RELATIVE_CLAUSE = "relative_clause"
    SCENARIO_LIST = "scenario_list"
    THESIS_SUPPORT = "thesis_support"


class CodedBy(StrEnum):
    """Which annotation pass coded a record."""

    PASS1 = "pass1"
    PASS2 = "pass2"
    RESOLVED = "resolved"


CODED_BY_DEFINITIONS: Final[dict[CodedBy, str]] = {
    CodedBy.PASS1: "as the first annotator coded it (where a second pass coded the same, as "
    "both did)",
    CodedBy.PASS2: "as the second annotator coded it, where the first did not; kept on "
    "adjudication",
    CodedBy.RESOLVED: "neither pass coded it so: set when the disagreements were settled",
}

_CODED_BY = Column(
    "coded_by",
    "string",
    "Which annotation pass coded the record: pass1, pass2 or resolved.",
    vocabulary=tuple(CodedBy),
)
_CODEBOOK = Column(
    "codebook_version",
    "string",
    "The version of the codebook the record follows.",
    vocabulary=CODEBOOK_VERSIONS,
)
_CLAIM_KEY = "Identifier of the claim, a key of the claims table."

#: Each link table's columns, as :data:`CLAIM_COLUMNS` states the claims'.
LINK_COLUMNS: Final[dict[str, tuple[Column, ...]]] = {
    "claim_dyads": (
        Column(
            "claim_id",
            "string",
            "Identifier of the claim that asserts the interaction.",
            pattern=ID_PATTERN,
        ),
        Column(
            "source",
            "string",
            "Actor code of the party acting (the provider), among the claim's `actors`.",
            pattern=ACTOR_CODE_PATTERN,
        ),
        Column(
            "target",
            "string",
            "Actor code of the party acted on (the beneficiary), among "
            "the claim's `actors`; not `source`.",
            pattern=ACTOR_CODE_PATTERN,
        ),
        Column(
            "mutual",
            "boolean",
            "True when the claim states the relation as reciprocal "
            "(stored once, `source` first in the claim's `actors` order).",
        ),
        Column(
            "quad_class",
            "string",
            "CAMEO/GDELT QuadClass of the interaction.",
            vocabulary=tuple(QuadClass),
        ),
        _CODED_BY,
        _CODEBOOK,
    ),
    "claim_relations": (
        Column(
            "from_id", "string", "Identifier of the claim the edge starts from.", pattern=ID_PATTERN
        ),
        Column(
            "to_id",
            "string",
            "Identifier of the claim the edge points to (same source).",
            pattern=ID_PATTERN,
        ),
        Column(
            "relation", "string", "How `from_id` bears on `to_id`.", vocabulary=tuple(RelationType)
        ),
        Column(
            "ground",
            "string",
            "What in the text makes the relation explicit.",
            vocabulary=tuple(Ground),
        ),
        _CODED_BY,
        _CODEBOOK,
    ),
    "claim_coding": (
        Column("claim_id", "string", _CLAIM_KEY, pattern=ID_PATTERN),
        _CODED_BY,
        _CODEBOOK,
    ),
}
#: The curated file of each link table in a collection folder, and its top-level key.
LINK_FILES: Final = {
    "claim_dyads": ("claim_dyads.yaml", "dyads"),
    "claim_relations": ("claim_relations.yaml", "relations"),
    "claim_coding": ("claim_coding.yaml", "codings"),
}
