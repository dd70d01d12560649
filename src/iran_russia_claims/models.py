"""Record-level validation with pydantic: one claim, one actor, one source.

Models are strict (no coercion of types, no extra fields). Rules that need the registries (is
this actor known, does the span lie in the source, which section holds it) run when a
:class:`Registry` is passed as validation context, e.g.
``Claim.model_validate(record, context=registry)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from iran_russia_claims import rules
from iran_russia_claims.vocab import (
    ACTOR_CODE_PATTERN,
    ASSERTION_MAX_CHARS,
    ASSERTION_MIN_CHARS,
    CLAIM_COLUMNS,
    CONFIDENCE_MAX,
    CONFIDENCE_MIN,
    ID_PATTERN,
    ISO3_PATTERN,
    LANGUAGE_PATTERN,
    SHA256_PATTERN,
    SLUG_PATTERN,
    WIKIDATA_PATTERN,
    ActorKind,
    Band,
    FillerReason,
    Kind,
    Theme,
)

_DOC = {c.name: c.description for c in CLAIM_COLUMNS}

ActorCode = Annotated[str, Field(pattern=ACTOR_CODE_PATTERN)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


def _fail(rule: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(rule, message)


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Actor(_Strict):
    """An entry of the actor registry."""

    code: ActorCode
    name: Annotated[str, Field(min_length=2, max_length=80)]
    kind: Annotated[ActorKind, Field(strict=False)]
    iso3: Annotated[str | None, Field(pattern=ISO3_PATTERN)] = None
    wikidata: Annotated[str | None, Field(pattern=WIKIDATA_PATTERN)] = None
    cameo: Annotated[str | None, Field(pattern=r"^[A-Z]{3}$")] = None

    @model_validator(mode="after")
    def _iso3_for_states(self) -> Actor:
        if self.kind is ActorKind.STATE:
            if self.iso3 is None:
                raise _fail("iso3_required", "a state needs its ISO 3166-1 alpha-3 code (iso3)")
            import pycountry  # lazy: only registry validation needs it

            if pycountry.countries.get(alpha_3=self.iso3) is None:
                raise _fail("iso3_known", f"{self.iso3!r} is not an ISO 3166-1 alpha-3 code")
        elif self.iso3 is not None:
            raise _fail("iso3_required", "only states carry an iso3 code")
        return self


class Section(_Strict):
    """A section of a source: a slug and the [start, end) offsets it covers."""

    slug: Slug
    title: Annotated[str, Field(min_length=1, max_length=60)]
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(gt=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Section:
        if self.start >= self.end:
            raise _fail("offsets_ordered", "section start must be before its end")
        return self


class Source(_Strict):
    """An entry of the source registry: facts about one article, never its sentences."""

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    author: Annotated[str, Field(min_length=1, max_length=120)]
    language: Annotated[str, Field(pattern=LANGUAGE_PATTERN)]
    filename: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")]
    sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    length: Annotated[int, Field(gt=0)]
    sections: Annotated[list[Section], Field(min_length=1)]

    @model_validator(mode="after")
    def _sections_tile_the_text(self) -> Source:
        cursor = 0
        for section in self.sections:
            if section.start != cursor:
                raise _fail(
                    "sections_tile",
                    f"section {section.slug!r} starts at {section.start}, expected {cursor}: "
                    "sections must follow each other with no gap or overlap",
                )
            cursor = section.end
        if cursor != self.length:
            raise _fail("sections_tile", f"sections end at {cursor}, the source at {self.length}")
        slugs = [s.slug for s in self.sections]
        if len(set(slugs)) != len(slugs):
            raise _fail("sections_tile", "section slugs must be unique")
        return self

    def section_at(self, offset: int) -> Section | None:
        """The section whose [start, end) holds ``offset``."""
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


@dataclass(frozen=True)
class Registry:
    """The actor and source registries, against which claims are checked."""

    actors: dict[str, Actor]
    sources: dict[str, Source]


class Claim(_Strict):
    """One atomic claim of an article, with its provenance."""

    id: Annotated[str, Field(pattern=ID_PATTERN, description=_DOC["id"])]
    source_id: Annotated[str, Field(pattern=SLUG_PATTERN, description=_DOC["source_id"])]
    section: Annotated[str, Field(pattern=SLUG_PATTERN, description=_DOC["section"])]
    start: Annotated[int, Field(ge=0, description=_DOC["start"])]
    end: Annotated[int, Field(gt=0, description=_DOC["end"])]
    span_sha256: Annotated[str, Field(pattern=SHA256_PATTERN, description=_DOC["span_sha256"])]
    theme: Annotated[Theme, Field(strict=False, description=_DOC["theme"])]
    actors: Annotated[list[ActorCode], Field(min_length=1, description=_DOC["actors"])]
    kind: Annotated[Kind, Field(strict=False, description=_DOC["kind"])]
    assertion: Annotated[
        str,
        Field(
            min_length=ASSERTION_MIN_CHARS,
            max_length=ASSERTION_MAX_CHARS,
            description=_DOC["assertion"],
        ),
    ]
    confidence: Annotated[
        float,
        Field(
            ge=CONFIDENCE_MIN,
            le=CONFIDENCE_MAX,
            allow_inf_nan=False,
            description=_DOC["confidence"],
        ),
    ]
    confidence_band: Annotated[Band, Field(strict=False, description=_DOC["confidence_band"])]
    hedges: Annotated[list[str], Field(description=_DOC["hedges"])]

    @field_validator("actors")
    @classmethod
    def _actors_unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise _fail("actors_unique", "an actor code appears twice")
        return value

    @field_validator("assertion")
    @classmethod
    def _assertion_rules(cls, value: str) -> str:
        for rule in rules.assertion_problems(value):
            raise _fail(rule, rules.RULES[rule].description)
        return value

    @field_validator("hedges")
    @classmethod
    def _hedges_short(cls, value: list[str]) -> list[str]:
        for hedge in value:
            if not rules.hedge_ok(hedge):
                raise _fail(
                    "hedges_words", f"hedge {hedge!r}: {rules.RULES['hedges_words'].description}"
                )
        return value

    @model_validator(mode="after")
    def _cross_field(self, info: ValidationInfo) -> Claim:
        if self.start >= self.end:
            raise _fail("offsets_ordered", f"start {self.start} is not before end {self.end}")
        expected = rules.band_for(self.confidence)
        if self.confidence_band is not expected:
            raise _fail(
                "band_matches_confidence",
                f"confidence {self.confidence} lies in band {expected.value!r}, "
                f"not {self.confidence_band.value!r}",
            )
        registry = info.context if isinstance(info.context, Registry) else None
        if registry is not None:
            self._check_against(registry)
        return self

    def _check_against(self, registry: Registry) -> None:
        unknown = [code for code in self.actors if code not in registry.actors]
        if unknown:
            raise _fail("actors_registered", f"actor code(s) not in the registry: {unknown}")
        source = registry.sources.get(self.source_id)
        if source is None:
            raise _fail("source_registered", f"source {self.source_id!r} is not in the registry")
        if self.end > source.length:
            raise _fail(
                "end_within_source", f"end {self.end} is beyond the source ({source.length})"
            )
        section = source.section_at(self.start)
        if section is None or section.slug != self.section:
            found = section.slug if section else None
            raise _fail(
                "section_matches_offsets",
                f"offset {self.start} lies in section {found!r}, not {self.section!r}",
            )


class Filler(_Strict):
    """A sentence of the source that carries no claim, and why: the coverage report's ledger."""

    source_id: Annotated[str, Field(pattern=SLUG_PATTERN)] = "iran-russia-relations"
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(gt=0)]
    span_sha256: Annotated[str, Field(pattern=SHA256_PATTERN)]
    reason: Annotated[FillerReason, Field(strict=False)]
    note: Annotated[str, Field(min_length=3, max_length=200)]


#: pydantic's own error types, per field, mapped to the rule names both validators share.
_BUILTIN_RULES: dict[tuple[str, str], str] = {
    ("id", "string_pattern_mismatch"): "id_pattern",
    ("source_id", "string_pattern_mismatch"): "source_registered",
    ("section", "string_pattern_mismatch"): "section_pattern",
    ("start", "greater_than_equal"): "start_non_negative",
    ("end", "greater_than"): "offsets_ordered",
    ("span_sha256", "string_pattern_mismatch"): "sha256_pattern",
    ("theme", "enum"): "theme_vocabulary",
    ("kind", "enum"): "kind_vocabulary",
    ("confidence_band", "enum"): "band_vocabulary",
    ("actors", "too_short"): "actors_non_empty",
    ("actors", "string_pattern_mismatch"): "actors_pattern",
    ("assertion", "string_too_short"): "assertion_length",
    ("assertion", "string_too_long"): "assertion_length",
    ("confidence", "finite_number"): "confidence_finite",
    ("confidence", "greater_than_equal"): "confidence_range",
    ("confidence", "less_than_equal"): "confidence_range",
}


def rule_of(error: Any) -> str:
    """The shared rule name for one entry of ``ValidationError.errors()``."""
    kind = str(error["type"])
    if kind in rules.RULES:
        return kind
    column = str(error["loc"][0]) if error["loc"] else ""
    if kind == "missing":
        return "required"
    if kind == "extra_forbidden":
        return "no_extra_fields"
    return _BUILTIN_RULES.get((column, kind), "type")


def errors_to_rules(exc: ValidationError) -> list[tuple[str, str, str]]:
    """(rule, column, message) for each error pydantic found."""
    out = []
    for error in exc.errors(include_url=False):
        column = str(error["loc"][0]) if error["loc"] else ""
        out.append((rule_of(error), column, str(error["msg"])))
    return out
